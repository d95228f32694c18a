/**
 * The three-layer convolutional net's loss and gradients (the course's classifiers/cnn.py:
 * conv - relu - 2x2 max pool - affine - relu - affine - softmax, L2 regularization) built from the
 * fast layers and the library's affine, relu and softmax layers, with every layer call timed by
 * part: the profile behind the per-part breakdown of bench/convCells.ts's training row, which
 * times lib/classifiers/cnn.ts's ThreeLayerConvNet itself. It makes the same layer calls in the
 * same order with the same regularisation arithmetic, so its loss and gradients equal the net's
 * exactly (test/bench/convNetStep.test.ts checks this).
 */
import { axpy, dot } from '../lib/backends';
import type { Labels, Tensor } from '../lib/core/tensor';
import {
  convBackwardFast,
  convForwardFast,
  maxPoolBackwardFast,
  maxPoolForwardFast,
} from '../lib/fastLayers';
import {
  affineBackward,
  affineForward,
  reluBackward,
  reluForward,
  softmaxLoss,
} from '../lib/layers';

/** Where a step's time goes. */
export type Part = 'conv' | 'relu' | 'pool' | 'affine' | 'loss' | 'update';

/** Settings of the net (the course's names in camelCase). */
export interface ConvNetSettings {
  numFilters: number;
  filterSize: number;
  hiddenDim: number;
  weightScale: number;
  reg: number;
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** The net's parameters, seconds and product FLOPs per part, and its loss. */
export class ConvNetStep {
  params: { [name: string]: Tensor };
  readonly seconds: Record<Part, number> = {
    conv: 0,
    relu: 0,
    pool: 0,
    affine: 0,
    loss: 0,
    update: 0,
  };
  readonly flops = { conv: 0, affine: 0 };
  private readonly s: ConvNetSettings;

  /**
   * @param s the net's settings; the input is (N, 3, 32, 32) and there are 10 classes
   * @param params W1 (F, 3, k, k), b1 (F,), W2 (F * 16 * 16, hidden), b2, W3 (hidden, 10), b3
   *   (a ThreeLayerConvNet's params; used, not copied)
   */
  constructor(s: ConvNetSettings, params: { [name: string]: Tensor }) {
    this.s = s;
    this.params = params;
  }

  private timed<T>(part: Part, run: () => T): T {
    const t = now();
    const r = run();
    this.seconds[part] += now() - t;
    return r;
  }

  /**
   * Scores without labels; loss and gradients with them.
   * @param X (N, 3, 32, 32)
   * @param y (N,) labels in [0, 10)
   * @returns scores (N, 10), or `[loss, grads]` with grads shaped as params
   */
  loss(X: Tensor): Tensor;
  loss(X: Tensor, y: Labels): [number, { [name: string]: Tensor }];
  loss(X: Tensor, y?: Labels): Tensor | [number, { [name: string]: Tensor }] {
    const p = this.params;
    const n = X.shape[0];
    const { numFilters: f, filterSize: k, hiddenDim: h, reg } = this.s;
    const convParam = { stride: 1, pad: (k - 1) >> 1 };
    const poolParam = { poolHeight: 2, poolWidth: 2, stride: 2 };
    const [a, convCache] = this.timed('conv', () => convForwardFast(X, p.W1, p.b1, convParam));
    this.flops.conv += 2 * n * f * 3 * k * k * 32 * 32;
    const [r, relu1] = this.timed('relu', () => reluForward(a));
    const [h1, poolCache] = this.timed('pool', () => maxPoolForwardFast(r, poolParam));
    const [z2, fc2] = this.timed('affine', () => affineForward(h1, p.W2, p.b2));
    const [h2, relu2] = this.timed('relu', () => reluForward(z2));
    const [scores, fc3] = this.timed('affine', () => affineForward(h2, p.W3, p.b3));
    this.flops.affine += 2 * n * (f * 256 * h + h * 10);
    if (y === undefined) return scores;
    const t = now();
    const [dataLoss, dscores] = softmaxLoss(scores, y);
    this.seconds.loss += now() - t;
    const [dh2, dW3, db3] = this.timed('affine', () => affineBackward(dscores, fc3));
    const dz2 = this.timed('relu', () => reluBackward(dh2, relu2));
    const [dh1, dW2, db2] = this.timed('affine', () => affineBackward(dz2, fc2));
    this.flops.affine += 4 * n * (f * 256 * h + h * 10);
    const dr = this.timed('pool', () => maxPoolBackwardFast(dh1, poolCache));
    const da = this.timed('relu', () => reluBackward(dr, relu1));
    const [, dW1, db1] = this.timed('conv', () => convBackwardFast(da, convCache));
    this.flops.conv += 4 * n * f * 3 * k * k * 32 * 32;
    // L2 regularisation in ThreeLayerConvNet.loss's order: per weight, dW += reg W, then
    // loss += 0.5 reg |W|^2.
    const t2 = now();
    let loss = dataLoss;
    if (reg !== 0) {
      for (const [w, dw] of [
        [p.W1, dW1],
        [p.W2, dW2],
        [p.W3, dW3],
      ] as const) {
        axpy(reg, w, dw);
        loss += 0.5 * reg * dot(w, w);
      }
    }
    this.seconds.loss += now() - t2;
    return [loss, { W1: dW1, b1: db1, W2: dW2, b2: db2, W3: dW3, b3: db3 }];
  }
}
