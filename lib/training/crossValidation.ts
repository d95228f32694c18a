/**
 * Helpers for k-fold cross-validation (the kNN notebook's "Cross-validation" cells): numpy's
 * `array_split` of the rows into folds, the training set of all folds but one, and the mean and
 * standard deviation of each hyperparameter's accuracies.
 */
import ndarray, { type NdArray } from 'ndarray';
import { checkTensor, contiguousData, formatShape, type Tensor, tensor } from '../core/tensor';
import { sliceLabels, sliceRows } from '../data/splits';

/** One fold of a dataset: its rows of X and y. */
export interface Fold {
  /** (n_f, D) rows of the fold (a view) */
  X: Tensor;
  /** (n_f,) */
  y: NdArray<Int32Array>;
}

/**
 * Splits the rows of X and y into `numFolds` consecutive folds, like `np.array_split`: the first
 * `N % numFolds` folds have one row more than the others.
 *
 * @param X (N, D)
 * @param y (N,) labels
 * @param numFolds 1 <= numFolds <= N
 * @returns numFolds folds, each X a view of X
 */
export function arraySplit(X: Tensor, y: NdArray | ArrayLike<number>, numFolds: number): Fold[] {
  checkTensor('arraySplit', 'X', X, 2);
  const n = X.shape[0];
  const ny =
    'shape' in y && Array.isArray(y.shape)
      ? (y as NdArray).shape[0]
      : (y as ArrayLike<number>).length;
  if (ny !== n)
    throw new RangeError(
      `arraySplit: y has shape (${ny},) but X has shape ${formatShape(X.shape)}`,
    );
  if (!Number.isInteger(numFolds) || numFolds < 1 || numFolds > n) {
    throw new RangeError(
      `arraySplit: numFolds must be an integer in [1, ${n}] (the rows of X), got ${numFolds}`,
    );
  }
  const base = Math.floor(n / numFolds);
  const extra = n % numFolds;
  const folds: Fold[] = [];
  let start = 0;
  for (let f = 0; f < numFolds; f++) {
    const stop = start + base + (f < extra ? 1 : 0);
    folds.push({ X: sliceRows(X, start, stop), y: sliceLabels(y, start, stop) });
    start = stop;
  }
  return folds;
}

/**
 * The training set of one cross-validation round: all folds except `holdOut`, concatenated in
 * order (`np.concatenate` of the others), and the held-out fold as the validation set.
 *
 * @param folds from {@link arraySplit}, each X (n_f, D)
 * @param holdOut index of the validation fold
 * @returns `{ XTrain: (N - n_holdOut, D), yTrain, XVal: (n_holdOut, D), yVal }`
 */
export function foldSplit(
  folds: readonly Fold[],
  holdOut: number,
): { XTrain: Tensor; yTrain: NdArray<Int32Array>; XVal: Tensor; yVal: NdArray<Int32Array> } {
  if (!Array.isArray(folds) || folds.length < 2) {
    throw new RangeError(
      `foldSplit: folds must be at least two folds from arraySplit, got ${Array.isArray(folds) ? folds.length : typeof folds}`,
    );
  }
  if (!Number.isInteger(holdOut) || holdOut < 0 || holdOut >= folds.length) {
    throw new RangeError(
      `foldSplit: holdOut must be a fold index in [0, ${folds.length}), got ${holdOut}`,
    );
  }
  const D = folds[0].X.shape[1];
  let rows = 0;
  for (const [f, fold] of folds.entries()) {
    checkTensor('foldSplit', `folds[${f}].X`, fold.X, 2);
    if (fold.X.shape[1] !== D) {
      throw new RangeError(
        `foldSplit: folds[${f}].X has shape ${formatShape(fold.X.shape)} but folds[0].X has ${D} columns`,
      );
    }
    if (f !== holdOut) rows += fold.X.shape[0];
  }
  const XTrain = tensor([rows, D]);
  const yTrain = new Int32Array(rows);
  let at = 0;
  for (const [f, fold] of folds.entries()) {
    if (f === holdOut) continue;
    const n = fold.X.shape[0];
    XTrain.data.set(contiguousData(fold.X), at * D);
    for (let i = 0; i < n; i++) yTrain[at + i] = fold.y.get(i);
    at += n;
  }
  return {
    XTrain,
    yTrain: ndarray(yTrain, [rows]),
    XVal: folds[holdOut].X,
    yVal: folds[holdOut].y,
  };
}

/** Mean and (population) standard deviation of a list, like `np.mean(v)` and `np.std(v)`. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (!Array.isArray(values) || values.length === 0)
    throw new RangeError('meanStd: values must be a non-empty array of numbers');
  let s = 0;
  for (const v of values) s += v;
  const mean = s / values.length;
  let q = 0;
  for (const v of values) q += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(q / values.length) };
}
