/**
 * The three-layer convolutional net of assignment 2's cs231n/classifiers/cnn.py:
 * conv - relu - 2x2 max pool - affine - relu - affine - softmax.
 */

import { mul } from '../core/numpy';
import { checkOptions } from '../core/options';
import { random } from '../core/random';
import {
  allocate,
  allocating,
  checkFinite,
  checkNonEmptyBatch,
  checkTensor,
  firstNonFinite,
  formatShape,
  type Labels,
  type Tensor,
} from '../core/tensor';
import { axpy, dot } from '../kernels';
import { affineBackward, affineForward, softmaxLoss } from '../layers';
import type { ConvParam } from '../layers/convolution';
import type { PoolParam } from '../layers/pooling';
import {
  affineReluBackward,
  affineReluForward,
  convReluPoolBackward,
  convReluPoolForward,
} from '../layerUtils';

/** The learnable parameters of {@link ThreeLayerConvNet}. */
export interface ThreeLayerConvNetParams {
  /** (F, C, filterSize, filterSize) filters of the convolution */
  W1: Tensor;
  /** (F,) */
  b1: Tensor;
  /** (F * H/2 * W/2, hiddenDim) the hidden affine layer */
  W2: Tensor;
  /** (hiddenDim,) */
  b2: Tensor;
  /** (hiddenDim, numClasses) the output affine layer */
  W3: Tensor;
  /** (numClasses,) */
  b3: Tensor;
  [name: string]: Tensor;
}

/** Where initial weights come from: standard normal samples of any shape, like np.random.randn. */
export interface ShapedNormalSampler {
  randn(...shape: number[]): Tensor;
}

/** Options of {@link ThreeLayerConvNet}; defaults as in the assignment. */
export interface ThreeLayerConvNetOptions {
  /** (C, H, W), the size of one input image ([3, 32, 32]); H and W even (the 2x2 pooling) */
  inputDim?: readonly [number, number, number];
  /** F, the number of filters of the convolution (32) */
  numFilters?: number;
  /** width and height of the filters, odd so that the padding preserves the size (7) */
  filterSize?: number;
  /** size of the hidden affine layer (100) */
  hiddenDim?: number;
  /** number of classes (10) */
  numClasses?: number;
  /** standard deviation of the initial weights (1e-3) */
  weightScale?: number;
  /** L2 regularisation strength (0) */
  reg?: number;
  /** generator for the initial weights (the library's global `random`, like np.random) */
  rng?: ShapedNormalSampler;
}

const THREE_LAYER_CONV_NET_OPTIONS = [
  'inputDim',
  'numFilters',
  'filterSize',
  'hiddenDim',
  'numClasses',
  'weightScale',
  'reg',
  'rng',
] as const satisfies readonly (keyof ThreeLayerConvNetOptions)[];

/** The 2x2 max pooling with stride 2 after the convolution. */
const POOL_PARAM: PoolParam = { poolHeight: 2, poolWidth: 2, stride: 2 };

/**
 * A three-layer convolutional net, `conv - relu - 2x2 max pool - affine - relu - affine -
 * softmax`, on minibatches of shape (N, C, H, W), with L2 regularisation
 * `0.5 * reg * (|W1|^2 + |W2|^2 + |W3|^2)`. The convolution has stride 1 and pads by
 * `(filterSize - 1) / 2`, so its output keeps the input's height and width; the pooling halves
 * them. Float64 throughout.
 */
export class ThreeLayerConvNet {
  /** W1 (F, C, fs, fs), b1 (F,), W2 (F * H/2 * W/2, hiddenDim), b2, W3 (hiddenDim, numClasses), b3 */
  params: ThreeLayerConvNetParams;
  /** L2 regularisation strength */
  reg: number;

  /**
   * Weights are `weightScale * randn` drawn in the order W1, W2, W3; biases are zero.
   * @param options sizes, weight scale, regularisation, generator; all optional
   */
  constructor(options: ThreeLayerConvNetOptions = {}) {
    const fn = 'ThreeLayerConvNet';
    checkOptions(fn, 'options', options, THREE_LAYER_CONV_NET_OPTIONS, {
      input_dim: 'inputDim',
      num_filters: 'numFilters',
      filter_size: 'filterSize',
      hidden_dim: 'hiddenDim',
      num_classes: 'numClasses',
      weight_scale: 'weightScale',
    });
    const {
      inputDim = [3, 32, 32] as const,
      numFilters = 32,
      filterSize = 7,
      hiddenDim = 100,
      numClasses = 10,
      weightScale = 1e-3,
      reg = 0,
      rng = random as ShapedNormalSampler,
    } = options;
    if (
      !Array.isArray(inputDim) ||
      inputDim.length !== 3 ||
      inputDim.some((d) => !Number.isInteger(d) || d < 1)
    ) {
      throw new RangeError(
        `${fn}: inputDim must be [C, H, W], three positive integers, got ${JSON.stringify(inputDim)}`,
      );
    }
    const [C, H, W] = inputDim;
    if (H % 2 !== 0 || W % 2 !== 0) {
      throw new RangeError(
        `${fn}: inputDim [${C}, ${H}, ${W}] must have an even height and width for the 2x2 pooling with stride 2`,
      );
    }
    for (const [name, v] of Object.entries({ numFilters, filterSize, hiddenDim, numClasses })) {
      if (!Number.isInteger(v) || v < 1) {
        throw new RangeError(`${fn}: ${name} must be a positive integer, got ${v}`);
      }
    }
    if (filterSize % 2 === 0) {
      throw new RangeError(
        `${fn}: filterSize must be odd so that the padding (filterSize - 1) / 2 preserves the input size, got ${filterSize}`,
      );
    }
    if (!(weightScale >= 0) || !Number.isFinite(weightScale)) {
      throw new RangeError(`${fn}: weightScale must be a finite number >= 0, got ${weightScale}`);
    }
    checkReg(fn, reg);
    const pooled = numFilters * (H / 2) * (W / 2);
    const shapes = {
      W1: [numFilters, C, filterSize, filterSize],
      W2: [pooled, hiddenDim],
      W3: [hiddenDim, numClasses],
    };
    // Sizes are checked before anything is drawn, so a huge layer fails at once, by name.
    for (const [name, shape] of Object.entries(shapes))
      allocating(fn, 'options', name, shape, () => 0);
    this.reg = reg;
    // BEGIN SOLUTION
    const draw = (name: string, shape: number[]) =>
      allocating(fn, 'options', name, shape, () => mul(rng.randn(...shape), weightScale));
    this.params = {
      W1: draw('W1', shapes.W1),
      b1: allocate(fn, 'numFilters', 'b1', [numFilters]),
      W2: draw('W2', shapes.W2),
      b2: allocate(fn, 'hiddenDim', 'b2', [hiddenDim]),
      W3: draw('W3', shapes.W3),
      b3: allocate(fn, 'numClasses', 'b3', [numClasses]),
    };
    // END SOLUTION
  }

  /**
   * Test time: class scores for a minibatch.
   * @param X (N, C, H, W) images of the constructor's inputDim
   * @returns scores (N, numClasses)
   */
  loss(X: Tensor): Tensor;
  /**
   * Training time: loss and gradients for a minibatch.
   * @param X (N, C, H, W) images of the constructor's inputDim
   * @param y (N,) labels in [0, numClasses)
   * @returns `[loss, grads]`, grads with the names and shapes of `params`
   */
  loss(X: Tensor, y: Labels): [number, ThreeLayerConvNetParams];
  loss(X: Tensor, y?: Labels): Tensor | [number, ThreeLayerConvNetParams] {
    const fn = 'ThreeLayerConvNet.loss';
    for (const name of ['W1', 'b1', 'W2', 'b2', 'W3', 'b3']) {
      if (this.params?.[name] === undefined)
        throw new RangeError(`${fn}: params.${name} is missing`);
    }
    const { W1, b1, W2, b2, W3, b3 } = this.params;
    checkTensor(fn, 'X', X, 4);
    checkTensor(fn, 'params.W1', W1, 4);
    const [, C, H, W] = X.shape;
    checkTensor(fn, 'params.W2', W2, 2);
    const F = W1.shape[0];
    if (C !== W1.shape[1] || H % 2 !== 0 || W % 2 !== 0 || F * (H / 2) * (W / 2) !== W2.shape[0]) {
      throw new RangeError(
        `${fn}: X of shape ${formatShape(X.shape)} does not fit W1 of shape ${formatShape(W1.shape)} and W2 of shape ${formatShape(W2.shape)}: expected (N, ${W1.shape[1]}, H, W) with H and W even and ${F} * H/2 * W/2 = ${W2.shape[0]}`,
      );
    }
    checkReg(fn, this.reg);
    if (y !== undefined) checkNonEmptyBatch(fn, 'X', X);
    // The padding and stride that keep the convolution's output at the input's size.
    const filterSize = W1.shape[2];
    const convParam: ConvParam = { stride: 1, pad: (filterSize - 1) / 2 };

    // BEGIN SOLUTION
    const [pooled, poolCache] = convReluPoolForward(X, W1, b1, convParam, POOL_PARAM);
    const [hidden, hiddenCache] = affineReluForward(pooled, W2, b2);
    const [scores, scoresCache] = affineForward(hidden, W3, b3);
    // Non-finite scores come from NaN or an infinity in X (bad input: an error here) or from
    // diverged weights (reported by the Solver); the small scores are scanned first.
    if (firstNonFinite(scores) >= 0) checkFinite(fn, 'X', X);
    if (y === undefined) return scores;

    const [dataLoss, dscores] = softmaxLoss(scores, y);
    const [dhidden, dW3, db3] = affineBackward(dscores, scoresCache);
    const [dpooled, dW2, db2] = affineReluBackward(dhidden, hiddenCache);
    const [, dW1, db1] = convReluPoolBackward(dpooled, poolCache);
    // L2 regularisation: loss += 0.5 * reg * sum |W|^2, dW += reg * W (in place: the gradients
    // are fresh tensors).
    let loss = dataLoss;
    const grads = { W1: dW1, b1: db1, W2: dW2, b2: db2, W3: dW3, b3: db3 };
    if (this.reg !== 0) {
      for (const [W, dW] of [
        [W1, dW1],
        [W2, dW2],
        [W3, dW3],
      ]) {
        axpy(this.reg, W, dW);
        loss += 0.5 * this.reg * dot(W, W);
      }
    }
    return [loss, grads];
    // END SOLUTION
  }
}

function checkReg(fn: string, reg: number): void {
  if (!(reg >= 0) || !Number.isFinite(reg)) {
    throw new RangeError(`${fn}: reg must be a finite number >= 0, got ${reg}`);
  }
}
