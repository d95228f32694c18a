/**
 * Properties of assignment 2's layers on random inputs: what batch and layer normalization make of
 * their input, what dropout keeps, and backward passes against centred differences.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BatchnormParam,
  batchnormBackward,
  batchnormBackwardAlt,
  batchnormForward,
  dropoutBackward,
  dropoutForward,
  evalNumericalGradient,
  evalNumericalGradientArray,
  FullyConnectedNet,
  layernormBackward,
  layernormForward,
  RandomState,
  type Tensor,
  tensor,
} from '../../lib';

/** A tensor of the given shape with values k / 997 in [-4, 4] plus an offset per column. */
function tensorArb(shape: number[]): fc.Arbitrary<Tensor> {
  const size = shape.reduce((a, b) => a * b, 1);
  return fc
    .array(fc.integer({ min: -3988, max: 3988 }), { minLength: size, maxLength: size })
    .map((v) =>
      tensor(
        shape,
        Float64Array.from(v, (k) => k / 997),
      ),
    );
}

/** Mean and biased variance of each column (axis 0) or each row (axis 1) of an (n, d) tensor. */
function moments(x: Tensor, axis: 0 | 1): { mean: number[]; variance: number[] } {
  const [n, d] = x.shape;
  const [count, len] = axis === 0 ? [d, n] : [n, d];
  const at = (k: number, i: number) => (axis === 0 ? x.get(i, k) : x.get(k, i));
  const mean: number[] = [];
  const variance: number[] = [];
  for (let k = 0; k < count; k++) {
    let s = 0;
    for (let i = 0; i < len; i++) s += at(k, i);
    const m = s / len;
    let v = 0;
    for (let i = 0; i < len; i++) v += (at(k, i) - m) ** 2;
    mean.push(m);
    variance.push(v / len);
  }
  return { mean, variance };
}

/** |a - b| <= atol + rtol * |b| elementwise (numpy's allclose). */
function expectClose(a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-7): void {
  expect(a.shape).toEqual(b.shape);
  for (let i = 0; i < b.data.length; i++) {
    if (!(Math.abs(a.data[i] - b.data[i]) <= atol + rtol * Math.abs(b.data[i]))) {
      throw new Error(`element ${i}: ${a.data[i]} vs ${b.data[i]}`);
    }
  }
}

const normCase = fc
  .record({ n: fc.integer({ min: 2, max: 8 }), d: fc.integer({ min: 1, max: 6 }) })
  .chain(({ n, d }) =>
    fc.record({
      x: tensorArb([n, d]),
      gamma: tensorArb([d]),
      beta: tensorArb([d]),
      dout: tensorArb([n, d]),
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

describe('dropout', () => {
  it('train mode keeps x / p or drops to 0, about a fraction p kept; test mode is the identity', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (p, seed) => {
          const size = 20000;
          const x = tensor(
            [100, size / 100],
            Float64Array.from({ length: size }, (_, i) => 1 + (i % 7)),
          );
          const [out, cache] = dropoutForward(x, { mode: 'train', p, seed });
          let kept = 0;
          let sum = 0;
          let wrong = 0;
          for (let i = 0; i < size; i++) {
            const v = out.data[i];
            if (v !== 0) {
              kept++;
              if (v !== x.data[i] * (1 / p)) wrong++;
            }
            sum += v;
          }
          expect(wrong).toBe(0);
          // Binomial(size, p): 6 standard deviations.
          const sd = Math.sqrt(size * p * (1 - p));
          expect(Math.abs(kept - size * p)).toBeLessThanOrEqual(6 * sd + 1e-9);
          // The expected value of the output is the input: E[sum(out)] = sum(x).
          let xs = 0;
          for (const v of x.data) xs += v;
          expect(Math.abs(sum - xs)).toBeLessThanOrEqual((6 * 7 * sd) / p + 1e-9);
          // Backward multiplies by the same mask.
          const dout = tensor(
            x.shape,
            Float64Array.from({ length: size }, (_, i) => i % 3),
          );
          const dx = dropoutBackward(dout, cache);
          let wrongDx = 0;
          for (let i = 0; i < size; i++) {
            if (dx.data[i] !== (out.data[i] === 0 ? 0 : dout.data[i] * (1 / p))) wrongDx++;
          }
          expect(wrongDx).toBe(0);
          const [same] = dropoutForward(x, { mode: 'test', p, seed });
          expect(Array.from(same.data)).toEqual(Array.from(x.data));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('the same seed gives the same mask', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const x = tensor(
          [10, 10],
          Float64Array.from({ length: 100 }, (_, i) => i + 1),
        );
        const [a] = dropoutForward(x, { mode: 'train', p: 0.5, seed });
        const [b] = dropoutForward(x, { mode: 'train', p: 0.5, seed });
        expect(Array.from(a.data)).toEqual(Array.from(b.data));
      }),
      { numRuns: 20 },
    );
  });
});

describe('FullyConnectedNet', () => {
  it('gradients match centred differences for random depths, normalizations and dropout', () => {
    const netCase = fc.record({
      hidden: fc.array(fc.integer({ min: 3, max: 6 }), { minLength: 0, maxLength: 3 }),
      normalization: fc.constantFrom(null, 'batchnorm', 'layernorm'),
      keep: fc.constantFrom(1, 0.7),
      reg: fc.constantFrom(0, 0.3),
      seed: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(netCase, ({ hidden, normalization, keep, reg, seed }) => {
        const rng = new RandomState(seed);
        const X = rng.randn(5, 4);
        const y = rng.randint(3, null, [5]);
        const model = new FullyConnectedNet(hidden, {
          inputDim: 4,
          numClasses: 3,
          weightScale: 0.5,
          normalization: normalization as 'batchnorm' | 'layernorm' | null,
          dropoutKeepRatio: keep,
          reg,
          seed: 7,
          rng,
        });
        // Non-zero biases and betas: with zero ones, a layer whose inputs are all dropped or
        // dead sits exactly on the ReLU's kink, where centred differences see half a slope.
        for (const [name, v] of Object.entries(model.params)) {
          if (/^(b|beta)\d/.test(name))
            for (let i = 0; i < v.data.length; i++) v.data[i] = rng.randn();
        }
        const [, grads] = model.loss(X, y);
        for (const [name, g] of Object.entries(grads)) {
          const num = evalNumericalGradient(() => model.loss(X, y)[0], model.params[name], false);
          // ReLU kinks and small normalized batches make a few elements noisy; compare with an
          // absolute tolerance on the gradient's scale.
          let scale = 1e-3;
          for (const v of num.data) scale = Math.max(scale, Math.abs(v));
          for (let i = 0; i < g.data.length; i++) {
            if (!(Math.abs(g.data[i] - num.data[i]) <= 1e-5 * scale)) {
              throw new Error(`${name}[${i}]: analytic ${g.data[i]} vs numerical ${num.data[i]}`);
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});

function ones(d: number): Tensor {
  return tensor([d], new Float64Array(d).fill(1));
}

function zeros(d: number): Tensor {
  return tensor([d]);
}
