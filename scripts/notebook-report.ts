/**
 * What an executed notebook says: its errors and its headline accuracies.
 *
 *   tsx scripts/notebook-report.ts <executed.ipynb> ...
 *
 * prints, for each notebook, the error outputs (status 1 if any) and the accuracy lines it printed.
 * tslab reports a failing cell as a stderr stream (with an error execute_reply), so stderr output
 * counts as an error too. Used by npm run notebook and npm run test:notebooks.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}
interface NotebookCell {
  cell_type: string;
  outputs?: NotebookOutput[];
}

/** What `readReport` found in one executed notebook. */
export interface NotebookReport {
  /** One line per error output: `cell 12: TypeError: ...`. */
  errors: string[];
  /** The headline accuracy lines, in order, whitespace collapsed. */
  accuracies: string[];
}

/**
 * The lines worth a summary: the final accuracies of the assignment's notebooks (two_layer_net,
 * knn, svm, softmax, features), not the lines of a hyperparameter sweep.
 */
const HEADLINES = [
  /^Solver: best validation accuracy\b/i,
  /^best validation accuracy\b/i,
  /^validation set accuracy\b/i,
  /\btest set accuracy\b/i,
  /^Got \d+ \/ \d+ correct => accuracy\b/,
];

function text(t: string | string[] | undefined): string {
  return Array.isArray(t) ? t.join('') : (t ?? '');
}

/** Reads `file` (an executed .ipynb) and collects its errors and headline accuracy lines. */
export function readReport(file: string): NotebookReport {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: NotebookCell[] };
  const errors: string[] = [];
  const accuracies: string[] = [];
  nb.cells.forEach((cell, i) => {
    for (const out of cell.outputs ?? []) {
      if (out.output_type === 'error') {
        errors.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
      } else if (out.output_type === 'stream' && out.name === 'stderr') {
        errors.push(`cell ${i}: stderr: ${text(out.text).slice(0, 2000)}`);
      } else if (out.output_type === 'stream' && cell.cell_type === 'code') {
        for (const line of text(out.text).split('\n')) {
          const l = line.trim().replace(/\s+/g, ' ');
          if (/\d/.test(l) && HEADLINES.some((re) => re.test(l))) accuracies.push(l);
        }
      }
    }
  });
  return { errors, accuracies };
}

/** Prints the report of each notebook; false when any holds an error. */
export function printReports(files: string[]): boolean {
  let clean = true;
  for (const file of files) {
    const { errors, accuracies } = readReport(file);
    const name = path.basename(file, '.ipynb');
    for (const line of accuracies) console.log(`${name}: ${line}`);
    for (const line of errors) console.log(`${name}: ERROR ${line}`);
    if (errors.length > 0) clean = false;
  }
  return clean;
}

if (require.main === module) {
  const files = process.argv.slice(2);
  if (files.length === 0 || files.includes('--help')) {
    console.log('usage: tsx scripts/notebook-report.ts <executed.ipynb> ...');
    process.exit(files.length === 0 ? 2 : 0);
  }
  process.exitCode = printReports(files) ? 0 : 1;
}
