/**
 * CIFAR-10 as the kNN, SVM and Softmax notebooks use it (the steps those notebooks of the
 * assignment write out cell by cell): raw images in (N, 32, 32, 3) order with pixel values
 * 0..255, row ranges and flattening that share memory (numpy's `X[range]` and `reshape`), the
 * mean image, and the bias trick.
 */
import ndarray, { type NdArray } from 'ndarray';
import { takeLabels, takeRows } from '../core/numpy';
import { type RandomState, random } from '../core/random';
import {
  checkNoNaN,
  checkTensor,
  contiguousData,
  formatShape,
  isPackedRowMajor,
  type Tensor,
  tensor,
} from '../core/tensor';
import { getCIFAR10Data } from '../dataUtils';

/** Raw CIFAR-10 images and labels, as the assignment's `load_CIFAR10` returns them. */
export interface CIFAR10Images {
  /** (numTraining, 32, 32, 3), values 0..255 */
  X_train: Tensor;
  /** (numTraining,), values 0..9 */
  y_train: NdArray<Int32Array>;
  /** (numTest, 32, 32, 3), values 0..255 */
  X_test: Tensor;
  /** (numTest,), values 0..9 */
  y_test: NdArray<Int32Array>;
}

/** Options of {@link loadCIFAR10Images}. */
export interface LoadCIFAR10ImagesOptions {
  /** The first `numTraining` training images. Default 50000 (all). */
  numTraining?: number;
  /** The first `numTest` test images. Default 10000 (all). */
  numTest?: number;
  /** Folder holding the batch files. Default `resolveCIFAR10Dir()` (CIFAR10_DIR). */
  dir?: string;
}

/**
 * Loads raw CIFAR-10 images channels last, like the assignment's `load_CIFAR10`: element
 * `[n, i, j, c]` is the value (0..255, as float64) of channel c of pixel (i, j) of image n.
 * Only the batch files the requested images live in are read.
 *
 * @returns `{ X_train: (numTraining, 32, 32, 3), y_train: (numTraining,), X_test: (numTest, 32,
 *   32, 3), y_test: (numTest,) }`; all 60000 images take 1.47 GB
 * @throws RangeError naming the option for a count out of range; Error when the data is missing
 */
export function loadCIFAR10Images(options: LoadCIFAR10ImagesOptions = {}): CIFAR10Images {
  const fn = 'loadCIFAR10Images';
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${fn}: options must be an object, got ${String(options)}`);
  }
  const numTraining = options.numTraining ?? 50000;
  const numTest = options.numTest ?? 10000;
  for (const [name, v, most] of [
    ['numTraining', numTraining, 50000],
    ['numTest', numTest, 10000],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > most) {
      throw new RangeError(`${fn}: ${name} must be an integer in [0, ${most}], got ${String(v)}`);
    }
  }
  const data = getCIFAR10Data({
    numTraining,
    numValidation: 0,
    numTest,
    subtractMean: false,
    ...(options.dir === undefined ? {} : { dir: options.dir }),
  });
  return {
    X_train: channelsLastInPlace(data.X_train),
    y_train: data.y_train,
    X_test: channelsLastInPlace(data.X_test),
    y_test: data.y_test,
  };
}

/** Reorders packed (N, 3, 32, 32) images to (N, 32, 32, 3) in place, one image at a time. */
function channelsLastInPlace(X: Tensor): Tensor {
  const n = X.shape[0];
  const d = X.data;
  const scratch = new Float64Array(3072);
  for (let img = 0; img < n; img++) {
    const base = img * 3072;
    scratch.set(d.subarray(base, base + 3072));
    for (let p = 0; p < 1024; p++) {
      d[base + 3 * p] = scratch[p];
      d[base + 3 * p + 1] = scratch[1024 + p];
      d[base + 3 * p + 2] = scratch[2048 + p];
    }
  }
  return tensor([n, 32, 32, 3], d);
}

/**
 * Rows `start .. stop-1` of x, like numpy's `x[start:stop]` (or `x[range(start, stop)]`, a copy
 * there): a view sharing x's memory.
 *
 * @param x (N, d1, ..., dk), packed row-major
 * @returns (stop - start, d1, ..., dk)
 */
export function sliceRows(x: Tensor, start: number, stop: number): Tensor {
  checkTensor('sliceRows', 'x', x, [1, Number.POSITIVE_INFINITY]);
  checkRange('sliceRows', x.shape, start, stop);
  if (!isPackedRowMajor(x))
    throw new RangeError(`sliceRows: x (shape ${formatShape(x.shape)}) must be packed row-major`);
  const rowSize = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const from = x.offset + start * rowSize;
  return tensor(
    [stop - start, ...x.shape.slice(1)],
    x.data.subarray(from, from + (stop - start) * rowSize),
  );
}

/**
 * Labels `start .. stop-1` of y, like `y[start:stop]` (a copy).
 * @param y (N,) labels
 * @returns (stop - start,)
 */
export function sliceLabels(
  y: NdArray | ArrayLike<number>,
  start: number,
  stop: number,
): NdArray<Int32Array> {
  const n =
    'shape' in y && Array.isArray(y.shape)
      ? (y as NdArray).shape[0]
      : (y as ArrayLike<number>).length;
  checkRange('sliceLabels', [n], start, stop);
  const out = new Int32Array(stop - start);
  for (let i = start; i < stop; i++) {
    out[i - start] =
      'get' in y && typeof y.get === 'function'
        ? (y.get(i) as number)
        : (y as ArrayLike<number>)[i];
  }
  return ndarray(out, [out.length]);
}

function checkRange(fn: string, shape: readonly number[], start: number, stop: number): void {
  if (
    !Number.isInteger(start) ||
    !Number.isInteger(stop) ||
    start < 0 ||
    stop < start ||
    stop > shape[0]
  ) {
    throw new RangeError(
      `${fn}: rows ${start} .. ${stop} are not a range inside the ${shape[0]} rows of shape ${formatShape(shape)}`,
    );
  }
}

/**
 * Each example as one row, like `np.reshape(X, (X.shape[0], -1))`: a view when x is packed.
 * @param x (N, d1, ..., dk)
 * @returns (N, d1 * ... * dk)
 */
export function flattenRows(x: Tensor): Tensor {
  checkTensor('flattenRows', 'x', x, [1, Number.POSITIVE_INFINITY]);
  const n = x.shape[0];
  const d = x.shape.slice(1).reduce((a, b) => a * b, 1);
  return tensor([n, d], contiguousData(x));
}

/**
 * The mean over the rows of x, like `np.mean(X, axis=0)` for the mean image.
 * @param x (N, D) with N >= 1
 * @returns (D,)
 */
export function meanRows(x: Tensor): Tensor {
  checkTensor('meanRows', 'x', x, 2);
  const [n, D] = x.shape;
  if (n < 1)
    throw new RangeError(
      `meanRows: x must have at least one row, got shape ${formatShape(x.shape)}`,
    );
  checkNoNaN('meanRows', 'x', x);
  const d = contiguousData(x);
  const out = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) out[j] += d[i * D + j];
  for (let j = 0; j < D; j++) out[j] /= n;
  return tensor([D], out);
}

/**
 * `x -= row` for every row of x, in place (numpy's broadcast `X_train -= mean_image`).
 * @param x (N, D), packed row-major (it is written through)
 * @param row (D,)
 */
export function subtractRowInPlace(x: Tensor, row: Tensor): void {
  checkTensor('subtractRowInPlace', 'x', x, 2);
  checkTensor('subtractRowInPlace', 'row', row, 1);
  if (row.shape[0] !== x.shape[1]) {
    throw new RangeError(
      `subtractRowInPlace: row of shape ${formatShape(row.shape)} does not match the ${x.shape[1]} columns of x (shape ${formatShape(x.shape)})`,
    );
  }
  if (!isPackedRowMajor(x))
    throw new RangeError(
      `subtractRowInPlace: x (shape ${formatShape(x.shape)}) must be packed row-major`,
    );
  const d = contiguousData(x);
  const r = contiguousData(row);
  const D = r.length;
  for (let base = 0; base < d.length; base += D) for (let j = 0; j < D; j++) d[base + j] -= r[j];
}

/**
 * The bias trick, like `np.hstack([X, np.ones((N, 1))])`: a column of ones appended, so a linear
 * classifier's bias becomes the last row of its one weight matrix.
 * @param x (N, D)
 * @returns (N, D + 1), a fresh tensor
 */
export function appendBiasColumn(x: Tensor): Tensor {
  checkTensor('appendBiasColumn', 'x', x, 2);
  const [n, D] = x.shape;
  const src = contiguousData(x);
  const out = tensor([n, D + 1]);
  for (let i = 0; i < n; i++) {
    out.data.set(src.subarray(i * D, (i + 1) * D), i * (D + 1));
    out.data[i * (D + 1) + D] = 1;
  }
  return out;
}

/** The splits {@link getCIFAR10LinearData} returns: rows with the mean image subtracted and a bias 1. */
export interface CIFAR10LinearData {
  /** (numTraining, 3073) */
  X_train: Tensor;
  /** (numTraining,) */
  y_train: NdArray<Int32Array>;
  /** (numValidation, 3073) */
  X_val: Tensor;
  /** (numValidation,) */
  y_val: NdArray<Int32Array>;
  /** (numTest, 3073) */
  X_test: Tensor;
  /** (numTest,) */
  y_test: NdArray<Int32Array>;
  /** (numDev, 3073): a random subset of the training rows, for quick checks */
  X_dev: Tensor;
  /** (numDev,) */
  y_dev: NdArray<Int32Array>;
  /** (3072,) the mean training image that was subtracted, channels last */
  meanImage: Tensor;
}

/** Options of {@link getCIFAR10LinearData} (the defaults are the assignment's). */
export interface GetCIFAR10LinearDataOptions {
  /** Training rows: the first numTraining training images. Default 49000. */
  numTraining?: number;
  /** Validation rows: the next numValidation training images. Default 1000. */
  numValidation?: number;
  /** Test rows: the first numTest test images. Default 1000. */
  numTest?: number;
  /** Development rows: numDev training rows drawn without replacement. Default 500. */
  numDev?: number;
  /** Draws the development rows (`choice(numTraining, numDev, false)`). Default the global `random`. */
  rng?: RandomState;
  /** Folder holding the batch files. Default `resolveCIFAR10Dir()` (CIFAR10_DIR). */
  dir?: string;
}

/**
 * CIFAR-10 prepared for a linear classifier, the steps of the Softmax notebook's data cell:
 * training, validation and test rows as in `getCIFAR10Data`, a development set of `numDev`
 * training rows drawn without replacement, every image as one row (channels last, as the
 * assignment's `load_CIFAR10` orders pixels), the mean training image subtracted from all four,
 * and a last column of ones (the bias trick).
 *
 * @returns X_train (numTraining, 3073), X_val (numValidation, 3073), X_test (numTest, 3073),
 *   X_dev (numDev, 3073), their labels, and the mean image (3072,)
 * @throws RangeError naming the option for counts out of range
 */
export function getCIFAR10LinearData(options: GetCIFAR10LinearDataOptions = {}): CIFAR10LinearData {
  const fn = 'getCIFAR10LinearData';
  const numTraining = options.numTraining ?? 49000;
  const numValidation = options.numValidation ?? 1000;
  const numTest = options.numTest ?? 1000;
  const numDev = options.numDev ?? 500;
  for (const [name, v] of [
    ['numTraining', numTraining],
    ['numValidation', numValidation],
    ['numTest', numTest],
    ['numDev', numDev],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`${fn}: ${name} must be a non-negative integer, got ${String(v)}`);
  }
  if (numTraining < 1)
    throw new RangeError(
      `${fn}: numTraining must be at least 1 (the mean image needs one), got ${numTraining}`,
    );
  if (numTraining + numValidation > 50000) {
    throw new RangeError(
      `${fn}: numTraining + numValidation = ${numTraining + numValidation} exceeds the 50000 training images`,
    );
  }
  if (numDev > numTraining)
    throw new RangeError(`${fn}: numDev = ${numDev} exceeds numTraining = ${numTraining}`);
  const rng = options.rng ?? random;
  const raw = loadCIFAR10Images({
    numTraining: numTraining + numValidation,
    numTest,
    ...(options.dir === undefined ? {} : { dir: options.dir }),
  });
  const rows = flattenRows(raw.X_train);
  const X_val = sliceRows(rows, numTraining, numTraining + numValidation);
  const X_train = sliceRows(rows, 0, numTraining);
  const X_test = flattenRows(raw.X_test);
  const mask = rng.choice(numTraining, numDev, false);
  const X_dev = takeRows(X_train, mask);
  const meanImage = meanRows(X_train);
  for (const X of [X_train, X_val, X_test, X_dev]) subtractRowInPlace(X, meanImage);
  return {
    X_train: appendBiasColumn(X_train),
    y_train: sliceLabels(raw.y_train, 0, numTraining),
    X_val: appendBiasColumn(X_val),
    y_val: sliceLabels(raw.y_train, numTraining, numTraining + numValidation),
    X_test: appendBiasColumn(X_test),
    y_test: raw.y_test,
    X_dev: appendBiasColumn(X_dev),
    y_dev: takeLabels(raw.y_train, mask),
    meanImage,
  };
}
