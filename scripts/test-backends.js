#!/usr/bin/env node
/**
 * `npm run test:backends`: runs the whole vitest suite once per compute backend that loads on this
 * machine (CS231N_BACKEND=blas, then wasm, then js). Extra arguments go to vitest
 * (e.g. `npm run test:backends -- test/kernels.test.ts`). Exits non-zero if any run fails.
 */

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsx = require.resolve('tsx/cli', { paths: [root] });
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');

const probe = spawnSync(
  process.execPath,
  [tsx, '-e', "console.log(JSON.stringify(require('./lib/kernels').availableBackends()))"],
  { cwd: root, encoding: 'utf8', env: { ...process.env, CS231N_BACKEND: '' } },
);
if (probe.status !== 0) {
  process.stderr.write(probe.stderr);
  console.error('test-backends: could not list the available backends');
  process.exit(1);
}
const backends = JSON.parse(probe.stdout.trim().split('\n').pop());
console.log(`test-backends: available backends: ${backends.join(', ')}`);

const results = [];
for (const name of backends) {
  console.log(
    `\ntest-backends: CS231N_BACKEND=${name} vitest run ${process.argv.slice(2).join(' ')}`,
  );
  const r = spawnSync(process.execPath, [vitest, 'run', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CS231N_BACKEND: name },
  });
  results.push([name, r.status === 0]);
}
console.log('');
for (const [name, ok] of results)
  console.log(`test-backends: ${name}: ${ok ? 'passed' : 'FAILED'}`);
process.exitCode = results.every(([, ok]) => ok) ? 0 : 1;
