/**
 * Layers of a fully-connected net, each a forward function returning `[out, cache]` and a backward
 * function taking `(dout, cache)`, as in the assignment's cs231n/layers.py. Matrix products go
 * through {@link matmul}; everything else is written out so the math stays visible.
 *
 * NaN policy: layers let NaN and Infinity in activations flow through (a diverging training run must
 * still report its loss); the model checks its input data, and labels are always checked.
 */

import { checkOptions } from './core/options';
import {
  checkCache,
  checkLabels,
  checkNonEmptyBatch,
  checkSameShape,
  checkTensor,
  contiguousData,
  formatShape,
  type Labels,
  shapeSize,
  type Tensor,
  tensor,
} from './core/tensor';
import { matmul } from './kernels';

/** What {@link affineForward} keeps for the backward pass: `[x, w, b]`. */
export type AffineCache = [x: Tensor, w: Tensor, b: Tensor];

/** What {@link reluForward} keeps for the backward pass: the input `x`. */
export type ReluCache = Tensor;

/** Options of the backward passes of layers that see the input. */
export interface BackwardOptions {
  /** Compute dx (default true). The first layer of a net does not need it: skip the product. */
  inputGradient?: boolean;
}

/**
 * Affine (fully-connected) layer forward pass: `out = x.reshape(N, D) @ w + b`.
 *
 * @param x (N, d1, ..., dk), D = d1 * ... * dk
 * @param w (D, M) weights
 * @param b (M,) biases
 * @returns `[out (N, M), cache]`
 */
export function affineForward(x: Tensor, w: Tensor, b: Tensor): [Tensor, AffineCache] {
  checkAffine('affineForward', x, w, b);
  // BEGIN SOLUTION
  const n = x.shape[0];
  const m = w.shape[1];
  const out = matmul(tensor([n, w.shape[0]], contiguousData(x)), w);
  addRowVector(out.data, n, m, contiguousData(b));
  return [out, [x, w, b]];
  // END SOLUTION
}

/**
 * Affine layer backward pass.
 *
 * @param dout (N, M) upstream derivative
 * @param cache `[x (N, d1, ..., dk), w (D, M), b (M,)]` from {@link affineForward}
 * @param options `inputGradient: false` skips dx (returned as null)
 * @returns `[dx (N, d1, ..., dk), dw (D, M), db (M,)]`
 */
export function affineBackward(
  dout: Tensor,
  cache: AffineCache,
  options?: { inputGradient?: true },
): [Tensor, Tensor, Tensor];
export function affineBackward(
  dout: Tensor,
  cache: AffineCache,
  options: BackwardOptions,
): [Tensor | null, Tensor, Tensor];
export function affineBackward(
  dout: Tensor,
  cache: AffineCache,
  options: BackwardOptions = {},
): [Tensor | null, Tensor, Tensor] {
  checkOptions('affineBackward', 'options', options, ['inputGradient']);
  const [x, w, b] = checkCache('affineBackward', cache, 3) as AffineCache;
  checkAffine('affineBackward', x, w, b);
  checkTensor('affineBackward', 'dout', dout, 2);
  const n = x.shape[0];
  const [d, m] = w.shape;
  if (dout.shape[0] !== n || dout.shape[1] !== m) {
    throw new RangeError(
      `affineBackward: dout has shape ${formatShape(dout.shape)} but the forward output had shape (${n}, ${m})`,
    );
  }
  // BEGIN SOLUTION
  const x2 = tensor([n, d], contiguousData(x));
  const dx =
    options.inputGradient === false
      ? null
      : tensor(x.shape, matmul(dout, w, { transB: true }).data);
  const dw = matmul(x2, dout, { transA: true });
  const db = tensor([m], sumRows(contiguousData(dout), n, m));
  return [dx, dw, db];
  // END SOLUTION
}

/**
 * ReLU forward pass: `out = max(0, x)`.
 *
 * @param x any shape
 * @returns `[out (same shape), cache = x]`
 */
export function reluForward(x: Tensor): [Tensor, ReluCache] {
  checkTensor('reluForward', 'x', x);
  // BEGIN SOLUTION
  const xd = contiguousData(x);
  const n = xd.length;
  const out = new Float64Array(n);
  // max(x, 0) without a branch on the sign (a branch mispredicts on the random signs of
  // activations: 4x slower): pick[0] is 0, pick[1] the element, and the test picks one; NaN
  // picks itself, as in Math.max.
  const pick = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    const v = xd[i];
    pick[1] = v;
    out[i] = pick[+!(v <= 0)];
  }
  return [tensor(x.shape, out), x];
  // END SOLUTION
}

/**
 * ReLU backward pass: `dx = dout * (x > 0)`.
 *
 * @param dout upstream derivative, same shape as x
 * @param cache the input x of {@link reluForward}
 * @returns dx, same shape as x
 */
export function reluBackward(dout: Tensor, cache: ReluCache): Tensor {
  checkTensor('reluBackward', 'dout', dout);
  const x = checkTensor('reluBackward', 'cache', cache);
  checkSameShape('reluBackward', 'dout', dout, 'cache (x)', x);
  // BEGIN SOLUTION
  const xd = contiguousData(x);
  const dd = contiguousData(dout);
  const n = xd.length;
  const dx = new Float64Array(n);
  // dout where x > 0, else 0, picked without a branch as in reluForward.
  const pick = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    pick[1] = dd[i];
    dx[i] = pick[+(xd[i] > 0)];
  }
  return tensor(x.shape, dx);
  // END SOLUTION
}

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

/** `out[i, :] += v` for an (n, m) buffer. */
function addRowVector(out: Float64Array, n: number, m: number, v: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const row = i * m;
    for (let j = 0; j < m; j++) out[row + j] += v[j];
  }
}

/** Column sums of an (n, m) buffer: `x.sum(axis=0)`. */
function sumRows(x: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const row = i * m;
    for (let j = 0; j < m; j++) out[j] += x[row + j];
  }
  return out;
}

function checkAffine(fn: string, x: Tensor, w: Tensor, b: Tensor): void {
  checkTensor(fn, 'x', x, [1, Number.POSITIVE_INFINITY]);
  checkTensor(fn, 'w', w, 2);
  checkTensor(fn, 'b', b, 1);
  const features = shapeSize(x.shape.slice(1));
  if (features !== w.shape[0]) {
    throw new RangeError(
      `${fn}: x with ${features} features (shape ${formatShape(x.shape)}) does not match w with ${w.shape[0]} rows (shape ${formatShape(w.shape)})`,
    );
  }
  if (b.shape[0] !== w.shape[1]) {
    throw new RangeError(
      `${fn}: b has shape ${formatShape(b.shape)} but w has shape ${formatShape(w.shape)}; expected b of shape (${w.shape[1]},)`,
    );
  }
}
