/**
 * lib/core/tensor.ts: shapes and their text, the tensor and view checks (a view that reaches past
 * its buffer is refused), allocation limits, the finiteness and label checks, and the row-major
 * read-out of strided views.
 */
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  allocating,
  checkCache,
  checkFinite,
  checkLabels,
  checkLabelValue,
  checkNoNaN,
  checkNonEmptyBatch,
  checkSameShape,
  checkTensor,
  contiguousData,
  describeValue,
  firstNaN,
  firstNonFinite,
  formatShape,
  isNdArray,
  isPackedRowMajor,
  MAX_ELEMENTS,
  shapeSize,
  tensor,
} from '../../lib/core/tensor';

const ramp = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe('shapes', () => {
  it('formatShape prints as numpy does and shapeSize multiplies', () => {
    expect([[2, 3], [5], []].map(formatShape)).toEqual(['(2, 3)', '(5,)', '()']);
    expect([shapeSize([2, 3, 4]), shapeSize([]), shapeSize([3, 0])]).toEqual([24, 1, 0]);
  });

  it('tensor wraps data of the right length, zeros otherwise, and refuses the rest', () => {
    const t = tensor([2, 2], Float64Array.of(1, 2, 3, 4));
    expect([t.get(0, 1), t.get(1, 0)]).toEqual([2, 3]);
    expect(Array.from(tensor([3]).data)).toEqual([0, 0, 0]);
    expect(() => tensor([2, 2], ramp(3))).toThrow(
      'tensor: data has 3 elements but shape (2, 2) needs 4',
    );
    expect(() => tensor([2, -1])).toThrow(/tensor: shape must be a list of non-negative integers/);
    expect(() => tensor([2], [1, 2] as never)).toThrow(
      'tensor: data must be a Float64Array, got a plain array of length 2',
    );
  });
});

describe('checkTensor', () => {
  it('returns a float64 ndarray of the dimensions asked for', () => {
    const x = tensor([2, 3]);
    expect(checkTensor('f', 'x', x, 2)).toBe(x);
    expect(checkTensor('f', 'x', x, [1, 3])).toBe(x);
    expect(isNdArray(x)).toBe(true);
    expect(isNdArray({ shape: [1] })).toBe(false);
  });

  it('names the function, the argument and what came instead', () => {
    expect(() => checkTensor('f', 'x', [1, 2])).toThrow(
      'f: x must be an ndarray over a Float64Array, got a plain array of length 2',
    );
    expect(() => checkTensor('f', 'x', ndarray(new Float32Array(4), [2, 2]))).toThrow(
      'f: x must be an ndarray over a Float64Array, got one over Float32Array with shape (2, 2)',
    );
    expect(() => checkTensor('f', 'x', tensor([2, 3]), 4)).toThrow(
      'f: x must have 4 dimensions, got shape (2, 3)',
    );
    expect(() => checkTensor('f', 'w', tensor([2]), [2, Number.POSITIVE_INFINITY])).toThrow(
      'f: w must have at least 2 dimensions, got shape (2,)',
    );
  });

  it('refuses a view that claims elements outside its buffer, or is malformed', () => {
    const past = ndarray(ramp(6), [2, 3], [3, 1], 1); // last element at index 6
    expect(() => checkTensor('f', 'x', past)).toThrow(
      'f: x is a view (shape (2, 3), stride (3, 1), offset 1) that claims 6 elements reaching buffer indices 1 to 6, but its buffer holds 6',
    );
    const before = ndarray(ramp(6), [3], [-2], 3); // first at index -1
    expect(() => checkTensor('f', 'x', before)).toThrow(/reaching buffer indices -1 to 3/);
    const fractional = ndarray(ramp(6), [2], [1.5], 0);
    expect(() => checkTensor('f', 'x', fractional)).toThrow(
      /f: x is a malformed view .*strides and offset must be integers/,
    );
    // an empty view reads nothing, whatever its offset
    expect(() => checkTensor('f', 'x', ndarray(ramp(1), [0, 4], [4, 1], 9))).not.toThrow();
  });
});

describe('allocation', () => {
  it('allocate gives zeros of the shape; too large a shape names the function and argument', () => {
    const t = allocate('f', 'n', 'W1', [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => allocate('TwoLayerNet', 'hiddenDim', 'W1', [3072, 2 ** 20])).toThrow(
      `TwoLayerNet: hiddenDim too large: W1 of shape (3072, 1048576) (3221225472 elements, 25.8 GB) exceeds the ${MAX_ELEMENTS} elements a tensor may hold`,
    );
  });

  it('allocating turns an allocation failure into a named error and lets other errors through', () => {
    const fail = () => {
      throw new RangeError('Array buffer allocation failed');
    };
    expect(() => allocating('randn', 'shape', 'a tensor', [1000], fail)).toThrow(
      'randn: shape too large: a tensor of shape (1000,) (1000 elements, 8.00 KB) could not be allocated (Array buffer allocation failed)',
    );
    const other = () => {
      throw new TypeError('something else');
    };
    expect(() => allocating('randn', 'shape', 'a tensor', [1], other)).toThrow('something else');
    expect(allocating('f', 'a', 'b', [2], () => 42)).toBe(42);
  });
});

describe('value checks', () => {
  it('firstNonFinite and firstNaN find the first bad element in row-major order', () => {
    const x = tensor([2, 5], ramp(10));
    expect(firstNonFinite(x)).toBe(-1);
    x.set(1, 3, Number.NEGATIVE_INFINITY);
    x.set(1, 4, Number.NaN);
    expect(firstNonFinite(x)).toBe(8);
    expect(firstNaN(x)).toBe(9);
    // in a transposed view, (1, 4) of the buffer is element (4, 1) = flat index 9 of 10
    expect(firstNaN(x.transpose(1, 0))).toBe(9);
    expect(firstNonFinite(x.transpose(1, 0))).toBe(7);
  });

  it('checkFinite and checkNoNaN name the value, its index and row', () => {
    const x = tensor([2, 3], ramp(6));
    x.set(1, 1, Number.POSITIVE_INFINITY);
    expect(() => checkFinite('train', 'X', x)).toThrow(
      'train: X with shape (2, 3) holds Infinity at flat index 4 (row 1); input data must be finite',
    );
    expect(() => checkNoNaN('train', 'X', x)).not.toThrow();
    x.set(0, 2, Number.NaN);
    expect(() => checkNoNaN('train', 'X', x)).toThrow(
      'train: X with shape (2, 3) holds NaN (first at flat index 2)',
    );
  });

  it('checkNonEmptyBatch refuses N = 0 only', () => {
    expect(() => checkNonEmptyBatch('loss', 'X', tensor([1, 3]))).not.toThrow();
    expect(() => checkNonEmptyBatch('loss', 'X', tensor([0, 3]))).toThrow(
      'loss: X of shape (0, 3) is an empty batch (N = 0): the mean over the batch is undefined',
    );
  });
});

describe('labels', () => {
  it('checkLabelValue accepts integer labels in range', () => {
    expect(() => checkLabelValue('f', 'y', 0, 9, 10)).not.toThrow();
    expect(() => checkLabelValue('f', 'y', 3, 10, 10)).toThrow(
      'f: y[3] = 10 is not an integer class label in [0, 10)',
    );
    expect(() => checkLabelValue('f', 'y', 1, 2.5)).toThrow(
      'f: y[1] = 2.5 is not an integer class label (a non-negative integer)',
    );
  });

  it('checkLabels reads plain arrays, typed arrays and strided ndarrays', () => {
    expect(Array.from(checkLabels('f', 'y', [2, 0, 1], 3, 3))).toEqual([2, 0, 1]);
    const strided = ndarray(Int32Array.of(5, 9, 6, 9, 7), [3], [2], 0);
    expect(Array.from(checkLabels('f', 'y', strided))).toEqual([5, 6, 7]);
    const packed = Int32Array.of(1, 2);
    expect(checkLabels('f', 'y', packed)).toBe(packed);
    const out = checkLabels('f', 'y', [1, 1], undefined, 2);
    expect(out).toBeInstanceOf(Int32Array);
  });

  it('checkLabels names the shapes and the first bad label', () => {
    expect(() => checkLabels('f', 'y', [0, 1], tensor([3, 4]))).toThrow(
      'f: y must have shape (3,) to match X of shape (3, 4), got (2,)',
    );
    expect(() => checkLabels('f', 'y', [0, 1], 3)).toThrow(
      'f: y has shape (2,) but there are 3 inputs; expected (3,)',
    );
    expect(() => checkLabels('f', 'y', tensor([2, 2]))).toThrow(
      'f: y must have shape (N,), got (2, 2)',
    );
    expect(() => checkLabels('f', 'y', [0, 3, 5], 3, 3)).toThrow(
      'f: y[1] = 3 is not an integer class label in [0, 3)',
    );
    expect(() => checkLabels('f', 'y', 'abc')).toThrow(
      'f: y must be an array of integer labels, got string abc',
    );
  });
});

describe('layout', () => {
  it('contiguousData returns the buffer itself when packed and a row-major copy otherwise', () => {
    const x = tensor([2, 3], ramp(6));
    expect(contiguousData(x)).toBe(x.data);
    expect(isPackedRowMajor(x)).toBe(true);
    const t = x.transpose(1, 0);
    expect(isPackedRowMajor(t)).toBe(false);
    expect(Array.from(contiguousData(t))).toEqual([0, 3, 1, 4, 2, 5]);
    const row = x.pick(1, null); // packed, at offset 3
    expect(isPackedRowMajor(row)).toBe(true);
    const sub = contiguousData(row);
    expect(Array.from(sub)).toEqual([3, 4, 5]);
    expect(sub.buffer).toBe(x.data.buffer);
  });

  it('isPackedRowMajor ignores the stride of a length-1 dimension', () => {
    expect(isPackedRowMajor(ndarray(ramp(3), [1, 3], [99, 1]))).toBe(true);
    expect(isPackedRowMajor(ndarray(ramp(6), [3], [2]))).toBe(false);
  });
});

describe('messages', () => {
  it('describeValue, checkCache and checkSameShape', () => {
    expect([null, [1], new Int8Array(2), new Map(), 3, undefined].map(describeValue)).toEqual([
      'null',
      'a plain array of length 1',
      'a Int8Array',
      'an object (Map)',
      'number 3',
      'undefined undefined',
    ]);
    const cache = [1, 2];
    expect(checkCache('reluBackward', cache, 2)).toBe(cache);
    expect(() => checkCache('reluBackward', [1], 2)).toThrow(
      'reluBackward: cache must be the 2-element cache returned by the forward pass, got an array of length 1',
    );
    expect(() => checkSameShape('add', 'a', tensor([2]), 'b', tensor([2, 1]))).toThrow(
      'add: a has shape (2,) but b has shape (2, 1)',
    );
    expect(() => checkSameShape('add', 'a', tensor([2, 1]), 'b', tensor([2, 1]))).not.toThrow();
  });
});
