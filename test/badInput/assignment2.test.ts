/** Bad input to assignment 2's layers and net: each error names the function, the argument and the shapes or values. */
import { describe, expect, it } from 'vitest';
import {
  batchnormBackward,
  batchnormForward,
  dropoutBackward,
  dropoutForward,
  FullyConnectedNet,
  layernormBackward,
  layernormForward,
  type Tensor,
  tensor,
} from '../../lib';

const t = (shape: number[]): Tensor =>
  tensor(
    shape,
    Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i % 5),
  );

describe('normalization layers', () => {
  it('batchnormForward names the argument and the shapes', () => {
    const x = t([4, 3]);
    expect(() => batchnormForward(x, t([2]), t([3]), { mode: 'train' })).toThrow(
      'batchnormForward: gamma has shape (2,) but x has shape (4, 3); expected gamma of shape (3,)',
    );
    expect(() => batchnormForward(t([4]), t([4]), t([4]), { mode: 'train' })).toThrow(
      'batchnormForward: x must have 2 dimensions, got shape (4,)',
    );
    expect(() => batchnormForward(t([0, 3]), t([3]), t([3]), { mode: 'train' })).toThrow(
      /batchnormForward: x of shape \(0, 3\) is an empty batch/,
    );
    expect(() => batchnormForward(x, t([3]), t([3]), { mode: 'eval' as never })).toThrow(
      "batchnormForward: bnParam.mode must be 'train' or 'test', got eval",
    );
    expect(() => batchnormForward(x, t([3]), t([3]), { mode: 'train', eps: 0 })).toThrow(
      'batchnormForward: bnParam.eps must be a finite number > 0, got 0',
    );
    expect(() => batchnormForward(x, t([3]), t([3]), { mode: 'train', momentum: 1.5 })).toThrow(
      'batchnormForward: bnParam.momentum must be in [0, 1], got 1.5',
    );
    expect(() =>
      batchnormForward(x, t([3]), t([3]), { mode: 'test', runningMean: t([4]) }),
    ).toThrow('batchnormForward: bnParam.runningMean has shape (4,) but x has 3 features');
    expect(() =>
      batchnormForward(x, t([3]), t([3]), { mode: 'train', running_mean: t([3]) } as never),
    ).toThrow(/unknown option 'running_mean' in bnParam; did you mean 'runningMean'/);
  });

  it('the backward passes check the cache and dout', () => {
    const [, bnCache] = batchnormForward(t([4, 3]), t([3]), t([3]), { mode: 'train' });
    const [, lnCache] = layernormForward(t([4, 3]), t([3]), t([3]));
    expect(() => batchnormBackward(t([4, 2]), bnCache)).toThrow(
      'batchnormBackward: dout has shape (4, 2) but the batchnormForward output has shape (4, 3)',
    );
    expect(() => batchnormBackward(t([4, 3]), lnCache)).toThrow(
      'batchnormBackward: cache comes from layernormForward, expected one from batchnormForward',
    );
    expect(() => layernormBackward(t([4, 3]), bnCache)).toThrow(
      'layernormBackward: cache comes from batchnormForward, expected one from layernormForward',
    );
    expect(() => layernormBackward(t([4, 3]), [1, 2] as never)).toThrow(
      /layernormBackward: cache must be the cache returned by the forward pass/,
    );
  });

  it('layernormForward refuses samples without features', () => {
    expect(() => layernormForward(t([2, 0]), t([0]), t([0]))).toThrow(
      'layernormForward: x of shape (2, 0) has no features: the mean over them is undefined',
    );
  });
});

describe('dropout', () => {
  it('dropoutForward and dropoutBackward name the bad option', () => {
    const x = t([3, 3]);
    expect(() => dropoutForward(x, { mode: 'train', p: 0 })).toThrow(
      'dropoutForward: dropoutParam.p (the keep probability) must be in (0, 1], got 0',
    );
    expect(() => dropoutForward(x, { mode: 'train', p: 1.2 })).toThrow(/got 1.2/);
    expect(() => dropoutForward(x, { mode: 'train', p: 0.5, seed: -1 })).toThrow(
      'dropoutForward: dropoutParam.seed must be an integer in [0, 2**32 - 1], got -1',
    );
    expect(() => dropoutForward(x, { mode: 'train', p: 0.5, keep: 1 } as never)).toThrow(
      /dropoutForward: unknown option 'keep' in dropoutParam/,
    );
    const [, cache] = dropoutForward(x, { mode: 'train', p: 0.5, seed: 1 });
    expect(() => dropoutBackward(t([2, 3]), cache)).toThrow(
      'dropoutBackward: dout has shape (2, 3) but the mask has shape (3, 3)',
    );
    expect(() => dropoutBackward(x, null as never)).toThrow(
      /dropoutBackward: cache must be the \[dropoutParam, mask\] returned by dropoutForward/,
    );
  });
});

describe('FullyConnectedNet', () => {
  it('checks its options before drawing any weight', () => {
    expect(() => new FullyConnectedNet([10, 0])).toThrow(
      'FullyConnectedNet: hiddenDims[1] must be a positive integer, got 0',
    );
    expect(() => new FullyConnectedNet(10 as never)).toThrow(
      'FullyConnectedNet: hiddenDims must be an array of layer sizes, got number',
    );
    expect(() => new FullyConnectedNet([5], { dropoutKeepRatio: 0 })).toThrow(
      'FullyConnectedNet: dropoutKeepRatio must be in (0, 1], got 0',
    );
    expect(() => new FullyConnectedNet([5], { normalization: 'groupnorm' as never })).toThrow(
      "FullyConnectedNet: normalization must be 'batchnorm', 'layernorm' or null, got groupnorm",
    );
    expect(() => new FullyConnectedNet([5], { dtype: 'float32' } as never)).toThrow(
      /FullyConnectedNet: unknown option 'dtype' in options \(known: inputDim, numClasses/,
    );
    expect(() => new FullyConnectedNet([5], { hidden_dims: [5] } as never)).toThrow(
      /did you mean 'the first argument, hiddenDims'/,
    );
    expect(() => new FullyConnectedNet([2 ** 20, 2 ** 20])).toThrow(
      /FullyConnectedNet: hiddenDims too large: W1 of shape \(3072, 1048576\)/,
    );
  });

  it('loss names X and its shape, and refuses NaN in X', () => {
    const model = new FullyConnectedNet([4], { inputDim: 6, numClasses: 3 });
    expect(() => model.loss(t([2, 5]))).toThrow(
      'FullyConnectedNet.loss: X with 5 features (shape (2, 5)) does not match W1 with 6 rows (shape (6, 4))',
    );
    const X = t([2, 6]);
    X.data[3] = Number.NaN;
    expect(() => model.loss(X, [0, 1])).toThrow(/FullyConnectedNet.loss: X/);
    expect(() => model.loss(t([2, 6]), [0, 3])).toThrow(/softmaxLoss: y/);
  });
});
