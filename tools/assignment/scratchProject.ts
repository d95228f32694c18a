/**
 * A scratch project for one submission (a zip made by `npm run submit`, or a folder holding lib/
 * and notebooks/): the grader's own project with the files the student writes (the graded lib/
 * files) and the graded assignment's notebooks taken from the submission. Everything else, tests
 * and fixtures included, is the grader's copy, whatever the submission holds.
 *
 * Bad input costs only its own points and leaves a note (one line) in the report:
 * - a zip over the size limit (GRADE_MAX_ZIP_MB, default 100 MiB, also for its unpacked size) is
 *   not graded at all ({@link SubmissionRefused});
 * - only regular files are taken, from a zip or a folder: a link (never followed), a device, a
 *   FIFO, or an entry whose path collides with a folder (a file at `lib/classifiers` beside
 *   `lib/classifiers/x.ts`) is ignored with a note;
 * - inflating counts the bytes it actually produces and stops at the size limit, whatever the
 *   zip's headers claim;
 * - zip entries outside its folder (`../x`, absolute paths) are ignored;
 * - a submitted lib file that does not compile, throws at import or does not finish loading
 *   within GRADE_LOAD_TIMEOUT_MS (default 15 s) is graded as unwritten (the stub); it is loaded
 *   in a sandbox process (sandbox.ts), never in the grader's;
 * - edited tests, fixtures or other given files are ignored (the grader's copies are used);
 * - a notebook that is not JSON, was not executed or holds an error is named (its parts read
 *   what it printed, so they fail on their own).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Unzip, UnzipInflate } from 'fflate';
import ts from 'typescript';
import { allParts, exercisesOf } from './exercises';
import { gradingData } from './gradeProject';
import type { AssignmentNumber } from './gradingKit';
import { hasMarkers } from './markers';
import type { Notebook } from './notebook';
import { prepareSandbox, runPartInSandbox, type Sandbox, waitForNoSandbox } from './sandbox';
import { studentSource } from './studentCode';
import { notebookProblem } from './submit';

const graderRoot = path.resolve(__dirname, '..', '..');
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

/** True when `p` is a real folder (not a link to one). */
function isRealDir(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A regular file of a submission folder: every folder on its way a real folder and the file
 * itself a regular file (no link followed, no device or FIFO opened), at most `limit` bytes.
 * @returns its bytes, or null when there is no such regular file
 */
export function submissionFile(root: string, rel: string, limit: number): Buffer | null {
  const parts = rel.split('/');
  let at = root;
  for (let i = 0; i < parts.length; i++) {
    at = path.join(at, parts[i]);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(at);
    } catch {
      return null;
    }
    const last = i === parts.length - 1;
    if (last ? !st.isFile() : !st.isDirectory()) return null;
    if (last && st.size > limit) return null;
  }
  // O_NOFOLLOW: the file cannot be swapped for a link between the check and the read.
  const fd = fs.openSync(at, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    if (!fs.fstatSync(fd).isFile()) return null;
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Why a path of a submission folder is not taken as a file, or null when nothing is there:
 * something other than a folder on its way (a file at `lib/classifiers`), or not a regular file.
 */
export function whyNotTaken(root: string, rel: string): string | null {
  const parts = rel.split('/');
  let at = root;
  for (let i = 0; i < parts.length; i++) {
    at = path.join(at, parts[i]);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(at);
    } catch {
      return null;
    }
    const prefix = parts.slice(0, i + 1).join('/');
    if (i < parts.length - 1 && !st.isDirectory()) {
      return `${prefix} is ${st.isSymbolicLink() ? 'a link' : 'a file'} where the grader has a folder (it collides with ${rel})`;
    }
    if (i === parts.length - 1 && !st.isFile()) {
      return `${rel} is not a regular file (${st.isSymbolicLink() ? 'a link' : st.isDirectory() ? 'a folder' : 'a device or FIFO'})`;
    }
  }
  return null;
}

/** The folder inside an unpacked submission that holds lib/ or notebooks/. */
function submissionRoot(dir: string): string {
  const has = (d: string): boolean => ['lib', 'notebooks'].some((x) => isRealDir(path.join(d, x)));
  if (has(dir)) return dir;
  const subs = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  for (const s of subs) if (has(path.join(dir, s.name))) return path.join(dir, s.name);
  return dir;
}

/** Most entries a zip may hold. */
const MAX_ENTRIES = 20_000;
/** The zip is fed to the inflater in pieces this big, so one step inflates at most ~1000x it. */
const FEED_BYTES = 16 * 1024;

/**
 * The regular files of a zip, inflated with the bytes actually produced counted: inflating stops
 * as soon as they pass `limit`, whatever the headers say.
 * @throws SubmissionRefused over the limit, over {@link MAX_ENTRIES}, or not a readable zip
 */
export function inflateZip(data: Uint8Array, limit: number, name: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const mb = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;
  let total = 0;
  let count = 0;
  let refused: SubmissionRefused | null = null;
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (file) => {
    if (refused) return;
    if (++count > MAX_ENTRIES) {
      refused = new SubmissionRefused(`${name} holds more than ${MAX_ENTRIES} entries: not graded`);
      return;
    }
    const chunks: Uint8Array[] = [];
    file.ondata = (err, chunk, final) => {
      if (refused) return;
      if (err) {
        refused = new SubmissionRefused(
          `${name}: entry ${file.name} does not inflate (${err.message}): not graded`,
        );
        return;
      }
      total += chunk.length;
      if (total > limit) {
        refused = new SubmissionRefused(
          `${name} unpacks to more than ${mb(limit)}: not graded (submit lib/ and the notebooks only)`,
        );
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) files.set(file.name, Buffer.concat(chunks));
    };
    try {
      file.start();
    } catch (e) {
      refused = new SubmissionRefused(
        `${name}: entry ${file.name} uses compression ${file.compression}, not deflate (${(e as Error).message}): not graded`,
      );
    }
  };
  try {
    for (let at = 0; at < data.length && !refused; at += FEED_BYTES) {
      const end = Math.min(at + FEED_BYTES, data.length);
      unzip.push(data.subarray(at, end), end === data.length);
    }
  } catch (e) {
    if (!refused) {
      refused = new SubmissionRefused(
        `${name} is not a readable zip (${(e as Error).message}): not graded`,
      );
    }
  }
  if (refused) throw refused;
  return files;
}

/**
 * Unpacks a zip into `dest`: regular files only, none outside it, none colliding with a folder.
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
  const files = inflateZip(fs.readFileSync(zipFile), limit, name);
  const outside: string[] = [];
  const collide: string[] = [];
  const entries = [...files.keys()].filter((e) => !e.endsWith('/'));
  // A path that is also a folder of another entry (`a/b` and `a/b/c`) is a collision.
  const folders = new Set(
    entries.flatMap((e) =>
      e
        .split('/')
        .slice(0, -1)
        .map((_s, i, a) => a.slice(0, i + 1).join('/')),
    ),
  );
  for (const entry of entries) {
    const data = files.get(entry) as Uint8Array;
    const target = path.resolve(dest, entry);
    if (path.isAbsolute(entry) || entry.includes('\\') || !target.startsWith(dest + path.sep)) {
      outside.push(entry);
      continue;
    }
    if (folders.has(path.relative(dest, target).split(path.sep).join('/'))) {
      collide.push(entry);
      continue;
    }
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, data, { flag: 'wx' });
    } catch {
      collide.push(entry);
    }
  }
  const listed = (xs: string[]): string =>
    `${xs.slice(0, 3).join(', ')}${xs.length > 3 ? ', ...' : ''}`;
  if (outside.length > 0) {
    notes.push(
      `ignored ${outside.length} ${outside.length === 1 ? 'entry' : 'entries'} with a path outside the submission folder (${listed(outside)})`,
    );
  }
  if (collide.length > 0) {
    notes.push(
      `ignored ${collide.length} ${collide.length === 1 ? 'entry' : 'entries'} whose path collides with a folder or another entry (${listed(collide)})`,
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

/**
 * Loads graded modules of a project, leaves first, each in a sandbox process (sandbox.ts, the
 * parts of loadParts.ts); one that throws or hangs becomes its stub (the sandbox folder is then
 * made again, so that the files importing it load the stub). Student code runs here for the first
 * time, so with every limit of the sandbox.
 * @returns a note per file replaced
 */
async function loadOrStub(dir: string, files: readonly string[]): Promise<string[]> {
  const limitMs = envNumber('GRADE_LOAD_TIMEOUT_MS', 15_000);
  const notes: string[] = [];
  let sandbox: Sandbox | null = null;
  try {
    for (const file of files) {
      sandbox ??= prepareSandbox(dir, 'tools/assignment/loadParts');
      const r = await runPartInSandbox({
        sandbox,
        partId: `load:${file}`,
        inputsDir: gradingData().inputsDir,
        timeoutMs: limitMs,
        memoryMb: envNumber('GRADE_MEMORY_MB', 3072),
      });
      if (r.status === 'ok') continue;
      const problem =
        r.status === 'timeout'
          ? `does not finish loading within ${limitMs / 1000} s (a loop at import time?)`
          : `fails to load (${r.detail.slice(0, 200)})`;
      notes.push(`${file} ${problem}: graded as not written`);
      fs.writeFileSync(path.join(dir, file), stubOf(file));
      await waitForNoSandbox();
      sandbox.cleanup();
      sandbox = null;
    }
  } finally {
    await waitForNoSandbox();
    sandbox?.cleanup();
  }
  return notes;
}

/**
 * Makes the scratch project of a submission (see the file comment).
 *
 * @param submission a zip file or a folder
 * @param assignment whose notebooks are taken (and noted on); all when not given
 * @throws SubmissionRefused when the submission cannot be graded at all
 */
export async function scratchProject(
  submission: string,
  assignment?: AssignmentNumber,
): Promise<Scratch> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs231n-grade-'));
  fs.chmodSync(tmp, 0o711);
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
    const fileLimit = envNumber('GRADE_MAX_ZIP_MB', 100) * MiB;
    const skipped: string[] = [];
    for (const f of graded) {
      const theirs = submissionFile(src, f, fileLimit);
      const why = theirs === null ? whyNotTaken(src, f) : null;
      if (why) skipped.push(why);
      let text = theirs === null ? stubOf(f) : theirs.toString('utf8');
      const bad = syntaxError(text, f);
      if (bad) {
        notes.push(`${f} does not compile (${bad}): graded as not written`);
        text = stubOf(f);
      }
      texts.set(f, text);
      fs.writeFileSync(path.join(dir, f), text);
    }
    fs.mkdirSync(path.join(dir, 'notebooks'));
    const notebooks: string[] = [];
    for (const nb of exercisesOf(assignment).map((e) => e.notebook)) {
      const bytes = submissionFile(src, nb, fileLimit);
      if (bytes === null) {
        const why = whyNotTaken(src, nb);
        if (why) skipped.push(why);
        continue;
      }
      fs.mkdirSync(path.dirname(path.join(dir, nb)), { recursive: true });
      fs.writeFileSync(path.join(dir, nb), bytes);
      notebooks.push(nb);
    }
    for (const why of new Set(skipped)) notes.push(`ignored: ${why}; graded as not submitted`);
    fs.symlinkSync(path.join(graderRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    // Load each graded file, the files it imports first; one that cannot load becomes its stub.
    const order: string[] = [];
    const done = new Set<string>();
    const visit = (f: string): void => {
      if (done.has(f)) return;
      done.add(f);
      for (const dep of gradedImports(texts.get(f) ?? '', f, graded)) visit(dep);
      if (texts.get(f) !== stubOf(f)) order.push(f);
    };
    for (const f of graded) visit(f);
    notes.push(...(await loadOrStub(dir, order)));
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
    const given = fs.existsSync(mine) && fs.statSync(mine).isFile();
    const theirs = given ? submissionFile(src, f, fs.statSync(mine).size) : null;
    const edited = given && (theirs === null || !fs.readFileSync(mine).equals(theirs));
    if (edited || (!given && /^(test|tools|scripts)\//.test(f))) changed.push(f);
  }
  if (changed.length === 0) return [];
  const shown = changed.slice(0, 5).join(', ') + (changed.length > 5 ? ', ...' : '');
  return [
    `ignored ${changed.length} edited or added ${changed.length === 1 ? 'file' : 'files'} the grader keeps its own copy of (${shown})`,
  ];
}
