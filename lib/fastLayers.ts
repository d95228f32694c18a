/**
 * Fast convolution and max pooling layers, as the course's fast_layers.py (given to students, not
 * an exercise): the same results as the naive layers, computed with matrix products.
 *
 * Convolution: one image at a time, the image's columns (`lib/im2col.ts`, one reused buffer of
 * C * HH * WW x H' * W' numbers, so memory does not grow with the batch) times the filters reshaped
 * to (F, C * HH * WW), on the active compute backend's GEMM, written straight into that image's
 * (F, H', W') slice of the output. The backward pass recomputes the columns instead of keeping the
 * whole batch's (tens of MB for a batch of 50 images), and gets dw from dout x cols^T and dx by
 * col2im of w^T x dout. im2col and col2im are operations of the compute backend (C in the blas addon). Chunks of
 * several images, one product per chunk copied into (N, F, H', W') afterwards, measured slower
 * here than one product per image at both the timing cell's shape and the three-layer net's, with
 * 4 MB and with 256 KB column buffers.
 *
 * Max pooling: one pass over the input recording where each maximum came from; 2 x 2 windows with
 * stride 2 (the common case) have a loop of their own. The backward pass routes each upstream
 * value to its window's maximum (the first one in row-major order on ties, as numpy's argmax).
 */

import { activeBackend } from './backends';
import { checkOptions } from './core/options';
import {
  checkCache,
  checkTensor,
  contiguousData,
  formatShape,
  type Tensor,
  tensor,
} from './core/tensor';
import { checkWindowParam, type WindowParam, windowGeometry } from './im2col';

/** `{stride, pad}` of a convolution, as the course's `conv_param`. */
export type ConvParam = WindowParam;

/** `{poolHeight, poolWidth, stride}` of a max pooling layer, as the course's `pool_param`. */
export interface PoolParam {
  poolHeight: number;
  poolWidth: number;
  stride: number;
}

/** What {@link convForwardFast} keeps for the backward pass: `[x, w, b, convParam]`. */
export type ConvFastCache = [x: Tensor, w: Tensor, b: Tensor, convParam: ConvParam];

/**
 * What {@link maxPoolForwardFast} keeps for the backward pass: the input's shape, the pooling
 * settings, and for every output the flat index into the input of its window's maximum.
 */
export type MaxPoolFastCache = [xShape: number[], poolParam: PoolParam, argmax: Int32Array];

function checkConvArgs(fn: string, x: unknown, w: unknown, b: unknown, convParam: unknown) {
  const xt = checkTensor(fn, 'x', x, 4);
  const wt = checkTensor(fn, 'w', w, 4);
  const bt = checkTensor(fn, 'b', b, 1);
  const [f, c, hh, ww] = wt.shape;
  if (c !== xt.shape[1]) {
    throw new RangeError(
      `${fn}: w of shape ${formatShape(wt.shape)} has ${c} channels but x of shape ${formatShape(xt.shape)} has ${xt.shape[1]}`,
    );
  }
  if (bt.shape[0] !== f) {
    throw new RangeError(
      `${fn}: b has shape ${formatShape(bt.shape)} but w of shape ${formatShape(wt.shape)} has ${f} filters: expected (${f},)`,
    );
  }
  const param = checkWindowParam(fn, 'convParam', convParam);
  const g = windowGeometry(fn, 'x', xt.shape, `w of shape ${formatShape(wt.shape)}`, hh, ww, param);
  return { x: xt, w: wt, b: bt, param, g };
}

/**
 * Convolution forward pass, fast: every filter of `w` slid over the zero-padded input.
 *
 * @param x (N, C, H, W) input
 * @param w (F, C, HH, WW) filters
 * @param b (F,) biases
 * @param convParam `{stride, pad}`: (H + 2 pad - HH) and (W + 2 pad - WW) must be multiples of stride
 * @returns `[out (N, F, H', W'), cache]` with H' = 1 + (H + 2 pad - HH) / stride and
 *   W' = 1 + (W + 2 pad - WW) / stride
 */
export function convForwardFast(
  x: Tensor,
  w: Tensor,
  b: Tensor,
  convParam: ConvParam,
): [Tensor, ConvFastCache] {
  const args = checkConvArgs('convForwardFast', x, w, b, convParam);
  const { g } = args;
  const n = x.shape[0];
  const f = w.shape[0];
  const k = g.channels * g.fieldHeight * g.fieldWidth;
  const positions = g.outHeight * g.outWidth;
  const out = tensor([n, f, g.outHeight, g.outWidth]);
  const xData = contiguousData(x);
  const wData = contiguousData(w);
  const bData = contiguousData(b);
  const imageSize = g.channels * g.height * g.width;
  const outImage = f * positions;
  const cols = new Float64Array(k * positions);
  const backend = activeBackend();
  for (let i = 0; i < n; i++) {
    const o = out.data.subarray(i * outImage, (i + 1) * outImage);
    for (let j = 0; j < f; j++) o.fill(bData[j], j * positions, (j + 1) * positions);
    backend.im2colImage(xData, i * imageSize, g, cols, 0, positions);
    // out[i] (F, P) += w (F, K) @ cols (K, P)
    backend.gemm(false, false, f, positions, k, 1, wData, cols, 1, o);
  }
  return [out, [x, w, b, args.param]];
}

/**
 * Convolution backward pass, fast.
 *
 * @param dout (N, F, H', W') upstream derivative
 * @param cache `[x, w, b, convParam]` from {@link convForwardFast}
 * @returns `[dx (N, C, H, W), dw (F, C, HH, WW), db (F,)]`
 */
export function convBackwardFast(dout: Tensor, cache: ConvFastCache): [Tensor, Tensor, Tensor] {
  const fn = 'convBackwardFast';
  const [x, w, b, convParam] = checkCache(fn, cache, 4) as ConvFastCache;
  const { g } = checkConvArgs(fn, x, w, b, convParam);
  checkTensor(fn, 'dout', dout, 4);
  const n = x.shape[0];
  const f = w.shape[0];
  const expected = [n, f, g.outHeight, g.outWidth];
  if (dout.shape.some((d, i) => d !== expected[i])) {
    throw new RangeError(
      `${fn}: dout has shape ${formatShape(dout.shape)} but the forward output had shape ${formatShape(expected)}`,
    );
  }
  const k = g.channels * g.fieldHeight * g.fieldWidth;
  const positions = g.outHeight * g.outWidth;
  const xData = contiguousData(x);
  const wData = contiguousData(w);
  const dData = contiguousData(dout);
  const imageSize = g.channels * g.height * g.width;
  const outImage = f * positions;
  const dx = tensor(x.shape);
  const dw = tensor(w.shape);
  const db = tensor([f]);
  const cols = new Float64Array(k * positions);
  const dcols = new Float64Array(k * positions);
  const backend = activeBackend();
  for (let i = 0; i < n; i++) {
    const d = dData.subarray(i * outImage, (i + 1) * outImage);
    for (let j = 0; j < f; j++) {
      let s = 0;
      const end = (j + 1) * positions;
      for (let p = j * positions; p < end; p++) s += d[p];
      db.data[j] += s;
    }
    backend.im2colImage(xData, i * imageSize, g, cols, 0, positions);
    // dw (F, K) += dout[i] (F, P) @ cols^T (P, K)
    backend.gemm(false, true, f, k, positions, 1, d, cols, 1, dw.data);
    // dcols (K, P) = w^T (K, F) @ dout[i] (F, P)
    backend.gemm(true, false, k, positions, f, 1, wData, d, 0, dcols);
    backend.col2imImage(dcols, 0, positions, g, dx.data, i * imageSize);
  }
  return [dx, dw, db];
}

function checkPoolParam(fn: string, poolParam: unknown): PoolParam {
  if (typeof poolParam !== 'object' || poolParam === null || Array.isArray(poolParam)) {
    throw new TypeError(
      `${fn}: poolParam must be an object {poolHeight, poolWidth, stride}, got ${poolParam === null ? 'null' : typeof poolParam}`,
    );
  }
  checkOptions(fn, 'poolParam', poolParam, ['poolHeight', 'poolWidth', 'stride']);
  const p = poolParam as Record<string, unknown>;
  for (const key of ['poolHeight', 'poolWidth', 'stride']) {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new RangeError(
        `${fn}: poolParam.${key} must be a positive integer, got ${typeof v === 'number' ? v : typeof v}`,
      );
    }
  }
  return poolParam as PoolParam;
}

/**
 * Max pooling forward pass, fast: the maximum of every `poolHeight x poolWidth` window, windows
 * `stride` apart (no padding).
 *
 * @param x (N, C, H, W) input
 * @param poolParam `{poolHeight, poolWidth, stride}`: (H - poolHeight) and (W - poolWidth) must be
 *   multiples of stride
 * @returns `[out (N, C, H', W'), cache]` with H' = 1 + (H - poolHeight) / stride and
 *   W' = 1 + (W - poolWidth) / stride
 */
export function maxPoolForwardFast(x: Tensor, poolParam: PoolParam): [Tensor, MaxPoolFastCache] {
  const fn = 'maxPoolForwardFast';
  checkTensor(fn, 'x', x, 4);
  const param = checkPoolParam(fn, poolParam);
  const { poolHeight: ph, poolWidth: pw, stride } = param;
  const g = windowGeometry(fn, 'x', x.shape, 'the pool', ph, pw, { stride, pad: 0 });
  const [n, c, h, w] = x.shape;
  const planes = n * c;
  const oh = g.outHeight;
  const ow = g.outWidth;
  const out = tensor([n, c, oh, ow]);
  const argmax = new Int32Array(planes * oh * ow);
  const src = contiguousData(x);
  const dst = out.data;
  if (ph === 2 && pw === 2 && stride === 2) {
    maxPool2x2(src, planes, h, w, dst, argmax);
  } else {
    let o = 0;
    for (let p = 0; p < planes; p++) {
      const plane = p * h * w;
      for (let r = 0; r < oh; r++) {
        for (let s = 0; s < ow; s++, o++) {
          const corner = plane + r * stride * w + s * stride;
          let best = src[corner];
          let at = corner;
          for (let i = 0; i < ph; i++) {
            const row = corner + i * w;
            for (let j = 0; j < pw; j++) {
              const v = src[row + j];
              // a NaN wins once and stays (nothing compares greater than NaN)
              if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
                best = v;
                at = row + j;
              }
            }
          }
          dst[o] = best;
          argmax[o] = at;
        }
      }
    }
  }
  return [out, [x.shape.slice(), { poolHeight: ph, poolWidth: pw, stride }, argmax]];
}

/**
 * The 2 x 2, stride 2 case of {@link maxPoolForwardFast}: one pass, two input rows at a time.
 *
 * On random data a compare-and-branch per element mispredicts about half the time, which cost
 * more than the rest of the pass (the notebook's x (100, 3, 32, 32) took 3x longer that way). So
 * the window's maximum is found from comparisons turned into 0 / 1 and added to the index: the
 * first of each row's pair unless the second is greater, then the top pair's winner unless the
 * bottom's is greater, which is the first maximum in reading order. A NaN (found by the window's
 * sum being NaN, as is inf - inf) takes the branching path, where the first NaN wins.
 */
function maxPool2x2(
  src: Float64Array,
  planes: number,
  h: number,
  w: number,
  dst: Float64Array,
  argmax: Int32Array,
): void {
  const oh = h >> 1;
  const ow = w >> 1;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    for (let r = 0; r < oh; r++) {
      let top = p * h * w + 2 * r * w;
      for (let s = 0; s < ow; s++, o++, top += 2) {
        const a = src[top];
        const b = src[top + 1];
        const c = src[top + w];
        const d = src[top + w + 1];
        const sum = a + b + c + d;
        let at: number;
        if (!Number.isNaN(sum)) {
          const right = +(b > a);
          const bottomRight = +(d > c);
          const lower = +(src[top + w + bottomRight] > src[top + right]);
          at = top + right + lower * (w + bottomRight - right);
        } else {
          at = firstMaxWithNaN(src, top, w);
        }
        dst[o] = src[at];
        argmax[o] = at;
      }
    }
  }
}

/** Index of the maximum of the 2 x 2 window at `top` (row length w); the first NaN wins. */
function firstMaxWithNaN(src: Float64Array, top: number, w: number): number {
  let at = top;
  let best = src[top];
  for (const i of [top + 1, top + w, top + w + 1]) {
    const v = src[i];
    if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
      best = v;
      at = i;
    }
  }
  return at;
}

/**
 * Max pooling backward pass, fast: each upstream value goes to the input position that was its
 * window's maximum (summed where overlapping windows share a maximum).
 *
 * @param dout (N, C, H', W') upstream derivative
 * @param cache from {@link maxPoolForwardFast}
 * @returns dx (N, C, H, W)
 */
export function maxPoolBackwardFast(dout: Tensor, cache: MaxPoolFastCache): Tensor {
  const fn = 'maxPoolBackwardFast';
  const [xShape, poolParam, argmax] = checkCache(fn, cache, 3) as MaxPoolFastCache;
  if (!Array.isArray(xShape) || xShape.length !== 4 || !(argmax instanceof Int32Array)) {
    throw new TypeError(
      `${fn}: cache must be the [xShape, poolParam, argmax] returned by maxPoolForwardFast`,
    );
  }
  const { poolHeight, poolWidth, stride } = checkPoolParam(fn, poolParam);
  const g = windowGeometry(fn, 'x', xShape, 'the pool', poolHeight, poolWidth, { stride, pad: 0 });
  checkTensor(fn, 'dout', dout, 4);
  const expected = [xShape[0], xShape[1], g.outHeight, g.outWidth];
  if (dout.shape.some((d, i) => d !== expected[i]) || argmax.length !== dout.size) {
    throw new RangeError(
      `${fn}: dout has shape ${formatShape(dout.shape)} but the forward output had shape ${formatShape(expected)}`,
    );
  }
  const dx = tensor(xShape);
  const d = contiguousData(dout);
  const size = dx.data.length;
  for (let o = 0; o < argmax.length; o++) {
    const at = argmax[o];
    if (at < 0 || at >= size) {
      throw new RangeError(
        `${fn}: cache's argmax ${at} lies outside x of shape ${formatShape(xShape)}`,
      );
    }
    dx.data[at] += d[o];
  }
  return dx;
}
