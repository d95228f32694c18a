/**
 * lib/io/checkpointFiles.ts in a fresh temp folder: names, the writability checks, and that only
 * files of the checkpoint's own pattern are ever removed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkCheckpointName,
  checkpointFile,
  checkWritableFile,
  pruneCheckpoints,
  removeStaleCheckpointTemps,
} from '../../lib/io/checkpointFiles';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoint-files-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const touch = (name: string) => fs.writeFileSync(path.join(dir, name), '{}');
const listing = () => fs.readdirSync(dir).sort();

describe('checkpointFile', () => {
  it('appends _epoch_<E>.json', () => {
    expect(checkpointFile('runs/net', 3)).toBe('runs/net_epoch_3.json');
  });
});

describe('checkWritableFile', () => {
  it('passes in a writable folder and leaves no probe behind', () => {
    checkWritableFile('train', '--history', path.join(dir, 'history.json'));
    expect(listing()).toEqual([]);
  });

  it('names the missing folder, a folder given as the file, and an empty path', () => {
    const missing = path.join(dir, 'nope', 'h.json');
    expect(() => checkWritableFile('train', '--history', missing)).toThrow(
      `train: --history ${missing} cannot be written: the folder ${path.join(dir, 'nope')} does not exist`,
    );
    fs.mkdirSync(path.join(dir, 'sub'));
    expect(() => checkWritableFile('train', '--history', path.join(dir, 'sub'))).toThrow(
      /cannot be written: it is a folder/,
    );
    touch('plain');
    expect(() => checkWritableFile('train', '--out', path.join(dir, 'plain', 'x.json'))).toThrow(
      /cannot be written: .*plain is not a folder/,
    );
    expect(() => checkWritableFile('train', '--history', '')).toThrow(
      'train: --history must be a file path, got ""',
    );
  });
});

describe('checkCheckpointName', () => {
  it('accepts a prefix ending in a file name part', () => {
    expect(() => checkCheckpointName('Solver', path.join(dir, 'net'))).not.toThrow();
  });

  it('refuses names that would write _epoch_1.json', () => {
    for (const bad of ['', 'runs/', '..', 42]) {
      expect(() => checkCheckpointName('Solver', bad), String(bad)).toThrow(
        `Solver: checkpointName must be a path prefix ending in a file name part (e.g. 'runs/net'), got ${JSON.stringify(bad)}`,
      );
    }
    expect(() => checkCheckpointName('train', 'x/', '--checkpoint')).toThrow(
      /train: --checkpoint must/,
    );
  });
});

describe('removeStaleCheckpointTemps', () => {
  it("removes only the temp files of this name's checkpoints", () => {
    const keep = [
      'net_epoch_2.json',
      '.net_epoch_2.json.abc.tmp', // not 12 hex digits
      '.other_epoch_1.json.0123456789ab.tmp',
      '.net_epoch_x.json.0123456789ab.tmp',
    ];
    for (const f of [
      ...keep,
      '.net_epoch_1.json.0123456789ab.tmp',
      '.net_epoch_12.json.ffffffffffff.tmp',
    ])
      touch(f);
    const removed = removeStaleCheckpointTemps(path.join(dir, 'net'));
    expect(removed.map((f) => path.basename(f)).sort()).toEqual([
      '.net_epoch_1.json.0123456789ab.tmp',
      '.net_epoch_12.json.ffffffffffff.tmp',
    ]);
    expect(listing()).toEqual([...keep].sort());
  });
});

describe('pruneCheckpoints', () => {
  it('keeps the last `keep` epochs up to `epoch`, the best one, later epochs and other files', () => {
    for (let e = 1; e <= 6; e++) touch(`net_epoch_${e}.json`);
    touch('net2_epoch_1.json');
    touch('net_epoch_1.json.bak');
    const removed = pruneCheckpoints(path.join(dir, 'net'), 5, 2, 2);
    expect(removed.map((f) => path.basename(f))).toEqual(['net_epoch_3.json', 'net_epoch_1.json']);
    expect(listing()).toEqual([
      'net2_epoch_1.json',
      'net_epoch_1.json.bak',
      'net_epoch_2.json',
      'net_epoch_4.json',
      'net_epoch_5.json',
      'net_epoch_6.json',
    ]);
  });

  it('keeps everything with keep = Infinity', () => {
    for (let e = 1; e <= 3; e++) touch(`net_epoch_${e}.json`);
    expect(pruneCheckpoints(path.join(dir, 'net'), 3, Number.POSITIVE_INFINITY, null)).toEqual([]);
    expect(listing()).toHaveLength(3);
  });
});
