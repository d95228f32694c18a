/**
 * The data behind the sweep view, shared by the Plotly figure and the static SVG: the runs as
 * table rows (sorted by learning rate, then regularisation, as the assignment prints them) and the
 * validation accuracy over a learning rate x regularisation grid.
 */
import type { TuningResult } from './figures';

/** Short display of a hyperparameter: 0.001 -> '1e-3', 0.5 -> '0.5', 4 -> '4'. */
export function shortNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e4)) {
    return v.toExponential().replace('e+', 'e');
  }
  return String(Number(v.toPrecision(6)));
}

/** The sweep as a table and a grid. */
export interface TuningTable {
  /** runs sorted by learning rate, then reg */
  sorted: TuningResult[];
  /** the run with the highest validation accuracy (the first on ties) */
  best: TuningResult;
  /** column headers */
  header: string[];
  /** cell texts, one array per row of `sorted` */
  rows: string[][];
  /** distinct learning rates, ascending (grid columns) */
  lrs: number[];
  /** distinct regularisation strengths, ascending (grid rows) */
  regs: number[];
  /** z[reg][lr]: best val acc of the runs in that cell, null where none ran */
  z: (number | null)[][];
}

/**
 * Builds the table and the grid of a sweep. Optional fields (hidden size, epochs, train accuracy)
 * get a column when any run has them.
 *
 * @param runs one entry per run (checked by the caller)
 */
export function tuningTable(runs: readonly TuningResult[]): TuningTable {
  const sorted = [...runs].sort((a, b) => a.learningRate - b.learningRate || a.reg - b.reg);
  const best = runs.reduce((b, r) => (r.valAcc > b.valAcc ? r : b));
  const lrs = [...new Set(sorted.map((r) => r.learningRate))].sort((a, b) => a - b);
  const regs = [...new Set(sorted.map((r) => r.reg))].sort((a, b) => a - b);
  const z: (number | null)[][] = regs.map(() => lrs.map(() => null));
  for (const r of runs) {
    const row = regs.indexOf(r.reg);
    const col = lrs.indexOf(r.learningRate);
    const cur = z[row][col];
    if (cur === null || r.valAcc > cur) z[row][col] = Number(r.valAcc.toPrecision(4));
  }
  const columns: [string, (r: TuningResult) => string][] = [
    ['learning rate', (r) => shortNumber(r.learningRate)],
    ['reg', (r) => shortNumber(r.reg)],
  ];
  if (runs.some((r) => r.hiddenDim !== undefined)) {
    columns.push(['hidden', (r) => (r.hiddenDim === undefined ? '' : String(r.hiddenDim))]);
  }
  if (runs.some((r) => r.numEpochs !== undefined)) {
    columns.push(['epochs', (r) => (r.numEpochs === undefined ? '' : String(r.numEpochs))]);
  }
  if (runs.some((r) => r.trainAcc !== undefined)) {
    columns.push(['train acc', (r) => (r.trainAcc === undefined ? '' : r.trainAcc.toFixed(3))]);
  }
  columns.push(['val acc', (r) => `${r.valAcc.toFixed(3)}${r === best ? ' (best)' : ''}`]);
  return {
    sorted,
    best,
    header: columns.map(([name]) => name),
    rows: sorted.map((r) => columns.map(([, cell]) => cell(r))),
    lrs,
    regs,
    z,
  };
}

/** The chart title of a sweep. */
export function tuningTitle(best: TuningResult): string {
  return `Hyperparameter sweep: best val acc ${best.valAcc.toFixed(3)} (lr ${shortNumber(best.learningRate)}, reg ${shortNumber(best.reg)})`;
}
