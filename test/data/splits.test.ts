/**
 * Raw channels-last CIFAR-10 images (on the synthetic batch files of test/helpers/cifarFixture),
 * row slices and flattening sharing memory, the mean image, the bias trick, the cross-validation
 * folds (np.array_split sizes from test/fixtures/linear) and the notebook image builders.
 */
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomState } from '../../lib/core/random';
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
  classSamplesGrid,
  classTemplatesGrid,
  distanceMatrixImage,
  sampleClassIndices,
} from '../../lib/notebook/classifierImages';
import { arraySplit, foldSplit, meanStd } from '../../lib/training/crossValidation';
import {
  fixtureLabel,
  fixturePixel,
  makeTempDir,
  writeCIFAR10Fixture,
} from '../helpers/cifarFixture';
import { fixture } from '../helpers/linearFixture';

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

describe('cross-validation folds', () => {
  it.each(fixture.array_split.map((c) => [c.n, c.folds, c] as const))(
    'n %i in %i folds: np.array_split sizes',
    (n, k, c) => {
      const X = tensor(
        [n, 1],
        Float64Array.from({ length: n }, (_, i) => i),
      );
      const folds = arraySplit(
        X,
        Int32Array.from({ length: n }, (_, i) => i % 10),
        k,
      );
      expect(folds.map((f) => f.X.shape[0])).toEqual(c.sizes);
    },
  );
  it('foldSplit concatenates the other folds in order', () => {
    const X = tensor(
      [7, 2],
      Float64Array.from({ length: 14 }, (_, i) => i),
    );
    const y = [0, 1, 2, 3, 4, 5, 6];
    const folds = arraySplit(X, y, 3); // sizes 3, 2, 2
    const { XTrain, yTrain, XVal, yVal } = foldSplit(folds, 1);
    expect(Array.from(yTrain.data)).toEqual([0, 1, 2, 5, 6]);
    expect(XTrain.get(3, 1)).toBe(11);
    expect(Array.from(yVal.data)).toEqual([3, 4]);
    expect(XVal.get(0, 0)).toBe(6);
    expect(() => arraySplit(X, y, 8)).toThrow(
      'arraySplit: numFolds must be an integer in [1, 7] (the rows of X), got 8',
    );
    expect(() => foldSplit(folds, 3)).toThrow(
      'foldSplit: holdOut must be a fold index in [0, 3), got 3',
    );
  });
  it('meanStd is np.mean and np.std', () => {
    const { mean, std } = meanStd([0.2, 0.3, 0.4, 0.3]);
    expect(mean).toBeCloseTo(0.3, 15);
    expect(std).toBeCloseTo(Math.sqrt(0.005), 15);
  });
});

describe('notebook image builders', () => {
  it('sampleClassIndices draws without replacement inside each class, like np.random.choice', () => {
    const y = Int32Array.from({ length: 40 }, (_, i) => i % 4);
    const picked = sampleClassIndices(y, 4, 3, new RandomState(0));
    expect(picked).toHaveLength(4);
    picked.forEach((idx, c) => {
      expect(new Set(idx).size).toBe(3);
      for (const i of idx) expect(y[i]).toBe(c);
    });
    // numpy: np.random.seed(0); np.random.choice(np.arange(0, 40, 4), 3, replace=False) -> [ 8 32 16]
    expect(Array.from(picked[0])).toEqual([8, 32, 16]);
    expect(() => sampleClassIndices(y, 5, 3)).toThrow(
      'sampleClassIndices: class 4 has 0 images, fewer than samplesPerClass = 3',
    );
  });
  it('classSamplesGrid puts image n of class c in column c', () => {
    const X = tensor(
      [2, 2, 2, 3],
      Float64Array.from({ length: 24 }, (_, i) => i * 10.7),
    );
    const g = classSamplesGrid(X, [Int32Array.of(1), Int32Array.of(0)], 1);
    expect([g.image.width, g.image.height]).toEqual([2 + 2 + 2, 2]);
    expect(Array.from(g.image.pixels.subarray(0, 3))).toEqual([128, 139, 149]); // trunc(12 * 10.7) ...
    expect(Array.from(g.image.pixels.subarray(6, 9))).toEqual([255, 255, 255]); // padding
    expect(Array.from(g.image.pixels.subarray(12, 15))).toEqual([0, 10, 21]);
  });
  it('classTemplatesGrid rescales all weights together and drops the bias row', () => {
    const W = tensor([3073, 2]);
    W.set(0, 0, -1); // pixel (0, 0) red of class 0: the minimum
    W.set(1, 1, 3); // pixel (0, 0) green of class 1: the maximum
    W.set(3072, 0, 100); // bias row: ignored
    const g = classTemplatesGrid(W, 5, 1);
    const px = g.image.pixels;
    expect(Array.from(px.subarray(0, 3))).toEqual([0, 63, 63]); // 255 * (0 + 1) / 4 = 63.75
    const second = (32 + g.padding) * 3;
    expect(Array.from(px.subarray(second, second + 3))).toEqual([63, 255, 63]);
    expect(() => classTemplatesGrid(tensor([100, 2]))).toThrow(/W must have 3072 rows/);
  });
  it('distanceMatrixImage scales to grey and averages blocks of wide matrices', () => {
    const d = tensor([1, 4], Float64Array.of(0, 2, 4, 8));
    expect(Array.from(distanceMatrixImage(d).pixels)).toEqual([0, 64, 128, 255]);
    const wide = distanceMatrixImage(d, 2);
    expect([wide.width, wide.height]).toEqual([2, 1]);
    expect(Array.from(wide.pixels)).toEqual([0, 255]);
  });
});
