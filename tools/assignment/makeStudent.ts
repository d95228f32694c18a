/**
 * npm run assignment -- --out DIR: writes the student version of this project into DIR.
 *
 * - every tracked file is copied (git ls-files, plus new files not ignored), except what only the
 *   teacher needs or what holds solutions in another form (see OMIT): among them the grader's
 *   answers (test/fixtures/grading/answers/), while its inputs (inputs/) ship for self-checks;
 * - TypeScript sources with solution regions get stubs (studentCode.ts), notebooks get empty
 *   START/END OF YOUR CODE blocks, blank answers and no outputs (studentNotebook.ts);
 * - README.md becomes the students' README (tools/assignment/README.student.md) and package.json
 *   loses the teacher's commands, `npm test` runs the grader; biome.json makes unreachable code
 *   (after a stub's throw in the middle of a function) a warning.
 *
 * The same input gives byte-identical output (sorted files, no dates). Before writing, it checks
 * that no solution line survives: a line found only inside solution regions of the solved project
 * must appear nowhere in the student version.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findRegions, hasMarkers, type MarkerStyle, solutionLines } from './markers';
import { cellText, type Notebook } from './notebook';
import { studentSource } from './studentCode';
import { studentNotebook } from './studentNotebook';

/** Paths left out of the student version (prefixes), and why. */
export const OMIT: readonly { prefix: string; why: string }[] = [
  { prefix: 'bench/', why: 'a numpy implementation of the whole net (the speed comparison)' },
  { prefix: 'test/bench/', why: 'tests of bench/, which the student version leaves out' },
  { prefix: 'scripts/fixtures/', why: 'numpy reference implementations that make the fixtures' },
  { prefix: 'test/assignment/', why: 'tests of this generator, which need the solved project' },
  {
    prefix: 'test/fixtures/grading/answers/',
    why: 'the expected outputs of the graded cases (the grader keeps them; inputs/ ships)',
  },
  { prefix: 'tools/assignment/makeStudent.ts', why: 'the generator itself' },
  { prefix: 'tools/assignment/studentCode.ts', why: 'the generator itself' },
  { prefix: 'tools/assignment/studentNotebook.ts', why: 'the generator itself' },
  { prefix: 'tools/assignment/gradeSubmissions.ts', why: 'grades submissions (teachers)' },
  { prefix: 'tools/assignment/scratchProject.ts', why: 'grades submissions (teachers)' },
  { prefix: 'tools/assignment/loadParts.ts', why: 'grades submissions (teachers)' },
  { prefix: 'tools/assignment/gradescope.ts', why: 'grades submissions (teachers)' },
  { prefix: 'tools/assignment/autograder.ts', why: 'builds the Gradescope bundle (teachers)' },
  { prefix: 'tools/assignment/README.student.md', why: 'becomes README.md' },
];

/** package.json scripts the student version drops or sets. */
const DROP_SCRIPTS = ['assignment', 'autograder', 'bench', 'test:assignment'];
const SET_SCRIPTS: Record<string, string> = {
  test: 'tsx tools/assignment/grade.ts',
  'test:unit': 'vitest run',
};

/** One file of the student version. */
export interface OutputFile {
  path: string;
  content: Buffer;
  mode: number;
}

/** The project's files: tracked ones and new ones git does not ignore, sorted. */
export function projectFiles(root: string): string[] {
  const out = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: root, maxBuffer: 64 * 1024 * 1024 },
  ).toString('utf8');
  const files = [...new Set(out.split('\0').filter((f) => f !== ''))];
  return files
    .filter((f) => fs.statSync(path.join(root, f), { throwIfNoEntry: false })?.isFile())
    .sort();
}

function omitted(file: string): boolean {
  return OMIT.some((o) => file === o.prefix || file.startsWith(o.prefix));
}

/**
 * The student version's files, in memory.
 *
 * @param root the solved project
 * @returns files sorted by path
 */
export function buildStudentVersion(root: string): OutputFile[] {
  const files: OutputFile[] = [];
  for (const file of projectFiles(root)) {
    if (omitted(file)) continue;
    const abs = path.join(root, file);
    const raw = fs.readFileSync(abs);
    const mode = fs.statSync(abs).mode & 0o111 ? 0o755 : 0o644;
    let content: Buffer = raw;
    if (file === 'README.md') {
      content = fs.readFileSync(path.join(root, 'tools/assignment/README.student.md'));
    } else if (file === 'package.json') {
      content = Buffer.from(studentPackageJson(raw.toString('utf8')));
    } else if (file === 'biome.json') {
      content = Buffer.from(studentBiomeJson(raw.toString('utf8')));
    } else if (file.endsWith('.ipynb')) {
      content = Buffer.from(studentNotebook(raw.toString('utf8'), file));
    } else if (/\.(ts|tsx|js|mjs|cjs)$/.test(file) && hasMarkers(raw.toString('utf8'))) {
      content = Buffer.from(studentSource(raw.toString('utf8'), file));
    }
    files.push({ path: file, content, mode });
  }
  checkNoSolutionSurvives(root, files);
  return files;
}

function studentPackageJson(json: string): string {
  const pkg = JSON.parse(json) as { scripts?: Record<string, string> };
  const scripts: Record<string, string> = {};
  for (const [k, v] of Object.entries(pkg.scripts ?? {})) {
    if (!DROP_SCRIPTS.includes(k)) scripts[k] = SET_SCRIPTS[k] ?? v;
  }
  for (const [k, v] of Object.entries(SET_SCRIPTS)) scripts[k] = v;
  pkg.scripts = scripts;
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/**
 * Biome's noUnreachable as a warning: a stub's throw in the middle of a function (a region with
 * given code after it) leaves that code unreachable until the student writes the region.
 */
function studentBiomeJson(json: string): string {
  const cfg = JSON.parse(json) as { linter?: { rules?: Record<string, unknown> } };
  cfg.linter ??= {};
  cfg.linter.rules ??= {};
  const rules = cfg.linter.rules as Record<string, Record<string, unknown> | string>;
  const correctness = typeof rules.correctness === 'object' ? rules.correctness : {};
  rules.correctness = { ...correctness, noUnreachable: 'warn' };
  return `${JSON.stringify(cfg, null, 2)}\n`;
}

/** Every line of the solved project with the style its markers use, split into inside / outside. */
function regionLines(root: string): { inside: Set<string>; outside: Set<string> } {
  const inside = new Set<string>();
  const outside = new Set<string>();
  const add = (lines: string[], style: MarkerStyle, where: string): void => {
    const regions = findRegions(lines, style, where);
    const sol = new Set(solutionLines(lines, regions).map((l) => l.trim()));
    for (const l of sol) inside.add(l);
    lines.forEach((l, i) => {
      if (!regions.some((r) => i >= r.begin && i <= r.end)) outside.add(l.trim());
    });
  };
  for (const file of projectFiles(root)) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    if (file.endsWith('.ipynb')) {
      const nb = JSON.parse(text) as Notebook;
      nb.cells.forEach((c, i) => {
        if (c.cell_type === 'markdown' || c.cell_type === 'code') {
          const style = c.cell_type === 'code' ? 'code' : 'markdown';
          add(cellText(c).split('\n'), style, `${file} cell ${i}`);
        }
      });
    } else if (!omitted(file)) {
      add(text.split('\n'), 'code', file);
    }
  }
  return { inside, outside };
}

/**
 * The solution lines to look for: lines inside regions that appear nowhere outside them and say
 * something (at least 8 characters other than brackets and punctuation).
 */
export function distinctiveSolutionLines(root: string): string[] {
  const { inside, outside } = regionLines(root);
  return [...inside]
    .filter((l) => !outside.has(l) && l.replace(/[\s{}()[\];,.'"`]/g, '').length >= 8)
    .sort();
}

function checkNoSolutionSurvives(root: string, files: readonly OutputFile[]): void {
  const wanted = new Set(distinctiveSolutionLines(root));
  for (const f of files) {
    const text = f.content.toString('utf8');
    const lines = f.path.endsWith('.ipynb')
      ? (JSON.parse(text) as Notebook).cells.flatMap((c) => cellText(c).split('\n'))
      : text.split('\n');
    for (const l of lines) {
      if (wanted.has(l.trim())) {
        throw new Error(`assignment: a solution line survives in ${f.path}: ${l.trim()}`);
      }
    }
  }
}

/**
 * Writes the student version into `out`, which must not exist or be empty.
 *
 * @param root the solved project
 * @param out the folder to create
 * @returns the number of files written
 */
export function writeStudentVersion(root: string, out: string): number {
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    throw new Error(`assignment: ${out} exists and is not empty; choose a new folder`);
  }
  const files = buildStudentVersion(root);
  for (const f of files) {
    const dest = path.join(out, f.path);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, f.content, { mode: f.mode });
    fs.chmodSync(dest, f.mode);
  }
  return files.length;
}

function main(argv: string[]): void {
  const help = 'usage: npm run assignment -- --out DIR   (writes the student version into DIR)';
  const i = argv.indexOf('--out');
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(help);
    return;
  }
  if (i < 0 || !argv[i + 1]) {
    console.error(`assignment: --out DIR is missing\n${help}`);
    process.exit(2);
  }
  const root = path.resolve(__dirname, '..', '..');
  const out = path.resolve(argv[i + 1]);
  try {
    const n = writeStudentVersion(root, out);
    console.log(`assignment: wrote the student version (${n} files) to ${out}`);
    console.log(`next: cd ${out} && npm ci && npm test`);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}

if (require.main === module) main(process.argv.slice(2));
