import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vitestCounts } from '../../scripts/common/backends';
import { readReport } from '../../scripts/notebook-report';
import { makeTempDir } from '../helpers/cifarFixture';

const dir = makeTempDir('notebook-report-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const stream = (text: string | string[], name = 'stdout') => ({
  output_type: 'stream',
  name,
  text,
});

describe('readReport', () => {
  it('collects the headline accuracies, not the sweep lines', () => {
    const file = write('ok.ipynb', {
      cells: [
        { cell_type: 'markdown', source: ['Test set accuracy: 0.9'] },
        {
          cell_type: 'code',
          outputs: [
            stream(['(Iteration 1 / 10) loss: 2.3\n', 'Solver: best validation accuracy 0.511\n']),
          ],
        },
        {
          cell_type: 'code',
          outputs: [
            stream('lr : 0.0004, reg : 3, accuracy : 0.491\nbest validation accuracy: 0.536\n'),
          ],
        },
        {
          cell_type: 'code',
          outputs: [stream('Validation set accuracy:  0.536\nTest set accuracy:  0.521\n')],
        },
        {
          cell_type: 'code',
          outputs: [
            stream('Got 137 / 500 correct => accuracy: 0.274000\nk = 5, accuracy = 0.28\n'),
          ],
        },
        {
          cell_type: 'code',
          outputs: [stream('lr 1e-07 reg 2.5e+04 train accuracy: 0.38 val accuracy: 0.39\n')],
        },
        {
          cell_type: 'code',
          outputs: [stream('linear SVM on raw pixels final test set accuracy: 0.370000\n')],
        },
      ],
    });
    expect(readReport(file)).toEqual({
      errors: [],
      accuracies: [
        'Solver: best validation accuracy 0.511',
        'best validation accuracy: 0.536',
        'Validation set accuracy: 0.536',
        'Test set accuracy: 0.521',
        'Got 137 / 500 correct => accuracy: 0.274000',
        'linear SVM on raw pixels final test set accuracy: 0.370000',
      ],
    });
  });

  it('reports error outputs and stderr streams with their cell', () => {
    const file = write('bad.ipynb', {
      cells: [
        { cell_type: 'code', outputs: [stream('fine\n')] },
        {
          cell_type: 'code',
          outputs: [{ output_type: 'error', ename: 'TypeError', evalue: 'x is undefined' }],
        },
        { cell_type: 'code', outputs: [stream('1:7 - Cannot find name y\n', 'stderr')] },
      ],
    });
    expect(readReport(file).errors).toEqual([
      'cell 1: TypeError: x is undefined',
      'cell 2: stderr: 1:7 - Cannot find name y\n',
    ]);
  });
});

describe('vitestCounts', () => {
  it('reads the counts of a vitest JSON report, null when missing or malformed', () => {
    expect(vitestCounts(write('r.json', { numPassedTests: 12, numFailedTests: 1 }))).toEqual({
      passed: 12,
      failed: 1,
    });
    expect(vitestCounts(write('half.json', '{"numPassedTests": 1'))).toBeNull();
    expect(vitestCounts(write('other.json', { passed: 1 }))).toBeNull();
    expect(vitestCounts(path.join(dir, 'missing.json'))).toBeNull();
  });
});
