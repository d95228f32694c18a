/**
 * The grader as a library: grades a project part by part and returns one report, from which the
 * printed table, the JSON line, results.json and the CSV are all made.
 *
 * Order of work, so that no student code runs before the grader holds what it trusts:
 * 1. the answers (test/fixtures/grading/answers/, or GRADE_ANSWERS_DIR) are read into memory;
 * 2. the project's lib/ and the part modules are transpiled into a sandbox folder (sandbox.ts);
 * 3. each library part's compute runs in its own sandbox process (GRADE_JOBS at a time, default
 *    2), its outputs come back as wire data and are judged here against the answers; each
 *    notebook part is judged here on the notebook's parsed JSON (size-capped), no student code
 *    running;
 * 4. every sandbox process group is confirmed dead before the report is returned.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ASSIGNMENTS, allParts, exercisesOf } from './exercises';
import type { AnswerContext, AssignmentNumber, LibraryPart, Part } from './gradingKit';
import type { Notebook } from './notebook';
import {
  killAllSandboxes,
  prepareSandbox,
  runPartInSandbox,
  type SandboxResult,
  waitForNoSandbox,
} from './sandbox';
import { graderRoot } from './sandboxTree';

/** The result of one part. */
export interface PartResult {
  id: string;
  title: string;
  file: string;
  points: number;
  maxPoints: number;
  status: 'ok' | 'fail' | 'missing' | 'timeout' | 'memory' | 'crashed';
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

/** Where the grader's public inputs and its answers are. */
export interface GradingData {
  inputsDir: string;
  answersDir: string;
}

/** The grading data of this grader: its test/fixtures/grading, or GRADE_INPUTS_DIR / GRADE_ANSWERS_DIR. */
export function gradingData(): GradingData {
  const grading = path.join(graderRoot, 'test', 'fixtures', 'grading');
  return {
    inputsDir: path.resolve(process.env.GRADE_INPUTS_DIR || path.join(grading, 'inputs')),
    answersDir: path.resolve(process.env.GRADE_ANSWERS_DIR || path.join(grading, 'answers')),
  };
}

const MiB = 1024 * 1024;

function envNumber(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** How many parts run at once: GRADE_JOBS, else 2. */
function jobs(): number {
  const n = Number(process.env.GRADE_JOBS ?? 2);
  return Number.isInteger(n) && n >= 1 ? n : 2;
}

/** A part's time limit: its own, or GRADE_TIMEOUT_MS when set (e.g. to grade faster in CI). */
function timeLimitMs(part: LibraryPart): number {
  const n = Number(process.env.GRADE_TIMEOUT_MS);
  return Number.isFinite(n) && n > 0 ? n : part.timeoutMs;
}

/**
 * The answers, read now (before any student code runs) and kept in memory: every NAME.json of
 * the folder. Each `answer(name)` returns a fresh copy.
 */
export function loadAnswers(dir: string): AnswerContext {
  const texts = new Map<string, string>();
  if (fs.existsSync(dir)) {
    for (const f of fs.readdirSync(dir)) {
      if (f.endsWith('.json'))
        texts.set(f.slice(0, -5), fs.readFileSync(path.join(dir, f), 'utf8'));
    }
  }
  return {
    answer<T>(name: string): T {
      const text = texts.get(name);
      if (text === undefined) {
        throw new Error(
          `no answer file ${name}.json in ${dir} (this copy of the grader has no answers)`,
        );
      }
      return JSON.parse(text) as T;
    },
  };
}

/** An error as one line of at most 300 characters. */
function oneLine(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const text = `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`.replace(
    /\s*\n\s*/g,
    ' ',
  );
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/**
 * Reads a notebook for a notebook part: a regular file (not a link) under the size cap
 * (GRADE_MAX_NOTEBOOK_MB, default 64), JSON with a cells array.
 */
export function readNotebookCapped(dir: string, file: string): Notebook {
  const abs = path.join(dir, file);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(abs);
  } catch {
    throw new Error(`${file} is missing`);
  }
  if (!st.isFile()) throw new Error(`${file} is not a regular file`);
  const cap = envNumber('GRADE_MAX_NOTEBOOK_MB', 64) * MiB;
  if (st.size > cap)
    throw new Error(`${file} is ${(st.size / MiB).toFixed(1)} MiB, over ${cap / MiB} MiB`);
  let nb: Notebook;
  try {
    nb = JSON.parse(fs.readFileSync(abs, 'utf8')) as Notebook;
  } catch (e) {
    throw new Error(`${file} is not a notebook: not JSON (${(e as Error).message.slice(0, 100)})`);
  }
  if (!nb || !Array.isArray(nb.cells)) throw new Error(`${file} is not a notebook: no cells`);
  return nb;
}

/** The part's result from its judge (which throws on a failure). */
function judged(
  base: Omit<PartResult, 'points' | 'status' | 'detail'>,
  points: number,
  judge: () => string,
): PartResult {
  try {
    const detail = judge();
    return { ...base, points, status: 'ok', detail: String(detail).slice(0, 300) };
  } catch (e) {
    const missing = e instanceof Error && e.name === 'NotImplementedError';
    return { ...base, points: 0, status: missing ? 'missing' : 'fail', detail: oneLine(e) };
  }
}

/** Everything one grading of a project needs. */
interface Grading {
  dir: string;
  data: GradingData;
  answers: AnswerContext;
  sandbox: ReturnType<typeof prepareSandbox>;
}

async function gradeOne(g: Grading, part: Part): Promise<PartResult> {
  const start = Date.now();
  const base = { id: part.id, title: part.title, file: part.file, maxPoints: part.points };
  if (part.kind === 'notebook') {
    const r = judged({ ...base, seconds: 0 }, part.points, () =>
      part.judge(readNotebookCapped(g.dir, part.file), g.answers),
    );
    return { ...r, seconds: Math.round((Date.now() - start) / 100) / 10 };
  }
  const limitMs = timeLimitMs(part);
  const r: SandboxResult = await runPartInSandbox({
    sandbox: g.sandbox,
    partId: part.id,
    inputsDir: g.data.inputsDir,
    timeoutMs: limitMs,
    memoryMb: envNumber('GRADE_MEMORY_MB', 3072),
  });
  const done = { ...base, seconds: r.seconds };
  if (r.status !== 'ok') return { ...done, points: 0, status: r.status, detail: r.detail };
  const value = r.value ?? null;
  return judged(done, part.points, () => part.judge(value, g.answers));
}

/** Options of {@link gradeProject}. */
export interface GradeOptions {
  /** Grade this assignment's parts only (default: all). */
  assignment?: AssignmentNumber;
  /** Called as each part is graded. */
  onPart?: (r: PartResult) => void;
  /** The parts (default: `allParts(assignment)` of the parts module). */
  parts?: readonly Part[];
  /** The module the sandbox finds the parts in, relative to the grader's root. */
  partsModule?: string;
  /** The grading data (default {@link gradingData}). */
  data?: GradingData;
}

/**
 * Grades every part (of one assignment, or of all) against a project folder: GRADE_JOBS parts at
 * a time, results in the parts' order. Returns only when every sandbox process is dead.
 */
export async function gradeProject(dir: string, options: GradeOptions = {}): Promise<GradeReport> {
  const data = options.data ?? gradingData();
  const answers = loadAnswers(data.answersDir);
  const all = options.parts ?? allParts(options.assignment);
  const sandbox = prepareSandbox(dir, options.partsModule ?? 'tools/assignment/exercises/index');
  const g: Grading = { dir, data, answers, sandbox };
  const parts: PartResult[] = new Array(all.length);
  try {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < all.length) {
        const i = next++;
        parts[i] = await gradeOne(g, all[i]);
        options.onPart?.(parts[i]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs(), all.length) }, lane));
  } finally {
    await waitForNoSandbox();
    sandbox.cleanup();
  }
  return {
    score: parts.reduce((s, p) => s + p.points, 0),
    maxScore: parts.reduce((s, p) => s + p.maxPoints, 0),
    parts,
  };
}

/** Grades one part against a project folder (a sandbox folder of its own). */
export async function gradePart(dir: string, part: Part): Promise<PartResult> {
  const report = await gradeProject(dir, { parts: [part] });
  return report.parts[0];
}

/**
 * Stops the grader on SIGINT or SIGTERM (a user's Ctrl-C, a platform's time limit) with its
 * sandbox processes, so none is left behind.
 */
export function stopPartsOnSignal(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killAllSandboxes();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * Writes a file atomically: a temporary file of a random name beside it (created exclusively),
 * then a rename, after confirming no sandbox process is alive.
 */
export async function writeReportFile(file: string, text: string): Promise<void> {
  await waitForNoSandbox();
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.partial`;
  fs.writeFileSync(tmp, text, { flag: 'wx' });
  fs.renameSync(tmp, file);
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
