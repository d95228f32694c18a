/**
 * The argument checks of the low-level kernel interface ({@link ComputeBackend}'s gemm, axpy, dot
 * and gatherRows), shared by every backend so each refuses the same calls with the same message.
 * They mirror the blas addon's own checks in blas.c (which stay there as the last guard before C):
 * dimensions are integers in [0, 2^31 - 1], buffers are Float64Arrays long enough for their
 * matrices, scalars are numbers, row indices lie inside their source. Each check but the gather's
 * (one pass over its row indices) is O(1): a call with huge dimensions fails at once instead of
 * looping.
 */
import type { BackendName } from './types';

/** The largest dimension a kernel accepts (as the blas addon: a 32-bit signed int). */
export const MAX_DIM = 2147483647;

/**
 * Checks the arguments of `gemm(transA, transB, m, n, k, alpha, a, b, beta, c)`.
 * @throws TypeError / RangeError `<backend> gemm: ...` naming the argument and the sizes
 */
export function checkGemmArgs(
  backend: BackendName,
  args: readonly unknown[],
): asserts args is [
  boolean,
  boolean,
  number,
  number,
  number,
  number,
  Float64Array,
  Float64Array,
  number,
  Float64Array,
] {
  const fn = `${backend} gemm`;
  if (args.length !== 10) {
    throw new TypeError(
      `${fn}: expected 10 arguments (transA, transB, m, n, k, alpha, a, b, beta, c), got ${args.length}`,
    );
  }
  const [transA, transB, m, n, k, alpha, a, b, beta, c] = args;
  checkBoolean(fn, 'transA', transA);
  checkBoolean(fn, 'transB', transB);
  checkDim(fn, 'm', m);
  checkDim(fn, 'n', n);
  checkDim(fn, 'k', k);
  checkNumber(fn, 'alpha', alpha);
  checkNumber(fn, 'beta', beta);
  checkBuffer(fn, 'a', a);
  checkBuffer(fn, 'b', b);
  checkBuffer(fn, 'c', c);
  const [am, ak] = transA ? [k, m] : [m, k];
  const [bk, bn] = transB ? [n, k] : [k, n];
  checkLength(fn, 'a', a, `${transA ? 'A^T' : 'A'} of shape (${am}, ${ak})`, am * ak);
  checkLength(fn, 'b', b, `${transB ? 'B^T' : 'B'} of shape (${bk}, ${bn})`, bk * bn);
  checkLength(fn, 'c', c, `C of shape (${m}, ${n})`, m * n);
}

/**
 * Checks the arguments of `axpy(alpha, x, y)` or `dot(x, y)`: Float64Arrays of the same length.
 * @throws TypeError / RangeError `<backend> axpy: ...` naming the argument and the lengths
 */
export function checkVectorArgs(
  backend: BackendName,
  op: 'axpy' | 'dot',
  args: readonly unknown[],
): void {
  const fn = `${backend} ${op}`;
  const want = op === 'axpy' ? 3 : 2;
  if (args.length !== want) {
    throw new TypeError(
      `${fn}: expected ${want} arguments (${op === 'axpy' ? 'alpha, x, y' : 'x, y'}), got ${args.length}`,
    );
  }
  if (op === 'axpy') checkNumber(fn, 'alpha', args[0]);
  const [x, y] = op === 'axpy' ? [args[1], args[2]] : [args[0], args[1]];
  checkBuffer(fn, 'x', x);
  checkBuffer(fn, 'y', y);
  if (x.length !== y.length) {
    throw new RangeError(
      `${fn}: x and y must have the same length, got ${x.length} and ${y.length}`,
    );
  }
  if (x.length > MAX_DIM) {
    throw new RangeError(`${fn}: x has ${x.length} elements, more than ${MAX_DIM}`);
  }
}

/**
 * Checks the arguments of `gatherRows(src, rowSize, rows, dst)`: an Int32Array of row indices
 * inside src, and a dst long enough for the gathered rows. O(rows).
 * @throws TypeError / RangeError `<backend> gatherRows: ...` naming the argument, the index and the sizes
 */
export function checkGatherArgs(
  backend: BackendName,
  args: readonly unknown[],
): asserts args is [Float64Array, number, Int32Array, Float64Array] {
  const fn = `${backend} gatherRows`;
  if (args.length !== 4) {
    throw new TypeError(
      `${fn}: expected 4 arguments (src, rowSize, rows, dst), got ${args.length}`,
    );
  }
  const [src, rowSize, rows, dst] = args;
  checkBuffer(fn, 'src', src);
  if (
    typeof rowSize !== 'number' ||
    !Number.isInteger(rowSize) ||
    rowSize < 0 ||
    rowSize > MAX_DIM
  ) {
    throw new RangeError(
      `${fn}: rowSize must be an integer in [0, ${MAX_DIM}], got ${show(rowSize)}`,
    );
  }
  if (!(rows instanceof Int32Array)) {
    throw new TypeError(`${fn}: rows must be an Int32Array, got ${show(rows)}`);
  }
  checkBuffer(fn, 'dst', dst);
  const srcRows = rowSize === 0 ? 0 : Math.floor(src.length / rowSize);
  for (let i = 0; i < rows.length; i++) {
    if (rowSize > 0 && (rows[i] < 0 || rows[i] >= srcRows)) {
      throw new RangeError(
        `${fn}: rows[${i}] = ${rows[i]} is outside [0, ${srcRows}) (src holds ${srcRows} rows of ${rowSize})`,
      );
    }
  }
  checkLength(fn, 'dst', dst, `${rows.length} rows of ${rowSize}`, rows.length * rowSize);
}

function checkBoolean(fn: string, name: string, v: unknown): asserts v is boolean {
  if (typeof v !== 'boolean')
    throw new TypeError(`${fn}: ${name} must be a boolean, got ${show(v)}`);
}

function checkDim(fn: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_DIM) {
    throw new RangeError(
      `${fn}: ${name} must be an integer in [0, ${MAX_DIM}] (m, n, k are non-negative 32-bit integers), got ${show(v)}`,
    );
  }
}

function checkNumber(fn: string, name: string, v: unknown): void {
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${name} must be a number, got ${show(v)}`);
}

function checkBuffer(fn: string, name: string, v: unknown): asserts v is Float64Array {
  if (!(v instanceof Float64Array)) {
    throw new TypeError(`${fn}: ${name} must be a Float64Array, got ${show(v)}`);
  }
}

function checkLength(fn: string, name: string, v: Float64Array, what: string, need: number): void {
  if (v.length < need) {
    throw new RangeError(
      `${fn}: ${name} has ${v.length} elements but ${what} needs ${need} (the buffer is shorter than its matrix)`,
    );
  }
}

function show(v: unknown): string {
  if (v === null) return 'null';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${(v as Uint8Array).length}`;
  if (Array.isArray(v)) return `a plain array of length ${v.length}`;
  if (typeof v === 'object') return `an object (${v.constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}

/**
 * Checks the arguments of `im2colImage(x, xOffset, g, cols, colsOffset, colsRowStride)` and of
 * `col2imImage(cols, colsOffset, colsRowStride, g, dx, dxOffset)` (given here in im2colImage's
 * order): a consistent geometry of non-negative 32-bit integers, and buffers long enough for the
 * image and for the column block. O(1).
 * @throws TypeError / RangeError `<backend> <fn>: ...` naming the argument and the sizes
 */
export function checkWindowArgs(
  backend: BackendName,
  fn: 'im2colImage' | 'col2imImage',
  image: unknown,
  imageOffset: unknown,
  g: unknown,
  cols: unknown,
  colsOffset: unknown,
  colsRowStride: unknown,
): void {
  const name = `${backend} ${fn}`;
  const imageArg = fn === 'im2colImage' ? 'x' : 'dx';
  for (const [arg, v] of [
    [imageArg, image],
    ['cols', cols],
  ] as const) {
    if (!(v instanceof Float64Array)) throw new TypeError(`${name}: ${arg} must be a Float64Array`);
  }
  const dims = (arg: string, v: unknown, min: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > MAX_DIM) {
      throw new RangeError(
        `${name}: ${arg} must be an integer in [${min}, ${MAX_DIM}], got ${String(v)}`,
      );
    }
    return v;
  };
  if (typeof g !== 'object' || g === null)
    throw new TypeError(`${name}: g must be a window geometry`);
  const w = g as Record<string, unknown>;
  const [c, h, wd, fh, fw, s, p, oh, ow] = [
    dims('g.channels', w.channels, 0),
    dims('g.height', w.height, 0),
    dims('g.width', w.width, 0),
    dims('g.fieldHeight', w.fieldHeight, 1),
    dims('g.fieldWidth', w.fieldWidth, 1),
    dims('g.stride', w.stride, 1),
    dims('g.pad', w.pad, 0),
    dims('g.outHeight', w.outHeight, 0),
    dims('g.outWidth', w.outWidth, 0),
  ];
  if ((h + 2 * p - fh) / s + 1 !== oh || (wd + 2 * p - fw) / s + 1 !== ow) {
    throw new RangeError(
      `${name}: g is inconsistent: (${h} + 2 * ${p} - ${fh}) / ${s} + 1 and (${wd} + 2 * ${p} - ${fw}) / ${s} + 1 must equal outHeight ${oh} and outWidth ${ow}`,
    );
  }
  const io = dims(`${imageArg}Offset`, imageOffset, 0);
  const co = dims('colsOffset', colsOffset, 0);
  const positions = oh * ow;
  const stride = dims('colsRowStride', colsRowStride, positions);
  const imageLen = (image as Float64Array).length;
  if (io + c * h * wd > imageLen) {
    throw new RangeError(
      `${name}: ${imageArg} has ${imageLen} numbers, too few for an image of (${c}, ${h}, ${wd}) at offset ${io}`,
    );
  }
  const rows = c * fh * fw;
  const colsLen = (cols as Float64Array).length;
  if (rows > 0 && positions > 0 && co + (rows - 1) * stride + positions > colsLen) {
    throw new RangeError(
      `${name}: cols has ${colsLen} numbers, too few for ${rows} rows of ${positions} at offset ${co}, ${stride} apart`,
    );
  }
}
