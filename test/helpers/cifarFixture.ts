/**
 * Synthetic CIFAR-10 data in the official binary format, and a tar.gz writer (node-tar's headers),
 * for tests that need no real images.
 *
 * Every byte is a known function of (file, record, position) so a test can tell which record and
 * which byte of it any loaded value came from; the functions below are the expected values.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Header, type types } from 'tar';

type EntryTypeName = NonNullable<ReturnType<typeof types.name.get>>;

export const RECORD_BYTES = 3073;
export const IMAGE_BYTES = 3072;
export const RECORDS_PER_FILE = 10000;
export const BATCH_FILES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
  'test_batch.bin',
];

/** Label of record `r` of batch file `f` (0..4 training, 5 test). */
export function fixtureLabel(f: number, r: number): number {
  return (r * 7 + f * 3 + (r >> 8)) % 10;
}

/** Image byte `p` (0..3071, = c*1024 + i*32 + j) of record `r` of batch file `f`. */
export function fixturePixel(f: number, r: number, p: number): number {
  return (p * 13 + r * 29 + (r >> 8) * 5 + f * 101 + (p >> 10) * 71) & 255;
}

/** The bytes of a batch file with `records` records (10000 for the real format). */
export function batchFileBytes(f: number, records = RECORDS_PER_FILE): Buffer {
  const buf = Buffer.alloc(records * RECORD_BYTES);
  for (let r = 0; r < records; r++) {
    const base = r * RECORD_BYTES;
    buf[base] = fixtureLabel(f, r);
    for (let p = 0; p < IMAGE_BYTES; p++) buf[base + 1 + p] = fixturePixel(f, r, p);
  }
  return buf;
}

/** Writes the six full-size (30730000-byte) batch files into `dir`. */
export function writeCIFAR10Fixture(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  BATCH_FILES.forEach((name, f) => {
    fs.writeFileSync(path.join(dir, name), batchFileBytes(f));
  });
}

/** A fresh temp folder; remove it with `fs.rmSync(dir, { recursive: true, force: true })`. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** One member of a tar archive. */
export interface TarEntry {
  name: string;
  /** node-tar's entry type: 'File' (default), 'Directory', 'SymbolicLink', 'Link', 'FIFO', ... */
  type?: EntryTypeName;
  data?: Buffer;
  linkname?: string;
}

/**
 * A gzipped ustar archive of `entries`, in order. Headers are node-tar's (`Header.encode`), with
 * names written as given (no sanitizing), so tests can build unsafe archives.
 */
export function tarGz(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    const type = e.type ?? 'File';
    const header = new Header({
      path: e.name,
      type,
      mode: type === 'Directory' ? 0o755 : 0o644,
      uid: 0,
      gid: 0,
      size: data.length,
      mtime: new Date(1262304000 * 1000),
      linkpath: e.linkname,
    });
    if (header.encode() || header.block === undefined) {
      throw new Error(`tarGz: member ${JSON.stringify(e.name)} does not fit a ustar header`);
    }
    parts.push(header.block, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(parts));
}

/** Member names of the official cifar-10-binary.tar.gz payload. */
export const ARCHIVE_FILES = [...BATCH_FILES, 'batches.meta.txt', 'readme.html'];

/**
 * The members of a small archive laid out like the official one: the folder
 * `cifar-10-batches-bin/` and its eight files, batch files holding `records` records each.
 */
export function smallArchiveEntries(records = 200): TarEntry[] {
  const entries: TarEntry[] = [{ name: 'cifar-10-batches-bin/', type: 'Directory' }];
  BATCH_FILES.forEach((name, f) => {
    entries.push({ name: `cifar-10-batches-bin/${name}`, data: batchFileBytes(f, records) });
  });
  entries.push({
    name: 'cifar-10-batches-bin/batches.meta.txt',
    data: Buffer.from('airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n'),
  });
  entries.push({
    name: 'cifar-10-batches-bin/readme.html',
    data: Buffer.from('<html></html>\n'),
  });
  return entries;
}
