/**
 * Linear classifiers trained by minibatch stochastic gradient descent (mirrors the assignment's
 * `cs231n/classifiers/linear_classifier.py`): `LinearClassifier` holds the weights, the SGD loop
 * and prediction; `LinearSVM` and `Softmax` supply the loss.
 */

import { matmul } from '../backends';
import { inspectCustom, shortObject } from '../core/inspect';
import { takeLabels, takeRows } from '../core/numpy';
import { RandomState, random } from '../core/random';
import {
  checkLabels,
  checkNoNaN,
  checkTensor,
  formatShape,
  type Labels,
  type Tensor,
  tensor,
} from '../core/tensor';
import { svmLossVectorized } from './linearSvm';
import { softmaxLossVectorized } from './softmax';

/** Options of {@link LinearClassifier.train} (the defaults are the assignment's). */
export interface LinearTrainOptions {
  /** Step size of each SGD update. Default 1e-3. */
  learningRate?: number;
  /** Regularisation strength passed to the loss. Default 1e-5. */
  reg?: number;
  /** Number of SGD steps. Default 100. */
  numIters?: number;
  /** Examples per minibatch, drawn with replacement. Default 200. */
  batchSize?: number;
  /** Print the loss every 100 iterations. Default false. */
  verbose?: boolean;
  /** Where the initial weights and the minibatches come from. Default the global `random`. */
  rng?: RandomState;
}

const TRAIN_OPTIONS = ['learningRate', 'reg', 'numIters', 'batchSize', 'verbose', 'rng'];

/** A linear classifier `scores = X @ W`; subclasses define the loss. */
export abstract class LinearClassifier {
  /** Weights (D, C), created on the first call of {@link train} (0.001 * randn). */
  W: Tensor | null = null;

  /** `LinearSVM { W: ndarray float64 (3073, 10) }`: the weights' shape, not their values. */
  [inspectCustom](): string {
    return shortObject(this.constructor.name, { W: this.W });
  }

  /**
   * Trains the classifier with minibatch stochastic gradient descent: at each step, draws
   * `batchSize` examples with replacement, evaluates the loss and its gradient on them and steps
   * `W -= learningRate * dW`. On the first call W is initialised to `0.001 * randn(D, C)` with
   * C = max(y) + 1; later calls continue from the current W.
   *
   * @param X (N, D) training data
   * @param y (N,) labels, `y[i] = c` with 0 <= c < C
   * @param options learning rate, regularisation, iterations, batch size, verbose, rng
   * @returns the loss at each iteration (numIters,)
   * @throws naming `LinearClassifier.train` and the argument for bad shapes, labels or options
   */
  train(X: Tensor, y: Labels, options: LinearTrainOptions = {}): number[] {
    const fn = `${this.constructor.name}.train`;
    checkTensor(fn, 'X', X, 2);
    const [numTrain, dim] = X.shape;
    if (numTrain < 1)
      throw new RangeError(
        `${fn}: X must hold at least one example, got shape ${formatShape(X.shape)}`,
      );
    checkNoNaN(fn, 'X', X);
    const labels = checkLabels(fn, 'y', y, numTrain, 1 << 20);
    const o = checkTrainOptions(fn, options);
    let numClasses = 0;
    for (let i = 0; i < numTrain; i++) if (labels[i] + 1 > numClasses) numClasses = labels[i] + 1;
    if (this.W === null) {
      this.W = lazyInit(o.rng, dim, numClasses);
    } else if (this.W.shape[0] !== dim || this.W.shape[1] < numClasses) {
      throw new RangeError(
        `${fn}: X with ${dim} features and labels up to ${numClasses - 1} do not fit the existing W of shape ${formatShape(this.W.shape)}`,
      );
    }
    const W = this.W;
    const xBatch = tensor([o.batchSize, dim]);
    const lossHistory: number[] = [];
    for (let it = 0; it < o.numIters; it++) {
      let XBatch = xBatch;
      let yBatch = new Int32Array(o.batchSize);
      // BEGIN SOLUTION
      // Sampling with replacement (numpy's choice(numTrain, batchSize)) is cheaper than without.
      const idx = o.rng.choice(numTrain, o.batchSize);
      XBatch = takeRows(X, idx, xBatch);
      yBatch = takeLabels(labels, idx).data;
      // END SOLUTION

      const [loss, grad] = this.loss(XBatch, yBatch, o.reg);
      lossHistory.push(loss);

      // BEGIN SOLUTION
      const w = W.data;
      const g = grad.data;
      for (let p = 0; p < w.length; p++) w[p] -= o.learningRate * g[p];
      // END SOLUTION

      if (o.verbose && it % 100 === 0)
        console.log(`iteration ${it} / ${o.numIters}: loss ${loss.toFixed(6)}`);
    }
    return lossHistory;
  }

  /**
   * Predicts the class of each row of X: the index of its largest score in `X @ W`.
   *
   * @param X (N, D) data
   * @returns (N,) predicted labels
   * @throws naming `predict` when the classifier is untrained or X does not match W
   */
  predict(X: Tensor): Int32Array {
    const fn = `${this.constructor.name}.predict`;
    if (this.W === null)
      throw new Error(`${fn}: the classifier has no weights yet; call train(X, y) first`);
    checkTensor(fn, 'X', X, 2);
    if (X.shape[1] !== this.W.shape[0]) {
      throw new RangeError(
        `${fn}: X with ${X.shape[1]} features (shape ${formatShape(X.shape)}) does not match W with ${this.W.shape[0]} rows (shape ${formatShape(this.W.shape)})`,
      );
    }
    const yPred = new Int32Array(X.shape[0]);
    // BEGIN SOLUTION
    const scores = matmul(X, this.W);
    const C = this.W.shape[1];
    const s = scores.data;
    for (let i = 0; i < yPred.length; i++) {
      let best = 0;
      for (let j = 1; j < C; j++) if (s[i * C + j] > s[i * C + best]) best = j;
      yPred[i] = best;
    }
    // END SOLUTION
    return yPred;
  }

  /**
   * The loss and its gradient with respect to W on a minibatch; subclasses define it.
   *
   * @param XBatch (B, D) a minibatch
   * @param yBatch (B,) its labels
   * @param reg regularisation strength
   * @returns `[loss, dW]` with dW (D, C)
   */
  abstract loss(XBatch: Tensor, yBatch: Labels, reg: number): [number, Tensor];
}

/** A linear classifier with the multiclass SVM (hinge) loss. */
export class LinearSVM extends LinearClassifier {
  /** {@link svmLossVectorized} at the current W. */
  loss(XBatch: Tensor, yBatch: Labels, reg: number): [number, Tensor] {
    if (this.W === null)
      throw new Error('LinearSVM.loss: the classifier has no weights yet; call train(X, y) first');
    return svmLossVectorized(this.W, XBatch, yBatch, reg);
  }
}

/** A linear classifier with the softmax (cross-entropy) loss. */
export class Softmax extends LinearClassifier {
  /** {@link softmaxLossVectorized} at the current W. */
  loss(XBatch: Tensor, yBatch: Labels, reg: number): [number, Tensor] {
    if (this.W === null)
      throw new Error('Softmax.loss: the classifier has no weights yet; call train(X, y) first');
    return softmaxLossVectorized(this.W, XBatch, yBatch, reg);
  }
}

/** `0.001 * rng.randn(dim, numClasses)`. */
function lazyInit(rng: RandomState, dim: number, numClasses: number): Tensor {
  const W = rng.randn(dim, numClasses);
  const w = W.data;
  for (let p = 0; p < w.length; p++) w[p] *= 0.001;
  return W;
}

function checkTrainOptions(fn: string, options: LinearTrainOptions): Required<LinearTrainOptions> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${fn}: options must be an object, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!TRAIN_OPTIONS.includes(key)) {
      throw new TypeError(
        `${fn}: unknown option ${JSON.stringify(key)} (known: ${TRAIN_OPTIONS.join(', ')})`,
      );
    }
  }
  const learningRate = options.learningRate ?? 1e-3;
  const reg = options.reg ?? 1e-5;
  const numIters = options.numIters ?? 100;
  const batchSize = options.batchSize ?? 200;
  const verbose = options.verbose ?? false;
  const rng = options.rng ?? random;
  if (!Number.isFinite(learningRate))
    throw new RangeError(`${fn}: learningRate must be a finite number, got ${learningRate}`);
  if (!Number.isFinite(reg)) throw new RangeError(`${fn}: reg must be a finite number, got ${reg}`);
  if (!Number.isInteger(numIters) || numIters < 0)
    throw new RangeError(`${fn}: numIters must be a non-negative integer, got ${numIters}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`${fn}: batchSize must be a positive integer, got ${batchSize}`);
  if (typeof verbose !== 'boolean')
    throw new TypeError(`${fn}: verbose must be true or false, got ${String(verbose)}`);
  if (!(rng instanceof RandomState))
    throw new TypeError(`${fn}: rng must be a RandomState, got ${String(rng)}`);
  return { learningRate, reg, numIters, batchSize, verbose, rng };
}
