/**
 * npm run grade -- --submissions DIR (teachers, in the solved project): grades every submission
 * in DIR (a zip made by `npm run submit`, or a folder holding lib/ and notebooks/) into one table,
 * a row per submission. Each is graded in a scratch project: this project's lib/ with the files
 * the student writes (those with solution regions) taken from the submission, or their stubs when
 * the submission lacks them, the submission's notebooks, and this project's node_modules.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { allParts } from './exercises';
import { type GradeReport, gradeProject } from './grade';
import { writeGradesCsv } from './gradeCsv';
import { projectFiles } from './makeStudent';
import { hasMarkers } from './markers';
import { studentSource } from './studentCode';

const graderRoot = path.resolve(__dirname, '..', '..');

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Files of a project that hold solution regions (the ones a student writes), relative paths. */
function studentFiles(root: string): string[] {
  return projectFiles(root).filter(
    (f) =>
      f.startsWith('lib/') &&
      f.endsWith('.ts') &&
      hasMarkers(fs.readFileSync(path.join(root, f), 'utf8')),
  );
}

/** The folder inside an unpacked submission that holds lib/ or notebooks/. */
function submissionRoot(dir: string): string {
  const has = (d: string): boolean =>
    ['lib', 'notebooks'].some((x) => fs.existsSync(path.join(d, x)));
  if (has(dir)) return dir;
  const subs = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  for (const s of subs) if (has(path.join(dir, s.name))) return path.join(dir, s.name);
  return dir;
}

/** A scratch project for one submission (see the file comment). */
export function scratchProject(submission: string): { dir: string; cleanup(): void } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs231n-grade-'));
  let src = submission;
  if (submission.endsWith('.zip')) {
    const files = unzipSync(fs.readFileSync(submission));
    src = path.join(tmp, 'submission');
    for (const [name, data] of Object.entries(files)) {
      if (name.endsWith('/')) continue;
      const dest = path.resolve(src, name);
      if (!dest.startsWith(src + path.sep)) continue; // no paths out of the folder
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, data);
    }
  }
  src = submissionRoot(src);
  const dir = path.join(tmp, 'project');
  fs.cpSync(path.join(graderRoot, 'lib'), path.join(dir, 'lib'), { recursive: true });
  for (const f of studentFiles(graderRoot)) {
    const theirs = path.join(src, f);
    const mine = path.join(graderRoot, f);
    const text = fs.existsSync(theirs)
      ? fs.readFileSync(theirs, 'utf8')
      : studentSource(fs.readFileSync(mine, 'utf8'), f);
    fs.writeFileSync(path.join(dir, f), text);
  }
  fs.mkdirSync(path.join(dir, 'notebooks'));
  if (fs.existsSync(path.join(src, 'notebooks'))) {
    for (const nb of fs.readdirSync(path.join(src, 'notebooks'))) {
      if (nb.endsWith('.ipynb'))
        fs.copyFileSync(path.join(src, 'notebooks', nb), path.join(dir, 'notebooks', nb));
    }
  }
  fs.symlinkSync(path.join(graderRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

/** Grades every submission (zip or folder) in a folder: one row per submission. */
export async function gradeSubmissions(
  folder: string,
  onRow?: (name: string, r: GradeReport) => void,
): Promise<({ submission: string } & GradeReport)[]> {
  const entries = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory() || e.name.endsWith('.zip'))
    .map((e) => e.name)
    .sort();
  const rows: ({ submission: string } & GradeReport)[] = [];
  for (const name of entries) {
    const scratch = scratchProject(path.join(folder, name));
    try {
      const report = await gradeProject(scratch.dir);
      onRow?.(name, report);
      rows.push({ submission: name, ...report });
    } finally {
      scratch.cleanup();
    }
  }
  return rows;
}

/** The table of several submissions: a row each, a column per part. */
export function formatSubmissions(rows: ({ submission: string } & GradeReport)[]): string {
  const parts = allParts();
  const w = Math.max(10, ...rows.map((r) => r.submission.length));
  const head = [pad('submission', w), ...parts.map((_p, i) => pad(`p${i + 1}`, 4)), 'total'].join(
    ' ',
  );
  const legend = parts.map((p, i) => `p${i + 1} = ${p.title} (${p.points})`).join('; ');
  const body = rows.map((r) =>
    [
      pad(r.submission, w),
      ...r.parts.map((p) => pad(String(p.points), 4)),
      `${r.score} / ${r.maxScore}`,
    ].join(' '),
  );
  return [head, ...body, '', legend].join('\n');
}

/**
 * Grades a folder of submissions and prints the table (and a JSON line with --json); with `csv`,
 * also writes the table to that file as CSV.
 */
export async function runSubmissions(folder: string, json: boolean, csv?: string): Promise<void> {
  const rows = await gradeSubmissions(folder, (name, r) =>
    console.error(`[grade] ${name}: ${r.score} / ${r.maxScore}`),
  );
  console.log(formatSubmissions(rows));
  if (csv) {
    writeGradesCsv(csv, rows);
    console.error(`[grade] wrote ${csv} (${rows.length} rows)`);
  }
  if (json) console.log(JSON.stringify({ submissions: rows }));
}
