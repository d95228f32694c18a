/**
 * ThreeLayerConvNet: numpy parity of its seeded initialisation, scores, loss and gradients
 * (test/fixtures/conv/cnn.json) on every compute backend, the sanity losses, centred differences
 * and the argument checks.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  availableBackends,
  type BackendName,
  evalNumericalGradient,
  RandomState,
  random,
  relError,
  setBackend,
  type Tensor,
  ThreeLayerConvNet,
  tensor,
} from '../../lib';
import { type Arr, expectCloseTo, loadConvFixture, toTensor } from '../helpers/convFixture';

interface CnnCase {
  name: string;
  seed: number;
  options: {
    inputDim: [number, number, number];
    numFilters: number;
    filterSize: number;
    hiddenDim: number;
    numClasses: number;
    weightScale: number;
    reg: number;
  };
  X: Arr;
  y: number[];
  params: Record<string, Arr>;
  scores: Arr;
  loss: number;
  grads: Record<string, Arr>;
}

const fixture = loadConvFixture<{ cases: CnnCase[] }>('cnn.json');
const NAMES = ['W1', 'b1', 'W2', 'b2', 'W3', 'b3'];

const original = process.env.CS231N_BACKEND;
afterAll(() => {
  if (original === undefined) setBackend(availableBackends()[0]);
  else setBackend(original as BackendName);
});

describe.each(availableBackends())(
  `ThreeLayerConvNet matches numpy ${fixture.meta.numpy} on backend %s`,
  (backend) => {
    for (const c of fixture.cases) {
      it(c.name, () => {
        setBackend(backend);
        // As the notebook: seed, draw X and y, then build the net (its weights come next). The
        // draws equal numpy's except where glibc's log rounds the wrong way (a few in 10,000
        // Gaussian pairs, 1 ulp; see lib/core/random/log.ts): compared to 1e-15 here, and the
        // loss is then computed from numpy's exact values.
        random.seed(c.seed);
        const drawn = random.randn(c.X.shape[0], ...c.options.inputDim);
        expectCloseTo(drawn, c.X, 'X', 1e-15);
        const y = random.randint(c.options.numClasses, null, c.y.length);
        expect(Array.from(y)).toEqual(c.y);
        const net = new ThreeLayerConvNet(c.options);
        for (const name of NAMES) {
          expectCloseTo(net.params[name], c.params[name], name, 1e-15);
          net.params[name] = toTensor(c.params[name]);
        }
        const X = toTensor(c.X);
        expectCloseTo(net.loss(X), c.scores, 'scores');
        const [loss, grads] = net.loss(X, y);
        expect(Math.abs(loss - c.loss)).toBeLessThanOrEqual(1e-12 * Math.abs(c.loss));
        expect(Object.keys(grads).sort()).toEqual([...NAMES].sort());
        for (const name of NAMES) expectCloseTo(grads[name], c.grads[name], `d${name}`);
      });
    }
  },
);

describe('ThreeLayerConvNet', () => {
  it('with small weights, the loss is about log(10) and grows with reg', () => {
    const rng = new RandomState(0);
    const net = new ThreeLayerConvNet({ inputDim: [3, 8, 8], numFilters: 4, hiddenDim: 10, rng });
    const X = rng.randn(6, 3, 8, 8);
    const y = rng.randint(10, null, 6);
    const [loss] = net.loss(X, y);
    expect(Math.abs(loss - Math.log(10))).toBeLessThan(1e-3);
    net.reg = 0.5;
    const [regularised] = net.loss(X, y);
    expect(regularised).toBeGreaterThan(loss);
  });

  it('its gradients agree with centred differences', () => {
    const rng = new RandomState(231);
    const X = rng.randn(2, 2, 6, 4);
    const y = rng.randint(5, null, 2);
    const net = new ThreeLayerConvNet({
      inputDim: [2, 6, 4],
      numFilters: 3,
      filterSize: 3,
      hiddenDim: 7,
      numClasses: 5,
      weightScale: 0.3,
      reg: 0.1,
      rng,
    });
    const [, grads] = net.loss(X, y);
    for (const name of NAMES) {
      const numeric = evalNumericalGradient(() => net.loss(X, y)[0], net.params[name], false, 1e-6);
      expect(relError(numeric, grads[name]), name).toBeLessThan(1e-6);
    }
  });

  it.each([
    [
      'an even filterSize',
      () => new ThreeLayerConvNet({ filterSize: 4 }),
      /ThreeLayerConvNet: filterSize must be odd so that the padding \(filterSize - 1\) \/ 2 preserves the input size, got 4/,
    ],
    [
      'an odd input height',
      () => new ThreeLayerConvNet({ inputDim: [3, 31, 32] }),
      /ThreeLayerConvNet: inputDim \[3, 31, 32\] must have an even height and width/,
    ],
    [
      'inputDim with two entries',
      () => new ThreeLayerConvNet({ inputDim: [32, 32] as never }),
      /ThreeLayerConvNet: inputDim must be \[C, H, W\], three positive integers, got \[32,32\]/,
    ],
    [
      "the course's snake_case option",
      () => new ThreeLayerConvNet({ num_filters: 3 } as never),
      /ThreeLayerConvNet: unknown option 'num_filters' in options; did you mean 'numFilters'\?/,
    ],
    [
      'a negative reg',
      () => new ThreeLayerConvNet({ reg: -1 }),
      /ThreeLayerConvNet: reg must be a finite number >= 0, got -1/,
    ],
  ])('rejects %s', (_what, call, message) => {
    expect(call).toThrow(message);
  });

  it('loss rejects images of another size or channel count, and NaN in X', () => {
    const net = new ThreeLayerConvNet({ inputDim: [3, 8, 8], numFilters: 2, hiddenDim: 4 });
    expect(() => net.loss(tensor([2, 3, 6, 8]))).toThrow(
      /ThreeLayerConvNet.loss: X of shape \(2, 3, 6, 8\) does not fit W1 of shape \(2, 3, 7, 7\) and W2 of shape \(32, 4\)/,
    );
    expect(() => net.loss(tensor([2, 1, 8, 8]))).toThrow(/expected \(N, 3, H, W\)/);
    expect(() => net.loss(tensor([3, 64]))).toThrow(
      /ThreeLayerConvNet.loss: X must have 4 dimensions, got shape \(3, 64\)/,
    );
    const X: Tensor = tensor([1, 3, 8, 8]);
    X.data[5] = Number.NaN;
    expect(() => net.loss(X, [0])).toThrow(/ThreeLayerConvNet.loss: X/);
  });
});
