/**
 * Synthetic CIFAR-10 data in the official binary format, and a small tar.gz writer, for tests that
 * need no real images.
 *
 * Every byte is a known function of (file, record, position) so a test can tell which record and
 * which byte of it any loaded value came from; the functions below are the expected values.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

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
  /** ustar type flag: '0' file (default), '5' directory, '2' symlink, '1' hardlink, ... */
  type?: string;
  data?: Buffer;
  linkname?: string;
}

function writeField(h: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar field too long: ${value}`);
  bytes.copy(h, offset);
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

/** A ustar header block for `e` (names up to 100 bytes, written as given: no sanitizing). */
function tarHeader(e: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  const type = e.type ?? '0';
  writeField(h, 0, 100, e.name);
  writeField(h, 100, 8, octal(type === '5' ? 0o755 : 0o644, 8));
  writeField(h, 108, 8, octal(0, 8));
  writeField(h, 116, 8, octal(0, 8));
  writeField(h, 124, 12, octal(size, 12));
  writeField(h, 136, 12, octal(1262304000, 12));
  writeField(h, 148, 8, '        ');
  writeField(h, 156, 1, type);
  writeField(h, 157, 100, e.linkname ?? '');
  writeField(h, 257, 6, 'ustar\0');
  writeField(h, 263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  writeField(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** A gzipped ustar archive of `entries`, in order. */
export function tarGz(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    parts.push(tarHeader(e, data.length), data);
    const pad = (512 - (data.length % 512)) % 512;
    parts.push(Buffer.alloc(pad));
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
  const entries: TarEntry[] = [{ name: 'cifar-10-batches-bin/', type: '5' }];
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
