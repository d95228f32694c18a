/**
 * The assignment's cs231n/layers.py in one import: each layer is a forward function returning
 * `[out, cache]` and a backward function taking `(dout, cache)`, one file per concern.
 */

export { type AffineCache, affineBackward, affineForward, type BackwardOptions } from './affine';
export {
  type ConvCache,
  type ConvParam,
  convBackwardNaive,
  convForwardNaive,
} from './convolution';
export { type DropoutCache, type DropoutParam, dropoutBackward, dropoutForward } from './dropout';
export { softmaxLoss, svmLoss } from './losses';
export {
  type BatchnormParam,
  batchnormBackward,
  batchnormBackwardAlt,
  batchnormForward,
  type LayernormParam,
  layernormBackward,
  layernormForward,
  type NormCache,
} from './normalization';
export {
  maxPoolBackwardNaive,
  maxPoolForwardNaive,
  type PoolCache,
  type PoolParam,
} from './pooling';
export { type ReluCache, reluBackward, reluForward } from './relu';
export {
  type GroupnormParam,
  type SpatialBatchnormCache,
  type SpatialGroupnormCache,
  spatialBatchnormBackward,
  spatialBatchnormForward,
  spatialGroupnormBackward,
  spatialGroupnormForward,
} from './spatialNormalization';
