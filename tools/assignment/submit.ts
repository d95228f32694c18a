/**
 * npm run submit [-- --assignment 1|2] [-- --out FILE|DIR]: packs what the course collects for one
 * assignment (default 1): one zip (default submission.zip at the project root; DIR/submission.zip
 * when --out names an existing folder) with the lib/ sources (no build output) and the
 * assignment's notebooks (assignment 1: notebooks/assignment1/*.ipynb,
 * assignment 2: notebooks/assignment2/*.ipynb), executed, each with its HTML export (made here
 * with scripts/export-notebook-html.ts), and beside it one PDF of those notebooks in the course's
 * order (submitPdf.ts; FILE with .pdf for .zip), printed by a local Chromium. Without a browser it
 * says in one line how to get one and still writes the zip.
 *
 * Refuses, naming the notebook and the cell, when a notebook is missing, was not executed (a code
 * cell that has no execution count, no recorded timing and no output) or holds an error (an error
 * output, or anything the kernel wrote to stderr: tslab reports failing cells and unwritten
 * functions there; an unwritten function of a file the submitted assignment does not grade is
 * allowed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { assignmentOption, exercisesOf } from './exercises';
import { cellText, type Notebook } from './notebook';
import { findChromium, NO_BROWSER, submissionPdf } from './submitPdf';

/**
 * The function and file a kernel's "not implemented yet" line names (the one line a stub's
 * NotImplementedError prints), or null for any other text.
 */
function unwrittenFunction(stderr: string): { what: string; file: string } | null {
  const m = /^(.+) is not implemented yet: write it in (\S+)\n?$/.exec(stderr.trim());
  return m ? { what: m[1], file: m[2] } : null;
}

/**
 * Why a notebook cannot be submitted, or null when it can.
 *
 * @param nb the notebook
 * @param file its path, named in the message
 * @param graded when given, the files graded in the assignment being submitted: a cell that only
 *   reports an unwritten function of another file (another assignment's, such as an update rule
 *   of assignment 2 that a section beyond assignment 1 trains with) is not a problem then
 */
export function notebookProblem(
  nb: Notebook,
  file: string,
  graded?: ReadonlySet<string>,
): string | null {
  for (const [i, cell] of nb.cells.entries()) {
    if (cell.cell_type !== 'code' || cellText(cell).trim() === '') continue;
    // Executed: Jupyter gave it a count, nbclient recorded its timing, or it printed something
    // (tslab run by nbconvert leaves counts empty; a cell with neither ran nowhere).
    const ran =
      typeof cell.execution_count === 'number' ||
      cell.metadata?.execution !== undefined ||
      (cell.outputs ?? []).length > 0;
    if (!ran) {
      return `${file} was not executed (cell ${i + 1} has not run): run every cell, e.g. with npm run notebook, then submit again`;
    }
    for (const out of (cell.outputs ?? []) as Record<string, unknown>[]) {
      if (out.output_type === 'error') {
        return `${file} holds an error in cell ${i + 1} (${out.ename}: ${out.evalue}): fix it, re-run the notebook, then submit again`;
      }
      if (out.output_type === 'stream' && out.name === 'stderr') {
        const text = Array.isArray(out.text) ? out.text.join('') : String(out.text ?? '');
        const unwritten = unwrittenFunction(text);
        if (graded && unwritten && !graded.has(unwritten.file)) continue;
        const first = text.trim().split('\n')[0];
        return `${file} holds an error in cell ${i + 1} (${first}): fix it, re-run the notebook, then submit again`;
      }
    }
  }
  return null;
}

/** Files under a folder, relative paths, sorted; skips build output and dependencies. */
function listSources(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = path.posix.join(rel, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'build' && e.name !== 'node_modules') walk(p);
      } else if (e.isFile()) {
        out.push(p);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** Exports a notebook to HTML (the project's exporter); returns the page. */
export type HtmlExporter = (notebook: string, outFile: string) => void;

function defaultExporter(root: string): HtmlExporter {
  return (notebook, outFile) => {
    const mod = require(path.join(root, 'scripts', 'export-notebook-html')) as {
      exportNotebookHtml(n: string, o: string): string;
    };
    mod.exportNotebookHtml(notebook, outFile);
  };
}

/** Every notebook directly in a project's notebooks/ folder (relative paths, sorted). */
function topNotebooks(root: string): string[] {
  const nbDir = path.join(root, 'notebooks');
  return fs.existsSync(nbDir)
    ? fs
        .readdirSync(nbDir)
        .filter((f) => f.endsWith('.ipynb'))
        .sort()
        .map((f) => `notebooks/${f}`)
    : [];
}

/**
 * Builds the submission zip.
 *
 * @param root the project
 * @param exporter makes each notebook's HTML page (default: scripts/export-notebook-html.ts)
 * @param notebooks the notebooks to pack, relative to root (default: every notebook directly in
 *   notebooks/); each must be there
 * @param graded the files graded in the assignment submitted (see {@link notebookProblem})
 * @returns the zip's bytes and its file names
 * @throws Error with the reason when a notebook is missing, was not executed or holds an error
 */
export function buildSubmission(
  root: string,
  exporter: HtmlExporter = defaultExporter(root),
  notebooks: readonly string[] = topNotebooks(root),
  graded?: ReadonlySet<string>,
): { zip: Uint8Array; names: string[] } {
  if (notebooks.length === 0) throw new Error('submit: no notebooks in notebooks/');
  for (const rel of notebooks) {
    if (!fs.existsSync(path.join(root, rel))) {
      throw new Error(
        `submit: ${rel} is missing: put the notebook back, run it, then submit again`,
      );
    }
  }
  const files: Record<string, Uint8Array> = {};
  for (const f of listSources(root, 'lib')) files[f] = fs.readFileSync(path.join(root, f));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs231n-submit-'));
  try {
    for (const rel of notebooks) {
      const text = fs.readFileSync(path.join(root, rel), 'utf8');
      let nb: Notebook;
      try {
        nb = JSON.parse(text) as Notebook;
      } catch (e) {
        throw new Error(`submit: ${rel} is not a notebook (not JSON: ${(e as Error).message})`);
      }
      const problem = notebookProblem(nb, rel, graded);
      if (problem) throw new Error(`submit: ${problem}`);
      files[rel] = Buffer.from(text);
      const html = path.join(tmp, path.basename(rel).replace(/\.ipynb$/, '.html'));
      try {
        exporter(path.join(root, rel), html);
      } catch (e) {
        throw new Error(
          `submit: could not export ${rel} to HTML (${(e as Error).message.split('\n')[0]}); npm run setup:python sets up nbconvert`,
        );
      }
      files[rel.replace(/\.ipynb$/, '.html')] = fs.readFileSync(html);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  // A fixed date: the same work gives the same zip.
  const mtime = new Date(Date.UTC(2000, 0, 1));
  const names = Object.keys(files).sort();
  const zip = zipSync(Object.fromEntries(names.map((n) => [n, [files[n], { mtime }]])), {
    level: 6,
  });
  return { zip, names };
}

/** The zip's name when --out is a folder, or when there is no --out (at the project root). */
export const SUBMISSION_ZIP = 'submission.zip';

/**
 * Where `npm run submit` writes the zip (the PDF goes beside it, `.pdf` for `.zip`).
 *
 * @param out the --out argument: an existing folder (the zip is written into it as
 *   `submission.zip`), a file path in an existing folder, or undefined (`submission.zip` at `root`)
 * @param root the project folder (relative paths are resolved from the working directory)
 * @returns the absolute path of the zip
 * @throws Error one line, before anything is packed, when the folder of a file path does not exist
 *   or the zip's path is a folder
 */
export function submissionZipPath(out: string | undefined, root: string): string {
  let zip = path.resolve(out ?? path.join(root, SUBMISSION_ZIP));
  if (out !== undefined && isFolder(zip)) zip = path.join(zip, SUBMISSION_ZIP);
  else if (!isFolder(path.dirname(zip))) {
    throw new Error(`submit: --out ${zip}: its folder ${path.dirname(zip)} does not exist`);
  }
  for (const f of [zip, `${zip.replace(/\.zip$/i, '')}.pdf`]) {
    if (isFolder(f)) {
      throw new Error(
        `submit: --out ${out ?? zip}: ${f} is a folder; give a file name or another folder`,
      );
    }
  }
  return zip;
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

async function main(argv: string[]): Promise<void> {
  const usage =
    'usage: npm run submit [-- --assignment 1|2] [-- --out FILE|DIR]\n' +
    '  packs assignment 1 (the default) or 2: lib/ and its notebooks into FILE (default\n' +
    '  submission.zip), or into DIR/submission.zip; the PDF is written beside it';
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return;
  }
  const root = path.resolve(__dirname, '..', '..');
  const i = argv.indexOf('--out');
  let out: string;
  try {
    out = submissionZipPath(i >= 0 && argv[i + 1] ? argv[i + 1] : undefined, root);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const assignment = assignmentOption(argv, 'submit', usage, 1);
  const chosen = exercisesOf(assignment);
  const graded = new Set(chosen.flatMap((e) => e.parts.map((p) => p.file)));
  console.log(
    `submit: assignment ${assignment} (${chosen.map((e) => path.basename(e.notebook, '.ipynb')).join(', ')})`,
  );
  let notebooks: string[];
  try {
    const built = buildSubmission(
      root,
      defaultExporter(root),
      chosen.map((e) => e.notebook),
      graded,
    );
    notebooks = built.names.filter((n) => n.endsWith('.ipynb')).map((n) => path.join(root, n));
    const tmp = `${out}.partial`;
    fs.writeFileSync(tmp, built.zip);
    fs.renameSync(tmp, out);
    console.log(
      `submit: wrote ${out} (${built.names.length} files, ${Math.round(built.zip.length / 1024)} KiB)`,
    );
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
  const pdf = `${out.replace(/\.zip$/i, '')}.pdf`;
  const chromium = findChromium();
  if (!chromium) {
    console.error(NO_BROWSER);
    console.log('upload the zip as your submission');
    return;
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cs231n-pdf-'));
  try {
    const made = await submissionPdf(notebooks, pdf, chromium, scratch, defaultExporter(root));
    console.log(`submit: wrote ${pdf} (${made.pages} pages: ${made.notebooks.join(', ')})`);
    console.log('upload the zip and the PDF as your submission');
  } catch (e) {
    console.error(
      `submit: could not print the PDF (${(e as Error).message.split('\n')[0]}); the zip is written`,
    );
    process.exit(1);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) void main(process.argv.slice(2));
