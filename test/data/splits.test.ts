/**
 * Raw channels-last CIFAR-10 images (on the synthetic batch files of test/helpers/cifarFixture),
 * row slices and flattening sharing memory, the mean image and the bias trick.
 */
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tensor } from '../../lib/core/tensor';
import {
  appendBiasColumn,
  flattenRows,
  loadCIFAR10Images,
  meanRows,
  sliceLabels,
  sliceRows,
  subtractRowInPlace,
} from '../../lib/data/splits';
import {
  fixtureLabel,
  fixturePixel,
  makeTempDir,
  writeCIFAR10Fixture,
} from '../helpers/cifarFixture';

describe('loadCIFAR10Images', () => {
  let dir = '';
  beforeAll(() => {
    dir = makeTempDir('cifar-images-');
    writeCIFAR10Fixture(dir);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives (N, 32, 32, 3) images whose [n, i, j, c] is byte c*1024 + i*32 + j of record n', () => {
    const d = loadCIFAR10Images({ numTraining: 10003, numTest: 4, dir });
    expect(d.X_train.shape).toEqual([10003, 32, 32, 3]);
    expect(d.X_test.shape).toEqual([4, 32, 32, 3]);
    for (const [n, i, j, c] of [
      [0, 0, 0, 0],
      [1, 5, 7, 2],
      [10002, 31, 31, 1],
      [9999, 3, 30, 0],
    ]) {
      const f = Math.floor(n / 10000);
      expect(d.X_train.get(n, i, j, c)).toBe(fixturePixel(f, n % 10000, c * 1024 + i * 32 + j));
    }
    expect(d.X_test.get(3, 2, 1, 2)).toBe(fixturePixel(5, 3, 2 * 1024 + 2 * 32 + 1));
    expect(d.y_train.get(10002)).toBe(fixtureLabel(1, 2));
    expect(d.y_test.get(3)).toBe(fixtureLabel(5, 3));
  });

  it('rejects counts out of range', () => {
    expect(() => loadCIFAR10Images({ numTraining: 50001, dir })).toThrow(
      'loadCIFAR10Images: numTraining must be an integer in [0, 50000], got 50001',
    );
    expect(() => loadCIFAR10Images({ numTest: -1, dir })).toThrow(
      /numTest must be an integer in \[0, 10000\]/,
    );
  });
});

describe('row helpers', () => {
  const X = tensor(
    [4, 2, 3],
    Float64Array.from({ length: 24 }, (_, i) => i),
  );
  it('sliceRows and flattenRows are views; sliceLabels copies', () => {
    const s = sliceRows(X, 1, 3);
    expect(s.shape).toEqual([2, 2, 3]);
    expect(s.get(0, 0, 0)).toBe(6);
    const f = flattenRows(s);
    expect(f.shape).toEqual([2, 6]);
    f.set(1, 5, -1);
    expect(X.get(2, 1, 2)).toBe(-1);
    expect(Array.from(sliceLabels([5, 6, 7, 8], 1, 3).data)).toEqual([6, 7]);
    expect(() => sliceRows(X, 3, 5)).toThrow(
      'sliceRows: rows 3 .. 5 are not a range inside the 4 rows of shape (4, 2, 3)',
    );
  });
  it('meanRows, subtractRowInPlace and appendBiasColumn', () => {
    const A = tensor([3, 2], Float64Array.of(1, 2, 3, 4, 8, 0));
    const m = meanRows(A);
    expect(Array.from(m.data)).toEqual([4, 2]);
    subtractRowInPlace(A, m);
    expect(Array.from(A.data)).toEqual([-3, 0, -1, 2, 4, -2]);
    const B = appendBiasColumn(A);
    expect(B.shape).toEqual([3, 3]);
    expect(Array.from(B.data)).toEqual([-3, 0, 1, -1, 2, 1, 4, -2, 1]);
    expect(() => subtractRowInPlace(A, tensor([3]))).toThrow(
      'subtractRowInPlace: row of shape (3,) does not match the 2 columns of x (shape (3, 2))',
    );
  });
});
