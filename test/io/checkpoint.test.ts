import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linspace, reshape, type Tensor } from '../../lib';
import { loadCheckpoint, saveCheckpoint, writeFileAtomic } from '../../lib/io/checkpoint';

const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkpoints', () => {
  it('round-trip tensors (also strided views), numbers with NaN/Infinity, nested objects', () => {
    const w = reshape(linspace(-1, 1, 12), [3, 4]);
    const path = join(dir, 'a.json');
    saveCheckpoint(path, {
      w,
      wT: w.transpose(1, 0) as Tensor,
      losses: [1.5, Number.NaN, Number.POSITIVE_INFINITY],
      nested: { t: 5, name: 'adam', none: null },
    });
    const back = loadCheckpoint(path) as Record<string, unknown>;
    const bw = back.w as Tensor;
    expect(bw.shape).toEqual([3, 4]);
    expect(Array.from(bw.data)).toEqual(Array.from(w.data));
    const bt = back.wT as Tensor;
    expect(bt.shape).toEqual([4, 3]);
    expect(bt.get(3, 2)).toBe(w.get(2, 3));
    expect(back.losses).toEqual([1.5, Number.NaN, Number.POSITIVE_INFINITY]);
    expect(back.nested).toEqual({ t: 5, name: 'adam', none: null });
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('a failed write names the path and leaves no temp file behind', () => {
    const path = join(dir, 'missing-folder', 'b.json');
    expect(() => writeFileAtomic(path, '{}')).toThrow(
      /writeFileAtomic: cannot write .*missing-folder\/b\.json/,
    );
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('reading something that is not a checkpoint names the file', () => {
    const path = join(dir, 'c.json');
    writeFileSync(path, 'not json');
    expect(() => loadCheckpoint(path)).toThrow(
      /loadCheckpoint: .*c\.json is not a checkpoint \(not valid JSON\)/,
    );
    writeFileSync(path, '[1, 2]');
    expect(() => loadCheckpoint(path)).toThrow(
      /loadCheckpoint: .*c\.json is not a checkpoint \(expected a JSON object\)/,
    );
  });
});
