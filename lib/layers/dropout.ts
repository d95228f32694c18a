/**
 * Inverted dropout, forward and backward, as in assignment 2's cs231n/layers.py: at train time each
 * activation is kept with probability p and scaled by 1 / p, so test time is the identity.
 */

import { checkOptions } from '../core/options';
import { random } from '../core/random';
import { checkSameShape, checkTensor, contiguousData, type Tensor, tensor } from '../core/tensor';

/** The options of a dropout layer (the course's `dropout_param` dict). */
export interface DropoutParam {
  /** 'train': drop and scale; 'test': pass the input through */
  mode: 'train' | 'test';
  /** probability of keeping each activation, in (0, 1] */
  p: number;
  /**
   * When given, the train-mode pass reseeds the library's global generator `random` with it
   * before drawing the mask, as the course's layer calls `np.random.seed(seed)`: the mask (and
   * every draw after it) is then reproducible, which a gradient check needs.
   */
  seed?: number;
}

/**
 * What {@link dropoutForward} keeps: the options and, in train mode, the mask (each element 0 or
 * 1 / p) that multiplied the input; null in test mode.
 */
export type DropoutCache = [dropoutParam: DropoutParam, mask: Tensor | null];

const DROPOUT_PARAM_KEYS = ['mode', 'p', 'seed'] as const;

/**
 * Inverted dropout forward pass. Train mode: `mask = (rand(x.shape) < p) / p`, `out = x * mask`,
 * with the uniform draws of `random.rand` (numpy's `np.random.rand`, element by element in C
 * order). Test mode: `out = x`.
 *
 * @param x any shape
 * @param dropoutParam `{ mode, p, seed? }`
 * @returns `[out (same shape as x), cache]`
 */
export function dropoutForward(x: Tensor, dropoutParam: DropoutParam): [Tensor, DropoutCache] {
  const fn = 'dropoutForward';
  checkTensor(fn, 'x', x);
  checkDropoutParam(fn, dropoutParam);
  const { mode, p, seed } = dropoutParam;
  // BEGIN SOLUTION
  const xd = contiguousData(x);
  if (mode === 'test') return [tensor(x.shape, xd.slice()), [dropoutParam, null]];
  if (seed !== undefined) random.seed(seed);
  const n = xd.length;
  const mask = new Float64Array(n);
  const out = new Float64Array(n);
  const scale = 1 / p;
  for (let i = 0; i < n; i++) {
    // (u < p) / p as numpy has it: 1 / p or 0, without a branch (which mispredicts on random
    // draws: 4x slower).
    const m = +(random.nextDouble() < p) * scale;
    mask[i] = m;
    out[i] = xd[i] * m;
  }
  return [tensor(x.shape, out), [dropoutParam, tensor(x.shape, mask)]];
  // END SOLUTION
}

/**
 * Inverted dropout backward pass: `dx = dout * mask` in train mode, `dx = dout` in test mode.
 *
 * @param dout upstream derivative, the shape of the forward input
 * @param cache from {@link dropoutForward}
 * @returns dx, same shape as dout
 */
export function dropoutBackward(dout: Tensor, cache: DropoutCache): Tensor {
  const fn = 'dropoutBackward';
  checkTensor(fn, 'dout', dout);
  if (!Array.isArray(cache) || cache.length !== 2) {
    throw new TypeError(
      `${fn}: cache must be the [dropoutParam, mask] returned by dropoutForward, got ${Array.isArray(cache) ? `an array of length ${cache.length}` : typeof cache}`,
    );
  }
  const [dropoutParam, mask] = cache;
  checkDropoutParam(fn, dropoutParam);
  if (dropoutParam.mode === 'train') {
    checkTensor(fn, 'cache mask', mask);
    checkSameShape(fn, 'dout', dout, 'the mask', mask as Tensor);
  }
  // BEGIN SOLUTION
  const dd = contiguousData(dout);
  if (dropoutParam.mode === 'test' || mask === null) return tensor(dout.shape, dd.slice());
  const md = contiguousData(mask);
  const dx = new Float64Array(dd.length);
  for (let i = 0; i < dd.length; i++) dx[i] = dd[i] * md[i];
  return tensor(dout.shape, dx);
  // END SOLUTION
}

function checkDropoutParam(fn: string, dropoutParam: DropoutParam): void {
  if (typeof dropoutParam !== 'object' || dropoutParam === null) {
    throw new TypeError(
      `${fn}: dropoutParam must be an object { mode, p, seed? }, got ${dropoutParam === null ? 'null' : typeof dropoutParam}`,
    );
  }
  checkOptions(fn, 'dropoutParam', dropoutParam, DROPOUT_PARAM_KEYS);
  const { mode, p, seed } = dropoutParam;
  if (mode !== 'train' && mode !== 'test') {
    throw new RangeError(`${fn}: dropoutParam.mode must be 'train' or 'test', got ${String(mode)}`);
  }
  if (typeof p !== 'number' || !(p > 0 && p <= 1)) {
    throw new RangeError(
      `${fn}: dropoutParam.p (the keep probability) must be in (0, 1], got ${String(p)}`,
    );
  }
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)) {
    throw new RangeError(
      `${fn}: dropoutParam.seed must be an integer in [0, 2**32 - 1], got ${String(seed)}`,
    );
  }
}
