/**
 * Batch and group normalization of convolutional activations (N, C, H, W), forward and backward,
 * as the course's spatial_batchnorm_* and spatial_groupnorm_* in layers.py.
 *
 * Spatial batch normalization treats every pixel of every image as one sample of C features: it is
 * the batch normalization of lib/normalization.ts applied to x seen as (N * H * W, C). Group
 * normalization splits the C channels of each image into G groups of C / G channels and
 * standardises each group over its channels and pixels (as layer normalization does with a whole
 * sample), the same way at train and test time; then both scale and shift per channel.
 */

import { checkOptions } from '../core/options';
import { checkTensor, contiguousData, formatShape, type Tensor, tensor } from '../core/tensor';
import {
  type BatchnormParam,
  batchnormBackward,
  batchnormForward,
  type NormCache,
} from '../normalization';

/** What {@link spatialBatchnormForward} keeps: the batch norm cache of x seen as (N*H*W, C). */
export interface SpatialBatchnormCache {
  kind: 'spatial-batchnorm';
  /** (N, C, H, W), the shape of x */
  shape: [number, number, number, number];
  /** the cache of {@link batchnormForward} on the (N * H * W, C) view */
  norm: NormCache;
}

/** Options of a group normalization layer (the course's `gn_param` dict). */
export interface GroupnormParam {
  /** accepted and ignored: group normalization behaves the same at train and test time */
  mode?: 'train' | 'test';
  /** added to the variance before the square root (1e-5) */
  eps?: number;
}

/** What {@link spatialGroupnormForward} keeps for the backward pass. */
export interface SpatialGroupnormCache {
  kind: 'spatial-groupnorm';
  /** (N, C, H, W) the normalized input */
  xhat: Tensor;
  /** (N * G,) `sqrt(var + eps)` of each group of each image */
  std: Float64Array;
  /** (1, C, 1, 1) the scale used */
  gamma: Tensor;
  /** the number of groups */
  G: number;
}

/**
 * Spatial batch normalization forward pass: batch normalization of each channel over the batch
 * and both spatial axes (every pixel of every image is one sample). In train mode the running
 * statistics in `bnParam` are updated, in test mode they are used, as in {@link batchnormForward}.
 *
 * @param x (N, C, H, W) data with N * H * W >= 1
 * @param gamma (C,) scale
 * @param beta (C,) shift
 * @param bnParam `{ mode, eps?, momentum?, runningMean?, runningVar? }` with running statistics
 *   of shape (C,), written back into it
 * @returns `[out (N, C, H, W), cache]`
 */
export function spatialBatchnormForward(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  bnParam: BatchnormParam,
): [Tensor, SpatialBatchnormCache] {
  const fn = 'spatialBatchnormForward';
  checkSpatialInputs(fn, x, gamma, beta, [x?.shape?.[1]], '(C,)');
  if (typeof bnParam !== 'object' || bnParam === null) {
    throw new TypeError(`${fn}: bnParam must be an object { mode, ... }, got ${String(bnParam)}`);
  }
  if (bnParam.mode !== 'train' && bnParam.mode !== 'test') {
    throw new RangeError(
      `${fn}: bnParam.mode must be 'train' or 'test', got ${String(bnParam.mode)}`,
    );
  }
  for (const key of ['runningMean', 'runningVar'] as const) {
    const v = bnParam[key];
    if (v === undefined) continue;
    checkTensor(fn, `bnParam.${key}`, v, 1);
    if (v.shape[0] !== x.shape[1]) {
      throw new RangeError(
        `${fn}: bnParam.${key} has shape ${formatShape(v.shape)} but x has ${x.shape[1]} channels (shape ${formatShape(x.shape)})`,
      );
    }
  }
  if (x.shape[0] * x.shape[2] * x.shape[3] === 0) {
    throw new RangeError(
      `${fn}: x of shape ${formatShape(x.shape)} has no pixels: the mean over N, H and W is undefined`,
    );
  }
  // BEGIN SOLUTION
  const [N, C, H, W] = x.shape;
  // (N, C, H, W) -> (N, H, W, C) -> (N * H * W, C): each row is one pixel's C channels.
  const xd = contiguousData(x);
  const rows = new Float64Array(N * H * W * C);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < H * W; p++) rows[(n * H * W + p) * C + c] = xd[(n * C + c) * H * W + p];
    }
  }
  const [outRows, norm] = batchnormForward(tensor([N * H * W, C], rows), gamma, beta, bnParam);
  // And back: (N * H * W, C) -> (N, C, H, W).
  const od = outRows.data;
  const out = new Float64Array(N * C * H * W);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < H * W; p++) out[(n * C + c) * H * W + p] = od[(n * H * W + p) * C + c];
    }
  }
  return [tensor([N, C, H, W], out), { kind: 'spatial-batchnorm', shape: [N, C, H, W], norm }];
  // END SOLUTION
}

/**
 * Spatial batch normalization backward pass: {@link batchnormBackward} on the (N * H * W, C)
 * view, reshaped back.
 *
 * @param dout (N, C, H, W) upstream derivative
 * @param cache from {@link spatialBatchnormForward}
 * @returns `[dx (N, C, H, W), dgamma (C,), dbeta (C,)]`
 */
export function spatialBatchnormBackward(
  dout: Tensor,
  cache: SpatialBatchnormCache,
): [Tensor, Tensor, Tensor] {
  const fn = 'spatialBatchnormBackward';
  checkSpatialCache(fn, dout, cache, 'spatial-batchnorm', cache?.shape);
  // BEGIN SOLUTION
  const [N, C, H, W] = cache.shape;
  const dd = contiguousData(dout);
  const rows = new Float64Array(N * H * W * C);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < H * W; p++) rows[(n * H * W + p) * C + c] = dd[(n * C + c) * H * W + p];
    }
  }
  const [dxRows, dgamma, dbeta] = batchnormBackward(tensor([N * H * W, C], rows), cache.norm);
  const dr = dxRows.data;
  const dx = new Float64Array(N * C * H * W);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < H * W; p++) dx[(n * C + c) * H * W + p] = dr[(n * H * W + p) * C + c];
    }
  }
  return [tensor([N, C, H, W], dx), dgamma, dbeta];
  // END SOLUTION
}

/**
 * Spatial group normalization forward pass: the C channels of each image are split into G
 * contiguous groups; each group is standardised with its own mean and (biased) variance over its
 * C / G channels and H * W pixels; then `out = gamma * xhat + beta` per channel.
 *
 * @param x (N, C, H, W) data with H * W >= 1
 * @param gamma (1, C, 1, 1) scale
 * @param beta (1, C, 1, 1) shift
 * @param G the number of groups, an integer that divides C
 * @param gnParam `{ eps? }` (a `mode` key is accepted and ignored)
 * @returns `[out (N, C, H, W), cache]`
 */
export function spatialGroupnormForward(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  G: number,
  gnParam: GroupnormParam = {},
): [Tensor, SpatialGroupnormCache] {
  const fn = 'spatialGroupnormForward';
  const c = x?.shape?.[1];
  checkSpatialInputs(fn, x, gamma, beta, [1, c, 1, 1], '(1, C, 1, 1)');
  checkOptions(fn, 'gnParam', gnParam, ['mode', 'eps']);
  const eps = gnParam.eps ?? 1e-5;
  if (!(eps > 0) || !Number.isFinite(eps)) {
    throw new RangeError(`${fn}: gnParam.eps must be a finite number > 0, got ${eps}`);
  }
  if (!Number.isInteger(G) || G < 1 || c % G !== 0) {
    throw new RangeError(
      `${fn}: G must be a positive integer that divides the ${c} channels of x (shape ${formatShape(x.shape)}), got ${G}`,
    );
  }
  if (x.shape[2] * x.shape[3] === 0 || c === 0) {
    throw new RangeError(
      `${fn}: x of shape ${formatShape(x.shape)} has empty groups: their mean is undefined`,
    );
  }
  // BEGIN SOLUTION
  const [N, C, H, W] = x.shape;
  // Channels are contiguous per image, so group g of image n is one run of M numbers.
  const M = (C / G) * H * W;
  const xd = contiguousData(x);
  const g = contiguousData(gamma);
  const b = contiguousData(beta);
  const xhat = new Float64Array(N * C * H * W);
  const out = new Float64Array(N * C * H * W);
  const std = new Float64Array(N * G);
  for (let group = 0; group < N * G; group++) {
    const start = group * M;
    let total = 0;
    for (let k = 0; k < M; k++) total += xd[start + k];
    const mu = total / M;
    let v = 0;
    for (let k = 0; k < M; k++) v += (xd[start + k] - mu) ** 2;
    const s = Math.sqrt(v / M + eps);
    std[group] = s;
    for (let k = 0; k < M; k++) {
      const i = start + k;
      const channel = Math.floor(i / (H * W)) % C;
      xhat[i] = (xd[i] - mu) / s;
      out[i] = g[channel] * xhat[i] + b[channel];
    }
  }
  const cache: SpatialGroupnormCache = {
    kind: 'spatial-groupnorm',
    xhat: tensor([N, C, H, W], xhat),
    std,
    gamma,
    G,
  };
  return [tensor([N, C, H, W], out), cache];
  // END SOLUTION
}

/**
 * Spatial group normalization backward pass: per channel `dgamma = sum(dout * xhat)` and
 * `dbeta = sum(dout)` over N, H, W; per group of M = (C / G) * H * W numbers, with
 * `dxhat = dout * gamma`, the layer norm formula
 * `dx = (M * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)) / (M * std)`.
 *
 * @param dout (N, C, H, W) upstream derivative
 * @param cache from {@link spatialGroupnormForward}
 * @returns `[dx (N, C, H, W), dgamma (1, C, 1, 1), dbeta (1, C, 1, 1)]`
 */
export function spatialGroupnormBackward(
  dout: Tensor,
  cache: SpatialGroupnormCache,
): [Tensor, Tensor, Tensor] {
  const fn = 'spatialGroupnormBackward';
  checkSpatialCache(fn, dout, cache, 'spatial-groupnorm', cache?.xhat?.shape);
  // BEGIN SOLUTION
  const [N, C, H, W] = cache.xhat.shape;
  const G = cache.G;
  const M = (C / G) * H * W;
  const h = contiguousData(cache.xhat);
  const g = contiguousData(cache.gamma);
  const dy = contiguousData(dout);
  const dgamma = new Float64Array(C);
  const dbeta = new Float64Array(C);
  for (let i = 0; i < N * C * H * W; i++) {
    const channel = Math.floor(i / (H * W)) % C;
    dgamma[channel] += dy[i] * h[i];
    dbeta[channel] += dy[i];
  }
  const dx = new Float64Array(N * C * H * W);
  for (let group = 0; group < N * G; group++) {
    const start = group * M;
    let sumDh = 0;
    let sumDhH = 0;
    for (let k = 0; k < M; k++) {
      const i = start + k;
      const dh = dy[i] * g[Math.floor(i / (H * W)) % C];
      sumDh += dh;
      sumDhH += dh * h[i];
    }
    for (let k = 0; k < M; k++) {
      const i = start + k;
      const dh = dy[i] * g[Math.floor(i / (H * W)) % C];
      dx[i] = (M * dh - sumDh - h[i] * sumDhH) / (M * cache.std[group]);
    }
  }
  return [tensor([N, C, H, W], dx), tensor([1, C, 1, 1], dgamma), tensor([1, C, 1, 1], dbeta)];
  // END SOLUTION
}

/** x is (N, C, H, W) and gamma, beta have the shape `want` (C or (1, C, 1, 1)). */
function checkSpatialInputs(
  fn: string,
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  want: number[],
  wantText: string,
): void {
  checkTensor(fn, 'x', x, 4);
  checkTensor(fn, 'gamma', gamma, want.length);
  checkTensor(fn, 'beta', beta, want.length);
  for (const [name, v] of [
    ['gamma', gamma],
    ['beta', beta],
  ] as const) {
    if (v.shape.some((d, k) => d !== want[k])) {
      throw new RangeError(
        `${fn}: ${name} has shape ${formatShape(v.shape)} but x has shape ${formatShape(x.shape)}; expected ${name} of shape ${formatShape(want)} (${wantText})`,
      );
    }
  }
}

function checkSpatialCache(
  fn: string,
  dout: Tensor,
  cache: SpatialBatchnormCache | SpatialGroupnormCache,
  kind: 'spatial-batchnorm' | 'spatial-groupnorm',
  shape: readonly number[] | undefined,
): void {
  const wanted =
    kind === 'spatial-batchnorm' ? 'spatialBatchnormForward' : 'spatialGroupnormForward';
  if (typeof cache !== 'object' || cache === null || cache.kind !== kind || shape === undefined) {
    throw new TypeError(`${fn}: cache must be the cache returned by ${wanted}`);
  }
  checkTensor(fn, 'dout', dout, 4);
  if (dout.shape.some((d, k) => d !== shape[k])) {
    throw new RangeError(
      `${fn}: dout has shape ${formatShape(dout.shape)} but the ${wanted} output had shape ${formatShape(shape)}`,
    );
  }
}
