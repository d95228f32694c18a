/**
 * A two-layer fully-connected network with a ReLU and a softmax loss, as in the assignment's
 * cs231n/classifiers/fc_net.py: affine - relu - affine - softmax.
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
  shapeSize,
  type Tensor,
} from '../core/tensor';
import { axpy, dot } from '../kernels';
import { affineBackward, affineForward, softmaxLoss } from '../layers';
import { affineReluBackward, affineReluForward } from '../layerUtils';

/** The learnable parameters: W1 (D, H), b1 (H,), W2 (H, C), b2 (C,). */
export interface TwoLayerNetParams {
  W1: Tensor;
  b1: Tensor;
  W2: Tensor;
  b2: Tensor;
  [name: string]: Tensor;
}

/** Where initial weights come from: standard normal samples of a given shape. */
export interface NormalSampler {
  randn(rows: number, cols: number): Tensor;
}

/** Options of {@link TwoLayerNet}; defaults as in the assignment. */
export interface TwoLayerNetOptions {
  /** D, size of the input (3 * 32 * 32) */
  inputDim?: number;
  /** H, size of the hidden layer (100) */
  hiddenDim?: number;
  /** C, number of classes (10) */
  numClasses?: number;
  /** standard deviation of the initial weights (1e-3) */
  weightScale?: number;
  /** L2 regularisation strength (0) */
  reg?: number;
  /** generator for the initial weights (the library's global `random`, like np.random) */
  rng?: NormalSampler;
}

const TWO_LAYER_NET_OPTIONS = [
  'inputDim',
  'hiddenDim',
  'numClasses',
  'weightScale',
  'reg',
  'rng',
] as const satisfies readonly (keyof TwoLayerNetOptions)[];

/**
 * A two-layer fully-connected net, affine - relu - affine - softmax, with L2 regularisation
 * `0.5 * reg * (|W1|^2 + |W2|^2)`. Inputs have dimension D, the hidden layer H, and there are C
 * classes.
 */
export class TwoLayerNet {
  /** W1 (D, H), b1 (H,), W2 (H, C), b2 (C,) */
  params: TwoLayerNetParams;
  /** L2 regularisation strength */
  reg: number;

  /**
   * Weights are `weightScale * randn`, biases zero.
   * @param options sizes, weight scale, regularisation; all optional
   */
  constructor(options: TwoLayerNetOptions = {}) {
    checkOptions('TwoLayerNet', 'options', options, TWO_LAYER_NET_OPTIONS, {
      inputSize: 'inputDim',
      hiddenSize: 'hiddenDim',
      outputSize: 'numClasses',
      std: 'weightScale',
      learningRate: "Solver's optimConfig.learningRate",
    });
    const {
      inputDim = 3 * 32 * 32,
      hiddenDim = 100,
      numClasses = 10,
      weightScale = 1e-3,
      reg = 0,
      rng = random as NormalSampler,
    } = options;
    for (const [name, v] of Object.entries({ inputDim, hiddenDim, numClasses })) {
      if (!Number.isInteger(v) || v < 1) {
        throw new RangeError(`TwoLayerNet: ${name} must be a positive integer, got ${v}`);
      }
    }
    if (!(weightScale >= 0) || !Number.isFinite(weightScale)) {
      throw new RangeError(
        `TwoLayerNet: weightScale must be a finite number >= 0, got ${weightScale}`,
      );
    }
    checkReg('TwoLayerNet', reg);
    // Sizes are checked before anything is drawn, so a huge hiddenDim fails at once, by name.
    const fn = 'TwoLayerNet';
    const w1Shape = [inputDim, hiddenDim];
    const w2Shape = [hiddenDim, numClasses];
    const w1Arg = inputDim > hiddenDim ? 'inputDim' : 'hiddenDim';
    const w2Arg = numClasses > hiddenDim ? 'numClasses' : 'hiddenDim';
    allocating(fn, w1Arg, 'W1', w1Shape, () => 0);
    allocating(fn, w2Arg, 'W2', w2Shape, () => 0);
    // BEGIN SOLUTION
    this.reg = reg;
    this.params = {
      W1: allocating(fn, w1Arg, 'W1', w1Shape, () =>
        mul(rng.randn(inputDim, hiddenDim), weightScale),
      ),
      b1: allocate(fn, 'hiddenDim', 'b1', [hiddenDim]),
      W2: allocating(fn, w2Arg, 'W2', w2Shape, () =>
        mul(rng.randn(hiddenDim, numClasses), weightScale),
      ),
      b2: allocate(fn, 'numClasses', 'b2', [numClasses]),
    };
    // END SOLUTION
  }

  /**
   * Test time: class scores for a minibatch.
   * @param X (N, d1, ..., dk) with d1 * ... * dk = D
   * @returns scores (N, C)
   */
  loss(X: Tensor): Tensor;
  /**
   * Training time: loss and gradients for a minibatch.
   * @param X (N, d1, ..., dk) with d1 * ... * dk = D
   * @param y (N,) labels in [0, C)
   * @returns `[loss, grads]`, grads with the shapes of `params`
   */
  loss(X: Tensor, y: Labels): [number, TwoLayerNetParams];
  loss(X: Tensor, y?: Labels): Tensor | [number, TwoLayerNetParams] {
    const { W1, b1, W2, b2 } = this.params;
    checkTensor('TwoLayerNet.loss', 'X', X, [2, Number.POSITIVE_INFINITY]);
    const features = shapeSize(X.shape.slice(1));
    if (features !== W1.shape[0]) {
      throw new RangeError(
        `TwoLayerNet.loss: X with ${features} features (shape ${formatShape(X.shape)}) does not match W1 with ${W1.shape[0]} rows (shape ${formatShape(W1.shape)})`,
      );
    }
    checkReg('TwoLayerNet.loss', this.reg);
    if (y !== undefined) checkNonEmptyBatch('TwoLayerNet.loss', 'X', X);

    // BEGIN SOLUTION
    const [hidden, hiddenCache] = affineReluForward(X, W1, b1);
    const [scores, scoresCache] = affineForward(hidden, W2, b2);
    // Non-finite scores come from NaN or an infinity in X (bad input: an error here) or from
    // diverged weights (reported by the Solver). Scanning the small scores first keeps the full
    // scan of X off the common path.
    if (firstNonFinite(scores) >= 0) checkFinite('TwoLayerNet.loss', 'X', X);
    if (y === undefined) return scores;

    const [dataLoss, dscores] = softmaxLoss(scores, y);
    const [dhidden, dW2, db2] = affineBackward(dscores, scoresCache);
    const [, dW1, db1] = affineReluBackward(dhidden, hiddenCache, { inputGradient: false });
    // L2 regularisation: loss += 0.5 * reg * (|W1|^2 + |W2|^2), dW += reg * W (in place: the
    // gradients are fresh tensors). With reg = 0 both are zero: skip the passes over the weights.
    let squares = 0;
    if (this.reg !== 0) {
      axpy(this.reg, W1, dW1);
      axpy(this.reg, W2, dW2);
      squares = dot(W1, W1) + dot(W2, W2);
    }
    const loss = dataLoss + 0.5 * this.reg * squares;
    return [loss, { W1: dW1, b1: db1, W2: dW2, b2: db2 }];
    // END SOLUTION
  }
}

function checkReg(fn: string, reg: number): void {
  if (!(reg >= 0) || !Number.isFinite(reg)) {
    throw new RangeError(`${fn}: reg must be a finite number >= 0, got ${reg}`);
  }
}
