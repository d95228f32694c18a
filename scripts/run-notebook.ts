/**
 * `npm run notebook [-- NOTEBOOK]`: executes notebooks/two_layer_net.ipynb (or NOTEBOOK) headlessly
 * on the tslab kernel (jupyter nbconvert --execute), exports it to offline HTML and prints the
 * accuracies it reports.
 *
 * Works on a fresh clone: package.json runs npm install first when node_modules is missing; this
 * sets up the project venv (scripts/setup-python.sh) and finds the dataset (CIFAR10_DIR, else
 * data/cifar-10-batches-bin, else npm run get-data).
 *
 * Budget (CS231N_BUDGET): unset or 'full' runs the assignment's budget and writes the executed
 * notebook in place (the committed copy carries a full run); 'ci' writes it to artifacts/notebooks/
 * and leaves the committed notebook alone. NOTEBOOK_OUT_DIR overrides where the notebook goes.
 * The HTML export goes to artifacts/<name>.html.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureDataset, executeNotebook, setupPython } from './common/jupyter';
import { ROOT } from './common/run';
import { exportNotebookHtml } from './export-notebook-html';
import { printReports, readReport } from './notebook-report';

function main(): number {
  const notebook = path.resolve(
    process.argv[2] ?? path.join(ROOT, 'notebooks', 'two_layer_net.ipynb'),
  );
  if (!fs.existsSync(notebook)) throw new Error(`${notebook} does not exist`);
  const name = path.basename(notebook, '.ipynb');
  const budget = process.env.CS231N_BUDGET || 'full';
  const outDir =
    process.env.NOTEBOOK_OUT_DIR ||
    (budget === 'full' ? path.dirname(notebook) : path.join(ROOT, 'artifacts', 'notebooks'));

  setupPython();
  const dataDir = ensureDataset('notebook');
  console.error(`[notebook] ${notebook}, budget ${budget}, CIFAR10_DIR=${dataDir}`);

  // Executed into a temp folder, then moved into place: never a half-written notebook.
  const artifacts = path.join(ROOT, 'artifacts');
  fs.mkdirSync(outDir, { recursive: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(artifacts, '.run-'));
  try {
    const start = Date.now();
    const ok = executeNotebook(notebook, tmp, { CS231N_BUDGET: budget, CIFAR10_DIR: dataDir });
    console.error(`[notebook] executed in ${Math.round((Date.now() - start) / 1000)} s`);
    const executed = path.join(tmp, `${name}.ipynb`);
    if (!ok || !fs.existsSync(executed)) return 1;
    const { errors } = readReport(executed);
    if (errors.length > 0) {
      printReports([executed]);
      return 1;
    }
    const out = path.join(outDir, `${name}.ipynb`);
    fs.renameSync(executed, out);
    const kib = Math.round(fs.statSync(out).size / 1024);
    console.error(`[notebook] wrote ${out} (${kib} KiB)`);
    const html = exportNotebookHtml(out, path.join(artifacts, `${name}.html`));
    console.error(`[notebook] wrote ${html}`);
    printReports([out]);
    return 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`[notebook] error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
