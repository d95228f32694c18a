/**
 * The low-level kernel interface (a backend's gemm / axpy / dot, reachable through activeBackend())
 * checks its arguments on every backend with one shared check: the same calls are refused with the
 * same message everywhere, before any work (huge dimensions fail at once).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { activeBackend, availableBackends, type BackendName, setBackend } from '../../lib/backends';

const backends = availableBackends();
afterAll(() => setBackend(backends[0]));

function on(name: BackendName) {
  setBackend(name);
  return activeBackend();
}

const f = (n: number) => new Float64Array(n).fill(1);
const HUGE = 2 ** 31 - 1;

/** Bad gemm calls and the message each must give (after the `<backend> gemm: ` prefix). */
const badGemm: [string, unknown[], string][] = [
  [
    'huge m, n, k with small buffers',
    [false, false, HUGE, HUGE, HUGE, 1, f(4), f(4), 0, f(4)],
    `a has 4 elements but A of shape (${HUGE}, ${HUGE}) needs ${HUGE * HUGE}`,
  ],
  [
    'huge k only',
    [false, false, 1, 1, HUGE, 1, f(4), f(4), 0, f(1)],
    `a has 4 elements but A of shape (1, ${HUGE}) needs ${HUGE}`,
  ],
  [
    'm = 2^31',
    [false, false, 2 ** 31, 1, 1, 1, f(1), f(1), 0, f(1)],
    `m must be an integer in [0, ${HUGE}] (m, n, k are non-negative 32-bit integers), got number 2147483648`,
  ],
  [
    'NaN m',
    [false, false, Number.NaN, 2, 2, 1, f(4), f(4), 0, f(4)],
    'm must be an integer in [0, 2147483647] (m, n, k are non-negative 32-bit integers), got number NaN',
  ],
  [
    'negative n',
    [false, false, 2, -1, 2, 1, f(4), f(4), 0, f(4)],
    'n must be an integer in [0, 2147483647] (m, n, k are non-negative 32-bit integers), got number -1',
  ],
  [
    'fractional k',
    [false, false, 2, 2, 1.5, 1, f(4), f(4), 0, f(4)],
    'k must be an integer in [0, 2147483647] (m, n, k are non-negative 32-bit integers), got number 1.5',
  ],
  [
    'Infinity k',
    [false, false, 2, 2, Number.POSITIVE_INFINITY, 1, f(4), f(4), 0, f(4)],
    'k must be an integer in [0, 2147483647] (m, n, k are non-negative 32-bit integers), got number Infinity',
  ],
  [
    'a string dimension',
    [false, false, '2', 2, 2, 1, f(4), f(4), 0, f(4)],
    'm must be an integer in [0, 2147483647] (m, n, k are non-negative 32-bit integers), got string 2',
  ],
  [
    'an Int32Array a',
    [false, false, 2, 2, 2, 1, new Int32Array(4), f(4), 0, f(4)],
    'a must be a Float64Array, got a Int32Array of length 4',
  ],
  [
    'a Float32Array c',
    [false, false, 2, 2, 2, 1, f(4), f(4), 0, new Float32Array(4)],
    'c must be a Float64Array, got a Float32Array of length 4',
  ],
  [
    'a plain array b',
    [false, false, 2, 2, 2, 1, f(4), [1, 1, 1, 1], 0, f(4)],
    'b must be a Float64Array, got a plain array of length 4',
  ],
  [
    'short a',
    [false, false, 3, 2, 2, 1, f(5), f(4), 0, f(6)],
    'a has 5 elements but A of shape (3, 2) needs 6',
  ],
  [
    'short a, transposed',
    [true, false, 3, 2, 4, 1, f(11), f(8), 0, f(6)],
    'a has 11 elements but A^T of shape (4, 3) needs 12',
  ],
  [
    'short b, transposed',
    [false, true, 2, 3, 4, 1, f(8), f(11), 0, f(6)],
    'b has 11 elements but B^T of shape (3, 4) needs 12',
  ],
  [
    'short c',
    [false, false, 3, 3, 1, 1, f(3), f(3), 0, f(8)],
    'c has 8 elements but C of shape (3, 3) needs 9',
  ],
  [
    'a number for transA',
    [1, false, 2, 2, 2, 1, f(4), f(4), 0, f(4)],
    'transA must be a boolean, got number 1',
  ],
  [
    'a string alpha',
    [false, false, 2, 2, 2, '1', f(4), f(4), 0, f(4)],
    'alpha must be a number, got string 1',
  ],
  [
    'a missing beta',
    [false, false, 2, 2, 2, 1, f(4), f(4)],
    'expected 10 arguments (transA, transB, m, n, k, alpha, a, b, beta, c), got 8',
  ],
];

const badVector: ['axpy' | 'dot', string, unknown[], string][] = [
  ['axpy', 'lengths differ', [2, f(3), f(4)], 'x and y must have the same length, got 3 and 4'],
  [
    'axpy',
    'an Int32Array x',
    [2, new Int32Array(3), f(3)],
    'x must be a Float64Array, got a Int32Array of length 3',
  ],
  ['axpy', 'a string alpha', ['2', f(3), f(3)], 'alpha must be a number, got string 2'],
  ['axpy', 'two arguments', [f(3), f(3)], 'expected 3 arguments (alpha, x, y), got 2'],
  ['dot', 'lengths differ', [f(5), f(4)], 'x and y must have the same length, got 5 and 4'],
  [
    'dot',
    'a Float32Array y',
    [f(3), new Float32Array(3)],
    'y must be a Float64Array, got a Float32Array of length 3',
  ],
  ['dot', 'null', [null, f(3)], 'x must be a Float64Array, got null'],
];

/** [case, args of gatherRows(src, rowSize, rows, dst), message after "<backend> gatherRows: "] */
const badGather: Array<[string, unknown[], string]> = [
  [
    'a row past the end',
    [f(6), 2, Int32Array.of(0, 3), f(4)],
    'rows[1] = 3 is outside [0, 3) (src holds 3 rows of 2)',
  ],
  [
    'a negative row',
    [f(6), 2, Int32Array.of(-1), f(2)],
    'rows[0] = -1 is outside [0, 3) (src holds 3 rows of 2)',
  ],
  [
    'a short dst',
    [f(6), 2, Int32Array.of(0, 1), f(3)],
    'dst has 3 elements but 2 rows of 2 needs 4 (the buffer is shorter than its matrix)',
  ],
  [
    'a plain array of rows',
    [f(6), 2, [0, 1], f(4)],
    'rows must be an Int32Array, got a plain array of length 2',
  ],
  [
    'a Float64Array of rows',
    [f(6), 2, Float64Array.of(0.5), f(2)],
    'rows must be an Int32Array, got a Float64Array of length 1',
  ],
  [
    'a fractional rowSize',
    [f(6), 1.5, Int32Array.of(0), f(2)],
    'rowSize must be an integer in [0, 2147483647], got number 1.5',
  ],
  [
    'an Int32Array src',
    [new Int32Array(6), 2, Int32Array.of(0), f(2)],
    'src must be a Float64Array, got a Int32Array of length 6',
  ],
  [
    'three arguments',
    [f(6), 2, Int32Array.of(0)],
    'expected 4 arguments (src, rowSize, rows, dst), got 3',
  ],
];

describe.each(backends)('the %s backend checks its kernel arguments', (name) => {
  it.each(badGather)('gatherRows: %s', (_, args, message) => {
    const backend = on(name);
    const dst = args[3] instanceof Float64Array ? Float64Array.from(args[3]) : null;
    expect(() => (backend.gatherRows as (...a: unknown[]) => void)(...args)).toThrow(
      `${name} gatherRows: ${message}`,
    );
    if (dst !== null) expect(args[3]).toEqual(dst); // nothing written
  });

  it.each(badGemm)('gemm: %s', (_, args, message) => {
    const backend = on(name);
    const c = args[9] instanceof Float64Array ? Float64Array.from(args[9]) : null;
    expect(() => (backend.gemm as (...a: unknown[]) => void)(...args)).toThrow(
      `${name} gemm: ${message}`,
    );
    if (c !== null) expect(args[9]).toEqual(c); // nothing written
  });

  it.each(badVector)('%s: %s', (op, _, args, message) => {
    const backend = on(name);
    const y = op === 'axpy' && args[2] instanceof Float64Array ? Float64Array.from(args[2]) : null;
    expect(() => (backend[op] as (...a: unknown[]) => unknown)(...args)).toThrow(
      `${name} ${op}: ${message}`,
    );
    if (y !== null) expect(args[2]).toEqual(y);
  });

  it('still computes with exact and with longer buffers, and with empty products', () => {
    const backend = on(name);
    // A (2, 3) @ B (3, 2), then the same reading the front of longer buffers
    const a = Float64Array.of(1, 2, 3, 4, 5, 6);
    const b = Float64Array.of(1, 0, 0, 1, 1, 1);
    const c = new Float64Array(4);
    backend.gemm(false, false, 2, 2, 3, 1, a, b, 0, c);
    expect(Array.from(c)).toEqual([4, 5, 10, 11]);
    const cLong = new Float64Array(6).fill(7);
    backend.gemm(
      false,
      false,
      2,
      2,
      3,
      1,
      Float64Array.of(...a, 9, 9),
      Float64Array.of(...b, 9),
      0,
      cLong,
    );
    expect(Array.from(cLong)).toEqual([4, 5, 10, 11, 7, 7]);
    // k = 0: C = beta * C; m = 0: nothing to do, empty buffers are enough
    const c0 = Float64Array.of(1, 2, 3, 4);
    backend.gemm(false, false, 2, 2, 0, 1, new Float64Array(0), new Float64Array(0), 0.5, c0);
    expect(Array.from(c0)).toEqual([0.5, 1, 1.5, 2]);
    backend.gemm(false, false, 0, 5, 5, 1, new Float64Array(0), f(25), 0, new Float64Array(0));
    const y = Float64Array.of(1, 2);
    backend.axpy(2, Float64Array.of(1, 1), y);
    expect(Array.from(y)).toEqual([3, 4]);
    expect(backend.dot(Float64Array.of(1, 2), Float64Array.of(3, 4))).toBe(11);
    expect(backend.dot(new Float64Array(0), new Float64Array(0))).toBe(0);
  });
});

it('every backend refuses the same calls with the same message', () => {
  for (const [, args] of badGemm) {
    const messages = backends.map((name) => {
      try {
        (on(name).gemm as (...a: unknown[]) => void)(...args);
        return 'no error';
      } catch (e) {
        return (e as Error).message.replace(`${name} gemm: `, '');
      }
    });
    expect(new Set(messages).size).toBe(1);
  }
});
