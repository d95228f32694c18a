/**
 * The few numpy-like helpers the notebook cells and tests need: creation (zeros, linspace, array),
 * shape (reshape, prod), reductions (max, sum, mean, std, argmax) and elementwise ops.
 * Not a general numpy clone: every function works on whole tensors and returns fresh ones.
 */
import ndarray, { type NdArray } from 'ndarray';
import { activeBackend } from '../backends';
import {
  allocate,
  checkLabels,
  checkLabelValue,
  checkSameShape,
  checkTensor,
  contiguousData,
  formatShape,
  isPackedRowMajor,
  shapeSize,
  type Tensor,
  tensor,
} from './tensor';

/** A tensor of zeros, like `np.zeros(shape)`. */
export function zeros(shape: readonly number[]): Tensor {
  checkShape('zeros', 'shape', shape);
  return allocate('zeros', 'shape', 'a tensor', shape);
}

/**
 * `num` evenly spaced values over [start, stop], computed as numpy does (`i * step + start`, with
 * the last value exactly `stop`), shape (num,).
 */
export function linspace(start: number, stop: number, num = 50): Tensor {
  if (!Number.isInteger(num) || num < 0) {
    throw new RangeError(`linspace: num must be a non-negative integer, got ${num}`);
  }
  if (!Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new RangeError(`linspace: start and stop must be finite, got ${start} and ${stop}`);
  }
  const out = allocate('linspace', 'num', 'a tensor', [num]).data;
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  for (let i = 0; i < num; i++) out[i] = step === 0 ? (i / div) * delta + start : i * step + start;
  if (num > 1) out[num - 1] = stop;
  return tensor([num], out);
}

/**
 * A tensor from nested plain arrays, like `np.array([[1, 2], [3, 4]])`.
 * @param nested numbers nested to any depth; every row at a level must have the same length
 */
export function array(nested: unknown): Tensor {
  const shape: number[] = [];
  let level: unknown = nested;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const out = new Float64Array(shapeSize(shape));
  let k = 0;
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') {
        throw new TypeError(`array: element ${path} is ${typeof node}, expected a number`);
      }
      out[k++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new RangeError(
        `array: ragged input at ${path || 'top level'}: expected ${shape[depth]} entries for shape ${formatShape(shape)}`,
      );
    }
    node.forEach((child, i) => {
      walk(child, depth + 1, `${path}[${i}]`);
    });
  };
  walk(nested, 0, '');
  return tensor(shape, out);
}

/** Product of a shape's dimensions, like `np.prod(shape)`. */
export function prod(shape: readonly number[]): number {
  checkShape('prod', 'shape', shape);
  return shapeSize(shape);
}

/**
 * The same elements in a new shape, like `x.reshape(shape)`; one dimension may be -1.
 * Returns a view when `x` is packed row-major, else a reshaped copy.
 * @param x (d1, ..., dk)
 * @param shape new shape with the same number of elements
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', 'x', x);
  const size = shapeSize(x.shape);
  const free = shape.indexOf(-1);
  const resolved = shape.slice();
  if (free >= 0) {
    const rest = shapeSize(shape.filter((_, i) => i !== free));
    if (shape.indexOf(-1, free + 1) >= 0 || rest === 0 || size % rest !== 0) {
      throw new RangeError(
        `reshape: cannot reshape x of shape ${formatShape(x.shape)} into ${formatShape(shape)}`,
      );
    }
    resolved[free] = size / rest;
  }
  checkShape('reshape', 'shape', resolved);
  if (shapeSize(resolved) !== size) {
    throw new RangeError(
      `reshape: cannot reshape x of shape ${formatShape(x.shape)} (${size} elements) into ${formatShape(shape)}`,
    );
  }
  return tensor(resolved, contiguousData(x));
}

/** Largest element, like `np.max(x)` (NaN if any element is NaN). */
export function max(x: Tensor): number {
  const d = nonEmpty('max', x);
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < d.length; i++) {
    if (Number.isNaN(d[i])) return Number.NaN;
    if (d[i] > m) m = d[i];
  }
  return m;
}

/** Sum of all elements, like `np.sum(x)`. */
export function sum(x: Tensor): number {
  checkTensor('sum', 'x', x);
  const d = contiguousData(x);
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i];
  return s;
}

/** Mean of all elements, like `np.mean(x)`. */
export function mean(x: Tensor): number {
  return sum(x) / nonEmpty('mean', x).length;
}

/** Population standard deviation of all elements, like `x.std()`. */
export function std(x: Tensor): number {
  const d = nonEmpty('std', x);
  const mu = mean(x);
  let s = 0;
  for (let i = 0; i < d.length; i++) s += (d[i] - mu) * (d[i] - mu);
  return Math.sqrt(s / d.length);
}

/**
 * Index of the largest entry of each row, like `np.argmax(x, axis=1)`.
 * @param x (N, C)
 * @returns (N,) indices in [0, C)
 */
export function argmax(x: Tensor): Int32Array {
  checkTensor('argmax', 'x', x, 2);
  const [n, c] = x.shape;
  if (c === 0) throw new RangeError(`argmax: x of shape ${formatShape(x.shape)} has no columns`);
  const d = contiguousData(x);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (d[i * c + j] > d[i * c + best]) best = j;
    out[i] = best;
  }
  return out;
}

/**
 * Fraction of positions where two label arrays agree, like `(a == b).mean()`.
 * @param a (N,)
 * @param b (N,)
 */
export function accuracy(a: NdArray | ArrayLike<number>, b: NdArray | ArrayLike<number>): number {
  const x = checkLabels('accuracy', 'a', a);
  const y = checkLabels('accuracy', 'b', b);
  if (x.length !== y.length) {
    throw new RangeError(`accuracy: a has shape (${x.length},) but b has shape (${y.length},)`);
  }
  if (x.length === 0) throw new RangeError('accuracy: a and b are empty');
  let hits = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === y[i]) hits++;
  return hits / x.length;
}

/** Elementwise `a + b` (same shapes, or b a number). */
export function add(a: Tensor, b: Tensor | number): Tensor {
  return elementwise('add', a, b, (u, v) => u + v);
}

/** Elementwise `a - b` (same shapes, or b a number). */
export function sub(a: Tensor, b: Tensor | number): Tensor {
  return elementwise('sub', a, b, (u, v) => u - v);
}

/** Elementwise `a * b` (same shapes, or b a number). */
export function mul(a: Tensor, b: Tensor | number): Tensor {
  return elementwise('mul', a, b, (u, v) => u * v);
}

/** Elementwise `|x|`. */
export function abs(x: Tensor): Tensor {
  return elementwise('abs', x, 0, (u) => Math.abs(u));
}

function elementwise(
  fn: string,
  a: Tensor,
  b: Tensor | number,
  op: (u: number, v: number) => number,
): Tensor {
  checkTensor(fn, 'a', a);
  const da = contiguousData(a);
  const out = new Float64Array(da.length);
  if (typeof b === 'number') {
    for (let i = 0; i < da.length; i++) out[i] = op(da[i], b);
  } else {
    checkTensor(fn, 'b', b);
    checkSameShape(fn, 'a', a, 'b', b);
    const db = contiguousData(b);
    for (let i = 0; i < da.length; i++) out[i] = op(da[i], db[i]);
  }
  return tensor(a.shape, out);
}

function nonEmpty(fn: string, x: Tensor): Float64Array {
  checkTensor(fn, 'x', x);
  const d = contiguousData(x);
  if (d.length === 0) throw new RangeError(`${fn}: x of shape ${formatShape(x.shape)} is empty`);
  return d;
}

function checkShape(fn: string, arg: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(
      `${fn}: ${arg} must be a list of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
}

/**
 * Rows of x picked by index, like `x[indices]` in numpy.
 * @param x (N, d1, ..., dk)
 * @param indices (B,) integers in [0, N)
 * @param out optional packed (B, d1, ..., dk) tensor to write into (saves a large allocation per
 *   call in training loops); a fresh tensor otherwise
 * @returns (B, d1, ..., dk)
 */
export function takeRows(x: Tensor, indices: ArrayLike<number>, out?: Tensor): Tensor {
  checkTensor('takeRows', 'x', x, [1, Number.POSITIVE_INFINITY]);
  const n = x.shape[0];
  const rowShape = x.shape.slice(1);
  const rowSize = shapeSize(rowShape);
  const shape = [indices.length, ...rowShape];
  if (out !== undefined) {
    checkTensor('takeRows', 'out', out);
    checkSameShape('takeRows', 'out', out, 'x[indices]', { shape });
    if (!isPackedRowMajor(out)) {
      throw new RangeError(
        `takeRows: out must be a packed row-major tensor, got a strided view of shape ${formatShape(out.shape)}`,
      );
    }
  }
  const rows = indices instanceof Int32Array ? indices : new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) {
      throw new RangeError(
        `takeRows: indices[${i}] = ${r} is outside [0, ${n}) for x of shape ${formatShape(x.shape)}`,
      );
    }
    rows[i] = r;
  }
  const result = out ?? tensor(shape);
  // The copy is the compute backend's (the blas addon's memcpy per row is the fastest here).
  activeBackend().gatherRows(contiguousData(x), rowSize, rows, contiguousData(result));
  return result;
}

/**
 * Labels picked by index, like `y[indices]`.
 * @param y (N,) labels
 * @param indices (B,) integers in [0, N)
 * @returns (B,) as an Int32Array-backed ndarray
 */
export function takeLabels(
  y: NdArray | ArrayLike<number>,
  indices: ArrayLike<number>,
): NdArray<Int32Array> {
  const values = checkLabels('takeLabels', 'y', y);
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= values.length) {
      throw new RangeError(`takeLabels: indices[${i}] = ${r} is outside [0, ${values.length})`);
    }
    checkLabelValue('takeLabels', 'y', r, values[r]);
    out[i] = values[r];
  }
  return ndarray(out, [indices.length]);
}
