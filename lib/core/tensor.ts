/**
 * The tensor type used throughout the library and the checks every public function runs on its
 * arguments before touching them.
 *
 * A `Tensor` is a scijs `ndarray` view over a `Float64Array`. Views may be strided (for example a
 * `.transpose()`); functions that need packed row-major data call {@link contiguousData}.
 */
import ndarray, { type NdArray } from 'ndarray';

/** A float64 n-dimensional array: an `ndarray` view over a `Float64Array`. */
export type Tensor = NdArray<Float64Array>;

/** Class labels: integers in [0, C). An `ndarray`, a typed array or a plain array. */
export type Labels = NdArray | ArrayLike<number>;

/** Formats a shape the way numpy prints it: `(2, 3)`, `(5,)`, `()`. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Number of elements of a shape (1 for a scalar shape `()`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True when `x` is an `ndarray` (duck-typed: scijs arrays carry `data`, `shape`, `stride`). */
export function isNdArray(x: unknown): x is NdArray {
  if (typeof x !== 'object' || x === null) return false;
  const a = x as Partial<NdArray>;
  return Array.isArray(a.shape) && Array.isArray(a.stride) && a.data !== undefined;
}

/**
 * Checks that `x` is a float64 tensor and returns it typed as such.
 *
 * @param fn name of the public function doing the check (used in the error message)
 * @param arg name of the argument
 * @param x the value passed
 * @param ndim if given, the required number of dimensions, or `[min, max]`
 * @throws TypeError naming `fn`, `arg` and what was passed instead
 */
export function checkTensor(
  fn: string,
  arg: string,
  x: unknown,
  ndim?: number | [number, number],
): Tensor {
  if (!isNdArray(x)) {
    throw new TypeError(
      `${fn}: ${arg} must be an ndarray over a Float64Array, got ${describeValue(x)}`,
    );
  }
  if (!(x.data instanceof Float64Array)) {
    const kind = (x.data as object)?.constructor?.name ?? typeof x.data;
    throw new TypeError(
      `${fn}: ${arg} must be an ndarray over a Float64Array, got one over ${kind} with shape ${formatShape(x.shape)}`,
    );
  }
  checkView(fn, arg, x);
  if (ndim !== undefined) {
    const [lo, hi] = typeof ndim === 'number' ? [ndim, ndim] : ndim;
    if (x.shape.length < lo || x.shape.length > hi) {
      const want =
        lo === hi ? `${lo}` : hi === Number.POSITIVE_INFINITY ? `at least ${lo}` : `${lo} to ${hi}`;
      throw new RangeError(
        `${fn}: ${arg} must have ${want} dimension${lo === 1 && hi === 1 ? '' : 's'}, got shape ${formatShape(x.shape)}`,
      );
    }
  }
  return x as Tensor;
}

/**
 * Checks that a view's shape, strides and offset are integers and that every element it claims
 * lies inside its buffer (`ndarray` accepts any of them, and a view past the end of its buffer
 * would read `undefined`, that is NaN, or stale memory in a compiled kernel).
 */
function checkView(fn: string, arg: string, x: NdArray): void {
  const { shape, stride, offset } = x;
  const problem =
    stride.length !== shape.length
      ? 'it needs one stride per dimension'
      : shape.some((d) => !Number.isInteger(d) || d < 0)
        ? 'the shape must be non-negative integers'
        : stride.some((s) => !Number.isInteger(s)) || !Number.isInteger(offset)
          ? 'strides and offset must be integers'
          : null;
  if (problem !== null) {
    throw new RangeError(`${fn}: ${arg} is a malformed view (${viewLayout(x)}): ${problem}`);
  }
  if (shape.includes(0)) return;
  let first = offset;
  let last = offset;
  for (let k = 0; k < shape.length; k++) {
    const reach = (shape[k] - 1) * stride[k];
    if (reach < 0) first += reach;
    else last += reach;
  }
  const length = (x.data as ArrayLike<number>).length;
  if (first < 0 || last >= length || !Number.isSafeInteger(last)) {
    throw new RangeError(
      `${fn}: ${arg} is a view (${viewLayout(x)}) that claims ${shapeSize(shape)} elements reaching buffer indices ${first} to ${last}, but its buffer holds ${length}`,
    );
  }
}

/**
 * A view's shape, strides and offset, for error messages. (A module-level function rather than a
 * closure in checkView: that runs for every tensor argument, and the closure cost more than the
 * check itself under tsx, which names each closure it creates.)
 */
function viewLayout(x: NdArray): string {
  return `shape ${formatShape(x.shape)}, stride ${formatShape(x.stride)}, offset ${String(x.offset)}`;
}

/** The largest number of elements a tensor may have (as for `random.randn`): 2^31 - 1. */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Allocates the buffer of a fresh tensor of `shape`, or throws an error naming the public function
 * and the argument that asked for it (instead of V8's "Invalid typed array length" or "Array
 * buffer allocation failed").
 *
 * @param fn the public function, `arg` the argument that decides the size (e.g. `hiddenDim`)
 * @param what what is being allocated (e.g. `W1`), shown with its shape
 */
export function allocate(fn: string, arg: string, what: string, shape: readonly number[]): Tensor {
  return allocating(fn, arg, what, shape, () =>
    ndarray(new Float64Array(shapeSize(shape)), shape.slice()),
  );
}

/**
 * Runs `make`, which creates a tensor of `shape` (for example `random.randn`), after checking the
 * size as {@link allocate} does, and turns an allocation failure into an error naming `fn` and `arg`.
 */
export function allocating<T>(
  fn: string,
  arg: string,
  what: string,
  shape: readonly number[],
  make: () => T,
): T {
  const size = shapeSize(shape);
  if (!(size <= MAX_ELEMENTS)) {
    throw new RangeError(
      `${fn}: ${arg} too large: ${describeAllocation(what, shape, size)} exceeds the ${MAX_ELEMENTS} elements a tensor may hold`,
    );
  }
  try {
    return make();
  } catch (e) {
    if (!(e instanceof RangeError) || !/allocation|typed array length/i.test(e.message)) throw e;
    throw new RangeError(
      `${fn}: ${arg} too large: ${describeAllocation(what, shape, size)} could not be allocated (${e.message})`,
    );
  }
}

/** What {@link allocating} was asked for, for its error messages. */
function describeAllocation(what: string, shape: readonly number[], size: number): string {
  return `${what} of shape ${formatShape(shape)} (${size} elements, ${formatBytes(size * 8)})`;
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toPrecision(3)} ${units[u]}`;
}

/**
 * Throws when `x` is an empty batch (N = 0), for functions whose result is a mean over the batch
 * (numpy gives NaN with a warning there; here it is an error).
 */
export function checkNonEmptyBatch(fn: string, arg: string, x: NdArray): void {
  if (x.shape[0] === 0) {
    throw new RangeError(
      `${fn}: ${arg} of shape ${formatShape(x.shape)} is an empty batch (N = 0): the mean over the batch is undefined`,
    );
  }
}

/** Flat row-major index of the first NaN or infinity in `x`, or -1 when every element is finite. */
export function firstNonFinite(x: Tensor): number {
  const flat = contiguousData(x);
  // v * 0 is 0 for a finite v and NaN for NaN or an infinity: a branch-free pass over the data
  // (large: a whole training set) finds whether there is one; only then is it located.
  // Four sums so the additions do not wait on each other.
  let p0 = 0;
  let p1 = 0;
  let p2 = 0;
  let p3 = 0;
  const n4 = flat.length - (flat.length % 4);
  for (let i = 0; i < n4; i += 4) {
    p0 += flat[i] * 0;
    p1 += flat[i + 1] * 0;
    p2 += flat[i + 2] * 0;
    p3 += flat[i + 3] * 0;
  }
  for (let i = n4; i < flat.length; i++) p0 += flat[i] * 0;
  if (p0 + p1 + p2 + p3 === 0) return -1;
  for (let i = 0; i < flat.length; i++) if (!Number.isFinite(flat[i])) return i;
  return -1;
}

/**
 * Throws when `x` holds NaN or an infinity: for input data, where either is bad input (a value
 * training produces is another matter: see the Solver's divergence policy).
 *
 * @throws RangeError naming `fn`, `arg`, the shape, the value and where it is (flat index, and row)
 */
export function checkFinite(fn: string, arg: string, x: Tensor): void {
  const i = firstNonFinite(x);
  if (i >= 0) {
    const rowSize = shapeSize(x.shape.slice(1));
    const row = x.shape.length > 1 && rowSize > 0 ? ` (row ${Math.floor(i / rowSize)})` : '';
    throw new RangeError(
      `${fn}: ${arg} with shape ${formatShape(x.shape)} holds ${contiguousData(x)[i]} at flat index ${i}${row}; input data must be finite`,
    );
  }
}

/**
 * Throws unless `v` is an integer class label: in [0, numClasses) when `numClasses` is given, else
 * a non-negative integer. The value check of {@link checkLabels}, also used where single labels are
 * copied (so NaN or 2.5 never become 0 or 2 in an Int32Array).
 */
export function checkLabelValue(
  fn: string,
  arg: string,
  i: number,
  v: unknown,
  numClasses?: number,
): void {
  if (
    typeof v !== 'number' ||
    !Number.isInteger(v) ||
    v < 0 ||
    (numClasses !== undefined && v >= numClasses) ||
    v > MAX_ELEMENTS
  ) {
    const range = numClasses === undefined ? 'a non-negative integer' : `in [0, ${numClasses})`;
    throw new RangeError(
      `${fn}: ${arg}[${i}] = ${String(v)} is not an integer class label ${numClasses === undefined ? `(${range})` : range}`,
    );
  }
}

/** Flat row-major index of the first NaN in `x`, or -1 when it holds none. */
export function firstNaN(x: Tensor): number {
  const flat = contiguousData(x);
  for (let i = 0; i < flat.length; i++) if (Number.isNaN(flat[i])) return i;
  return -1;
}

/**
 * Throws when `x` holds a NaN (infinities are allowed: a diverging run must still be measurable).
 *
 * @throws RangeError naming `fn`, `arg`, the shape and the flat index of the first NaN
 */
export function checkNoNaN(fn: string, arg: string, x: Tensor): void {
  const i = firstNaN(x);
  if (i >= 0) {
    throw new RangeError(
      `${fn}: ${arg} with shape ${formatShape(x.shape)} holds NaN (first at flat index ${i})`,
    );
  }
}

/**
 * Checks class labels and returns their values; the one label check of the library.
 *
 * @param y labels, shape (N,): a 1-D ndarray, a typed array or a plain array
 * @param rows if given, the required N: a number (the number of inputs), or the inputs X
 *   (N, ...) themselves, which the error message then shows
 * @param numClasses if given, C: every label must be an integer in [0, C), and the values are
 *   returned as a fresh `Int32Array`; otherwise they are returned as they are (no copy for a
 *   packed 1-D ndarray or an array)
 * @throws RangeError / TypeError naming `fn`, `arg`, the shapes and the first offending label
 */
export function checkLabels(
  fn: string,
  arg: string,
  y: unknown,
  rows: number | NdArray | undefined,
  numClasses: number,
): Int32Array;
export function checkLabels(
  fn: string,
  arg: string,
  y: unknown,
  rows?: number | NdArray,
): ArrayLike<number>;
export function checkLabels(
  fn: string,
  arg: string,
  y: unknown,
  rows?: number | NdArray,
  numClasses?: number,
): ArrayLike<number> {
  const n = rows === undefined ? undefined : typeof rows === 'number' ? rows : rows.shape[0];
  let values: ArrayLike<number>;
  if (isNdArray(y)) {
    if (y.shape.length !== 1) throw labelShapeError(fn, arg, rows, y.shape);
    checkView(fn, arg, y);
    if (y.stride[0] === 1 && ArrayBuffer.isView(y.data)) {
      values = (y.data as unknown as Int32Array).subarray(y.offset, y.offset + y.shape[0]);
    } else {
      const v = new Array<number>(y.shape[0]);
      for (let i = 0; i < y.shape[0]; i++) v[i] = y.get(i) as number;
      values = v;
    }
  } else if (Array.isArray(y) || (ArrayBuffer.isView(y) && !(y instanceof DataView))) {
    values = y as ArrayLike<number>;
  } else {
    throw new TypeError(
      `${fn}: ${arg} must be an array of integer labels, got ${describeValue(y)}`,
    );
  }
  if (n !== undefined && values.length !== n) throw labelShapeError(fn, arg, rows, [values.length]);
  if (numClasses === undefined) return values;
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    checkLabelValue(fn, arg, i, v, numClasses);
    out[i] = v;
  }
  return out;
}

/**
 * The error for labels of the wrong shape (see {@link checkLabels}; a module-level function, not a
 * closure made on every call).
 */
function labelShapeError(
  fn: string,
  arg: string,
  rows: number | NdArray | undefined,
  shape: readonly number[],
): RangeError {
  const n = rows === undefined ? undefined : typeof rows === 'number' ? rows : rows.shape[0];
  if (typeof rows === 'object') {
    return new RangeError(
      `${fn}: ${arg} must have shape (${n},) to match X of shape ${formatShape(rows.shape)}, got ${formatShape(shape)}`,
    );
  }
  return n !== undefined && shape.length === 1
    ? new RangeError(
        `${fn}: ${arg} has shape ${formatShape(shape)} but there are ${n} inputs; expected (${n},)`,
      )
    : new RangeError(`${fn}: ${arg} must have shape (N,), got ${formatShape(shape)}`);
}

/**
 * The elements of `x` in row-major (C) order as one `Float64Array`. Returns the underlying buffer
 * itself (no copy) when `x` is already a packed row-major view starting at offset 0; otherwise a copy.
 */
export function contiguousData(x: Tensor): Float64Array {
  if (isPackedRowMajor(x)) {
    const size = shapeSize(x.shape);
    return x.offset === 0 && x.data.length === size
      ? x.data
      : x.data.subarray(x.offset, x.offset + size);
  }
  const out = new Float64Array(shapeSize(x.shape));
  const shape = x.shape;
  const d = shape.length;
  const idx = new Array<number>(d).fill(0);
  for (let i = 0; i < out.length; i++) {
    let p = x.offset;
    for (let k = 0; k < d; k++) p += idx[k] * x.stride[k];
    out[i] = x.data[p];
    for (let k = d - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** True when `x` is laid out row-major with no gaps (its strides are those of a fresh array). */
export function isPackedRowMajor(x: NdArray): boolean {
  let expected = 1;
  for (let k = x.shape.length - 1; k >= 0; k--) {
    if (x.shape[k] !== 1 && x.stride[k] !== expected) return false;
    expected *= x.shape[k];
  }
  return true;
}

/** A fresh packed row-major tensor of the given shape over `data` (or zeros). */
export function tensor(shape: readonly number[], data?: Float64Array): Tensor {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(
      `tensor: shape must be a list of non-negative integers, got ${Array.isArray(shape) ? formatShape(shape) : describeValue(shape)}`,
    );
  }
  const size = shapeSize(shape);
  if (data !== undefined && !(data instanceof Float64Array)) {
    throw new TypeError(`tensor: data must be a Float64Array, got ${describeValue(data)}`);
  }
  const buf =
    data ?? allocating('tensor', 'shape', 'a tensor', shape, () => new Float64Array(size));
  if (buf.length !== size) {
    throw new RangeError(
      `tensor: data has ${buf.length} elements but shape ${formatShape(shape)} needs ${size}`,
    );
  }
  return ndarray(buf, shape.slice());
}

/** A short description of an unexpected value for error messages. */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `a plain array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  if (typeof x === 'object') return `an object (${(x as object).constructor?.name ?? 'Object'})`;
  return `${typeof x} ${String(x)}`;
}

/** Checks that a cache is the tuple a forward pass returned. */
export function checkCache(fn: string, cache: unknown, length: number): unknown[] {
  if (!Array.isArray(cache) || cache.length !== length) {
    throw new TypeError(
      `${fn}: cache must be the ${length}-element cache returned by the forward pass, got ${Array.isArray(cache) ? `an array of length ${cache.length}` : typeof cache}`,
    );
  }
  return cache;
}

/**
 * Throws when two tensors differ in shape.
 * @throws RangeError `fn: nameA has shape (...) but nameB has shape (...)`
 */
export function checkSameShape(
  fn: string,
  nameA: string,
  a: { readonly shape: readonly number[] },
  nameB: string,
  b: { readonly shape: readonly number[] },
): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(
      `${fn}: ${nameA} has shape ${formatShape(a.shape)} but ${nameB} has shape ${formatShape(b.shape)}`,
    );
  }
}
