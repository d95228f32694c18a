/**
 * The naive max-pooling layer: numpy parity (test/fixtures/conv/pooling.json), where the gradient
 * goes (the window's maximum; the first one on ties), NaN, centred differences and the argument
 * checks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evalNumericalGradientArray,
  maxPoolBackwardNaive,
  maxPoolForwardNaive,
  RandomState,
  random,
  relError,
  tensor,
} from '../../lib';
import { type Arr, expectCloseTo, loadConvFixture, toTensor } from '../helpers/convFixture';

interface PoolCase {
  name: string;
  x: Arr;
  poolHeight: number;
  poolWidth: number;
  stride: number;
  dout: Arr;
  out: Arr;
  dx: Arr;
}

const fixture = loadConvFixture<{ cases: PoolCase[] }>('pooling.json');

describe(`maxPoolForwardNaive / maxPoolBackwardNaive match numpy ${fixture.meta.numpy}`, () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const { poolHeight, poolWidth, stride } = c;
      const [out, cache] = maxPoolForwardNaive(toTensor(c.x), { poolHeight, poolWidth, stride });
      expectCloseTo(out, c.out, 'out', 0);
      // Overlapping windows add in another order than numpy's: rounding differs.
      expectCloseTo(maxPoolBackwardNaive(toTensor(c.dout), cache), c.dx, 'dx');
    });
  }

  it("reproduces the notebook's seeded backward-check inputs from random.seed(231)", () => {
    const c = fixture.cases.find((k) => k.name.startsWith('notebook backward'))!;
    random.seed(231);
    expect(Array.from(random.randn(3, 2, 8, 8).data)).toEqual(c.x.data);
    expect(Array.from(random.randn(3, 2, 4, 4).data)).toEqual(c.dout.data);
  });
});

/** Pool sizes that tile: H = (outH - 1) * stride + poolHeight, the same for W. */
const pooling = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    C: fc.integer({ min: 1, max: 2 }),
    poolHeight: fc.integer({ min: 1, max: 3 }),
    poolWidth: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 3 }),
    outH: fc.integer({ min: 1, max: 4 }),
    outW: fc.integer({ min: 1, max: 4 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
  })
  .map((p) => ({
    ...p,
    H: (p.outH - 1) * p.stride + p.poolHeight,
    W: (p.outW - 1) * p.stride + p.poolWidth,
  }));

describe('max pooling properties', () => {
  it("each window's output is its maximum, and its gradient goes to that maximum's position", () => {
    fc.assert(
      fc.property(pooling, (p) => {
        const rng = new RandomState(p.seed);
        // Distinct values (a shuffled range), so every window has one maximum.
        const size = p.N * p.C * p.H * p.W;
        const values = Float64Array.from(rng.permutation(size) as ArrayLike<number>);
        const x = tensor([p.N, p.C, p.H, p.W], values);
        const param = { poolHeight: p.poolHeight, poolWidth: p.poolWidth, stride: p.stride };
        const [out, cache] = maxPoolForwardNaive(x, param);
        const dout = rng.randn(p.N, p.C, p.outH, p.outW);
        const dx = maxPoolBackwardNaive(dout, cache);
        const routed = tensor(x.shape);
        for (let n = 0; n < p.N; n++)
          for (let c = 0; c < p.C; c++)
            for (let i = 0; i < p.outH; i++)
              for (let j = 0; j < p.outW; j++) {
                const m = out.get(n, c, i, j);
                let where: [number, number] | null = null;
                for (let u = 0; u < p.poolHeight; u++)
                  for (let v = 0; v < p.poolWidth; v++) {
                    const r = i * p.stride + u;
                    const q = j * p.stride + v;
                    expect(x.get(n, c, r, q)).toBeLessThanOrEqual(m);
                    if (x.get(n, c, r, q) === m) where = [r, q];
                  }
                expect(where).not.toBeNull();
                const [r, q] = where!;
                routed.set(n, c, r, q, routed.get(n, c, r, q) + dout.get(n, c, i, j));
              }
        expect(Array.from(dx.data)).toEqual(Array.from(routed.data));
      }),
      { numRuns: 80 },
    );
  });

  it('on ties the gradient goes to the first maximum in row-major order', () => {
    const x = tensor([1, 1, 3, 3], Float64Array.from([0, 5, 1, 5, 2, 5, 5, 5, 0]));
    const [out, cache] = maxPoolForwardNaive(x, { poolHeight: 2, poolWidth: 2, stride: 1 });
    expect(Array.from(out.data)).toEqual([5, 5, 5, 5]);
    const dx = maxPoolBackwardNaive(
      tensor([1, 1, 2, 2], Float64Array.from([1, 10, 100, 1000])),
      cache,
    );
    // Windows start at (0,0), (0,1), (1,0), (1,1); their first 5s are at (0,1), (0,1), (1,0), (1,2).
    expect(Array.from(dx.data)).toEqual([0, 11, 0, 100, 0, 1000, 0, 0, 0]);
  });

  it('a NaN in a window is its maximum and takes its gradient; other windows are unaffected', () => {
    const x = tensor([1, 1, 2, 4], Float64Array.from([1, Number.NaN, 3, 4, 9, 2, 0, 1]));
    const [out, cache] = maxPoolForwardNaive(x, { poolHeight: 2, poolWidth: 2, stride: 2 });
    expect(Number.isNaN(out.get(0, 0, 0, 0))).toBe(true);
    expect(out.get(0, 0, 0, 1)).toBe(4);
    const dx = maxPoolBackwardNaive(tensor([1, 1, 1, 2], Float64Array.from([2, 3])), cache);
    expect(Array.from(dx.data)).toEqual([0, 2, 0, 3, 0, 0, 0, 0]);
  });

  it('agrees with centred differences (overlapping 3x3 windows, stride 2)', () => {
    const rng = new RandomState(5);
    const x = rng.randn(2, 3, 7, 9);
    const param = { poolHeight: 3, poolWidth: 3, stride: 2 };
    const [out, cache] = maxPoolForwardNaive(x, param);
    const dout = rng.randn(...out.shape);
    const dxNum = evalNumericalGradientArray((v) => maxPoolForwardNaive(v, param)[0], x, dout);
    expect(relError(maxPoolBackwardNaive(dout, cache), dxNum)).toBeLessThan(1e-10);
  });
});

describe('maxPoolForwardNaive / maxPoolBackwardNaive argument checks', () => {
  const x = tensor([2, 3, 5, 6]);
  it.each([
    [
      'a stride that does not tile the input',
      () => maxPoolForwardNaive(x, { poolHeight: 2, poolWidth: 2, stride: 2 }),
      /maxPoolForwardNaive: stride 2 does not tile the input's height: \(5 - 2\) \/ 2 is not an integer \(x of shape \(2, 3, 5, 6\)\)/,
    ],
    [
      'a window larger than the input',
      () => maxPoolForwardNaive(x, { poolHeight: 2, poolWidth: 7, stride: 1 }),
      /maxPoolForwardNaive: the pooling window \(2 x 7\) is larger than the input \(5 x 6; x of shape \(2, 3, 5, 6\)\)/,
    ],
    [
      'a zero window',
      () => maxPoolForwardNaive(x, { poolHeight: 0, poolWidth: 2, stride: 1 }),
      /maxPoolForwardNaive: poolParam.poolHeight must be an integer >= 1, got 0/,
    ],
    [
      "the course's snake_case keys",
      () => maxPoolForwardNaive(x, { pool_height: 2, pool_width: 2, stride: 1 } as never),
      /maxPoolForwardNaive: unknown option 'pool_height' in poolParam; did you mean 'poolHeight'\?/,
    ],
    [
      'x with 2 dimensions',
      () => maxPoolForwardNaive(tensor([5, 6]), { poolHeight: 1, poolWidth: 1, stride: 1 }),
      /maxPoolForwardNaive: x must have 4 dimensions, got shape \(5, 6\)/,
    ],
  ])('%s', (_what, call, message) => {
    expect(call).toThrow(message);
  });

  it('backward: a dout of the wrong shape', () => {
    const [, cache] = maxPoolForwardNaive(x, { poolHeight: 3, poolWidth: 2, stride: 1 });
    expect(() => maxPoolBackwardNaive(tensor([2, 3, 3, 4]), cache)).toThrow(
      /maxPoolBackwardNaive: dout has shape \(2, 3, 3, 4\) but the forward output had shape \(2, 3, 3, 5\)/,
    );
  });
});
