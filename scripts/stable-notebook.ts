/**
 * Makes an executed notebook stable for committing: the same run written twice gives the same
 * file apart from its outputs. nbclient records when each cell started and ended
 * (`metadata.execution`), and the kernel reports its own version in `language_info`; both change
 * on every run and say nothing about the results, so they are dropped or fixed here.
 *
 *   tsx scripts/stable-notebook.ts <in.ipynb> <out.ipynb>
 */
import * as fs from 'node:fs';

/** The kernel metadata every committed notebook carries. */
export const NOTEBOOK_METADATA = {
  kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
  language_info: {
    codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
    file_extension: '.ts',
    mimetype: 'text/typescript',
    name: 'typescript',
  },
};

interface Cell {
  cell_type: string;
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A copy of `nb` without run timestamps and with the fixed kernel metadata. */
export function stableNotebook(nb: { cells: Cell[]; metadata?: Record<string, unknown> }): {
  cells: Cell[];
  metadata: Record<string, unknown>;
} {
  if (typeof nb !== 'object' || nb === null || !Array.isArray(nb.cells)) {
    throw new TypeError('stableNotebook: expected a notebook object with a cells array');
  }
  const cells = nb.cells.map((cell) => {
    const { execution: _timing, ...metadata } = cell.metadata ?? {};
    return { ...cell, metadata };
  });
  return { ...nb, cells, metadata: { ...(nb.metadata ?? {}), ...NOTEBOOK_METADATA } };
}

/** `value` with the keys of every object in sorted order (arrays keep their order). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    out[key] = sortedKeys((value as Record<string, unknown>)[key]);
  }
  return out;
}

/**
 * The notebook text as nbformat writes it (keys sorted, 1-space indent, non-ASCII kept, final
 * newline), so that saving from JupyterLab and from this script give the same bytes.
 */
export function notebookText(nb: unknown): string {
  return `${JSON.stringify(sortedKeys(nb), null, 1)}\n`;
}

if (require.main === module) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: tsx scripts/stable-notebook.ts <in.ipynb> <out.ipynb>');
    process.exit(2);
  }
  const nb = stableNotebook(JSON.parse(fs.readFileSync(input, 'utf8')));
  fs.writeFileSync(`${output}.partial`, notebookText(nb));
  fs.renameSync(`${output}.partial`, output);
}
