import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTEBOOK_METADATA, notebookText, stableNotebook } from '../../scripts/stable-notebook';

const NOTEBOOK = path.join(
  __dirname,
  '..',
  '..',
  'notebooks',
  'assignment1',
  'two_layer_net.ipynb',
);

describe('stable notebook metadata (npm run notebook -- --in-place)', () => {
  it('drops run timestamps and fixes the kernel metadata, keeping everything else', () => {
    const nb = {
      cells: [
        {
          cell_type: 'code',
          id: 'a',
          metadata: { execution: { 'iopub.status.busy': '2026-01-01T00:00:00Z' }, tags: ['x'] },
          outputs: [{ output_type: 'stream', name: 'stdout', text: ['hi\n'] }],
          execution_count: 3,
          source: ['1 + 1'],
        },
      ],
      metadata: { kernelspec: { name: 'other' }, language_info: { version: '5.9.3' }, extra: 1 },
      nbformat: 4,
      nbformat_minor: 5,
    };
    const out = stableNotebook(nb);
    expect(out.cells[0].metadata).toEqual({ tags: ['x'] });
    expect(out.cells[0].execution_count).toBe(3);
    expect(out.cells[0].outputs).toEqual(nb.cells[0].outputs);
    expect(out.metadata).toEqual({ ...NOTEBOOK_METADATA, extra: 1 });
    expect(nb.cells[0].metadata.execution).toBeDefined(); // the input is not changed
    expect(() => stableNotebook({} as never)).toThrow(/stableNotebook: expected a notebook object/);
  });

  it('writes the bytes nbformat writes (the committed notebook round-trips unchanged)', () => {
    const text = fs.readFileSync(NOTEBOOK, 'utf8');
    expect(notebookText(JSON.parse(text))).toBe(text);
  });

  it('leaves the committed notebook without run timestamps', () => {
    const nb = JSON.parse(fs.readFileSync(NOTEBOOK, 'utf8'));
    expect(notebookText(stableNotebook(nb))).toBe(notebookText(nb));
  });
});
