/**
 * The files of a checkpointed run, `<name>_epoch_<E>.json`: checking that they can be written
 * before a run starts, removing the temp files a killed write left, and pruning old epochs.
 *
 * Only names of our own pattern are ever removed: `<name>_epoch_<digits>.json` and its temp files
 * `.<name>_epoch_<digits>.json.<12 hex digits>.tmp` (see `writeFileAtomic`), in the folder of
 * `<name>`. Nothing else in that folder is touched.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The file a run with `checkpointName` writes at `epoch`. */
export function checkpointFile(name: string, epoch: number): string {
  return `${name}_epoch_${epoch}.json`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The epoch of a checkpoint file name of `base` (`<base>_epoch_<E>.json`), or null. */
function epochOf(base: string, file: string): number | null {
  const m = new RegExp(`^${escapeRegExp(base)}_epoch_(\\d+)\\.json$`).exec(file);
  return m === null ? null : Number(m[1]);
}

/**
 * Checks that `file` can be written: its folder exists, is a folder and takes a new file (a probe
 * file is written and removed), and `file` is not a folder.
 *
 * @param fn caller named in the message
 * @param what what `file` is, e.g. `--history`
 * @throws Error naming `fn`, `what` and the path when it cannot be written
 */
export function checkWritableFile(fn: string, what: string, file: string): void {
  if (typeof file !== 'string' || file === '') {
    throw new Error(`${fn}: ${what} must be a file path, got ${JSON.stringify(file)}`);
  }
  const dir = path.dirname(path.resolve(file));
  const fail = (why: string) => new Error(`${fn}: ${what} ${file} cannot be written: ${why}`);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw fail(`the folder ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw fail(`${dir} is not a folder`);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw fail('it is a folder');
  const probe = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(probe, '', { flag: 'wx' });
  } catch (err) {
    throw fail((err as NodeJS.ErrnoException).code ?? (err as Error).message);
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

/**
 * Checks a Solver's `checkpointName`: a non-empty path prefix whose last component is not empty
 * (so `''` and `'runs/'` are refused: they would write `_epoch_1.json`), in a writable folder.
 *
 * @param what how the caller calls the name (`checkpointName`, `--checkpoint`)
 * @throws Error naming `fn` and the name
 */
export function checkCheckpointName(fn: string, name: unknown, what = 'checkpointName'): void {
  if (
    typeof name !== 'string' ||
    name === '' ||
    /[/\\]$/.test(name) ||
    /^\.*$/.test(path.basename(name))
  ) {
    throw new Error(
      `${fn}: ${what} must be a path prefix ending in a file name part (e.g. 'runs/net'), got ${JSON.stringify(name)}`,
    );
  }
  checkWritableFile(fn, what, checkpointFile(name, 0));
}

/**
 * Removes the temp files that interrupted checkpoint writes of `name` left behind
 * (`.<base>_epoch_<E>.json.<12 hex>.tmp` beside `<name>`).
 *
 * @returns the paths removed
 */
export function removeStaleCheckpointTemps(name: string): string[] {
  const dir = path.dirname(name);
  const pattern = new RegExp(
    `^\\.${escapeRegExp(path.basename(name))}_epoch_\\d+\\.json\\.[0-9a-f]{12}\\.tmp$`,
  );
  const removed: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!pattern.test(entry.name) || entry.isDirectory()) continue;
    const file = path.join(dir, entry.name);
    fs.rmSync(file, { force: true });
    removed.push(file);
  }
  return removed;
}

/**
 * Removes checkpoint files of `name` older than the last `keep` epochs up to `epoch`, except the
 * one of `bestEpoch`. Files of later epochs (left by an earlier, longer run) are not touched.
 *
 * @param keep how many of the latest epochs to keep (>= 1; Infinity keeps all)
 * @returns the paths removed
 */
export function pruneCheckpoints(
  name: string,
  epoch: number,
  keep: number,
  bestEpoch: number | null,
): string[] {
  if (keep === Number.POSITIVE_INFINITY) return [];
  const dir = path.dirname(name);
  const base = path.basename(name);
  const epochs: number[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const e = epochOf(base, entry.name);
    if (e !== null && e <= epoch && entry.isFile()) epochs.push(e);
  }
  epochs.sort((a, b) => b - a);
  const removed: string[] = [];
  for (const e of epochs.slice(keep)) {
    if (e === bestEpoch) continue;
    const file = checkpointFile(name, e);
    fs.rmSync(file, { force: true });
    removed.push(file);
  }
  return removed;
}
