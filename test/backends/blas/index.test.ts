/**
 * The `blas` backend's build and thread policy.
 *
 * - The addon against the OpenBLAS of PyPI's scipy-openblas32 wheel (installed into .venv by
 *   scripts/setup-python.sh): a throwaway copy of the addon sources is built with the wheel forced
 *   (`--blas=wheel`), and the result must link the wheel's library only (no system BLAS), name the
 *   wheel in `info()`, and multiply correctly. Skipped when the wheel is not installed (no .venv).
 * - ThreadTuner picks the faster thread setting from (fake) timings and follows a change.
 * - A product gives the same bits on one thread and on several.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { availableBackends, backendInfo, setBackend } from '../../../lib/backends';
import { type BlasAddon, blasAddonPath, RUN_CALLS, ThreadTuner } from '../../../lib/backends/blas';

const root = path.resolve(__dirname, '..', '..', '..');

/** The wheel's package folder in .venv, or null. */
function wheelDir(): string | null {
  const lib = path.join(root, '.venv', 'lib');
  if (!fs.existsSync(lib)) return null;
  for (const d of fs.readdirSync(lib)) {
    const pkg = path.join(lib, d, 'site-packages', 'scipy_openblas32');
    if (fs.existsSync(path.join(pkg, 'include', 'cblas.h'))) return pkg;
  }
  return null;
}

const wheel = wheelDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs231n-blas-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(wheel === null)('blas addon built against the scipy-openblas32 wheel', () => {
  it('builds with the wheel forced, links no system BLAS, and multiplies', () => {
    for (const f of ['blas.c', 'binding.gyp']) {
      fs.copyFileSync(path.join(root, 'lib', 'backends', 'blas', f), path.join(tmp, f));
    }
    const build = spawnSync(
      process.execPath,
      ['scripts/build-backends.js', '--native', '--blas=wheel', '--strict', '--native-dir', tmp],
      { cwd: root, encoding: 'utf8', env: { ...process.env, CS231N_BLAS: '' } },
    );
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
    expect(build.stdout).toContain('scipy-openblas32 wheel');
    const addon = path.join(tmp, 'build', 'Release', 'cs231n_blas.node');

    // The dynamic libraries the addon needs: the wheel's, and no other BLAS.
    const ldd = spawnSync('ldd', [addon], { encoding: 'utf8' });
    if (ldd.status === 0) {
      const blasLines = ldd.stdout.split('\n').filter((l) => /blas|lapack/i.test(l));
      expect(blasLines.length, ldd.stdout).toBe(1);
      expect(blasLines[0]).toContain(path.join(wheel as string, 'lib', 'libscipy_openblas'));
    }

    // Loaded in a fresh process: info() names the wheel, and a 2x2 product is right.
    const probe = `
      const m = { exports: {} };
      process.dlopen(m, ${JSON.stringify(addon)});
      const c = new Float64Array(4);
      m.exports.gemm(false, true, 2, 2, 2, 1, Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7, 8), 0, c);
      console.log(JSON.stringify({ info: m.exports.info(), c: Array.from(c) }));`;
    const run = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim());
    expect(out.info).toMatch(/^scipy-openblas32 wheel: OpenBLAS \d/);
    // [1 2; 3 4] @ [5 6; 7 8]^T
    expect(out.c).toEqual([17, 23, 39, 53]);
  }, 180_000);

  it('is what the library loads once the venv holds the wheel', () => {
    expect(availableBackends()).toContain('blas');
    setBackend('blas');
    expect(backendInfo().detail).toMatch(/^scipy-openblas32 wheel: /);
  });
});

describe('ThreadTuner', () => {
  /** A tuner over a fake clock where a large product takes `cost[threads]` ms. */
  function fakeTuner(cost: Record<number, number>) {
    let now = 0;
    let threads = 2;
    const used: number[] = [];
    const tuner = new ThreadTuner(
      2,
      (n) => {
        threads = n;
      },
      () => now,
    );
    const call = (mnk = 2 ** 24) =>
      tuner.run(mnk, () => {
        used.push(threads);
        now += cost[threads];
      });
    return { tuner, call, used };
  }

  /** A tuner over a fake clock running products of several shapes, each with its own costs. */
  function fakeShapes(costs: Record<string, { mnk: number; ms: Record<number, number> }>) {
    let now = 0;
    let threads = 2;
    const firstCall = new Set<string>();
    const used: [string, number][] = [];
    const tuner = new ThreadTuner(
      2,
      (n) => {
        threads = n;
      },
      () => now,
    );
    const call = (shape: string) =>
      tuner.run(
        costs[shape].mnk,
        () => {
          used.push([shape, threads]);
          // OpenBLAS's first product of a shape also pays for its buffers
          now += costs[shape].ms[threads] + (firstCall.has(shape) ? 0 : 50);
          firstCall.add(shape);
        },
        shape,
      );
    return { tuner, call, used };
  }

  it('keeps the faster setting, measures again later, and follows a change', () => {
    const cost = { 1: 5, 2: 1 };
    const { tuner, call, used } = fakeTuner(cost);
    for (let i = 0; i < 20; i++) call();
    expect(tuner.chosen).toBe(2);
    // the first product is not timed; the slow setting is dropped after one pair (5x slower), so
    // it ran once
    expect(used.slice(0, 3)).toEqual([2, 2, 1]);
    expect(used.filter((t) => t === 1).length).toBe(1);
    cost[1] = 1;
    cost[2] = 5; // the machine got busy: one thread is now the fast one
    for (let i = 0; i < RUN_CALLS[0] * 2 + 20; i++) call();
    expect(tuner.chosen).toBe(1);
  });

  it('measures all pairs when the settings are close, and leaves small products alone', () => {
    const { tuner, call, used } = fakeTuner({ 1: 1, 2: 1.1 });
    for (let i = 0; i < 13; i++) call();
    expect(tuner.chosen).toBe(1);
    expect(used.slice(0, 13)).toEqual([2, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]);
    const before = used.length;
    call(1000);
    expect(used.length).toBe(before + 1);
    expect(tuner.chosen).toBe(1);
  });

  it("compares the settings shape by shape, leaving out each shape's first product", () => {
    // A net's step: a large product, faster on two threads, and a small one, a little faster on
    // one. Alternating call by call would time the large one on two threads only and the small
    // one on one thread only, and compare their times per multiply-add.
    const { tuner, call, used } = fakeShapes({
      large: { mnk: 2 ** 24, ms: { 1: 8, 2: 5 } },
      small: { mnk: 2 ** 21, ms: { 1: 0.5, 2: 0.6 } },
    });
    for (let i = 0; i < 10; i++) {
      call('large');
      call('small');
    }
    expect(tuner.chosen).toBe(2);
    expect(used.slice(0, 6)).toEqual([
      ['large', 2],
      ['small', 2],
      ['large', 2],
      ['small', 2],
      ['large', 1],
      ['small', 2],
    ]);
    // decided after the large product's first pair (1.6x slower on one thread): one thread ran
    // that product only
    expect(used.filter(([, t]) => t === 1).length).toBe(1);
  });
});

describe.skipIf(!fs.existsSync(blasAddonPath))('blas addon threads', () => {
  it('gives the same bits on one thread and on two', () => {
    const mod = { exports: {} as BlasAddon };
    process.dlopen(mod, blasAddonPath);
    const addon = mod.exports;
    const max = addon.threads();
    const [m, n, k] = [200, 100, 3072];
    const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i));
    const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.7));
    const product = (threads: number) => {
      addon.setThreads(threads);
      const c = new Float64Array(m * n);
      addon.gemm(false, false, m, n, k, 1, a, b, 0, c);
      return c;
    };
    const one = product(1);
    const two = product(2);
    addon.setThreads(Math.max(max, 1));
    expect(one.some((v) => v !== 0)).toBe(true);
    expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
  });
});

describe.skipIf(!fs.existsSync(blasAddonPath))('blas addon gatherRows', () => {
  it('copies the rows and, called without the TypeScript checks, still refuses rows outside src', () => {
    const mod = { exports: {} as BlasAddon };
    process.dlopen(mod, blasAddonPath);
    const addon = mod.exports;
    const src = Float64Array.from({ length: 12 }, (_, i) => i);
    const dst = new Float64Array(9);
    addon.gatherRows(src, 3, Int32Array.of(3, 0, 3), dst);
    expect(Array.from(dst)).toEqual([9, 10, 11, 0, 1, 2, 9, 10, 11]);
    const before = Array.from(dst);
    expect(() => addon.gatherRows(src, 3, Int32Array.of(0, 4), dst)).toThrow(
      'blas gatherRows: a row index is outside src',
    );
    expect(() => addon.gatherRows(src, 3, Int32Array.of(0, 1, 2, 3), dst)).toThrow(
      'blas gatherRows: dst is shorter than the gathered rows',
    );
    expect(Array.from(dst)).toEqual(before); // checked before anything is written
  });
});
