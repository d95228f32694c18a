/**
 * The charts of the kNN, SVM and Softmax notebooks: cross-validation accuracy over k, the SGD
 * loss curve, and the learning rate x regularisation search. Each is one description
 * (./chartSpec) from which its Plotly figure and its static PNG are made; the one-call helpers
 * show both.
 */
import { type ChartPanel, type LineChart, showLineChart, toPlotly } from './chartSpec';
import { checkNumberArray, type PlotlyFigure } from './figures';
import { CHART_COLORS } from './svgChart';

/** Fold accuracies of one k, their mean and (population) standard deviation. */
export interface KSummary {
  k: number;
  accuracies: readonly number[];
  mean: number;
  std: number;
}

/**
 * The fold accuracies of each k (sorted by k) with their mean and standard deviation, or a
 * RangeError naming `fn` when there is no k or a k without accuracies.
 */
export function crossValidationSummary(
  fn: string,
  kToAccuracies: ReadonlyMap<number, readonly number[]>,
): KSummary[] {
  if (typeof kToAccuracies?.keys !== 'function' || typeof kToAccuracies.get !== 'function') {
    throw new TypeError(`${fn}: kToAccuracies must be a Map from k to fold accuracies`);
  }
  const ks = [...kToAccuracies.keys()].sort((a, b) => a - b);
  if (ks.length === 0) throw new RangeError(`${fn}: kToAccuracies is empty`);
  return ks.map((k) => {
    const acc = kToAccuracies.get(k) as readonly number[];
    if (acc.length === 0) throw new RangeError(`${fn}: k = ${k} has no accuracies`);
    const m = acc.reduce((s, v) => s + v, 0) / acc.length;
    const std = Math.sqrt(acc.reduce((s, v) => s + (v - m) * (v - m), 0) / acc.length);
    return { k, accuracies: acc, mean: m, std };
  });
}

/**
 * The description of "Cross-validation on k": every fold's accuracy as a point, and the mean
 * accuracy per k as a line with error bars of one standard deviation.
 *
 * @param summary one entry per k, sorted by k ({@link crossValidationSummary})
 */
export function crossValidationChart(summary: readonly KSummary[]): LineChart {
  return {
    panels: [
      {
        title: 'Cross-validation on k',
        x: { label: 'k', pad: 0.04 },
        y: { label: 'Cross-validation accuracy', pad: 0.08 },
        series: [
          {
            label: 'one fold',
            x: summary.flatMap((s) => s.accuracies.map(() => s.k)),
            y: summary.flatMap((s) => [...s.accuracies]),
            draw: 'markers',
            color: CHART_COLORS.train,
            markerSize: 7,
            opacity: 0.6,
            digits: 0,
          },
          {
            label: 'mean ± std',
            x: summary.map((s) => s.k),
            y: summary.map((s) => s.mean),
            errorY: summary.map((s) => s.std),
            draw: 'lines+markers',
            color: CHART_COLORS.val,
            markerSize: 7,
            digits: 0,
          },
        ],
      },
    ],
    legend: { corner: 'lower right' },
    height: 450,
  };
}

/**
 * "Cross-validation on k" as a Plotly figure ({@link crossValidationChart}).
 *
 * @param kToAccuracies k -> the accuracy of each fold
 */
export function crossValidationFigure(
  kToAccuracies: ReadonlyMap<number, readonly number[]>,
): PlotlyFigure {
  return toPlotly(
    crossValidationChart(crossValidationSummary('crossValidationFigure', kToAccuracies)),
  );
}

/** Shows {@link crossValidationFigure} with its static PNG (the same description). */
export function showCrossValidation(kToAccuracies: ReadonlyMap<number, readonly number[]>): void {
  const chart = crossValidationChart(crossValidationSummary('showCrossValidation', kToAccuracies));
  showLineChart(
    chart,
    `<Cross-validation accuracy for k in ${[...kToAccuracies.keys()].join(', ')}>`,
  );
}

/**
 * The description of the SGD loss curve (`plt.plot(loss_hist)`): one line over the iterations,
 * non-finite losses as gaps.
 *
 * @param lossHistory (T,) loss at each iteration, T >= 1
 * @param fn the public function checking the argument (named in the error)
 */
export function lossCurveChart(lossHistory: readonly number[], fn = 'lossCurveChart'): LineChart {
  if (!Array.isArray(lossHistory) || lossHistory.length === 0)
    throw new RangeError(`${fn}: lossHistory must be a non-empty array of numbers`);
  const losses = checkNumberArray(fn, 'lossHistory', lossHistory);
  return {
    panels: [
      {
        title: 'Training loss',
        x: { label: 'Iteration number' },
        y: { label: 'Loss value' },
        series: [
          {
            label: 'loss',
            x: losses.map((_, i) => i),
            y: losses,
            draw: 'lines',
            color: '#1f77b4',
            digits: 0,
          },
        ],
      },
    ],
  };
}

/** The loss at each SGD iteration as a line (`plt.plot(loss_hist)`). */
export function lossCurveFigure(lossHistory: readonly number[]): PlotlyFigure {
  return toPlotly(lossCurveChart(lossHistory, 'lossCurveFigure'));
}

/** Shows {@link lossCurveFigure} with its static PNG (the same description). */
export function plotLossCurve(lossHistory: readonly number[]): void {
  const chart = lossCurveChart(lossHistory, 'plotLossCurve');
  showLineChart(
    chart,
    `<Loss over ${lossHistory.length} iterations, last ${lossHistory[lossHistory.length - 1]}>`,
  );
}

/** One run of a learning rate x regularisation search. */
export interface SearchResult {
  learningRate: number;
  reg: number;
  trainAcc: number;
  valAcc: number;
}

/**
 * The description of the learning rate x regularisation search: two panels (training accuracy
 * above, validation accuracy below) over log10 learning rate x log10 regularisation strength,
 * one point per run coloured by that accuracy (reversed RdBu: low red, high blue), with hover
 * text naming the run.
 *
 * @param results one entry per run (non-empty)
 * @param fn the public function checking the argument (named in the error)
 */
export function hyperparameterChart(
  results: readonly SearchResult[],
  fn = 'hyperparameterChart',
): LineChart {
  if (!Array.isArray(results) || results.length === 0)
    throw new RangeError(`${fn}: results must be a non-empty array`);
  const x = results.map((r) => Math.log10(r.learningRate));
  const y = results.map((r) => Math.log10(r.reg));
  const text = results.map(
    (r) =>
      `lr ${r.learningRate.toExponential(2)}, reg ${r.reg.toExponential(2)}<br>train ${r.trainAcc.toFixed(3)}, val ${r.valAcc.toFixed(3)}`,
  );
  const panel = (key: 'trainAcc' | 'valAcc', title: string): ChartPanel => ({
    title,
    x: { label: 'log learning rate', pad: 0.08 },
    y: { label: 'log regularization strength', pad: 0.12 },
    series: [
      {
        label: key === 'trainAcc' ? 'train accuracy' : 'val accuracy',
        x,
        y,
        draw: 'markers',
        color: CHART_COLORS.train,
        markerSize: 16,
        colorValues: results.map((r) => r[key]),
        hoverText: text,
        inLegend: false,
        digits: 0,
      },
    ],
  });
  return {
    panels: [
      panel('trainAcc', 'CIFAR-10 training accuracy'),
      panel('valAcc', 'CIFAR-10 validation accuracy'),
    ],
    height: 700,
  };
}

/** The learning rate x regularisation search as a Plotly figure ({@link hyperparameterChart}). */
export function hyperparameterFigure(results: readonly SearchResult[]): PlotlyFigure {
  return toPlotly(hyperparameterChart(results, 'hyperparameterFigure'));
}

/** Shows {@link hyperparameterFigure} with its static PNG (the same description). */
export function showHyperparameterSearch(results: readonly SearchResult[]): void {
  const chart = hyperparameterChart(results, 'showHyperparameterSearch');
  const best = results.reduce((a, b) => (b.valAcc > a.valAcc ? b : a), results[0]);
  showLineChart(
    chart,
    `<${results.length} runs; best val acc ${best?.valAcc} at lr ${best?.learningRate}, reg ${best?.reg}>`,
  );
}
