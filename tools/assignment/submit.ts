/**
 * npm run submit [-- --out FILE]: packs what the course collects: one zip (default
 * submission.zip at the project root) with the lib/ sources (no build output) and every notebook
 * in notebooks/, executed, with its HTML export (made here with scripts/export-notebook-html.ts),
 * and beside it one PDF of all the notebooks in the course's order (submitPdf.ts; FILE with .pdf
 * for .zip), printed by a local Chromium. Without a browser it says in one line how to get one and
 * still writes the zip.
 *
 * Refuses, naming the notebook and the cell, when a notebook was not executed (a code cell that
 * has no execution count, no recorded timing and no output) or holds an error (an error output,
 * or anything the kernel wrote to stderr: tslab reports failing cells and unwritten functions
 * there).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { cellText, type Notebook } from './notebook';
import { findChromium, NO_BROWSER, submissionPdf } from './submitPdf';

/** Why a notebook cannot be submitted, or null when it can. */
export function notebookProblem(nb: Notebook, file: string): string | null {
  for (const [i, cell] of nb.cells.entries()) {
    if (cell.cell_type !== 'code' || cellText(cell).trim() === '') continue;
    // Executed: Jupyter gave it a count, nbclient recorded its timing, or it printed something
    // (tslab run by nbconvert leaves counts empty; a cell with neither ran nowhere).
    const ran =
      typeof cell.execution_count === 'number' ||
      cell.metadata?.execution !== undefined ||
      (cell.outputs ?? []).length > 0;
    if (!ran) {
      return `${file} was not executed (cell ${i + 1} has not run): run every cell, e.g. with npm run notebook, then submit again`;
    }
    for (const out of (cell.outputs ?? []) as Record<string, unknown>[]) {
      if (out.output_type === 'error') {
        return `${file} holds an error in cell ${i + 1} (${out.ename}: ${out.evalue}): fix it, re-run the notebook, then submit again`;
      }
      if (out.output_type === 'stream' && out.name === 'stderr') {
        const text = Array.isArray(out.text) ? out.text.join('') : String(out.text ?? '');
        const first = text.trim().split('\n')[0];
        return `${file} holds an error in cell ${i + 1} (${first}): fix it, re-run the notebook, then submit again`;
      }
    }
  }
  return null;
}

/** Files under a folder, relative paths, sorted; skips build output and dependencies. */
function listSources(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = path.posix.join(rel, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'build' && e.name !== 'node_modules') walk(p);
      } else if (e.isFile()) {
        out.push(p);
      }
    }
  };
  walk(dir);
  return out.sort();
}

/** Exports a notebook to HTML (the project's exporter); returns the page. */
export type HtmlExporter = (notebook: string, outFile: string) => void;

function defaultExporter(root: string): HtmlExporter {
  return (notebook, outFile) => {
    const mod = require(path.join(root, 'scripts', 'export-notebook-html')) as {
      exportNotebookHtml(n: string, o: string): string;
    };
    mod.exportNotebookHtml(notebook, outFile);
  };
}

/**
 * Builds the submission zip.
 *
 * @param root the project
 * @param exporter makes each notebook's HTML page (default: scripts/export-notebook-html.ts)
 * @returns the zip's bytes and its file names
 * @throws Error with the reason when a notebook was not executed or holds an error
 */
export function buildSubmission(
  root: string,
  exporter: HtmlExporter = defaultExporter(root),
): { zip: Uint8Array; names: string[] } {
  const nbDir = path.join(root, 'notebooks');
  const notebooks = fs.existsSync(nbDir)
    ? fs
        .readdirSync(nbDir)
        .filter((f) => f.endsWith('.ipynb'))
        .sort()
    : [];
  if (notebooks.length === 0) throw new Error('submit: no notebooks in notebooks/');
  const files: Record<string, Uint8Array> = {};
  for (const f of listSources(root, 'lib')) files[f] = fs.readFileSync(path.join(root, f));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs231n-submit-'));
  try {
    for (const name of notebooks) {
      const rel = `notebooks/${name}`;
      const text = fs.readFileSync(path.join(root, rel), 'utf8');
      const problem = notebookProblem(JSON.parse(text) as Notebook, rel);
      if (problem) throw new Error(`submit: ${problem}`);
      files[rel] = Buffer.from(text);
      const html = path.join(tmp, name.replace(/\.ipynb$/, '.html'));
      try {
        exporter(path.join(root, rel), html);
      } catch (e) {
        throw new Error(
          `submit: could not export ${rel} to HTML (${(e as Error).message.split('\n')[0]}); npm run setup:python sets up nbconvert`,
        );
      }
      files[rel.replace(/\.ipynb$/, '.html')] = fs.readFileSync(html);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  // A fixed date: the same work gives the same zip.
  const mtime = new Date(Date.UTC(2000, 0, 1));
  const names = Object.keys(files).sort();
  const zip = zipSync(Object.fromEntries(names.map((n) => [n, [files[n], { mtime }]])), {
    level: 6,
  });
  return { zip, names };
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('usage: npm run submit [-- --out FILE]   (default FILE: submission.zip)');
    return;
  }
  const root = path.resolve(__dirname, '..', '..');
  const i = argv.indexOf('--out');
  const out = path.resolve(i >= 0 && argv[i + 1] ? argv[i + 1] : path.join(root, 'submission.zip'));
  let notebooks: string[];
  try {
    const built = buildSubmission(root);
    notebooks = built.names.filter((n) => n.endsWith('.ipynb')).map((n) => path.join(root, n));
    const tmp = `${out}.partial`;
    fs.writeFileSync(tmp, built.zip);
    fs.renameSync(tmp, out);
    console.log(
      `submit: wrote ${out} (${built.names.length} files, ${Math.round(built.zip.length / 1024)} KiB)`,
    );
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
  const pdf = `${out.replace(/\.zip$/i, '')}.pdf`;
  const chromium = findChromium();
  if (!chromium) {
    console.error(NO_BROWSER);
    console.log('upload the zip as your submission');
    return;
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cs231n-pdf-'));
  try {
    const made = await submissionPdf(notebooks, pdf, chromium, scratch, defaultExporter(root));
    console.log(`submit: wrote ${pdf} (${made.pages} pages: ${made.notebooks.join(', ')})`);
    console.log('upload the zip and the PDF as your submission');
  } catch (e) {
    console.error(
      `submit: could not print the PDF (${(e as Error).message.split('\n')[0]}); the zip is written`,
    );
    process.exit(1);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) void main(process.argv.slice(2));
