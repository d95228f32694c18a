/**
 * The conv sandwiches of lib/layerUtils.ts: each is its layers in sequence, and its backward pass
 * agrees with centred differences on the notebook's seeded inputs to the notebook's "around 1e-8"
 * (the pool sandwich's dx measures 1.7e-8 there, dw 7.7e-9; the bound here is 1e-7).
 */
import { describe, expect, it } from 'vitest';
import {
  convForwardFast,
  convForwardNaive,
  convReluBackward,
  convReluForward,
  convReluPoolBackward,
  convReluPoolForward,
  evalNumericalGradientArray,
  maxPoolForwardFast,
  maxPoolForwardNaive,
  random,
  relError,
  reluForward,
  type Tensor,
  tensor,
} from '../lib';

const convParam = { stride: 1, pad: 1 };
const poolParam = { poolHeight: 2, poolWidth: 2, stride: 2 };

describe('conv sandwiches', () => {
  it('convReluForward is relu(conv(x)) on the fast layers; convReluPoolForward pools that', () => {
    random.seed(7);
    const x = random.randn(2, 3, 6, 6);
    const w = random.randn(4, 3, 3, 3);
    const b = random.randn(4);
    const relu = reluForward(convForwardFast(x, w, b, convParam)[0])[0];
    const [out] = convReluForward(x, w, b, convParam);
    expect(Array.from(out.data)).toEqual(Array.from(relu.data));
    const [pooled] = convReluPoolForward(x, w, b, convParam, poolParam);
    expect(pooled.shape).toEqual([2, 4, 3, 3]);
    expect(Array.from(pooled.data)).toEqual(
      Array.from(maxPoolForwardFast(relu, poolParam)[0].data),
    );
    // The same as the naive layers up to the rounding of the products' sums.
    const naive = reluForward(convForwardNaive(x, w, b, convParam)[0])[0];
    expect(relError(out, naive)).toBeLessThan(1e-12);
    expect(relError(pooled, maxPoolForwardNaive(naive, poolParam)[0])).toBeLessThan(1e-12);
  });

  it("convReluPoolBackward agrees with centred differences (the notebook's seed-231 check)", () => {
    random.seed(231);
    const x = random.randn(2, 3, 16, 16);
    const w = random.randn(3, 3, 3, 3);
    const b = random.randn(3);
    const dout = random.randn(2, 3, 8, 8);
    const [, cache] = convReluPoolForward(x, w, b, convParam, poolParam);
    const [dx, dw, db] = convReluPoolBackward(dout, cache);
    const f = (xx: Tensor, ww: Tensor, bb: Tensor) =>
      convReluPoolForward(xx, ww, bb, convParam, poolParam)[0];
    expect(
      relError(
        dx,
        evalNumericalGradientArray((v) => f(v, w, b), x, dout),
      ),
    ).toBeLessThan(1e-7);
    expect(
      relError(
        dw,
        evalNumericalGradientArray((v) => f(x, v, b), w, dout),
      ),
    ).toBeLessThan(1e-7);
    expect(
      relError(
        db,
        evalNumericalGradientArray((v) => f(x, w, v), b, dout),
      ),
    ).toBeLessThan(1e-7);
  });

  it("convReluBackward agrees with centred differences (the notebook's seed-231 check)", () => {
    random.seed(231);
    const x = random.randn(2, 3, 8, 8);
    const w = random.randn(3, 3, 3, 3);
    const b = random.randn(3);
    const dout = random.randn(2, 3, 8, 8);
    const [, cache] = convReluForward(x, w, b, convParam);
    const [dx, dw, db] = convReluBackward(dout, cache);
    const f = (xx: Tensor, ww: Tensor, bb: Tensor) => convReluForward(xx, ww, bb, convParam)[0];
    expect(
      relError(
        dx,
        evalNumericalGradientArray((v) => f(v, w, b), x, dout),
      ),
    ).toBeLessThan(1e-7);
    expect(
      relError(
        dw,
        evalNumericalGradientArray((v) => f(x, v, b), w, dout),
      ),
    ).toBeLessThan(1e-7);
    expect(
      relError(
        db,
        evalNumericalGradientArray((v) => f(x, w, v), b, dout),
      ),
    ).toBeLessThan(1e-7);
  });

  it('backward passes reject a cache of the wrong length, naming the sandwich', () => {
    const dout = tensor([1, 1, 2, 2]);
    expect(() => convReluBackward(dout, [] as never)).toThrow(/convReluBackward: cache must be/);
    expect(() => convReluPoolBackward(dout, [1, 2] as never)).toThrow(
      /convReluPoolBackward: cache must be/,
    );
  });
});
