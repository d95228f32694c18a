/**
 * The library under Deno (the npm package deno, as the Deno kernel runs it): `deno run` at the
 * repository root with its deno.json loads './lib', finds lib/ and a compute backend, and computes
 * the same numbers as Node. (The notebooks themselves run on Deno's kernel in npm run test:notebooks
 * -- --kernel deno.)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendInfo, random } from '../../lib';
import { base64, encodePNG } from '../../lib/notebook/png';
import { stripesImage } from '../helpers/stripesImage';

const root = path.resolve(__dirname, '..', '..');
const deno = path.join(root, 'node_modules', '.bin', 'deno');

/** Runs `source` (TypeScript, at the repository root) with Deno; returns its stdout. */
function runDeno(source: string): string {
  const artifacts = path.join(root, 'artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  const dir = fs.mkdtempSync(path.join(artifacts, 'deno-test-'));
  try {
    const file = path.join(dir, 'main.ts');
    fs.writeFileSync(file, source);
    return execFileSync(deno, ['run', '-A', file], {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        DENO_DIR: path.join(root, 'node_modules', '.cache', 'deno'),
        DENO_NO_UPDATE_CHECK: '1',
        NO_COLOR: '1',
      },
      timeout: 120_000,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the library under Deno', () => {
  it('loads, finds lib/ and the same backend, draws the same random numbers, encodes the same PNG bytes', () => {
    const out = runDeno(
      [
        "import { backendInfo, random } from '../../lib';",
        "import { LIB_DIR, runtimeInfo } from '../../lib/core/runtime';",
        "import { base64, encodePNG } from '../../lib/notebook/png';",
        "import { stripesImage } from '../../test/helpers/stripesImage';",
        'random.seed(231);',
        'const x = random.randn(3, 4);',
        'const png = base64(encodePNG(stripesImage()));',
        'console.log(JSON.stringify({ runtime: runtimeInfo().name, libDir: LIB_DIR,',
        '  backend: backendInfo().name, x: Array.from(x.data), png }));',
      ].join('\n'),
    );
    const got = JSON.parse(out.trim().split('\n').pop()!);
    random.seed(231);
    const x = random.randn(3, 4);
    const png = base64(encodePNG(stripesImage()));
    expect(got).toEqual({
      runtime: 'deno',
      libDir: path.join(root, 'lib'),
      backend: backendInfo().name,
      x: Array.from(x.data),
      png,
    });
  });

  it("prints tensors, models and the Solver as their shapes and settings, as Node does (Deno's console)", () => {
    const out = runDeno(
      [
        "import { Solver, TwoLayerNet, random } from '../../lib';",
        'random.seed(0);',
        'const X = random.randn(20, 6);',
        'const y = new Int32Array(20).map((_, i) => i % 3);',
        'const model = new TwoLayerNet({ inputDim: 6, hiddenDim: 4, numClasses: 3 });',
        'const solver = new Solver(model, { X_train: X, y_train: y, X_val: X, y_val: y },',
        '  { batchSize: 10, verbose: false });',
        'console.log(X);',
        'console.log(model);',
        'console.log(solver);',
      ].join('\n'),
    );
    const lines = out.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'ndarray float64 (20, 6)',
      'TwoLayerNet { params: { W1: (6, 4), b1: (4,), W2: (4, 3), b2: (3,) }, reg: 0 }',
    ]);
    expect(lines[2]).toBe('Solver {');
    expect(lines).toContain('  X_train: ndarray float64 (20, 6),');
    expect(out).not.toMatch(/Float64Array/);
  });
});
