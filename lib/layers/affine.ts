/**
 * The affine (fully-connected) layer, as in the assignment's cs231n/layers.py: a forward function
 * returning `[out, cache]` and a backward function taking `(dout, cache)`. Matrix products go
 * through {@link matmul}; everything else is written out so the math stays visible.
 *
 * NaN policy (all of lib/layers/): layers let NaN and Infinity in activations flow through (a
 * diverging training run must still report its loss); the model checks its input data, and labels
 * are always checked.
 */

import { matmul } from '../backends';
import { checkOptions } from '../core/options';
import {
  checkCache,
  checkTensor,
  contiguousData,
  formatShape,
  shapeSize,
  type Tensor,
  tensor,
} from '../core/tensor';

/** What {@link affineForward} keeps for the backward pass: `[x, w, b]`. */
export type AffineCache = [x: Tensor, w: Tensor, b: Tensor];

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
