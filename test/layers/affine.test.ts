/** The affine layer (lib/layers/affine.ts): values on a worked example, gradients on random shapes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  affineBackward,
  affineForward,
  evalNumericalGradientArray,
  type Tensor,
  tensor,
} from '../../lib';
import { affineCaseArb, expectAllClose } from '../helpers/arbitraries';

const rows = (t: Tensor): number[][] => {
  const [n, m] = t.shape;
  return Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => t.get(i, j)));
};

describe('affineForward / affineBackward on a worked example', () => {
  // x (2, 1, 2) flattens to [[1, 2], [3, 4]]; w (2, 3); b (3,).
  const x = tensor([2, 1, 2], new Float64Array([1, 2, 3, 4]));
  const w = tensor([2, 3], new Float64Array([1, 0, 2, 0, 1, -1]));
  const b = tensor([3], new Float64Array([0.5, -1, 0]));

  it('out = x.reshape(N, D) @ w + b', () => {
    const [out, cache] = affineForward(x, w, b);
    // Row 1: [1, 2, 2 - 2] + b; row 2: [3, 4, 6 - 4] + b.
    expect(rows(out)).toEqual([
      [1.5, 1, 0],
      [3.5, 3, 2],
    ]);
    expect(cache[0]).toBe(x);
  });

  it('dx = dout @ w.T in the shape of x, dw = x.T @ dout, db = sum of dout over N', () => {
    const [, cache] = affineForward(x, w, b);
    const dout = tensor([2, 3], new Float64Array([1, 0, 0, 0, 1, 0]));
    const [dx, dw, db] = affineBackward(dout, cache);
    // Each row of dout picks one column of w.
    expect(dx.shape).toEqual([2, 1, 2]);
    expect(Array.from(dx.data)).toEqual([1, 0, 0, 1]);
    expect(rows(dw)).toEqual([
      [1, 3, 0],
      [2, 4, 0],
    ]);
    expect(Array.from(db.data)).toEqual([1, 1, 0]);
  });

  it('inputGradient: false skips dx and keeps dw and db', () => {
    const [, cache] = affineForward(x, w, b);
    const dout = tensor([2, 3], new Float64Array([0.5, -1, 2, 3, 0, 1]));
    const [dx, dw, db] = affineBackward(dout, cache, { inputGradient: false });
    const [, dwAll, dbAll] = affineBackward(dout, cache);
    expect(dx).toBeNull();
    expect(Array.from(dw.data)).toEqual(Array.from(dwAll.data));
    expect(Array.from(db.data)).toEqual([3.5, -1, 3]);
    expect(Array.from(db.data)).toEqual(Array.from(dbAll.data));
  });
});

describe('affineBackward matches numerical gradients on random shapes', () => {
  it('affineBackward', () => {
    fc.assert(
      fc.property(affineCaseArb, ({ x, w, b, dout }) => {
        const [, cache] = affineForward(x, w, b);
        const [dx, dw, db] = affineBackward(dout, cache);
        expect(dx.shape).toEqual(x.shape);
        const f = () => affineForward(x, w, b)[0];
        expectAllClose(dx, evalNumericalGradientArray(f, x, dout), 1e-6, 1e-8);
        expectAllClose(dw, evalNumericalGradientArray(f, w, dout), 1e-6, 1e-8);
        expectAllClose(db, evalNumericalGradientArray(f, b, dout), 1e-6, 1e-8);
      }),
      { numRuns: 60 },
    );
  });
});
