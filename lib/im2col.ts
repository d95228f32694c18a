/**
 * im2col and col2im, as the course's im2col.py: the rearrangement that turns a convolution into one
 * matrix product. Every receptive field of the (zero-padded) input becomes a column, so that a
 * filter bank `w` reshaped to (F, C * HH * WW) times the columns gives every output at once.
 *
 * Layout used here (it differs from the course's, which orders columns position-major): for an
 * input `x` of shape (N, C, H, W) and a field HH x WW, the column matrix has shape
 * (C * HH * WW, N * H' * W'), row `(c * HH + i) * WW + j`, column `n * H' * W' + oh * W' + ow`, and
 * holds `x[n, c, oh * stride + i - pad, ow * stride + j - pad]` (0 outside the input). So each
 * image's columns are one contiguous (K, H' * W') block per row range, and a product with one
 * image's block lands directly in that image's (F, H', W') output.
 *
 * The per-image kernels {@link im2colImage} and {@link col2imImage} are what the fast layers
 * (`lib/fastLayers.ts`) call; {@link im2col} and {@link col2im} are the checked whole-batch forms.
 */
import { checkOptions } from './core/options';
import { checkTensor, contiguousData, formatShape, type Tensor, tensor } from './core/tensor';

/** Stride and zero padding of a sliding window, as the course's `conv_param`. */
export interface WindowParam {
  /** step between neighbouring windows, a positive integer */
  stride: number;
  /** zeros added on each side of the height and width, a non-negative integer */
  pad: number;
}

/** The geometry of one sliding-window pass: input, field and output sizes. */
export interface WindowGeometry {
  channels: number;
  height: number;
  width: number;
  fieldHeight: number;
  fieldWidth: number;
  stride: number;
  pad: number;
  outHeight: number;
  outWidth: number;
}

function describe(v: unknown): string {
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? `'${v}'` : typeof v;
}

/**
 * Checks `{stride, pad}` and returns them.
 * @param fn the public function (named in the message)
 * @param what the argument's name, e.g. `convParam`
 * @throws TypeError / RangeError naming `fn`, the setting and its value
 */
export function checkWindowParam(fn: string, what: string, param: unknown): WindowParam {
  if (typeof param !== 'object' || param === null || Array.isArray(param)) {
    throw new TypeError(`${fn}: ${what} must be an object {stride, pad}, got ${describe(param)}`);
  }
  checkOptions(fn, what, param, ['stride', 'pad']);
  const { stride, pad } = param as Partial<WindowParam>;
  if (typeof stride !== 'number' || !Number.isInteger(stride) || stride < 1) {
    throw new RangeError(
      `${fn}: ${what}.stride must be a positive integer, got ${describe(stride)}`,
    );
  }
  if (typeof pad !== 'number' || !Number.isInteger(pad) || pad < 0) {
    throw new RangeError(`${fn}: ${what}.pad must be a non-negative integer, got ${describe(pad)}`);
  }
  return { stride, pad };
}

/**
 * The output size of a window of `fieldHeight x fieldWidth` sliding over the padded input, after
 * checking that the field fits and that the stride tiles the padded input exactly (as the course's
 * asserts: `(H + 2 pad - HH) % stride == 0`).
 *
 * @param fn the public function (named in the message)
 * @param xName the input's name, e.g. `x`
 * @param xShape (N, C, H, W)
 * @param fieldName what the field is, e.g. `w of shape (F, C, HH, WW)` or `pool`
 * @throws RangeError naming `fn`, the sizes and the setting that does not fit
 */
export function windowGeometry(
  fn: string,
  xName: string,
  xShape: readonly number[],
  fieldName: string,
  fieldHeight: number,
  fieldWidth: number,
  { stride, pad }: WindowParam,
): WindowGeometry {
  const [, channels, height, width] = xShape;
  const paddedH = height + 2 * pad;
  const paddedW = width + 2 * pad;
  const padded = pad > 0 ? ` padded by ${pad} to (${paddedH}, ${paddedW})` : '';
  if (fieldHeight > paddedH || fieldWidth > paddedW) {
    throw new RangeError(
      `${fn}: ${fieldName} (${fieldHeight} x ${fieldWidth}) is larger than ${xName} of shape ${formatShape(xShape)}${padded}`,
    );
  }
  if ((paddedH - fieldHeight) % stride !== 0 || (paddedW - fieldWidth) % stride !== 0) {
    throw new RangeError(
      `${fn}: stride ${stride} does not tile ${xName} of shape ${formatShape(xShape)}${padded} with ${fieldName} (${fieldHeight} x ${fieldWidth}): need (H + 2 pad - ${fieldHeight}) and (W + 2 pad - ${fieldWidth}) divisible by ${stride}, got ${paddedH - fieldHeight} and ${paddedW - fieldWidth}`,
    );
  }
  return {
    channels,
    height,
    width,
    fieldHeight,
    fieldWidth,
    stride,
    pad,
    outHeight: (paddedH - fieldHeight) / stride + 1,
    outWidth: (paddedW - fieldWidth) / stride + 1,
  };
}

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
 * @param g the geometry from {@link windowGeometry}
 * @param cols written from `colsOffset`, row stride `colsRowStride` (H' * W' for one image alone)
 */
export function im2colImage(
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
 * {@link im2colImage}.
 *
 * @param cols read from `colsOffset`, row stride `colsRowStride`
 * @param g the geometry from {@link windowGeometry}
 * @param dx the batch's packed (N, C, H, W) data, added to from `dxOffset` (zero it first for a
 *   plain col2im)
 */
export function col2imImage(
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

function checkField(fn: string, fieldHeight: unknown, fieldWidth: unknown): void {
  for (const [name, v] of [
    ['fieldHeight', fieldHeight],
    ['fieldWidth', fieldWidth],
  ] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new RangeError(`${fn}: ${name} must be a positive integer, got ${describe(v)}`);
    }
  }
}

/**
 * The column matrix of a batch: every `fieldHeight x fieldWidth` window of the zero-padded input
 * as a column.
 *
 * @param x (N, C, H, W)
 * @param fieldHeight window height HH
 * @param fieldWidth window width WW
 * @param param `{stride, pad}`
 * @returns cols (C * HH * WW, N * H' * W'), column `n * H' * W' + oh * W' + ow`, with
 *   H' = (H + 2 pad - HH) / stride + 1 and W' likewise
 */
export function im2col(
  x: Tensor,
  fieldHeight: number,
  fieldWidth: number,
  param: WindowParam,
): Tensor {
  checkTensor('im2col', 'x', x, 4);
  checkField('im2col', fieldHeight, fieldWidth);
  const p = checkWindowParam('im2col', 'param', param);
  const g = windowGeometry('im2col', 'x', x.shape, 'the field', fieldHeight, fieldWidth, p);
  const n = x.shape[0];
  const k = g.channels * fieldHeight * fieldWidth;
  const positions = g.outHeight * g.outWidth;
  const cols = tensor([k, n * positions]);
  const data = contiguousData(x);
  const imageSize = g.channels * g.height * g.width;
  for (let i = 0; i < n; i++) {
    im2colImage(data, i * imageSize, g, cols.data, i * positions, n * positions);
  }
  return cols;
}

/**
 * The adjoint of {@link im2col}: sums every column entry back onto the input position it came
 * from (a position covered by several windows gets the sum; padding is dropped).
 *
 * @param cols (C * HH * WW, N * H' * W') in {@link im2col}'s layout
 * @param xShape (N, C, H, W), the shape of the input the columns were taken from
 * @param fieldHeight window height HH
 * @param fieldWidth window width WW
 * @param param `{stride, pad}`
 * @returns (N, C, H, W)
 */
export function col2im(
  cols: Tensor,
  xShape: readonly number[],
  fieldHeight: number,
  fieldWidth: number,
  param: WindowParam,
): Tensor {
  checkTensor('col2im', 'cols', cols, 2);
  if (
    !Array.isArray(xShape) ||
    xShape.length !== 4 ||
    xShape.some((d) => !Number.isInteger(d) || d < 0)
  ) {
    throw new RangeError(
      `col2im: xShape must be four non-negative integers (N, C, H, W), got ${Array.isArray(xShape) ? formatShape(xShape) : describe(xShape)}`,
    );
  }
  checkField('col2im', fieldHeight, fieldWidth);
  const p = checkWindowParam('col2im', 'param', param);
  const g = windowGeometry('col2im', 'xShape', xShape, 'the field', fieldHeight, fieldWidth, p);
  const n = xShape[0];
  const k = g.channels * fieldHeight * fieldWidth;
  const positions = g.outHeight * g.outWidth;
  if (cols.shape[0] !== k || cols.shape[1] !== n * positions) {
    throw new RangeError(
      `col2im: cols has shape ${formatShape(cols.shape)} but xShape ${formatShape(xShape)} with a ${fieldHeight} x ${fieldWidth} field, stride ${p.stride}, pad ${p.pad} makes columns of shape (${k}, ${n * positions})`,
    );
  }
  const dx = tensor(xShape);
  const data = contiguousData(cols);
  const imageSize = g.channels * g.height * g.width;
  for (let i = 0; i < n; i++) {
    col2imImage(data, i * positions, n * positions, g, dx.data, i * imageSize);
  }
  return dx;
}
