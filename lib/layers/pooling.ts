/**
 * The max-pooling layer, forward and backward, as plain loops (the course's max_pool_forward_naive
 * / max_pool_backward_naive). The fast versions are in lib/fastLayers.ts.
 *
 * Each output is the largest value of a poolHeight x poolWidth window of one channel; windows
 * start every `stride` pixels and there is no padding:
 *
 *   out[n, c, i, j] = max_{u < poolHeight, v < poolWidth} x[n, c, i * stride + u, j * stride + v]
 *
 * The gradient of a window goes to the position of its maximum; when several positions hold the
 * maximum, to the first of them in row-major order (as numpy's argmax, which the course's
 * im2col pooling uses). A NaN in a window is its maximum, as in np.max.
 */

import { checkOptions } from '../core/options';
import {
  checkCache,
  checkTensor,
  contiguousData,
  formatShape,
  type Tensor,
  tensor,
} from '../core/tensor';

/** The course's `pool_param`: the window and how it moves. */
export interface PoolParam {
  /** window height (an integer >= 1) */
  poolHeight: number;
  /** window width (an integer >= 1) */
  poolWidth: number;
  /** pixels between neighbouring windows, vertically and horizontally (an integer >= 1) */
  stride: number;
}

/** What {@link maxPoolForwardNaive} keeps for the backward pass: `[x, poolParam]`. */
export type PoolCache = [x: Tensor, poolParam: PoolParam];

/** The sizes of one pooling, read from its arguments after they are checked. */
export interface PoolGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  poolHeight: number;
  poolWidth: number;
  stride: number;
  /** output height H' = 1 + (H - poolHeight) / stride */
  outH: number;
  /** output width W' = 1 + (W - poolWidth) / stride */
  outW: number;
}

/**
 * Max-pooling forward pass (naive).
 *
 * @param x (N, C, H, W) input
 * @param poolParam `{ poolHeight, poolWidth, stride }`; the windows must tile the input exactly:
 *   `(H - poolHeight) % stride == 0` and the same for the width
 * @returns `[out (N, C, H', W'), cache]` with `H' = 1 + (H - poolHeight) / stride`,
 *   `W' = 1 + (W - poolWidth) / stride`
 */
export function maxPoolForwardNaive(x: Tensor, poolParam: PoolParam): [Tensor, PoolCache] {
  const g = checkPoolArguments('maxPoolForwardNaive', x, poolParam);
  // BEGIN SOLUTION
  const { N, C, H, W, poolHeight, poolWidth, stride, outH, outW } = g;
  const xd = contiguousData(x);
  const out = new Float64Array(N * C * outH * outW);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * H * W;
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++) {
          let best = Number.NEGATIVE_INFINITY;
          for (let u = 0; u < poolHeight; u++) {
            for (let v = 0; v < poolWidth; v++) {
              const value = xd[plane + (i * stride + u) * W + j * stride + v];
              // A larger value wins; so does a NaN, and once found it stays.
              if (value > best || (Number.isNaN(value) && !Number.isNaN(best))) best = value;
            }
          }
          out[((n * C + c) * outH + i) * outW + j] = best;
        }
      }
    }
  }
  return [tensor([N, C, outH, outW], out), [x, { poolHeight, poolWidth, stride }]];
  // END SOLUTION
}

/**
 * Max-pooling backward pass (naive): each window's upstream derivative goes to the position of
 * its maximum (the first one in row-major order when several positions tie); overlapping windows
 * add up.
 *
 * @param dout (N, C, H', W') upstream derivative
 * @param cache `[x, poolParam]` from {@link maxPoolForwardNaive}
 * @returns dx (N, C, H, W)
 */
export function maxPoolBackwardNaive(dout: Tensor, cache: PoolCache): Tensor {
  const fn = 'maxPoolBackwardNaive';
  const [x, poolParam] = checkCache(fn, cache, 2) as PoolCache;
  const g = checkPoolArguments(fn, x, poolParam, 'cache');
  checkTensor(fn, 'dout', dout, 4);
  const want = [g.N, g.C, g.outH, g.outW];
  if (dout.shape.some((d, k) => d !== want[k])) {
    throw new RangeError(
      `${fn}: dout has shape ${formatShape(dout.shape)} but the forward output had shape ${formatShape(want)}`,
    );
  }
  // BEGIN SOLUTION
  const { N, C, H, W, poolHeight, poolWidth, stride, outH, outW } = g;
  const xd = contiguousData(x);
  const dd = contiguousData(dout);
  const dx = new Float64Array(N * C * H * W);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * H * W;
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++) {
          let argmax = -1;
          let best = Number.NEGATIVE_INFINITY;
          for (let u = 0; u < poolHeight; u++) {
            for (let v = 0; v < poolWidth; v++) {
              const k = plane + (i * stride + u) * W + j * stride + v;
              const value = xd[k];
              if (argmax < 0 || value > best || (Number.isNaN(value) && !Number.isNaN(best))) {
                best = value;
                argmax = k;
              }
            }
          }
          dx[argmax] += dd[((n * C + c) * outH + i) * outW + j];
        }
      }
    }
  }
  return tensor([N, C, H, W], dx);
  // END SOLUTION
}

/**
 * The checks of a pooling's arguments, shared by the naive and the fast layers: x is a float64
 * tensor of 4 dimensions, the window sizes and stride are integers >= 1, the window fits in the
 * input and the strided windows tile it exactly.
 *
 * @param fn the public function (named in the errors)
 * @param x (N, C, H, W)
 * @param poolParam `{ poolHeight, poolWidth, stride }`
 * @param from `'cache'` when x and poolParam come from a forward pass's cache
 * @returns the sizes of the pooling
 */
export function checkPoolArguments(
  fn: string,
  x: Tensor,
  poolParam: PoolParam,
  from?: 'cache',
): PoolGeometry {
  const name = (arg: string) => (from === undefined ? arg : `${from} ${arg}`);
  checkTensor(fn, name('x'), x, 4);
  if (typeof poolParam !== 'object' || poolParam === null) {
    throw new TypeError(
      `${fn}: ${name('poolParam')} must be an object { poolHeight, poolWidth, stride }, got ${poolParam === null ? 'null' : typeof poolParam}`,
    );
  }
  checkOptions(fn, name('poolParam'), poolParam, ['poolHeight', 'poolWidth', 'stride']);
  for (const key of ['poolHeight', 'poolWidth', 'stride'] as const) {
    const v = poolParam[key];
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(
        `${fn}: ${name('poolParam')}.${key} must be an integer >= 1, got ${String(v)}`,
      );
    }
  }
  const { poolHeight, poolWidth, stride } = poolParam;
  const [N, C, H, W] = x.shape;
  const shape = `x of shape ${formatShape(x.shape)}`;
  if (poolHeight > H || poolWidth > W) {
    throw new RangeError(
      `${fn}: the pooling window (${poolHeight} x ${poolWidth}) is larger than the input (${H} x ${W}; ${shape})`,
    );
  }
  for (const [axis, size, window] of [
    ['height', H, poolHeight],
    ['width', W, poolWidth],
  ] as const) {
    if ((size - window) % stride !== 0) {
      throw new RangeError(
        `${fn}: stride ${stride} does not tile the input's ${axis}: (${size} - ${window}) / ${stride} is not an integer (${shape})`,
      );
    }
  }
  const outH = 1 + (H - poolHeight) / stride;
  const outW = 1 + (W - poolWidth) / stride;
  return { N, C, H, W, poolHeight, poolWidth, stride, outH, outW };
}
