/**
 * `npm run test:notebooks`: executes every notebook in notebooks/ (notebooks/*.ipynb) on the tslab
 * kernel with real Jupyter (jupyter nbconvert --execute) and the reduced budget (CS231N_BUDGET=ci),
 * writing the executed copies and their offline HTML exports to artifacts/notebooks/ (never over
 * the committed notebooks), then prints each one's accuracies. A notebook fails when a cell fails
 * or shows an error output. Ends with `notebooks: N passed, N failed`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allNotebooks, ensureDataset, executeNotebook, setupPython } from './common/jupyter';
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
  /** Added to the kernel's environment (another Node line's, from scripts/common/nodeLines.ts). */
  env?: NodeJS.ProcessEnv;
  /** Where the executed copies go. Default NOTEBOOK_OUT_DIR, else artifacts/notebooks. */
  outDir?: string;
}

/** Sets up Jupyter and the dataset, then executes and checks every notebook. */
export function testNotebooks(options: TestNotebooksOptions = {}): NotebookRun[] {
  const budget = process.env.CS231N_BUDGET || 'ci';
  const outDir =
    options.outDir || process.env.NOTEBOOK_OUT_DIR || path.join(ROOT, 'artifacts', 'notebooks');
  setupPython();
  const dataDir = ensureDataset('test-notebooks');
  fs.mkdirSync(outDir, { recursive: true });
  const notebooks = allNotebooks();
  if (notebooks.length === 0) throw new Error('no notebooks in notebooks/');
  return notebooks.map((notebook) => {
    const name = path.basename(notebook, '.ipynb');
    console.error(`[test-notebooks] ${name} (budget ${budget})`);
    const start = Date.now();
    const executed = path.join(outDir, `${name}.ipynb`);
    fs.rmSync(executed, { force: true });
    let ok =
      executeNotebook(notebook, outDir, {
        ...options.env,
        CS231N_BUDGET: budget,
        CIFAR10_DIR: dataDir,
      }) &&
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
    const runs = testNotebooks();
    const passed = runs.filter((r) => r.ok).length;
    console.log(`notebooks: ${passed} passed, ${runs.length - passed} failed`);
    process.exitCode = passed === runs.length ? 0 : 1;
  } catch (err) {
    console.error(`[test-notebooks] error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
