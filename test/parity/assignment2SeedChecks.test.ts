/**
 * The seeded checks of assignment 2's FullyConnectedNets, BatchNormalization and Dropout notebooks,
 * with the notebooks' inputs and seeds, against the values the course's notebooks print. Losses
 * and statistics must agree to ~1e-12; relative errors of gradient checks are rounding noise, so
 * ours must be no worse than 10x the printed ones.
 */
import { describe, expect, it } from 'vitest';
import {
  abs,
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
  max,
  type Normalization,
  random,
  relError,
  sub,
  type Tensor,
  tensor,
} from '../../lib';
import { moments } from '../helpers/moments';

/** The course notebooks' printed values. */
const printed = {
  fcNet: {
    loss: { 0: 2.300479089768492, 3.14: 7.052114776533016 },
    errors: {
      0: { W1: 1.03e-7, W2: 2.21e-5, W3: 4.56e-7, b1: 4.66e-9, b2: 2.09e-9, b3: 1.69e-10 },
      3.14: { W1: 1.41e-8, W2: 6.87e-8, W3: 2.13e-8, b1: 1.48e-8, b2: 1.72e-9, b3: 2.38e-10 },
    },
  },
  bnNet: {
    loss: { 0: 2.2611955101340957, 3.14: 6.996533220108303 },
    errors: {
      0: {
        W1: 1.1e-4,
        W2: 3.07e-6,
        W3: 4.14e-10,
        b1: 2.22e-8,
        b2: 5.55e-9,
        b3: 1.02e-10,
        beta1: 7.33e-9,
        beta2: 1.89e-9,
        gamma1: 7.47e-9,
        gamma2: 3.35e-9,
      },
      3.14: {
        W1: 1.98e-6,
        W2: 2.28e-6,
        W3: 1.11e-8,
        b1: 5.55e-9,
        b2: 5.55e-9,
        b3: 2.1e-10,
        beta1: 6.32e-9,
        beta2: 4.23e-9,
        gamma1: 5.94e-9,
        gamma2: 3.72e-9,
      },
    },
  },
  dropoutNet: {
    loss: { 1: 2.300479089768492, 0.75: 2.302371489704412, 0.5: 2.30427592207859 },
    errors: {
      1: { W1: 1.03e-7, W2: 2.21e-5, W3: 4.56e-7, b1: 4.66e-9, b2: 2.09e-9, b3: 1.69e-10 },
      0.75: { W1: 1.85e-7, W2: 2.15e-6, W3: 4.56e-8, b1: 1.16e-8, b2: 1.82e-9, b3: 1.48e-10 },
      0.5: { W1: 3.11e-7, W2: 2.48e-8, W3: 6.43e-8, b1: 5.37e-9, b2: 1.91e-9, b3: 1.85e-10 },
    },
  },
  batchnormTrain: {
    before: {
      means: [-2.3814598, -13.18038246, 1.91780462],
      stds: [27.18502186, 34.21455511, 37.68611762],
    },
    unitStds: [0.99999999, 1, 1],
    scaledStds: [0.99999999, 1.99999999, 2.99999999],
  },
  batchnormTest: {
    means: [-0.03927353, -0.04349151, -0.10452686],
    stds: [1.01531399, 1.01238345, 0.97819961],
  },
  batchnormBackward: {
    dx: 1.6674619072581829e-9,
    dgamma: 7.378954934067588e-13,
    dbeta: 2.6853898000928757e-12,
  },
  batchnormAlt: { dx: 1.3630859035235324e-12 },
  layernormForward: {
    before: {
      means: [-59.06673243, -47.60782686, -43.31137368, -26.40991744],
      stds: [10.07429373, 28.39478981, 35.28360729, 4.01831507],
    },
    unitStds: [0.99999995, 0.99999999, 1, 0.99999969],
    scaledStds: [2.99999985, 2.99999998, 2.99999999, 2.99999907],
  },
  layernormBackward: {
    dx: 1.3050036229601683e-9,
    dgamma: 4.759518365681667e-12,
    dbeta: 2.6853898000928757e-12,
  },
  dropoutForward: {
    inputMean: 10.000207878477502,
    trainMean: { 0.25: 10.014059116977283, 0.4: 9.977917658761159, 0.7: 9.987811912159426 },
    zeroFraction: { 0.25: 0.749784, 0.4: 0.600796, 0.7: 0.30074 },
  },
  dropoutBackward: { dx: 5.44560814873387e-11 },
} as const;

const report: string[] = [];
function record(check: string, ours: number, course: number | string): void {
  report.push(`${check.padEnd(44)} ours ${String(ours).padEnd(24)} course ${course}`);
}

/** Per-column (axis 0) or per-row (axis 1) means and standard deviations, as numpy's. */
function meanStd(x: Tensor, axis: 0 | 1): { means: number[]; stds: number[] } {
  const { mean, variance } = moments(x, axis);
  return { means: mean, stds: variance.map(Math.sqrt) };
}

/** `relu(X W1) W2` after the draws of X (n, d1), W1 (d1, d2), W2 (d2, d3), as the notebooks do. */
function simulatedActivations(n: number, d1: number, d2: number, d3: number): Tensor {
  const X = random.randn(n, d1);
  const W1 = random.randn(d1, d2);
  const W2 = random.randn(d2, d3);
  return reluMatmul(X, W1, W2);
}

function reluMatmul(X: Tensor, W1: Tensor, W2: Tensor): Tensor {
  const [n, d1] = X.shape;
  const d2 = W1.shape[1];
  const d3 = W2.shape[1];
  const out = tensor([n, d3]);
  for (let i = 0; i < n; i++) {
    const h = new Float64Array(d2);
    for (let k = 0; k < d1; k++) {
      const xv = X.get(i, k);
      for (let j = 0; j < d2; j++) h[j] += xv * W1.get(k, j);
    }
    for (let j = 0; j < d2; j++) {
      const hv = Math.max(0, h[j]);
      for (let c = 0; c < d3; c++) out.set(i, c, out.get(i, c) + hv * W2.get(j, c));
    }
  }
  return out;
}

const vec = (v: number[]) => tensor([v.length], Float64Array.from(v));
const addScalar = (x: Tensor, a: number, s = 1): Tensor =>
  tensor(
    x.shape,
    Float64Array.from(x.data, (v) => s * v + a),
  );

function expectStats(ours: number[], course: readonly number[], digits: number): void {
  expect(ours).toHaveLength(course.length);
  ours.forEach((v, i) => {
    expect(v).toBeCloseTo(course[i], digits);
  });
}

/** The seeded net check of the three notebooks: initial losses and gradient-check errors. */
function netCheck(
  label: string,
  settings: { key: number; reg: number; normalization: Normalization; keep: number }[],
  want: {
    loss: Record<number, number>;
    errors: Record<number, Record<string, number>>;
  },
  seed?: number,
): void {
  random.seed(231);
  const [N, D, H1, H2, C] = [2, 15, 20, 30, 10];
  const X = random.randn(N, D);
  const y = random.randint(C, null, [N]);
  for (const { key, reg, normalization, keep } of settings) {
    const model = new FullyConnectedNet([H1, H2], {
      inputDim: D,
      numClasses: C,
      reg,
      weightScale: 5e-2,
      normalization,
      dropoutKeepRatio: keep,
      ...(seed === undefined ? {} : { seed }),
    });
    const [loss, grads] = model.loss(X, y);
    record(`${label} ${key}: initial loss`, loss, want.loss[key]);
    expect(Math.abs(loss - want.loss[key]) / want.loss[key]).toBeLessThan(1e-12);
    expect(Object.keys(grads).sort()).toEqual(Object.keys(want.errors[key]).sort());
    // Centred differences of a loss near `loss` carry rounding noise of about an ulp of the loss
    // over 2h. A gradient that is zero in theory (a bias followed by batch norm, which subtracts
    // it again) is all noise, and rel_error divides that noise by its 1e-8 floor: one ulp of
    // difference between f(x + h) and f(x - h) prints 2.2e-3 where the course's run printed
    // 2.2e-8 (no ulp). Such an error passes when the gradients differ by no more than a few ulps.
    const noiseFloor = (8 * Number.EPSILON * Math.abs(loss)) / (2 * 1e-5);
    for (const name of Object.keys(grads).sort()) {
      const num = evalNumericalGradient(() => model.loss(X, y)[0], model.params[name], false);
      const err = relError(num, grads[name]);
      const course = want.errors[key][name];
      if (err <= 10 * course) {
        record(`${label} ${key}: ${name} relative error`, err, course);
      } else {
        const diff = max(abs(sub(num, grads[name])));
        record(`${label} ${key}: ${name} relative error`, err, `${course} (|diff| ${diff})`);
        expect(
          diff,
          `${label} ${key}: ${name}: rel error ${err}, course ${course}`,
        ).toBeLessThanOrEqual(noiseFloor);
      }
    }
  }
}

describe("assignment 2's seeded notebook checks", () => {
  it('FullyConnectedNets: initial loss and gradient check, reg 0 and 3.14', () => {
    netCheck(
      'FullyConnectedNet reg',
      [0, 3.14].map((reg) => ({ key: reg, reg, normalization: null, keep: 1 })),
      printed.fcNet,
    );
  });

  it('BatchNormalization: train-time forward means and stds', () => {
    random.seed(231);
    const a = simulatedActivations(200, 50, 60, 3);
    const before = meanStd(a, 0);
    expectStats(before.means, printed.batchnormTrain.before.means, 7);
    expectStats(before.stds, printed.batchnormTrain.before.stds, 7);
    const [unit] = batchnormForward(a, vec([1, 1, 1]), vec([0, 0, 0]), { mode: 'train' });
    const u = meanStd(unit, 0);
    for (const m of u.means) expect(Math.abs(m)).toBeLessThan(1e-15);
    expectStats(u.stds, printed.batchnormTrain.unitStds, 8);
    const [scaled] = batchnormForward(a, vec([1, 2, 3]), vec([11, 12, 13]), { mode: 'train' });
    const s = meanStd(scaled, 0);
    expectStats(s.means, [11, 12, 13], 12);
    expectStats(s.stds, printed.batchnormTrain.scaledStds, 8);
    record('batchnorm train: stds (gamma 1)', u.stds[0], printed.batchnormTrain.unitStds[0]);
  });

  it('BatchNormalization: test-time forward after 50 warm-up passes', () => {
    random.seed(231);
    const W1 = random.randn(50, 60);
    const W2 = random.randn(60, 3);
    const bnParam = { mode: 'train' as 'train' | 'test' };
    const gamma = vec([1, 1, 1]);
    const beta = vec([0, 0, 0]);
    for (let t = 0; t < 50; t++) {
      batchnormForward(reluMatmul(random.randn(200, 50), W1, W2), gamma, beta, bnParam);
    }
    bnParam.mode = 'test';
    const [out] = batchnormForward(reluMatmul(random.randn(200, 50), W1, W2), gamma, beta, bnParam);
    const m = meanStd(out, 0);
    // Printed to 8 digits by a run whose test-time formula put eps outside the square root
    // (a difference of ~3e-7 relative): compare to 6 digits.
    expectStats(m.means, printed.batchnormTest.means, 6);
    expectStats(m.stds, printed.batchnormTest.stds, 6);
    record('batchnorm test: mean of feature 0', m.means[0], printed.batchnormTest.means[0]);
  });

  it('BatchNormalization: backward gradient check and the alternative backward', () => {
    random.seed(231);
    const x = addScalar(random.randn(4, 5), 12, 5);
    const gamma = random.randn(5);
    const beta = random.randn(5);
    const dout = random.randn(4, 5);
    const bnParam = { mode: 'train' as const };
    const dxNum = evalNumericalGradientArray(
      (v) => batchnormForward(v, gamma, beta, bnParam)[0],
      x,
      dout,
    );
    const daNum = evalNumericalGradientArray(
      (v) => batchnormForward(x, v, beta, bnParam)[0],
      gamma,
      dout,
    );
    const dbNum = evalNumericalGradientArray(
      (v) => batchnormForward(x, gamma, v, bnParam)[0],
      beta,
      dout,
    );
    const [, cache] = batchnormForward(x, gamma, beta, bnParam);
    const [dx, dgamma, dbeta] = batchnormBackward(dout, cache);
    const errs = {
      dx: relError(dxNum, dx),
      dgamma: relError(daNum, dgamma),
      dbeta: relError(dbNum, dbeta),
    };
    for (const k of ['dx', 'dgamma', 'dbeta'] as const) {
      record(`batchnormBackward ${k} error`, errs[k], printed.batchnormBackward[k]);
      expect(errs[k]).toBeLessThanOrEqual(10 * printed.batchnormBackward[k]);
    }

    random.seed(231);
    const x2 = addScalar(random.randn(100, 500), 12, 5);
    const g2 = random.randn(500);
    const b2 = random.randn(500);
    const dout2 = random.randn(100, 500);
    const [, cache2] = batchnormForward(x2, g2, b2, { mode: 'train' });
    const [dx1, dgamma1, dbeta1] = batchnormBackward(dout2, cache2);
    const [dx2, dgamma2, dbeta2] = batchnormBackwardAlt(dout2, cache2);
    const dxDiff = relError(dx1, dx2);
    record('batchnormBackwardAlt dx difference', dxDiff, printed.batchnormAlt.dx);
    expect(dxDiff).toBeLessThanOrEqual(10 * printed.batchnormAlt.dx);
    expect(relError(dgamma1, dgamma2)).toBe(0);
    expect(relError(dbeta1, dbeta2)).toBe(0);
  });

  it('BatchNormalization: the batch-normalized net, reg 0 and 3.14', () => {
    netCheck(
      'batchnorm net reg',
      [0, 3.14].map((reg) => ({ key: reg, reg, normalization: 'batchnorm' as const, keep: 1 })),
      printed.bnNet,
    );
  });

  it('BatchNormalization: layer norm forward means and stds per sample', () => {
    random.seed(231);
    const a = simulatedActivations(4, 50, 60, 3);
    const before = meanStd(a, 1);
    expectStats(before.means, printed.layernormForward.before.means, 7);
    expectStats(before.stds, printed.layernormForward.before.stds, 7);
    const [unit] = layernormForward(a, vec([1, 1, 1]), vec([0, 0, 0]), { mode: 'train' });
    const u = meanStd(unit, 1);
    for (const m of u.means) expect(Math.abs(m)).toBeLessThan(1e-14);
    expectStats(u.stds, printed.layernormForward.unitStds, 8);
    const [scaled] = layernormForward(a, vec([3, 3, 3]), vec([5, 5, 5]), { mode: 'train' });
    const s = meanStd(scaled, 1);
    expectStats(s.means, [5, 5, 5, 5], 12);
    expectStats(s.stds, printed.layernormForward.scaledStds, 8);
    record('layernorm: std of sample 3 (gamma 1)', u.stds[3], printed.layernormForward.unitStds[3]);
  });

  it('BatchNormalization: layer norm backward gradient check', () => {
    random.seed(231);
    const x = addScalar(random.randn(4, 5), 12, 5);
    const gamma = random.randn(5);
    const beta = random.randn(5);
    const dout = random.randn(4, 5);
    const dxNum = evalNumericalGradientArray((v) => layernormForward(v, gamma, beta)[0], x, dout);
    const daNum = evalNumericalGradientArray((v) => layernormForward(x, v, beta)[0], gamma, dout);
    const dbNum = evalNumericalGradientArray((v) => layernormForward(x, gamma, v)[0], beta, dout);
    const [, cache] = layernormForward(x, gamma, beta);
    const [dx, dgamma, dbeta] = layernormBackward(dout, cache);
    const errs = {
      dx: relError(dxNum, dx),
      dgamma: relError(daNum, dgamma),
      dbeta: relError(dbNum, dbeta),
    };
    for (const k of ['dx', 'dgamma', 'dbeta'] as const) {
      record(`layernormBackward ${k} error`, errs[k], printed.layernormBackward[k]);
      expect(errs[k]).toBeLessThanOrEqual(10 * printed.layernormBackward[k]);
    }
  });

  it('Dropout: forward statistics in train and test mode', () => {
    random.seed(231);
    const x = addScalar(random.randn(500, 500), 10);
    const want = printed.dropoutForward;
    for (const p of [0.25, 0.4, 0.7] as const) {
      const [out] = dropoutForward(x, { mode: 'train', p });
      const [outTest] = dropoutForward(x, { mode: 'test', p });
      const mean = (t: Tensor) => t.data.reduce((a, b) => a + b, 0) / t.data.length;
      const zeros = (t: Tensor) => t.data.filter((v) => v === 0).length / t.data.length;
      record(`dropout p ${p}: mean of train-time output`, mean(out), want.trainMean[p]);
      expect(Math.abs(mean(x) - want.inputMean) / want.inputMean).toBeLessThan(1e-12);
      expect(Math.abs(mean(out) - want.trainMean[p]) / want.trainMean[p]).toBeLessThan(1e-12);
      expect(mean(outTest)).toBe(mean(x));
      expect(zeros(out)).toBe(want.zeroFraction[p]);
      expect(zeros(outTest)).toBe(0);
    }
  });

  it('Dropout: backward gradient check', () => {
    random.seed(231);
    const x = addScalar(random.randn(10, 10), 10);
    const dout = random.randn(10, 10);
    const dropoutParam = { mode: 'train' as const, p: 0.2, seed: 123 };
    const [, cache] = dropoutForward(x, dropoutParam);
    const dx = dropoutBackward(dout, cache);
    const dxNum = evalNumericalGradientArray((v) => dropoutForward(v, dropoutParam)[0], x, dout);
    const err = relError(dx, dxNum);
    record('dropoutBackward dx error', err, printed.dropoutBackward.dx);
    expect(err).toBeLessThanOrEqual(10 * printed.dropoutBackward.dx);
  });

  it('Dropout: the net with dropout keep 1, 0.75, 0.5 (seed 123)', () => {
    netCheck(
      'dropout net keep',
      [1, 0.75, 0.5].map((keep) => ({ key: keep, reg: 0, normalization: null, keep })),
      printed.dropoutNet,
      123,
    );
  });

  it('prints every check beside the course value', () => {
    expect(report.length).toBeGreaterThanOrEqual(60);
    console.log(
      `\nAssignment 2 seed checks (ours vs the course's notebooks):\n${report.join('\n')}`,
    );
  });
});
