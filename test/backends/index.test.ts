/**
 * Every compute backend that loads here against the plain JavaScript oracle, plus backend selection
 * (`backendInfo`, `setBackend`, the `CS231N_BACKEND` variable and its error messages).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import ndarray from 'ndarray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeBackend,
  availableBackends,
  axpy,
  type BackendName,
  backendInfo,
  dot,
  matmul,
  setBackend,
} from '../../lib/backends';
import { jsBackend } from '../../lib/backends/js';
import { startWasmWorker } from '../../lib/backends/wasm';

/** A deterministic generator of values in [-1, 1) (so the test needs no library RNG). */
function filler(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 31 - 1;
  };
}

function randomArray(length: number, seed: number): Float64Array {
  const next = filler(seed);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = next();
  return out;
}

/**
 * Largest elementwise error of `got` against the oracle `want`, relative to the size of the terms
 * summed: |alpha| (|op(A)| |op(B)|)_ij + |beta| |C_ij| (the scale of a dot product's rounding error;
 * plain |want_ij| would blow up where the terms cancel).
 */
function relErrorOfGemm(
  got: Float64Array,
  want: Float64Array,
  c: Case,
  a: Float64Array,
  b: Float64Array,
  c0: Float64Array,
): number {
  const scale = c0.map(Math.abs);
  const abs = (x: Float64Array) => x.map(Math.abs);
  jsBackend.gemm(
    c.transA,
    c.transB,
    c.m,
    c.n,
    c.k,
    Math.abs(c.alpha),
    abs(a),
    abs(b),
    Math.abs(c.beta),
    scale,
  );
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (err === 0) continue;
    worst = Math.max(worst, err / Math.max(scale[i], Number.MIN_VALUE));
  }
  return worst;
}

/** max |x - y| / max(|y|), for products checked as a whole. */
function maxRelError(x: Float64Array, y: Float64Array): number {
  let worst = 0;
  let size = 0;
  for (let i = 0; i < y.length; i++) {
    worst = Math.max(worst, Math.abs(x[i] - y[i]));
    size = Math.max(size, Math.abs(y[i]));
  }
  return worst / Math.max(size, Number.MIN_VALUE);
}

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
}

const sizes: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 5],
  [7, 1, 5],
  [5, 7, 1],
  [1, 300, 17],
  [300, 1, 17],
  [3, 5, 4],
  [4, 4, 4],
  [5, 5, 5],
  [13, 17, 19],
  [33, 65, 257],
  [67, 3, 129],
  [129, 131, 300],
  [200, 100, 3072], // (200x3072)@(3072x100)
  [3072, 100, 200], // X^T(3072x200)@(200x100)
  [200, 10, 100], // second layer of the two-layer net
  [10, 5, 6], // the seed's affine_backward check
];

const cases: Case[] = [];
for (const [m, n, k] of sizes) {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      cases.push({ m, n, k, transA, transB, alpha: 1, beta: 0 });
    }
  }
}
for (const [alpha, beta] of [
  [0.5, 0],
  [-2, 1],
  [1.5, -0.75],
  [0, 2],
  [1, 1],
]) {
  for (const [m, n, k] of [
    [37, 41, 43],
    [1, 9, 300],
    [130, 70, 5],
  ]) {
    cases.push({ m, n, k, transA: false, transB: true, alpha, beta });
    cases.push({ m, n, k, transA: true, transB: false, alpha, beta });
  }
}

const label = (c: Case) =>
  `m=${c.m} n=${c.n} k=${c.k} transA=${c.transA} transB=${c.transB} alpha=${c.alpha} beta=${c.beta}`;

const original = process.env.CS231N_BACKEND;
afterAll(() => {
  if (original === undefined) setBackend(availableBackends()[0]);
  else setBackend(original as BackendName);
});

describe.each(availableBackends())('backend %s against the js oracle', (name) => {
  // With the worker running, the large cases go through the two-thread path from the first call.
  beforeAll(async () => {
    if (name === 'wasm') expect(await startWasmWorker()).toBe(true);
  });

  it.each(cases.map((c) => [label(c), c] as const))('%s', (_label, c) => {
    setBackend(name);
    const backend = activeBackend();
    const a = randomArray(c.m * c.k, c.m * 7 + c.k);
    const b = randomArray(c.k * c.n, c.n * 13 + c.k + 1);
    const c0 = randomArray(c.m * c.n, c.m + c.n + 5);
    const want = c0.slice();
    jsBackend.gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, b, c.beta, want);
    const got = c0.slice();
    backend.gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, b, c.beta, got);
    expect(relErrorOfGemm(got, want, c, a, b, c0)).toBeLessThan(1e-12);
  });

  it('overwrites NaN in C when beta = 0 and leaves the inputs untouched', () => {
    setBackend(name);
    const a = randomArray(6 * 5, 1);
    const b = randomArray(5 * 4, 2);
    const a0 = a.slice();
    const b0 = b.slice();
    const c = new Float64Array(6 * 4).fill(Number.NaN);
    activeBackend().gemm(false, false, 6, 4, 5, 1, a, b, 0, c);
    const want = new Float64Array(6 * 4);
    jsBackend.gemm(false, false, 6, 4, 5, 1, a, b, 0, want);
    expect(maxRelError(c, want)).toBeLessThan(1e-12);
    expect(a).toEqual(a0);
    expect(b).toEqual(b0);
  });

  it('gives C = beta * C when k = 0', () => {
    setBackend(name);
    const c = new Float64Array([1, 2, 3, 4, 5, 6]);
    activeBackend().gemm(
      false,
      false,
      2,
      3,
      0,
      1,
      new Float64Array(0),
      new Float64Array(0),
      0.5,
      c,
    );
    expect(Array.from(c)).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
  });

  it('computes matmul on strided (transposed) views like the oracle', () => {
    setBackend(name);
    const a = ndarray(randomArray(40 * 30, 3), [40, 30]).transpose(1, 0); // (30, 40) view
    const b = ndarray(randomArray(40 * 20, 4), [40, 20]);
    const got = matmul(a, b);
    expect(got.shape).toEqual([30, 20]);
    const ref = new Float64Array(30 * 20);
    jsBackend.gemm(true, false, 30, 20, 40, 1, a.data, b.data, 0, ref);
    expect(maxRelError(got.data, ref)).toBeLessThan(1e-12);
    const viaFlag = matmul(ndarray(a.data, [40, 30]), b, { transA: true });
    expect(maxRelError(viaFlag.data, ref)).toBeLessThan(1e-12);
  });

  it('computes the same product on repeated calls with changed inputs', () => {
    setBackend(name);
    const a = randomArray(300 * 200, 5);
    const b = randomArray(200 * 100, 6);
    const first = new Float64Array(300 * 100);
    activeBackend().gemm(false, false, 300, 100, 200, 1, a, b, 0, first);
    a[0] += 1; // same arrays, new contents: a backend must not reuse stale copies
    b[b.length - 1] -= 1;
    const second = new Float64Array(300 * 100);
    activeBackend().gemm(false, false, 300, 100, 200, 1, a, b, 0, second);
    const want = new Float64Array(300 * 100);
    jsBackend.gemm(false, false, 300, 100, 200, 1, a, b, 0, want);
    expect(maxRelError(second, want)).toBeLessThan(1e-12);
    expect(second[0]).not.toBe(first[0]);
  });
});

describe('backend selection', () => {
  it('lists js among the available backends and reports the active one', () => {
    const available = availableBackends();
    expect(available).toContain('js');
    const info = backendInfo();
    expect(available).toContain(info.name);
    expect(info.available).toEqual(available);
    expect(info.detail.length).toBeGreaterThan(0);
  });

  it('switches with setBackend and reports it in backendInfo', () => {
    for (const name of availableBackends()) {
      setBackend(name);
      expect(backendInfo().name).toBe(name);
      expect(activeBackend().name).toBe(name);
    }
  });

  it('rejects an unknown backend name, naming it and the valid ones', () => {
    expect(() => setBackend('cuda' as BackendName)).toThrow(
      /setBackend: unknown backend 'cuda'; expected 'blas', 'wasm' or 'js'/,
    );
  });

  const root = path.resolve(__dirname, '..', '..');
  const tsx = require.resolve('tsx/cli', { paths: [root] });
  /**
   * Loads the library in a fresh process with CS231N_BACKEND set and prints backendInfo() or the
   * error; `hide` replaces that backend's loader with one that finds nothing.
   */
  function probe(value: string, hide?: BackendName) {
    const script = [
      "const k = require('./lib/backends');",
      hide ? `k.backendLoaders['${hide}'] = () => null;` : '',
      "try { console.log(JSON.stringify(k.backendInfo())) } catch (e) { console.log('ERROR ' + e.message) }",
    ].join(' ');
    const r = spawnSync(process.execPath, [tsx, '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CS231N_BACKEND: value },
    });
    return r.stdout.trim().split('\n').pop() ?? '';
  }

  it('honours CS231N_BACKEND in a fresh process', () => {
    for (const name of availableBackends()) {
      expect(JSON.parse(probe(name)).name).toBe(name);
    }
  }, 60_000);

  it('picks the first available backend when CS231N_BACKEND is unset', () => {
    expect(JSON.parse(probe('')).name).toBe(availableBackends()[0]);
  }, 30_000);

  it('falls back to the next backend when the fastest does not load', () => {
    const info = JSON.parse(probe('', 'blas'));
    expect(info.name).toBe(availableBackends().includes('wasm') ? 'wasm' : 'js');
    expect(info.available).not.toContain('blas');
  }, 30_000);

  it('gives a clear error for an unknown CS231N_BACKEND', () => {
    expect(probe('gpu')).toBe(
      "ERROR CS231N_BACKEND: unknown backend 'gpu'; expected 'blas', 'wasm' or 'js'",
    );
  }, 30_000);

  it('gives a clear error for a CS231N_BACKEND that does not load here', () => {
    expect(probe('wasm', 'wasm')).toMatch(
      /^ERROR CS231N_BACKEND: backend 'wasm' is not available on this machine: not built \(npm install builds it\) \(available: [a-z, ]*js\)$/,
    );
  }, 30_000);
});

describe.each(availableBackends())(
  'vector operations of backend %s against the js oracle',
  (name) => {
    const backend = () => {
      setBackend(name);
      return activeBackend();
    };
    afterAll(() => setBackend(availableBackends()[0]));

    it.each([0, 1, 7, 1000, 393_216])('axpy and dot on %i elements', (n) => {
      const x = randomArray(n, 11 + n);
      const y = randomArray(n, 12 + n);
      const want = Float64Array.from(y);
      jsBackend.axpy(-0.37, x, want);
      const got = Float64Array.from(y);
      backend().axpy(-0.37, x, got);
      // One expect for the whole array (393,216 expect calls take seconds on a loaded machine).
      let firstOff = -1;
      for (let i = 0; i < n && firstOff < 0; i++) {
        const bound = 1e-15 * (Math.abs(y[i]) + 0.37 * Math.abs(x[i]));
        if (!(Math.abs(got[i] - want[i]) <= bound)) firstOff = i;
      }
      expect(
        firstOff,
        `axpy: element ${firstOff} is ${got[firstOff]}, the oracle gives ${want[firstOff]}`,
      ).toBe(-1);
      const wantDot = jsBackend.dot(x, y);
      let scale = 0;
      for (let i = 0; i < n; i++) scale += Math.abs(x[i] * y[i]);
      expect(Math.abs(backend().dot(x, y) - wantDot)).toBeLessThanOrEqual(1e-12 * scale);
    });

    it.each([
      [0, 3072],
      [1, 1],
      [200, 3072],
      [37, 5],
    ])('gatherRows of %i rows of %i against row-by-row copies', (count, rowSize) => {
      const srcRows = 300;
      const src = randomArray(srcRows * rowSize, 21 + count);
      const next = filler(31 + rowSize);
      // repeated rows, the first and the last row: as a minibatch sampled with replacement
      const rows = Int32Array.from({ length: count }, (_, i) =>
        i === 0 ? srcRows - 1 : i === 1 ? 0 : Math.floor(((next() + 1) / 2) * srcRows),
      );
      if (count > 3) rows[3] = rows[2];
      const got = new Float64Array(count * rowSize + 2).fill(-7);
      backend().gatherRows(src, rowSize, rows, got);
      let firstOff = -1;
      for (let i = 0; i < count * rowSize && firstOff < 0; i++) {
        const r = rows[Math.floor(i / rowSize)];
        if (got[i] !== src[r * rowSize + (i % rowSize)]) firstOff = i;
      }
      expect(firstOff, `gatherRows: element ${firstOff} differs`).toBe(-1);
      expect(Array.from(got.subarray(count * rowSize))).toEqual([-7, -7]); // nothing past the rows
    });

    it('axpy and dot on tensors: shapes checked, y written in place, strided x read correctly', () => {
      backend();
      const x = ndarray(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
      const y = ndarray(new Float64Array(6), [3, 2]);
      axpy(2, x.transpose(1, 0), y);
      expect(Array.from(y.data)).toEqual([2, 8, 4, 10, 6, 12]);
      expect(dot(x, x)).toBe(91);
      expect(() => axpy(1, x, y)).toThrow('axpy: x has shape (2, 3) but y has shape (3, 2)');
      expect(() => axpy(1, y, x.transpose(1, 0))).toThrow(
        'axpy: y (shape (3, 2)) must be a packed row-major tensor',
      );
      expect(() => dot(x, y)).toThrow('dot: x has shape (2, 3) but y has shape (3, 2)');
    });
  },
);
