/**
 * Several training runs on one chart, one colour per run: the assignment-2 cells that compare
 * update rules, nets with and without batch normalization, or dropout against none. Stacked panels
 * of training loss per iteration, train accuracy per epoch and validation accuracy per epoch (any
 * of them), as a Plotly figure with its static PNG, both from one description (./chartSpec).
 */
import { checkOptions } from '../core/options';
import { type LineChart, showLineChart, toPlotly, toSvg } from './chartSpec';
import { checkHistory, type PlotlyFigure, type TrainingHistory } from './figures';
import { lossScale } from './lossScale';

/** One run of a comparison: its legend label and its Solver (or anything with the histories). */
export interface LabelledRun {
  label: string;
  history: TrainingHistory;
}

/** The panels a comparison can show, top to bottom in the order given. */
export type ComparisonPanel = 'loss' | 'trainAcc' | 'valAcc';

/** Options of {@link plotRunComparison}. */
export interface RunComparisonOptions {
  /** which panels, in order (all three by default) */
  panels?: readonly ComparisonPanel[];
  /** words put before each panel's title, e.g. 'Batch normalization:' */
  titlePrefix?: string;
}

/** matplotlib's default colour cycle (tab10). */
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

const PANELS: Record<ComparisonPanel, { title: string; xLabel: string; yLabel: string }> = {
  loss: { title: 'Training loss', xLabel: 'Iteration', yLabel: 'Loss' },
  trainAcc: { title: 'Training accuracy', xLabel: 'Epoch', yLabel: 'Accuracy' },
  valAcc: { title: 'Validation accuracy', xLabel: 'Epoch', yLabel: 'Accuracy' },
};

function series(h: TrainingHistory, panel: ComparisonPanel): readonly number[] {
  return panel === 'loss'
    ? h.lossHistory
    : panel === 'trainAcc'
      ? h.trainAccHistory
      : h.valAccHistory;
}

function checkRuns(
  fn: string,
  runs: readonly LabelledRun[],
  panels: readonly ComparisonPanel[],
): LabelledRun[] {
  if (!Array.isArray(runs) || runs.length === 0) {
    throw new TypeError(`${fn}: runs must be a non-empty array of { label, history }`);
  }
  if (!Array.isArray(panels) || panels.length === 0) {
    throw new TypeError(`${fn}: panels must be a non-empty array of 'loss', 'trainAcc', 'valAcc'`);
  }
  for (const p of panels) {
    if (!(p in PANELS)) {
      throw new RangeError(
        `${fn}: unknown panel '${String(p)}' (known: ${Object.keys(PANELS).join(', ')})`,
      );
    }
  }
  return runs.map((r, i) => {
    if (typeof r !== 'object' || r === null || typeof r.label !== 'string') {
      throw new TypeError(`${fn}: runs[${i}] must be { label: string, history: Solver }`);
    }
    return { label: r.label, history: checkHistory(`${fn} (runs[${i}].history)`, r.history) };
  });
}

/** The loss axis range over every run (a diverged run does not flatten the others). */
function lossRange(runs: readonly LabelledRun[]): [number, number] {
  return lossScale(runs.flatMap((r) => r.history.lossHistory)).range;
}

/**
 * The comparison's description: one panel per measure, one series per run and panel in the run's
 * colour (losses as markers, accuracies as lines with markers, as the assignment's matplotlib
 * cells draw them), the legend (one entry per run) above the chart / in the first panel.
 *
 * @param runs the runs, in legend order
 * @param panels which panels, top to bottom
 * @param titlePrefix words before each panel title
 * @param fn the public function checking the arguments (named in errors)
 */
export function comparisonChart(
  runs: readonly LabelledRun[],
  panels: readonly ComparisonPanel[] = ['loss', 'trainAcc', 'valAcc'],
  titlePrefix = '',
  fn = 'comparisonChart',
): LineChart {
  const checked = checkRuns(fn, runs, panels);
  return {
    panels: panels.map((panel) => {
      const { title, xLabel, yLabel } = PANELS[panel];
      return {
        title: `${titlePrefix ? `${titlePrefix} ` : ''}${title}`,
        x: { label: xLabel },
        y: { label: yLabel, ...(panel === 'loss' ? { range: lossRange(checked) } : {}) },
        series: checked.map((run, i) => {
          const ys = series(run.history, panel);
          return {
            label: run.label,
            x: ys.map((_, j) => j),
            y: ys,
            draw: panel === 'loss' ? ('markers' as const) : ('lines+markers' as const),
            color: PALETTE[i % PALETTE.length],
            markerSize: panel === 'loss' ? 4 : 6,
          };
        }),
      };
    }),
    legend: { corner: 'upper right' },
  };
}

/**
 * The comparison as a Plotly figure: one subplot per panel, one trace per run and panel, the
 * runs' colours and legend shared by the panels.
 *
 * @param runs the runs, in legend order
 * @param panels which panels, top to bottom
 * @param titlePrefix words before each panel title
 */
export function comparisonFigure(
  runs: readonly LabelledRun[],
  panels: readonly ComparisonPanel[] = ['loss', 'trainAcc', 'valAcc'],
  titlePrefix = '',
): PlotlyFigure {
  return toPlotly(comparisonChart(runs, panels, titlePrefix, 'comparisonFigure'));
}

/**
 * The comparison as an SVG document (the same description; the figure's static PNG is
 * rasterised from it): the same panels stacked, the legend in the first.
 *
 * @param runs the runs, in legend order
 * @param panels which panels, top to bottom
 * @param titlePrefix words before each panel title
 */
export function comparisonSvg(
  runs: readonly LabelledRun[],
  panels: readonly ComparisonPanel[] = ['loss', 'trainAcc', 'valAcc'],
  titlePrefix = '',
): string {
  return toSvg(comparisonChart(runs, panels, titlePrefix, 'comparisonSvg'));
}

/**
 * Shows several runs on one chart (the update-rule, batch-norm and dropout comparisons of
 * assignment 2's notebooks).
 *
 * @param runs `{ label, history }` per run, history a Solver after `train()`
 * @param options which panels and a title prefix
 */
export function plotRunComparison(
  runs: readonly LabelledRun[],
  options: RunComparisonOptions = {},
): void {
  checkOptions('plotRunComparison', 'options', options, ['panels', 'titlePrefix']);
  const panels = options.panels ?? ['loss', 'trainAcc', 'valAcc'];
  const prefix = options.titlePrefix ?? '';
  const chart = comparisonChart(runs, panels, prefix, 'plotRunComparison');
  const summary = runs
    .map((r) => {
      const v = r.history.valAccHistory;
      return `${r.label}: last val acc ${v.length > 0 ? v[v.length - 1] : 'none'}`;
    })
    .join('; ');
  showLineChart(chart, `<${runs.length} runs compared (${panels.join(', ')}): ${summary}>`);
}
