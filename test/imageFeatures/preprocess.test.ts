/** The features notebook's preprocessing helpers (lib/imageFeatures/preprocess.ts). */
import { describe, expect, it } from 'vitest';
import { tensor } from '../../lib/core/tensor';
import {
  appendOnesColumn,
  columnMeanStd,
  dropLastColumn,
  standardize,
} from '../../lib/imageFeatures/preprocess';

describe('preprocessing helpers', () => {
  const X = tensor([3, 2], Float64Array.from([1, 5, 2, 5, 6, 5]));

  it('columnMeanStd / standardize as numpy (population std); constant columns stay 0', () => {
    const { mean, std } = columnMeanStd(X);
    expect(Array.from(mean.data)).toEqual([3, 5]);
    expect(std.get(0, 0)).toBeCloseTo(Math.sqrt(14 / 3), 14);
    const Z = standardize(X, mean, std);
    expect(Z.get(0, 0)).toBeCloseTo(-2 / Math.sqrt(14 / 3), 14);
    expect([Z.get(0, 1), Z.get(1, 1), Z.get(2, 1)]).toEqual([0, 0, 0]);
    expect(() => standardize(X, tensor([1, 3]), std)).toThrow(/standardize: X has 2 columns/);
  });

  it('appendOnesColumn and dropLastColumn undo each other', () => {
    const B = appendOnesColumn(X);
    expect(B.shape).toEqual([3, 3]);
    expect([B.get(0, 2), B.get(2, 2), B.get(1, 0)]).toEqual([1, 1, 2]);
    expect(Array.from(dropLastColumn(B).data)).toEqual(Array.from(X.data));
  });
});
