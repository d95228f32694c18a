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

import { divergenceMarkIndex, type LossScale, lossScale } from './lossScale';
import { CHART_COLORS } from './svgChart';
import { shortNumber, tuningTable, tuningTitle } from './tuningTable';

export { shortNumber };

const CONFIG = { responsive: true, displaylogo: false };
const COLORS = { train: '#1f77b4', val: '#ff7f0e', loss: '#1f77b4' };

// ---------------------------------------------------------------------------------------------
// Formatting and argument checks

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

function lossTrace(lossHistory: readonly number[], scale: LossScale, axes = {}): PlotlyTrace[] {
  const hi = scale.range[1];
  const traces: PlotlyTrace[] = [
    {
      type: 'scattergl',
      mode: 'markers',
      name: 'loss',
      x: range(lossHistory.length),
      y: lossHistory.map((v) => (v > hi ? null : chartValue(v, 5))),
      marker: { size: 4, color: COLORS.loss },
      showlegend: false,
      ...axes,
    },
  ];
  if (scale.clipped.length > 0) {
    // Losses above the range sit on its top edge as red triangles; hover shows the real value.
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: 'clipped loss',
      x: scale.clipped,
      y: scale.clipped.map(() => hi),
      text: scale.clipped.map((i) => `loss ${lossHistory[i].toExponential(3)}`),
      hovertemplate: 'iteration %{x}: %{text}<extra></extra>',
      marker: { size: 7, symbol: 'triangle-up', color: CHART_COLORS.mark },
      cliponaxis: false,
      showlegend: false,
      ...axes,
    });
  }
  return traces;
}

/** The divergence mark of a loss axis: a dashed line and its note. */
function lossDecorations(
  scale: LossScale,
  xref: string,
  yref: string,
): { shapes: Record<string, unknown>[]; annotations: Record<string, unknown>[] } {
  const mark = divergenceMarkIndex(scale);
  if (mark < 0) return { shapes: [], annotations: [] };
  return {
    shapes: [
      {
        type: 'line',
        xref,
        yref: `${yref} domain`,
        x0: mark,
        x1: mark,
        y0: 0,
        y1: 1,
        line: { color: CHART_COLORS.mark, dash: 'dash', width: 1.5 },
      },
    ],
    annotations: [
      {
        text: scale.note,
        xref,
        yref: `${yref} domain`,
        x: mark,
        y: 0.95,
        xanchor: 'left',
        showarrow: false,
        font: { color: CHART_COLORS.mark },
        bgcolor: 'rgba(255,255,255,0.8)',
      },
    ],
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
 * Training loss per iteration, drawn as markers (`plt.plot(loss_history, 'o')`). A diverging run
 * stays readable: the y range covers the sensible losses, larger ones are clipped to its top edge,
 * non-finite ones are gaps, and a dashed line marks where the run diverged (see ./lossScale).
 *
 * @param lossHistory (T,) loss of every iteration
 */
export function lossFigure(lossHistory: readonly number[]): PlotlyFigure {
  const losses = checkNumberArray('lossFigure', 'lossHistory', lossHistory);
  const scale = lossScale(losses);
  return {
    data: lossTrace(losses, scale),
    layout: {
      title: { text: 'Training loss' },
      xaxis: { title: { text: 'Iteration' } },
      yaxis: { title: { text: 'Loss' }, range: scale.range },
      ...lossDecorations(scale, 'x', 'y'),
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
  const scale = lossScale(h.lossHistory);
  const marks = lossDecorations(scale, 'x', 'y');
  return {
    data: [
      ...lossTrace(h.lossHistory, scale),
      ...accuracyTraces(h.trainAccHistory, h.valAccHistory, bottom),
    ],
    layout: {
      grid: { rows: 2, columns: 1, pattern: 'independent', roworder: 'top to bottom', ygap: 0.35 },
      xaxis: { title: { text: 'Iteration' } },
      yaxis: { title: { text: 'Loss' }, range: scale.range },
      xaxis2: { title: { text: 'Epoch' } },
      yaxis2: { title: { text: 'Accuracy' } },
      shapes: marks.shapes,
      annotations: [
        subplotTitle('Training loss', 'x domain', 'y domain'),
        subplotTitle('Accuracy', 'x2 domain', 'y2 domain'),
        ...marks.annotations,
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
  const t = tuningTable(runs);
  const rowColors = t.sorted.map((r) => (r === t.best ? '#fff3b0' : 'white'));
  const height = Math.max(400, 180 + 34 * t.sorted.length);
  return {
    data: [
      {
        type: 'table',
        domain: { x: [0, 0.48], y: [0, 1] },
        header: {
          values: t.header.map((name) => `<b>${name}</b>`),
          fill: { color: '#e8e8e8' },
          align: 'center',
        },
        cells: {
          values: t.header.map((_, c) => t.rows.map((row) => row[c])),
          fill: { color: [rowColors] },
          align: 'center',
          height: 24,
        },
      },
      {
        type: 'heatmap',
        x: t.lrs.map(shortNumber),
        y: t.regs.map(shortNumber),
        z: t.z,
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
      title: { text: tuningTitle(t.best) },
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
