/**
 * Update rules against an independent numpy implementation of the assignment's formulas
 * (test/fixtures/optim, written by scripts/fixtures/make_optim_fixtures.py), to 1e-12 relative
 * error as the assignment defines it, plus the FullyConnectedNets notebook's printed values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contiguousData, type Tensor, tensor } from '../lib/core/tensor';
import {
  adam,
  type OptimConfig,
  rmsprop,
  sgd,
  sgdMomentum,
  type UpdateRule,
  updateRules,
} from '../lib/optim';

interface Arr {
  shape: number[];
  data: number[];
}
type JsonConfig = Record<string, number | Arr>;
interface Case {
  name: string;
  rule: keyof typeof updateRules;
  w: Arr;
  config: JsonConfig;
  steps: { dw: Arr; nextW: Arr; config: JsonConfig }[];
}

const fixture = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'optim', 'update_rules.json'), 'utf8'),
) as { meta: { numpy: string }; cases: Case[] };

const toTensor = (a: Arr): Tensor => tensor(a.shape, Float64Array.from(a.data));

/** The assignment's rel_error: max |x - y| / max(1e-8, |x| + |y|). */
function relError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  expect(x.length).toBe(y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.abs(x[i] - y[i]) / Math.max(1e-8, Math.abs(x[i]) + Math.abs(y[i]));
    if (!(e <= worst)) worst = e; // NaN propagates
  }
  return worst;
}

function toConfig(c: JsonConfig): OptimConfig {
  const out: Record<string, number | Tensor> = {};
  for (const [k, v] of Object.entries(c)) out[k] = typeof v === 'number' ? v : toTensor(v);
  return out as OptimConfig;
}

const linspace = (a: number, b: number, n: number): Float64Array =>
  Float64Array.from({ length: n }, (_, i) => (i === n - 1 ? b : a + ((b - a) * i) / (n - 1)));

describe(`update rules match numpy (numpy ${fixture.meta.numpy})`, () => {
  for (const c of fixture.cases) {
    it(`${c.rule}: ${c.name}`, () => {
      const rule: UpdateRule = updateRules[c.rule];
      let w = toTensor(c.w);
      let config: OptimConfig = toConfig(c.config);
      c.steps.forEach((step, k) => {
        const [nextW, nextConfig] = rule(w, toTensor(step.dw), config);
        expect(nextW.shape).toEqual(step.nextW.shape);
        expect(relError(contiguousData(nextW), step.nextW.data), `step ${k} nextW`).toBeLessThan(
          1e-12,
        );
        expect(Object.keys(nextConfig).sort(), `step ${k} config keys`).toEqual(
          Object.keys(step.config).sort(),
        );
        for (const [key, want] of Object.entries(step.config)) {
          const got = (nextConfig as Record<string, unknown>)[key];
          if (typeof want === 'number') {
            expect(got, `step ${k} config.${key}`).toBe(want);
          } else {
            const t = got as Tensor;
            expect(t.shape).toEqual(want.shape);
            expect(relError(contiguousData(t), want.data), `step ${k} config.${key}`).toBeLessThan(
              1e-12,
            );
          }
        }
        w = nextW;
        config = nextConfig;
      });
    });
  }
});

describe("the FullyConnectedNets notebook's printed values", () => {
  const N = 4;
  const D = 5;
  const lin = (a: number, b: number) => tensor([N, D], linspace(a, b, N * D));
  const w = lin(-0.4, 0.6);
  const dw = lin(-0.6, 0.4);
  // First rows of the notebook's expected arrays (8 significant digits; it asks for errors ~1e-8).
  it('sgdMomentum', () => {
    const [nextW, config] = sgdMomentum(w, dw, { learningRate: 1e-3, velocity: lin(0.6, 0.9) });
    const row = (t: Tensor) => contiguousData(t).slice(0, 5);
    expect(
      relError(row(nextW), [0.1406, 0.20738947, 0.27417895, 0.34096842, 0.40775789]),
    ).toBeLessThan(1e-7);
    expect(
      relError(row(config.velocity!), [0.5406, 0.55475789, 0.56891579, 0.58307368, 0.59723158]),
    ).toBeLessThan(1e-7);
  });
  it('rmsprop', () => {
    const [nextW, config] = rmsprop(w, dw, { learningRate: 1e-2, cache: lin(0.6, 0.9) });
    const row = (t: Tensor) => contiguousData(t).slice(0, 5);
    expect(
      relError(row(nextW), [-0.39223849, -0.34037513, -0.28849239, -0.23659121, -0.18467247]),
    ).toBeLessThan(1e-7);
    expect(
      relError(row(config.cache!), [0.5976, 0.6126277, 0.6277108, 0.64284931, 0.65804321]),
    ).toBeLessThan(1e-7);
  });
  it('adam', () => {
    const [nextW, config] = adam(w, dw, {
      learningRate: 1e-2,
      m: lin(0.6, 0.9),
      v: lin(0.7, 0.5),
      t: 5,
    });
    const row = (t: Tensor) => contiguousData(t).slice(0, 5);
    expect(
      relError(row(nextW), [-0.40094747, -0.34836187, -0.29577703, -0.24319299, -0.19060977]),
    ).toBeLessThan(1e-7);
    expect(
      relError(row(config.v!), [0.69966, 0.68908382, 0.67851319, 0.66794809, 0.65738853]),
    ).toBeLessThan(1e-7);
    expect(
      relError(row(config.m!), [0.48, 0.49947368, 0.51894737, 0.53842105, 0.55789474]),
    ).toBeLessThan(1e-7);
    expect(config.t).toBe(6);
  });
});

describe('update rule semantics', () => {
  const w = tensor([2, 2], Float64Array.from([1, 2, 3, 4]));
  const dw = tensor([2, 2], Float64Array.from([0.5, -0.5, 1, -1]));
  const freshW = () => tensor([2, 2], Float64Array.from([1, 2, 3, 4]));

  it('fill defaults into the config they were given and return it', () => {
    const cfg: OptimConfig = {};
    const [, out] = adam(w, dw, cfg);
    expect(out).toBe(cfg);
    expect(cfg).toMatchObject({
      learningRate: 1e-3,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      t: 1,
    });
    expect(sgd(freshW(), dw)[1]).toEqual({ learningRate: 1e-2 });
    expect(sgdMomentum(w, dw)[1]).toMatchObject({ learningRate: 1e-2, momentum: 0.9 });
    expect(rmsprop(w, dw)[1]).toMatchObject({ learningRate: 1e-2, decayRate: 0.99, epsilon: 1e-8 });
  });

  it('leave w, dw and the previous state tensors untouched', () => {
    const velocity = tensor([2, 2], Float64Array.from([1, 1, 1, 1]));
    const [nextW, cfg] = sgdMomentum(w, dw, { velocity });
    expect(Array.from(w.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(dw.data)).toEqual([0.5, -0.5, 1, -1]);
    expect(Array.from(velocity.data)).toEqual([1, 1, 1, 1]);
    expect(cfg.velocity).not.toBe(velocity);
    expect(nextW.get(0, 0)).toBe(1 + (0.9 - 1e-2 * 0.5));
  });

  it('sgd updates w in place, as the assignment does (w -= lr * dw)', () => {
    const v = freshW();
    const [next] = sgd(v, dw, { learningRate: 0.5 });
    expect(next).toBe(v);
    expect(Array.from(v.data)).toEqual([0.75, 2.25, 2.5, 4.5]);
    expect(Array.from(dw.data)).toEqual([0.5, -0.5, 1, -1]);
  });

  it('sgd on a strided view of w returns a fresh tensor and leaves the view alone', () => {
    const wT = tensor([2, 2], Float64Array.from([1, 3, 2, 4])).transpose(1, 0);
    const [next] = sgd(wT, dw, { learningRate: 0.5 });
    expect(next).not.toBe(wT);
    expect(Array.from(next.data)).toEqual([0.75, 2.25, 2.5, 4.5]);
    expect(Array.from(wT.data)).toEqual([1, 3, 2, 4]);
  });

  it('accept strided views (a transposed gradient)', () => {
    const dwT = tensor([2, 2], Float64Array.from([0.5, 1, -0.5, -1])).transpose(1, 0);
    expect(Array.from(sgd(freshW(), dwT)[0].data)).toEqual(Array.from(sgd(freshW(), dw)[0].data));
  });

  it('updateRules maps the assignment names', () => {
    expect(updateRules).toEqual({ sgd, sgd_momentum: sgdMomentum, rmsprop, adam });
  });
});

describe('update rule argument errors', () => {
  const w = tensor([2, 3]);
  const dw = tensor([2, 3]);
  it('mismatched shapes', () => {
    expect(() => sgd(w, tensor([3, 2]))).toThrow(
      /sgd: dw has shape \(3, 2\) but w has shape \(2, 3\)/,
    );
    expect(() => sgdMomentum(w, dw, { velocity: tensor([6]) })).toThrow(
      /sgdMomentum: config\.velocity has shape \(6,\) but w has shape/,
    );
    expect(() => rmsprop(w, dw, { cache: tensor([2, 2]) })).toThrow(/rmsprop: config\.cache/);
    expect(() => adam(w, dw, { m: tensor([2, 3]), v: tensor([3]) })).toThrow(
      /adam: config\.v has shape \(3,\) but w has shape \(2, 3\)/,
    );
  });
  it('bad learning rates name learningRate', () => {
    for (const rule of Object.values(updateRules)) {
      for (const lr of [0, -1e-3, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => rule(w, dw, { learningRate: lr })).toThrow(
          /learningRate must be a positive finite number/,
        );
      }
    }
    expect(() => sgd(w, dw, { learningRate: '1e-3' as unknown as number })).toThrow(
      /sgd: config\.learningRate must be a number/,
    );
  });
  it('bad hyperparameters and inputs', () => {
    expect(() => sgdMomentum(w, dw, { momentum: 1 })).toThrow(
      /sgdMomentum: config\.momentum must be in \[0, 1\)/,
    );
    expect(() => rmsprop(w, dw, { decayRate: 1.5 })).toThrow(/rmsprop: config\.decayRate/);
    expect(() => rmsprop(w, dw, { epsilon: -1 })).toThrow(/rmsprop: config\.epsilon/);
    expect(() => adam(w, dw, { beta2: -0.1 })).toThrow(/adam: config\.beta2/);
    expect(() => adam(w, dw, { t: 1.5 })).toThrow(/adam: config\.t/);
    expect(() => sgd([1, 2] as unknown as Tensor, dw)).toThrow(/sgd: w must be an ndarray/);
    expect(() => sgd(w, dw, 5 as unknown as OptimConfig)).toThrow(/sgd: config must be an object/);
  });
});
