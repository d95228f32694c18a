/**
 * The plain JavaScript backend: the reference every other backend is tested against.
 * Loops are ordered so the innermost one walks memory contiguously.
 */
import { checkGatherArgs, checkGemmArgs, checkVectorArgs, checkWindowArgs } from '../checks';
import type { BackendName, ComputeBackend } from '../types';
import { col2imLoop, im2colLoop } from './im2col';

export { col2imLoop, im2colLoop } from './im2col';

/** The loops behind {@link jsBackend}, without the argument checks (callers check first). */
export function gemmLoops(
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
): void {
  const size = m * n;
  if (beta === 0) c.fill(0, 0, size);
  else if (beta !== 1) for (let i = 0; i < size; i++) c[i] *= beta;
  if (!transB) {
    // C[i, :] += alpha * A[i, p] * B[p, :]
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const aip = alpha * (transA ? a[p * m + i] : a[i * k + p]);
        if (aip === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      }
    }
  } else {
    // C[i, j] += alpha * dot(A[i, :], B^T[j, :])
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        if (transA) for (let p = 0; p < k; p++) s += a[p * m + i] * b[bj + p];
        else {
          const ai = i * k;
          for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
        }
        c[ci + j] += alpha * s;
      }
    }
  }
}

/** `y += alpha * x` without the argument checks. */
export function axpyLoop(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += alpha * x[i];
}

/** `sum(x * y)` without the argument checks. */
export function dotLoop(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** `dst[i, :] = src[rows[i], :]` without the argument checks (a copy per row). */
export function gatherLoop(
  src: Float64Array,
  rowSize: number,
  rows: Int32Array,
  dst: Float64Array,
): void {
  for (let i = 0; i < rows.length; i++) {
    const from = rows[i] * rowSize;
    dst.set(src.subarray(from, from + rowSize), i * rowSize);
  }
}

/**
 * The memory-bound operations as plain loops behind `backend`'s argument checks (the js backend's,
 * and the wasm backend's too: a copy into wasm memory would cost as much as the loop).
 */
export function checkedLoops(
  backend: BackendName,
): Pick<ComputeBackend, 'axpy' | 'dot' | 'gatherRows' | 'im2colImage' | 'col2imImage'> {
  return {
    axpy(...args) {
      checkVectorArgs(backend, 'axpy', args);
      axpyLoop(...args);
    },
    dot(...args) {
      checkVectorArgs(backend, 'dot', args);
      return dotLoop(...args);
    },
    gatherRows(...args) {
      checkGatherArgs(backend, args);
      gatherLoop(...args);
    },
    im2colImage(x, xOffset, g, cols, colsOffset, colsRowStride) {
      checkWindowArgs(backend, 'im2colImage', x, xOffset, g, cols, colsOffset, colsRowStride);
      im2colLoop(x, xOffset, g, cols, colsOffset, colsRowStride);
    },
    col2imImage(cols, colsOffset, colsRowStride, g, dx, dxOffset) {
      checkWindowArgs(backend, 'col2imImage', dx, dxOffset, g, cols, colsOffset, colsRowStride);
      col2imLoop(cols, colsOffset, colsRowStride, g, dx, dxOffset);
    },
  };
}

/** The reference backend, always available. Every call checks its arguments first. */
export const jsBackend: ComputeBackend = {
  name: 'js',
  detail: 'plain JavaScript loops, one thread',
  gemm(...args) {
    checkGemmArgs('js', args);
    gemmLoops(...args);
  },
  ...checkedLoops('js'),
};
