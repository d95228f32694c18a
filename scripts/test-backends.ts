/**
 * `npm run test:backends`: runs the whole vitest suite once per compute backend that loads on this
 * machine (CS231N_BACKEND=blas, then wasm, then js). Extra arguments go to vitest
 * (e.g. `npm run test:backends -- test/backends/index.test.ts`). Exits non-zero if any run fails.
 */
import { runVitestPerBackend } from './common/backends';

const runs = runVitestPerBackend(process.argv.slice(2));
console.log('');
for (const r of runs) {
  const counts = r.passed === null ? '' : ` (${r.passed} passed, ${r.failed} failed)`;
  console.log(`test-backends: ${r.backend}: ${r.ok ? 'passed' : 'FAILED'}${counts}`);
}
process.exitCode = runs.length > 0 && runs.every((r) => r.ok) ? 0 : 1;
