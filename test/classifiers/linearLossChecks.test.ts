/** lib/classifiers/linearLossChecks.ts: the shared checks of svmLossNaive/softmaxLossNaive and kin. */
import { describe, expect, it } from 'vitest';
import { checkLinearLossArgs, sumOfSquares } from '../../lib/classifiers/linearLossChecks';
import { tensor } from '../../lib/core/tensor';

const W = tensor([3, 2], Float64Array.of(1, 2, 3, 4, 5, 6)); // D 3, C 2
const X = tensor([2, 3], Float64Array.of(1, 0, 0, 0, 1, 0)); // N 2

describe('checkLinearLossArgs', () => {
  it('returns the operands packed, with the sizes and the labels as Int32Array', () => {
    const ops = checkLinearLossArgs('svmLossNaive', W, X, [1, 0], 0.5);
    expect([ops.N, ops.D, ops.C]).toEqual([2, 3, 2]);
    expect(ops.w).toBe(W.data);
    expect(Array.from(ops.y)).toEqual([1, 0]);
    expect(ops.y).toBeInstanceOf(Int32Array);
  });

  it('packs a transposed X in row-major order', () => {
    const Xt = tensor([3, 2], Float64Array.of(1, 0, 0, 1, 0, 0)).transpose(1, 0);
    const ops = checkLinearLossArgs('softmaxLossNaive', W, Xt, [0, 1], 0);
    expect(Array.from(ops.x)).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it('names the function, the argument and the shapes it refuses', () => {
    expect(() => checkLinearLossArgs('svmLossNaive', W, tensor([2, 4]), [0, 1], 0)).toThrow(
      'svmLossNaive: X with 4 features (shape (2, 4)) does not match W with 3 rows (shape (3, 2))',
    );
    expect(() => checkLinearLossArgs('f', tensor([3, 0]), X, [0, 1], 0)).toThrow(
      'f: W must have at least one class column, got shape (3, 0)',
    );
    expect(() => checkLinearLossArgs('f', W, tensor([0, 3]), [], 0)).toThrow(
      'f: X must hold at least one example, got shape (0, 3)',
    );
    expect(() => checkLinearLossArgs('f', W, X, [0, 1], Number.NaN)).toThrow(
      'f: reg must be a finite number, got NaN',
    );
    expect(() => checkLinearLossArgs('f', W, X, [0, 2], 0)).toThrow(
      'f: y[1] = 2 is not an integer class label in [0, 2)',
    );
    expect(() => checkLinearLossArgs('f', W, X, [0], 0)).toThrow(/f: y has shape \(1,\)/);
    const nan = tensor([2, 3], Float64Array.of(0, 0, 0, 0, Number.NaN, 0));
    expect(() => checkLinearLossArgs('f', W, nan, [0, 1], 0)).toThrow(
      'f: X with shape (2, 3) holds NaN (first at flat index 4)',
    );
  });
});

describe('sumOfSquares', () => {
  it('is the sum of W * W', () => {
    expect(sumOfSquares(Float64Array.of(1, -2, 3))).toBe(14);
    expect(sumOfSquares(new Float64Array(0))).toBe(0);
  });
});
