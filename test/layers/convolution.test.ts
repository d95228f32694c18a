/**
 * The naive convolutional layer: numpy parity (test/fixtures/conv/convolution.json), the
 * notebook's seeded inputs, the convolution as an im2col matrix product, centred differences,
 * and the argument checks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convBackwardNaive,
  convForwardNaive,
  evalNumericalGradientArray,
  RandomState,
  random,
  relError,
  type Tensor,
  tensor,
} from '../../lib';
import { matmul } from '../../lib/kernels';
import { type Arr, expectCloseTo, loadConvFixture, toTensor } from '../helpers/convFixture';

interface ConvCase {
  name: string;
  x: Arr;
  w: Arr;
  b: Arr;
  stride: number;
  pad: number;
  dout: Arr;
  out: Arr;
  dx: Arr;
  dw: Arr;
  db: Arr;
}

const fixture = loadConvFixture<{ cases: ConvCase[] }>('convolution.json');

describe(`convForwardNaive / convBackwardNaive match numpy ${fixture.meta.numpy}`, () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const convParam = { stride: c.stride, pad: c.pad };
      const [out, cache] = convForwardNaive(toTensor(c.x), toTensor(c.w), toTensor(c.b), convParam);
      expectCloseTo(out, c.out, 'out');
      const [dx, dw, db] = convBackwardNaive(toTensor(c.dout), cache);
      expectCloseTo(dx, c.dx, 'dx');
      expectCloseTo(dw, c.dw, 'dw');
      expectCloseTo(db, c.db, 'db');
    });
  }

  it("reproduces the notebook's seeded backward-check inputs from random.seed(231)", () => {
    const c = fixture.cases.find((k) => k.name.startsWith('notebook backward'))!;
    random.seed(231);
    const drawn = [random.randn(4, 3, 5, 5), random.randn(2, 3, 3, 3), random.randn(2)];
    drawn.push(random.randn(4, 2, 5, 5));
    [c.x, c.w, c.b, c.dout].forEach((want, k) => {
      expect(Array.from(drawn[k].data)).toEqual(want.data);
    });
  });
});

/** A tensor of the given shape with small dyadic values k / 8: sums of products are exact. */
function dyadic(shape: number[]): fc.Arbitrary<Tensor> {
  const size = shape.reduce((a, b) => a * b, 1);
  return fc
    .array(fc.integer({ min: -16, max: 16 }), { minLength: size, maxLength: size })
    .map((v) =>
      tensor(
        shape,
        Float64Array.from(v, (k) => k / 8),
      ),
    );
}

/** A convolution's sizes that tile: H = (outH - 1) * stride + HH - 2 pad >= 1, same for W. */
const geometry = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    C: fc.integer({ min: 1, max: 3 }),
    F: fc.integer({ min: 1, max: 3 }),
    HH: fc.integer({ min: 1, max: 4 }),
    WW: fc.integer({ min: 1, max: 4 }),
    outH: fc.integer({ min: 1, max: 4 }),
    outW: fc.integer({ min: 1, max: 4 }),
    stride: fc.integer({ min: 1, max: 3 }),
    pad: fc.integer({ min: 0, max: 3 }),
  })
  .map((g) => ({
    ...g,
    H: (g.outH - 1) * g.stride + g.HH - 2 * g.pad,
    W: (g.outW - 1) * g.stride + g.WW - 2 * g.pad,
  }))
  .filter((g) => g.H >= 1 && g.W >= 1);

type Geometry = typeof geometry extends fc.Arbitrary<infer G> ? G : never;

const convInputs = geometry.chain((g) =>
  fc.record({
    g: fc.constant(g),
    x: dyadic([g.N, g.C, g.H, g.W]),
    w: dyadic([g.F, g.C, g.HH, g.WW]),
    b: dyadic([g.F]),
    dout: dyadic([g.N, g.F, g.outH, g.outW]),
  }),
);

/**
 * The column matrix of the padded input: row (c, u, v), column (n, i, j) holds
 * xpad[n, c, i * stride + u, j * stride + v] (0 in the padding).
 */
function im2col(x: Tensor, g: Geometry): Tensor {
  const rows = g.C * g.HH * g.WW;
  const cols = g.N * g.outH * g.outW;
  const out = tensor([rows, cols]);
  for (let c = 0; c < g.C; c++)
    for (let u = 0; u < g.HH; u++)
      for (let v = 0; v < g.WW; v++)
        for (let n = 0; n < g.N; n++)
          for (let i = 0; i < g.outH; i++)
            for (let j = 0; j < g.outW; j++) {
              const r = i * g.stride + u - g.pad;
              const q = j * g.stride + v - g.pad;
              if (r < 0 || r >= g.H || q < 0 || q >= g.W) continue;
              const row = (c * g.HH + u) * g.WW + v;
              out.set(row, (n * g.outH + i) * g.outW + j, x.get(n, c, r, q));
            }
  return out;
}

/** dout (N, F, H', W') as the (F, N * H' * W') matrix that matches im2col's columns. */
function doutMatrix(dout: Tensor, g: Geometry): Tensor {
  const m = tensor([g.F, g.N * g.outH * g.outW]);
  for (let n = 0; n < g.N; n++)
    for (let f = 0; f < g.F; f++)
      for (let i = 0; i < g.outH; i++)
        for (let j = 0; j < g.outW; j++)
          m.set(f, (n * g.outH + i) * g.outW + j, dout.get(n, f, i, j));
  return m;
}

describe('the convolution is the im2col product: out = w.reshape(F, C HH WW) @ cols + b', () => {
  it('forward, and dw = dout @ cols^T, db = sum(dout), dx = col2im(w^T @ dout), all exact', () => {
    fc.assert(
      fc.property(convInputs, ({ g, x, w, b, dout }) => {
        const [out, cache] = convForwardNaive(x, w, b, { stride: g.stride, pad: g.pad });
        const cols = im2col(x, g);
        const wRows = tensor([g.F, g.C * g.HH * g.WW], w.data);
        const product = matmul(wRows, cols); // (F, N H' W')
        for (let n = 0; n < g.N; n++)
          for (let f = 0; f < g.F; f++)
            for (let i = 0; i < g.outH; i++)
              for (let j = 0; j < g.outW; j++) {
                const want = product.get(f, (n * g.outH + i) * g.outW + j) + b.get(f);
                expect(out.get(n, f, i, j)).toBe(want);
              }

        const [dx, dw, db] = convBackwardNaive(dout, cache);
        const d = doutMatrix(dout, g);
        expect(Array.from(dw.data)).toEqual(Array.from(matmul(d, cols, { transB: true }).data));
        for (let f = 0; f < g.F; f++) {
          let s = 0;
          for (let k = 0; k < d.shape[1]; k++) s += d.get(f, k);
          expect(db.get(f)).toBe(s);
        }
        // col2im: each column entry of w^T @ dout goes back to the input pixel it came from.
        const dcols = matmul(wRows, d, { transA: true });
        const want = tensor([g.N, g.C, g.H, g.W]);
        for (let c = 0; c < g.C; c++)
          for (let u = 0; u < g.HH; u++)
            for (let v = 0; v < g.WW; v++)
              for (let n = 0; n < g.N; n++)
                for (let i = 0; i < g.outH; i++)
                  for (let j = 0; j < g.outW; j++) {
                    const r = i * g.stride + u - g.pad;
                    const q = j * g.stride + v - g.pad;
                    if (r < 0 || r >= g.H || q < 0 || q >= g.W) continue;
                    const col = (n * g.outH + i) * g.outW + j;
                    const row = (c * g.HH + u) * g.WW + v;
                    want.set(n, c, r, q, want.get(n, c, r, q) + dcols.get(row, col));
                  }
        expect(Array.from(dx.data)).toEqual(Array.from(want.data));
      }),
      { numRuns: 60 },
    );
  });
});

describe('convBackwardNaive against centred differences', () => {
  for (const [stride, pad] of [
    [1, 1],
    [2, 0],
    [3, 1],
  ]) {
    it(`stride ${stride}, pad ${pad}`, () => {
      const rng = new RandomState(17 + stride * 4 + pad);
      const x = rng.randn(2, 2, 7, 7);
      const w = rng.randn(3, 2, 3, 3);
      const b = rng.randn(3);
      const convParam = { stride, pad };
      const [out, cache] = convForwardNaive(x, w, b, convParam);
      const dout = rng.randn(...out.shape);
      const [dx, dw, db] = convBackwardNaive(dout, cache);
      const f = (xx: Tensor, ww: Tensor, bb: Tensor) => convForwardNaive(xx, ww, bb, convParam)[0];
      expect(
        relError(
          dx,
          evalNumericalGradientArray((v) => f(v, w, b), x, dout),
        ),
      ).toBeLessThan(1e-8);
      expect(
        relError(
          dw,
          evalNumericalGradientArray((v) => f(x, v, b), w, dout),
        ),
      ).toBeLessThan(1e-8);
      expect(
        relError(
          db,
          evalNumericalGradientArray((v) => f(x, w, v), b, dout),
        ),
      ).toBeLessThan(1e-8);
    });
  }
});

describe('convForwardNaive / convBackwardNaive argument checks', () => {
  const x = tensor([2, 3, 5, 5]);
  const w = tensor([4, 3, 3, 3]);
  const b = tensor([4]);

  it.each([
    [
      'a stride that does not tile the padded input',
      () => convForwardNaive(x, w, b, { stride: 3, pad: 1 }),
      /convForwardNaive: stride 3 and pad 1 do not tile the input's height: \(5 \+ 2 \* 1 - 3\) \/ 3 is not an integer \(x of shape \(2, 3, 5, 5\), w of shape \(4, 3, 3, 3\)\)/,
    ],
    [
      'a filter wider than the padded input',
      () => convForwardNaive(x, tensor([4, 3, 3, 8]), b, { stride: 1, pad: 1 }),
      /convForwardNaive: the filter \(3 x 8\) is larger than the padded input \(7 x 7 with pad 1; x of shape \(2, 3, 5, 5\), w of shape \(4, 3, 3, 8\)\)/,
    ],
    [
      'a channel mismatch',
      () => convForwardNaive(x, tensor([4, 2, 3, 3]), b, { stride: 1, pad: 1 }),
      /convForwardNaive: w has 2 channels but x has 3 \(x of shape \(2, 3, 5, 5\), w of shape \(4, 2, 3, 3\)\)/,
    ],
    [
      'a bias of the wrong length',
      () => convForwardNaive(x, w, tensor([3]), { stride: 1, pad: 1 }),
      /convForwardNaive: b has shape \(3,\) but w has 4 filters \(shape \(4, 3, 3, 3\)\); expected b of shape \(4,\)/,
    ],
    [
      'stride 0',
      () => convForwardNaive(x, w, b, { stride: 0, pad: 1 }),
      /convForwardNaive: convParam.stride must be an integer >= 1, got 0/,
    ],
    [
      'a fractional stride',
      () => convForwardNaive(x, w, b, { stride: 1.5, pad: 1 }),
      /convForwardNaive: convParam.stride must be an integer >= 1, got 1.5/,
    ],
    [
      'a negative pad',
      () => convForwardNaive(x, w, b, { stride: 1, pad: -1 }),
      /convForwardNaive: convParam.pad must be an integer >= 0, got -1/,
    ],
    [
      'a missing pad',
      () => convForwardNaive(x, w, b, { stride: 1 } as never),
      /convForwardNaive: convParam.pad must be an integer >= 0, got undefined/,
    ],
    [
      "the course's snake_case key",
      () => convForwardNaive(x, w, b, { stride: 1, pad: 1, pool_height: 2 } as never),
      /convForwardNaive: unknown option 'pool_height' in convParam/,
    ],
    [
      'x with 3 dimensions',
      () => convForwardNaive(tensor([3, 5, 5]), w, b, { stride: 1, pad: 1 }),
      /convForwardNaive: x must have 4 dimensions, got shape \(3, 5, 5\)/,
    ],
  ])('%s', (_what, call, message) => {
    expect(call).toThrow(message);
  });

  it('backward: a dout of the wrong shape, a cache that is not one', () => {
    const [, cache] = convForwardNaive(x, w, b, { stride: 1, pad: 1 });
    expect(() => convBackwardNaive(tensor([2, 4, 5, 4]), cache)).toThrow(
      /convBackwardNaive: dout has shape \(2, 4, 5, 4\) but the forward output had shape \(2, 4, 5, 5\)/,
    );
    expect(() => convBackwardNaive(tensor([2, 4, 5, 5]), [x, w] as never)).toThrow(
      /convBackwardNaive: cache/,
    );
  });
});
