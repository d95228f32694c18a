/**
 * How tensors, models and the Solver print (lib/core/inspect.ts): Node's util.inspect, which tslab
 * prints a cell's value with, shows their shapes and settings, never their typed arrays' contents.
 * (Deno's console honours the same method: test/deno.test.ts.)
 */
import { inspect } from 'node:util';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  FullyConnectedNet,
  KNearestNeighbor,
  LinearSVM,
  random,
  Softmax,
  Solver,
  TwoLayerNet,
  tensor,
} from '../../lib';
import { describeTensor, MAX_INSPECTED_RANK, MAX_PRINTED_ELEMENTS } from '../../lib/core/inspect';

/** A printed value's text shows no typed array and no long run of numbers. */
function expectNoDump(text: string): void {
  expect(text).not.toMatch(/Float64Array|Float32Array|Int32Array|Uint8Array/);
  expect(text).not.toMatch(/(-?\d+(\.\d+)?(e-?\d+)?,\s*){12}/);
}

describe('tensors print as their dtype and shape', () => {
  it('a large tensor of every rank up to the limit: its shape only, whatever its values', () => {
    for (let rank = 1; rank <= MAX_INSPECTED_RANK; rank++) {
      const shape = Array.from({ length: rank }, (_, i) => (i === 0 ? 30 : 2));
      const x = random.randn(...shape);
      const text = inspect(x);
      expect(text).toBe(`ndarray float64 (${shape.join(', ')}${rank === 1 ? ',' : ''})`);
      expect(inspect({ x }, { depth: 5 })).toBe(`{ x: ${text} }`);
    }
  });

  it('a small tensor also shows its values, nested as its shape, strided views included', () => {
    const x = ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(inspect(x)).toBe('ndarray float64 (2, 3) [[1, 2, 3], [4, 5, 6]]');
    expect(inspect(x.transpose(1, 0))).toBe('ndarray float64 (3, 2) [[1, 4], [2, 5], [3, 6]]');
    expect(inspect(x.pick(1, null))).toBe('ndarray float64 (3,) [4, 5, 6]');
    expect(inspect(x.pick(0, 2))).toBe('ndarray float64 () 3');
    expect(inspect(ndarray(new Int32Array([7, 8]), [2]))).toBe('ndarray int32 (2,) [7, 8]');
    expect(inspect(ndarray(new Float32Array(0), []))).toMatch(/^ndarray float32 \(\) /);
    const limit = tensor([MAX_PRINTED_ELEMENTS]);
    expect(describeTensor(limit)).toMatch(/\[0(, 0)+\]$/);
    expect(describeTensor(tensor([MAX_PRINTED_ELEMENTS + 1]))).toBe(
      `ndarray float64 (${MAX_PRINTED_ELEMENTS + 1},)`,
    );
  });

  it('adds nothing to the tensor itself (the method sits on the class ndarray generated)', () => {
    const x = tensor([2, 2]);
    expect(Object.getOwnPropertySymbols(x)).toEqual([]);
    expect(Object.keys(x).sort()).toEqual(['data', 'offset', 'shape', 'stride']);
    expect(x.constructor.name).toBe('View2dfloat64');
  });
});

describe('models and the Solver print as their settings and shapes', () => {
  const X = random.randn(40, 3, 4, 4);
  const y = new Int32Array(40).map((_, i) => i % 10);

  it('TwoLayerNet and FullyConnectedNet', () => {
    const net = new TwoLayerNet({ inputDim: 48, hiddenDim: 7, numClasses: 10, reg: 0.5 });
    expect(inspect(net)).toBe(
      'TwoLayerNet { params: { W1: (48, 7), b1: (7,), W2: (7, 10), b2: (10,) }, reg: 0.5 }',
    );
    const fc = new FullyConnectedNet([5], {
      inputDim: 48,
      numClasses: 3,
      normalization: 'layernorm',
      dropoutKeepRatio: 0.75,
    });
    expect(inspect(fc)).toBe(
      "FullyConnectedNet { numLayers: 2, normalization: 'layernorm', dropoutKeepRatio: 0.75, " +
        'reg: 0, params: { W1: (48, 5), b1: (5,), gamma1: (5,), beta1: (5,), W2: (5, 3), b2: (3,) } }',
    );
  });

  it('the classifiers, before and after training', () => {
    const knn = new KNearestNeighbor();
    expect(inspect(knn)).toBe('KNearestNeighbor { XTrain: null, yTrain: null }');
    knn.train(random.randn(30, 6), y.subarray(0, 30));
    expect(inspect(knn)).toBe(
      'KNearestNeighbor { XTrain: ndarray float64 (30, 6), yTrain: Int32Array(30) }',
    );
    const svm = new LinearSVM();
    expect(inspect(svm)).toBe('LinearSVM { W: null }');
    svm.train(random.randn(30, 6), y.subarray(0, 30), { numIters: 1, batchSize: 5 });
    expect(inspect(svm)).toBe('LinearSVM { W: ndarray float64 (6, 10) }');
    expect(inspect(new Softmax())).toBe('Softmax { W: null }');
  });

  it('the Solver: settings, the model, the data as shapes, the progress', () => {
    const model = new TwoLayerNet({ inputDim: 48, hiddenDim: 6, numClasses: 10 });
    const solver = new Solver(
      model,
      { X_train: X, y_train: y, X_val: X, y_val: y },
      {
        updateRule: 'sgd',
        optimConfig: { learningRate: 1e-3 },
        batchSize: 20,
        numEpochs: 4,
        verbose: false,
      },
    );
    solver.train();
    const text = inspect(solver);
    expectNoDump(text);
    expect(text.split('\n')).toEqual([
      'Solver {',
      '  model: TwoLayerNet { params: { W1: (48, 6), b1: (6,), W2: (6, 10), b2: (10,) }, reg: 0 },',
      "  updateRule: 'sgd',",
      '  optimConfig: { learningRate: 0.001 },',
      '  lrDecay: 1,',
      '  batchSize: 20,',
      '  numEpochs: 4,',
      '  X_train: ndarray float64 (40, 3, 4, 4),',
      '  X_val: ndarray float64 (40, 3, 4, 4),',
      '  epoch: 4,',
      '  iteration: 8,',
      `  lossHistory: [8 items, last ${solver.lossHistory[7]}],`,
      `  bestValAcc: ${solver.bestValAcc}`,
      '}',
    ]);
  });
});
