/**
 * `npm run test:all`: the whole test suite from a fresh clone, doing its own set-up first.
 *   1. system packages (Chromium), npm packages (builds the wasm backend, and the blas one when a
 *      BLAS is already there), the project-local venv (Jupyter, and the OpenBLAS wheel the blas
 *      backend is then rebuilt against)
 *   2. tsc --noEmit (strict), the linter and the runtime import-circle check (check:imports)
 *   3. vitest, once per compute backend that loads (blas, wasm, js): the code of test:backends
 *   4. every notebook (notebooks/assignment1, notebooks/assignment2) executed by real nbconvert
 *      on the tslab kernel and on Deno's (reduced budget), then vitest per backend and the notebooks again on the newest Node LTS
 *      line (installed from the npm registry, see scripts/common/nodeLines.ts; not repeated when
 *      that line runs test:all), and the kernel's own test notebooks (test/jupyter/: autoreload,
 *      interrupt, long output, errors)
 *   5. assignment mode: the student version, its notebook, the grader, the submission zip
 *   6. the notebook in JupyterLab driven by Chromium
 * Ends with one line counting the tests that passed and failed across all steps (a type check, the
 * lint and each notebook count as one test each), and exits non-zero on any failure.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { runVitestPerBackend, vitestCounts } from './common/backends';
import { NEWEST_LTS, prepareNodeLine } from './common/nodeLines';
import { bin, ROOT, run } from './common/run';
import { testNotebooks } from './test-notebooks';

let passed = 0;
let failed = 0;
const failedSteps: string[] = [];

/** Runs one step with a header and its time; a failed step is listed at the end. */
function step(name: string, body: () => boolean): boolean {
  console.log(`\n==> ${name}`);
  const start = Date.now();
  let ok: boolean;
  try {
    ok = body();
  } catch (err) {
    console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    ok = false;
    failed++; // a step that could not run counts as one failed test
  }
  const seconds = Math.round((Date.now() - start) / 1000);
  console.log(`==> ${name}: ${ok ? 'ok' : 'FAILED'} (${seconds} s)`);
  if (!ok) failedSteps.push(name);
  return ok;
}

/** A step that counts as one test. */
function check(name: string, body: () => boolean): void {
  if (step(name, body)) passed++;
  else failed++;
}

/**
 * Adds a run's counts. A run without a readable report, or one that failed with no failed test
 * (a test file that does not load), counts as one failure.
 */
function count(ok: boolean, counts: { passed: number | null; failed: number | null }): void {
  passed += counts.passed ?? 0;
  failed += counts.failed ?? 0;
  if (!ok && !counts.failed) failed++;
  else if (counts.passed === null || counts.failed === null) failed++;
}

function main(): boolean {
  const artifacts = path.join(ROOT, 'artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  const setup: Array<[string, string, string[]]> = [
    ['setup-system', 'bash', [path.join(ROOT, 'scripts', 'setup-system.sh')]],
    ['npm-install', 'npm', ['install', '--no-audit', '--no-fund']],
    ['setup-python', 'bash', [path.join(ROOT, 'scripts', 'setup-python.sh')]],
  ];
  for (const [name, command, args] of setup) {
    if (!step(name, () => run(command, args))) return false;
  }
  check('typecheck', () => run(bin('tsc'), ['--noEmit']));
  check('lint', () => run(bin('biome'), ['check', '.']));
  check('import circles', () => run(bin('tsx'), [path.join(ROOT, 'scripts', 'check-imports.ts')]));

  step('vitest per backend', () => {
    const runs = runVitestPerBackend([], artifacts);
    for (const r of runs) {
      count(r.ok, r);
      console.log(`vitest[${r.backend}]: ${r.ok ? 'ok' : 'FAILED'}`);
    }
    return runs.length > 0 && runs.every((r) => r.ok);
  });

  step('notebooks', () => {
    const runs = testNotebooks();
    for (const r of runs) count(r.ok, { passed: r.ok ? 1 : 0, failed: r.ok ? 0 : 1 });
    return runs.every((r) => r.ok);
  });

  step('notebooks on deno', () => {
    const runs = testNotebooks({ kernel: 'deno' });
    for (const r of runs) count(r.ok, { passed: r.ok ? 1 : 0, failed: r.ok ? 0 : 1 });
    return runs.every((r) => r.ok);
  });

  // Run on the newest line already (`npm run node-lines -- run 26 -- npm run test:all`), the steps
  // above were that line's.
  if (Number(process.versions.node.split('.')[0]) !== NEWEST_LTS) {
    nodeLineSteps(NEWEST_LTS, artifacts);
  }
  vitestStep('kernel', 'test/jupyter/vitest.config.ts');
  // (The student version made by npm run assignment has no test/assignment/.)
  if (fs.existsSync(path.join(ROOT, 'test', 'assignment', 'vitest.config.ts'))) {
    vitestStep('assignment', 'test/assignment/vitest.config.ts');
  }
  vitestStep('browser', 'test/browser/vitest.config.ts');
  return true;
}

/**
 * Vitest per backend and the notebooks on Node `major` (fetched from the npm registry, with the
 * blas addon built for it), reports and executed notebooks in artifacts/node-<major>/.
 */
function nodeLineSteps(major: number, artifacts: string): void {
  const installed: { env?: NodeJS.ProcessEnv } = {};
  step(`node ${major}: install`, () => {
    const prepared = prepareNodeLine(major);
    console.log(`node ${major}: ${prepared.line.node} (${prepared.line.version})`);
    installed.env = prepared.env;
    return true;
  });
  const lineEnv = installed.env;
  if (lineEnv === undefined) return; // the failed install counted as one failed test
  const dir = path.join(artifacts, `node-${major}`);
  step(`node ${major}: vitest per backend`, () => {
    const runs = runVitestPerBackend([], dir, lineEnv);
    for (const r of runs) {
      count(r.ok, r);
      console.log(`vitest[node ${major}, ${r.backend}]: ${r.ok ? 'ok' : 'FAILED'}`);
    }
    return runs.length > 0 && runs.every((r) => r.ok);
  });
  step(`node ${major}: notebooks`, () => {
    const runs = testNotebooks({ env: lineEnv, outDir: path.join(dir, 'notebooks') });
    for (const r of runs) count(r.ok, { passed: r.ok ? 1 : 0, failed: r.ok ? 0 : 1 });
    return runs.every((r) => r.ok);
  });
}

/** A step that runs vitest with `config`, counting the tests of its JSON report. */
function vitestStep(name: string, config: string): void {
  const report = path.join(ROOT, 'artifacts', `vitest-${name}.json`);
  fs.rmSync(report, { force: true });
  step(name, () => {
    const ok = run(bin('vitest'), [
      'run',
      '--config',
      config,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ]);
    const counts = vitestCounts(report);
    count(ok, { passed: counts?.passed ?? null, failed: counts?.failed ?? null });
    return ok;
  });
}

const finished = main();
console.log('');
if (failedSteps.length > 0) console.log(`failed steps: ${failedSteps.join(' ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = finished && failed === 0 && failedSteps.length === 0 ? 0 : 1;
