/**
 * The softmax (cross-entropy) loss of a linear classifier and its gradient (mirrors the
 * assignment's `cs231n/classifiers/softmax.py`).
 *
 * For scores `s = x_i W`, the loss of example i is `-log(exp(s_{y_i}) / sum_j exp(s_j))`; the
 * total is the mean over the N examples plus `reg * sum(W^2)`. Scores are shifted by their row
 * maximum before exponentiating, so large scores cannot overflow.
 */

import { matmul } from '../backends';
import type { Labels, Tensor } from '../core/tensor';
import { tensor } from '../core/tensor';
import { checkLinearLossArgs, sumOfSquares } from './linearLossChecks';

/**
 * Softmax loss, naive version: loops over examples and classes, one dot product per score.
 *
 * @param W (D, C) weights
 * @param X (N, D) a minibatch of data
 * @param y (N,) labels, `y[i] = c` with 0 <= c < C
 * @param reg regularisation strength (the loss includes `reg * sum(W^2)`)
 * @returns `[loss, dW]`: the loss (a number) and its gradient with respect to W, (D, C)
 */
export function softmaxLossNaive(W: Tensor, X: Tensor, y: Labels, reg: number): [number, Tensor] {
  const { w, x, y: labels, N, D, C } = checkLinearLossArgs('softmaxLossNaive', W, X, y, reg);
  let loss = 0;
  const dW = tensor([D, C]);
  // BEGIN SOLUTION
  const dw = dW.data;
  const scores = new Float64Array(C);
  for (let i = 0; i < N; i++) {
    const row = i * D;
    let top = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < C; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += x[row + d] * w[d * C + j];
      scores[j] = s;
      if (s > top) top = s;
    }
    let total = 0;
    for (let j = 0; j < C; j++) {
      scores[j] = Math.exp(scores[j] - top);
      total += scores[j];
    }
    loss -= Math.log(scores[labels[i]] / total);
    for (let j = 0; j < C; j++) {
      // d loss_i / d s_j = p_j - [j == y_i]
      const g = scores[j] / total - (j === labels[i] ? 1 : 0);
      for (let d = 0; d < D; d++) dw[d * C + j] += g * x[row + d];
    }
  }
  loss = loss / N + reg * sumOfSquares(w);
  for (let p = 0; p < dw.length; p++) dw[p] = dw[p] / N + 2 * reg * w[p];
  // END SOLUTION
  return [loss, dW];
}

/**
 * Softmax loss, vectorized version: the scores as one matrix product `X @ W`, the gradient as one
 * product `X^T @ (P - Y)` with P the class probabilities and Y the one-hot labels.
 *
 * @param W (D, C) weights
 * @param X (N, D) a minibatch of data
 * @param y (N,) labels, `y[i] = c` with 0 <= c < C
 * @param reg regularisation strength (the loss includes `reg * sum(W^2)`)
 * @returns `[loss, dW]`, the same values as {@link softmaxLossNaive}
 */
export function softmaxLossVectorized(
  W: Tensor,
  X: Tensor,
  y: Labels,
  reg: number,
): [number, Tensor] {
  const { w, y: labels, N, D, C } = checkLinearLossArgs('softmaxLossVectorized', W, X, y, reg);
  let loss = 0;
  let dW = tensor([D, C]);
  // BEGIN SOLUTION
  const scores = matmul(X, W);
  const s = scores.data;
  // s becomes (P - Y) / N in place, row by row.
  for (let i = 0; i < N; i++) {
    const row = i * C;
    let top = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < C; j++) if (s[row + j] > top) top = s[row + j];
    let total = 0;
    for (let j = 0; j < C; j++) {
      s[row + j] = Math.exp(s[row + j] - top);
      total += s[row + j];
    }
    loss -= Math.log(s[row + labels[i]] / total);
    for (let j = 0; j < C; j++) s[row + j] = s[row + j] / total / N;
    s[row + labels[i]] -= 1 / N;
  }
  loss = loss / N + reg * sumOfSquares(w);
  dW = matmul(X, scores, { transA: true });
  const dw = dW.data;
  for (let p = 0; p < dw.length; p++) dw[p] += 2 * reg * w[p];
  // END SOLUTION
  return [loss, dW];
}
