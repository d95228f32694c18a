/**
 * Settings are never silently ignored: an option a function does not know is an error naming it
 * and the name that was probably meant, as the assignment's Solver raises on unrecognised
 * arguments.
 */
import { describe, expect, it } from 'vitest';
import {
  adam,
  affineBackward,
  affineForward,
  RandomState,
  rmsprop,
  Solver,
  sgd,
  sgdMomentum,
  TwoLayerNet,
  tensor,
} from '../../lib';
import { matmul } from '../../lib/backends';
import { liveTrainingView } from '../../lib/notebook/liveView';

const X = tensor(
  [20, 4],
  Float64Array.from({ length: 80 }, (_, i) => Math.sin(i)),
);
const y = Int32Array.from({ length: 20 }, (_, i) => i % 3);
const data = { X_train: X, y_train: y, X_val: X, y_val: y };
const model = () =>
  new TwoLayerNet({ inputDim: 4, hiddenDim: 5, numClasses: 3, rng: new RandomState(0) });

describe('Solver options', () => {
  it.each([
    [
      { learningRate: 1e-3 },
      "unknown option 'learningRate' in options; did you mean 'optimConfig.learningRate'?",
    ],
    [
      { learning_rate: 1e-3 },
      "unknown option 'learning_rate' in options; did you mean 'optimConfig.learningRate'?",
    ],
    [
      { momentum: 0.9 },
      "unknown option 'momentum' in options; did you mean 'optimConfig.momentum'?",
    ],
    [{ num_epochs: 5 }, "unknown option 'num_epochs' in options; did you mean 'numEpochs'?"],
    [{ batch_size: 5 }, "unknown option 'batch_size' in options; did you mean 'batchSize'?"],
    [{ lr_decay: 0.9 }, "unknown option 'lr_decay' in options; did you mean 'lrDecay'?"],
    [
      { update_rule: 'adam' },
      "unknown option 'update_rule' in options; did you mean 'updateRule'?",
    ],
    [{ optim_config: {} }, "unknown option 'optim_config' in options; did you mean 'optimConfig'?"],
    [{ numEpoch: 5 }, "unknown option 'numEpoch' in options; did you mean 'numEpochs'?"],
    [{ NumEpochs: 5 }, "unknown option 'NumEpochs' in options; did you mean 'numEpochs'?"],
    [{ printevery: 5 }, "unknown option 'printevery' in options; did you mean 'printEvery'?"],
    [
      { checkpoint_name: 'x' },
      "unknown option 'checkpoint_name' in options; did you mean 'checkpointName'?",
    ],
  ])('%o is refused with a suggestion', (options, message) => {
    expect(() => new Solver(model(), data, options as never)).toThrow(`Solver: ${message}`);
  });

  it('lists the known options when nothing is close', () => {
    expect(() => new Solver(model(), data, { gpu: true } as never)).toThrow(
      /^Solver: unknown option 'gpu' in options \(known: updateRule, optimConfig, lrDecay, batchSize, numEpochs, /,
    );
  });

  it('refuses optimConfig keys the chosen update rule does not read', () => {
    expect(() => new Solver(model(), data, { optimConfig: { learning_rate: 1 } } as never)).toThrow(
      "Solver: unknown option 'learning_rate' in optimConfig; did you mean 'learningRate'? (known: learningRate)",
    );
    // momentum means nothing to plain sgd: it would be dropped
    expect(
      () => new Solver(model(), data, { optimConfig: { learningRate: 1, momentum: 0.9 } }),
    ).toThrow("Solver: unknown option 'momentum' in optimConfig (known: learningRate)");
    expect(
      () => new Solver(model(), data, { updateRule: 'adam', optimConfig: { beta: 0.9 } } as never),
    ).toThrow("Solver: unknown option 'beta' in optimConfig; did you mean 'beta1'?");
    // every key a rule reads is accepted
    const ok = new Solver(model(), data, {
      updateRule: 'adam',
      optimConfig: { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
      batchSize: 10,
      verbose: false,
    });
    ok.train();
    expect(ok.lossHistory.length).toBeGreaterThan(0);
  });

  it('refuses options that are not an object', () => {
    expect(() => new Solver(model(), data, 5 as never)).toThrow(
      'Solver: options must be an object, got number',
    );
    expect(() => new Solver(model(), data, [] as never)).toThrow(
      'Solver: options must be an object, got an array',
    );
  });

  it("accepts liveTrainingView's callbacks spread into the options, as the notebook does", () => {
    const view = liveTrainingView({ chart: false, printLog: false });
    expect(Object.keys({ ...view }).sort()).toEqual(['log', 'onEnd', 'onEpoch', 'onIteration']);
    expect(typeof view.finish).toBe('function');
    expect(() => new Solver(model(), data, { batchSize: 10, ...view })).not.toThrow();
  });

  it('accepts the data dictionary of getCIFAR10Data, which also holds the test set', () => {
    const withTest = { ...data, X_test: X, y_test: y };
    expect(() => new Solver(model(), withTest, { verbose: false, batchSize: 10 })).not.toThrow();
  });
});

describe('TwoLayerNet options', () => {
  it.each([
    [{ hidden_dim: 10 }, "unknown option 'hidden_dim' in options; did you mean 'hiddenDim'?"],
    [{ input_dim: 10 }, "unknown option 'input_dim' in options; did you mean 'inputDim'?"],
    [{ num_classes: 10 }, "unknown option 'num_classes' in options; did you mean 'numClasses'?"],
    [{ weight_scale: 1 }, "unknown option 'weight_scale' in options; did you mean 'weightScale'?"],
    [{ hiddenSize: 10 }, "unknown option 'hiddenSize' in options; did you mean 'hiddenDim'?"],
    [{ std: 1e-4 }, "unknown option 'std' in options; did you mean 'weightScale'?"],
    [{ hiddenDims: [10] }, "unknown option 'hiddenDims' in options; did you mean 'hiddenDim'?"],
    [{ regularization: 0.1 }, "unknown option 'regularization' in options (known: inputDim,"],
  ])('%o is refused with a suggestion', (options, message) => {
    expect(() => new TwoLayerNet(options as never)).toThrow(`TwoLayerNet: ${message}`);
  });
});

describe('options of matmul and affineBackward', () => {
  it('refuse a misspelt flag instead of computing without it', () => {
    const a = tensor([2, 3]);
    expect(() => matmul(a, a, { transpose: true } as never)).toThrow(
      "matmul: unknown option 'transpose' in options (known: transA, transB)",
    );
    expect(() => matmul(a, a, { transb: true } as never)).toThrow(
      "matmul: unknown option 'transb' in options; did you mean 'transB'?",
    );
    expect(matmul(a, a, { transB: true }).shape).toEqual([2, 2]);
    const [, cache] = affineForward(tensor([2, 3]), tensor([3, 4]), tensor([4]));
    expect(() => affineBackward(tensor([2, 4]), cache, { inputGrad: false } as never)).toThrow(
      "affineBackward: unknown option 'inputGrad' in options; did you mean 'inputGradient'?",
    );
    expect(affineBackward(tensor([2, 4]), cache, { inputGradient: false })[0]).toBeNull();
  });
});

describe('update rules called directly', () => {
  const w = tensor([2], Float64Array.of(1, 2));
  const dw = tensor([2], Float64Array.of(1, 1));
  it('refuse a config key they would ignore', () => {
    expect(() => sgd(w, dw, { learning_rate: 0.1 } as never)).toThrow(
      "sgd: unknown option 'learning_rate' in config; did you mean 'learningRate'?",
    );
    expect(() => sgdMomentum(w, dw, { learningRate: 0.1, mu: 0.9 } as never)).toThrow(
      "sgdMomentum: unknown option 'mu' in config",
    );
    expect(() => rmsprop(w, dw, { decay: 0.9 } as never)).toThrow(
      "rmsprop: unknown option 'decay' in config; did you mean 'decayRate'?",
    );
    expect(() => adam(w, dw, { eps: 1e-8 } as never)).toThrow(
      "adam: unknown option 'eps' in config",
    );
  });

  it('accept the config they return (state included) on the next call', () => {
    let config = {};
    let next = w;
    for (let i = 0; i < 3; i++) [next, config] = adam(next, dw, config);
    expect(Object.keys(config).sort()).toEqual([
      'beta1',
      'beta2',
      'epsilon',
      'learningRate',
      'm',
      't',
      'v',
    ]);
  });
});
