/**
 * Batch and layer normalization, forward and backward, as in assignment 2's cs231n/layers.py.
 *
 * Batch normalization standardises each feature (column) over the minibatch during training and
 * keeps exponentially decaying running means and variances for test time; layer normalization
 * standardises each sample (row) over its features, the same way at train and test time. Both then
 * scale by `gamma` and shift by `beta`, per feature. Variances are the biased ones (divided by N,
 * or by D for layer norm), as numpy's `x.var(axis)`.
 */

import { checkOptions } from '../core/options';
import {
  checkNonEmptyBatch,
  checkSameShape,
  checkTensor,
  contiguousData,
  formatShape,
  type Tensor,
  tensor,
} from '../core/tensor';

/**
 * The state of one batch normalization layer (the course's `bn_param` dict). The forward pass reads
 * `mode`, `eps` and `momentum` and, in train mode, writes `runningMean` and `runningVar` back into
 * this object, as the course's layer writes them into its dict.
 */
export interface BatchnormParam {
  /** 'train': normalise with the batch's statistics; 'test': with the running ones */
  mode: 'train' | 'test';
  /** added to the variance before the square root (1e-5) */
  eps?: number;
  /** decay of the running averages (0.9) */
  momentum?: number;
  /** (D,) running mean of the features (zeros until the first train-mode pass) */
  runningMean?: Tensor;
  /** (D,) running variance of the features (zeros until the first train-mode pass) */
  runningVar?: Tensor;
}

/** Options of a layer normalization layer (the course's `ln_param` dict). */
export interface LayernormParam {
  /** accepted and ignored: layer normalization behaves the same at train and test time */
  mode?: 'train' | 'test';
  /** added to the variance before the square root (1e-5) */
  eps?: number;
}

/**
 * What the normalization forward passes keep for the backward pass: the normalized input, the
 * standard deviations `sqrt(var + eps)` (one per feature for batch norm, one per sample for layer
 * norm) and gamma. Test-mode batch norm keeps the same, with the running statistics' deviations.
 */
export interface NormCache {
  /** 'batchnorm-train', 'batchnorm-test' or 'layernorm': what the backward pass differentiates */
  kind: 'batchnorm-train' | 'batchnorm-test' | 'layernorm';
  /** (N, D) the normalized input, `(x - mean) / sqrt(var + eps)` */
  xhat: Tensor;
  /** (D,) for batch norm, (N,) for layer norm: `sqrt(var + eps)` */
  std: Float64Array;
  /** (D,) the scale used */
  gamma: Tensor;
}

const BATCHNORM_PARAM_KEYS = ['mode', 'eps', 'momentum', 'runningMean', 'runningVar'] as const;
const LAYERNORM_PARAM_KEYS = ['mode', 'eps'] as const;

/**
 * Batch normalization forward pass. In train mode each feature is standardised with the
 * minibatch's mean and (biased) variance, and the running averages are updated:
 * `running = momentum * running + (1 - momentum) * batch`. In test mode the running averages are
 * used instead. Then `out = gamma * xhat + beta`.
 *
 * @param x (N, D) data, N >= 1
 * @param gamma (D,) scale
 * @param beta (D,) shift
 * @param bnParam `{ mode, eps?, momentum?, runningMean?, runningVar? }`; the running statistics
 *   are written back into it (created as zeros of shape (D,) when missing)
 * @returns `[out (N, D), cache]`
 */
export function batchnormForward(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  bnParam: BatchnormParam,
): [Tensor, NormCache] {
  const fn = 'batchnormForward';
  const [n, d] = checkNormInputs(fn, x, gamma, beta);
  checkOptions(fn, 'bnParam', bnParam, BATCHNORM_PARAM_KEYS, {
    running_mean: 'runningMean',
    running_var: 'runningVar',
  });
  if (bnParam === undefined || (bnParam.mode !== 'train' && bnParam.mode !== 'test')) {
    throw new RangeError(
      `${fn}: bnParam.mode must be 'train' or 'test', got ${bnParam === undefined ? 'no bnParam' : String(bnParam.mode)}`,
    );
  }
  const eps = checkEps(fn, 'bnParam.eps', bnParam.eps);
  const momentum = bnParam.momentum ?? 0.9;
  if (!(momentum >= 0 && momentum <= 1)) {
    throw new RangeError(`${fn}: bnParam.momentum must be in [0, 1], got ${momentum}`);
  }
  for (const key of ['runningMean', 'runningVar'] as const) {
    const v = bnParam[key];
    if (v === undefined) continue;
    checkTensor(fn, `bnParam.${key}`, v, 1);
    if (v.shape[0] !== d) {
      throw new RangeError(
        `${fn}: bnParam.${key} has shape ${formatShape(v.shape)} but x has ${d} features (shape ${formatShape(x.shape)})`,
      );
    }
  }
  // BEGIN SOLUTION
  const xd = contiguousData(x);
  const runningMean = bnParam.runningMean ? contiguousData(bnParam.runningMean).slice() : null;
  const runningVar = bnParam.runningVar ? contiguousData(bnParam.runningVar).slice() : null;
  let mean: Float64Array;
  let variance: Float64Array;
  if (bnParam.mode === 'train') {
    [mean, variance] = columnMeanVar(xd, n, d);
    const rm = runningMean ?? new Float64Array(d);
    const rv = runningVar ?? new Float64Array(d);
    for (let j = 0; j < d; j++) {
      rm[j] = momentum * rm[j] + (1 - momentum) * mean[j];
      rv[j] = momentum * rv[j] + (1 - momentum) * variance[j];
    }
    bnParam.runningMean = tensor([d], rm);
    bnParam.runningVar = tensor([d], rv);
  } else {
    mean = runningMean ?? new Float64Array(d);
    variance = runningVar ?? new Float64Array(d);
    bnParam.runningMean = tensor([d], mean.slice());
    bnParam.runningVar = tensor([d], variance.slice());
  }
  const std = new Float64Array(d);
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(variance[j] + eps);
  const g = contiguousData(gamma);
  const b = contiguousData(beta);
  const xhat = new Float64Array(n * d);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) {
      const h = (xd[row + j] - mean[j]) / std[j];
      xhat[row + j] = h;
      out[row + j] = g[j] * h + b[j];
    }
  }
  const kind = bnParam.mode === 'train' ? 'batchnorm-train' : 'batchnorm-test';
  return [tensor([n, d], out), { kind, xhat: tensor([n, d], xhat), std, gamma }];
  // END SOLUTION
}

/**
 * Batch normalization backward pass, through the computation graph of the forward pass node by
 * node (mean, centring, variance, square root, division, scale and shift), summing the gradients
 * of the branches that meet.
 *
 * @param dout (N, D) upstream derivative
 * @param cache from {@link batchnormForward}
 * @returns `[dx (N, D), dgamma (D,), dbeta (D,)]`
 */
export function batchnormBackward(dout: Tensor, cache: NormCache): [Tensor, Tensor, Tensor] {
  const fn = 'batchnormBackward';
  const { xhat, std, gamma } = checkNormCache(fn, dout, cache, 'batchnorm');
  // BEGIN SOLUTION
  const [n, d] = xhat.shape;
  const h = contiguousData(xhat);
  const dy = contiguousData(dout);
  const g = contiguousData(gamma);
  const [dgamma, dbeta] = scaleShiftGrads(h, dy, n, d);
  const dx = new Float64Array(n * d);
  if (cache.kind === 'batchnorm-test') {
    // The statistics are constants at test time: out = gamma * (x - m) / std + beta.
    for (let i = 0; i < n * d; i++) dx[i] = (dy[i] * g[i % d]) / std[i % d];
    return [tensor([n, d], dx), tensor([d], dgamma), tensor([d], dbeta)];
  }
  // The forward graph, per feature: mu = mean(x); xc = x - mu; v = mean(xc^2); s = sqrt(v + eps);
  // inv = 1 / s; xhat = xc * inv; out = gamma * xhat + beta. Walked back node by node.
  for (let j = 0; j < d; j++) {
    const s = std[j];
    const inv = 1 / s;
    // xhat = xc * inv: two branches, dxc (first part) and dinv = sum(dxhat * xc)
    let dinv = 0;
    for (let i = 0; i < n; i++) {
      const k = i * d + j;
      dinv += dy[k] * g[j] * h[k] * s;
    }
    const ds = -dinv / (s * s); // inv = 1 / s
    const dv = ds / (2 * s); // s = sqrt(v + eps)
    // xc feeds xhat and v = mean(xc^2): dxc = dxhat * inv + dv * 2 * xc / N
    let dmu = 0;
    for (let i = 0; i < n; i++) {
      const k = i * d + j;
      const dxc = dy[k] * g[j] * inv + (dv * 2 * h[k] * s) / n;
      dx[k] = dxc; // xc = x - mu: the x branch
      dmu -= dxc; // and the mu branch
    }
    for (let i = 0; i < n; i++) dx[i * d + j] += dmu / n; // mu = mean(x)
  }
  return [tensor([n, d], dx), tensor([d], dgamma), tensor([d], dbeta)];
  // END SOLUTION
}

/**
 * Batch normalization backward pass from the simplified formula, worked out on paper:
 * `dx = (N * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)) / (N * std)` per feature, with
 * `dxhat = dout * gamma`. Same results as {@link batchnormBackward} (to rounding), in one pass
 * fewer.
 *
 * @param dout (N, D) upstream derivative
 * @param cache from {@link batchnormForward}
 * @returns `[dx (N, D), dgamma (D,), dbeta (D,)]`
 */
export function batchnormBackwardAlt(dout: Tensor, cache: NormCache): [Tensor, Tensor, Tensor] {
  const fn = 'batchnormBackwardAlt';
  const { xhat, std, gamma } = checkNormCache(fn, dout, cache, 'batchnorm');
  // BEGIN SOLUTION
  const [n, d] = xhat.shape;
  const h = contiguousData(xhat);
  const dy = contiguousData(dout);
  const g = contiguousData(gamma);
  const [dgamma, dbeta] = scaleShiftGrads(h, dy, n, d);
  const dx = new Float64Array(n * d);
  if (cache.kind === 'batchnorm-test') {
    for (let i = 0; i < n * d; i++) dx[i] = (dy[i] * g[i % d]) / std[i % d];
  } else {
    // sum(dxhat) = gamma * dbeta and sum(dxhat * xhat) = gamma * dgamma, per feature.
    for (let i = 0; i < n; i++) {
      const row = i * d;
      for (let j = 0; j < d; j++) {
        const k = row + j;
        dx[k] = (g[j] * (n * dy[k] - dbeta[j] - h[k] * dgamma[j])) / (n * std[j]);
      }
    }
  }
  return [tensor([n, d], dx), tensor([d], dgamma), tensor([d], dbeta)];
  // END SOLUTION
}

/**
 * Layer normalization forward pass: each sample (row) is standardised with its own mean and
 * (biased) variance over its D features, then `out = gamma * xhat + beta`. No running statistics:
 * train and test time are the same.
 *
 * @param x (N, D) data, D >= 1
 * @param gamma (D,) scale
 * @param beta (D,) shift
 * @param lnParam `{ eps? }` (a `mode` key is accepted and ignored)
 * @returns `[out (N, D), cache]`
 */
export function layernormForward(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  lnParam: LayernormParam = {},
): [Tensor, NormCache] {
  const fn = 'layernormForward';
  const [n, d] = checkNormInputs(fn, x, gamma, beta);
  checkOptions(fn, 'lnParam', lnParam, LAYERNORM_PARAM_KEYS);
  const eps = checkEps(fn, 'lnParam.eps', lnParam.eps);
  if (d === 0) {
    throw new RangeError(
      `${fn}: x of shape ${formatShape(x.shape)} has no features: the mean over them is undefined`,
    );
  }
  // BEGIN SOLUTION
  const xd = contiguousData(x);
  const g = contiguousData(gamma);
  const b = contiguousData(beta);
  const std = new Float64Array(n);
  const xhat = new Float64Array(n * d);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let total = 0;
    for (let j = 0; j < d; j++) total += xd[row + j];
    const mu = total / d;
    let v = 0;
    for (let j = 0; j < d; j++) {
      const c = xd[row + j] - mu;
      v += c * c;
    }
    const s = Math.sqrt(v / d + eps);
    std[i] = s;
    for (let j = 0; j < d; j++) {
      const h = (xd[row + j] - mu) / s;
      xhat[row + j] = h;
      out[row + j] = g[j] * h + b[j];
    }
  }
  return [tensor([n, d], out), { kind: 'layernorm', xhat: tensor([n, d], xhat), std, gamma }];
  // END SOLUTION
}

/**
 * Layer normalization backward pass: the batch norm formula applied to each row instead of each
 * column, `dx = (D * dxhat - sum_row(dxhat) - xhat * sum_row(dxhat * xhat)) / (D * std)`.
 *
 * @param dout (N, D) upstream derivative
 * @param cache from {@link layernormForward}
 * @returns `[dx (N, D), dgamma (D,), dbeta (D,)]`
 */
export function layernormBackward(dout: Tensor, cache: NormCache): [Tensor, Tensor, Tensor] {
  const fn = 'layernormBackward';
  const { xhat, std, gamma } = checkNormCache(fn, dout, cache, 'layernorm');
  // BEGIN SOLUTION
  const [n, d] = xhat.shape;
  const h = contiguousData(xhat);
  const dy = contiguousData(dout);
  const g = contiguousData(gamma);
  const [dgamma, dbeta] = scaleShiftGrads(h, dy, n, d);
  const dx = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let sumDh = 0;
    let sumDhH = 0;
    for (let j = 0; j < d; j++) {
      const dh = dy[row + j] * g[j];
      sumDh += dh;
      sumDhH += dh * h[row + j];
    }
    for (let j = 0; j < d; j++) {
      const k = row + j;
      dx[k] = (d * dy[k] * g[j] - sumDh - h[k] * sumDhH) / (d * std[i]);
    }
  }
  return [tensor([n, d], dx), tensor([d], dgamma), tensor([d], dbeta)];
  // END SOLUTION
}

/** Per-column mean and biased variance (two passes, as numpy's mean and var) of an (n, d) buffer. */
function columnMeanVar(x: Float64Array, n: number, d: number): [Float64Array, Float64Array] {
  const mean = new Float64Array(d);
  const variance = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) mean[j] += x[row + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) {
      const c = x[row + j] - mean[j];
      variance[j] += c * c;
    }
  }
  for (let j = 0; j < d; j++) variance[j] /= n;
  return [mean, variance];
}

/** dgamma = sum_rows(dout * xhat), dbeta = sum_rows(dout), for (n, d) buffers. */
function scaleShiftGrads(
  xhat: Float64Array,
  dout: Float64Array,
  n: number,
  d: number,
): [Float64Array, Float64Array] {
  const dgamma = new Float64Array(d);
  const dbeta = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) {
      dgamma[j] += dout[row + j] * xhat[row + j];
      dbeta[j] += dout[row + j];
    }
  }
  return [dgamma, dbeta];
}

function checkNormInputs(fn: string, x: Tensor, gamma: Tensor, beta: Tensor): [number, number] {
  checkTensor(fn, 'x', x, 2);
  checkNonEmptyBatch(fn, 'x', x);
  checkTensor(fn, 'gamma', gamma, 1);
  checkTensor(fn, 'beta', beta, 1);
  const [n, d] = x.shape;
  for (const [name, v] of [
    ['gamma', gamma],
    ['beta', beta],
  ] as const) {
    if (v.shape[0] !== d) {
      throw new RangeError(
        `${fn}: ${name} has shape ${formatShape(v.shape)} but x has shape ${formatShape(x.shape)}; expected ${name} of shape (${d},)`,
      );
    }
  }
  return [n, d];
}

function checkEps(fn: string, arg: string, eps: number | undefined): number {
  const v = eps ?? 1e-5;
  if (!(v > 0) || !Number.isFinite(v)) {
    throw new RangeError(`${fn}: ${arg} must be a finite number > 0, got ${v}`);
  }
  return v;
}

function checkNormCache(
  fn: string,
  dout: Tensor,
  cache: NormCache,
  family: 'batchnorm' | 'layernorm',
): NormCache {
  if (typeof cache !== 'object' || cache === null || !('kind' in cache)) {
    throw new TypeError(
      `${fn}: cache must be the cache returned by the forward pass, got ${cache === null ? 'null' : typeof cache}`,
    );
  }
  const wanted = family === 'batchnorm' ? 'batchnormForward' : 'layernormForward';
  if (!cache.kind.startsWith(family)) {
    throw new TypeError(
      `${fn}: cache comes from ${cache.kind === 'layernorm' ? 'layernormForward' : 'batchnormForward'}, expected one from ${wanted}`,
    );
  }
  const xhat = checkTensor(fn, 'cache.xhat', cache.xhat, 2);
  checkTensor(fn, 'dout', dout, 2);
  checkSameShape(fn, 'dout', dout, `the ${wanted} output`, xhat);
  return cache;
}
