/**
 * The classifier losses at the top of a net, as in the assignment's cs231n/layers.py: each takes
 * class scores and labels and returns the mean loss over the batch and its gradient.
 */

import {
  checkLabels,
  checkNonEmptyBatch,
  checkTensor,
  contiguousData,
  type Labels,
  type Tensor,
  tensor,
} from '../core/tensor';

/**
 * Multiclass SVM (hinge) loss, averaged over N: `mean_i sum_{j != y_i} max(0, x_ij - x_iy_i + 1)`.
 *
 * @param x (N, C) class scores, N >= 1 (the mean over an empty batch is undefined: an error)
 * @param y (N,) labels, integers in [0, C)
 * @returns `[loss, dx (N, C)]`
 */
export function svmLoss(x: Tensor, y: Labels): [number, Tensor] {
  checkTensor('svmLoss', 'x', x, 2);
  checkNonEmptyBatch('svmLoss', 'x', x);
  const [n, c] = x.shape;
  const labels = checkLabels('svmLoss', 'y', y, n, c);
  // BEGIN SOLUTION
  const xd = contiguousData(x);
  const dx = new Float64Array(n * c);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = i * c;
    const correct = xd[row + labels[i]];
    let positive = 0;
    for (let j = 0; j < c; j++) {
      if (j === labels[i]) continue;
      const margin = xd[row + j] - correct + 1;
      if (margin > 0) {
        loss += margin;
        dx[row + j] = 1 / n;
        positive++;
      }
    }
    dx[row + labels[i]] = -positive / n;
  }
  return [loss / n, tensor([n, c], dx)];
  // END SOLUTION
}

/**
 * Softmax (cross-entropy) loss, averaged over N, computed stably by shifting each row by its max.
 *
 * @param x (N, C) class scores, N >= 1 (the mean over an empty batch is undefined: an error)
 * @param y (N,) labels, integers in [0, C)
 * @returns `[loss, dx (N, C)]`
 */
export function softmaxLoss(x: Tensor, y: Labels): [number, Tensor] {
  checkTensor('softmaxLoss', 'x', x, 2);
  checkNonEmptyBatch('softmaxLoss', 'x', x);
  const [n, c] = x.shape;
  const labels = checkLabels('softmaxLoss', 'y', y, n, c);
  // BEGIN SOLUTION
  const xd = contiguousData(x);
  const dx = new Float64Array(n * c);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = i * c;
    let rowMax = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < c; j++) if (xd[row + j] > rowMax) rowMax = xd[row + j];
    let z = 0;
    for (let j = 0; j < c; j++) z += Math.exp(xd[row + j] - rowMax);
    const logZ = Math.log(z);
    for (let j = 0; j < c; j++) dx[row + j] = Math.exp(xd[row + j] - rowMax - logZ);
    loss -= xd[row + labels[i]] - rowMax - logZ;
    dx[row + labels[i]] -= 1;
    for (let j = 0; j < c; j++) dx[row + j] /= n;
  }
  return [loss / n, tensor([n, c], dx)];
  // END SOLUTION
}
