/**
 * Bad input that used to give a silently wrong result: labels the Solver did not check, views
 * claiming more elements than their buffer, empty batches, infinities in the input data. Each case
 * must now be an error naming the function and the argument, raised before anything changes.
 */
import ndarray from 'ndarray';
import { afterAll, describe, expect, it } from 'vitest';
import {
  affineForward,
  argmax,
  availableBackends,
  linspace,
  RandomState,
  reluForward,
  reshape,
  Solver,
  type SolverOptions,
  setBackend,
  softmaxLoss,
  sum,
  svmLoss,
  TwoLayerNet,
  takeLabels,
  tensor,
  zeros,
} from '../../lib';
import { matmul } from '../../lib/backends';
import { checkTensor, contiguousData, firstNonFinite, type Tensor } from '../../lib/core/tensor';

/** Three well-separated blobs in 12 dimensions: n points each for train, m for val. */
function blobs(n: number, seed: number) {
  const rng = new RandomState(seed);
  const centres = new RandomState(0).randn(3, 12);
  const X = tensor([3 * n, 12]);
  const y = new Int32Array(3 * n);
  for (let i = 0; i < 3 * n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 12; j++) X.set(i, j, 3 * centres.get(y[i], j) + rng.randn(1).get(0));
  }
  return { X, y };
}
const train = blobs(20, 1);
const val = blobs(10, 2);

function solverFor(
  data: { X_train: Tensor; y_train: unknown; X_val: Tensor; y_val: unknown },
  options: SolverOptions = {},
) {
  const model = new TwoLayerNet({
    inputDim: 12,
    hiddenDim: 8,
    numClasses: 3,
    rng: new RandomState(0),
  });
  const before = Float64Array.from(model.params.W1.data);
  const lines: string[] = [];
  const make = () =>
    new Solver(model, data as never, {
      numEpochs: 1,
      batchSize: 10,
      log: (l) => lines.push(l),
      ...options,
    });
  return { model, before, lines, make };
}

describe('Solver checks label values before training', () => {
  const cases: [string, 'y_train' | 'y_val', (y: Float64Array) => void, RegExp][] = [
    [
      'NaN in y_train',
      'y_train',
      (y) => (y[4] = Number.NaN),
      /Solver: data\.y_train\[4\] = NaN is not an integer class label in \[0, 3\)/,
    ],
    [
      'a fraction in y_train',
      'y_train',
      (y) => (y[7] = 1.5),
      /Solver: data\.y_train\[7\] = 1\.5 is not an integer class label in \[0, 3\)/,
    ],
    [
      'a label = C in y_train',
      'y_train',
      (y) => (y[0] = 3),
      /Solver: data\.y_train\[0\] = 3 is not an integer class label in \[0, 3\)/,
    ],
    [
      'a label = C in y_val',
      'y_val',
      (y) => (y[2] = 3),
      /Solver: data\.y_val\[2\] = 3 is not an integer class label in \[0, 3\)/,
    ],
    [
      'a negative label in y_val',
      'y_val',
      (y) => (y[5] = -1),
      /Solver: data\.y_val\[5\] = -1 is not an integer class label in \[0, 3\)/,
    ],
    [
      'Infinity in y_val',
      'y_val',
      (y) => (y[1] = Number.POSITIVE_INFINITY),
      /data\.y_val\[1\] = Infinity is not an integer class label/,
    ],
  ];
  it.each(cases)('%s', (_, which, spoil, message) => {
    const y = { y_train: Float64Array.from(train.y), y_val: Float64Array.from(val.y) };
    spoil(y[which]);
    const { model, before, lines, make } = solverFor({ X_train: train.X, X_val: val.X, ...y });
    expect(make).toThrow(message);
    expect(lines).toEqual([]);
    expect(Array.from(model.params.W1.data)).toEqual(Array.from(before));
  });

  it('checks labels given as a plain array and as an ndarray too', () => {
    const plain = Array.from(val.y);
    plain[3] = 10;
    expect(
      solverFor({ X_train: train.X, y_train: train.y, X_val: val.X, y_val: plain }).make,
    ).toThrow(/data\.y_val\[3\] = 10 is not an integer class label in \[0, 3\)/);
    const nd = ndarray(Float64Array.from(train.y), [train.y.length]);
    nd.set(9, 0.5);
    expect(solverFor({ X_train: train.X, y_train: nd, X_val: val.X, y_val: val.y }).make).toThrow(
      /data\.y_train\[9\] = 0\.5 is not an integer class label/,
    );
  });

  it('still trains on good labels of every accepted kind, to the same result', () => {
    const accs = [train.y, Array.from(train.y), Float64Array.from(train.y)].map((y_train) => {
      const s = solverFor(
        {
          X_train: train.X,
          y_train,
          X_val: val.X,
          y_val: Array.from(val.y),
        },
        { seed: 0, numEpochs: 10, optimConfig: { learningRate: 0.5 } },
      ).make();
      s.train();
      return s.valAccHistory;
    });
    expect(accs[1]).toEqual(accs[0]);
    expect(accs[2]).toEqual(accs[0]);
    expect(accs[0][accs[0].length - 1]).toBeGreaterThan(0.9);
  });

  it('Solver.checkAccuracy called directly checks labels against the scores too', () => {
    const solver = solverFor({
      X_train: train.X,
      y_train: train.y,
      X_val: val.X,
      y_val: val.y,
    }).make();
    const y = Array.from(val.y);
    y[29] = 7;
    expect(() => solver.checkAccuracy(val.X, y)).toThrow(
      'Solver.checkAccuracy: y[29] = 7 is not an integer class label in [0, 3)',
    );
    y[29] = Number.NaN;
    expect(() => solver.checkAccuracy(val.X, y, null, 7)).toThrow('y[29] = NaN is not an integer');
    expect(() => solver.checkAccuracy(zeros([0, 12]), [])).toThrow(
      'Solver.checkAccuracy: X of shape (0, 12) is an empty batch',
    );
    expect(solver.checkAccuracy(val.X, val.y)).toBeGreaterThanOrEqual(0);
  });

  it('a model whose loss(X) does not return (N, C) scores is named', () => {
    const fake = { params: {}, loss: () => tensor([3]) };
    expect(
      () =>
        new Solver(fake as never, {
          X_train: train.X,
          y_train: train.y,
          X_val: val.X,
          y_val: val.y,
        }),
    ).toThrow(
      'Solver: model.loss(X) must return scores of shape (N, C); for one input of data.X_val it returned shape (3,)',
    );
  });

  it('takeLabels refuses a label that an Int32Array would truncate', () => {
    expect(() => takeLabels([0, 2.5, 1], [1])).toThrow(
      'takeLabels: y[1] = 2.5 is not an integer class label (a non-negative integer)',
    );
    expect(() => takeLabels(Float64Array.of(0, Number.NaN), [0, 1])).toThrow(
      'takeLabels: y[1] = NaN is not an integer class label',
    );
    expect(Array.from(takeLabels([4, 2.5, 1], [2, 0]).data)).toEqual([1, 4]);
  });
});

describe('a view that claims more elements than its buffer is refused by every op', () => {
  /** A (10, 10) view over 50 elements: ndarray accepts it. */
  const short = () => ndarray(new Float64Array(50).fill(1), [10, 10]) as Tensor;
  const good = reshape(linspace(-1, 1, 100), [10, 10]);
  const layout =
    /is a view \(shape \(10, 10\), stride \(10, 1\), offset 0\) that claims 100 elements reaching buffer indices 0 to 99, but its buffer holds 50/;
  afterAll(() => setBackend(availableBackends()[0]));

  it.each(availableBackends())('matmul on the %s backend names matmul and the argument', (name) => {
    setBackend(name);
    expect(() => matmul(short(), good)).toThrow(new RegExp(`^matmul: a ${layout.source}`));
    expect(() => matmul(good, short(), { transB: true })).toThrow(/^matmul: b is a view/);
  });

  it('softmaxLoss, svmLoss, reluForward, affineForward, sum, argmax', () => {
    const y = new Int32Array(10);
    expect(() => softmaxLoss(short(), y)).toThrow(new RegExp(`^softmaxLoss: x ${layout.source}`));
    expect(() => svmLoss(short(), y)).toThrow(/^svmLoss: x is a view/);
    expect(() => reluForward(short())).toThrow(/^reluForward: x is a view/);
    expect(() => affineForward(good, short(), zeros([10]))).toThrow(/^affineForward: w is a view/);
    expect(() => sum(short())).toThrow(/^sum: x is a view/);
    expect(() => argmax(short())).toThrow(/^argmax: x is a view/);
  });

  it('the neighbouring malformed views: offset past the end, negative reach, fractions, ranks', () => {
    const data = new Float64Array(20);
    const cases: [string, Tensor, RegExp][] = [
      [
        'offset past the end',
        ndarray(data, [2, 5], [5, 1], 11) as Tensor,
        /reaching buffer indices 11 to 20, but its buffer holds 20/,
      ],
      [
        'a negative stride below 0',
        ndarray(data, [4], [-1], 2) as Tensor,
        /reaching buffer indices -1 to 2/,
      ],
      [
        'a negative offset',
        ndarray(data, [2], [1], -1) as Tensor,
        /reaching buffer indices -1 to 0/,
      ],
      [
        'a fractional dimension',
        ndarray(data, [2.5]) as Tensor,
        /is a malformed view \(shape \(2\.5,\), stride \(1,\), offset 0\): the shape must be non-negative integers/,
      ],
      [
        'a fractional stride',
        ndarray(data, [2], [0.5]) as Tensor,
        /strides and offset must be integers/,
      ],
      [
        'a NaN offset',
        Object.assign(ndarray(data, [2]), { offset: Number.NaN }) as Tensor,
        /strides and offset must be integers/,
      ],
      [
        'a stride of the wrong rank',
        Object.assign(ndarray(data, [2, 2]), { stride: [1] }) as Tensor,
        /it needs one stride per dimension/,
      ],
      [
        'a huge dimension',
        ndarray(data, [2 ** 40, 2 ** 40]) as Tensor,
        /is a view .* but its buffer holds 20/,
      ],
    ];
    for (const [, x, message] of cases) {
      expect(() => checkTensor('f', 'x', x)).toThrow(message);
      expect(() => reluForward(x)).toThrow(/^reluForward: x is a (malformed )?view/);
    }
  });

  it('accepts every well-formed view: transposed, reversed, sliced, empty, offset', () => {
    const data = Float64Array.from({ length: 24 }, (_, i) => i);
    const x = ndarray(data, [4, 6]) as Tensor;
    expect(
      Array.from(contiguousData(checkTensor('f', 'x', x.transpose(1, 0) as Tensor))).slice(0, 4),
    ).toEqual([0, 6, 12, 18]);
    expect(
      Array.from(contiguousData(checkTensor('f', 'x', x.step(-1, -1) as Tensor))).slice(0, 2),
    ).toEqual([23, 22]);
    expect(Array.from(contiguousData(checkTensor('f', 'x', x.lo(3, 4) as Tensor)))).toEqual([
      22, 23,
    ]);
    // An empty view touches no element, wherever its offset points (numpy allows it too).
    expect(checkTensor('f', 'x', ndarray(data, [0, 6], [6, 1], 100) as Tensor).shape).toEqual([
      0, 6,
    ]);
    expect(checkTensor('f', 'x', ndarray(data, [2, 2], [0, 0], 23) as Tensor).shape).toEqual([
      2, 2,
    ]);
  });

  it('refuses an ndarray of labels that claims more labels than its buffer', () => {
    const y = ndarray(new Int32Array(5), [10]);
    expect(() => softmaxLoss(zeros([10, 3]), y)).toThrow(
      /^softmaxLoss: y is a view \(shape \(10,\)/,
    );
  });
});

describe('an empty batch (N = 0) is an error for a mean over the batch, defined elsewhere', () => {
  it('softmaxLoss, svmLoss and TwoLayerNet.loss(X, y) throw instead of returning NaN', () => {
    expect(() => softmaxLoss(zeros([0, 10]), [])).toThrow(
      'softmaxLoss: x of shape (0, 10) is an empty batch (N = 0): the mean over the batch is undefined',
    );
    expect(() => svmLoss(zeros([0, 10]), new Int32Array(0))).toThrow(
      'svmLoss: x of shape (0, 10) is an empty batch (N = 0)',
    );
    const model = new TwoLayerNet({
      inputDim: 12,
      hiddenDim: 4,
      numClasses: 3,
      rng: new RandomState(0),
    });
    expect(() => model.loss(zeros([0, 12]), [])).toThrow(
      'TwoLayerNet.loss: X of shape (0, 12) is an empty batch (N = 0)',
    );
    expect(() => model.loss(zeros([0, 3, 4]), [])).toThrow(
      'TwoLayerNet.loss: X of shape (0, 3, 4) is an empty batch',
    );
  });

  it('scores of an empty batch are an empty (0, C) array, as in numpy', () => {
    const model = new TwoLayerNet({
      inputDim: 12,
      hiddenDim: 4,
      numClasses: 3,
      rng: new RandomState(0),
    });
    expect(model.loss(zeros([0, 12])).shape).toEqual([0, 3]);
    expect(affineForward(zeros([0, 12]), zeros([12, 5]), zeros([5]))[0].shape).toEqual([0, 5]);
    expect(reluForward(zeros([0, 4]))[0].shape).toEqual([0, 4]);
  });

  it('the Solver refuses an empty validation set before training', () => {
    const { make } = solverFor({
      X_train: train.X,
      y_train: train.y,
      X_val: zeros([0, 12]),
      y_val: [],
    });
    expect(make).toThrow('Solver: data.X_val of shape (0, 12) is an empty batch (N = 0)');
  });
});

describe('an infinity in the input data is bad input, not divergence', () => {
  it.each([
    [
      '+Infinity in X_train',
      'X_train',
      Number.POSITIVE_INFINITY,
      /^Solver: data\.X_train with shape \(60, 12\) holds Infinity at flat index 41 \(row 3\); input data must be finite$/,
    ],
    [
      '-Infinity in X_val',
      'X_val',
      Number.NEGATIVE_INFINITY,
      /^Solver: data\.X_val with shape \(30, 12\) holds -Infinity at flat index 41 \(row 3\)/,
    ],
    [
      'NaN in X_val',
      'X_val',
      Number.NaN,
      /^Solver: data\.X_val with shape \(30, 12\) holds NaN at flat index 41/,
    ],
  ] as const)('%s: the Solver names it before training', (_, which, value, message) => {
    const X = { X_train: train.X, X_val: val.X };
    const spoilt = tensor(X[which].shape, Float64Array.from(X[which].data));
    spoilt.set(3, 5, value);
    const { model, before, lines, make } = solverFor({
      ...X,
      [which]: spoilt,
      y_train: train.y,
      y_val: val.y,
    });
    expect(make).toThrow(message);
    expect(lines).toEqual([]);
    expect(Array.from(model.params.W1.data)).toEqual(Array.from(before));
  });

  it('finds the first non-finite value anywhere, the tail after the groups of four included', () => {
    for (const n of [1, 4, 7, 9]) {
      for (const at of [0, n - 1, Math.floor(n / 2)]) {
        for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          const x = tensor(
            [n],
            Float64Array.from({ length: n }, (_, i) => -i),
          );
          x.set(at, v);
          expect(firstNonFinite(x)).toBe(at);
        }
      }
      expect(firstNonFinite(tensor([n], new Float64Array(n).fill(-1e308)))).toBe(-1);
    }
  });

  it('TwoLayerNet.loss names +Infinity in X instead of returning a NaN loss', () => {
    const model = new TwoLayerNet({
      inputDim: 12,
      hiddenDim: 8,
      numClasses: 3,
      rng: new RandomState(0),
    });
    const X = tensor([2, 12], Float64Array.from(train.X.data.subarray(0, 24)));
    X.set(1, 0, Number.POSITIVE_INFINITY);
    expect(() => model.loss(X, [0, 1])).toThrow(
      'TwoLayerNet.loss: X with shape (2, 12) holds Infinity at flat index 12 (row 1); input data must be finite',
    );
    expect(() => model.loss(X)).toThrow(/TwoLayerNet\.loss: X .* holds Infinity/);
  });

  it('keeps the divergence policy for non-finite losses that training itself produces', () => {
    const lines: string[] = [];
    const model = new TwoLayerNet({
      inputDim: 12,
      hiddenDim: 8,
      numClasses: 3,
      weightScale: 1,
      rng: new RandomState(0),
    });
    const solver = new Solver(
      model,
      { X_train: train.X, y_train: train.y, X_val: val.X, y_val: val.y },
      {
        optimConfig: { learningRate: 1e200 },
        numEpochs: 5,
        batchSize: 10,
        log: (l) => lines.push(l),
      },
    );
    solver.train();
    expect(lines.filter((l) => l.includes('training diverged'))).toHaveLength(1);
    expect(solver.lossHistory.some((l) => !Number.isFinite(l))).toBe(true);
  });
});
