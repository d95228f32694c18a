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

import { type ChartPanel, type ChartSeries, type LineChart, toPlotly, toSvg } from './chartSpec';
import { divergenceMarkIndex, lossScale } from './lossScale';
import { CHART_COLORS } from './svgChart';
import { type TableHeatmapChart, tableHeatmapFigure, tableHeatmapSvg } from './tableHeatmap';
import { shortNumber, tuningTable, tuningTitle } from './tuningTable';

export { shortNumber };

const COLORS = { train: '#1f77b4', val: '#ff7f0e', loss: '#1f77b4' };

// ---------------------------------------------------------------------------------------------
// Formatting and argument checks

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

/**
 * The loss panel: losses as markers (`plt.plot(loss_history, 'o')`). A diverging run stays
 * readable: the y range covers the sensible losses, larger ones sit on its top edge as red
 * triangles (hover shows the real value), non-finite ones are gaps, and a dashed line marks where
 * the run diverged (see ./lossScale).
 */
function lossPanel(lossHistory: readonly number[]): ChartPanel {
  const scale = lossScale(lossHistory);
  const hi = scale.range[1];
  const series: ChartSeries[] = [
    {
      label: 'loss',
      x: range(lossHistory.length),
      y: lossHistory.map((v) => (v > hi ? Number.NaN : v)),
      draw: 'markers',
      color: COLORS.loss,
      markerSize: 4,
      inLegend: false,
      digits: 5,
      many: true,
    },
  ];
  if (scale.clipped.length > 0) {
    series.push({
      label: 'clipped loss',
      x: scale.clipped,
      y: scale.clipped.map(() => hi),
      draw: 'markers',
      color: CHART_COLORS.mark,
      markerSize: 7,
      symbol: 'triangle-up',
      inLegend: false,
      hoverText: scale.clipped.map((i) => `loss ${lossHistory[i].toExponential(3)}`),
    });
  }
  const mark = divergenceMarkIndex(scale);
  return {
    title: 'Training loss',
    x: { label: 'Iteration' },
    y: { label: 'Loss', range: scale.range },
    series,
    marks: mark < 0 ? [] : [{ x: mark, note: scale.note, color: CHART_COLORS.mark }],
  };
}

/** The accuracy panel: train and val per check, and the dashed 0.5 line. */
function accuracyPanel(trainAcc: readonly number[], valAcc: readonly number[]): ChartPanel {
  const n = valAcc.length;
  return {
    title: 'Accuracy',
    x: { label: 'Epoch' },
    y: { label: 'Accuracy' },
    series: [
      {
        label: 'train',
        x: range(trainAcc.length),
        y: trainAcc,
        draw: 'lines+markers',
        color: COLORS.train,
      },
      { label: 'val', x: range(n), y: valAcc, draw: 'lines+markers', color: COLORS.val },
      {
        // plt.plot([0.5] * len(val_acc_history), 'k--')
        label: '0.5',
        x: range(n),
        y: Array.from({ length: n }, () => 0.5),
        draw: 'lines',
        color: 'black',
        dash: true,
        lineWidth: 1.5,
        noHover: true,
        inLegend: false,
      },
    ],
  };
}

/** The loss chart's description (one panel; see {@link lossFigure}). */
export function lossChart(lossHistory: readonly number[]): LineChart {
  return { panels: [lossPanel(checkNumberArray('lossChart', 'lossHistory', lossHistory))] };
}

/** The accuracy chart's description (one panel, legend lower right; see {@link accuracyFigure}). */
export function accuracyChart(
  trainAccHistory: readonly number[],
  valAccHistory: readonly number[],
): LineChart {
  const train = checkNumberArray('accuracyChart', 'trainAccHistory', trainAccHistory);
  const val = checkNumberArray('accuracyChart', 'valAccHistory', valAccHistory);
  return { panels: [accuracyPanel(train, val)], legend: { corner: 'lower right' } };
}

/** The training history chart's description: loss above, accuracy below. */
export function trainingHistoryChart(
  history: TrainingHistory,
  fn = 'trainingHistoryChart',
): LineChart {
  const h = checkHistory(fn, history);
  return {
    panels: [lossPanel(h.lossHistory), accuracyPanel(h.trainAccHistory, h.valAccHistory)],
    legend: { corner: 'lower right', panels: [1] },
    height: 720,
  };
}

/**
 * Training loss per iteration, drawn as markers (`plt.plot(loss_history, 'o')`). A diverging run
 * stays readable: the y range covers the sensible losses, larger ones are clipped to its top edge,
 * non-finite ones are gaps, and a dashed line marks where the run diverged (see ./lossScale).
 *
 * @param lossHistory (T,) loss of every iteration
 */
export function lossFigure(lossHistory: readonly number[]): PlotlyFigure {
  checkNumberArray('lossFigure', 'lossHistory', lossHistory);
  return toPlotly(lossChart(lossHistory));
}

/**
 * The loss chart as SVG text, for its static PNG (the same description as {@link lossFigure}).
 *
 * @param lossHistory (T,) loss of every iteration
 */
export function lossSvg(lossHistory: readonly number[]): string {
  checkNumberArray('lossSvg', 'lossHistory', lossHistory);
  return toSvg(lossChart(lossHistory));
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
  checkNumberArray('accuracyFigure', 'trainAccHistory', trainAccHistory);
  checkNumberArray('accuracyFigure', 'valAccHistory', valAccHistory);
  return toPlotly(accuracyChart(trainAccHistory, valAccHistory));
}

/**
 * The "Debug the training" figure: training loss per iteration above, train / val accuracy per
 * epoch (with the dashed 0.5 line) below, as the assignment's two-subplot matplotlib cell.
 *
 * @param history a Solver after `train()` (lossHistory (T,), trainAccHistory (E,), valAccHistory (E,))
 */
export function trainingHistoryFigure(history: TrainingHistory): PlotlyFigure {
  return toPlotly(trainingHistoryChart(history, 'trainingHistoryFigure'));
}

/**
 * The training history chart as SVG text (the same description as {@link trainingHistoryFigure}):
 * the static PNG beside the figure, and the live training view's frames.
 *
 * @param history lossHistory (T,), trainAccHistory (E,), valAccHistory (E,)
 */
export function trainingSvg(history: TrainingHistory): string {
  return toSvg(trainingHistoryChart(history, 'trainingSvg'));
}

// ---------------------------------------------------------------------------------------------
// Hyperparameter sweep

/**
 * The sweep view's description: a table of every run (sorted by learning rate, then
 * regularisation, as the assignment prints them; the best run highlighted) beside a heatmap of
 * validation accuracy over learning rate x regularisation (the best accuracy when several runs
 * share a cell).
 *
 * @param results one entry per run
 * @param fn the public function checking the argument (named in errors)
 */
export function tuningChart(
  results: readonly TuningResult[],
  fn = 'tuningChart',
): TableHeatmapChart {
  const runs = checkResults(fn, results);
  const t = tuningTable(runs);
  return {
    title: tuningTitle(t.best),
    table: { header: t.header, rows: t.rows, highlight: [t.sorted.indexOf(t.best)] },
    heatmap: {
      x: t.lrs.map(shortNumber),
      y: t.regs.map(shortNumber),
      z: t.z,
      zmax: Math.max(0.6, ...runs.map((r) => r.valAcc)),
      xLabel: 'learning rate',
      yLabel: 'regularisation',
      names: { x: 'lr', y: 'reg', value: 'val acc' },
    },
  };
}

/**
 * The sweep view as a Plotly figure ({@link tuningChart}): the table beside the heatmap.
 *
 * @param results one entry per run
 */
export function tuningFigure(results: readonly TuningResult[]): PlotlyFigure {
  return tableHeatmapFigure(tuningChart(results, 'tuningFigure'));
}

/**
 * The sweep view as SVG text, for its static PNG (the same description as {@link tuningFigure}).
 *
 * @param results one entry per run
 */
export function tuningSvg(results: readonly TuningResult[]): string {
  return tableHeatmapSvg(tuningChart(results, 'tuningSvg'));
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
