/**
 * Downloading CIFAR-10 (the official binary version), like the assignment's get_datasets.sh.
 *
 * `downloadCIFAR10()` fetches https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz into
 * `<data dir>/cifar-10-binary.tar.gz.partial`, checks its size and MD5, renames it to
 * `cifar-10-binary.tar.gz`, extracts the eight expected regular files into a temp folder beside the
 * target and renames that folder to `<data dir>/cifar-10-batches-bin`. So the target folder exists
 * only when it is complete, and a `*.partial` file is never taken for a download.
 *
 * The archive is read with a small ustar reader (pax and GNU long-name headers understood) that
 * refuses absolute paths, `..` components, symbolic links, hard links and every other member type
 * except regular files and folders. Unexpected regular files are skipped.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { CIFAR10_FILES } from '../dataUtils';

/** The official download address of CIFAR-10, binary version. */
export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
/** Size in bytes of the official archive. */
export const CIFAR10_ARCHIVE_BYTES = 170052171;
/** MD5 of the official archive (as published on the CIFAR-10 page). */
export const CIFAR10_ARCHIVE_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
/** The folder the archive holds, and the name of the extracted folder. */
export const CIFAR10_ARCHIVE_FOLDER = 'cifar-10-batches-bin';
/** The files extracted from the archive (all other members are skipped). */
export const CIFAR10_ARCHIVE_FILES: readonly string[] = [
  ...CIFAR10_FILES,
  'batches.meta.txt',
  'readme.html',
];
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
}

/** What `downloadCIFAR10` did. */
export interface DownloadCIFAR10Result {
  /** The complete dataset folder. */
  dir: string;
  /** False when the folder was already complete and nothing was done. */
  changed: boolean;
}

/** `<repo root>/data`, found relative to this file. */
export function defaultDataDir(): string {
  return path.resolve(__dirname, '..', 'data');
}

/**
 * Makes `<dataDir>/cifar-10-batches-bin` hold the CIFAR-10 binary batch files, downloading and
 * extracting the official archive unless the folder is already complete.
 *
 * An archive already at `<dataDir>/cifar-10-binary.tar.gz` with the right size and MD5 is used
 * instead of downloading (so a copy fetched by hand works offline). The archive is removed after
 * a successful extraction.
 *
 * @throws Error (one line, naming the URL or file) when the download fails (network, HTTP status,
 *   cut connection, wrong size or MD5) or the archive holds an unsafe or unexpected member; no
 *   partial download and no half-extracted folder is left behind
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

  const target = path.join(dataDir, CIFAR10_ARCHIVE_FOLDER);
  const missing = missingFiles(target);
  if (missing === null) return { dir: target, changed: false };
  if (missing.length < CIFAR10_ARCHIVE_FILES.length || !isEmptyDir(target)) {
    throw new Error(
      `${fn}: ${target} exists but is incomplete (lacks ${missing.join(', ')}); ` +
        'remove it and run again',
    );
  }
  fs.mkdirSync(dataDir, { recursive: true });

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
  let received = 0;
  try {
    const res = await openFollowingRedirects(url, opts.maxRedirects, opts.idleTimeoutMs);
    const announced = res.headers['content-length'];
    if (announced !== undefined && Number(announced) !== size) {
      res.destroy();
      throw new Error(`the server announces ${announced} bytes, expected ${size}`);
    }
    opts.log(`Downloading ${url} (${mb(size)} MB) to ${partial}`);
    const hash = createHash('md5');
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > size) {
          done(new Error(`the server sent more than the expected ${size} bytes`));
          return;
        }
        hash.update(chunk);
        opts.progress?.(received, size);
        done(null, chunk);
      },
    });
    try {
      await pipeline(res, count, fs.createWriteStream(partial));
    } catch (err) {
      if (received > size) throw err;
      throw new Error(
        `the connection broke after ${received} of ${size} bytes (${messageOf(err)})`,
      );
    }
    if (received !== size) {
      throw new Error(`got ${received} bytes, expected ${size} (connection closed early?)`);
    }
    const got = hash.digest('hex');
    if (got !== md5) {
      throw new Error(`MD5 mismatch: got ${got}, expected ${md5} (corrupt or different file)`);
    }
    fs.renameSync(partial, dest);
    opts.log(`Downloaded ${mb(size)} MB, size and MD5 verified`);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw new Error(
      `${fn}: could not download ${url}: ${messageOf(err)}. Nothing was kept; run again, or ` +
        `put a copy of ${path.basename(dest)} in ${path.dirname(dest)} and run again, or set ` +
        'CIFAR10_DIR to a folder holding the extracted batch files',
    );
  }
}

/** GETs `url`, following at most `maxRedirects` redirects; resolves with a 200 response. */
async function openFollowingRedirects(
  url: string,
  maxRedirects: number,
  idleTimeoutMs: number,
): Promise<http.IncomingMessage> {
  let current = new URL(url);
  for (let redirects = 0; ; redirects++) {
    const res = await get(current, idleTimeoutMs);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (redirects >= maxRedirects) throw new Error(`more than ${maxRedirects} redirects`);
      current = new URL(res.headers.location, current);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new Error(`HTTP ${status} ${res.statusMessage ?? ''}`.trim());
    }
    return res;
  }
}

function get(url: URL, idleTimeoutMs: number): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
    if (client === null) {
      reject(new Error(`unsupported URL scheme ${url.protocol} (use http or https)`));
      return;
    }
    let response: http.IncomingMessage | null = null;
    const req = client.get(url, { headers: { 'user-agent': 'cs231n-ts-get-data' } }, (res) => {
      response = res;
      resolve(res);
    });
    req.setTimeout(idleTimeoutMs, () => {
      const err = new Error(`no data from the server for ${idleTimeoutMs / 1000} s`);
      // Fail the body stream with this reason too (else it only reports "aborted").
      (response as http.IncomingMessage | null)?.destroy(err);
      req.destroy(err);
    });
    req.on('error', reject);
  });
}

function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

/**
 * Extracts the eight CIFAR-10 files of the verified `.tar.gz` at `archive` into a temp folder in
 * `dataDir`, then renames it to `<dataDir>/cifar-10-batches-bin` (which must not exist yet).
 *
 * @throws Error naming the archive and the member when a member has an absolute path or a `..`
 *   component, is a symbolic link, hard link or any type but file/folder, or when an expected file
 *   is missing, duplicated or the archive is truncated; the temp folder is removed
 */
export async function extractCIFAR10Archive(archive: string, dataDir: string): Promise<string> {
  const fn = 'extractCIFAR10Archive';
  const target = path.join(dataDir, CIFAR10_ARCHIVE_FOLDER);
  const temp = fs.mkdtempSync(path.join(dataDir, `.${CIFAR10_ARCHIVE_FOLDER}.extracting-`));
  const reader = new TarReader(`${fn}: archive ${archive}`, temp);
  let readerError: unknown = null;
  try {
    await pipeline(
      fs.createReadStream(archive),
      zlib.createGunzip(),
      async (chunks: AsyncIterable<Buffer>) => {
        try {
          for await (const chunk of chunks) reader.write(chunk);
        } catch (err) {
          // pipeline reports its own AbortError; keep the reader's message.
          readerError = err;
          throw err;
        }
      },
    );
    reader.end();
    fs.chmodSync(temp, 0o755); // mkdtemp makes it 0700
    fs.renameSync(temp, target);
  } catch (caught) {
    const err = readerError ?? caught;
    reader.abort();
    fs.rmSync(temp, { recursive: true, force: true });
    const message = messageOf(err);
    throw new Error(message.startsWith(fn) ? message : `${fn}: archive ${archive}: ${message}`);
  }
  return target;
}

const TYPE_NAMES: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a FIFO',
  '7': 'a contiguous file',
};

/** Where the data of the current member goes. */
type Sink =
  | { kind: 'file'; fd: number; name: string }
  | { kind: 'skip' }
  | { kind: 'meta'; type: string; parts: Buffer[] };

/**
 * A streaming ustar reader that writes only the expected CIFAR-10 files into `outDir`.
 * Feed it with `write(chunk)`, then `end()`.
 */
class TarReader {
  private readonly header = Buffer.alloc(512);
  private headerFill = 0;
  private remaining = 0;
  private padding = 0;
  private sink: Sink = { kind: 'skip' };
  private finished = false;
  private nextPath: string | null = null;
  private nextSize: number | null = null;
  private offset = 0;
  private readonly extracted = new Set<string>();

  constructor(
    private readonly context: string,
    private readonly outDir: string,
  ) {}

  write(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.finished) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - at);
        this.data(chunk.subarray(at, at + n));
        this.remaining -= n;
        at += n;
        if (this.remaining === 0) this.closeEntry();
      } else if (this.padding > 0) {
        const n = Math.min(this.padding, chunk.length - at);
        this.padding -= n;
        at += n;
      } else {
        const n = Math.min(512 - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + n);
        this.headerFill += n;
        at += n;
        if (this.headerFill === 512) {
          this.headerFill = 0;
          this.onHeader(this.header);
          this.offset += 512;
        }
      }
    }
  }

  /** Call after the last chunk: checks the archive is whole and held every expected file. */
  end(): void {
    if (!this.finished && (this.remaining > 0 || this.padding > 0 || this.headerFill > 0)) {
      throw new Error(`${this.context}: truncated (ends inside a member)`);
    }
    const missing = CIFAR10_ARCHIVE_FILES.filter((f) => !this.extracted.has(f));
    if (missing.length > 0) {
      throw new Error(
        `${this.context}: lacks ${missing.map((f) => `${CIFAR10_ARCHIVE_FOLDER}/${f}`).join(', ')}`,
      );
    }
  }

  /** Closes an open output file after an error. */
  abort(): void {
    if (this.sink.kind === 'file') fs.closeSync(this.sink.fd);
    this.sink = { kind: 'skip' };
  }

  private fail(what: string): never {
    throw new Error(`${this.context}: ${what}`);
  }

  private onHeader(h: Buffer): void {
    if (h.every((b) => b === 0)) {
      this.finished = true;
      return;
    }
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    if (sum !== readOctal(h, 148, 8)) {
      this.fail(`bad tar header checksum at byte ${this.offset} (not a tar archive, or corrupt)`);
    }
    const type = String.fromCharCode(h[156] || 48);
    const isUstar = h.toString('latin1', 257, 263) === 'ustar\0';
    let name = cString(h, 0, 100);
    if (isUstar && h[345] !== 0) name = `${cString(h, 345, 155)}/${name}`;
    if (this.nextPath !== null) name = this.nextPath;
    let size = readOctal(h, 124, 12);
    if (size < 0) this.fail(`member ${JSON.stringify(name)} has an unreadable size field`);
    if (this.nextSize !== null) size = this.nextSize;
    this.nextPath = null;
    this.nextSize = null;

    let sink: Sink;
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (size > 1 << 20) this.fail(`${type} header of ${size} bytes is too large`);
      sink = { kind: 'meta', type, parts: [] };
    } else {
      const rel = this.checkName(name);
      if (type === '5') {
        sink = { kind: 'skip' };
      } else if (type === '0') {
        sink = this.openFile(name, rel);
      } else {
        const link = cString(h, 157, 100);
        const what = TYPE_NAMES[type] ?? `of unknown type '${type}'`;
        this.fail(
          `member ${JSON.stringify(name)} is ${what}${link ? ` (to ${JSON.stringify(link)})` : ''}; ` +
            'only regular files and folders are extracted',
        );
      }
    }
    this.sink = sink;
    this.remaining = size;
    this.padding = (512 - (size % 512)) % 512;
    this.offset += size + this.padding;
    if (size === 0) this.closeEntry();
  }

  /** Refuses absolute names and `..` components; returns the normalized relative parts. */
  private checkName(name: string): string[] {
    if (name === '') this.fail('a member has an empty name');
    if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
      this.fail(`member ${JSON.stringify(name)} has an absolute path`);
    }
    const parts = name.split(/[/\\]/).filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) this.fail(`member ${JSON.stringify(name)} has a ".." component`);
    return parts;
  }

  private openFile(name: string, parts: string[]): Sink {
    const file = parts[1];
    if (
      parts.length !== 2 ||
      parts[0] !== CIFAR10_ARCHIVE_FOLDER ||
      !CIFAR10_ARCHIVE_FILES.includes(file)
    ) {
      return { kind: 'skip' };
    }
    if (this.extracted.has(file)) this.fail(`member ${JSON.stringify(name)} appears twice`);
    this.extracted.add(file);
    const fd = fs.openSync(path.join(this.outDir, file), 'wx');
    return { kind: 'file', fd, name: file };
  }

  private data(bytes: Buffer): void {
    const sink = this.sink;
    if (sink.kind === 'file') {
      let written = 0;
      while (written < bytes.length) {
        written += fs.writeSync(sink.fd, bytes, written, bytes.length - written);
      }
    } else if (sink.kind === 'meta') {
      sink.parts.push(Buffer.from(bytes));
    }
  }

  private closeEntry(): void {
    const sink = this.sink;
    this.sink = { kind: 'skip' };
    if (sink.kind === 'file') {
      fs.fsyncSync(sink.fd);
      fs.closeSync(sink.fd);
    } else if (sink.kind === 'meta') {
      const body = Buffer.concat(sink.parts);
      if (sink.type === 'L') this.nextPath = cString(body, 0, body.length);
      if (sink.type === 'x') {
        const pax = parsePax(body);
        if (pax === null) this.fail(`bad pax header at byte ${this.offset}`);
        if (pax.path !== undefined) this.nextPath = pax.path;
        if (pax.size !== undefined) {
          const n = Number(pax.size);
          if (!Number.isSafeInteger(n) || n < 0) this.fail(`bad pax size ${pax.size}`);
          this.nextSize = n;
        }
      }
    }
  }
}

/** A NUL-terminated string field. */
function cString(buf: Buffer, start: number, length: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end < 0 || end > start + length ? start + length : end);
}

/** An octal numeric field (NUL/space padded); -1 when unreadable (e.g. base-256). */
function readOctal(buf: Buffer, start: number, length: number): number {
  const text = buf
    .toString('latin1', start, start + length)
    .replace(/[\0 ]+$/, '')
    .trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return -1;
  return Number.parseInt(text, 8);
}

/** Records `"<len> key=value\n"` of a pax extended header; null when malformed. */
function parsePax(body: Buffer): Record<string, string> | null {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < body.length) {
    if (body[at] === 0) break;
    const space = body.indexOf(32, at);
    if (space < 0) return null;
    const len = Number(body.toString('latin1', at, space));
    if (!Number.isSafeInteger(len) || len <= space - at || at + len > body.length) return null;
    const record = body.toString('utf8', space + 1, at + len - 1);
    const eq = record.indexOf('=');
    if (eq < 0) return null;
    out[record.slice(0, eq)] = record.slice(eq + 1);
    at += len;
  }
  return out;
}

/**
 * A progress reporter for stderr: a bar redrawn in place when stderr is a TTY, else one plain
 * line at the start and one at the end.
 */
export function stderrProgressBar(stream: NodeJS.WriteStream = process.stderr): ProgressFn {
  let lastDraw = 0;
  let started = false;
  const start = Date.now();
  return (received, total) => {
    const mb = (n: number) => (n / 1e6).toFixed(1);
    const done = received >= total;
    if (!stream.isTTY) {
      if (!started) stream.write(`  receiving ${mb(total)} MB ...\n`);
      else if (done) stream.write(`  received ${mb(received)} MB in ${seconds(start)} s\n`);
      started = true;
      return;
    }
    const now = Date.now();
    if (!done && now - lastDraw < 100) return;
    lastDraw = now;
    const frac = total > 0 ? Math.min(1, received / total) : 0;
    const width = 30;
    const full = Math.round(frac * width);
    const rate = received / 1e6 / Math.max(0.001, (now - start) / 1000);
    stream.write(
      `\r  [${'#'.repeat(full)}${'-'.repeat(width - full)}] ${(frac * 100).toFixed(0).padStart(3)}% ` +
        `${mb(received)}/${mb(total)} MB ${rate.toFixed(1)} MB/s `,
    );
    if (done) stream.write('\n');
  };
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}
