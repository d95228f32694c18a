/** The losses (lib/layers/losses.ts): values worked by hand, gradients on random scores. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evalNumericalGradient, softmaxLoss, svmLoss, tensor } from '../../lib';
import { expectAllClose, tensorArb } from '../helpers/arbitraries';

describe('svmLoss', () => {
  it('sums the positive margins of each row and averages over N; dx counts them', () => {
    // Row 0, label 0: margins 2 - 1 + 1 = 2 and 3 - 1 + 1 = 3. Row 1, label 0: all margins < 0.
    const x = tensor([2, 3], new Float64Array([1, 2, 3, 3, 0, 0]));
    const [loss, dx] = svmLoss(x, [0, 0]);
    expect(loss).toBe(2.5);
    // (+ 0 turns -0, the negated zero count of a row without positive margins, into 0.)
    expect(Array.from(dx.data, (v) => v + 0)).toEqual([-1, 0.5, 0.5, 0, 0, 0]);
  });

  it('counts a margin of exactly 0 as no loss', () => {
    const [loss, dx] = svmLoss(tensor([1, 2], new Float64Array([2, 1])), [0]);
    expect(loss).toBe(0);
    expect(Array.from(dx.data, (v) => v + 0)).toEqual([0, 0]);
  });
});

describe('softmaxLoss', () => {
  it('is log C for equal scores, with dx = (softmax - onehot) / N', () => {
    const [loss, dx] = softmaxLoss(tensor([2, 4]), [1, 3]);
    expect(loss).toBeCloseTo(Math.log(4), 14);
    const expected = [0.125, -0.375, 0.125, 0.125, 0.125, 0.125, 0.125, -0.375];
    expectAllClose(dx, tensor([2, 4], Float64Array.from(expected)), 0, 1e-15);
  });

  it('stays finite for large scores (shifted by the row max)', () => {
    const [loss, dx] = softmaxLoss(
      tensor([1, 2], new Float64Array([1000, 1000 + Math.log(3)])),
      [0],
    );
    // p = [1/4, 3/4]: loss = -log(1/4).
    expect(loss).toBeCloseTo(Math.log(4), 10);
    expect(dx.data[0]).toBeCloseTo(-0.75, 10);
    expect(dx.data[1]).toBeCloseTo(0.75, 10);
  });
});

describe('loss gradients match numerical gradients on random scores', () => {
  const lossCase = fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 6 }))
    .chain(([n, c]) =>
      fc.record({
        x: tensorArb([n, c]),
        y: fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }),
      }),
    );

  it('softmaxLoss', () => {
    fc.assert(
      fc.property(lossCase, ({ x, y }) => {
        const [, dx] = softmaxLoss(x, y);
        const num = evalNumericalGradient((v) => softmaxLoss(v, y)[0], x, false);
        expectAllClose(dx, num, 1e-6, 1e-8);
      }),
      { numRuns: 60 },
    );
  });

  it('svmLoss (margins away from the kink)', () => {
    fc.assert(
      fc.property(lossCase, ({ x, y }) => {
        const c = x.shape[1];
        for (let i = 0; i < x.shape[0]; i++) {
          for (let j = 0; j < c; j++) {
            if (j !== y[i]) fc.pre(Math.abs(x.get(i, j) - x.get(i, y[i]) + 1) > 1e-3);
          }
        }
        const [, dx] = svmLoss(x, y);
        const num = evalNumericalGradient((v) => svmLoss(v, y)[0], x, false);
        expectAllClose(dx, num, 1e-6, 1e-8);
      }),
      { numRuns: 60 },
    );
  });
});
