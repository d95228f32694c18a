/**
 * A scratch project for one submission (a zip made by `npm run submit`, or a folder holding lib/
 * and notebooks/): the grader's own project with the files the student writes (the graded lib/
 * files) and the graded assignment's notebooks taken from the submission. Everything else, tests
 * and fixtures included, is the grader's copy, whatever the submission holds.
 *
 * Bad input costs only its own points and leaves a note (one line) in the report:
 * - a zip over the size limit (GRADE_MAX_ZIP_MB, default 100 MiB, also for its unpacked size) is
 *   not graded at all ({@link SubmissionRefused});
 * - zip entries outside its folder (`../x`, absolute paths) are ignored;
 * - a submitted lib file that does not compile, throws at import or does not finish loading
 *   within GRADE_LOAD_TIMEOUT_MS (default 15 s) is graded as unwritten (the stub);
 * - edited tests, fixtures or other given files are ignored (the grader's copies are used);
 * - a notebook that is not JSON, was not executed or holds an error is named (its parts read
 *   what it printed, so they fail on their own).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import ts from 'typescript';
import { allParts, exercisesOf } from './exercises';
import type { AssignmentNumber } from './gradingKit';
import { hasMarkers } from './markers';
import type { Notebook } from './notebook';
import { studentSource } from './studentCode';
import { notebookProblem } from './submit';

const graderRoot = path.resolve(__dirname, '..', '..');
const loadCheck = path.join(__dirname, 'loadCheck.ts');
const MiB = 1024 * 1024;

/** A submission that cannot be graded at all (the message is the one line to show). */
export class SubmissionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubmissionRefused';
  }
}

/** A scratch project: its folder, the notes about the submission, and its removal. */
export interface Scratch {
  dir: string;
  notes: string[];
  cleanup(): void;
}

function envNumber(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** The lib/ files the student writes: those the parts grade. */
export function gradedLibFiles(): string[] {
  return [...new Set(allParts().map((p) => p.file))].filter((f) => f.startsWith('lib/')).sort();
}

/** The grader's version of a graded file with nothing written: its stub. */
function stubOf(file: string): string {
  const mine = fs.readFileSync(path.join(graderRoot, file), 'utf8');
  return hasMarkers(mine) ? studentSource(mine, file) : mine;
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

/**
 * Unpacks a zip into `dest`, skipping entries outside it.
 * @throws SubmissionRefused when the zip or its unpacked contents exceed the size limit
 */
function unpack(zipFile: string, dest: string, notes: string[]): void {
  const name = path.basename(zipFile);
  const limit = envNumber('GRADE_MAX_ZIP_MB', 100) * MiB;
  const mb = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;
  const size = fs.statSync(zipFile).size;
  if (size > limit) {
    throw new SubmissionRefused(
      `${name} is ${mb(size)}, over the ${mb(limit)} limit: not graded (submit lib/ and the notebooks only)`,
    );
  }
  let declared = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(fs.readFileSync(zipFile), {
      filter: (f) => {
        declared += f.originalSize;
        if (declared > limit) {
          throw new SubmissionRefused(
            `${name} unpacks to more than ${mb(limit)}: not graded (submit lib/ and the notebooks only)`,
          );
        }
        return true;
      },
    });
  } catch (e) {
    if (e instanceof SubmissionRefused) throw e;
    throw new SubmissionRefused(
      `${name} is not a readable zip (${(e as Error).message}): not graded`,
    );
  }
  const outside: string[] = [];
  for (const [entry, data] of Object.entries(files)) {
    if (entry.endsWith('/')) continue;
    const target = path.resolve(dest, entry);
    if (path.isAbsolute(entry) || !target.startsWith(dest + path.sep)) {
      outside.push(entry);
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
  }
  if (outside.length > 0) {
    notes.push(
      `ignored ${outside.length} ${outside.length === 1 ? 'entry' : 'entries'} with a path outside the submission folder (${outside.slice(0, 3).join(', ')})`,
    );
  }
}

/** Files under a folder, relative paths with '/', sorted (no node_modules). */
function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && e.name !== 'node_modules') walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk('');
  return out.sort();
}

/** The first syntax error of a TypeScript source, or null. */
export function syntaxError(text: string, file: string): string | null {
  const out = ts.transpileModule(text, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  });
  const d = out.diagnostics?.find((x) => x.category === ts.DiagnosticCategory.Error);
  if (!d) return null;
  const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
  const line =
    d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
  return `line ${line}: ${msg}`;
}

/** The graded files a file imports (relative imports resolved), for loading leaves first. */
function gradedImports(text: string, file: string, graded: readonly string[]): string[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const s of src.statements) {
    if (!ts.isImportDeclaration(s) && !ts.isExportDeclaration(s)) continue;
    const spec = s.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
    const target = `${path.posix.join(path.posix.dirname(file), spec.text)}.ts`;
    if (graded.includes(target)) out.push(target);
  }
  return out;
}

/** Loads a module of a project in a child process: null when it loads, else why not. */
function loadProblem(dir: string, file: string): string | null {
  const limitMs = envNumber('GRADE_LOAD_TIMEOUT_MS', 15_000);
  const run = spawnSync(process.execPath, ['--import', 'tsx', loadCheck, path.join(dir, file)], {
    cwd: graderRoot,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: limitMs,
    killSignal: 'SIGKILL',
  });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    return `does not finish loading within ${limitMs / 1000} s (a loop at import time?)`;
  }
  if (run.status === 0 && run.stdout.includes('loaded')) return null;
  const last = (run.stderr || run.stdout).trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
  return `fails to load (${last.slice(0, 200) || `exit code ${run.status}`})`;
}

/**
 * Makes the scratch project of a submission (see the file comment).
 *
 * @param submission a zip file or a folder
 * @param assignment whose notebooks are taken (and noted on); all when not given
 * @throws SubmissionRefused when the submission cannot be graded at all
 */
export function scratchProject(submission: string, assignment?: AssignmentNumber): Scratch {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs231n-grade-'));
  const cleanup = (): void => fs.rmSync(tmp, { recursive: true, force: true });
  const notes: string[] = [];
  try {
    let src = submission;
    if (submission.endsWith('.zip')) {
      src = path.join(tmp, 'submission');
      fs.mkdirSync(src);
      unpack(submission, src, notes);
    }
    src = submissionRoot(src);
    const dir = path.join(tmp, 'project');
    fs.cpSync(path.join(graderRoot, 'lib'), path.join(dir, 'lib'), { recursive: true });
    const graded = gradedLibFiles();
    const texts = new Map<string, string>();
    for (const f of graded) {
      const theirs = path.join(src, f);
      let text = fs.existsSync(theirs) ? fs.readFileSync(theirs, 'utf8') : stubOf(f);
      const bad = syntaxError(text, f);
      if (bad) {
        notes.push(`${f} does not compile (${bad}): graded as not written`);
        text = stubOf(f);
      }
      texts.set(f, text);
      fs.writeFileSync(path.join(dir, f), text);
    }
    fs.mkdirSync(path.join(dir, 'notebooks'));
    const notebooks = exercisesOf(assignment)
      .map((e) => e.notebook)
      .filter((nb) => fs.existsSync(path.join(src, nb)));
    for (const nb of notebooks) {
      fs.mkdirSync(path.dirname(path.join(dir, nb)), { recursive: true });
      fs.copyFileSync(path.join(src, nb), path.join(dir, nb));
    }
    fs.symlinkSync(path.join(graderRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    // Load each graded file, the files it imports first; one that cannot load becomes its stub.
    const done = new Set<string>();
    const visit = (f: string): void => {
      if (done.has(f)) return;
      done.add(f);
      for (const dep of gradedImports(texts.get(f) ?? '', f, graded)) visit(dep);
      if (texts.get(f) === stubOf(f)) return;
      const problem = loadProblem(dir, f);
      if (problem) {
        notes.push(`${f} ${problem}: graded as not written`);
        fs.writeFileSync(path.join(dir, f), stubOf(f));
      }
    };
    for (const f of graded) visit(f);
    const gradedFiles = new Set(allParts(assignment).map((p) => p.file));
    notes.push(...notebookNotes(dir, notebooks, gradedFiles));
    notes.push(...ignoredFiles(src, graded));
    return { dir, notes, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** Notes on the submitted notebooks: not JSON, not executed, or holding an error. */
function notebookNotes(
  dir: string,
  notebooks: readonly string[],
  graded: ReadonlySet<string>,
): string[] {
  const notes: string[] = [];
  for (const rel of notebooks) {
    let nb: Notebook;
    try {
      nb = JSON.parse(fs.readFileSync(path.join(dir, rel), 'utf8')) as Notebook;
    } catch {
      notes.push(`${rel} is not JSON (not a notebook): its parts get no points`);
      continue;
    }
    if (!Array.isArray(nb?.cells)) {
      notes.push(`${rel} has no cells (not a notebook): its parts get no points`);
      continue;
    }
    const problem = notebookProblem(nb, rel, graded);
    if (problem) notes.push(problem);
  }
  return notes;
}

/** Notes on submitted files the grader does not take: edited tests, fixtures, given code. */
function ignoredFiles(src: string, graded: readonly string[]): string[] {
  const changed: string[] = [];
  for (const f of listFiles(src)) {
    if (graded.includes(f) || /^notebooks\/(.+\/)?[^/]+\.(ipynb|html)$/.test(f)) continue;
    const mine = path.join(graderRoot, f);
    const given = fs.existsSync(mine);
    const edited = given && !fs.readFileSync(mine).equals(fs.readFileSync(path.join(src, f)));
    if (edited || (!given && /^(test|tools|scripts)\//.test(f))) changed.push(f);
  }
  if (changed.length === 0) return [];
  const shown = changed.slice(0, 5).join(', ') + (changed.length > 5 ? ', ...' : '');
  return [
    `ignored ${changed.length} edited or added ${changed.length === 1 ? 'file' : 'files'} the grader keeps its own copy of (${shown})`,
  ];
}
