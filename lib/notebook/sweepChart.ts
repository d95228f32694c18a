/**
 * Results of a sweep over one hyperparameter, several series per panel: the BatchNormalization
 * notebook's weight-scale experiment (best validation accuracy, best training accuracy and final
 * training loss against the initialisation scale, with and without batch norm). A Plotly figure
 * with a log x axis and its static PNG, both from one description (./chartSpec).
 */
import { checkOptions } from '../core/options';
import { type LineChart, showLineChart, toPlotly, toSvg } from './chartSpec';
import { checkNumberArray, type PlotlyFigure } from './figures';

/** One line of a panel: a label and one value per swept setting (NaN or Infinity: a gap). */
export interface SweepSeries {
  label: string;
  values: readonly number[];
}

/** One panel of a sweep chart. */
export interface SweepPanel {
  title: string;
  yLabel: string;
  series: readonly SweepSeries[];
  /** fixed y range (as `plt.gca().set_ylim`); default: the data's */
  yRange?: readonly [number, number];
}

/** Options of {@link plotSweep}. */
export interface SweepOptions {
  /** the x axis title */
  xLabel: string;
  /** logarithmic x axis (true, as `plt.semilogx`) */
  logX?: boolean;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];

function checkSweep(
  fn: string,
  x: readonly number[],
  panels: readonly SweepPanel[],
  logX: boolean,
) {
  const xs = checkNumberArray(fn, 'x', x);
  if (xs.length === 0) throw new RangeError(`${fn}: x must hold at least one value`);
  if (logX && xs.some((v) => !(v > 0))) {
    throw new RangeError(`${fn}: x must be positive for a log axis, got ${xs.join(', ')}`);
  }
  if (!Array.isArray(panels) || panels.length === 0) {
    throw new TypeError(`${fn}: panels must be a non-empty array of { title, yLabel, series }`);
  }
  panels.forEach((p, k) => {
    if (!Array.isArray(p?.series) || p.series.length === 0) {
      throw new TypeError(`${fn}: panels[${k}].series must be a non-empty array`);
    }
    p.series.forEach((s: SweepSeries, i: number) => {
      const v = checkNumberArray(fn, `panels[${k}].series[${i}].values`, s.values);
      if (v.length !== xs.length) {
        throw new RangeError(
          `${fn}: panels[${k}].series[${i}] ('${s.label}') has ${v.length} values for ${xs.length} x values`,
        );
      }
    });
  });
  return xs;
}

/**
 * The sweep's description: one panel per measure (lines with markers over the swept values, a
 * log x axis unless `logX` is false), one colour per series, the legend in each panel's lower
 * right corner.
 *
 * @param x (S,) the swept values
 * @param panels the panels, top to bottom; every series has S values
 * @param xLabel the x axis title
 * @param logX logarithmic x axis
 * @param fn the public function checking the arguments (named in errors)
 */
export function sweepChart(
  x: readonly number[],
  panels: readonly SweepPanel[],
  xLabel: string,
  logX = true,
  fn = 'sweepChart',
): LineChart {
  const xs = checkSweep(fn, x, panels, logX);
  return {
    panels: panels.map((p) => ({
      title: p.title,
      x: { label: xLabel, log: logX },
      y: { label: p.yLabel, ...(p.yRange ? { range: p.yRange } : {}) },
      series: p.series.map((s, i) => ({
        label: s.label,
        x: xs,
        y: s.values,
        draw: 'lines+markers' as const,
        color: COLORS[i % COLORS.length],
      })),
    })),
    legend: { corner: 'lower right', panels: panels.map((_, k) => k) },
  };
}

/**
 * The sweep as a Plotly figure: one subplot per panel, lines with markers, a shared legend.
 *
 * @param x (S,) the swept values
 * @param panels the panels, top to bottom; every series has S values
 * @param xLabel the x axis title
 * @param logX logarithmic x axis
 */
export function sweepFigure(
  x: readonly number[],
  panels: readonly SweepPanel[],
  xLabel: string,
  logX = true,
): PlotlyFigure {
  return toPlotly(sweepChart(x, panels, xLabel, logX, 'sweepFigure'));
}

/**
 * The sweep as an SVG document (the same description). A log x axis is drawn in log10 units
 * (its title says so).
 *
 * @param x (S,) the swept values
 * @param panels the panels, top to bottom
 * @param xLabel the x axis title
 * @param logX logarithmic x axis
 */
export function sweepSvg(
  x: readonly number[],
  panels: readonly SweepPanel[],
  xLabel: string,
  logX = true,
): string {
  return toSvg(sweepChart(x, panels, xLabel, logX, 'sweepSvg'));
}

/**
 * Shows a sweep over one hyperparameter (the weight-scale experiment of the BatchNormalization
 * notebook): one panel per measure, one line per setting compared.
 *
 * @param x (S,) the swept values
 * @param panels `{ title, yLabel, series: [{ label, values (S,) }], yRange? }` per panel
 * @param options `xLabel`, `logX` (true)
 */
export function plotSweep(
  x: readonly number[],
  panels: readonly SweepPanel[],
  options: SweepOptions,
): void {
  checkOptions('plotSweep', 'options', options, ['xLabel', 'logX']);
  if (typeof options?.xLabel !== 'string') {
    throw new TypeError('plotSweep: options.xLabel must be a string');
  }
  const logX = options.logX ?? true;
  const chart = sweepChart(x, panels, options.xLabel, logX, 'plotSweep');
  showLineChart(
    chart,
    `<Sweep over ${x.length} values of ${options.xLabel}: ${panels.map((p) => p.title).join('; ')}>`,
  );
}
