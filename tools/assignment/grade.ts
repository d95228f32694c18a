/**
 * npm run grade [-- --json] [-- --dir PROJECT] [-- --submissions DIR]
 *
 * Grades a project (default: this one) part by part: one part per function or notebook cell the
 * student writes and per inline answer (tools/assignment/exercises/). Each part runs in its own
 * process with a time limit, so a missing, crashing or hanging function costs only its own
 * points. Prints a table; with --json the last line is
 * `{"score": S, "maxScore": M, "parts": [...]}`. Exits 0 whenever grading ran (whatever the score),
 * 2 on bad arguments.
 *
 * The library parts load PROJECT's lib/ (PROJECT needs its node_modules: `npm ci` there). The
 * notebook parts read PROJECT's executed notebooks (the accuracies the cells printed, the
 * answers): they do not train, so grading takes seconds; run the notebook before grading.
 *
 * --submissions DIR grades every submission in DIR (a zip made by `npm run submit`, or a folder
 * holding lib/ and notebooks/) into one table, a row per submission. Each is graded in a scratch
 * project: this project's lib/ with the files the student writes (those with solution regions)
 * taken from the submission, or their stubs when the submission lacks them, and the submission's
 * notebooks.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allParts } from './exercises';
import type { Part } from './gradingKit';

/** The result of one part. */
export interface PartResult {
  id: string;
  title: string;
  file: string;
  points: number;
  maxPoints: number;
  status: 'ok' | 'fail' | 'missing' | 'timeout';
  detail: string;
  seconds: number;
}

/** A graded project. */
export interface GradeReport {
  score: number;
  maxScore: number;
  parts: PartResult[];
}

const graderRoot = path.resolve(__dirname, '..', '..');
const worker = path.join(__dirname, 'gradeWorker.ts');

/** Runs one part in a child process with the part's time limit. */
export function gradePart(dir: string, part: Part): PartResult {
  const start = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', worker, dir, part.id], {
    cwd: graderRoot,
    encoding: 'utf8',
    timeout: part.timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const seconds = Math.round((Date.now() - start) / 100) / 10;
  const base = { id: part.id, title: part.title, file: part.file, maxPoints: part.points, seconds };
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    return {
      ...base,
      points: 0,
      status: 'timeout',
      detail: `no result within ${part.timeoutMs / 1000} s`,
    };
  }
  const last = (run.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    const r = JSON.parse(last) as { status: PartResult['status']; detail: string };
    return {
      ...base,
      points: r.status === 'ok' ? part.points : 0,
      status: r.status,
      detail: r.detail,
    };
  } catch {
    const why = run.signal ? `killed by ${run.signal}` : `exit code ${run.status}`;
    const err = (run.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    return {
      ...base,
      points: 0,
      status: 'fail',
      detail: `the part crashed (${why})${err ? `: ${err}` : ''}`,
    };
  }
}

/** Grades every part against a project folder. */
export function gradeProject(dir: string, onPart?: (r: PartResult) => void): GradeReport {
  const parts = allParts().map((p) => {
    const r = gradePart(dir, p);
    onPart?.(r);
    return r;
  });
  return {
    score: parts.reduce((s, p) => s + p.points, 0),
    maxScore: parts.reduce((s, p) => s + p.maxPoints, 0),
    parts,
  };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The table of one project's grade. */
export function formatReport(report: GradeReport): string {
  const w = Math.max(...report.parts.map((p) => p.title.length), 4);
  const lines = [`${pad('part', w)}  points   result`];
  for (const p of report.parts) {
    const pts = `${p.points} / ${p.maxPoints}`;
    const detail = p.detail.length > 160 ? `${p.detail.slice(0, 157)}...` : p.detail;
    lines.push(`${pad(p.title, w)}  ${pad(pts, 7)}  ${pad(p.status, 7)}  ${detail}`);
  }
  lines.push(`${pad('total', w)}  ${report.score} / ${report.maxScore}`);
  return lines.join('\n');
}

/** Files of a project that hold solution regions (the ones a student writes), relative paths. */
function studentFiles(root: string): string[] {
  const { projectFiles } = require('./makeStudent') as typeof import('./makeStudent');
  const { hasMarkers } = require('./markers') as typeof import('./markers');
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
    const { unzipSync } = require('fflate') as typeof import('fflate');
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
  const { studentSource } = require('./studentCode') as typeof import('./studentCode');
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
export function gradeSubmissions(folder: string, onRow?: (name: string, r: GradeReport) => void) {
  const entries = fs
    .readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory() || e.name.endsWith('.zip'))
    .map((e) => e.name)
    .sort();
  return entries.map((name) => {
    const scratch = scratchProject(path.join(folder, name));
    try {
      const report = gradeProject(scratch.dir);
      onRow?.(name, report);
      return { submission: name, ...report };
    } finally {
      scratch.cleanup();
    }
  });
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

function main(argv: string[]): void {
  const usage =
    'usage: npm run grade [-- --json] [-- --dir PROJECT] [-- --submissions DIR]\n' +
    '  --dir PROJECT      grade that project (default: this one)\n' +
    '  --submissions DIR  grade every zip or folder in DIR into one table\n' +
    '  --json             end with one JSON line';
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return;
  }
  const json = argv.includes('--json');
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (!v || v.startsWith('--')) {
      console.error(`grade: ${flag} needs a folder\n${usage}`);
      process.exit(2);
    }
    return v;
  };
  const known = new Set(['--json', '--dir', '--submissions']);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--') && !known.has(argv[i])) {
      console.error(`grade: unknown option ${argv[i]}\n${usage}`);
      process.exit(2);
    }
    if (argv[i] === '--dir' || argv[i] === '--submissions') i++;
  }
  const subs = value('--submissions');
  if (subs) {
    if (!fs.existsSync(subs)) {
      console.error(`grade: ${subs} does not exist`);
      process.exit(2);
    }
    const rows = gradeSubmissions(path.resolve(subs), (name, r) =>
      console.error(`[grade] ${name}: ${r.score} / ${r.maxScore}`),
    );
    console.log(formatSubmissions(rows));
    if (json) console.log(JSON.stringify({ submissions: rows }));
    return;
  }
  const dir = path.resolve(value('--dir') ?? graderRoot);
  if (!fs.existsSync(path.join(dir, 'lib'))) {
    console.error(`grade: ${dir} has no lib/ folder: not a project`);
    process.exit(2);
  }
  console.error(`[grade] ${dir}`);
  const report = gradeProject(dir, (r) =>
    console.error(`[grade] ${r.title}: ${r.status} (${r.seconds} s)`),
  );
  console.log(formatReport(report));
  if (json) console.log(JSON.stringify(report));
}

if (require.main === module) main(process.argv.slice(2));
