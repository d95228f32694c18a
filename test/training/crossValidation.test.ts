/** Cross-validation folds (lib/training/crossValidation.ts): np.array_split's sizes, the folds. */
import { describe, expect, it } from 'vitest';
import { tensor } from '../../lib/core/tensor';
import { arraySplit, foldSplit, meanStd } from '../../lib/training/crossValidation';
import { fixture } from '../helpers/linearFixture';

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
