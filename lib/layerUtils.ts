/**
 * "Sandwich" layers: common patterns of layers, as in the assignment's cs231n/layer_utils.py.
 */

import { checkCache, type Tensor } from './core/tensor';
import {
  type AffineCache,
  affineBackward,
  affineForward,
  type BackwardOptions,
  type ReluCache,
  reluBackward,
  reluForward,
} from './layers';

/** What {@link affineReluForward} keeps: `[affine cache, relu cache]`. */
export type AffineReluCache = [fcCache: AffineCache, reluCache: ReluCache];

/**
 * Affine transform followed by a ReLU.
 *
 * @param x (N, d1, ..., dk)
 * @param w (D, M)
 * @param b (M,)
 * @returns `[out (N, M), cache]`
 */
export function affineReluForward(x: Tensor, w: Tensor, b: Tensor): [Tensor, AffineReluCache] {
  const [a, fcCache] = affineForward(x, w, b);
  const [out, reluCache] = reluForward(a);
  return [out, [fcCache, reluCache]];
}

/**
 * Backward pass of {@link affineReluForward}.
 *
 * @param dout (N, M)
 * @param cache from {@link affineReluForward}
 * @param options `inputGradient: false` skips dx (returned as null)
 * @returns `[dx (N, d1, ..., dk), dw (D, M), db (M,)]`
 */
export function affineReluBackward(
  dout: Tensor,
  cache: AffineReluCache,
  options?: { inputGradient?: true },
): [Tensor, Tensor, Tensor];
export function affineReluBackward(
  dout: Tensor,
  cache: AffineReluCache,
  options: BackwardOptions,
): [Tensor | null, Tensor, Tensor];
export function affineReluBackward(
  dout: Tensor,
  cache: AffineReluCache,
  options: BackwardOptions = {},
): [Tensor | null, Tensor, Tensor] {
  const [fcCache, reluCache] = checkCache('affineReluBackward', cache, 2) as AffineReluCache;
  const da = reluBackward(dout, reluCache);
  return affineBackward(da, fcCache, options);
}
