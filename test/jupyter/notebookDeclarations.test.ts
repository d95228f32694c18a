/**
 * The notebooks run unchanged on both kernels: no top-level name changes its declaration kind from
 * one cell to a later one (Deno's kernel rejects that, see ../helpers/notebookDeclarations).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { declarationKindChanges, topLevelDeclarations } from '../helpers/notebookDeclarations';

const dir = path.resolve(__dirname, '..', '..', 'notebooks', 'assignment1');
const notebooks = fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb'));

function codeCells(file: string): Array<{ index: number; source: string }> {
  const nb = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
    cells: Array<{ cell_type: string; source: string | string[] }>;
  };
  return nb.cells.flatMap((c, index) =>
    c.cell_type === 'code'
      ? [{ index, source: Array.isArray(c.source) ? c.source.join('') : c.source }]
      : [],
  );
}

describe('top-level declarations of the notebooks', () => {
  it('are read from every kind of statement', () => {
    const src = [
      'const [a, , { b, c: [d] }] = f();',
      'let e = 1, g;',
      'var h;',
      'function k() { const inner = 1; }',
      'class M {}',
      'if (x) { let notTopLevel = 1; }',
    ].join('\n');
    expect(topLevelDeclarations(src)).toEqual([
      ['a', 'const'],
      ['b', 'const'],
      ['d', 'const'],
      ['e', 'let'],
      ['g', 'let'],
      ['h', 'var'],
      ['k', 'function'],
      ['M', 'class'],
    ]);
  });

  it('changes of kind are found, the same kind again is not one', () => {
    const cells = [
      { index: 1, source: 'let model = 1;\nconst n = 2;' },
      { index: 4, source: 'const model = 3;\nconst n = 4;' },
      { index: 6, source: 'function model() {}' },
    ];
    expect(declarationKindChanges(cells)).toEqual([
      "'model': let (cell 1), then const (cell 4)",
      "'model': const (cell 4), then function (cell 6)",
    ]);
  });

  it('notebooks/assignment1/ holds the five notebooks', () => {
    expect(notebooks.sort()).toEqual([
      'features.ipynb',
      'knn.ipynb',
      'softmax.ipynb',
      'svm.ipynb',
      'two_layer_net.ipynb',
    ]);
  });

  for (const file of notebooks) {
    it(`${file}: every name keeps its kind of declaration across cells`, () => {
      expect(declarationKindChanges(codeCells(file))).toEqual([]);
    });
  }
});
