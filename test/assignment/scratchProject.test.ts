/**
 * Unpacking a submission (tools/assignment/scratchProject.ts): only regular files are taken, from
 * a zip or a folder; inflating stops at the size limit whatever the zip's headers claim.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inflateZip,
  SubmissionRefused,
  submissionFile,
} from '../../tools/assignment/scratchProject';

const MiB = 1024 * 1024;
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'scratch-test-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Sets every uncompressed-size field (local headers and central directory) of a zip to `n`. */
function claimSize(zip: Uint8Array, n: number): Uint8Array {
  const out = Buffer.from(zip);
  for (let i = 0; i + 4 <= out.length; i++) {
    const sig = out.readUInt32LE(i);
    if (sig === 0x04034b50) out.writeUInt32LE(n, i + 22);
    if (sig === 0x02014b50) out.writeUInt32LE(n, i + 24);
  }
  return out;
}

describe('inflateZip', () => {
  it('takes every entry of an honest zip', () => {
    const zip = zipSync({ 'a/b.txt': Buffer.from('hello'), 'c.txt': new Uint8Array(1000) });
    const files = inflateZip(zip, MiB, 'x.zip');
    expect(Buffer.from(files.get('a/b.txt') as Uint8Array).toString()).toBe('hello');
    expect((files.get('c.txt') as Uint8Array).length).toBe(1000);
  });

  it('stops at the limit on the bytes inflated, whatever the headers claim', () => {
    const bomb = claimSize(zipSync({ 'zeros.bin': new Uint8Array(40 * MiB) }, { level: 9 }), 10);
    expect(bomb.length).toBeLessThan(MiB);
    let err: unknown;
    try {
      inflateZip(bomb, 4 * MiB, 'bomb.zip');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SubmissionRefused);
    expect((err as Error).message).toBe(
      'bomb.zip unpacks to more than 4.0 MiB: not graded (submit lib/ and the notebooks only)',
    );
    // Under the limit, the same entry inflates whole (the headers' lie does not matter).
    expect((inflateZip(bomb, 41 * MiB, 'bomb.zip').get('zeros.bin') as Uint8Array).length).toBe(
      40 * MiB,
    );
  });
});

describe('submissionFile', () => {
  it('reads regular files only: no link, folder, FIFO or file past a link', () => {
    const root = path.join(work, 'sub');
    fs.mkdirSync(path.join(root, 'lib', 'classifiers'), { recursive: true });
    fs.writeFileSync(path.join(root, 'lib', 'layers.ts'), 'export const x = 1;');
    fs.symlinkSync('/etc/hostname', path.join(root, 'lib', 'optim.ts'));
    fs.symlinkSync(path.resolve(__dirname, '..', '..', 'lib'), path.join(root, 'linked'));
    fs.mkdirSync(path.join(root, 'lib', 'solver.ts'));
    const { status } = require('node:child_process').spawnSync('mkfifo', [
      path.join(root, 'lib', 'fifo.ts'),
    ]);
    expect(status).toBe(0);
    expect(submissionFile(root, 'lib/layers.ts', MiB)?.toString()).toBe('export const x = 1;');
    expect(submissionFile(root, 'lib/optim.ts', MiB)).toBeNull();
    expect(submissionFile(root, 'linked/layers.ts', MiB)).toBeNull();
    expect(submissionFile(root, 'lib/solver.ts', MiB)).toBeNull();
    expect(submissionFile(root, 'lib/fifo.ts', MiB)).toBeNull();
    expect(submissionFile(root, 'lib/missing.ts', MiB)).toBeNull();
    expect(submissionFile(root, 'lib/layers.ts', 5)).toBeNull();
  });
});
