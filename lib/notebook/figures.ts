/**
 * Pure figure builders: data in, Plotly figure JSON out (no display, no kernel). The training
 * history (loss per iteration, train / val accuracy per check) and the hyperparameter sweep.
 */

/** One Plotly trace, as plotly.js takes it (JSON). */
export type PlotlyTrace = Record<string, unknown>;

/** A Plotly figure: what `Plotly.newPlot(div, data, layout, config)` takes (JSON). */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** What the training charts read from a Solver (or anything with the same histories). */
export interface TrainingHistory {
  /** loss of every iteration */
  lossHistory: readonly number[];
  /** train accuracy at every check */
  trainAccHistory: readonly number[];
  /** validation accuracy at every check */
  valAccHistory: readonly number[];
}

/** One run of a hyperparameter sweep. */
export interface TuningResult {
  learningRate: number;
  reg: number;
  /** best validation accuracy of the run */
  valAcc: number;
  /** optional: train accuracy, hidden size, epochs — shown in the table when given */
  trainAcc?: number;
  hiddenDim?: number;
  numEpochs?: number;
}

const CONFIG = { responsive: true, displaylogo: false };
const COLORS = { train: '#1f77b4', val: '#ff7f0e', loss: '#1f77b4' };

// ---------------------------------------------------------------------------------------------
// Formatting and argument checks

/** Short display of a hyperparameter: 0.001 -> '1e-3', 0.5 -> '0.5', 4 -> '4'. */
export function shortNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e4)) {
    return v.toExponential().replace('e+', 'e');
  }
  return String(Number(v.toPrecision(6)));
}

/** A finite value rounded to `digits` significant digits; NaN and infinities become null (gaps). */
function chartValue(v: number, digits = 6): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(digits)) : null;
}

/** `v` as an array of numbers, or a TypeError naming `fn` and `arg`. */
export function checkNumberArray(fn: string, arg: string, v: unknown): readonly number[] {
  if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    throw new TypeError(`${fn}: ${arg} must be an array of numbers, got ${typeof v}`);
  }
  const a = v as ArrayLike<unknown>;
  for (let i = 0; i < a.length; i++) {
    if (typeof a[i] !== 'number') {
      throw new TypeError(`${fn}: ${arg}[${i}] must be a number, got ${typeof a[i]}`);
    }
  }
  return Array.from(a as ArrayLike<number>);
}

/** The three histories of a Solver-like object, or a TypeError naming `fn` and the missing one. */
export function checkHistory(fn: string, h: unknown): TrainingHistory {
  if (typeof h !== 'object' || h === null) {
    throw new TypeError(
      `${fn}: expected an object with lossHistory, trainAccHistory and valAccHistory (a Solver), got ${String(h)}`,
    );
  }
  const o = h as Record<string, unknown>;
  return {
    lossHistory: checkNumberArray(fn, 'lossHistory', o.lossHistory),
    trainAccHistory: checkNumberArray(fn, 'trainAccHistory', o.trainAccHistory),
    valAccHistory: checkNumberArray(fn, 'valAccHistory', o.valAccHistory),
  };
}

// ---------------------------------------------------------------------------------------------
// Training history

/** Indices 0..n-1 (matplotlib's x for `plt.plot(values)`). */
function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function lossTrace(lossHistory: readonly number[], axes = {}): PlotlyTrace {
  return {
    type: 'scattergl',
    mode: 'markers',
    name: 'loss',
    x: range(lossHistory.length),
    y: lossHistory.map((v) => chartValue(v, 5)),
    marker: { size: 4, color: COLORS.loss },
    showlegend: false,
    ...axes,
  };
}

function accuracyTraces(
  trainAcc: readonly number[],
  valAcc: readonly number[],
  axes = {},
): PlotlyTrace[] {
  const n = valAcc.length;
  return [
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'train',
      x: range(trainAcc.length),
      y: trainAcc.map((v) => chartValue(v)),
      line: { color: COLORS.train },
      ...axes,
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'val',
      x: range(n),
      y: valAcc.map((v) => chartValue(v)),
      line: { color: COLORS.val },
      ...axes,
    },
    {
      // plt.plot([0.5] * len(val_acc_history), 'k--')
      type: 'scatter',
      mode: 'lines',
      name: '0.5',
      x: range(n),
      y: Array.from({ length: n }, () => 0.5),
      line: { color: 'black', dash: 'dash', width: 1.5 },
      hoverinfo: 'skip',
      showlegend: false,
      ...axes,
    },
  ];
}

/**
 * Training loss per iteration, drawn as markers (`plt.plot(loss_history, 'o')`). Non-finite losses
 * (a diverging run) are left out as gaps.
 *
 * @param lossHistory (T,) loss of every iteration
 */
export function lossFigure(lossHistory: readonly number[]): PlotlyFigure {
  const losses = checkNumberArray('lossFigure', 'lossHistory', lossHistory);
  return {
    data: [lossTrace(losses)],
    layout: {
      title: { text: 'Training loss' },
      xaxis: { title: { text: 'Iteration' } },
      yaxis: { title: { text: 'Loss' } },
      height: 400,
      margin: { t: 50, r: 20 },
    },
    config: CONFIG,
  };
}

/**
 * Train and validation accuracy per epoch with the dashed 0.5 reference line, legend at the lower
 * right (the assignment's accuracy plot).
 *
 * @param trainAccHistory (E,) train accuracy per check
 * @param valAccHistory (E,) validation accuracy per check
 */
export function accuracyFigure(
  trainAccHistory: readonly number[],
  valAccHistory: readonly number[],
): PlotlyFigure {
  const train = checkNumberArray('accuracyFigure', 'trainAccHistory', trainAccHistory);
  const val = checkNumberArray('accuracyFigure', 'valAccHistory', valAccHistory);
  return {
    data: accuracyTraces(train, val),
    layout: {
      title: { text: 'Accuracy' },
      xaxis: { title: { text: 'Epoch' } },
      yaxis: { title: { text: 'Accuracy' } },
      legend: { x: 1, xanchor: 'right', y: 0, yanchor: 'bottom' },
      height: 400,
      margin: { t: 50, r: 20 },
    },
    config: CONFIG,
  };
}

/**
 * The "Debug the training" figure: training loss per iteration above, train / val accuracy per
 * epoch (with the dashed 0.5 line) below, as the assignment's two-subplot matplotlib cell.
 *
 * @param history a Solver after `train()` (lossHistory (T,), trainAccHistory (E,), valAccHistory (E,))
 */
export function trainingHistoryFigure(history: TrainingHistory): PlotlyFigure {
  const h = checkHistory('trainingHistoryFigure', history);
  const bottom = { xaxis: 'x2', yaxis: 'y2' };
  return {
    data: [lossTrace(h.lossHistory), ...accuracyTraces(h.trainAccHistory, h.valAccHistory, bottom)],
    layout: {
      grid: { rows: 2, columns: 1, pattern: 'independent', roworder: 'top to bottom', ygap: 0.35 },
      xaxis: { title: { text: 'Iteration' } },
      yaxis: { title: { text: 'Loss' } },
      xaxis2: { title: { text: 'Epoch' } },
      yaxis2: { title: { text: 'Accuracy' } },
      annotations: [
        subplotTitle('Training loss', 'x domain', 'y domain'),
        subplotTitle('Accuracy', 'x2 domain', 'y2 domain'),
      ],
      legend: { x: 1, xanchor: 'right', y: 0, yanchor: 'bottom' },
      height: 720,
      margin: { t: 40, r: 20 },
    },
    config: CONFIG,
  };
}

function subplotTitle(text: string, xref: string, yref: string): Record<string, unknown> {
  return {
    text: `<b>${text}</b>`,
    xref,
    yref,
    x: 0.5,
    y: 1,
    xanchor: 'center',
    yanchor: 'bottom',
    showarrow: false,
    font: { size: 15 },
  };
}

// ---------------------------------------------------------------------------------------------
// Hyperparameter sweep

/**
 * The sweep view: a table of every run (sorted by learning rate, then regularisation, as the
 * assignment prints them; the best run marked) beside a heatmap of validation accuracy over
 * learning rate x regularisation (the best accuracy when several runs share a cell).
 *
 * @param results one entry per run
 */
export function tuningFigure(results: readonly TuningResult[]): PlotlyFigure {
  const runs = checkResults('tuningFigure', results);
  const sorted = [...runs].sort((a, b) => a.learningRate - b.learningRate || a.reg - b.reg);
  const best = bestResult(runs);
  const lrs = [...new Set(sorted.map((r) => r.learningRate))].sort((a, b) => a - b);
  const regs = [...new Set(sorted.map((r) => r.reg))].sort((a, b) => a - b);
  const z: (number | null)[][] = regs.map(() => lrs.map(() => null));
  for (const r of runs) {
    const row = regs.indexOf(r.reg);
    const col = lrs.indexOf(r.learningRate);
    const cur = z[row][col];
    if (cur === null || r.valAcc > cur) z[row][col] = chartValue(r.valAcc, 4);
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
  const rowColors = sorted.map((r) => (r === best ? '#fff3b0' : 'white'));
  const height = Math.max(400, 180 + 34 * sorted.length);
  return {
    data: [
      {
        type: 'table',
        domain: { x: [0, 0.48], y: [0, 1] },
        header: {
          values: columns.map(([name]) => `<b>${name}</b>`),
          fill: { color: '#e8e8e8' },
          align: 'center',
        },
        cells: {
          values: columns.map(([, cell]) => sorted.map(cell)),
          fill: { color: [rowColors] },
          align: 'center',
          height: 24,
        },
      },
      {
        type: 'heatmap',
        x: lrs.map(shortNumber),
        y: regs.map(shortNumber),
        z,
        zmin: 0,
        zmax: Math.max(0.6, ...runs.map((r) => r.valAcc)),
        colorscale: 'Viridis',
        texttemplate: '%{z:.3f}',
        hovertemplate: 'lr %{x}, reg %{y}: val acc %{z:.3f}<extra></extra>',
        colorbar: { title: { text: 'val acc' } },
        xaxis: 'x',
        yaxis: 'y',
      },
    ],
    layout: {
      title: {
        text: `Hyperparameter sweep: best val acc ${best.valAcc.toFixed(3)} (lr ${shortNumber(best.learningRate)}, reg ${shortNumber(best.reg)})`,
      },
      xaxis: { domain: [0.58, 1], type: 'category', title: { text: 'learning rate' } },
      yaxis: { type: 'category', title: { text: 'regularisation' } },
      height,
      margin: { t: 60, r: 20, l: 20 },
    },
    config: CONFIG,
  };
}

function checkResults(fn: string, results: unknown): TuningResult[] {
  if (!Array.isArray(results) || results.length === 0) {
    throw new TypeError(
      `${fn}: results must be a non-empty array of { learningRate, reg, valAcc }, got ${Array.isArray(results) ? 'an empty array' : typeof results}`,
    );
  }
  results.forEach((r, i) => {
    const o = r as Partial<TuningResult> | null;
    for (const key of ['learningRate', 'reg', 'valAcc'] as const) {
      if (typeof o?.[key] !== 'number' || Number.isNaN(o[key])) {
        throw new TypeError(
          `${fn}: results[${i}].${key} must be a number, got ${String(o?.[key])}`,
        );
      }
    }
  });
  return results as TuningResult[];
}

/** The run with the highest validation accuracy (the first one on ties). */
export function bestResult(results: readonly TuningResult[]): TuningResult {
  const runs = checkResults('bestResult', results);
  return runs.reduce((b, r) => (r.valAcc > b.valAcc ? r : b));
}
