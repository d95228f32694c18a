/**
 * extractCIFAR10Archive refuses, in one line naming the member, every kind of member it does not
 * extract, from hand-made tar bytes: links (hard and symbolic, to any path, with or without a
 * target), devices and FIFOs, GNU sparse files (old 'S' members and pax format 1.0), absolute
 * paths and `..`, and GNU long-name / long-link headers over the header bound (node-tar drops
 * those silently, so the next member would keep its short name). Nothing is left in the folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_MAX_HEADER_BYTES, extractCIFAR10Archive } from '../../lib/io/archive';
import {
  ARCHIVE_FILES,
  makeTempDir,
  smallArchiveEntries,
  type TarEntry,
  tarGz,
} from '../helpers/cifarFixture';

let root: string;
let count = 0;

beforeAll(() => {
  root = makeTempDir('cifar-archive-test-');
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const good = smallArchiveEntries(20);
const BATCH = 'cifar-10-batches-bin/data_batch_1.bin';

/** The archive with `evil` after the first four good members, in a fresh data folder. */
function archiveWith(evil: TarEntry[]): { file: string; dataDir: string } {
  const dataDir = path.join(root, `data-${++count}`);
  fs.mkdirSync(dataDir);
  const file = path.join(dataDir, 'in.tar.gz');
  fs.writeFileSync(file, tarGz([...good.slice(0, 5), ...evil, ...good.slice(5)]));
  return { file, dataDir };
}

/** A GNU long-name ('L') header holding `name` (NUL-terminated), padded to `bytes`. */
function longName(name: string, bytes = name.length + 1): TarEntry {
  const data = Buffer.alloc(bytes, 'a');
  data.write(`${name}\0`);
  return { name: '././@LongLink', type: 'NextFileHasLongPath', data };
}

describe('extractCIFAR10Archive refuses, in one line, a member that is', () => {
  const refused: Array<[string, TarEntry[], string]> = [
    [
      'a hard link to another member',
      [{ name: 'cifar-10-batches-bin/copy.bin', type: 'Link', linkname: BATCH }],
      `member "cifar-10-batches-bin/copy.bin" is a hard link (to "${BATCH}"); only regular files and folders are extracted`,
    ],
    [
      'a hard link to an outside path',
      [{ name: 'cifar-10-batches-bin/passwd', type: 'Link', linkname: '/etc/passwd' }],
      'member "cifar-10-batches-bin/passwd" is a hard link (to "/etc/passwd")',
    ],
    [
      'a hard link without a target',
      [{ name: 'cifar-10-batches-bin/readme.html', type: 'Link' }],
      'member "cifar-10-batches-bin/readme.html" is a hard link without a target; only regular files and folders are extracted',
    ],
    [
      'a symbolic link without a target',
      [{ name: 'cifar-10-batches-bin/x', type: 'SymbolicLink' }],
      'member "cifar-10-batches-bin/x" is a symbolic link without a target',
    ],
    [
      'a symbolic link',
      [{ name: 'cifar-10-batches-bin/up', type: 'SymbolicLink', linkname: '..' }],
      'member "cifar-10-batches-bin/up" is a symbolic link (to "..")',
    ],
    [
      'a character device',
      [{ name: 'cifar-10-batches-bin/tty', type: 'CharacterDevice' }],
      'member "cifar-10-batches-bin/tty" is a character device',
    ],
    [
      'a block device',
      [{ name: 'cifar-10-batches-bin/sda', type: 'BlockDevice' }],
      'member "cifar-10-batches-bin/sda" is a block device',
    ],
    [
      'a FIFO',
      [{ name: 'cifar-10-batches-bin/pipe', type: 'FIFO' }],
      'member "cifar-10-batches-bin/pipe" is a FIFO',
    ],
    [
      "a GNU sparse file (type 'S')",
      [{ name: BATCH, type: 'SparseFile', data: Buffer.alloc(1024) }],
      `member "${BATCH}" is a GNU sparse file; only regular files and folders are extracted`,
    ],
    [
      'a GNU sparse file in pax format 1.0',
      [
        {
          name: 'cifar-10-batches-bin/GNUSparseFile.4242/data_batch_1.bin',
          data: Buffer.alloc(512),
        },
      ],
      'member "cifar-10-batches-bin/GNUSparseFile.4242/data_batch_1.bin" is a GNU sparse file',
    ],
    [
      'an absolute path',
      [{ name: '/tmp/cifar-archive-abs', data: Buffer.from('x') }],
      'member "/tmp/cifar-archive-abs" has an absolute path',
    ],
    [
      'a ".." path',
      [{ name: 'cifar-10-batches-bin/../../x', data: Buffer.from('x') }],
      'member "cifar-10-batches-bin/../../x" has a ".." component',
    ],
    [
      'after a GNU long-name header of 2 MiB (node-tar drops it)',
      [longName('evil/name', 2 * 1024 * 1024), { name: BATCH, data: Buffer.alloc(512) }],
      `is preceded by a GNU long-name header of ${2 * 1024 * 1024} bytes, more than the ${CIFAR10_MAX_HEADER_BYTES} allowed`,
    ],
    [
      'after a GNU long-name header just over the bound',
      [longName('evil/name', CIFAR10_MAX_HEADER_BYTES + 1), { name: BATCH, data: Buffer.alloc(0) }],
      `is preceded by a GNU long-name header of ${CIFAR10_MAX_HEADER_BYTES + 1} bytes`,
    ],
    [
      'after a GNU long-link header over the bound',
      [
        {
          name: '././@LongLink',
          type: 'NextFileHasLongLinkpath',
          data: Buffer.alloc(CIFAR10_MAX_HEADER_BYTES + 1, 'b'),
        },
        { name: 'cifar-10-batches-bin/l', type: 'SymbolicLink', linkname: 'short' },
      ],
      `is preceded by a GNU long-link header of ${CIFAR10_MAX_HEADER_BYTES + 1} bytes`,
    ],
  ];
  for (const [what, evil, message] of refused) {
    it(what, async () => {
      const { file, dataDir } = archiveWith(evil);
      let err: Error | null = null;
      try {
        await extractCIFAR10Archive(file, dataDir);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).toContain(`extractCIFAR10Archive: archive ${file}: `);
      expect(err?.message).toContain(message);
      expect(err?.message).not.toContain('\n');
      expect(err?.message).not.toMatch(/TAR_/);
      // Nothing extracted, no temp folder; nothing written outside.
      expect(fs.readdirSync(dataDir)).toEqual(['in.tar.gz']);
      expect(fs.existsSync('/tmp/cifar-archive-abs')).toBe(false);
      expect(fs.existsSync(path.join(root, 'x'))).toBe(false);
    });
  }
});

describe('extractCIFAR10Archive still takes', () => {
  it('a short GNU long-name header naming an expected file (as GNU tar writes long names)', async () => {
    const data = good.find((e) => e.name === BATCH)?.data as Buffer;
    const dataDir = path.join(root, `data-${++count}`);
    fs.mkdirSync(dataDir);
    const file = path.join(dataDir, 'in.tar.gz');
    const entries = good.map((e) =>
      e.name === BATCH ? [longName(BATCH), { name: 'truncated-name', data }] : [e],
    );
    fs.writeFileSync(file, tarGz(entries.flat()));
    const dir = await extractCIFAR10Archive(file, dataDir);
    expect(fs.readdirSync(dir).sort()).toEqual([...ARCHIVE_FILES].sort());
    expect(fs.readFileSync(path.join(dir, 'data_batch_1.bin')).equals(data)).toBe(true);
  });
});
