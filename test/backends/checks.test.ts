/**
 * lib/backends/checks.ts called directly: calls that fit their buffers pass, and each kind of bad
 * argument is refused with the backend, the operation, the argument and the sizes in the message.
 */
import { describe, expect, it } from 'vitest';
import {
  checkGatherArgs,
  checkGemmArgs,
  checkVectorArgs,
  checkWindowArgs,
  MAX_DIM,
} from '../../lib/backends/checks';
import type { WindowGeometry } from '../../lib/backends/types';

const f64 = (n: number) => new Float64Array(n);

describe('checkGemmArgs', () => {
  it('accepts buffers exactly as long as their matrices, transposed or not', () => {
    // op(A) (2, 3), op(B) (3, 4), C (2, 4)
    expect(() =>
      checkGemmArgs('js', [false, false, 2, 4, 3, 1, f64(6), f64(12), 0, f64(8)]),
    ).not.toThrow();
    expect(() =>
      checkGemmArgs('js', [true, true, 2, 4, 3, 1, f64(6), f64(12), 0, f64(8)]),
    ).not.toThrow();
    expect(() =>
      checkGemmArgs('js', [false, false, 0, 0, 0, 1, f64(0), f64(0), 0, f64(0)]),
    ).not.toThrow();
  });

  it('names the short buffer with the shape it should hold', () => {
    expect(() =>
      checkGemmArgs('wasm', [true, false, 2, 4, 3, 1, f64(5), f64(12), 0, f64(8)]),
    ).toThrow(
      'wasm gemm: a has 5 elements but A^T of shape (3, 2) needs 6 (the buffer is shorter than its matrix)',
    );
    expect(() =>
      checkGemmArgs('js', [false, true, 2, 4, 3, 1, f64(6), f64(12), 0, f64(7)]),
    ).toThrow('js gemm: c has 7 elements but C of shape (2, 4) needs 8');
  });

  it('refuses wrong counts, kinds and dimensions', () => {
    expect(() => checkGemmArgs('js', [false, false, 1])).toThrow(
      'js gemm: expected 10 arguments (transA, transB, m, n, k, alpha, a, b, beta, c), got 3',
    );
    expect(() => checkGemmArgs('js', [0, false, 1, 1, 1, 1, f64(1), f64(1), 0, f64(1)])).toThrow(
      'js gemm: transA must be a boolean, got number 0',
    );
    expect(() =>
      checkGemmArgs('js', [false, false, 1.5, 1, 1, 1, f64(2), f64(1), 0, f64(2)]),
    ).toThrow(/js gemm: m must be an integer in \[0, 2147483647\].*got number 1.5/);
    expect(() =>
      checkGemmArgs('js', [false, false, MAX_DIM + 1, 1, 1, 1, f64(1), f64(1), 0, f64(1)]),
    ).toThrow(/js gemm: m must be an integer/);
    expect(() =>
      checkGemmArgs('js', [false, false, 1, 1, 1, '2', f64(1), f64(1), 0, f64(1)]),
    ).toThrow('js gemm: alpha must be a number, got string 2');
    expect(() => checkGemmArgs('js', [false, false, 1, 1, 1, 1, [0], f64(1), 0, f64(1)])).toThrow(
      'js gemm: a must be a Float64Array, got a plain array of length 1',
    );
    expect(() =>
      checkGemmArgs('js', [false, false, 1, 1, 1, 1, f64(1), new Float32Array(1), 0, f64(1)]),
    ).toThrow('js gemm: b must be a Float64Array, got a Float32Array of length 1');
  });
});

describe('checkVectorArgs', () => {
  it('accepts equal lengths and refuses different ones, naming both', () => {
    expect(() => checkVectorArgs('js', 'axpy', [2, f64(3), f64(3)])).not.toThrow();
    expect(() => checkVectorArgs('js', 'dot', [f64(3), f64(3)])).not.toThrow();
    expect(() => checkVectorArgs('blas', 'dot', [f64(3), f64(4)])).toThrow(
      'blas dot: x and y must have the same length, got 3 and 4',
    );
  });

  it('expects alpha only for axpy', () => {
    expect(() => checkVectorArgs('js', 'axpy', [f64(1), f64(1)])).toThrow(
      'js axpy: expected 3 arguments (alpha, x, y), got 2',
    );
    expect(() => checkVectorArgs('js', 'dot', [1, f64(1), f64(1)])).toThrow(
      'js dot: expected 2 arguments (x, y), got 3',
    );
    expect(() => checkVectorArgs('js', 'axpy', [null, f64(1), f64(1)])).toThrow(
      'js axpy: alpha must be a number, got null',
    );
  });
});

describe('checkGatherArgs', () => {
  it('accepts rows inside src and a dst long enough', () => {
    expect(() => checkGatherArgs('js', [f64(6), 2, Int32Array.of(2, 0, 2), f64(6)])).not.toThrow();
  });

  it('names the first row outside src, with its index and the size of src', () => {
    // 7 numbers in rows of 2: 3 whole rows
    expect(() => checkGatherArgs('wasm', [f64(7), 2, Int32Array.of(0, 3), f64(4)])).toThrow(
      'wasm gatherRows: rows[1] = 3 is outside [0, 3) (src holds 3 rows of 2)',
    );
    expect(() => checkGatherArgs('js', [f64(6), 2, Int32Array.of(-1), f64(2)])).toThrow(
      'js gatherRows: rows[0] = -1 is outside [0, 3)',
    );
  });

  it('refuses a short dst, rows that are not an Int32Array and a bad rowSize', () => {
    expect(() => checkGatherArgs('js', [f64(6), 2, Int32Array.of(0, 1), f64(3)])).toThrow(
      'js gatherRows: dst has 3 elements but 2 rows of 2 needs 4',
    );
    expect(() => checkGatherArgs('js', [f64(6), 2, [0], f64(2)])).toThrow(
      'js gatherRows: rows must be an Int32Array, got a plain array of length 1',
    );
    expect(() => checkGatherArgs('js', [f64(6), -1, Int32Array.of(0), f64(2)])).toThrow(
      'js gatherRows: rowSize must be an integer in [0, 2147483647], got number -1',
    );
  });
});

describe('checkWindowArgs', () => {
  // a 3x3 window over (2, 4, 4) with stride 1 and pad 1: 4x4 outputs, 18 rows of 16
  const g: WindowGeometry = {
    channels: 2,
    height: 4,
    width: 4,
    fieldHeight: 3,
    fieldWidth: 3,
    stride: 1,
    pad: 1,
    outHeight: 4,
    outWidth: 4,
  };

  it('accepts an image and a column block that fit, at offsets and a wider row stride', () => {
    expect(() =>
      checkWindowArgs('js', 'im2colImage', f64(32), 0, g, f64(18 * 16), 0, 16),
    ).not.toThrow();
    // the last row needs only 16 numbers after its start: 5 + 17 * 20 + 16
    expect(() =>
      checkWindowArgs('js', 'col2imImage', f64(35), 3, g, f64(361), 5, 20),
    ).not.toThrow();
  });

  it('names the image argument by the operation and the sizes it needs', () => {
    expect(() => checkWindowArgs('js', 'col2imImage', f64(34), 3, g, f64(361), 5, 20)).toThrow(
      'js col2imImage: dx has 34 numbers, too few for an image of (2, 4, 4) at offset 3',
    );
    expect(() => checkWindowArgs('js', 'im2colImage', f64(32), 0, g, f64(360), 5, 20)).toThrow(
      'js im2colImage: cols has 360 numbers, too few for 18 rows of 16 at offset 5, 20 apart',
    );
    expect(() => checkWindowArgs('js', 'im2colImage', f64(32), 0, g, f64(288), 0, 15)).toThrow(
      'js im2colImage: colsRowStride must be an integer in [16, 2147483647], got 15',
    );
  });

  it('refuses a geometry whose output size does not follow from the others', () => {
    expect(() =>
      checkWindowArgs('js', 'im2colImage', f64(32), 0, { ...g, stride: 2 }, f64(288), 0, 16),
    ).toThrow(
      'js im2colImage: g is inconsistent: (4 + 2 * 1 - 3) / 2 + 1 and (4 + 2 * 1 - 3) / 2 + 1 must equal outHeight 4 and outWidth 4',
    );
    expect(() =>
      checkWindowArgs('js', 'im2colImage', f64(32), 0, { ...g, fieldWidth: 0 }, f64(288), 0, 16),
    ).toThrow('js im2colImage: g.fieldWidth must be an integer in [1, 2147483647], got 0');
    expect(() => checkWindowArgs('js', 'im2colImage', f64(32), 0, null, f64(288), 0, 16)).toThrow(
      'js im2colImage: g must be a window geometry',
    );
  });
});
