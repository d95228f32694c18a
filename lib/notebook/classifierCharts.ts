/**
 * The charts of the kNN, SVM and Softmax notebooks: cross-validation accuracy over k, the SGD
 * loss curve, and the learning rate x regularisation search (Plotly figures, pure builders plus
 * one-call helpers that show them with a static PNG of their SVG version: cross-validation and the
 * loss curve from one
 * description each (./chartSpec), the search chart's drawn by ./svgClassifier).
 */
import { type LineChart, toPlotly, toSvg } from './chartSpec';
import { showFigure } from './display';
import { checkNumberArray, type PlotlyFigure } from './figures';
import { CHART_COLORS } from './svgChart';
import { hyperparameterSvg } from './svgClassifier';

const CONFIG = { responsive: true, displaylogo: false };

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
  showFigure(
    toPlotly(chart),
    `<Cross-validation accuracy for k in ${[...kToAccuracies.keys()].join(', ')}>`,
    toSvg(chart),
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
  showFigure(
    toPlotly(chart),
    `<Loss over ${lossHistory.length} iterations, last ${lossHistory[lossHistory.length - 1]}>`,
    toSvg(chart),
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
 * The search results as two scatter plots over log10 learning rate x log10 regularisation, one
 * coloured by training accuracy and one by validation accuracy (the notebooks' two subplots).
 */
export function hyperparameterFigure(results: readonly SearchResult[]): PlotlyFigure {
  if (!Array.isArray(results) || results.length === 0)
    throw new RangeError('hyperparameterFigure: results must be a non-empty array');
  const x = results.map((r) => Math.log10(r.learningRate));
  const y = results.map((r) => Math.log10(r.reg));
  const text = results.map(
    (r) =>
      `lr ${r.learningRate.toExponential(2)}, reg ${r.reg.toExponential(2)}<br>train ${r.trainAcc.toFixed(3)}, val ${r.valAcc.toFixed(3)}`,
  );
  const panel = (key: 'trainAcc' | 'valAcc', axis: string, bar: number) => ({
    type: 'scatter',
    mode: 'markers',
    x,
    y,
    text,
    hoverinfo: 'text',
    xaxis: `x${axis}`,
    yaxis: `y${axis}`,
    showlegend: false,
    marker: {
      size: 16,
      color: results.map((r) => r[key]),
      colorscale: 'RdBu',
      reversescale: true,
      showscale: true,
      colorbar: { len: 0.42, y: bar, yanchor: 'middle' },
    },
  });
  return {
    data: [panel('trainAcc', '', 0.8), panel('valAcc', '2', 0.2)],
    layout: {
      grid: { rows: 2, columns: 1, pattern: 'independent' },
      height: 700,
      xaxis: { title: { text: 'log learning rate' } },
      yaxis: { title: { text: 'log regularization strength' } },
      xaxis2: { title: { text: 'log learning rate' } },
      yaxis2: { title: { text: 'log regularization strength' } },
      annotations: [
        {
          text: 'CIFAR-10 training accuracy',
          xref: 'paper',
          yref: 'paper',
          x: 0.5,
          y: 1.02,
          showarrow: false,
          yanchor: 'bottom',
          font: { size: 14 },
        },
        {
          text: 'CIFAR-10 validation accuracy',
          xref: 'paper',
          yref: 'paper',
          x: 0.5,
          y: 0.44,
          showarrow: false,
          yanchor: 'bottom',
          font: { size: 14 },
        },
      ],
      margin: { t: 50 },
    },
    config: CONFIG,
  };
}

/** Shows {@link hyperparameterFigure}. */
export function showHyperparameterSearch(results: readonly SearchResult[]): void {
  const fig = hyperparameterFigure(results);
  const best = results.reduce((a, b) => (b.valAcc > a.valAcc ? b : a), results[0]);
  showFigure(
    fig,
    `<${results.length} runs; best val acc ${best?.valAcc} at lr ${best?.learningRate}, reg ${best?.reg}>`,
    hyperparameterSvg(
      results.map((r) => ({
        x: Math.log10(r.learningRate),
        y: Math.log10(r.reg),
        trainAcc: r.trainAcc,
        valAcc: r.valAcc,
      })),
    ),
  );
}
