/**
 * The multiclass SVM (hinge) loss of a linear classifier and its gradient (mirrors the
 * assignment's `cs231n/classifiers/linear_svm.py`).
 *
 * For scores `s = x_i W`, the loss of example i is `sum_{j != y_i} max(0, s_j - s_{y_i} + 1)`
 * (margin delta = 1); the total is the mean over the N examples plus `reg * sum(W^2)`.
 */

import { matmul } from '../backends';
import type { Labels, Tensor } from '../core/tensor';
import { tensor } from '../core/tensor';
import { checkLinearLossArgs, sumOfSquares } from './linearLossChecks';

/**
 * Structured SVM loss, naive version: loops over examples and classes, one dot product per score.
 *
 * @param W (D, C) weights
 * @param X (N, D) a minibatch of data
 * @param y (N,) labels, `y[i] = c` with 0 <= c < C
 * @param reg regularisation strength (the loss includes `reg * sum(W^2)`)
 * @returns `[loss, dW]`: the loss (a number) and its gradient with respect to W, (D, C)
 */
export function svmLossNaive(W: Tensor, X: Tensor, y: Labels, reg: number): [number, Tensor] {
  const { w, x, y: labels, N, D, C } = checkLinearLossArgs('svmLossNaive', W, X, y, reg);
  const dW = tensor([D, C]);
  const dw = dW.data;
  const scores = new Float64Array(C);
  let loss = 0;
  for (let i = 0; i < N; i++) {
    const row = i * D;
    for (let j = 0; j < C; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += x[row + d] * w[d * C + j];
      scores[j] = s;
    }
    const correct = scores[labels[i]];
    for (let j = 0; j < C; j++) {
      if (j === labels[i]) continue;
      const margin = scores[j] - correct + 1; // delta = 1
      if (margin > 0) {
        loss += margin;
        // BEGIN SOLUTION
        // This margin counts: it pushes class j up and the correct class down along x_i.
        for (let d = 0; d < D; d++) {
          dw[d * C + j] += x[row + d];
          dw[d * C + labels[i]] -= x[row + d];
        }
        // END SOLUTION
      }
    }
  }
  // The loss so far is a sum over examples; the mean is what we want.
  loss /= N;
  loss += reg * sumOfSquares(w);
  // BEGIN SOLUTION
  for (let p = 0; p < dw.length; p++) dw[p] = dw[p] / N + 2 * reg * w[p];
  // END SOLUTION
  return [loss, dW];
}

/**
 * Structured SVM loss, vectorized version: the scores as one matrix product `X @ W`, the
 * gradient as one product `X^T @ M` where `M[i, j]` counts how example i's margins involve
 * class j.
 *
 * @param W (D, C) weights
 * @param X (N, D) a minibatch of data
 * @param y (N,) labels, `y[i] = c` with 0 <= c < C
 * @param reg regularisation strength (the loss includes `reg * sum(W^2)`)
 * @returns `[loss, dW]`, the same values as {@link svmLossNaive}
 */
export function svmLossVectorized(W: Tensor, X: Tensor, y: Labels, reg: number): [number, Tensor] {
  const { w, y: labels, N, D, C } = checkLinearLossArgs('svmLossVectorized', W, X, y, reg);
  let loss = 0;
  let dW = tensor([D, C]);
  // BEGIN SOLUTION
  const scores = matmul(X, W);
  const s = scores.data;
  // s becomes M in place: 1 where a margin is positive, minus their count at the correct class.
  for (let i = 0; i < N; i++) {
    const row = i * C;
    const correct = s[row + labels[i]];
    let positive = 0;
    for (let j = 0; j < C; j++) {
      if (j === labels[i]) continue;
      const margin = s[row + j] - correct + 1;
      if (margin > 0) {
        loss += margin;
        s[row + j] = 1;
        positive++;
      } else {
        s[row + j] = 0;
      }
    }
    s[row + labels[i]] = -positive;
  }
  loss = loss / N + reg * sumOfSquares(w);
  dW = matmul(X, scores, { transA: true });
  const dw = dW.data;
  for (let p = 0; p < dw.length; p++) dw[p] = dw[p] / N + 2 * reg * w[p];
  // END SOLUTION
  return [loss, dW];
}
