/**
 * "Sandwich" layers: common patterns of layers, as in the assignment's cs231n/layer_utils.py.
 * The convolutional ones run the layers chosen in `convLayers` below.
 */

import { checkCache, type Tensor } from './core/tensor';
import {
  type ConvParam,
  convBackwardFast,
  convForwardFast,
  maxPoolBackwardFast,
  maxPoolForwardFast,
  type PoolParam,
} from './fastLayers';
import {
  type AffineCache,
  affineBackward,
  affineForward,
  type BackwardOptions,
  type ReluCache,
  reluBackward,
  reluForward,
} from './layers';
import {
  type BatchnormParam,
  batchnormBackward,
  batchnormForward,
  type LayernormParam,
  layernormBackward,
  layernormForward,
  type NormCache,
} from './layers/normalization';

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

/** What {@link affineBatchnormReluForward} and {@link affineLayernormReluForward} keep. */
export type AffineNormReluCache = [
  fcCache: AffineCache,
  normCache: NormCache,
  reluCache: ReluCache,
];

/**
 * Affine transform, batch normalization, ReLU: the hidden block of a batch-normalized
 * FullyConnectedNet.
 *
 * @param x (N, d1, ..., dk)
 * @param w (D, M)
 * @param b (M,)
 * @param gamma (M,) batch norm scale
 * @param beta (M,) batch norm shift
 * @param bnParam the layer's batch norm state (see {@link batchnormForward})
 * @returns `[out (N, M), cache]`
 */
export function affineBatchnormReluForward(
  x: Tensor,
  w: Tensor,
  b: Tensor,
  gamma: Tensor,
  beta: Tensor,
  bnParam: BatchnormParam,
): [Tensor, AffineNormReluCache] {
  const [a, fcCache] = affineForward(x, w, b);
  const [an, normCache] = batchnormForward(a, gamma, beta, bnParam);
  const [out, reluCache] = reluForward(an);
  return [out, [fcCache, normCache, reluCache]];
}

/**
 * Backward pass of {@link affineBatchnormReluForward} (batch norm through
 * {@link batchnormBackward}, the computation-graph form).
 *
 * @param dout (N, M)
 * @param cache from {@link affineBatchnormReluForward}
 * @param options `inputGradient: false` skips dx (returned as null)
 * @returns `[dx (N, d1, ..., dk) or null, dw (D, M), db (M,), dgamma (M,), dbeta (M,)]`
 */
export function affineBatchnormReluBackward(
  dout: Tensor,
  cache: AffineNormReluCache,
  options: BackwardOptions = {},
): [Tensor | null, Tensor, Tensor, Tensor, Tensor] {
  const [fcCache, normCache, reluCache] = checkCache(
    'affineBatchnormReluBackward',
    cache,
    3,
  ) as AffineNormReluCache;
  const dan = reluBackward(dout, reluCache);
  const [da, dgamma, dbeta] = batchnormBackward(dan, normCache);
  const [dx, dw, db] = affineBackward(da, fcCache, options);
  return [dx, dw, db, dgamma, dbeta];
}

/**
 * Affine transform, layer normalization, ReLU: the hidden block of a layer-normalized
 * FullyConnectedNet.
 *
 * @param x (N, d1, ..., dk)
 * @param w (D, M)
 * @param b (M,)
 * @param gamma (M,) layer norm scale
 * @param beta (M,) layer norm shift
 * @param lnParam layer norm options (see {@link layernormForward})
 * @returns `[out (N, M), cache]`
 */
export function affineLayernormReluForward(
  x: Tensor,
  w: Tensor,
  b: Tensor,
  gamma: Tensor,
  beta: Tensor,
  lnParam: LayernormParam = {},
): [Tensor, AffineNormReluCache] {
  const [a, fcCache] = affineForward(x, w, b);
  const [an, normCache] = layernormForward(a, gamma, beta, lnParam);
  const [out, reluCache] = reluForward(an);
  return [out, [fcCache, normCache, reluCache]];
}

/**
 * Backward pass of {@link affineLayernormReluForward}.
 *
 * @param dout (N, M)
 * @param cache from {@link affineLayernormReluForward}
 * @param options `inputGradient: false` skips dx (returned as null)
 * @returns `[dx (N, d1, ..., dk) or null, dw (D, M), db (M,), dgamma (M,), dbeta (M,)]`
 */
export function affineLayernormReluBackward(
  dout: Tensor,
  cache: AffineNormReluCache,
  options: BackwardOptions = {},
): [Tensor | null, Tensor, Tensor, Tensor, Tensor] {
  const [fcCache, normCache, reluCache] = checkCache(
    'affineLayernormReluBackward',
    cache,
    3,
  ) as AffineNormReluCache;
  const dan = reluBackward(dout, reluCache);
  const [da, dgamma, dbeta] = layernormBackward(dan, normCache);
  const [dx, dw, db] = affineBackward(da, fcCache, options);
  return [dx, dw, db, dgamma, dbeta];
}

/**
 * The convolution and pooling layers the conv sandwiches below (and ThreeLayerConvNet through
 * them) run: the fast layers (lib/fastLayers.ts), as the course's layer_utils.py uses its
 * fast_layers.py here. They give the naive layers' results to ~1e-12; this is the one place that
 * chooses them.
 */
const convLayers = {
  convForward: convForwardFast,
  convBackward: convBackwardFast,
  maxPoolForward: maxPoolForwardFast,
  maxPoolBackward: maxPoolBackwardFast,
};

/** The cache of the convolution the sandwiches run. */
type SandwichConvCache = ReturnType<typeof convLayers.convForward>[1];
/** The cache of the max pooling the sandwiches run. */
type SandwichPoolCache = ReturnType<typeof convLayers.maxPoolForward>[1];

/** What {@link convReluForward} keeps: `[conv cache, relu cache]`. */
export type ConvReluCache = [convCache: SandwichConvCache, reluCache: ReluCache];

/**
 * Convolution followed by a ReLU.
 *
 * @param x (N, C, H, W)
 * @param w (F, C, HH, WW)
 * @param b (F,)
 * @param convParam `{ stride, pad }` (see {@link convForwardFast})
 * @returns `[out (N, F, H', W'), cache]`
 */
export function convReluForward(
  x: Tensor,
  w: Tensor,
  b: Tensor,
  convParam: ConvParam,
): [Tensor, ConvReluCache] {
  const [a, convCache] = convLayers.convForward(x, w, b, convParam);
  const [out, reluCache] = reluForward(a);
  return [out, [convCache, reluCache]];
}

/**
 * Backward pass of {@link convReluForward}.
 *
 * @param dout (N, F, H', W')
 * @param cache from {@link convReluForward}
 * @returns `[dx (N, C, H, W), dw (F, C, HH, WW), db (F,)]`
 */
export function convReluBackward(dout: Tensor, cache: ConvReluCache): [Tensor, Tensor, Tensor] {
  const [convCache, reluCache] = checkCache('convReluBackward', cache, 2) as ConvReluCache;
  const da = reluBackward(dout, reluCache);
  return convLayers.convBackward(da, convCache);
}

/** What {@link convReluPoolForward} keeps: `[conv cache, relu cache, pool cache]`. */
export type ConvReluPoolCache = [
  convCache: SandwichConvCache,
  reluCache: ReluCache,
  poolCache: SandwichPoolCache,
];

/**
 * Convolution, ReLU, max pooling: the first block of ThreeLayerConvNet.
 *
 * @param x (N, C, H, W)
 * @param w (F, C, HH, WW)
 * @param b (F,)
 * @param convParam `{ stride, pad }` (see {@link convForwardFast})
 * @param poolParam `{ poolHeight, poolWidth, stride }` (see {@link maxPoolForwardFast})
 * @returns `[out (N, F, H'', W''), cache]`, the pooled size of the convolution's output
 */
export function convReluPoolForward(
  x: Tensor,
  w: Tensor,
  b: Tensor,
  convParam: ConvParam,
  poolParam: PoolParam,
): [Tensor, ConvReluPoolCache] {
  const [a, convCache] = convLayers.convForward(x, w, b, convParam);
  const [s, reluCache] = reluForward(a);
  const [out, poolCache] = convLayers.maxPoolForward(s, poolParam);
  return [out, [convCache, reluCache, poolCache]];
}

/**
 * Backward pass of {@link convReluPoolForward}.
 *
 * @param dout (N, F, H'', W'')
 * @param cache from {@link convReluPoolForward}
 * @returns `[dx (N, C, H, W), dw (F, C, HH, WW), db (F,)]`
 */
export function convReluPoolBackward(
  dout: Tensor,
  cache: ConvReluPoolCache,
): [Tensor, Tensor, Tensor] {
  const [convCache, reluCache, poolCache] = checkCache(
    'convReluPoolBackward',
    cache,
    3,
  ) as ConvReluPoolCache;
  const ds = convLayers.maxPoolBackward(dout, poolCache);
  const da = reluBackward(ds, reluCache);
  return convLayers.convBackward(da, convCache);
}
