/**
 * First-order update rules for training (the assignment's cs231n/optim.py).
 *
 * Every rule has the signature `(w, dw, config?) -> [nextW, config]`:
 * - `w`: the current weights, any shape; `dw`: the gradient of the loss with respect to `w`, same shape;
 * - `config`: hyperparameters and the rule's running state (velocity, cache, moments). As in the
 *   assignment, missing hyperparameters are filled with their defaults into the object that was
 *   passed (it is updated in place and returned), so passing the returned config to the next call
 *   carries the state forward.
 *
 * `sgd` updates `w` in place and returns it, as the assignment's `w -= learning_rate * dw` does (a
 * strided view of w is left alone and the result is a fresh tensor). The other rules return a fresh
 * `nextW` and leave `w` as it is. `dw` is never modified, nor are the state tensors held by the
 * config (each step stores new ones), matching the numpy code where `v = momentum * v - ...` rebinds.
 */

import { axpy } from './backends';
import { checkOptions } from './core/options';
import {
  checkSameShape,
  checkTensor,
  contiguousData,
  isPackedRowMajor,
  type Tensor,
  tensor,
} from './core/tensor';

/** Hyperparameters and running state of an update rule (camelCase of the assignment's keys). */
export interface OptimConfig {
  /** Scalar learning rate (all rules). */
  learningRate?: number;
  /** sgdMomentum: momentum in [0, 1); 0 reduces to sgd. */
  momentum?: number;
  /** sgdMomentum: moving average of the gradients, same shape as w. */
  velocity?: Tensor;
  /** rmsprop: decay rate in [0, 1] of the squared-gradient cache. */
  decayRate?: number;
  /** rmsprop / adam: small number avoiding division by zero. */
  epsilon?: number;
  /** rmsprop: moving average of the squared gradients, same shape as w. */
  cache?: Tensor;
  /** adam: decay rate in [0, 1) of the first moment. */
  beta1?: number;
  /** adam: decay rate in [0, 1) of the second moment. */
  beta2?: number;
  /** adam: moving average of the gradient, same shape as w. */
  m?: Tensor;
  /** adam: moving average of the squared gradient, same shape as w. */
  v?: Tensor;
  /** adam: iteration number (incremented before use: the first step uses t = 1). */
  t?: number;
}

/** An update rule: `(w, dw, config?) -> [nextW, config]`. */
export type UpdateRule = (w: Tensor, dw: Tensor, config?: OptimConfig) => [Tensor, OptimConfig];

/**
 * Vanilla stochastic gradient descent: `w -= learningRate * dw`, in place as in the assignment
 * (a strided view of w is updated into a fresh tensor instead).
 *
 * @param w weights, any shape (d1, ..., dk)
 * @param dw gradient, same shape as w
 * @param config `learningRate` (default 1e-2)
 * @returns `[nextW (d1, ..., dk), config]`
 * @throws naming `sgd` and the argument for mismatched shapes or a bad learning rate
 */
export function sgd(w: Tensor, dw: Tensor, config: OptimConfig = {}): [Tensor, OptimConfig] {
  const fn = 'sgd';
  const [wd, dwd] = checkWeights(fn, w, dw);
  config = checkConfig(fn, config, configKeys.sgd);
  const lr = setDefault(fn, config, 'learningRate', 1e-2);
  checkLearningRate(fn, lr);
  if (isPackedRowMajor(w)) {
    axpy(-lr, dw, w);
    return [w, config];
  }
  const out = new Float64Array(wd.length);
  for (let i = 0; i < out.length; i++) out[i] = wd[i] - lr * dwd[i];
  return [tensor(w.shape, out), config];
}

/**
 * Stochastic gradient descent with momentum:
 * `v = momentum * v - learningRate * dw; nextW = w + v`.
 *
 * @param w weights, any shape (d1, ..., dk)
 * @param dw gradient, same shape as w
 * @param config `learningRate` (default 1e-2), `momentum` (default 0.9), `velocity` (default zeros,
 *   shape (d1, ..., dk)); the new velocity is stored back into config
 * @returns `[nextW (d1, ..., dk), config]`
 * @throws naming `sgdMomentum` and the argument for mismatched shapes or bad hyperparameters
 */
export function sgdMomentum(
  w: Tensor,
  dw: Tensor,
  config: OptimConfig = {},
): [Tensor, OptimConfig] {
  const fn = 'sgdMomentum';
  const [wd, dwd] = checkWeights(fn, w, dw);
  config = checkConfig(fn, config, configKeys.sgd_momentum);
  const lr = setDefault(fn, config, 'learningRate', 1e-2);
  const momentum = setDefault(fn, config, 'momentum', 0.9);
  checkLearningRate(fn, lr);
  checkUnitInterval(fn, 'momentum', momentum, false);
  const v0 = stateData(fn, 'velocity', config.velocity, w);
  // BEGIN SOLUTION
  const n = wd.length;
  const v = new Float64Array(n);
  const out = new Float64Array(n);
  // No velocity yet: zeros, which the fresh v holds until each element is written.
  const vPrev = v0 ?? v;
  for (let i = 0; i < n; i++) {
    const vi = momentum * vPrev[i] - lr * dwd[i];
    v[i] = vi;
    out[i] = wd[i] + vi;
  }
  config.velocity = tensor(w.shape, v);
  return [tensor(w.shape, out), config];
  // END SOLUTION
}

/**
 * RMSProp: `cache = decayRate * cache + (1 - decayRate) * dw**2;
 * nextW = w - learningRate * dw / (sqrt(cache) + epsilon)`.
 *
 * @param w weights, any shape (d1, ..., dk)
 * @param dw gradient, same shape as w
 * @param config `learningRate` (default 1e-2), `decayRate` (default 0.99), `epsilon` (default 1e-8),
 *   `cache` (default zeros, shape (d1, ..., dk)); the new cache is stored back into config
 * @returns `[nextW (d1, ..., dk), config]`
 * @throws naming `rmsprop` and the argument for mismatched shapes or bad hyperparameters
 */
export function rmsprop(w: Tensor, dw: Tensor, config: OptimConfig = {}): [Tensor, OptimConfig] {
  const fn = 'rmsprop';
  const [wd, dwd] = checkWeights(fn, w, dw);
  config = checkConfig(fn, config, configKeys.rmsprop);
  const lr = setDefault(fn, config, 'learningRate', 1e-2);
  const decay = setDefault(fn, config, 'decayRate', 0.99);
  const eps = setDefault(fn, config, 'epsilon', 1e-8);
  checkLearningRate(fn, lr);
  checkUnitInterval(fn, 'decayRate', decay, true);
  checkEpsilon(fn, eps);
  const c0 = stateData(fn, 'cache', config.cache, w);
  // BEGIN SOLUTION
  const n = wd.length;
  const cache = new Float64Array(n);
  const out = new Float64Array(n);
  // No cache yet: zeros, which the fresh cache holds until each element is written.
  const cPrev = c0 ?? cache;
  const keep = 1 - decay;
  for (let i = 0; i < n; i++) {
    const g = dwd[i];
    const ci = decay * cPrev[i] + keep * (g * g);
    cache[i] = ci;
    out[i] = wd[i] - (lr * g) / (Math.sqrt(ci) + eps);
  }
  config.cache = tensor(w.shape, cache);
  return [tensor(w.shape, out), config];
  // END SOLUTION
}

/**
 * Adam with bias correction (t is incremented first, so the first step uses t = 1):
 * `m = beta1 * m + (1 - beta1) * dw; mt = m / (1 - beta1**t);
 * v = beta2 * v + (1 - beta2) * dw**2; vt = v / (1 - beta2**t);
 * nextW = w - learningRate * mt / (sqrt(vt) + epsilon)`.
 *
 * @param w weights, any shape (d1, ..., dk)
 * @param dw gradient, same shape as w
 * @param config `learningRate` (default 1e-3), `beta1` (default 0.9), `beta2` (default 0.999),
 *   `epsilon` (default 1e-8), `m` and `v` (default zeros, shape (d1, ..., dk)), `t` (default 0);
 *   the new m, v and t are stored back into config
 * @returns `[nextW (d1, ..., dk), config]`
 * @throws naming `adam` and the argument for mismatched shapes or bad hyperparameters
 */
export function adam(w: Tensor, dw: Tensor, config: OptimConfig = {}): [Tensor, OptimConfig] {
  const fn = 'adam';
  const [wd, dwd] = checkWeights(fn, w, dw);
  config = checkConfig(fn, config, configKeys.adam);
  const lr = setDefault(fn, config, 'learningRate', 1e-3);
  const beta1 = setDefault(fn, config, 'beta1', 0.9);
  const beta2 = setDefault(fn, config, 'beta2', 0.999);
  const eps = setDefault(fn, config, 'epsilon', 1e-8);
  const t0 = setDefault(fn, config, 't', 0);
  checkLearningRate(fn, lr);
  checkUnitInterval(fn, 'beta1', beta1, false);
  checkUnitInterval(fn, 'beta2', beta2, false);
  checkEpsilon(fn, eps);
  if (!Number.isInteger(t0) || t0 < 0) {
    throw new RangeError(`${fn}: config.t must be a non-negative integer, got ${t0}`);
  }
  const m0 = stateData(fn, 'm', config.m, w);
  const v0 = stateData(fn, 'v', config.v, w);
  // BEGIN SOLUTION
  const t = t0 + 1;
  const c1 = 1 - beta1 ** t;
  const c2 = 1 - beta2 ** t;
  const n = wd.length;
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  const out = new Float64Array(n);
  // No moments yet: zeros, which the fresh m and v hold until each element is written.
  const mPrev = m0 ?? m;
  const vPrev = v0 ?? v;
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  for (let i = 0; i < n; i++) {
    const g = dwd[i];
    const mi = beta1 * mPrev[i] + keep1 * g;
    const vi = beta2 * vPrev[i] + keep2 * (g * g);
    m[i] = mi;
    v[i] = vi;
    const mt = mi / c1;
    const vt = vi / c2;
    out[i] = wd[i] - (lr * mt) / (Math.sqrt(vt) + eps);
  }
  config.m = tensor(w.shape, m);
  config.v = tensor(w.shape, v);
  config.t = t;
  return [tensor(w.shape, out), config];
  // END SOLUTION
}

/** The config keys each update rule reads (any other key is refused, not ignored). */
export const configKeys = {
  sgd: ['learningRate'],
  sgd_momentum: ['learningRate', 'momentum', 'velocity'],
  rmsprop: ['learningRate', 'decayRate', 'epsilon', 'cache'],
  adam: ['learningRate', 'beta1', 'beta2', 'epsilon', 'm', 'v', 't'],
} as const satisfies Record<string, readonly (keyof OptimConfig)[]>;

/**
 * The update rules by the assignment's names, as the Solver's `update_rule` option selects them:
 * `'sgd'`, `'sgd_momentum'`, `'rmsprop'`, `'adam'`.
 */
export const updateRules = {
  sgd,
  sgd_momentum: sgdMomentum,
  rmsprop,
  adam,
} as const satisfies Record<string, UpdateRule>;

// ---------------------------------------------------------------------------------------------

function checkWeights(fn: string, w: unknown, dw: unknown): [Float64Array, Float64Array] {
  const wt = checkTensor(fn, 'w', w);
  const dwt = checkTensor(fn, 'dw', dw);
  checkSameShape(fn, 'dw', dwt, 'w', wt);
  return [contiguousData(wt), contiguousData(dwt)];
}

/** The config object, checked: only the keys this rule reads (an unknown one would be ignored). */
function checkConfig(
  fn: string,
  config: unknown,
  known: readonly (keyof OptimConfig)[],
): OptimConfig {
  if (config === undefined || config === null) return {};
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new TypeError(`${fn}: config must be an object (OptimConfig), got ${typeof config}`);
  }
  checkOptions(fn, 'config', config, known);
  return config as OptimConfig;
}

type NumberKey = 'learningRate' | 'momentum' | 'decayRate' | 'epsilon' | 'beta1' | 'beta2' | 't';

function setDefault(fn: string, config: OptimConfig, key: NumberKey, value: number): number {
  const current = config[key];
  if (current === undefined) {
    config[key] = value;
    return value;
  }
  if (typeof current !== 'number') {
    throw new TypeError(`${fn}: config.${key} must be a number, got ${typeof current}`);
  }
  return current;
}

function checkLearningRate(fn: string, lr: number): void {
  if (!(lr > 0) || !Number.isFinite(lr)) {
    throw new RangeError(`${fn}: config.learningRate must be a positive finite number, got ${lr}`);
  }
}

function checkUnitInterval(fn: string, key: string, x: number, closed: boolean): void {
  if (!(x >= 0) || (closed ? x > 1 : x >= 1)) {
    throw new RangeError(`${fn}: config.${key} must be in [0, 1${closed ? ']' : ')'}, got ${x}`);
  }
}

function checkEpsilon(fn: string, eps: number): void {
  if (!(eps >= 0) || !Number.isFinite(eps)) {
    throw new RangeError(`${fn}: config.epsilon must be a non-negative finite number, got ${eps}`);
  }
}

/** The packed data of a state tensor (null when absent: zeros), checked against w's shape. */
function stateData(fn: string, key: string, x: unknown, w: Tensor): Float64Array | null {
  if (x === undefined || x === null) return null;
  const t = checkTensor(fn, `config.${key}`, x);
  checkSameShape(fn, `config.${key}`, t, 'w', w);
  return contiguousData(t);
}
