/**
 * fast-check arbitraries and comparisons shared by the property tests of lib/layers/,
 * lib/layerUtils.ts and lib/classifiers/fcNet.ts.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { type Tensor, tensor } from '../../lib/core/tensor';

/**
 * A tensor of the given shape with values k / 997 in [-maxAbs, maxAbs]: exact multiples of a
 * fixed step, so no subnormal noise and no two runs that differ only by rounding.
 */
export function tensorArb(shape: number[], maxAbs = 2): fc.Arbitrary<Tensor> {
  const size = shape.reduce((a, b) => a * b, 1);
  const bound = 997 * maxAbs;
  return fc
    .array(fc.integer({ min: -bound, max: bound }), { minLength: size, maxLength: size })
    .map((v) =>
      tensor(
        shape,
        Float64Array.from(v, (k) => k / 997),
      ),
    );
}

/**
 * `actual` and `expected` agree elementwise as numpy's allclose says:
 * |actual - expected| <= atol + rtol * |expected|. Throws naming the first element that does not.
 */
export function expectAllClose(actual: Tensor, expected: Tensor, rtol: number, atol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i];
    const e = expected.data[i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`element ${i}: ${a} vs expected ${e}`);
    }
  }
}

/** An affine layer's inputs on random shapes: x (N, d1..dk), w (D, M), b (M,), dout (N, M). */
export const affineCaseArb = fc
  .record({
    n: fc.integer({ min: 1, max: 4 }),
    inner: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
    m: fc.integer({ min: 1, max: 5 }),
  })
  .chain(({ n, inner, m }) => {
    const d = inner.reduce((a, b) => a * b, 1);
    return fc.record({
      x: tensorArb([n, ...inner]),
      w: tensorArb([d, m]),
      b: tensorArb([m]),
      dout: tensorArb([n, m]),
    });
  });

/**
 * A sliding window (convolution or pooling geometry) whose stride tiles the padded input: N
 * images of C channels, an HH x WW field of at most `maxField`, stride 1..3, pad 0..3, and
 * H = stride (H' - 1) + HH - 2 pad (likewise W) for H', W' of 1..5; `seed` fills the tensors.
 */
export function tilingWindowCase(maxField: number) {
  return fc
    .record({
      n: fc.integer({ min: 1, max: 3 }),
      c: fc.integer({ min: 1, max: 3 }),
      hh: fc.integer({ min: 1, max: maxField }),
      ww: fc.integer({ min: 1, max: maxField }),
      stride: fc.integer({ min: 1, max: 3 }),
      pad: fc.integer({ min: 0, max: 3 }),
      outH: fc.integer({ min: 1, max: 5 }),
      outW: fc.integer({ min: 1, max: 5 }),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    })
    .map((k) => ({
      ...k,
      h: k.stride * (k.outH - 1) + k.hh - 2 * k.pad,
      w: k.stride * (k.outW - 1) + k.ww - 2 * k.pad,
    }))
    .filter((k) => k.h >= 1 && k.w >= 1);
}
