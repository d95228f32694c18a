/**
 * Shared by the notebook scripts (npm run notebook / lab / test:notebooks): the project's Jupyter
 * environment, the set-up steps a fresh clone needs, and executing a notebook with real nbconvert.
 *
 * The environment only sees this repository's venv (its kernels, its labextensions), whatever the
 * user has in ~/.jupyter. Two kernels are registered there: tslab (through jupyter/kernel/tslabKernel.ts)
 * and Deno's (through jupyter/deno-kernel.sh); both run at the repository root, so the notebooks'
 * './lib' and the default data folder resolve the same from every notebook.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CIFAR10_FILES, defaultCIFAR10Dir } from '../../lib/dataUtils';
import { ROOT, run } from './run';

export const VENV = path.join(ROOT, '.venv');

/** The notebook kernels scripts/setup-python.sh registers (their kernelspec names). */
export const KERNELS = ['tslab', 'deno'] as const;
export type KernelName = (typeof KERNELS)[number];

/**
 * The value of a `--kernel NAME` option (checked), or 'tslab' when `argv` has none; removes the
 * option from `argv`.
 *
 * @throws Error naming the option and the kernels there are
 */
export function takeKernelOption(argv: string[], usage: string): KernelName {
  const i = argv.indexOf('--kernel');
  if (i < 0) return 'tslab';
  const name = argv[i + 1];
  if (!(KERNELS as readonly string[]).includes(name)) {
    throw new Error(
      `--kernel: expected one of ${KERNELS.join(', ')}, got '${name ?? ''}' (${usage})`,
    );
  }
  argv.splice(i, 2);
  return name as KernelName;
}

/**
 * This process's environment with `extra` added, the venv and node_modules/.bin first on PATH
 * (before `extra.PATH` when given, e.g. another Node line's).
 */
export function jupyterEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const paths = [path.join(VENV, 'bin'), path.join(ROOT, 'node_modules', '.bin')];
  return {
    ...process.env,
    ...extra,
    PATH: [...paths, extra.PATH ?? process.env.PATH ?? ''].join(path.delimiter),
    JUPYTER_PLATFORM_DIRS: '1',
  };
}

/** Creates or refreshes the project venv with Jupyter and the tslab kernel (scripts/setup-python.sh). */
export function setupPython(): void {
  if (!run('bash', [path.join(ROOT, 'scripts', 'setup-python.sh')])) {
    throw new Error('scripts/setup-python.sh failed (see above)');
  }
}

/**
 * The dataset folder: CIFAR10_DIR when set, else data/cifar-10-batches-bin (downloaded there with
 * npm run get-data when missing and `download` is true). Checks the six batch files are there.
 *
 * @throws Error naming the folder and the missing file
 */
export function ensureDataset(tag: string, download = true): string {
  let dir = process.env.CIFAR10_DIR || '';
  if (dir === '') {
    dir = defaultCIFAR10Dir();
    if (download && !fs.existsSync(path.join(dir, CIFAR10_FILES[CIFAR10_FILES.length - 1]))) {
      console.error(`[${tag}] CIFAR-10 not found in ${dir}: npm run get-data`);
      if (!run('npm', ['run', 'get-data'])) throw new Error('npm run get-data failed (see above)');
    }
  }
  for (const name of CIFAR10_FILES) {
    if (!fs.existsSync(path.join(dir, name))) {
      throw new Error(
        `${path.join(dir, name)} is missing (set CIFAR10_DIR to the cifar-10-batches-bin folder)`,
      );
    }
  }
  return path.resolve(dir);
}

/**
 * Runs every cell of `notebook` on `kernel` (whatever kernel its metadata names) with real
 * nbconvert/nbclient, writing the executed copy to `<outDir>/<name>.ipynb`; false when a cell
 * fails (nbconvert stops there). On Deno's kernel the cells run through
 * jupyter/nbconvert/late_output (nbconvert's executor, waiting for the output Deno sends after a
 * cell's idle status, which nbconvert would drop).
 */
export function executeNotebook(
  notebook: string,
  outDir: string,
  env: NodeJS.ProcessEnv = {},
  kernel: KernelName = 'tslab',
): boolean {
  const lateOutput = path.join(ROOT, 'jupyter', 'nbconvert', 'late_output');
  const execute =
    kernel === 'deno'
      ? [
          '--NotebookExporter.preprocessors=["late_output.LateOutputExecutePreprocessor"]',
          '--LateOutputExecutePreprocessor.enabled=True',
        ]
      : ['--execute'];
  return run(
    path.join(VENV, 'bin', 'jupyter'),
    [
      'nbconvert',
      '--to',
      'notebook',
      ...execute,
      `--ExecutePreprocessor.kernel_name=${kernel}`,
      '--ExecutePreprocessor.timeout=14400',
      '--ExecutePreprocessor.startup_timeout=300',
      '--output-dir',
      outDir,
      notebook,
    ],
    { env: jupyterEnv(kernel === 'deno' ? { PYTHONPATH: lateOutput, ...env } : env) },
  );
}

/** The `.ipynb` files of notebooks/assignment1/, then of notebooks/assignment2/, each sorted. */
export function allNotebooks(): string[] {
  return ['assignment1', 'assignment2']
    .map((a) => path.join('notebooks', a))
    .flatMap((sub) => {
      const dir = path.join(ROOT, sub);
      if (!fs.existsSync(dir)) return [];
      return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.ipynb'))
        .sort()
        .map((f) => path.join(dir, f));
    });
}
