/**
 * lib/backends/js/index.ts: the plain loops against their definitions on small integer matrices
 * (exact in float64, so the results are compared with toEqual), and jsBackend's argument checks.
 */
import { describe, expect, it } from 'vitest';
import { axpyLoop, dotLoop, gatherLoop, gemmLoops, jsBackend } from '../../../lib/backends/js';

/** (rows, cols) row-major values (i * 7 + j * 5 + seed) % 9 - 4: small integers of both signs. */
function intMatrix(rows: number, cols: number, seed: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[i * cols + j] = ((i * 7 + j * 5 + seed) % 9) - 4;
  return out;
}

/** The transpose of a packed (rows, cols) matrix. */
function transposed(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

describe('gemmLoops', () => {
  const [m, n, k] = [3, 4, 5];
  const A = intMatrix(m, k, 1);
  const B = intMatrix(k, n, 2);
  const C0 = intMatrix(m, n, 3);
  /** alpha A B + beta C0 by the definition. */
  function expected(alpha: number, beta: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[i * k + p]! * B[p * n + j]!;
        out.push(alpha * s + beta * C0[i * n + j]!);
      }
    }
    return out;
  }

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('computes alpha op(A) op(B) + beta C with transA %s, transB %s', (transA, transB) => {
    const a = transA ? transposed(A, m, k) : A;
    const b = transB ? transposed(B, k, n) : B;
    const c = C0.slice();
    gemmLoops(transA, transB, m, n, k, 2, a, b, -3, c);
    expect(Array.from(c)).toEqual(expected(2, -3));
  });

  it('overwrites C when beta is 0, even where C held NaN', () => {
    const c = new Float64Array(m * n).fill(Number.NaN);
    gemmLoops(false, false, m, n, k, 1, A, B, 0, c);
    expect(Array.from(c)).toEqual(expected(1, 0));
  });

  it('touches only the first m n numbers of a longer C', () => {
    const c = new Float64Array(m * n + 2).fill(5);
    gemmLoops(false, true, m, n, k, 1, A, transposed(B, k, n), 0, c);
    expect(Array.from(c.subarray(m * n))).toEqual([5, 5]);
  });
});

describe('axpyLoop, dotLoop and gatherLoop', () => {
  it('add alpha x to y in place and sum x y', () => {
    const x = Float64Array.of(1, -2, 3);
    const y = Float64Array.of(10, 20, 30);
    axpyLoop(-2, x, y);
    expect(Array.from(y)).toEqual([8, 24, 24]);
    expect(dotLoop(x, y)).toBe(8 - 48 + 72);
  });

  it('copies the listed rows, repeats included, in order', () => {
    const src = Float64Array.of(0, 1, 10, 11, 20, 21);
    const dst = new Float64Array(8).fill(-1);
    gatherLoop(src, 2, Int32Array.of(2, 0, 2), dst);
    expect(Array.from(dst)).toEqual([20, 21, 0, 1, 20, 21, -1, -1]);
  });
});

describe('jsBackend', () => {
  it('is named js and gives what its loops give', () => {
    expect(jsBackend.name).toBe('js');
    const c = new Float64Array(4);
    jsBackend.gemm(false, false, 2, 2, 1, 1, Float64Array.of(1, 2), Float64Array.of(3, 4), 0, c);
    expect(Array.from(c)).toEqual([3, 4, 6, 8]);
    expect(jsBackend.dot(Float64Array.of(1, 2), Float64Array.of(3, 4))).toBe(11);
  });

  it('checks its arguments before running the loops', () => {
    const c = Float64Array.of(7, 7, 7);
    expect(() =>
      jsBackend.gemm(false, false, 2, 2, 1, 1, Float64Array.of(1, 2), Float64Array.of(3, 4), 0, c),
    ).toThrow('js gemm: c has 3 elements but C of shape (2, 2) needs 4');
    expect(Array.from(c)).toEqual([7, 7, 7]);
    expect(() => jsBackend.axpy(1, new Float64Array(2), new Float64Array(3))).toThrow(
      'js axpy: x and y must have the same length, got 2 and 3',
    );
    expect(() =>
      jsBackend.gatherRows(new Float64Array(4), 2, Int32Array.of(2), new Float64Array(2)),
    ).toThrow('js gatherRows: rows[0] = 2 is outside [0, 2)');
  });
});
