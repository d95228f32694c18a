/**
 * The fully-connected networks of the assignments' cs231n/classifiers/fc_net.py: assignment 1's
 * two-layer net (affine - relu - affine - softmax) and assignment 2's net of any depth with
 * optional batch/layer normalization and dropout.
 */

import { axpy, dot } from '../backends';
import { asWritten, inspectCustom, paramShapes, shortObject } from '../core/inspect';
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
import { affineBackward, affineForward, softmaxLoss } from '../layers';
import {
  type DropoutCache,
  type DropoutParam,
  dropoutBackward,
  dropoutForward,
} from '../layers/dropout';
import type { BatchnormParam } from '../layers/normalization';
import {
  type AffineNormReluCache,
  type AffineReluCache,
  affineBatchnormReluBackward,
  affineBatchnormReluForward,
  affineLayernormReluBackward,
  affineLayernormReluForward,
  affineReluBackward,
  affineReluForward,
} from '../layerUtils';

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
  /** `TwoLayerNet { params: { W1: (3072, 50), ... }, reg: 0 }`: shapes, not weights. */
  [inspectCustom](): string {
    return shortObject('TwoLayerNet', {
      params: asWritten(paramShapes(this.params)),
      reg: this.reg,
    });
  }

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

/** The normalization a {@link FullyConnectedNet} puts before each hidden ReLU, or none. */
export type Normalization = 'batchnorm' | 'layernorm' | null;

/** Options of {@link FullyConnectedNet}; defaults as in the assignment. */
export interface FullyConnectedNetOptions {
  /** D, size of the input (3 * 32 * 32) */
  inputDim?: number;
  /** C, number of classes (10) */
  numClasses?: number;
  /** probability of keeping each hidden activation; 1 (the default) means no dropout layers */
  dropoutKeepRatio?: number;
  /** 'batchnorm', 'layernorm' or null (the default): normalization before each hidden ReLU */
  normalization?: Normalization;
  /** L2 regularisation strength (0) */
  reg?: number;
  /** standard deviation of the initial weights (1e-2) */
  weightScale?: number;
  /**
   * When given, every dropout layer reseeds the global generator `random` with it before drawing
   * its mask (see {@link DropoutParam.seed}), so the net's loss is deterministic for gradient checks
   */
  seed?: number;
  /** generator for the initial weights (the library's global `random`, like np.random) */
  rng?: NormalSampler;
}

const FULLY_CONNECTED_NET_OPTIONS = [
  'inputDim',
  'numClasses',
  'dropoutKeepRatio',
  'normalization',
  'reg',
  'weightScale',
  'seed',
  'rng',
] as const satisfies readonly (keyof FullyConnectedNetOptions)[];

/**
 * A fully-connected net of any depth: `{affine - [batch/layer norm] - relu - [dropout]} x (L - 1) -
 * affine - softmax`, with L2 regularisation `0.5 * reg * sum_l |W_l|^2`. Parameters are W1, b1,
 * ..., WL, bL and, with normalization, gamma1, beta1, ..., gamma(L-1), beta(L-1). Float64
 * throughout (the course's `dtype=np.float64`).
 */
export class FullyConnectedNet {
  /** W1 (D, H1), b1 (H1,), ..., WL (H(L-1), C), bL (C,); gamma_l, beta_l (H_l,) with normalization */
  params: { [name: string]: Tensor };
  /** L2 regularisation strength */
  reg: number;
  /** L, the number of affine layers (hidden layers + 1) */
  readonly numLayers: number;
  /** the normalization of the hidden layers, or null */
  readonly normalization: Normalization;
  /** true when the hidden layers are followed by dropout (dropoutKeepRatio < 1) */
  readonly useDropout: boolean;
  /** the options shared by every dropout layer; `mode` is set by each call of {@link loss} */
  readonly dropoutParam: DropoutParam | null;
  /** One batch norm state per hidden layer (running statistics included); empty without batch norm */
  readonly bnParams: BatchnormParam[];

  /**
   * Weights are `weightScale * randn` drawn layer by layer (W1 first), biases zero, gammas one,
   * betas zero.
   *
   * @param hiddenDims the size of each hidden layer (may be empty: a softmax classifier)
   * @param options sizes, dropout, normalization, regularisation, weight scale, seed; all optional
   */
  /** The net's settings and its parameters' shapes (not their values). */
  [inspectCustom](): string {
    return shortObject('FullyConnectedNet', {
      numLayers: this.numLayers,
      normalization: this.normalization,
      dropoutKeepRatio: this.dropoutParam?.p ?? 1,
      reg: this.reg,
      params: asWritten(paramShapes(this.params)),
    });
  }

  constructor(hiddenDims: readonly number[], options: FullyConnectedNetOptions = {}) {
    const fn = 'FullyConnectedNet';
    checkOptions(fn, 'options', options, FULLY_CONNECTED_NET_OPTIONS, {
      hidden_dims: 'the first argument, hiddenDims',
      dropout: 'dropoutKeepRatio',
    });
    if (!Array.isArray(hiddenDims)) {
      throw new TypeError(
        `${fn}: hiddenDims must be an array of layer sizes, got ${typeof hiddenDims}`,
      );
    }
    hiddenDims.forEach((h, i) => {
      if (!Number.isInteger(h) || h < 1) {
        throw new RangeError(`${fn}: hiddenDims[${i}] must be a positive integer, got ${h}`);
      }
    });
    const {
      inputDim = 3 * 32 * 32,
      numClasses = 10,
      dropoutKeepRatio = 1,
      normalization = null,
      reg = 0,
      weightScale = 1e-2,
      seed,
      rng = random as NormalSampler,
    } = options;
    for (const [name, v] of Object.entries({ inputDim, numClasses })) {
      if (!Number.isInteger(v) || v < 1) {
        throw new RangeError(`${fn}: ${name} must be a positive integer, got ${v}`);
      }
    }
    if (typeof dropoutKeepRatio !== 'number' || !(dropoutKeepRatio > 0 && dropoutKeepRatio <= 1)) {
      throw new RangeError(`${fn}: dropoutKeepRatio must be in (0, 1], got ${dropoutKeepRatio}`);
    }
    if (normalization !== null && normalization !== 'batchnorm' && normalization !== 'layernorm') {
      throw new RangeError(
        `${fn}: normalization must be 'batchnorm', 'layernorm' or null, got ${String(normalization)}`,
      );
    }
    if (!(weightScale >= 0) || !Number.isFinite(weightScale)) {
      throw new RangeError(`${fn}: weightScale must be a finite number >= 0, got ${weightScale}`);
    }
    checkReg(fn, reg);
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)) {
      throw new RangeError(`${fn}: seed must be an integer in [0, 2**32 - 1], got ${seed}`);
    }
    const dims = [inputDim, ...hiddenDims, numClasses];
    for (let l = 0; l + 1 < dims.length; l++) {
      allocating(fn, 'hiddenDims', `W${l + 1}`, [dims[l], dims[l + 1]], () => 0);
    }
    this.numLayers = hiddenDims.length + 1;
    this.normalization = normalization;
    this.useDropout = dropoutKeepRatio !== 1;
    this.reg = reg;
    this.dropoutParam = this.useDropout
      ? { mode: 'train', p: dropoutKeepRatio, ...(seed === undefined ? {} : { seed }) }
      : null;
    this.bnParams =
      normalization === 'batchnorm'
        ? hiddenDims.map((): BatchnormParam => ({ mode: 'train' }))
        : [];
    // BEGIN SOLUTION
    this.params = {};
    for (let l = 1; l <= this.numLayers; l++) {
      const [rows, cols] = [dims[l - 1], dims[l]];
      this.params[`W${l}`] = allocating(fn, 'hiddenDims', `W${l}`, [rows, cols], () =>
        mul(rng.randn(rows, cols), weightScale),
      );
      this.params[`b${l}`] = allocate(fn, 'hiddenDims', `b${l}`, [cols]);
      if (normalization !== null && l < this.numLayers) {
        const gamma = allocate(fn, 'hiddenDims', `gamma${l}`, [cols]);
        gamma.data.fill(1);
        this.params[`gamma${l}`] = gamma;
        this.params[`beta${l}`] = allocate(fn, 'hiddenDims', `beta${l}`, [cols]);
      }
    }
    // END SOLUTION
  }

  /**
   * Test time: class scores for a minibatch (batch norm uses its running statistics, dropout is
   * off).
   * @param X (N, d1, ..., dk) with d1 * ... * dk = D
   * @returns scores (N, C)
   */
  loss(X: Tensor): Tensor;
  /**
   * Training time: loss and gradients for a minibatch (batch norm updates its running statistics,
   * dropout draws its masks).
   * @param X (N, d1, ..., dk) with d1 * ... * dk = D
   * @param y (N,) labels in [0, C)
   * @returns `[loss, grads]`, grads with the names and shapes of `params`
   */
  loss(X: Tensor, y: Labels): [number, { [name: string]: Tensor }];
  loss(X: Tensor, y?: Labels): Tensor | [number, { [name: string]: Tensor }] {
    const fn = 'FullyConnectedNet.loss';
    checkTensor(fn, 'X', X, [2, Number.POSITIVE_INFINITY]);
    for (let l = 1; l <= this.numLayers; l++) {
      for (const name of [`W${l}`, `b${l}`]) {
        if (this.params[name] === undefined) {
          throw new RangeError(`${fn}: params.${name} is missing`);
        }
      }
    }
    const W1 = this.params.W1;
    const features = shapeSize(X.shape.slice(1));
    if (features !== W1.shape[0]) {
      throw new RangeError(
        `${fn}: X with ${features} features (shape ${formatShape(X.shape)}) does not match W1 with ${W1.shape[0]} rows (shape ${formatShape(W1.shape)})`,
      );
    }
    checkReg(fn, this.reg);
    if (y !== undefined || this.normalization === 'batchnorm') checkNonEmptyBatch(fn, 'X', X);
    const mode = y === undefined ? 'test' : 'train';
    if (this.dropoutParam !== null) this.dropoutParam.mode = mode;
    for (const bnParam of this.bnParams) bnParam.mode = mode;

    // BEGIN SOLUTION
    const p = this.params;
    const L = this.numLayers;
    const hiddenCaches: (AffineReluCache | AffineNormReluCache)[] = [];
    const dropoutCaches: DropoutCache[] = [];
    let h = X;
    for (let l = 1; l < L; l++) {
      let out: Tensor;
      if (this.normalization === 'batchnorm') {
        const args = [p[`gamma${l}`], p[`beta${l}`], this.bnParams[l - 1]] as const;
        [out, hiddenCaches[l - 1]] = affineBatchnormReluForward(h, p[`W${l}`], p[`b${l}`], ...args);
      } else if (this.normalization === 'layernorm') {
        const args = [p[`gamma${l}`], p[`beta${l}`], {}] as const;
        [out, hiddenCaches[l - 1]] = affineLayernormReluForward(h, p[`W${l}`], p[`b${l}`], ...args);
      } else {
        [out, hiddenCaches[l - 1]] = affineReluForward(h, p[`W${l}`], p[`b${l}`]);
      }
      if (this.dropoutParam !== null) {
        [out, dropoutCaches[l - 1]] = dropoutForward(out, this.dropoutParam);
      }
      h = out;
    }
    const [scores, scoresCache] = affineForward(h, p[`W${L}`], p[`b${L}`]);
    // Non-finite scores come from NaN or an infinity in X (an error here) or from diverged
    // weights (reported by the Solver); the small scores are scanned first.
    if (firstNonFinite(scores) >= 0) checkFinite(fn, 'X', X);
    if (y === undefined) return scores;

    const [dataLoss, dscores] = softmaxLoss(scores, y);
    const grads: { [name: string]: Tensor } = {};
    let [dh, dW, db] = affineBackward(dscores, scoresCache, { inputGradient: L > 1 });
    grads[`W${L}`] = dW;
    grads[`b${L}`] = db;
    for (let l = L - 1; l >= 1; l--) {
      let dout = dh as Tensor;
      if (this.dropoutParam !== null) dout = dropoutBackward(dout, dropoutCaches[l - 1]);
      const options = { inputGradient: l > 1 };
      if (this.normalization === null) {
        [dh, dW, db] = affineReluBackward(dout, hiddenCaches[l - 1] as AffineReluCache, options);
      } else {
        const back =
          this.normalization === 'batchnorm'
            ? affineBatchnormReluBackward
            : affineLayernormReluBackward;
        const cache = hiddenCaches[l - 1] as AffineNormReluCache;
        let dgamma: Tensor;
        let dbeta: Tensor;
        [dh, dW, db, dgamma, dbeta] = back(dout, cache, options);
        grads[`gamma${l}`] = dgamma;
        grads[`beta${l}`] = dbeta;
      }
      grads[`W${l}`] = dW;
      grads[`b${l}`] = db;
    }
    // L2 regularisation on the weights only, layer by layer: loss += 0.5 * reg * |W|^2 and
    // dW += reg * W (in place: the gradients are fresh tensors).
    let loss = dataLoss;
    if (this.reg !== 0) {
      for (let l = 1; l <= L; l++) {
        const W = p[`W${l}`];
        axpy(this.reg, W, grads[`W${l}`]);
        loss += 0.5 * this.reg * dot(W, W);
      }
    }
    return [loss, grads];
    // END SOLUTION
  }
}
