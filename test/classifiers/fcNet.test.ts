/** FullyConnectedNet (lib/classifiers/fcNet.ts): its gradients and its loss. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evalNumericalGradient,
  FullyConnectedNet,
  RandomState,
  TwoLayerNet,
  tensor,
} from '../../lib';
import { expectAllClose } from '../helpers/arbitraries';

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

/** Scores and mean softmax loss of affine - relu - affine, written out with plain loops. */
function twoLayerReference(
  X: number[][],
  W1: number[][],
  b1: number[],
  W2: number[][],
  b2: number[],
  y: number[],
  reg: number,
): { scores: number[][]; loss: number } {
  const affine = (a: number[][], w: number[][], b: number[]) =>
    a.map((row) => b.map((bj, j) => row.reduce((s, v, k) => s + v * w[k][j], bj)));
  const hidden = affine(X, W1, b1).map((row) => row.map((v) => Math.max(0, v)));
  const scores = affine(hidden, W2, b2);
  let loss = 0;
  scores.forEach((row, i) => {
    const z = row.reduce((s, v) => s + Math.exp(v), 0);
    loss -= Math.log(Math.exp(row[y[i]]) / z);
  });
  const squares = [...W1, ...W2].flat().reduce((s, v) => s + v * v, 0);
  return { scores, loss: loss / X.length + 0.5 * reg * squares };
}

describe('TwoLayerNet and FullyConnectedNet on given weights', () => {
  const X = [
    [1, -2],
    [0.5, 3],
    [-1, 0],
  ];
  const W1 = [
    [0.2, -0.5, 1],
    [0.3, 0.1, -0.4],
  ];
  const b1 = [0.1, 0, -0.2];
  const W2 = [
    [1, -1],
    [0.5, 0.25],
    [-0.75, 2],
  ];
  const b2 = [0, 0.3];
  const y = [1, 0, 1];
  const t = (rows: number[][]) =>
    tensor([rows.length, rows[0].length], Float64Array.from(rows.flat()));
  const v = (xs: number[]) => tensor([xs.length], Float64Array.from(xs));
  const given = () => ({ W1: t(W1), b1: v(b1), W2: t(W2), b2: v(b2) });

  it('TwoLayerNet: scores and loss (with L2 regularisation) as written out by hand', () => {
    const reg = 0.1;
    const net = new TwoLayerNet({ inputDim: 2, hiddenDim: 3, numClasses: 2, reg });
    Object.assign(net.params, given());
    const ref = twoLayerReference(X, W1, b1, W2, b2, y, reg);
    const scores = net.loss(t(X));
    expectAllClose(scores, t(ref.scores), 1e-14, 1e-15);
    const [loss, grads] = net.loss(t(X), y);
    expect(loss).toBeCloseTo(ref.loss, 13);
    expect(Object.keys(grads).sort()).toEqual(['W1', 'W2', 'b1', 'b2']);
  });

  it('FullyConnectedNet with one hidden layer is the same net', () => {
    const reg = 0.1;
    const net = new FullyConnectedNet([3], { inputDim: 2, numClasses: 2, reg });
    Object.assign(net.params, given());
    const ref = twoLayerReference(X, W1, b1, W2, b2, y, reg);
    expectAllClose(net.loss(t(X)), t(ref.scores), 1e-14, 1e-15);
    const [loss] = net.loss(t(X), y);
    expect(loss).toBeCloseTo(ref.loss, 13);
  });
});
