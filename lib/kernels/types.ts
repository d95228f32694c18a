/**
 * The one interface every compute backend implements. Layers never call a backend directly: they
 * call {@link matmul} in `lib/kernels/index.ts`, which checks shapes and dispatches here (as
 * `takeRows` in `lib/core/numpy.ts` does for its row copies).
 */

/** Names of the available backends, fastest first. */
export type BackendName = 'blas' | 'wasm' | 'js';

/**
 * The geometry of one sliding-window pass (convolution or pooling) over (N, C, H, W) images: a
 * `fieldHeight x fieldWidth` window, `stride` apart, over the input padded by `pad` zeros, giving
 * (outHeight, outWidth) positions. lib/im2col.ts's windowGeometry makes and checks it.
 */
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

/** A compute backend: float64 matrix multiply, vector kernels and a row gather over packed buffers. */
export interface ComputeBackend {
  readonly name: BackendName;
  /** One line on what runs underneath (library, threads, SIMD). */
  readonly detail: string;
  /**
   * General matrix multiply, row-major: `C = alpha * op(A) @ op(B) + beta * C`.
   *
   * @param transA if true, `a` holds A^T with shape (K, M); else A with shape (M, K)
   * @param transB if true, `b` holds B^T with shape (N, K); else B with shape (K, N)
   * @param m rows of op(A) and C
   * @param n columns of op(B) and C
   * @param k columns of op(A) = rows of op(B)
   * @param c (M, N), read when `beta != 0`, always written
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float64Array,
    b: Float64Array,
    beta: number,
    c: Float64Array,
  ): void;
  /**
   * `y += alpha * x`, in place (BLAS axpy).
   * @param x (n,)
   * @param y (n,), same length as x
   */
  axpy(alpha: number, x: Float64Array, y: Float64Array): void;
  /**
   * Dot product `sum(x * y)` (BLAS dot).
   * @param x (n,)
   * @param y (n,), same length as x
   */
  dot(x: Float64Array, y: Float64Array): number;
  /**
   * Row gather `dst[i, :] = src[rows[i], :]`, like numpy's `X[rows]` on a packed buffer: the
   * minibatch copy of every training step (memory-bound).
   * @param src (R, rowSize), R = src.length / rowSize rounded down
   * @param rowSize elements per row
   * @param rows (B,) row indices in [0, R)
   * @param dst (B, rowSize) or longer, written
   */
  gatherRows(src: Float64Array, rowSize: number, rows: Int32Array, dst: Float64Array): void;
  /**
   * One image's columns (lib/im2col.ts describes the layout): row `(c * HH + i) * WW + j`, column
   * `oh * W' + ow` of the block starting at `colsOffset` (rows `colsRowStride` apart) gets
   * `x[c, oh * stride + i - pad, ow * stride + j - pad]` of the image starting at `xOffset`, 0 in
   * the padding.
   * @param x packed (N, C, H, W), read from `xOffset` for C * H * W numbers
   * @param cols written: C * HH * WW rows of H' * W' numbers
   */
  im2colImage(
    x: Float64Array,
    xOffset: number,
    g: WindowGeometry,
    cols: Float64Array,
    colsOffset: number,
    colsRowStride: number,
  ): void;
  /**
   * The adjoint of {@link im2colImage}: adds each column entry onto the image position it was read
   * from (entries of the padding are dropped).
   * @param cols read: C * HH * WW rows of H' * W' numbers from `colsOffset`, `colsRowStride` apart
   * @param dx packed (N, C, H, W), added to from `dxOffset`
   */
  col2imImage(
    cols: Float64Array,
    colsOffset: number,
    colsRowStride: number,
    g: WindowGeometry,
    dx: Float64Array,
    dxOffset: number,
  ): void;
}
