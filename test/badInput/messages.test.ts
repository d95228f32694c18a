/**
 * Messages name the problem: the public function and the argument a user passed, not an internal
 * helper ("randn: ...", "tensor: ...", "blas gemm: ...") or V8 ("Invalid typed array length").
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import ndarray from 'ndarray';
import { afterAll, describe, expect, it } from 'vitest';
import { linspace, TwoLayerNet, tensor, visualizeGrid, zeros } from '../../lib';
import { availableBackends, matmul, setBackend } from '../../lib/backends';
import { allocating, type Tensor } from '../../lib/core/tensor';

describe('sizes too large name the function and the argument', () => {
  it.each([
    [
      { hiddenDim: 1e9 },
      'hiddenDim too large: W1 of shape (3072, 1000000000) (3072000000000 elements, 24.6 TB) exceeds the 2147483647 elements a tensor may hold',
    ],
    [
      { hiddenDim: 1e6 },
      'hiddenDim too large: W1 of shape (3072, 1000000) (3072000000 elements, 24.6 GB) exceeds',
    ],
    [{ inputDim: 2 ** 31, hiddenDim: 1 }, 'inputDim too large: W1 of shape (2147483648, 1)'],
    [{ inputDim: 4, hiddenDim: 2 ** 31 }, 'hiddenDim too large: W1 of shape (4, 2147483648)'],
    [
      { inputDim: 4, hiddenDim: 10, numClasses: 1e12 },
      'numClasses too large: W2 of shape (10, 1000000000000)',
    ],
  ])('TwoLayerNet(%o)', (options, message) => {
    expect(() => new TwoLayerNet(options)).toThrow(`TwoLayerNet: ${message}`);
  });

  it('zeros, linspace and tensor', () => {
    expect(() => zeros([1e6, 1e6])).toThrow(
      'zeros: shape too large: a tensor of shape (1000000, 1000000) (1000000000000 elements, 8.00 TB) exceeds the 2147483647 elements a tensor may hold',
    );
    expect(() => zeros([2 ** 31])).toThrow(
      'zeros: shape too large: a tensor of shape (2147483648,)',
    );
    expect(() => linspace(0, 1, 1e10)).toThrow(
      'linspace: num too large: a tensor of shape (10000000000,) (10000000000 elements, 80.0 GB) exceeds',
    );
    expect(() => tensor([1e10])).toThrow(
      'tensor: shape too large: a tensor of shape (10000000000,)',
    );
    expect(() => tensor([-1])).toThrow(
      'tensor: shape must be a list of non-negative integers, got (-1,)',
    );
    expect(() => tensor([2.5, 2])).toThrow(
      'tensor: shape must be a list of non-negative integers, got (2.5, 2)',
    );
    expect(() => tensor([2], [1, 2] as never)).toThrow(
      'tensor: data must be a Float64Array, got a plain array of length 2',
    );
    // the largest sizes that are fine still work
    expect(zeros([0, 1e12]).shape).toEqual([0, 1e12]);
    expect(linspace(0, 1, 3).data).toEqual(Float64Array.of(0, 0.5, 1));
  });

  it('an allocation that fails is reported by name, other errors pass through', () => {
    const failing = () => {
      throw new RangeError('Array buffer allocation failed');
    };
    expect(() => allocating('TwoLayerNet', 'hiddenDim', 'W1', [3072, 200000], failing)).toThrow(
      'TwoLayerNet: hiddenDim too large: W1 of shape (3072, 200000) (614400000 elements, 4.92 GB) could not be allocated (Array buffer allocation failed)',
    );
    const other = () => {
      throw new TypeError('something else');
    };
    expect(() => allocating('f', 'n', 'x', [2], other)).toThrow(/^something else$/);
  });
});

describe('malformed views name the public function, not an internal helper', () => {
  afterAll(() => setBackend(availableBackends()[0]));
  it.each(availableBackends())('matmul on %s', (name) => {
    setBackend(name);
    const short = ndarray(new Float64Array(6), [3, 3]) as Tensor;
    const ok = zeros([3, 3]);
    for (const call of [() => matmul(short, ok), () => matmul(ok, short, { transA: true })]) {
      expect(call).toThrow(/^matmul: [ab] is a view \(shape \(3, 3\)/);
      expect(call).not.toThrow(/tensor:|gemm:/);
    }
  });
});

describe('visualizeGrid with an infinity', () => {
  it.each([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('names %d and where it is', (v) => {
    const Xs = tensor([2, 2, 2, 3]);
    Xs.set(1, 0, 1, 2, v);
    expect(() => visualizeGrid(Xs)).toThrow(
      `visualizeGrid: Xs with shape (2, 2, 2, 3) holds ${v} in image 1 at (0, 1, 2); pixel values must be finite`,
    );
  });
});

describe('a blas addon that does not load says why', () => {
  const root = path.resolve(__dirname, '..', '..');
  const tsx = require.resolve('tsx/cli', { paths: [root] });
  const dir = mkdtempSync(path.join(tmpdir(), 'broken-addon-'));
  const broken = path.join(dir, 'cs231n_blas.node');
  writeFileSync(broken, 'not a shared library');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Loads the library in a fresh process whose blas loader opens the broken file. */
  function probe(env: string, call: string): string {
    const script = [
      "const k = require('./lib/backends');",
      `k.backendLoaders.blas = () => require('./lib/backends/blas').loadBlasBackend(${JSON.stringify(broken)});`,
      `try { console.log(JSON.stringify(${call})) } catch (e) { console.log('ERROR ' + e.message) }`,
    ].join(' ');
    const r = spawnSync(process.execPath, [tsx, '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CS231N_BACKEND: env },
    });
    return r.stdout.trim().split('\n').pop() ?? '';
  }

  it('CS231N_BACKEND=blas names the loader error', () => {
    const out = probe('blas', 'k.backendInfo()');
    expect(out).toMatch(
      /^ERROR CS231N_BACKEND: backend 'blas' is not available on this machine: failed to load: .*cs231n_blas\.node.* \(available: [a-z, ]*js\)$/,
    );
  }, 30_000);

  it('backendInfo lists the reason, and setBackend repeats it', () => {
    const info = JSON.parse(probe('', 'k.backendInfo()'));
    expect(info.available).not.toContain('blas');
    expect(info.unavailable.blas).toMatch(/^failed to load: .*cs231n_blas\.node/);
    expect(probe('', "k.setBackend('blas')")).toMatch(
      /^ERROR setBackend: backend 'blas' is not available on this machine: failed to load: .*cs231n_blas\.node/,
    );
  }, 30_000);

  it('a missing build is named as such', () => {
    const script =
      "const k = require('./lib/backends'); k.backendLoaders.blas = () => null; console.log(JSON.stringify(k.backendInfo().unavailable))";
    // Without CS231N_BACKEND: the per-backend runs set it to blas, which this child cannot load.
    const r = spawnSync(process.execPath, [tsx, '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CS231N_BACKEND: '' },
    });
    expect(JSON.parse(r.stdout.trim())).toEqual({
      blas: 'not built (npm install builds it when a C compiler and OpenBLAS are present)',
    });
  }, 30_000);
});
