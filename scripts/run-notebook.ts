/**
 * `npm run notebook [-- --kernel deno] [-- --in-place] [-- NOTEBOOK]`: executes
 * notebooks/assignment1/two_layer_net.ipynb (or NOTEBOOK) headlessly on the tslab kernel, or
 * Deno's with `--kernel deno` (jupyter nbconvert --execute), exports it to offline HTML and prints
 * the accuracies it reports.
 *
 * Works on a fresh clone: package.json runs npm install first when node_modules is missing; this
 * sets up the project venv (scripts/setup-python.sh) and finds the dataset (CIFAR10_DIR, else
 * data/cifar-10-batches-bin, else npm run get-data).
 *
 * The executed notebook goes to artifacts/notebooks/ (NOTEBOOK_OUT_DIR overrides), so the git tree
 * stays clean. With --in-place it replaces the notebook itself instead, without run timestamps and
 * with fixed kernel metadata (./stable-notebook): that is how the committed copy, a full run, is
 * refreshed. Budget: CS231N_BUDGET, 'full' (default) or 'ci'. The HTML export goes to
 * artifacts/<name>.html.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ensureDataset,
  executeNotebook,
  type KernelName,
  setupPython,
  takeKernelOption,
} from './common/jupyter';
import { ROOT } from './common/run';
import { exportNotebookHtml } from './export-notebook-html';
import { printReports, readReport } from './notebook-report';
import { notebookText, stableNotebook } from './stable-notebook';

const USAGE = 'usage: npm run notebook -- [--kernel tslab|deno] [--in-place] [NOTEBOOK]';

/** `[--kernel tslab|deno] [--in-place] [NOTEBOOK]` */
function parseArgs(argv: string[]): { kernel: KernelName; inPlace: boolean; notebook: string } {
  argv = [...argv];
  const kernel = takeKernelOption(argv, USAGE);
  let inPlace = false;
  let notebook = path.join(ROOT, 'notebooks', 'assignment1', 'two_layer_net.ipynb');
  for (const arg of argv) {
    if (arg === '--in-place') inPlace = true;
    else if (arg.startsWith('-')) {
      throw new Error(`unknown option ${arg} (${USAGE})`);
    } else notebook = arg;
  }
  return { kernel, inPlace, notebook: path.resolve(notebook) };
}

function main(): number {
  const { kernel, inPlace, notebook } = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(notebook)) throw new Error(`${notebook} does not exist`);
  const name = path.basename(notebook, '.ipynb');
  const budget = process.env.CS231N_BUDGET || 'full';
  const outDir = inPlace
    ? path.dirname(notebook)
    : process.env.NOTEBOOK_OUT_DIR || path.join(ROOT, 'artifacts', 'notebooks');

  setupPython();
  const dataDir = ensureDataset('notebook');
  console.error(
    `[notebook] ${notebook}, kernel ${kernel}, budget ${budget}, CIFAR10_DIR=${dataDir}`,
  );

  // Executed into a temp folder, then moved into place: never a half-written notebook.
  const artifacts = path.join(ROOT, 'artifacts');
  fs.mkdirSync(outDir, { recursive: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(artifacts, '.run-'));
  try {
    const start = Date.now();
    const ok = executeNotebook(
      notebook,
      tmp,
      { CS231N_BUDGET: budget, CIFAR10_DIR: dataDir },
      kernel,
    );
    console.error(`[notebook] executed in ${Math.round((Date.now() - start) / 1000)} s`);
    const executed = path.join(tmp, `${name}.ipynb`);
    if (!ok || !fs.existsSync(executed)) return 1;
    const { errors } = readReport(executed);
    if (errors.length > 0) {
      printReports([executed]);
      return 1;
    }
    if (inPlace) {
      const nb = stableNotebook(JSON.parse(fs.readFileSync(executed, 'utf8')));
      fs.writeFileSync(executed, notebookText(nb));
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
