/**
 * Every relative link in README.md and docs/ resolves: the file or folder exists, and an anchor
 * (`#...`) names a heading of the target page as GitHub makes heading ids. Links inside code spans
 * and fenced code blocks are text, not links, and are skipped; absolute URLs are not fetched.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

/** A link found in a Markdown text: its target as written and its 1-based line. */
interface MarkdownLink {
  target: string;
  line: number;
}

/** A link that does not resolve, and why. */
interface BrokenLink {
  file: string;
  line: number;
  target: string;
  reason: string;
}

/**
 * The lines of a Markdown text with fenced code blocks blanked out (the lines stay, so line
 * numbers hold). A fence is ``` or ~~~ (three or more), indented by at most three spaces, and is
 * closed by a fence of the same character at least as long.
 */
function withoutFencedBlocks(text: string): string[] {
  const lines = text.split(/\r?\n/);
  let fence: { char: string; length: number } | null = null;
  return lines.map((line) => {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === null) {
      if (m) {
        fence = { char: m[1]![0]!, length: m[1]!.length };
        return '';
      }
      return line;
    }
    if (
      m &&
      m[1]![0] === fence.char &&
      m[1]!.length >= fence.length &&
      /^ {0,3}[`~]+\s*$/.test(line)
    ) {
      fence = null;
    }
    return '';
  });
}

/** A line with its code spans (a run of backticks up to the same run) removed. */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[\s\S]*?\1/g, '');
}

/** The text GitHub shows for a heading's Markdown: code spans' content, links' text. */
function headingText(markdown: string): string {
  return markdown
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`+/g, '')
    .trim();
}

/**
 * The id GitHub gives a heading (github-slugger): lower case, every character that is not a
 * letter, mark, digit, connector (`_`), space or hyphen dropped, each space made a hyphen.
 * Repeats are told apart by the caller (`-1`, `-2`, ...).
 */
function githubSlug(heading: string): string {
  return headingText(heading)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown text's ATX headings, with GitHub's suffixes for repeats. */
function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutFencedBlocks(text)) {
    const m = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (!m) continue;
    const slug = githubSlug(m[1]!);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The inline links and images (`[text](target)`, `![alt](target)`) of a Markdown text. */
function markdownLinks(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  withoutFencedBlocks(text).forEach((raw, i) => {
    const line = withoutCodeSpans(raw);
    for (const m of line.matchAll(/\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ target: m[1]!.replace(/^<|>$/g, ''), line: i + 1 });
    }
    const def = /^ {0,3}\[[^\]]+\]:\s*(\S+)/.exec(line);
    if (def) links.push({ target: def[1]!.replace(/^<|>$/g, ''), line: i + 1 });
  });
  return links;
}

/** Whether a link target leaves the repository's files (a URL with a scheme, or mail). */
function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}

/**
 * The broken relative links of one Markdown text.
 *
 * @param file the text's path relative to `root` (links resolve from its folder)
 * @param text the Markdown
 * @param root the repository's root; targets are looked up on disk below it
 */
function brokenLinks(file: string, text: string, root: string): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const anchorsOf = (abs: string, source?: string): Set<string> =>
    headingAnchors(source ?? fs.readFileSync(abs, 'utf8'));
  for (const { target, line } of markdownLinks(text)) {
    if (isExternal(target)) continue;
    const hash = target.indexOf('#');
    const rawPath = hash === -1 ? target : target.slice(0, hash);
    const anchor = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1));
    const abs =
      rawPath === ''
        ? path.join(root, file)
        : path.resolve(path.join(root, path.dirname(file)), decodeURIComponent(rawPath));
    const report = (reason: string) => broken.push({ file, line, target, reason });
    if (path.relative(root, abs).startsWith('..')) {
      report('points outside the repository');
      continue;
    }
    const stat = rawPath === '' ? null : fs.statSync(abs, { throwIfNoEntry: false });
    if (rawPath !== '' && !stat) {
      report(`no file or folder ${path.relative(root, abs)}`);
      continue;
    }
    if (anchor === null || anchor === '') continue;
    if (!abs.endsWith('.md') || stat?.isDirectory()) {
      report('an anchor into something that is not a Markdown page');
      continue;
    }
    const anchors = anchorsOf(abs, rawPath === '' ? text : undefined);
    if (!anchors.has(anchor)) {
      report(`no heading with the anchor #${anchor} in ${path.relative(root, abs)}`);
    }
  }
  return broken;
}

/** README.md and every Markdown page under docs/, relative to the root. */
function documentationPages(): string[] {
  const pages = ['README.md'];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.md')) pages.push(rel);
    }
  };
  walk('docs');
  return pages.sort();
}

describe('githubSlug', () => {
  it('makes the ids GitHub makes', () => {
    expect(githubSlug("Deno's kernel")).toBe('denos-kernel');
    expect(githubSlug('Node.js lines')).toBe('nodejs-lines');
    expect(githubSlug('What students hand in: the zip and the PDF')).toBe(
      'what-students-hand-in-the-zip-and-the-pdf',
    );
    expect(githubSlug('Shared by both: numpy, random, tensors, backends')).toBe(
      'shared-by-both-numpy-random-tensors-backends',
    );
    expect(githubSlug('The `blas` backend (N-API)')).toBe('the-blas-backend-n-api');
    expect(githubSlug('Points, assignment 1')).toBe('points-assignment-1');
    expect(githubSlug('snake_case and a [link](x.md)')).toBe('snake_case-and-a-link');
  });

  it('tells repeated headings apart and skips headings in fenced blocks', () => {
    const text = '# Title\n\n## Set-up\n\n```sh\n# not a heading\n```\n\n## Set-up\n';
    expect([...headingAnchors(text)]).toEqual(['title', 'set-up', 'set-up-1']);
  });
});

describe('brokenLinks', () => {
  // A made-up repository: a README with two headings, a page under docs/ and a folder.
  let root = '';
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'links-'));
    fs.writeFileSync(path.join(root, 'README.md'), '# Project\n\n## Two commands\n');
    fs.mkdirSync(path.join(root, 'docs'));
    fs.mkdirSync(path.join(root, 'lib'));
    fs.writeFileSync(path.join(root, 'lib', 'index.ts'), '');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('finds a missing file, a missing anchor and an anchor on a folder, and nothing in code', () => {
    const text = [
      '# Page',
      '',
      'See [the README](../README.md), [its commands](../README.md#two-commands),',
      '[a page that is not there](nowhere.md), [a heading that is not there](#no-such-heading),',
      '[this page](#page), [a folder](../lib/), [a folder anchor](../lib/#x),',
      'the web (https://example.org/a.md, [a site](https://example.org/missing.md)),',
      '`[in a code span](missing-in-span.md)` and:',
      '',
      '```md',
      '[in a fenced block](missing-in-fence.md)',
      '```',
      '',
      '[a reference]: ../README.md#project',
      '[a broken reference]: ../README.md#three-commands',
    ].join('\n');
    const found = brokenLinks('docs/page.md', text, root).map((b) => [b.line, b.target]);
    expect(found).toEqual([
      [4, 'nowhere.md'],
      [4, '#no-such-heading'],
      [5, '../lib/#x'],
      [14, '../README.md#three-commands'],
    ]);
  });

  it('refuses a link that leaves the repository', () => {
    const found = brokenLinks('README.md', '[up](../outside.md)', root);
    expect(found.map((b) => b.reason)).toEqual(['points outside the repository']);
  });
});

describe('README.md and docs/', () => {
  const pages = documentationPages();

  it('are found (README.md and the pages under docs/)', () => {
    expect(pages).toContain('README.md');
    expect(pages.filter((p) => p.startsWith('docs/')).length).toBeGreaterThan(0);
  });

  it.each(pages)('%s: every relative link and anchor resolves', (page) => {
    const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
    expect(markdownLinks(text).length).toBeGreaterThan(0);
    expect(brokenLinks(page, text, ROOT)).toEqual([]);
  });
});
