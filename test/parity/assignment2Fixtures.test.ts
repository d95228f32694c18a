/**
 * Assignment 2's layers and FullyConnectedNet against numpy: test/fixtures/assignment2, written by
 * scripts/fixtures/make_assignment2_fixtures.py (an independent numpy implementation run on the
 * notebooks' seeded inputs and on random ones).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BatchnormParam,
  batchnormBackward,
  batchnormBackwardAlt,
  batchnormForward,
  dropoutBackward,
  dropoutForward,
  FullyConnectedNet,
  layernormBackward,
  layernormForward,
  mean,
  type Normalization,
  random,
  type Tensor,
  tensor,
} from '../../lib';

interface Arr {
  shape: number[];
  data: number[];
}
const load = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'assignment2', name), 'utf8'));
const toTensor = (a: Arr): Tensor => tensor(a.shape, Float64Array.from(a.data));

/** Same shape, and max |ours - want| <= tol * max(1, max |want|). */
function expectClose(ours: Tensor, want: Arr, what: string, tol = 1e-12): void {
  expect(ours.shape, what).toEqual(want.shape);
  let scale = 1;
  for (const v of want.data) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) {
    const e = Math.abs(ours.data[ours.offset + i] - want.data[i]);
    if (!(e <= worst)) worst = e;
  }
  if (!(worst <= tol * scale)) {
    throw new Error(`${what}: max difference ${worst} > ${tol} * ${scale}`);
  }
}

interface NormCase {
  name: string;
  x: Arr;
  gamma: Arr;
  beta: Arr;
  dout: Arr;
  param: Record<string, string | number | Arr>;
  out: Arr;
  runningMean?: Arr;
  runningVar?: Arr;
  dx: Arr;
  dgamma: Arr;
  dbeta: Arr;
}

const norm = load('normalization.json') as {
  meta: { numpy: string };
  batchnorm: NormCase[];
  layernorm: NormCase[];
};

describe(`batch and layer normalization match numpy ${norm.meta.numpy}`, () => {
  for (const c of norm.batchnorm) {
    it(`batchnorm: ${c.name}`, () => {
      const p = c.param;
      const bnParam: BatchnormParam = { mode: p.mode as 'train' | 'test' };
      if (p.eps !== undefined) bnParam.eps = p.eps as number;
      if (p.momentum !== undefined) bnParam.momentum = p.momentum as number;
      if (p.running_mean !== undefined) bnParam.runningMean = toTensor(p.running_mean as Arr);
      if (p.running_var !== undefined) bnParam.runningVar = toTensor(p.running_var as Arr);
      const gamma = toTensor(c.gamma);
      const [out, cache] = batchnormForward(toTensor(c.x), gamma, toTensor(c.beta), bnParam);
      expectClose(out, c.out, 'out');
      expectClose(bnParam.runningMean as Tensor, c.runningMean as Arr, 'runningMean');
      expectClose(bnParam.runningVar as Tensor, c.runningVar as Arr, 'runningVar');
      for (const [label, backward] of [
        ['batchnormBackward', batchnormBackward],
        ['batchnormBackwardAlt', batchnormBackwardAlt],
      ] as const) {
        const [dx, dgamma, dbeta] = backward(toTensor(c.dout), cache);
        expectClose(dx, c.dx, `${label} dx`, 1e-10);
        expectClose(dgamma, c.dgamma, `${label} dgamma`);
        expectClose(dbeta, c.dbeta, `${label} dbeta`);
      }
    });
  }
  for (const c of norm.layernorm) {
    it(`layernorm: ${c.name}`, () => {
      const lnParam = c.param.eps === undefined ? {} : { eps: c.param.eps as number };
      const [out, cache] = layernormForward(
        toTensor(c.x),
        toTensor(c.gamma),
        toTensor(c.beta),
        lnParam,
      );
      expectClose(out, c.out, 'out');
      const [dx, dgamma, dbeta] = layernormBackward(toTensor(c.dout), cache);
      expectClose(dx, c.dx, 'dx', 1e-10);
      expectClose(dgamma, c.dgamma, 'dgamma');
      expectClose(dbeta, c.dbeta, 'dbeta');
    });
  }
});

const drop = load('dropout.json') as {
  meta: { numpy: string };
  cases: { name: string; x: Arr; dout: Arr; p: number; seed: number; out: Arr; dx: Arr }[];
  notebookStats: { p: number; inputMean: number; trainMean: number; trainZeroFraction: number }[];
};

describe(`dropout matches numpy ${drop.meta.numpy}`, () => {
  for (const c of drop.cases) {
    it(c.name, () => {
      const [out, cache] = dropoutForward(toTensor(c.x), { mode: 'train', p: c.p, seed: c.seed });
      // The mask is exact (same uniform draws), so the outputs are equal to the last bit.
      expectClose(out, c.out, 'out', 0);
      expectClose(dropoutBackward(toTensor(c.dout), cache), c.dx, 'dx', 0);
    });
  }
  it("the Dropout notebook's statistics of a 500 x 500 input (seed 231)", () => {
    random.seed(231);
    const x = random.randn(500, 500);
    for (let i = 0; i < x.data.length; i++) x.data[i] += 10;
    for (const s of drop.notebookStats) {
      expect(mean(x)).toBeCloseTo(s.inputMean, 11);
      const [out] = dropoutForward(x, { mode: 'train', p: s.p });
      expect(mean(out)).toBeCloseTo(s.trainMean, 11);
      expect(out.data.filter((v) => v === 0).length / out.data.length).toBe(s.trainZeroFraction);
    }
  });
});

interface NetCase {
  name: string;
  hiddenDims: number[];
  inputDim: number;
  numClasses: number;
  weightScale: number;
  reg: number;
  normalization: Normalization;
  dropoutKeepRatio: number;
  seed: number | null;
  initSeed: number | null;
  X: Arr;
  y: number[];
  loss: number;
  grads: Record<string, Arr>;
}

const nets = load('fc_net.json') as { meta: { numpy: string }; cases: NetCase[] };

describe(`FullyConnectedNet matches numpy ${nets.meta.numpy}`, () => {
  // The cases run in order: one without initSeed continues the generator of the one before, as
  // the notebook's loops do.
  it('losses and gradients of every case, the generator carried from case to case', () => {
    let X: Tensor | null = null;
    let y: Int32Array | null = null;
    for (const c of nets.cases) {
      if (c.initSeed !== null) {
        random.seed(c.initSeed);
        X = random.randn(...c.X.shape);
        y = random.randint(c.numClasses, null, [c.y.length]);
      }
      expectClose(X as Tensor, c.X, `${c.name}: X`, 0);
      expect(Array.from(y as Int32Array), `${c.name}: y`).toEqual(c.y);
      const model = new FullyConnectedNet(c.hiddenDims, {
        inputDim: c.inputDim,
        numClasses: c.numClasses,
        weightScale: c.weightScale,
        reg: c.reg,
        normalization: c.normalization,
        dropoutKeepRatio: c.dropoutKeepRatio,
        ...(c.seed === null ? {} : { seed: c.seed }),
      });
      const [loss, grads] = model.loss(X as Tensor, y as Int32Array);
      expect(Math.abs(loss - c.loss) / c.loss, `${c.name}: loss`).toBeLessThan(1e-12);
      expect(Object.keys(grads).sort(), c.name).toEqual(Object.keys(c.grads).sort());
      for (const [name, want] of Object.entries(c.grads)) {
        expectClose(grads[name], want, `${c.name}: d${name}`, 1e-10);
      }
    }
  });
});
