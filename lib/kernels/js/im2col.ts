/**
 * im2col and col2im of one image as plain JavaScript loops: the js and wasm backends' kernels, and
 * the blas backend's when its addon predates its C ones. lib/im2col.ts describes the layout.
 */
import type { WindowGeometry } from '../types';

/**
 * The first and one-past-last output column `ow` whose input column `ow * stride + j - pad` lies
 * inside [0, size): outside that range the window reads padding.
 */
function insideRange(j: number, stride: number, pad: number, size: number, outSize: number) {
  // ow * stride >= pad - j
  const lo = Math.min(outSize, Math.max(0, Math.ceil((pad - j) / stride)));
  // ow * stride + j - pad <= size - 1
  const hi = Math.max(lo, Math.min(outSize, Math.floor((size - 1 + pad - j) / stride) + 1));
  return [lo, hi] as const;
}

/**
 * One image's columns: writes the (C * HH * WW, H' * W') block of `x[n]` into `cols`.
 *
 * @param x the batch's packed (N, C, H, W) data
 * @param xOffset where image n starts in `x` (n * C * H * W)
 * @param g the window geometry (lib/im2col.ts windowGeometry)
 * @param cols written from `colsOffset`, row stride `colsRowStride` (H' * W' for one image alone)
 */
export function im2colLoop(
  x: Float64Array,
  xOffset: number,
  g: WindowGeometry,
  cols: Float64Array,
  colsOffset: number,
  colsRowStride: number,
): void {
  const { channels, height, width, fieldHeight, fieldWidth, stride, pad, outHeight, outWidth } = g;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const plane = xOffset + c * height * width;
    for (let i = 0; i < fieldHeight; i++) {
      for (let j = 0; j < fieldWidth; j++, row++) {
        const [lo, hi] = insideRange(j, stride, pad, width, outWidth);
        const rowStart = colsOffset + row * colsRowStride;
        for (let oh = 0; oh < outHeight; oh++) {
          const dst = rowStart + oh * outWidth;
          const ih = oh * stride + i - pad;
          if (ih < 0 || ih >= height) {
            cols.fill(0, dst, dst + outWidth);
            continue;
          }
          for (let ow = 0; ow < lo; ow++) cols[dst + ow] = 0;
          let src = plane + ih * width + lo * stride + j - pad;
          if (stride === 1) {
            for (let ow = lo; ow < hi; ow++) cols[dst + ow] = x[src++];
          } else {
            for (let ow = lo; ow < hi; ow++, src += stride) cols[dst + ow] = x[src];
          }
          for (let ow = hi; ow < outWidth; ow++) cols[dst + ow] = 0;
        }
      }
    }
  }
}

/**
 * One image's col2im: adds every column entry of the (C * HH * WW, H' * W') block back onto the
 * input position it was read from (entries read from the padding are dropped). The adjoint of
 * {@link im2colLoop}.
 *
 * @param cols read from `colsOffset`, row stride `colsRowStride`
 * @param g the window geometry (lib/im2col.ts windowGeometry)
 * @param dx the batch's packed (N, C, H, W) data, added to from `dxOffset` (zero it first for a
 *   plain col2im)
 */
export function col2imLoop(
  cols: Float64Array,
  colsOffset: number,
  colsRowStride: number,
  g: WindowGeometry,
  dx: Float64Array,
  dxOffset: number,
): void {
  const { channels, height, width, fieldHeight, fieldWidth, stride, pad, outHeight, outWidth } = g;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const plane = dxOffset + c * height * width;
    for (let i = 0; i < fieldHeight; i++) {
      for (let j = 0; j < fieldWidth; j++, row++) {
        const [lo, hi] = insideRange(j, stride, pad, width, outWidth);
        const rowStart = colsOffset + row * colsRowStride;
        for (let oh = 0; oh < outHeight; oh++) {
          const ih = oh * stride + i - pad;
          if (ih < 0 || ih >= height) continue;
          let src = rowStart + oh * outWidth + lo;
          let dst = plane + ih * width + lo * stride + j - pad;
          if (stride === 1) {
            for (let ow = lo; ow < hi; ow++) dx[dst++] += cols[src++];
          } else {
            for (let ow = lo; ow < hi; ow++, dst += stride) dx[dst] += cols[src++];
          }
        }
      }
    }
  }
}
