/** The ReLU layer (lib/layers/relu.ts): values, NaN, and gradients on random inputs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evalNumericalGradientArray, reluBackward, reluForward, tensor } from '../../lib';
import { expectAllClose, tensorArb } from '../helpers/arbitraries';

describe('reluForward / reluBackward', () => {
  it('max(0, x) elementwise, keeping the shape, and the input as the cache', () => {
    const x = tensor([2, 3], new Float64Array([-2, -0.5, 0, 0.25, 3, -1e-300]));
    const [out, cache] = reluForward(x);
    expect(out.shape).toEqual([2, 3]);
    expect(Array.from(out.data)).toEqual([0, 0, 0, 0.25, 3, 0]);
    expect(cache).toBe(x);
  });

  it('lets NaN through (a diverging run still reports its loss)', () => {
    const [out] = reluForward(tensor([3], new Float64Array([Number.NaN, -1, 2])));
    expect(Number.isNaN(out.data[0])).toBe(true);
    expect(Array.from(out.data.slice(1))).toEqual([0, 2]);
  });

  it('passes dout where x > 0 and 0 elsewhere (x = 0 included)', () => {
    const x = tensor([4], new Float64Array([-1, 0, 2, 5]));
    const dout = tensor([4], new Float64Array([1, 2, 3, -4]));
    expect(Array.from(reluBackward(dout, x).data)).toEqual([0, 0, 3, -4]);
  });
});

describe('reluBackward matches numerical gradients on random inputs', () => {
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
        expectAllClose(dx, num, 1e-6, 1e-8);
      }),
      { numRuns: 60 },
    );
  });
});
