import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  affineBackward,
  affineForward,
  affineReluBackward,
  affineReluForward,
  evalNumericalGradient,
  evalNumericalGradientArray,
  reluBackward,
  reluForward,
  softmaxLoss,
  svmLoss,
  type Tensor,
  tensor,
} from '../../lib';

/** A tensor of the given shape with values k / 997 in [-2, 2] (no subnormal noise). */
function tensorArb(shape: number[]): fc.Arbitrary<Tensor> {
  const size = shape.reduce((a, b) => a * b, 1);
  return fc
    .array(fc.integer({ min: -1994, max: 1994 }), { minLength: size, maxLength: size })
    .map((v) =>
      tensor(
        shape,
        Float64Array.from(v, (k) => k / 997),
      ),
    );
}

/**
 * Analytic and numerical gradients agree elementwise as numpy's allclose does:
 * |analytic - numerical| <= atol + rtol * |numerical|.
 */
function expectClose(analytic: Tensor, numerical: Tensor, rtol = 1e-6, atol = 1e-8): void {
  expect(analytic.shape).toEqual(numerical.shape);
  for (let i = 0; i < analytic.data.length; i++) {
    const a = analytic.data[i];
    const n = numerical.data[i];
    if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
      throw new Error(`element ${i}: analytic ${a} vs numerical ${n}`);
    }
  }
}

const shapes = fc.record({
  n: fc.integer({ min: 1, max: 4 }),
  inner: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
  m: fc.integer({ min: 1, max: 5 }),
});

const affineCase = shapes.chain(({ n, inner, m }) => {
  const d = inner.reduce((a, b) => a * b, 1);
  return fc.record({
    x: tensorArb([n, ...inner]),
    w: tensorArb([d, m]),
    b: tensorArb([m]),
    dout: tensorArb([n, m]),
  });
});

/** Gradient checks over random shapes: the backward passes match centred differences. */
describe('backward passes match numerical gradients on random shapes', () => {
  it('affineBackward', () => {
    fc.assert(
      fc.property(affineCase, ({ x, w, b, dout }) => {
        const [, cache] = affineForward(x, w, b);
        const [dx, dw, db] = affineBackward(dout, cache);
        expect(dx.shape).toEqual(x.shape);
        const f = () => affineForward(x, w, b)[0];
        expectClose(dx, evalNumericalGradientArray(f, x, dout));
        expectClose(dw, evalNumericalGradientArray(f, w, dout));
        expectClose(db, evalNumericalGradientArray(f, b, dout));
      }),
      { numRuns: 60 },
    );
  });

  it('affineReluBackward (pre-activations away from the kink)', () => {
    fc.assert(
      fc.property(affineCase, ({ x, w, b, dout }) => {
        const pre = affineForward(x, w, b)[0].data;
        fc.pre(pre.every((v) => Math.abs(v) > 1e-3));
        const [, cache] = affineReluForward(x, w, b);
        const [dx, dw, db] = affineReluBackward(dout, cache);
        const f = () => affineReluForward(x, w, b)[0];
        expectClose(dx, evalNumericalGradientArray(f, x, dout));
        expectClose(dw, evalNumericalGradientArray(f, w, dout));
        expectClose(db, evalNumericalGradientArray(f, b, dout));
      }),
      { numRuns: 60 },
    );
  });

  it('reluBackward (inputs away from the kink)', () => {
    const relCase = fc
      .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
      .chain(([r, c]) => fc.record({ x: tensorArb([r, c]), dout: tensorArb([r, c]) }));
    fc.assert(
      fc.property(relCase, ({ x, dout }) => {
        fc.pre(x.data.every((v) => Math.abs(v) > 1e-3));
        const [, cache] = reluForward(x);
        const dx = reluBackward(dout, cache);
        const num = evalNumericalGradientArray((v) => reluForward(v)[0], x, dout);
        expectClose(dx, num);
      }),
      { numRuns: 60 },
    );
  });

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
        expectClose(dx, num);
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
        expectClose(dx, num);
      }),
      { numRuns: 60 },
    );
  });
});
