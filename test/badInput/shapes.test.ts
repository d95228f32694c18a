import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  affineBackward,
  affineForward,
  affineReluBackward,
  affineReluForward,
  evalNumericalGradient,
  evalNumericalGradientArray,
  gradCheckSparse,
  linspace,
  relError,
  reluBackward,
  reluForward,
  reshape,
  softmaxLoss,
  svmLoss,
  TwoLayerNet,
  takeRows,
  tensor,
  zeros,
} from '../../lib';
import { matmul } from '../../lib/backends';

const x = reshape(linspace(-1, 1, 10 * 60), [10, 60]);
const w = reshape(linspace(-1, 1, 12 * 5), [12, 5]);
const b = zeros([5]);

describe('bad input gets an error naming the function, the argument and the shapes', () => {
  it('affineForward: features against rows of w', () => {
    expect(() => affineForward(x, w, b)).toThrow(
      'affineForward: x with 60 features (shape (10, 60)) does not match w with 12 rows (shape (12, 5))',
    );
  });

  it('affineForward: b of the wrong length', () => {
    const x12 = reshape(linspace(-1, 1, 24), [2, 3, 4]);
    expect(() => affineForward(x12, w, zeros([4]))).toThrow(
      'affineForward: b has shape (4,) but w has shape (12, 5); expected b of shape (5,)',
    );
  });

  it('affineForward: wrong types and ranks', () => {
    expect(() => affineForward([[1, 2]] as never, w, b)).toThrow(
      'affineForward: x must be an ndarray over a Float64Array, got a plain array of length 1',
    );
    const ints = ndarray(new Int32Array(12), [1, 12]);
    expect(() => affineForward(ints as never, w, b)).toThrow(
      'affineForward: x must be an ndarray over a Float64Array, got one over Int32Array with shape (1, 12)',
    );
    expect(() => affineForward(x, zeros([12]), b)).toThrow(
      'affineForward: w must have 2 dimensions, got shape (12,)',
    );
  });

  it('affineBackward: dout of the wrong shape, broken cache', () => {
    const x12 = reshape(linspace(-1, 1, 24), [2, 12]);
    const [, cache] = affineForward(x12, w, b);
    expect(() => affineBackward(zeros([3, 5]), cache)).toThrow(
      'affineBackward: dout has shape (3, 5) but the forward output had shape (2, 5)',
    );
    expect(() => affineBackward(zeros([2, 5]), [x12] as never)).toThrow(
      'affineBackward: cache must be the 3-element cache returned by the forward pass, got an array of length 1',
    );
  });

  it('affineReluForward / affineReluBackward name themselves or the inner layer', () => {
    expect(() => affineReluForward(x, w, b)).toThrow(/affineForward: x with 60 features/);
    expect(() => affineReluBackward(zeros([2, 5]), 'nope' as never)).toThrow(
      'affineReluBackward: cache must be the 2-element cache',
    );
  });

  it('reluForward / reluBackward', () => {
    expect(() => reluForward(null as never)).toThrow(
      'reluForward: x must be an ndarray over a Float64Array, got null',
    );
    const [, cache] = reluForward(zeros([2, 3]));
    expect(() => reluBackward(zeros([3, 2]), cache)).toThrow(
      'reluBackward: dout has shape (3, 2) but cache (x) has shape (2, 3)',
    );
  });

  it('svmLoss / softmaxLoss: labels that are not integers in [0, C)', () => {
    const scores = zeros([3, 4]);
    for (const loss of [svmLoss, softmaxLoss]) {
      const name = loss === svmLoss ? 'svmLoss' : 'softmaxLoss';
      expect(() => loss(scores, [0, 4, 1])).toThrow(
        `${name}: y[1] = 4 is not an integer class label in [0, 4)`,
      );
      expect(() => loss(scores, [0, 1.5, 1])).toThrow(`${name}: y[1] = 1.5 is not an integer`);
      expect(() => loss(scores, [0, -1, 1])).toThrow(`${name}: y[1] = -1 is not an integer`);
      expect(() => loss(scores, [0, Number.NaN, 1])).toThrow(
        `${name}: y[1] = NaN is not an integer`,
      );
      expect(() => loss(scores, [0, 1])).toThrow(
        `${name}: y has shape (2,) but there are 3 inputs; expected (3,)`,
      );
      expect(() => loss(zeros([3]), [0, 1, 2])).toThrow(
        `${name}: x must have 2 dimensions, got shape (3,)`,
      );
    }
  });

  it('TwoLayerNet: bad options, X of the wrong width, NaN in X, bad labels', () => {
    expect(() => new TwoLayerNet({ hiddenDim: 0 })).toThrow(
      'TwoLayerNet: hiddenDim must be a positive integer, got 0',
    );
    expect(() => new TwoLayerNet({ reg: -1 })).toThrow(
      'TwoLayerNet: reg must be a finite number >= 0, got -1',
    );
    expect(() => new TwoLayerNet({ weightScale: Number.NaN })).toThrow(
      'TwoLayerNet: weightScale must be a finite number >= 0, got NaN',
    );
    const model = new TwoLayerNet({ inputDim: 12, hiddenDim: 4, numClasses: 3 });
    expect(() => model.loss(x)).toThrow(
      'TwoLayerNet.loss: X with 60 features (shape (10, 60)) does not match W1 with 12 rows (shape (12, 4))',
    );
    const bad = zeros([2, 12]);
    bad.set(1, 3, Number.NaN);
    expect(() => model.loss(bad)).toThrow(
      'TwoLayerNet.loss: X with shape (2, 12) holds NaN at flat index 15 (row 1); input data must be finite',
    );
    expect(() => model.loss(zeros([2, 12]), [0, 3])).toThrow(
      'softmaxLoss: y[1] = 3 is not an integer class label in [0, 3)',
    );
  });

  it('gradient checks: bad f, NaN, bad h, shape mismatch', () => {
    const v = zeros([2, 2]);
    expect(() => evalNumericalGradient(42 as never, v)).toThrow(
      'evalNumericalGradient: f must be a function, got number',
    );
    expect(() => evalNumericalGradient(() => 0, v, false, 0)).toThrow(
      'evalNumericalGradient: h must be a positive finite step, got 0',
    );
    const withNaN = tensor([2], Float64Array.from([1, Number.NaN]));
    expect(() => evalNumericalGradient(() => 0, withNaN, false)).toThrow(
      'evalNumericalGradient: x with shape (2,) holds NaN (first at flat index 1)',
    );
    expect(() => evalNumericalGradientArray((t) => t, v, zeros([3]))).toThrow(
      'evalNumericalGradientArray: f(x) has shape (2, 2) but df has shape (3,)',
    );
    expect(() => gradCheckSparse(() => 0, v, zeros([3]))).toThrow(
      'gradCheckSparse: analyticGrad has shape (3,) but x has shape (2, 2)',
    );
    expect(() => relError(v, zeros([4]))).toThrow(
      'relError: x has shape (2, 2) but y has shape (4,)',
    );
    expect(() => relError(withNaN, zeros([2]))).toThrow('relError: x with shape (2,) holds NaN');
  });

  it('matmul and reshape', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(
      'matmul: inner dimensions differ: a of shape (2, 3) against b of shape (4, 5)',
    );
    expect(() => reshape(zeros([2, 3]), [4, 2])).toThrow(
      'reshape: cannot reshape x of shape (2, 3) (6 elements) into (4, 2)',
    );
  });
});

describe('takeRows', () => {
  it('gathers rows, into a given packed buffer too, and names bad indices and buffers', () => {
    const x = reshape(linspace(0, 11, 12), [4, 3]);
    expect(Array.from(takeRows(x, [2, 0, 2]).data)).toEqual([6, 7, 8, 0, 1, 2, 6, 7, 8]);
    const out = zeros([2, 3]);
    expect(takeRows(x, [3, 1], out)).toBe(out);
    expect(Array.from(out.data)).toEqual([9, 10, 11, 3, 4, 5]);
    expect(() => takeRows(x, [4])).toThrow(
      'takeRows: indices[0] = 4 is outside [0, 4) for x of shape (4, 3)',
    );
    expect(() => takeRows(x, [1, 2], zeros([3, 3]))).toThrow(
      'takeRows: out has shape (3, 3) but x[indices] has shape (2, 3)',
    );
  });
});
