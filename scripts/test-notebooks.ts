/**
 * `npm run test:notebooks [-- --kernel deno]`: executes every notebook (notebooks/assignment1/*.ipynb
 * and notebooks/assignment2/*.ipynb) on the tslab kernel (or Deno's) with real Jupyter (jupyter
 * nbconvert --execute) and the reduced budget (CS231N_BUDGET=ci), writing the executed copies and
 * their offline HTML exports to artifacts/notebooks/ (artifacts/notebooks-deno/ for Deno; never over
 * the committed notebooks), then prints each one's accuracies. The notebooks are the same files on
 * both kernels (nbconvert is told the kernel). A notebook fails when a cell fails or shows an error
 * output. Ends with `notebooks: N passed, N failed`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  allNotebooks,
  ensureDataset,
  executeNotebook,
  type KernelName,
  setupPython,
  takeKernelOption,
} from './common/jupyter';
import { ROOT } from './common/run';
import { exportNotebookHtml } from './export-notebook-html';
import { printReports } from './notebook-report';

/** The outcome of each notebook, in order. */
export interface NotebookRun {
  name: string;
  ok: boolean;
}

/** Options of {@link testNotebooks}. */
export interface TestNotebooksOptions {
  /** The kernel: tslab (the default) or Deno's. */
  kernel?: KernelName;
  /** Added to the kernel's environment (another Node line's, from scripts/common/nodeLines.ts). */
  env?: NodeJS.ProcessEnv;
  /** Where the executed copies go. Default NOTEBOOK_OUT_DIR, else artifacts/notebooks (-deno). */
  outDir?: string;
}

/** Sets up Jupyter and the dataset, then executes and checks every notebook on the kernel. */
export function testNotebooks(options: TestNotebooksOptions = {}): NotebookRun[] {
  const kernel = options.kernel ?? 'tslab';
  const budget = process.env.CS231N_BUDGET || 'ci';
  const outDir =
    options.outDir ||
    process.env.NOTEBOOK_OUT_DIR ||
    path.join(ROOT, 'artifacts', kernel === 'tslab' ? 'notebooks' : `notebooks-${kernel}`);
  setupPython();
  const dataDir = ensureDataset('test-notebooks');
  fs.mkdirSync(outDir, { recursive: true });
  const notebooks = allNotebooks();
  if (notebooks.length === 0) throw new Error('no notebooks in notebooks/');
  return notebooks.map((notebook) => {
    const name = path.basename(notebook, '.ipynb');
    console.error(`[test-notebooks] ${name} (budget ${budget}, kernel ${kernel})`);
    const start = Date.now();
    const executed = path.join(outDir, `${name}.ipynb`);
    fs.rmSync(executed, { force: true });
    let ok =
      executeNotebook(
        notebook,
        outDir,
        { ...options.env, CS231N_BUDGET: budget, CIFAR10_DIR: dataDir },
        kernel,
      ) &&
      fs.existsSync(executed) &&
      printReports([executed]);
    if (ok) {
      try {
        exportNotebookHtml(executed, path.join(outDir, `${name}.html`));
      } catch (err) {
        console.error(`[test-notebooks] ${name}: ${err instanceof Error ? err.message : err}`);
        ok = false;
      }
    }
    const seconds = Math.round((Date.now() - start) / 1000);
    console.error(`[test-notebooks] ${ok ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)`);
    return { name, ok };
  });
}

if (require.main === module) {
  try {
    const argv = process.argv.slice(2);
    const kernel = takeKernelOption(argv, 'usage: npm run test:notebooks -- [--kernel tslab|deno]');
    if (argv.length > 0) throw new Error(`unknown argument ${argv[0]}`);
    const runs = testNotebooks({ kernel });
    const passed = runs.filter((r) => r.ok).length;
    console.log(`notebooks (${kernel}): ${passed} passed, ${runs.length - passed} failed`);
    process.exitCode = passed === runs.length ? 0 : 1;
  } catch (err) {
    console.error(`[test-notebooks] error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
