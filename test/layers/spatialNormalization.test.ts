/**
 * Spatial batch and group normalization: numpy parity (test/fixtures/conv/spatial_norm.json), the
 * statistics they produce, centred differences and the argument checks.
 */
import { describe, expect, it } from 'vitest';
import {
  type BatchnormParam,
  evalNumericalGradientArray,
  RandomState,
  random,
  relError,
  spatialBatchnormBackward,
  spatialBatchnormForward,
  spatialGroupnormBackward,
  spatialGroupnormForward,
  type Tensor,
  tensor,
} from '../../lib';
import { type Arr, expectCloseTo, loadConvFixture, toTensor } from '../helpers/convFixture';

const maxAbs = (v: number[]) => v.reduce((m, e) => Math.max(m, Math.abs(e)), 0);

interface BnCase {
  name: string;
  x: Arr;
  gamma: Arr;
  beta: Arr;
  dout: Arr;
  param: Record<string, string | number | Arr>;
  out: Arr;
  runningMean: Arr;
  runningVar: Arr;
  dx: Arr;
  dgamma: Arr;
  dbeta: Arr;
}

interface GnCase {
  name: string;
  x: Arr;
  gamma: Arr;
  beta: Arr;
  G: number;
  param: { eps?: number };
  dout: Arr;
  out: Arr;
  dx: Arr;
  dgamma: Arr;
  dbeta: Arr;
}

const fixture = loadConvFixture<{ batchnorm: BnCase[]; groupnorm: GnCase[] }>('spatial_norm.json');

describe(`spatial batch and group normalization match numpy ${fixture.meta.numpy}`, () => {
  for (const c of fixture.batchnorm) {
    it(`batchnorm: ${c.name}`, () => {
      const p = c.param;
      const bnParam: BatchnormParam = { mode: p.mode as 'train' | 'test' };
      if (p.eps !== undefined) bnParam.eps = p.eps as number;
      if (p.momentum !== undefined) bnParam.momentum = p.momentum as number;
      if (p.running_mean !== undefined) bnParam.runningMean = toTensor(p.running_mean as Arr);
      if (p.running_var !== undefined) bnParam.runningVar = toTensor(p.running_var as Arr);
      const args = [toTensor(c.x), toTensor(c.gamma), toTensor(c.beta)] as const;
      const [out, cache] = spatialBatchnormForward(...args, bnParam);
      expectCloseTo(out, c.out, 'out');
      expectCloseTo(bnParam.runningMean!, c.runningMean, 'runningMean');
      expectCloseTo(bnParam.runningVar!, c.runningVar, 'runningVar');
      const [dx, dgamma, dbeta] = spatialBatchnormBackward(toTensor(c.dout), cache);
      // dx is a difference of terms of size |dout| |gamma| / std; with two pixels per channel it
      // cancels almost to zero, so the rounding is measured against those terms.
      const terms = (maxAbs(c.dout.data) * maxAbs(c.gamma.data)) / Math.min(...cache.norm.std);
      expectCloseTo(dx, c.dx, 'dx', 1e-12, terms);
      expectCloseTo(dgamma, c.dgamma, 'dgamma');
      expectCloseTo(dbeta, c.dbeta, 'dbeta');
    });
  }

  for (const c of fixture.groupnorm) {
    it(`groupnorm: ${c.name}`, () => {
      const args = [toTensor(c.x), toTensor(c.gamma), toTensor(c.beta), c.G] as const;
      const [out, cache] = spatialGroupnormForward(...args, c.param);
      expectCloseTo(out, c.out, 'out');
      const [dx, dgamma, dbeta] = spatialGroupnormBackward(toTensor(c.dout), cache);
      expectCloseTo(dx, c.dx, 'dx');
      expectCloseTo(dgamma, c.dgamma, 'dgamma');
      expectCloseTo(dbeta, c.dbeta, 'dbeta');
    });
  }

  it("reproduces the notebook's test-time check from random.seed(231): 50 warm-up passes", () => {
    const c = fixture.batchnorm.find((k) => k.name.startsWith('notebook test forward'))!;
    random.seed(231);
    const bnParam: BatchnormParam = { mode: 'train' };
    const ones = tensor([4], new Float64Array(4).fill(1));
    const draw = () => {
      const x = random.randn(10, 4, 11, 12);
      for (let i = 0; i < x.data.length; i++) x.data[i] = 2.3 * x.data[i] + 13;
      return x;
    };
    for (let t = 0; t < 50; t++) spatialBatchnormForward(draw(), ones, tensor([4]), bnParam);
    bnParam.mode = 'test';
    const x = draw();
    expect(Array.from(x.data)).toEqual(c.x.data);
    const [out] = spatialBatchnormForward(x, ones, tensor([4]), bnParam);
    expectCloseTo(out, c.out, 'out', 1e-11);
  });
});

/** Mean and population std of the entries of x (N, C, H, W) that `pick` assigns to each group. */
function groupStats(x: Tensor, groups: number, pick: (n: number, c: number) => number) {
  const [N, C, H, W] = x.shape;
  const sums = new Array(groups).fill(0);
  const counts = new Array(groups).fill(0);
  const squares = new Array(groups).fill(0);
  for (const pass of [0, 1])
    for (let n = 0; n < N; n++)
      for (let c = 0; c < C; c++)
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++) {
            const k = pick(n, c);
            const v = x.get(n, c, h, w);
            if (pass === 0) {
              sums[k] += v;
              counts[k]++;
            } else squares[k] += (v - sums[k] / counts[k]) ** 2;
          }
  return sums.map((s, k) => ({ mean: s / counts[k], std: Math.sqrt(squares[k] / counts[k]) }));
}

describe('what the layers make of their input', () => {
  const rng = new RandomState(3);
  const shifted = (shape: number[]) => {
    const x = rng.randn(...shape);
    for (let i = 0; i < x.data.length; i++) x.data[i] = 4 * x.data[i] + 10;
    return x;
  };

  it('spatial batch norm in train mode: per channel mean beta and std gamma (over N, H, W)', () => {
    const x = shifted([3, 4, 5, 6]);
    const gamma = tensor([4], Float64Array.from([1, 2, 0.5, 3]));
    const beta = tensor([4], Float64Array.from([0, -1, 7, 2]));
    const [out] = spatialBatchnormForward(x, gamma, beta, { mode: 'train' });
    groupStats(out, 4, (_n, c) => c).forEach(({ mean, std }, c) => {
      expect(mean).toBeCloseTo(beta.get(c), 12);
      // var + eps under the square root: std = gamma * sqrt(var / (var + eps))
      expect(std).toBeCloseTo(gamma.get(c), 5);
      expect(std).toBeLessThan(gamma.get(c));
    });
  });

  it('spatial group norm: mean 0 and std 1 over each group of C / G channels of each image', () => {
    const x = shifted([2, 6, 3, 4]);
    const ones = tensor([1, 6, 1, 1], new Float64Array(6).fill(1));
    for (const G of [1, 2, 3, 6]) {
      const [out] = spatialGroupnormForward(x, ones, tensor([1, 6, 1, 1]), G);
      for (const { mean, std } of groupStats(
        out,
        2 * G,
        (n, c) => n * G + Math.floor(c / (6 / G)),
      )) {
        expect(mean).toBeCloseTo(0, 12);
        expect(std).toBeCloseTo(1, 5);
      }
    }
  });

  it('spatial batch norm in test mode uses the running statistics, whatever the batch', () => {
    const bnParam: BatchnormParam = {
      mode: 'test',
      runningMean: tensor([2], Float64Array.from([1, -2])),
      runningVar: tensor([2], Float64Array.from([4, 0.25])),
      eps: 1e-300, // too small to change sqrt(var + eps) here
    };
    const x = tensor([1, 2, 1, 2], Float64Array.from([3, 5, -2, -1]));
    const ones = tensor([2], Float64Array.from([1, 1]));
    const [out] = spatialBatchnormForward(x, ones, tensor([2]), bnParam);
    expect(Array.from(out.data)).toEqual([1, 2, 0, 2]);
  });
});

describe('backward passes against centred differences', () => {
  const rng = new RandomState(11);
  const data = (shape: number[]) => {
    const x = rng.randn(...shape);
    for (let i = 0; i < x.data.length; i++) x.data[i] = 5 * x.data[i] + 12;
    return x;
  };

  it('spatial batch norm (train mode)', () => {
    const x = data([2, 3, 4, 5]);
    const gamma = rng.randn(3);
    const beta = rng.randn(3);
    const dout = rng.randn(2, 3, 4, 5);
    const f = (xx: Tensor, g: Tensor, b: Tensor) =>
      spatialBatchnormForward(xx, g, b, { mode: 'train' })[0];
    const [, cache] = spatialBatchnormForward(x, gamma, beta, { mode: 'train' });
    const [dx, dgamma, dbeta] = spatialBatchnormBackward(dout, cache);
    const dxNum = evalNumericalGradientArray((v) => f(v, gamma, beta), x, dout);
    expect(relError(dx, dxNum)).toBeLessThan(1e-6);
    const dgNum = evalNumericalGradientArray((v) => f(x, v, beta), gamma, dout);
    expect(relError(dgamma, dgNum)).toBeLessThan(1e-8);
    const dbNum = evalNumericalGradientArray((v) => f(x, gamma, v), beta, dout);
    expect(relError(dbeta, dbNum)).toBeLessThan(1e-8);
  });

  for (const G of [1, 2, 6]) {
    it(`spatial group norm, G = ${G} of C = 6`, () => {
      const x = data([2, 6, 3, 4]);
      const gamma = rng.randn(1, 6, 1, 1);
      const beta = rng.randn(1, 6, 1, 1);
      const dout = rng.randn(2, 6, 3, 4);
      const f = (xx: Tensor, g: Tensor, b: Tensor) => spatialGroupnormForward(xx, g, b, G)[0];
      const [, cache] = spatialGroupnormForward(x, gamma, beta, G);
      const [dx, dgamma, dbeta] = spatialGroupnormBackward(dout, cache);
      const dxNum = evalNumericalGradientArray((v) => f(v, gamma, beta), x, dout);
      expect(relError(dx, dxNum)).toBeLessThan(1e-6);
      const dgNum = evalNumericalGradientArray((v) => f(x, v, beta), gamma, dout);
      expect(relError(dgamma, dgNum)).toBeLessThan(1e-8);
      const dbNum = evalNumericalGradientArray((v) => f(x, gamma, v), beta, dout);
      expect(relError(dbeta, dbNum)).toBeLessThan(1e-8);
    });
  }
});

describe('argument checks', () => {
  const x = tensor([2, 6, 3, 4]);
  const g6 = tensor([1, 6, 1, 1]);
  it.each([
    [
      'a G that does not divide C',
      () => spatialGroupnormForward(x, g6, g6, 4),
      /spatialGroupnormForward: G must be a positive integer that divides the 6 channels of x \(shape \(2, 6, 3, 4\)\), got 4/,
    ],
    [
      'G = 0',
      () => spatialGroupnormForward(x, g6, g6, 0),
      /spatialGroupnormForward: G must be a positive integer .* got 0/,
    ],
    [
      'group norm gamma of shape (C,) instead of (1, C, 1, 1)',
      () => spatialGroupnormForward(x, tensor([6]), g6, 2),
      /spatialGroupnormForward: gamma must have 4 dimensions, got shape \(6,\)/,
    ],
    [
      'group norm beta for another C',
      () => spatialGroupnormForward(x, g6, tensor([1, 3, 1, 1]), 2),
      /spatialGroupnormForward: beta has shape \(1, 3, 1, 1\) but x has shape \(2, 6, 3, 4\); expected beta of shape \(1, 6, 1, 1\)/,
    ],
    [
      'batch norm gamma for another C',
      () => spatialBatchnormForward(x, tensor([4]), tensor([6]), { mode: 'train' }),
      /spatialBatchnormForward: gamma has shape \(4,\) but x has shape \(2, 6, 3, 4\); expected gamma of shape \(6,\)/,
    ],
    [
      'batch norm on x without pixels',
      () =>
        spatialBatchnormForward(tensor([2, 6, 0, 4]), tensor([6]), tensor([6]), { mode: 'train' }),
      /spatialBatchnormForward: x of shape \(2, 6, 0, 4\) has no pixels/,
    ],
    [
      'batch norm without a mode',
      () => spatialBatchnormForward(x, tensor([6]), tensor([6]), {} as never),
      /spatialBatchnormForward: bnParam.mode must be 'train' or 'test', got undefined/,
    ],
    [
      'batch norm running statistics for another C',
      () =>
        spatialBatchnormForward(x, tensor([6]), tensor([6]), {
          mode: 'test',
          runningMean: tensor([3]),
        }),
      /spatialBatchnormForward: bnParam.runningMean has shape \(3,\) but x has 6 channels \(shape \(2, 6, 3, 4\)\)/,
    ],
    [
      'a negative group norm eps',
      () => spatialGroupnormForward(x, g6, g6, 2, { eps: -1 }),
      /spatialGroupnormForward: gnParam.eps must be a finite number > 0, got -1/,
    ],
  ])('%s', (_what, call, message) => {
    expect(call).toThrow(message);
  });

  it('backward: a cache of the other layer, a dout of the wrong shape', () => {
    const [, gnCache] = spatialGroupnormForward(x, g6, g6, 3);
    const [, bnCache] = spatialBatchnormForward(x, tensor([6]), tensor([6]), { mode: 'train' });
    expect(() => spatialBatchnormBackward(x, gnCache as never)).toThrow(
      /spatialBatchnormBackward: cache must be the cache returned by spatialBatchnormForward/,
    );
    expect(() => spatialGroupnormBackward(x, bnCache as never)).toThrow(
      /spatialGroupnormBackward: cache must be the cache returned by spatialGroupnormForward/,
    );
    expect(() => spatialGroupnormBackward(tensor([2, 6, 4, 3]), gnCache)).toThrow(
      /spatialGroupnormBackward: dout has shape \(2, 6, 4, 3\) but the spatialGroupnormForward output had shape \(2, 6, 3, 4\)/,
    );
  });
});
