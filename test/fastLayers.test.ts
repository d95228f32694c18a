/**
 * lib/fastLayers.ts against the plain-loop references of test/helpers/convReference.ts on every
 * compute backend that loads here: odd sizes, strides 1 to 3, padding 0 to 3, overlapping pools,
 * ties in pooling windows, and the argument checks.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { activeBackend, availableBackends, type BackendName, setBackend } from '../lib/backends';
import { tensor } from '../lib/core/tensor';
import {
  convBackwardFast,
  convForwardFast,
  maxPoolBackwardFast,
  maxPoolForwardFast,
} from '../lib/fastLayers';
import { tilingWindowCase } from './helpers/arbitraries';
import {
  convBackwardReference,
  convForwardReference,
  maxPoolBackwardReference,
  maxPoolReference,
  randomTensor,
  relativeError,
} from './helpers/convReference';

const initial = activeBackend().name;
afterAll(() => setBackend(initial));

/** A convolution of F = 1..4 filters whose stride tiles the padded input (fields up to 5 x 5). */
const convCase = fc
  .tuple(tilingWindowCase(5), fc.integer({ min: 1, max: 4 }))
  .map(([k, f]) => ({ ...k, f }));

/** A pooling whose stride tiles the input; overlapping when stride < pool size. */
const poolCase = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    c: fc.integer({ min: 1, max: 3 }),
    ph: fc.integer({ min: 1, max: 4 }),
    pw: fc.integer({ min: 1, max: 4 }),
    stride: fc.integer({ min: 1, max: 3 }),
    outH: fc.integer({ min: 1, max: 5 }),
    outW: fc.integer({ min: 1, max: 5 }),
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  })
  .map((k) => ({ ...k, h: k.stride * (k.outH - 1) + k.ph, w: k.stride * (k.outW - 1) + k.pw }));

const TOL = 1e-12;

describe.each(availableBackends())('on the %s backend', (backend: BackendName) => {
  it('convForwardFast and convBackwardFast equal the plain loops (odd sizes, stride 1-3, pad 0-3)', () => {
    setBackend(backend);
    fc.assert(
      fc.property(convCase, (k) => {
        const x = randomTensor([k.n, k.c, k.h, k.w], k.seed);
        const w = randomTensor([k.f, k.c, k.hh, k.ww], k.seed + 1);
        const b = randomTensor([k.f], k.seed + 2);
        const param = { stride: k.stride, pad: k.pad };
        const [out, cache] = convForwardFast(x, w, b, param);
        expect(out.shape).toEqual([k.n, k.f, k.outH, k.outW]);
        expect(relativeError(out, convForwardReference(x, w, b, k.stride, k.pad))).toBeLessThan(
          TOL,
        );
        const dout = randomTensor(out.shape, k.seed + 3);
        const [dx, dw, db] = convBackwardFast(dout, cache);
        const ref = convBackwardReference(dout, x, w, k.stride, k.pad);
        expect(relativeError(dx, ref.dx)).toBeLessThan(TOL);
        expect(relativeError(dw, ref.dw)).toBeLessThan(TOL);
        expect(relativeError(db, ref.db)).toBeLessThan(TOL);
      }),
      { numRuns: 60, seed: 25 },
    );
  });

  it('convolution at the timing cell image size (31 x 31, 3 x 3 filters, stride 2, pad 1) and the net size (32 x 32, 7 x 7, pad 3)', () => {
    setBackend(backend);
    for (const [xs, ws, stride, pad] of [
      [[4, 3, 31, 31], [25, 3, 3, 3], 2, 1],
      [[3, 3, 32, 32], [32, 3, 7, 7], 1, 3],
    ] as const) {
      const x = randomTensor([...xs], 11);
      const w = randomTensor([...ws], 12);
      const b = randomTensor([ws[0]], 13);
      const [out, cache] = convForwardFast(x, w, b, { stride, pad });
      expect(relativeError(out, convForwardReference(x, w, b, stride, pad))).toBeLessThan(TOL);
      const dout = randomTensor(out.shape, 14);
      const [dx, dw, db] = convBackwardFast(dout, cache);
      const ref = convBackwardReference(dout, x, w, stride, pad);
      expect(relativeError(dx, ref.dx)).toBeLessThan(TOL);
      expect(relativeError(dw, ref.dw)).toBeLessThan(TOL);
      expect(relativeError(db, ref.db)).toBeLessThan(TOL);
    }
  });

  it('the result does not depend on the layout of x and w (a transposed view gives the same)', () => {
    setBackend(backend);
    const x = randomTensor([3, 2, 5, 7], 5);
    const w = randomTensor([4, 2, 3, 3], 6);
    const b = randomTensor([4], 7);
    // the same x as a strided view: stored (N, C, W, H), viewed through a transpose
    const stored = tensor([3, 2, 7, 5]);
    const view = stored.transpose(0, 1, 3, 2);
    for (let i = 0; i < 3; i++)
      for (let c = 0; c < 2; c++)
        for (let h = 0; h < 5; h++)
          for (let v = 0; v < 7; v++) view.set(i, c, h, v, x.get(i, c, h, v));
    const [a] = convForwardFast(x, w, b, { stride: 1, pad: 1 });
    const [bv] = convForwardFast(view, w, b, { stride: 1, pad: 1 });
    expect(relativeError(bv, a)).toBe(0);
  });

  it('maxPoolForwardFast and maxPoolBackwardFast equal the plain loops (overlapping pools, stride 1-3)', () => {
    setBackend(backend);
    fc.assert(
      fc.property(poolCase, (k) => {
        const x = randomTensor([k.n, k.c, k.h, k.w], k.seed);
        const param = { poolHeight: k.ph, poolWidth: k.pw, stride: k.stride };
        const [out, cache] = maxPoolForwardFast(x, param);
        const ref = maxPoolReference(x, k.ph, k.pw, k.stride);
        expect(out.shape).toEqual([k.n, k.c, k.outH, k.outW]);
        expect(relativeError(out, ref.out)).toBe(0);
        const dout = randomTensor(out.shape, k.seed + 1);
        const dx = maxPoolBackwardFast(dout, cache);
        expect(relativeError(dx, maxPoolBackwardReference(dout, x.shape, ref.where))).toBe(0);
      }),
      { numRuns: 80, seed: 26 },
    );
  });
});

describe('max pooling, the 2 x 2 stride 2 path', () => {
  it('equals the plain loops, and routes the gradient to the first maximum on ties', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.boolean(),
        (n, c, oh, ow, seed, ties) => {
          const x = randomTensor([n, c, 2 * oh, 2 * ow], seed);
          // few distinct values: most windows hold a tie
          if (ties) for (let i = 0; i < x.data.length; i++) x.data[i] = Math.round(x.data[i]);
          const [out, cache] = maxPoolForwardFast(x, { poolHeight: 2, poolWidth: 2, stride: 2 });
          const ref = maxPoolReference(x, 2, 2, 2);
          expect(relativeError(out, ref.out)).toBe(0);
          const dout = randomTensor(out.shape, seed + 1);
          const dx = maxPoolBackwardFast(dout, cache);
          expect(relativeError(dx, maxPoolBackwardReference(dout, x.shape, ref.where))).toBe(0);
        },
      ),
      { numRuns: 60, seed: 27 },
    );
  });

  it('windows of NaN, infinities, signed zeros and ties: the first NaN, else the first maximum', () => {
    const specials = [Number.NaN, Infinity, -Infinity, 0, -0, 1, -1, 2];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: specials.length - 1 }), {
          minLength: 24,
          maxLength: 24,
        }),
        (picks) => {
          // (1, 1, 4, 6): six 2 x 2 windows
          const x = tensor(
            [1, 1, 4, 6],
            Float64Array.from(picks, (i) => specials[i]),
          );
          const [out, cache] = maxPoolForwardFast(x, { poolHeight: 2, poolWidth: 2, stride: 2 });
          const dout = tensor(
            [1, 1, 2, 3],
            Float64Array.from({ length: 6 }, (_, i) => i + 1),
          );
          const dx = maxPoolBackwardFast(dout, cache);
          for (let r = 0; r < 2; r++) {
            for (let s = 0; s < 3; s++) {
              const cells = [0, 1, 6, 7].map((d) => 12 * r + 2 * s + d);
              let at = cells.find((i) => Number.isNaN(x.data[i]));
              if (at === undefined) {
                at = cells[0];
                for (const i of cells) if (x.data[i] > x.data[at]) at = i;
              }
              expect(Object.is(out.data[3 * r + s], x.data[at])).toBe(true);
              for (const i of cells) expect(dx.data[i]).toBe(i === at ? 3 * r + s + 1 : 0);
            }
          }
        },
      ),
      { numRuns: 200, seed: 28 },
    );
  });

  it('the gradient sums to the sum of dout (each upstream value lands once)', () => {
    const x = randomTensor([2, 3, 8, 6], 3);
    const [out, cache] = maxPoolForwardFast(x, { poolHeight: 3, poolWidth: 2, stride: 1 });
    const dout = randomTensor(out.shape, 4);
    const dx = maxPoolBackwardFast(dout, cache);
    const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(dx.data)).toBeCloseTo(sum(dout.data), 12);
  });

  it('a NaN in a window comes out as that window maximum on both paths', () => {
    for (const param of [
      { poolHeight: 2, poolWidth: 2, stride: 2 },
      { poolHeight: 2, poolWidth: 2, stride: 1 },
    ]) {
      const x = randomTensor([1, 1, 4, 4], 8);
      x.data[5] = Number.NaN; // row 1, column 1: inside the first window of both
      const [out] = maxPoolForwardFast(x, param);
      expect(Number.isNaN(out.data[0])).toBe(true);
      const finite = Array.from(out.data).filter((v) => !Number.isNaN(v));
      expect(finite.length).toBe(param.stride === 2 ? 3 : 5);
    }
  });
});

describe('argument checks', () => {
  const x = randomTensor([2, 3, 8, 8], 1);
  const w = randomTensor([4, 3, 3, 3], 2);
  const b = randomTensor([4], 3);

  it('convForwardFast names the function, the argument and the shapes', () => {
    expect(() => convForwardFast(x, w, b, { stride: 2, pad: 0 })).toThrow(
      /convForwardFast: stride 2 does not tile x of shape \(2, 3, 8, 8\).*w of shape \(4, 3, 3, 3\)/,
    );
    expect(() =>
      convForwardFast(x, randomTensor([4, 2, 3, 3], 1), b, { stride: 1, pad: 1 }),
    ).toThrow(
      'convForwardFast: w of shape (4, 2, 3, 3) has 2 channels but x of shape (2, 3, 8, 8) has 3',
    );
    expect(() => convForwardFast(x, w, randomTensor([5], 1), { stride: 1, pad: 1 })).toThrow(
      'convForwardFast: b has shape (5,) but w of shape (4, 3, 3, 3) has 4 filters: expected (4,)',
    );
    expect(() =>
      convForwardFast(x, randomTensor([4, 3, 11, 3], 1), b, { stride: 1, pad: 1 }),
    ).toThrow(
      'convForwardFast: w of shape (4, 3, 11, 3) (11 x 3) is larger than x of shape (2, 3, 8, 8) padded by 1 to (10, 10)',
    );
    expect(() => convForwardFast(x, w, b, { stride: 0, pad: 1 })).toThrow(
      'convForwardFast: convParam.stride must be a positive integer, got 0',
    );
    expect(() => convForwardFast(x, w, b, { stride: 1, pad: -1 })).toThrow(
      'convForwardFast: convParam.pad must be a non-negative integer, got -1',
    );
    expect(() => convForwardFast(x, w, b, { stride: 1, pad: 1, padding: 1 } as never)).toThrow(
      /convForwardFast: unknown option 'padding' in convParam/,
    );
    expect(() => convForwardFast(randomTensor([3, 8, 8], 1), w, b, { stride: 1, pad: 1 })).toThrow(
      'convForwardFast: x must have 4 dimensions, got shape (3, 8, 8)',
    );
  });

  it('convBackwardFast checks dout against the forward output', () => {
    const [out, cache] = convForwardFast(x, w, b, { stride: 1, pad: 1 });
    expect(out.shape).toEqual([2, 4, 8, 8]);
    expect(() => convBackwardFast(randomTensor([2, 4, 8, 7], 1), cache)).toThrow(
      'convBackwardFast: dout has shape (2, 4, 8, 7) but the forward output had shape (2, 4, 8, 8)',
    );
    expect(() => convBackwardFast(out, [x, w] as never)).toThrow(
      'convBackwardFast: cache must be the 4-element cache returned by the forward pass',
    );
  });

  it('max pooling names the function, the argument and the shapes', () => {
    expect(() => maxPoolForwardFast(x, { poolHeight: 3, poolWidth: 3, stride: 2 })).toThrow(
      /maxPoolForwardFast: stride 2 does not tile x of shape \(2, 3, 8, 8\) with the pool \(3 x 3\)/,
    );
    expect(() => maxPoolForwardFast(x, { poolHeight: 9, poolWidth: 2, stride: 1 })).toThrow(
      'maxPoolForwardFast: the pool (9 x 2) is larger than x of shape (2, 3, 8, 8)',
    );
    expect(() => maxPoolForwardFast(x, { poolHeight: 2, poolWidth: 2 } as never)).toThrow(
      'maxPoolForwardFast: poolParam.stride must be a positive integer, got undefined',
    );
    expect(() =>
      maxPoolForwardFast(x, { pool_height: 2, poolWidth: 2, stride: 2 } as never),
    ).toThrow(/unknown option 'pool_height' in poolParam; did you mean 'poolHeight'\?/);
    const [, cache] = maxPoolForwardFast(x, { poolHeight: 2, poolWidth: 2, stride: 2 });
    expect(() => maxPoolBackwardFast(randomTensor([2, 3, 4, 5], 1), cache)).toThrow(
      'maxPoolBackwardFast: dout has shape (2, 3, 4, 5) but the forward output had shape (2, 3, 4, 4)',
    );
  });
});
