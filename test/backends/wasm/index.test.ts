/**
 * The two builds of the wasm GEMM: `gemm-relaxed.wasm` (relaxed SIMD's fused multiply-add) where the
 * runtime validates it, else `gemm.wasm`. Each path runs in a child process: the relaxed one with
 * `--experimental-wasm-relaxed-simd` on runtimes that need the flag (Node 20), so both are tested on
 * every Node this project supports. Each child checks products against the js oracle (small and
 * large, so the worker thread takes part) and the assignment's TwoLayerNet loss.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { wasmModulePath, wasmRelaxedModulePath } from '../../../lib/backends/wasm';

const root = path.resolve(__dirname, '..', '..', '..');

/** Runs in the child: the wasm backend's detail, the worst GEMM error, and the seed loss. */
const probe = `
const { setBackend, backendInfo, activeBackend } = require('./lib/backends');
const { jsBackend } = require('./lib/backends/js');
const { startWasmWorker } = require('./lib/backends/wasm');
const { TwoLayerNet, linspace, reshape } = require('./lib');
(async () => {
  setBackend('wasm');
  await startWasmWorker();
  let s = 7;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  let worst = 0;
  for (const [m, n, k, ta, tb] of [[3, 5, 7, false, false], [64, 33, 129, true, false], [200, 100, 3072, false, false], [100, 200, 300, false, true]]) {
    const a = Float64Array.from({ length: m * k }, next);
    const b = Float64Array.from({ length: k * n }, next);
    const c0 = Float64Array.from({ length: m * n }, next);
    const want = Float64Array.from(c0), got = Float64Array.from(c0);
    jsBackend.gemm(ta, tb, m, n, k, 0.5, a, b, 2, want);
    activeBackend().gemm(ta, tb, m, n, k, 0.5, a, b, 2, got);
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  }
  const [N, D, H, C] = [3, 5, 50, 7];
  const model = new TwoLayerNet({ inputDim: D, hiddenDim: H, numClasses: C });
  model.params.W1 = reshape(linspace(-0.7, 0.3, D * H), [D, H]);
  model.params.b1 = linspace(-0.1, 0.9, H);
  model.params.W2 = reshape(linspace(-0.3, 0.4, H * C), [H, C]);
  model.params.b2 = linspace(-0.9, 0.1, C);
  const X = reshape(linspace(-5.5, 4.5, N * D), [D, N]).transpose(1, 0);
  const [loss] = model.loss(X, Int32Array.of(0, 5, 1));
  console.log(JSON.stringify({ detail: backendInfo().detail, worst, loss }));
})();
`;

function runProbe(nodeFlags: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [...nodeFlags, '-r', 'tsx/cjs', '-e', probe], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env, CS231N_BACKEND: '' },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as {
    detail: string;
    worst: number;
    loss: number;
  };
}

const validatesHere = (file: string) =>
  fs.existsSync(file) &&
  (
    globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }
  ).WebAssembly.validate(fs.readFileSync(file));

describe.skipIf(!fs.existsSync(wasmModulePath))('wasm GEMM builds', () => {
  it('gemm.wasm (multiply, add) matches the oracle and the assignment loss', () => {
    const out = runProbe([], { CS231N_WASM_RELAXED: '0' });
    expect(out.detail).toContain('(multiply, add)');
    expect(out.worst).toBeLessThan(1e-12);
    expect(Math.abs(out.loss - 3.4702243556)).toBeLessThan(1e-10);
  }, 60_000);

  it.skipIf(!fs.existsSync(wasmRelaxedModulePath))(
    'gemm-relaxed.wasm (fused multiply-add) matches the oracle and the assignment loss',
    () => {
      // Node 22+ validates relaxed SIMD by default; Node 20 needs the V8 flag.
      const flags = validatesHere(wasmRelaxedModulePath)
        ? []
        : ['--experimental-wasm-relaxed-simd'];
      const out = runProbe(flags);
      expect(out.detail).toContain('relaxed-SIMD fused multiply-add');
      expect(out.worst).toBeLessThan(1e-12);
      expect(Math.abs(out.loss - 3.4702243556)).toBeLessThan(1e-10);
    },
    60_000,
  );

  it('the plain module is what runs where relaxed SIMD does not validate', () => {
    if (validatesHere(wasmRelaxedModulePath)) return; // Node 22+: covered by the test above
    expect(runProbe([]).detail).toContain('(multiply, add)');
  }, 60_000);
});
