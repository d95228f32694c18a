/**
 * Batch and layer normalization (lib/layers/normalization.ts) on random inputs: what they make of
 * their input, and backward passes against centred differences.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BatchnormParam,
  batchnormBackward,
  batchnormBackwardAlt,
  batchnormForward,
  evalNumericalGradientArray,
  layernormBackward,
  layernormForward,
  type Tensor,
  tensor,
} from '../../lib';
import { expectAllClose, tensorArb } from '../helpers/arbitraries';
import { moments } from '../helpers/moments';

/** numpy's allclose, with this file's default tolerances. */
const expectClose = (a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-7): void =>
  expectAllClose(a, b, rtol, atol);

const normCase = fc
  .record({ n: fc.integer({ min: 2, max: 8 }), d: fc.integer({ min: 1, max: 6 }) })
  .chain(({ n, d }) =>
    fc.record({
      x: tensorArb([n, d], 4),
      gamma: tensorArb([d], 4),
      beta: tensorArb([d], 4),
      dout: tensorArb([n, d], 4),
    }),
  );

describe('batch normalization', () => {
  it('train mode: every feature of the output has mean beta and standard deviation |gamma|', () => {
    fc.assert(
      fc.property(normCase, ({ x, gamma, beta }) => {
        const before = moments(x, 0);
        fc.pre(before.variance.every((v) => v > 1e-2));
        const [out] = batchnormForward(x, gamma, beta, { mode: 'train' });
        const after = moments(out, 0);
        for (let j = 0; j < x.shape[1]; j++) {
          // var(out) = gamma^2 * v / (v + eps): within 1e-3 of gamma^2 once v > 1e-2.
          expect(after.mean[j]).toBeCloseTo(beta.data[j], 10);
          const g2 = gamma.data[j] ** 2;
          expect(Math.abs(after.variance[j] - g2)).toBeLessThanOrEqual(1e-3 * g2 + 1e-12);
        }
        const [unit] = batchnormForward(x, ones(x.shape[1]), zeros(x.shape[1]), { mode: 'train' });
        const m = moments(unit, 0);
        for (let j = 0; j < x.shape[1]; j++) {
          expect(Math.abs(m.mean[j])).toBeLessThan(1e-12);
          expect(Math.abs(m.variance[j] - 1)).toBeLessThan(1e-3);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('test mode after one train pass with momentum 0 reproduces the train-mode output', () => {
    fc.assert(
      fc.property(normCase, ({ x, gamma, beta }) => {
        const bnParam: BatchnormParam = { mode: 'train', momentum: 0 };
        const [train] = batchnormForward(x, gamma, beta, bnParam);
        bnParam.mode = 'test';
        const [test] = batchnormForward(x, gamma, beta, bnParam);
        expectClose(test, train, 1e-12, 1e-12);
      }),
      { numRuns: 60 },
    );
  });

  it('batchnormBackward and batchnormBackwardAlt agree and match centred differences', () => {
    fc.assert(
      fc.property(normCase, ({ x, gamma, beta, dout }) => {
        fc.pre(moments(x, 0).variance.every((v) => v > 5e-2));
        const [, cache] = batchnormForward(x, gamma, beta, { mode: 'train' });
        const [dx, dgamma, dbeta] = batchnormBackward(dout, cache);
        const [dx2, dgamma2, dbeta2] = batchnormBackwardAlt(dout, cache);
        expectClose(dx2, dx, 1e-9, 1e-12);
        expectClose(dgamma2, dgamma, 1e-12, 1e-14);
        expectClose(dbeta2, dbeta, 1e-12, 1e-14);
        const fx = (v: Tensor) => batchnormForward(v, gamma, beta, { mode: 'train' })[0];
        const fg = (v: Tensor) => batchnormForward(x, v, beta, { mode: 'train' })[0];
        const fb = (v: Tensor) => batchnormForward(x, gamma, v, { mode: 'train' })[0];
        expectClose(dx, evalNumericalGradientArray(fx, x, dout));
        expectClose(dgamma, evalNumericalGradientArray(fg, gamma, dout));
        expectClose(dbeta, evalNumericalGradientArray(fb, beta, dout));
      }),
      { numRuns: 60 },
    );
  });

  it('test-mode backward matches centred differences (the statistics are constants)', () => {
    fc.assert(
      fc.property(normCase, ({ x, gamma, beta, dout }) => {
        const d = x.shape[1];
        const param = (): BatchnormParam => ({
          mode: 'test',
          runningMean: tensor(
            [d],
            Float64Array.from({ length: d }, (_, j) => 0.1 * j),
          ),
          runningVar: tensor(
            [d],
            Float64Array.from({ length: d }, (_, j) => 0.5 + j),
          ),
        });
        const [, cache] = batchnormForward(x, gamma, beta, param());
        for (const back of [batchnormBackward, batchnormBackwardAlt]) {
          const [dx] = back(dout, cache);
          const fx = (v: Tensor) => batchnormForward(v, gamma, beta, param())[0];
          expectClose(dx, evalNumericalGradientArray(fx, x, dout));
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('layer normalization', () => {
  it('every sample of the output has mean 0 and variance 1 (gamma 1, beta 0)', () => {
    fc.assert(
      fc.property(normCase, ({ x }) => {
        fc.pre(x.shape[1] >= 2 && moments(x, 1).variance.every((v) => v > 1e-2));
        const d = x.shape[1];
        const [out] = layernormForward(x, ones(d), zeros(d));
        const m = moments(out, 1);
        for (let i = 0; i < x.shape[0]; i++) {
          expect(Math.abs(m.mean[i])).toBeLessThan(1e-12);
          expect(Math.abs(m.variance[i] - 1)).toBeLessThan(1e-3);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('is the batch normalization of the transposed input (gamma 1, beta 0)', () => {
    fc.assert(
      fc.property(normCase, ({ x }) => {
        const [n, d] = x.shape;
        const [ln] = layernormForward(x, ones(d), zeros(d));
        const xt = tensor([d, n]);
        for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xt.set(j, i, x.get(i, j));
        const [bn] = batchnormForward(xt, ones(n), zeros(n), { mode: 'train' });
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < d; j++) expect(ln.get(i, j)).toBeCloseTo(bn.get(j, i), 12);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('layernormBackward matches centred differences', () => {
    fc.assert(
      fc.property(normCase, ({ x, gamma, beta, dout }) => {
        fc.pre(moments(x, 1).variance.every((v) => v > 5e-2));
        const [, cache] = layernormForward(x, gamma, beta);
        const [dx, dgamma, dbeta] = layernormBackward(dout, cache);
        expectClose(
          dx,
          evalNumericalGradientArray((v) => layernormForward(v, gamma, beta)[0], x, dout),
        );
        expectClose(
          dgamma,
          evalNumericalGradientArray((v) => layernormForward(x, v, beta)[0], gamma, dout),
        );
        expectClose(
          dbeta,
          evalNumericalGradientArray((v) => layernormForward(x, gamma, v)[0], beta, dout),
        );
      }),
      { numRuns: 60 },
    );
  });
});

function ones(d: number): Tensor {
  return tensor([d], new Float64Array(d).fill(1));
}

function zeros(d: number): Tensor {
  return tensor([d]);
}

describe('batchnormForward on a worked example', () => {
  // Two samples of two features: feature 0 is [1, 3] (mean 2, variance 1), feature 1 is [4, 4].
  const x = (): Tensor => tensor([2, 2], new Float64Array([1, 4, 3, 4]));
  const gamma = tensor([2], new Float64Array([2, 1]));
  const beta = tensor([2], new Float64Array([0.5, -1]));

  it('train mode standardises each feature with the batch statistics, then scales and shifts', () => {
    const eps = 1e-5;
    const [out] = batchnormForward(x(), gamma, beta, { mode: 'train', eps });
    const s = Math.sqrt(1 + eps);
    // Feature 1 has variance 0: (x - mean) is 0, the output is beta.
    expect(Array.from(out.data)).toEqual([(2 * -1) / s + 0.5, -1, (2 * 1) / s + 0.5, -1]);
  });

  it('updates the running averages with the momentum and uses them in test mode', () => {
    const param: BatchnormParam = { mode: 'train', momentum: 0.75 };
    batchnormForward(x(), gamma, beta, param);
    // running = 0.75 * 0 + 0.25 * batch: mean [2, 4] -> [0.5, 1]; variance [1, 0] -> [0.25, 0].
    expect(Array.from(param.runningMean?.data ?? [])).toEqual([0.5, 1]);
    expect(Array.from(param.runningVar?.data ?? [])).toEqual([0.25, 0]);
    batchnormForward(x(), gamma, beta, param);
    expect(Array.from(param.runningMean?.data ?? [])).toEqual([0.875, 1.75]);
    expect(Array.from(param.runningVar?.data ?? [])).toEqual([0.4375, 0]);

    const eps = 1e-5;
    const [out] = batchnormForward(x(), gamma, beta, { ...param, mode: 'test', eps });
    const expected = [
      (2 * (1 - 0.875)) / Math.sqrt(0.4375 + eps) + 0.5,
      (4 - 1.75) / Math.sqrt(eps) - 1,
      (2 * (3 - 0.875)) / Math.sqrt(0.4375 + eps) + 0.5,
      (4 - 1.75) / Math.sqrt(eps) - 1,
    ];
    expectClose(out, tensor([2, 2], Float64Array.from(expected)), 1e-14, 0);
  });
});

describe('layernormForward on a worked example', () => {
  it('standardises each sample over its features, then scales and shifts per feature', () => {
    // Row 0 is [0, 2, 4] (mean 2, variance 8/3); row 1 is [1, 1, 1] (variance 0).
    const x = tensor([2, 3], new Float64Array([0, 2, 4, 1, 1, 1]));
    const gamma = tensor([3], new Float64Array([1, 2, 3]));
    const beta = tensor([3], new Float64Array([0, 0, 1]));
    const eps = 1e-5;
    const [out] = layernormForward(x, gamma, beta, { eps });
    const s = Math.sqrt(8 / 3 + eps);
    const expected = [-2 / s, 0, (3 * 2) / s + 1, 0, 0, 1];
    expectClose(out, tensor([2, 3], Float64Array.from(expected)), 1e-14, 0);
  });
});
