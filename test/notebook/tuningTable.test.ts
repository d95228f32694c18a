import { describe, expect, it } from 'vitest';
import { shortNumber, tuningTable, tuningTitle } from '../../lib/notebook/tuningTable';

describe('shortNumber', () => {
  it('formats hyperparameters shortly', () => {
    expect([1e-6, 4e-4, 1e-3, 0.04, 0.5, 4, 1e5].map(shortNumber)).toEqual([
      '1e-6',
      '4e-4',
      '1e-3',
      '0.04',
      '0.5',
      '4',
      '1e5',
    ]);
  });

  it('keeps zero, negatives and non-finite values readable', () => {
    expect([0, -2e-3, -0.25, Number.NaN, Number.POSITIVE_INFINITY].map(shortNumber)).toEqual([
      '0',
      '-2e-3',
      '-0.25',
      'NaN',
      'Infinity',
    ]);
  });
});

describe('tuningTable', () => {
  const runs = [
    { learningRate: 1e-2, reg: 0.1, valAcc: 0.3 },
    { learningRate: 1e-3, reg: 1, valAcc: 0.45 },
    { learningRate: 1e-3, reg: 0.1, valAcc: 0.45 },
    { learningRate: 1e-2, reg: 0.1, valAcc: 0.35 },
  ];

  it('sorts by learning rate then reg and marks the first best run', () => {
    const t = tuningTable(runs);
    expect(t.sorted.map((r) => [r.learningRate, r.reg])).toEqual([
      [1e-3, 0.1],
      [1e-3, 1],
      [1e-2, 0.1],
      [1e-2, 0.1],
    ]);
    // the two runs at 0.45 tie: the first one given is the best
    expect(t.best).toBe(runs[1]);
    expect(t.header).toEqual(['learning rate', 'reg', 'val acc']);
    expect(t.rows[1]).toEqual(['1e-3', '1', '0.450 (best)']);
    expect(t.rows[0]).toEqual(['1e-3', '0.1', '0.450']);
  });

  it('maps the best val acc per (reg, lr) cell, null where no run was made', () => {
    const t = tuningTable(runs);
    expect(t.lrs).toEqual([1e-3, 1e-2]);
    expect(t.regs).toEqual([0.1, 1]);
    expect(t.z).toEqual([
      [0.45, 0.35],
      [0.45, null],
    ]);
  });

  it('adds a column for each optional field that any run has', () => {
    const t = tuningTable([
      { learningRate: 1e-3, reg: 0, valAcc: 0.5, hiddenDim: 100, trainAcc: 0.6125 },
      { learningRate: 1e-4, reg: 0, valAcc: 0.4 },
    ]);
    expect(t.header).toEqual(['learning rate', 'reg', 'hidden', 'train acc', 'val acc']);
    expect(t.rows).toEqual([
      ['1e-4', '0', '', '', '0.400'],
      ['1e-3', '0', '100', '0.613', '0.500 (best)'],
    ]);
  });
});

describe('tuningTitle', () => {
  it('names the best run', () => {
    expect(tuningTitle({ learningRate: 5e-4, reg: 0.25, valAcc: 0.4567 })).toBe(
      'Hyperparameter sweep: best val acc 0.457 (lr 5e-4, reg 0.25)',
    );
  });
});
