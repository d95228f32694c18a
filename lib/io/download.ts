/**
 * Downloading CIFAR-10 (the official binary version), like the assignment's get_datasets.sh.
 *
 * `downloadCIFAR10()` fetches https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz with Node's
 * built-in `fetch` into `<data dir>/cifar-10-binary.tar.gz.partial`, checks its size and MD5,
 * renames it to `cifar-10-binary.tar.gz`, then extracts it with node-tar under our rules
 * (`./archive`: only the eight expected regular files, into a temp folder renamed to
 * `<data dir>/cifar-10-batches-bin` when complete). So the target folder exists only when it is
 * complete, and a `*.partial` file is never taken for a download. One download at a time fills a
 * data folder: it holds `<data dir>/.cifar-10-download.lock` (its pid); a second one waits for it
 * and then finds the folder complete; a lock whose process is gone is removed.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LIB_DIR } from '../core/runtime';
import { CIFAR10_ARCHIVE_FILES, CIFAR10_ARCHIVE_FOLDER, extractCIFAR10Archive } from './archive';
import { type ProgressStream, terminalProgress } from './progress';

/** The official download address of CIFAR-10, binary version. */
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
/** Size in bytes of the official archive. */
export const CIFAR10_ARCHIVE_BYTES = 170052171;
/** MD5 of the official archive (as published on the CIFAR-10 page). */
export const CIFAR10_ARCHIVE_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
const ARCHIVE_NAME = 'cifar-10-binary.tar.gz';

/** Called as bytes arrive: `received` of `total` bytes. */
export type ProgressFn = (received: number, total: number) => void;

/** Options of `downloadCIFAR10`; the defaults fetch the official archive into `<repo root>/data`. */
export interface DownloadCIFAR10Options {
  /** Folder that receives `cifar-10-batches-bin/`. Default `<repo root>/data`. */
  dataDir?: string;
  /** Archive address (http, https). Default `CIFAR10_URL`. */
  url?: string;
  /** Expected MD5 of the archive, hex. Default `CIFAR10_ARCHIVE_MD5`. */
  md5?: string;
  /** Expected size of the archive in bytes. Default `CIFAR10_ARCHIVE_BYTES`. */
  size?: number;
  /** Progress: true (default) draws a bar on stderr (a plain line when stderr is not a TTY). */
  progress?: boolean | ProgressFn;
  /** Status lines. Default: written to stderr. */
  log?: (line: string) => void;
  /** Give up when the server sends nothing for this long. Default 60000 ms. */
  idleTimeoutMs?: number;
  /** Redirects followed at most. Default 5. */
  maxRedirects?: number;
  /**
   * How long to wait for another download into the same folder (one holding its lock file) to
   * finish before giving up with one line. Default: as long as its process lives.
   */
  lockWaitMs?: number;
}

/** What `downloadCIFAR10` did. */
export interface DownloadCIFAR10Result {
  /** The complete dataset folder. */
  dir: string;
  /** False when the folder was already complete and nothing was done. */
  changed: boolean;
}

/** `<repo root>/data`, found relative to lib/. */
export function defaultDataDir(): string {
  return path.resolve(LIB_DIR, '..', 'data');
}

/**
 * Makes `<dataDir>/cifar-10-batches-bin` hold the CIFAR-10 binary batch files, downloading and
 * extracting the official archive unless the folder is already complete.
 *
 * An archive already at `<dataDir>/cifar-10-binary.tar.gz` with the right size and MD5 is used
 * instead of downloading (so a copy fetched by hand works offline). The archive is removed after
 * a successful extraction. While another process downloads into the same folder (its lock file
 * names a live pid), this call waits for it (up to `lockWaitMs`), then returns its result.
 *
 * @throws Error (one line, naming the URL or file) when the download fails (network, HTTP status,
 *   cut connection, wrong size or MD5), the archive holds an unsafe or unexpected member, or
 *   another download still holds the folder after `lockWaitMs`; no partial download, no
 *   half-extracted folder and no lock file of ours is left behind
 */
export async function downloadCIFAR10(
  options: DownloadCIFAR10Options = {},
): Promise<DownloadCIFAR10Result> {
  const fn = 'downloadCIFAR10';
  const dataDir = path.resolve(options.dataDir ?? defaultDataDir());
  const url = options.url ?? CIFAR10_URL;
  const md5 = (options.md5 ?? CIFAR10_ARCHIVE_MD5).toLowerCase();
  const size = options.size ?? CIFAR10_ARCHIVE_BYTES;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const progress =
    typeof options.progress === 'function'
      ? options.progress
      : options.progress === false
        ? undefined
        : stderrProgressBar();
  if (!/^[0-9a-f]{32}$/.test(md5)) {
    throw new TypeError(`${fn}: md5 must be 32 hex digits, got ${JSON.stringify(options.md5)}`);
  }
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw new RangeError(`${fn}: size must be a positive integer, got ${String(options.size)}`);
  }

  const lockWaitMs = options.lockWaitMs ?? Number.POSITIVE_INFINITY;
  if (!(lockWaitMs >= 0)) {
    throw new RangeError(`${fn}: lockWaitMs must be >= 0, got ${String(options.lockWaitMs)}`);
  }

  prepareDataDir(fn, dataDir);
  const target = path.join(dataDir, CIFAR10_ARCHIVE_FOLDER);
  if (missingFiles(target) === null) return { dir: target, changed: false };
  const release = await acquireDownloadLock(fn, dataDir, lockWaitMs, log);
  try {
    return await downloadLocked(fn, dataDir, url, md5, size, options, progress, log);
  } finally {
    release();
  }
}

/** The lock file of a data folder: it holds the pid of the process downloading into it. */
export const CIFAR10_LOCK_NAME = '.cifar-10-download.lock';

/**
 * Takes the data folder's download lock (a file created exclusively, holding our pid), waiting
 * while another live process holds it; a lock whose process is gone is stale and removed.
 * @returns a function that removes the lock (only while it is still ours)
 * @throws Error (one line, naming the other pid) when `waitMs` passes first
 */
async function acquireDownloadLock(
  fn: string,
  dataDir: string,
  waitMs: number,
  log: (line: string) => void,
): Promise<() => void> {
  const lock = path.join(dataDir, CIFAR10_LOCK_NAME);
  const mine = `${process.pid}\n`;
  const start = Date.now();
  let announced = false;
  for (;;) {
    try {
      const fd = fs.openSync(lock, 'wx', 0o644);
      try {
        fs.writeSync(fd, mine);
      } finally {
        fs.closeSync(fd);
      }
      return () => {
        try {
          if (fs.readFileSync(lock, 'utf8') === mine) fs.unlinkSync(lock);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`${fn}: cannot create the lock file ${lock} (${messageOf(err)})`);
      }
    }
    let text = '';
    try {
      text = fs.readFileSync(lock, 'utf8');
    } catch {
      continue; // released between our attempt and the read
    }
    const owner = Number.parseInt(text, 10);
    if (!isAlive(owner, text, lock)) {
      // Stale (its process is gone, or it was never written): remove it if it is still the same.
      try {
        if (fs.readFileSync(lock, 'utf8') === text) fs.unlinkSync(lock);
      } catch {
        // someone else removed it
      }
      continue;
    }
    if (Date.now() - start >= waitMs) {
      throw new Error(
        `${fn}: another download (pid ${owner}) is filling ${dataDir} (lock ${lock}); ` +
          'wait for it to finish, or remove the lock file if that process is not downloading',
      );
    }
    if (!announced) {
      log(`Another download (pid ${owner}) is filling ${dataDir}; waiting for it to finish`);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Whether a lock's owner may still be downloading: its pid names a live process, or the file was
 * just created and its pid is not written yet (younger than 10 s).
 */
function isAlive(pid: number, text: string, lock: string): boolean {
  if (!/^\d+\n$/.test(text) || !(pid > 0)) {
    try {
      return Date.now() - fs.statSync(lock).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The download and extraction, under the data folder's lock. */
async function downloadLocked(
  fn: string,
  dataDir: string,
  url: string,
  md5: string,
  size: number,
  options: DownloadCIFAR10Options,
  progress: ProgressFn | undefined,
  log: (line: string) => void,
): Promise<DownloadCIFAR10Result> {
  const target = path.join(dataDir, CIFAR10_ARCHIVE_FOLDER);
  const missing = missingFiles(target);
  // Another download may have completed it while this one waited.
  if (missing === null) return { dir: target, changed: false };
  if (missing.length < CIFAR10_ARCHIVE_FILES.length || !isEmptyDir(target)) {
    throw new Error(
      `${fn}: ${target} exists but is incomplete (lacks ${missing.join(', ')}); ` +
        'remove it and run again',
    );
  }
  const archive = path.join(dataDir, ARCHIVE_NAME);
  let downloadedNow = false;
  if (fs.existsSync(archive) && (await fileMatches(archive, size, md5))) {
    log(`Using ${archive} (size and MD5 verified)`);
  } else {
    await downloadVerified(fn, url, archive, size, md5, {
      progress,
      log,
      idleTimeoutMs: options.idleTimeoutMs ?? 60000,
      maxRedirects: options.maxRedirects ?? 5,
    });
    downloadedNow = true;
  }

  try {
    await extractCIFAR10Archive(archive, dataDir);
  } catch (err) {
    if (downloadedNow) fs.rmSync(archive, { force: true });
    throw err;
  }
  fs.rmSync(archive, { force: true });
  log(`CIFAR-10 is ready in ${target}`);
  return { dir: target, changed: true };
}

/** Makes `dataDir` a folder if it is missing; throws naming it when it cannot be one. */
function prepareDataDir(fn: string, dataDir: string): void {
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(dataDir);
  } catch {
    // missing (or a dangling link): created below
  }
  if (st !== null && !st.isDirectory()) {
    throw new Error(`${fn}: dataDir ${dataDir} is not a folder; give a folder (or a new path)`);
  }
  if (st === null) {
    try {
      fs.mkdirSync(dataDir, { recursive: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? messageOf(err);
      throw new Error(`${fn}: cannot create dataDir ${dataDir} (${code})`);
    }
  }
}

/** Null when `dir` holds every archive file as a regular file; else the missing names. */
function missingFiles(dir: string): string[] | null {
  const missing = CIFAR10_ARCHIVE_FILES.filter((name) => {
    try {
      return !fs.statSync(path.join(dir, name)).isFile();
    } catch {
      return true;
    }
  });
  return missing.length === 0 ? null : missing;
}

function isEmptyDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch {
    return !fs.existsSync(dir);
  }
}

async function fileMatches(file: string, size: number, md5: string): Promise<boolean> {
  if (fs.statSync(file).size !== size) return false;
  const hash = createHash('md5');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex') === md5;
}

interface FetchOptions {
  progress?: ProgressFn;
  log: (line: string) => void;
  idleTimeoutMs: number;
  maxRedirects: number;
}

/**
 * Downloads `url` to `dest + '.partial'`, checks size and MD5, then renames it to `dest`.
 * On any failure the partial file is removed.
 */
async function downloadVerified(
  fn: string,
  url: string,
  dest: string,
  size: number,
  md5: string,
  opts: FetchOptions,
): Promise<void> {
  const partial = `${dest}.partial`;
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const idle = idleTimeout(opts.idleTimeoutMs);
  try {
    const res = await fetchFollowingRedirects(url, opts.maxRedirects, idle);
    const announced = res.headers.get('content-length');
    if (announced !== null && Number(announced) !== size) {
      await res.body?.cancel();
      throw new Error(`the server announces ${announced} bytes, expected ${size}`);
    }
    const encoding = res.headers.get('content-encoding');
    if (encoding !== null && encoding !== 'identity') {
      // fetch would decode it: the bytes on disk would not be the archive the MD5 describes.
      await res.body?.cancel();
      throw new Error(`the server sends the archive with content-encoding ${encoding}`);
    }
    opts.log(`Downloading ${url} (${mb(size)} MB) to ${partial}`);
    const got = await saveBody(res, partial, size, idle, opts.progress);
    if (got !== md5) {
      throw new Error(`MD5 mismatch: got ${got}, expected ${md5} (corrupt or different file)`);
    }
    fs.renameSync(partial, dest);
    opts.log(`Downloaded ${mb(size)} MB, size and MD5 verified`);
  } catch (err) {
    // our partial file (or a link put in its place), never a folder
    if (fs.lstatSync(partial, { throwIfNoEntry: false })?.isDirectory() === false) {
      fs.unlinkSync(partial);
    }
    throw new Error(
      `${fn}: could not download ${url}: ${messageOf(err)}. Nothing was kept; run again, or ` +
        `put a copy of ${path.basename(dest)} in ${path.dirname(dest)} and run again, or set ` +
        'CIFAR10_DIR to a folder holding the extracted batch files',
    );
  } finally {
    idle.stop();
  }
}

/** An AbortSignal that fires when `ms` pass without a `touch()`: the server went quiet. */
interface IdleTimeout {
  signal: AbortSignal;
  touch(): void;
  stop(): void;
  /** The idle reason once it fired, else `err`. */
  reason(err: unknown): unknown;
}

function idleTimeout(ms: number): IdleTimeout {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Error(`no data from the server for ${ms / 1000} s`);
  const idle: IdleTimeout = {
    signal: controller.signal,
    touch() {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(quiet), ms);
    },
    stop: () => clearTimeout(timer),
    reason: (err) => (controller.signal.aborted ? controller.signal.reason : err),
  };
  idle.touch();
  return idle;
}

/** GETs `url`, following at most `maxRedirects` redirects; resolves with a 200 response. */
async function fetchFollowingRedirects(
  url: string,
  maxRedirects: number,
  idle: IdleTimeout,
): Promise<Response> {
  let current = new URL(url);
  for (let redirects = 0; ; redirects++) {
    if (current.protocol !== 'http:' && current.protocol !== 'https:') {
      throw new Error(`unsupported URL scheme ${current.protocol} (use http or https)`);
    }
    let res: Response;
    try {
      res = await fetch(current, {
        redirect: 'manual',
        signal: idle.signal,
        headers: { 'user-agent': 'cs231n-ts-get-data' },
      });
    } catch (err) {
      throw idle.reason(err);
    }
    idle.touch();
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location !== null) {
      await res.body?.cancel();
      if (redirects >= maxRedirects) throw new Error(`more than ${maxRedirects} redirects`);
      current = new URL(location, current);
      continue;
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
    }
    return res;
  }
}

/**
 * Writes the body of `res` to `file`, at most `size` bytes; returns its MD5 (hex).
 * @throws Error when the connection breaks, the server goes idle, or the size is wrong
 */
async function saveBody(
  res: Response,
  file: string,
  size: number,
  idle: IdleTimeout,
  progress?: ProgressFn,
): Promise<string> {
  if (res.body === null) throw new Error('the response has no body');
  const reader = res.body.getReader();
  const hash = createHash('md5');
  const out = await openFresh(file);
  let received = 0;
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        throw new Error(
          `the connection broke after ${received} of ${size} bytes (${messageOf(idle.reason(err))})`,
        );
      }
      if (chunk.done) break;
      idle.touch();
      received += chunk.value.length;
      if (received > size) {
        await reader.cancel();
        throw new Error(`the server sent more than the expected ${size} bytes`);
      }
      hash.update(chunk.value);
      await out.write(chunk.value);
      progress?.(received, size);
    }
    await out.sync();
  } finally {
    await out.close();
  }
  if (received !== size) {
    throw new Error(`got ${received} bytes, expected ${size} (connection closed early?)`);
  }
  return hash.digest('hex');
}

/**
 * Opens `file` for writing as a new file, never through a link: whatever is at that path (a stale
 * partial download, or a symbolic link someone put there) is removed first (a link is removed, not
 * its target), then the file is created exclusively with O_NOFOLLOW.
 */
async function openFresh(file: string): Promise<fs.promises.FileHandle> {
  let st: fs.Stats | null = null;
  try {
    st = fs.lstatSync(file);
  } catch {
    // nothing there
  }
  if (st?.isDirectory()) throw new Error(`${file} is a folder; remove it and run again`);
  if (st !== null) fs.unlinkSync(file);
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  return fs.promises.open(file, O_WRONLY | O_CREAT | O_EXCL | (O_NOFOLLOW ?? 0), 0o644);
}

/** The first line of an error's message, with its cause (fetch puts the reason there). */
function messageOf(err: unknown): string {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  const cause = err instanceof Error ? (err as { cause?: unknown }).cause : undefined;
  return cause instanceof Error ? `${message}: ${cause.message.split('\n')[0]}` : message;
}

/**
 * A progress reporter for stderr: a bar redrawn in place when stderr is a TTY (`terminalProgress`
 * with MB and MB/s), else one plain line at the start and one at the end.
 */
export function stderrProgressBar(
  stream: ProgressStream & { isTTY?: boolean } = process.stderr,
): ProgressFn {
  const start = Date.now();
  const mb = (n: number) => (n / 1e6).toFixed(1);
  if (!stream.isTTY) {
    let started = false;
    return (received, total) => {
      if (!started) stream.write(`  receiving ${mb(total)} MB ...\n`);
      else if (received >= total) {
        stream.write(
          `  received ${mb(received)} MB in ${((Date.now() - start) / 1000).toFixed(1)} s\n`,
        );
      }
      started = true;
    };
  }
  const draw = terminalProgress({ stream, prefix: '  ' });
  return (received, total) => {
    const rate = received / 1e6 / Math.max(0.001, (Date.now() - start) / 1000);
    draw(received, total, `${mb(received)}/${mb(total)} MB ${rate.toFixed(1)} MB/s`);
  };
}
