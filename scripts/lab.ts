/**
 * `npm run lab`: JupyterLab (the project venv) on notebooks/, with the tslab kernel and Deno's
 * (scripts/setup-python.sh registers both; Kernel > Change Kernel switches a notebook between them).
 * Extra arguments go to jupyter lab (e.g. `npm run lab -- --no-browser --port 8899`).
 */
import * as path from 'node:path';
import { ensureDataset, jupyterEnv, setupPython, VENV } from './common/jupyter';
import { ROOT, run } from './common/run';

try {
  setupPython();
  let env: NodeJS.ProcessEnv = {};
  try {
    env = { CIFAR10_DIR: ensureDataset('lab') };
  } catch (err) {
    console.error(
      `[lab] warning: ${err instanceof Error ? err.message : err}; the data cell will fail`,
    );
  }
  const args = [
    'lab',
    `--notebook-dir=${path.join(ROOT, 'notebooks')}`,
    '--LabApp.extension_manager=readonly',
  ];
  if (process.getuid?.() === 0) args.push('--allow-root');
  const ok = run(path.join(VENV, 'bin', 'jupyter'), [...args, ...process.argv.slice(2)], {
    env: jupyterEnv(env),
  });
  process.exitCode = ok ? 0 : 1;
} catch (err) {
  console.error(`[lab] error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
