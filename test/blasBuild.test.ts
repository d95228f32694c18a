/**
 * The `blas` addon against the OpenBLAS of PyPI's scipy-openblas32 wheel (installed into .venv by
 * scripts/setup-python.sh): a throwaway copy of the addon sources is built with the wheel forced
 * (`--blas=wheel`), and the result must link the wheel's library only (no system BLAS), name the
 * wheel in `info()`, and multiply correctly. Skipped when the wheel is not installed (no .venv).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { availableBackends, backendInfo, setBackend } from '../lib/kernels';

const root = path.resolve(__dirname, '..');

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
      fs.copyFileSync(path.join(root, 'lib', 'kernels', 'blas', f), path.join(tmp, f));
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
