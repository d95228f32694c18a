/**
 * The feature notebook's preprocessing, as the course does it with numpy: subtract the training
 * mean feature, divide by the training standard deviation, and add (later remove) a constant bias
 * column for the linear classifiers.
 */
import { checkTensor, contiguousData, formatShape, type Tensor, tensor } from '../core/tensor';

/**
 * Mean and standard deviation of every column, like `np.mean(X, axis=0, keepdims=True)` and
 * `np.std(X, axis=0, keepdims=True)` (population std, divisor N).
 *
 * @param X (N, D), N >= 1
 * @returns `{ mean: (1, D), std: (1, D) }`
 */
export function columnMeanStd(X: Tensor): { mean: Tensor; std: Tensor } {
  checkTensor('columnMeanStd', 'X', X, 2);
  const [N, D] = X.shape;
  if (N < 1)
    throw new RangeError(
      `columnMeanStd: X must have at least one row, got shape ${formatShape(X.shape)}`,
    );
  const x = contiguousData(X);
  const mean = new Float64Array(D);
  const sd = new Float64Array(D);
  for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) mean[j] += x[i * D + j];
  for (let j = 0; j < D; j++) mean[j] /= N;
  for (let i = 0; i < N; i++) for (let j = 0; j < D; j++) sd[j] += (x[i * D + j] - mean[j]) ** 2;
  for (let j = 0; j < D; j++) sd[j] = Math.sqrt(sd[j] / N);
  return { mean: tensor([1, D], mean), std: tensor([1, D], sd) };
}

/**
 * `(X - mean) / std`, column by column, into a fresh tensor. A column whose training std is 0
 * (a feature constant over the training set) is left at 0 instead of becoming 0/0 = NaN.
 *
 * @param X (N, D)
 * @param mean (1, D) or (D,)
 * @param std (1, D) or (D,)
 * @returns (N, D)
 */
export function standardize(X: Tensor, mean: Tensor, std: Tensor): Tensor {
  const fn = 'standardize';
  checkTensor(fn, 'X', X, 2);
  const [N, D] = X.shape;
  const m = contiguousData(checkTensor(fn, 'mean', mean, [1, 2]));
  const s = contiguousData(checkTensor(fn, 'std', std, [1, 2]));
  if (m.length !== D || s.length !== D) {
    throw new RangeError(
      `${fn}: X has ${D} columns (shape ${formatShape(X.shape)}) but mean has shape ${formatShape(mean.shape)} and std ${formatShape(std.shape)}`,
    );
  }
  const x = contiguousData(X);
  const out = new Float64Array(N * D);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < D; j++) out[i * D + j] = s[j] === 0 ? 0 : (x[i * D + j] - m[j]) / s[j];
  }
  return tensor([N, D], out);
}

/** `np.hstack([X, np.ones((N, 1))])`: (N, D) -> (N, D + 1). */
export function appendOnesColumn(X: Tensor): Tensor {
  checkTensor('appendOnesColumn', 'X', X, 2);
  const [N, D] = X.shape;
  const x = contiguousData(X);
  const out = new Float64Array(N * (D + 1));
  for (let i = 0; i < N; i++) {
    out.set(x.subarray(i * D, i * D + D), i * (D + 1));
    out[i * (D + 1) + D] = 1;
  }
  return tensor([N, D + 1], out);
}

/** `X[:, :-1]` as a packed copy: (N, D) -> (N, D - 1). */
export function dropLastColumn(X: Tensor): Tensor {
  checkTensor('dropLastColumn', 'X', X, 2);
  const [N, D] = X.shape;
  if (D < 1)
    throw new RangeError(`dropLastColumn: X has no column to drop (shape ${formatShape(X.shape)})`);
  const x = contiguousData(X);
  const out = new Float64Array(N * (D - 1));
  for (let i = 0; i < N; i++) out.set(x.subarray(i * D, i * D + D - 1), i * (D - 1));
  return tensor([N, D - 1], out);
}
