/**
 * lib/core/numpy.ts: the numpy look-alikes on small inputs whose results are worked out by hand
 * (or by the definition, for the floating-point ones), on strided views as well as packed tensors,
 * and their refusals.
 */
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  abs,
  accuracy,
  add,
  argmax,
  array,
  linspace,
  max,
  mean,
  mul,
  prod,
  reshape,
  std,
  sub,
  sum,
  takeLabels,
  takeRows,
  zeros,
} from '../../lib/core/numpy';
import { tensor } from '../../lib/core/tensor';

/** A (2, 3) tensor [[1, -2, 3], [4, 5, -6]] and its transpose as a strided view. */
function sample() {
  const x = array([
    [1, -2, 3],
    [4, 5, -6],
  ]);
  return { x, xt: x.transpose(1, 0) };
}

describe('creation', () => {
  it('zeros and array build the shape and values given', () => {
    const z = zeros([2, 0, 3]);
    expect(z.shape).toEqual([2, 0, 3]);
    expect(Array.from(zeros([2, 2]).data)).toEqual([0, 0, 0, 0]);
    const a = array([
      [[1], [2]],
      [[3], [4]],
    ]);
    expect(a.shape).toEqual([2, 2, 1]);
    expect(a.get(1, 0, 0)).toBe(3);
  });

  it('array names a ragged row or a non-number', () => {
    expect(() => array([[1, 2], [3]])).toThrow(
      'array: ragged input at [1]: expected 2 entries for shape (2, 2)',
    );
    expect(() => array([[1, 'x']])).toThrow('array: element [0][1] is string, expected a number');
  });

  it('linspace spaces the values by (stop - start) / (num - 1) and ends exactly at stop', () => {
    expect(Array.from(linspace(0, 1, 5).data)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const v = linspace(0.1, 0.7, 7).data;
    const step = (0.7 - 0.1) / 6;
    for (let i = 0; i < 6; i++) expect(v[i]).toBe(i * step + 0.1);
    expect(v[6]).toBe(0.7);
    expect(Array.from(linspace(2, 2, 3).data)).toEqual([2, 2, 2]);
    expect(linspace(0, 1).shape).toEqual([50]);
    expect(() => linspace(0, 1, -1)).toThrow(
      'linspace: num must be a non-negative integer, got -1',
    );
    expect(() => linspace(0, Number.NaN, 3)).toThrow(/linspace: start and stop must be finite/);
  });
});

describe('shapes', () => {
  it('prod multiplies the dimensions (1 for a scalar shape)', () => {
    expect(prod([2, 3, 4])).toBe(24);
    expect(prod([])).toBe(1);
    expect(() => prod([2, -1])).toThrow(
      'prod: shape must be a list of non-negative integers, got [2,-1]',
    );
  });

  it('reshape keeps row-major order, resolves -1, and copies a strided view in its logical order', () => {
    const { x, xt } = sample();
    const r = reshape(x, [3, -1]);
    expect(r.shape).toEqual([3, 2]);
    expect([r.get(0, 0), r.get(0, 1), r.get(2, 1)]).toEqual([1, -2, -6]);
    const rt = reshape(xt, [6]);
    expect(Array.from({ length: 6 }, (_, i) => rt.get(i))).toEqual([1, 4, -2, 5, 3, -6]);
    expect(() => reshape(x, [4, -1])).toThrow(
      'reshape: cannot reshape x of shape (2, 3) into (4, -1)',
    );
    expect(() => reshape(x, [5])).toThrow(
      /reshape: cannot reshape x of shape \(2, 3\) \(6 elements\) into \(5,\)/,
    );
  });
});

describe('reductions', () => {
  it('max, sum, mean and std over all elements, packed or strided', () => {
    const { x, xt } = sample();
    for (const t of [x, xt]) {
      expect(max(t)).toBe(5);
      expect(sum(t)).toBe(5);
      expect(mean(t)).toBe(5 / 6);
    }
    // population std of [1, -2, 3, 4, 5, -6] by its definition
    const values = [1, -2, 3, 4, 5, -6];
    const mu = 5 / 6;
    const want = Math.sqrt(values.reduce((s, v) => s + (v - mu) ** 2, 0) / 6);
    expect(std(x)).toBeCloseTo(want, 14);
    expect(std(array([7, 7, 7]))).toBe(0);
  });

  it('max is NaN when any element is NaN; empty inputs are refused', () => {
    expect(max(array([1, Number.NaN, 3]))).toBeNaN();
    expect(() => mean(zeros([0, 3]))).toThrow('mean: x of shape (0, 3) is empty');
    expect(() => max(zeros([0]))).toThrow('max: x of shape (0,) is empty');
  });

  it('argmax gives the first largest index per row', () => {
    const { x, xt } = sample();
    expect(Array.from(argmax(x))).toEqual([2, 1]);
    expect(Array.from(argmax(xt))).toEqual([1, 1, 0]);
    expect(Array.from(argmax(array([[2, 5, 5]])))).toEqual([1]);
    expect(() => argmax(zeros([2, 0]))).toThrow('argmax: x of shape (2, 0) has no columns');
  });

  it('accuracy is the fraction of equal labels', () => {
    expect(accuracy([1, 2, 3, 4], Int32Array.of(1, 0, 3, 0))).toBe(0.5);
    expect(accuracy(ndarray(Int32Array.of(2, 2, 2)), [2, 2, 1])).toBe(2 / 3);
    expect(() => accuracy([1, 2], [1])).toThrow('accuracy: a has shape (2,) but b has shape (1,)');
    expect(() => accuracy([], [])).toThrow('accuracy: a and b are empty');
  });
});

describe('elementwise', () => {
  it('add, sub, mul with a tensor or a number, and abs', () => {
    const { x } = sample();
    const y = array([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(Array.from(add(x, y).data)).toEqual([2, -1, 4, 6, 7, -4]);
    expect(Array.from(sub(x, 1).data)).toEqual([0, -3, 2, 3, 4, -7]);
    expect(Array.from(mul(x, y).data)).toEqual([1, -2, 3, 8, 10, -12]);
    expect(Array.from(abs(x).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(add(x, 0).shape).toEqual([2, 3]);
  });

  it('reads strided views in their logical order and refuses different shapes', () => {
    const { x, xt } = sample();
    const twice = add(xt, xt);
    expect(twice.shape).toEqual([3, 2]);
    expect(Array.from(twice.data)).toEqual([2, 8, -4, 10, 6, -12]);
    expect(() => add(x, xt)).toThrow(/add: .*\(2, 3\).*\(3, 2\)/);
  });
});

describe('takeRows and takeLabels', () => {
  it('takeRows copies the indexed rows, repeats included, into a fresh tensor or out', () => {
    const x = tensor([3, 2], Float64Array.of(0, 1, 10, 11, 20, 21));
    const got = takeRows(x, [2, 0, 2]);
    expect(got.shape).toEqual([3, 2]);
    expect(Array.from(got.data)).toEqual([20, 21, 0, 1, 20, 21]);
    const out = zeros([1, 2]);
    expect(takeRows(x, Int32Array.of(1), out)).toBe(out);
    expect(Array.from(out.data)).toEqual([10, 11]);
  });

  it('takeRows names an index outside x and a strided out', () => {
    const x = zeros([3, 2]);
    expect(() => takeRows(x, [0, 3])).toThrow(
      'takeRows: indices[1] = 3 is outside [0, 3) for x of shape (3, 2)',
    );
    const strided = zeros([2, 3]).transpose(1, 0); // (3, 2) with strides (1, 3)
    expect(() => takeRows(zeros([4, 2]), [0, 1, 2], strided)).toThrow(
      /takeRows: out must be a packed row-major tensor/,
    );
  });

  it('takeLabels picks labels by index as an Int32Array', () => {
    const got = takeLabels([4, 7, 9], [2, 2, 0]);
    expect(got.data).toBeInstanceOf(Int32Array);
    expect(Array.from(got.data)).toEqual([9, 9, 4]);
    expect(() => takeLabels([4, 7], [2])).toThrow('takeLabels: indices[0] = 2 is outside [0, 2)');
  });
});
