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
 * The per-image kernels are the compute backend's `im2colImage` and `col2imImage` (C in the blas
 * addon, JavaScript loops in lib/kernels/js/im2col.ts otherwise), which the fast layers
 * (`lib/fastLayers.ts`) call; {@link im2col} and {@link col2im} are the checked whole-batch forms.
 */
import { checkOptions } from './core/options';
import { checkTensor, contiguousData, formatShape, type Tensor, tensor } from './core/tensor';
import { activeBackend, type WindowGeometry } from './kernels';

export type { WindowGeometry } from './kernels';

/** Stride and zero padding of a sliding window, as the course's `conv_param`. */
export interface WindowParam {
  /** step between neighbouring windows, a positive integer */
  stride: number;
  /** zeros added on each side of the height and width, a non-negative integer */
  pad: number;
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
  const backend = activeBackend();
  for (let i = 0; i < n; i++) {
    backend.im2colImage(data, i * imageSize, g, cols.data, i * positions, n * positions);
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
  const backend = activeBackend();
  for (let i = 0; i < n; i++) {
    backend.col2imImage(data, i * positions, n * positions, g, dx.data, i * imageSize);
  }
  return dx;
}
