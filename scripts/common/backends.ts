/**
 * The vitest suite once per compute backend that loads on this machine: used by
 * `npm run test:backends` and by `npm run test:all`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { availableBackends } from '../../lib/backends';
import { bin, ROOT, run } from './run';

/** One vitest run: the backend, whether it passed, and the test counts of its JSON report. */
export interface BackendRun {
  backend: string;
  ok: boolean;
  /** Null when the run left no readable report (it crashed before writing one). */
  passed: number | null;
  failed: number | null;
}

/** The test counts of a vitest JSON report, or null when it is missing or unreadable. */
export function vitestCounts(report: string): { passed: number; failed: number } | null {
  try {
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    if (typeof r.numPassedTests !== 'number' || typeof r.numFailedTests !== 'number') return null;
    return { passed: r.numPassedTests, failed: r.numFailedTests };
  } catch {
    return null;
  }
}

/**
 * Runs `vitest run ...vitestArgs` once per available backend (CS231N_BACKEND=blas, wasm, js), each
 * writing a JSON report to `<reportDir>/vitest-<backend>.json`. `env` is added to each run's
 * environment (another Node line's, from scripts/common/nodeLines.ts).
 */
export function runVitestPerBackend(
  vitestArgs: string[],
  reportDir = path.join(ROOT, 'artifacts'),
  env: NodeJS.ProcessEnv = {},
): BackendRun[] {
  const backends = availableBackends();
  console.log(`compute backends on this machine: ${backends.join(', ') || 'none found'}`);
  fs.mkdirSync(reportDir, { recursive: true });
  return backends.map((backend) => {
    const report = path.join(reportDir, `vitest-${backend}.json`);
    fs.rmSync(report, { force: true });
    console.log(`\n==> CS231N_BACKEND=${backend} vitest run ${vitestArgs.join(' ')}`);
    const ok = run(
      bin('vitest'),
      [
        'run',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${report}`,
        ...vitestArgs,
      ],
      { env: { ...env, CS231N_BACKEND: backend } },
    );
    const counts = vitestCounts(report);
    return { backend, ok, passed: counts?.passed ?? null, failed: counts?.failed ?? null };
  });
}
