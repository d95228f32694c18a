/**
 * npm run grade [-- --json] [-- --dir PROJECT] [-- --submissions DIR] [-- --csv FILE]
 *   [-- --assignment 1|2]
 *
 * Grades a project (default: this one) part by part: one part per function or notebook cell the
 * student writes and per inline answer (tools/assignment/exercises/), the parts of both of the
 * course's assignments or, with --assignment N, of assignment N only. Each part runs in its own
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
 * notebooks. --csv FILE also writes the table as CSV (gradeCsv.ts), a row per submission.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ASSIGNMENTS, allParts, exercisesOf, parseAssignment } from './exercises';
import { writeGradesCsv } from './gradeCsv';
import type { AssignmentNumber, Part } from './gradingKit';

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
  /** What of a submission was ignored or replaced, one line each (submissions only). */
  notes?: string[];
}

const graderRoot = path.resolve(__dirname, '..', '..');
const worker = path.join(__dirname, 'gradeWorker.ts');

/** How many parts run at once: GRADE_JOBS, else 2. */
function jobs(): number {
  const n = Number(process.env.GRADE_JOBS ?? 2);
  return Number.isInteger(n) && n >= 1 ? n : 2;
}

/** A part's time limit: its own, or GRADE_TIMEOUT_MS when set (e.g. to grade faster in CI). */
function timeLimitMs(part: Part): number {
  const n = Number(process.env.GRADE_TIMEOUT_MS);
  return Number.isFinite(n) && n > 0 ? n : part.timeoutMs;
}

/** The part processes still running. */
const running = new Set<ChildProcess>();

/**
 * Stops the grader on SIGINT or SIGTERM (a user's Ctrl-C, a platform's time limit) with its part
 * processes, so none is left behind (a hanging part would otherwise run on).
 */
export function stopPartsOnSignal(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const child of running) child.kill('SIGKILL');
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Runs one part in a child process, killed when it outlives the part's time limit. */
export function gradePart(dir: string, part: Part): Promise<PartResult> {
  const start = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', worker, dir, part.id], {
    cwd: graderRoot,
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  let timedOut = false;
  const limitMs = timeLimitMs(part);
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, limitMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      const seconds = Math.round((Date.now() - start) / 100) / 10;
      const base = {
        id: part.id,
        title: part.title,
        file: part.file,
        maxPoints: part.points,
        seconds,
      };
      if (timedOut) {
        resolve({
          ...base,
          points: 0,
          status: 'timeout',
          detail: `no result within ${limitMs / 1000} s`,
        });
        return;
      }
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        const r = JSON.parse(last) as { status: PartResult['status']; detail: string };
        resolve({
          ...base,
          points: r.status === 'ok' ? part.points : 0,
          status: r.status,
          detail: r.detail,
        });
      } catch {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        const err = stderr.trim().split('\n').slice(-3).join(' | ');
        resolve({
          ...base,
          points: 0,
          status: 'fail',
          detail: `the part crashed (${why})${err ? `: ${err}` : ''}`,
        });
      }
    });
  });
}

/**
 * Grades every part (of one assignment, or of all) against a project folder (GRADE_JOBS parts at
 * a time, results in order).
 */
export async function gradeProject(
  dir: string,
  onPart?: (r: PartResult) => void,
  assignment?: AssignmentNumber,
): Promise<GradeReport> {
  const all = allParts(assignment);
  const parts: PartResult[] = new Array(all.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < all.length) {
      const i = next++;
      parts[i] = await gradePart(dir, all[i]);
      onPart?.(parts[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs(), all.length) }, lane));
  return {
    score: parts.reduce((s, p) => s + p.points, 0),
    maxScore: parts.reduce((s, p) => s + p.maxPoints, 0),
    parts,
  };
}

/** The exercise of a part id (`knn:two_loops` -> `knn`). */
export function exerciseOf(id: string): string {
  return id.split(':')[0];
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The table of one project's grade. */
export function formatReport(report: GradeReport): string {
  const w = Math.max(...report.parts.map((p) => p.title.length), 4);
  const e = Math.max(...report.parts.map((p) => exerciseOf(p.id).length), 8);
  const lines = [`${pad('exercise', e)}  ${pad('part', w)}  points   result`];
  for (const p of report.parts) {
    const pts = `${p.points} / ${p.maxPoints}`;
    const detail = p.detail.length > 160 ? `${p.detail.slice(0, 157)}...` : p.detail;
    lines.push(
      `${pad(exerciseOf(p.id), e)}  ${pad(p.title, w)}  ${pad(pts, 7)}  ${pad(p.status, 7)}  ${detail}`,
    );
  }
  // With both assignments in the report, each one's total first.
  for (const a of ASSIGNMENTS) {
    const names = new Set(exercisesOf(a).map((x) => x.name));
    const mine = report.parts.filter((p) => names.has(exerciseOf(p.id)));
    if (mine.length === report.parts.length || mine.length === 0) continue;
    const score = mine.reduce((s, p) => s + p.points, 0);
    const max = mine.reduce((s, p) => s + p.maxPoints, 0);
    lines.push(`${pad(`assignment ${a}`, e)}  ${pad('', w)}  ${score} / ${max}`);
  }
  lines.push(`${pad('total', e)}  ${pad('', w)}  ${report.score} / ${report.maxScore}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  stopPartsOnSignal();
  const usage =
    'usage: npm run grade [-- --json] [-- --dir PROJECT] [-- --submissions DIR] [-- --csv FILE]\n' +
    '                     [-- --assignment 1|2]\n' +
    '  --dir PROJECT      grade that project (default: this one)\n' +
    '  --submissions DIR  grade every zip or folder in DIR into one table\n' +
    '  --csv FILE         also write the table as CSV (a row per submission) for a gradebook\n' +
    '  --assignment N     grade assignment N only (1 or 2; default: both)\n' +
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
      const what = flag === '--csv' ? 'file' : flag === '--assignment' ? 'number' : 'folder';
      console.error(`grade: ${flag} needs a ${what}\n${usage}`);
      process.exit(2);
    }
    return v;
  };
  const withValue = ['--dir', '--submissions', '--csv', '--assignment'];
  const known = new Set(['--json', ...withValue]);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--') && !known.has(argv[i])) {
      console.error(`grade: unknown option ${argv[i]}\n${usage}`);
      process.exit(2);
    }
    if (withValue.includes(argv[i])) i++;
  }
  let assignment: AssignmentNumber | undefined;
  const assignmentArg = value('--assignment');
  if (assignmentArg !== undefined) {
    try {
      assignment = parseAssignment('grade: --assignment', assignmentArg);
    } catch (e) {
      console.error(`${(e as Error).message}\n${usage}`);
      process.exit(2);
    }
  }
  const csv = value('--csv');
  if (csv && !fs.existsSync(path.dirname(path.resolve(csv)))) {
    console.error(`grade: --csv ${csv}: its folder does not exist`);
    process.exit(2);
  }
  const subs = value('--submissions');
  if (subs) {
    if (!fs.existsSync(subs)) {
      console.error(`grade: ${subs} does not exist`);
      process.exit(2);
    }
    // Teachers only: the student version has no gradeSubmissions.ts (it needs the solved files).
    if (!fs.existsSync(path.join(__dirname, 'gradeSubmissions.ts'))) {
      console.error('grade: --submissions grades with the solved project: run it there');
      process.exit(2);
    }
    const teacher = require('./gradeSubmissions') as {
      runSubmissions(
        dir: string,
        json: boolean,
        csv?: string,
        assignment?: AssignmentNumber,
      ): Promise<void>;
    };
    await teacher.runSubmissions(path.resolve(subs), json, csv && path.resolve(csv), assignment);
    return;
  }
  const dir = path.resolve(value('--dir') ?? graderRoot);
  if (!fs.existsSync(path.join(dir, 'lib'))) {
    console.error(`grade: ${dir} has no lib/ folder: not a project`);
    process.exit(2);
  }
  console.error(`[grade] ${dir}`);
  const report = await gradeProject(
    dir,
    (r) => console.error(`[grade] ${r.title}: ${r.status} (${r.seconds} s)`),
    assignment,
  );
  console.log(formatReport(report));
  if (csv) {
    writeGradesCsv(csv, [{ submission: path.basename(dir), ...report }]);
    console.error(`[grade] wrote ${csv}`);
  }
  if (json) console.log(JSON.stringify(report));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`grade: ${(e as Error).message}`);
    process.exit(1);
  });
}
