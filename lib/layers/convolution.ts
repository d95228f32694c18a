/**
 * The convolutional layer, forward and backward, written as plain loops over the definition (the
 * course's conv_forward_naive / conv_backward_naive). The fast versions, on the compute backends'
 * matrix products, are in lib/fastLayers.ts.
 *
 * A filter `w[f]` of shape (C, HH, WW) slides over the zero-padded input in steps of `stride`:
 *
 *   out[n, f, i, j] = b[f] + sum_{c, u, v} w[f, c, u, v] * xpad[n, c, i * stride + u, j * stride + v]
 *
 * where `xpad` is `x` with `pad` zeros on each side of both spatial axes.
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

/** The course's `conv_param`: how the filters move over the input. */
export interface ConvParam {
  /** pixels between neighbouring receptive fields, vertically and horizontally (an integer >= 1) */
  stride: number;
  /** zeros added on each side of both spatial axes (an integer >= 0) */
  pad: number;
}

/** What {@link convForwardNaive} keeps for the backward pass: `[x, w, b, convParam]`. */
export type ConvCache = [x: Tensor, w: Tensor, b: Tensor, convParam: ConvParam];

/** The sizes of one convolution, read from its arguments after they are checked. */
export interface ConvGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  F: number;
  HH: number;
  WW: number;
  /** output height H' = 1 + (H + 2 pad - HH) / stride */
  outH: number;
  /** output width W' = 1 + (W + 2 pad - WW) / stride */
  outW: number;
  stride: number;
  pad: number;
}

/**
 * Convolutional layer forward pass (naive: loops over the definition).
 *
 * @param x (N, C, H, W) input
 * @param w (F, C, HH, WW) filters
 * @param b (F,) biases
 * @param convParam `{ stride, pad }`; the padded input must be tiled exactly:
 *   `(H + 2 pad - HH) % stride == 0` and the same for the width
 * @returns `[out (N, F, H', W'), cache]` with `H' = 1 + (H + 2 pad - HH) / stride`,
 *   `W' = 1 + (W + 2 pad - WW) / stride`
 */
export function convForwardNaive(
  x: Tensor,
  w: Tensor,
  b: Tensor,
  convParam: ConvParam,
): [Tensor, ConvCache] {
  const g = checkConvArguments('convForwardNaive', x, w, b, convParam);
  // BEGIN SOLUTION
  const { N, C, H, W, F, HH, WW, outH, outW, stride, pad } = g;
  const xd = contiguousData(x);
  const wd = contiguousData(w);
  const bd = contiguousData(b);
  const out = new Float64Array(N * F * outH * outW);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++) {
          let s = bd[f];
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < HH; u++) {
              // Row of the input under filter row u; rows in the zero padding add nothing.
              const r = i * stride + u - pad;
              if (r < 0 || r >= H) continue;
              for (let v = 0; v < WW; v++) {
                const q = j * stride + v - pad;
                if (q < 0 || q >= W) continue;
                s += wd[((f * C + c) * HH + u) * WW + v] * xd[((n * C + c) * H + r) * W + q];
              }
            }
          }
          out[((n * F + f) * outH + i) * outW + j] = s;
        }
      }
    }
  }
  return [tensor([N, F, outH, outW], out), [x, w, b, { stride, pad }]];
  // END SOLUTION
}

/**
 * Convolutional layer backward pass (naive). Each product `w[f, c, u, v] * x[n, c, r, q]` of the
 * forward pass sends `dout[n, f, i, j]` times the other factor to each of them, and every output
 * sends its `dout` to the bias of its filter.
 *
 * @param dout (N, F, H', W') upstream derivative
 * @param cache `[x, w, b, convParam]` from {@link convForwardNaive}
 * @returns `[dx (N, C, H, W), dw (F, C, HH, WW), db (F,)]`
 */
export function convBackwardNaive(dout: Tensor, cache: ConvCache): [Tensor, Tensor, Tensor] {
  const fn = 'convBackwardNaive';
  const [x, w, b, convParam] = checkCache(fn, cache, 4) as ConvCache;
  const g = checkConvArguments(fn, x, w, b, convParam, 'cache');
  checkConvDout(fn, dout, g);
  // BEGIN SOLUTION
  const { N, C, H, W, F, HH, WW, outH, outW, stride, pad } = g;
  const xd = contiguousData(x);
  const wd = contiguousData(w);
  const dd = contiguousData(dout);
  const dx = new Float64Array(N * C * H * W);
  const dw = new Float64Array(F * C * HH * WW);
  const db = new Float64Array(F);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++) {
          const d = dd[((n * F + f) * outH + i) * outW + j];
          db[f] += d;
          for (let c = 0; c < C; c++) {
            for (let u = 0; u < HH; u++) {
              const r = i * stride + u - pad;
              if (r < 0 || r >= H) continue;
              for (let v = 0; v < WW; v++) {
                const q = j * stride + v - pad;
                if (q < 0 || q >= W) continue;
                const wk = ((f * C + c) * HH + u) * WW + v;
                const xk = ((n * C + c) * H + r) * W + q;
                dw[wk] += d * xd[xk];
                dx[xk] += d * wd[wk];
              }
            }
          }
        }
      }
    }
  }
  return [tensor([N, C, H, W], dx), tensor([F, C, HH, WW], dw), tensor([F], db)];
  // END SOLUTION
}

/**
 * The checks of a convolution's arguments, shared by the naive and the fast layers: x, w, b are
 * float64 tensors of 4, 4 and 1 dimensions with matching channels and filters, stride and pad
 * are integers (>= 1 and >= 0), the filter fits in the padded input and the padded input is tiled
 * exactly by the strided filter.
 *
 * @param fn the public function (named in the errors)
 * @param x (N, C, H, W)
 * @param w (F, C, HH, WW)
 * @param b (F,)
 * @param convParam `{ stride, pad }`
 * @param from where the tensors come from when not the caller's own arguments (`'cache'` names
 *   them `cache x` etc. in the errors)
 * @returns the sizes of the convolution
 */
export function checkConvArguments(
  fn: string,
  x: Tensor,
  w: Tensor,
  b: Tensor,
  convParam: ConvParam,
  from?: 'cache',
): ConvGeometry {
  const name = (arg: string) => (from === undefined ? arg : `${from} ${arg}`);
  checkTensor(fn, name('x'), x, 4);
  checkTensor(fn, name('w'), w, 4);
  checkTensor(fn, name('b'), b, 1);
  if (typeof convParam !== 'object' || convParam === null) {
    throw new TypeError(
      `${fn}: ${name('convParam')} must be an object { stride, pad }, got ${convParam === null ? 'null' : typeof convParam}`,
    );
  }
  checkOptions(fn, name('convParam'), convParam, ['stride', 'pad']);
  const { stride, pad } = convParam;
  if (!Number.isInteger(stride) || stride < 1) {
    throw new RangeError(
      `${fn}: ${name('convParam')}.stride must be an integer >= 1, got ${String(stride)}`,
    );
  }
  if (!Number.isInteger(pad) || pad < 0) {
    throw new RangeError(
      `${fn}: ${name('convParam')}.pad must be an integer >= 0, got ${String(pad)}`,
    );
  }
  const [N, C, H, W] = x.shape;
  const [F, Cw, HH, WW] = w.shape;
  const shapes = `x of shape ${formatShape(x.shape)}, w of shape ${formatShape(w.shape)}`;
  if (Cw !== C) {
    throw new RangeError(
      `${fn}: ${name('w')} has ${Cw} channels but ${name('x')} has ${C} (${shapes}); expected w of shape (F, ${C}, HH, WW)`,
    );
  }
  if (b.shape[0] !== F) {
    throw new RangeError(
      `${fn}: ${name('b')} has shape ${formatShape(b.shape)} but ${name('w')} has ${F} filters (shape ${formatShape(w.shape)}); expected b of shape (${F},)`,
    );
  }
  if (HH < 1 || WW < 1) {
    throw new RangeError(`${fn}: ${name('w')} has an empty filter (${shapes})`);
  }
  const paddedH = H + 2 * pad;
  const paddedW = W + 2 * pad;
  if (HH > paddedH || WW > paddedW) {
    throw new RangeError(
      `${fn}: the filter (${HH} x ${WW}) is larger than the padded input (${paddedH} x ${paddedW} with pad ${pad}; ${shapes})`,
    );
  }
  for (const [axis, size, filter] of [
    ['height', H, HH],
    ['width', W, WW],
  ] as const) {
    if ((size + 2 * pad - filter) % stride !== 0) {
      throw new RangeError(
        `${fn}: stride ${stride} and pad ${pad} do not tile the input's ${axis}: (${size} + 2 * ${pad} - ${filter}) / ${stride} is not an integer (${shapes})`,
      );
    }
  }
  const outH = 1 + (paddedH - HH) / stride;
  const outW = 1 + (paddedW - WW) / stride;
  return { N, C, H, W, F, HH, WW, outH, outW, stride, pad };
}

/** Throws unless dout has the shape (N, F, H', W') of the forward output. */
function checkConvDout(fn: string, dout: Tensor, g: ConvGeometry): void {
  checkTensor(fn, 'dout', dout, 4);
  const want = [g.N, g.F, g.outH, g.outW];
  if (dout.shape.some((d, k) => d !== want[k])) {
    throw new RangeError(
      `${fn}: dout has shape ${formatShape(dout.shape)} but the forward output had shape ${formatShape(want)}`,
    );
  }
}
