/**
 * Results of a sweep over one hyperparameter, several series per panel: the BatchNormalization
 * notebook's weight-scale experiment (best validation accuracy, best training accuracy and final
 * training loss against the initialisation scale, with and without batch norm). A Plotly figure
 * with a log x axis and its static PNG.
 */
import { checkOptions } from '../core/options';
import { showFigure } from './display';
import { checkNumberArray, type PlotlyFigure, type PlotlyTrace } from './figures';
import { axes, escapeXml, PANEL_HEIGHT, svgDocument } from './svgChart';

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

const finiteOrNull = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : null);

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
  const xs = checkSweep('sweepFigure', x, panels, logX);
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {
    grid: { rows: panels.length, columns: 1, pattern: 'independent', roworder: 'top to bottom' },
    height: 300 * panels.length,
    margin: { t: 40, r: 20 },
  };
  const annotations: Record<string, unknown>[] = [];
  panels.forEach((p, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    layout[`xaxis${suffix}`] = { title: { text: xLabel }, type: logX ? 'log' : 'linear' };
    layout[`yaxis${suffix}`] = {
      title: { text: p.yLabel },
      ...(p.yRange ? { range: [...p.yRange] } : {}),
    };
    annotations.push({
      text: `<b>${escapeXml(p.title)}</b>`,
      xref: `x${suffix} domain`,
      yref: `y${suffix} domain`,
      x: 0.5,
      y: 1,
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
    });
    p.series.forEach((s, i) => {
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: s.label,
        legendgroup: s.label,
        showlegend: k === 0,
        x: [...xs],
        y: s.values.map(finiteOrNull),
        marker: { color: COLORS[i % COLORS.length] },
        line: { color: COLORS[i % COLORS.length] },
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
      });
    });
  });
  layout.annotations = annotations;
  return { data, layout, config: { responsive: true, displaylogo: false } };
}

/**
 * The sweep as an SVG document. A log x axis is drawn in log10 units (its title says so).
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
  const xs = checkSweep('sweepSvg', x, panels, logX).map((v) => (logX ? Math.log10(v) : v));
  const parts: string[] = [];
  panels.forEach((p, k) => {
    const finite = p.series.flatMap((s) => s.values).filter((v) => Number.isFinite(v));
    const [yMin, yMax] = p.yRange ?? [Math.min(0, ...finite), Math.max(1e-3, ...finite) * 1.05];
    const a = axes({
      y0: k * PANEL_HEIGHT,
      title: p.title,
      xLabel: logX ? `log10 of ${xLabel}` : xLabel,
      yLabel: p.yLabel,
      xMin: Math.min(...xs),
      xMax: Math.max(...xs) > Math.min(...xs) ? Math.max(...xs) : Math.min(...xs) + 1,
      yMin,
      yMax,
    });
    parts.push(a.body);
    p.series.forEach((s, i) => {
      const color = COLORS[i % COLORS.length];
      const pts = s.values
        .map((v, j) => [xs[j], Math.min(Math.max(v, yMin), yMax), v] as const)
        .filter(([, , v]) => Number.isFinite(v))
        .map(([xv, yv]) => [a.x(xv).toFixed(1), a.y(yv).toFixed(1)]);
      parts.push(
        `<polyline points="${pts.map((q) => q.join(',')).join(' ')}" fill="none" stroke="${color}" stroke-width="1.5"/>`,
        ...pts.map(([cx, cy]) => `<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`),
      );
    });
    const w = 24 + 8 * Math.max(...p.series.map((s) => s.label.length)) + 14;
    parts.push(
      `<g transform="translate(${a.right - w - 6},${a.bottom - 16 * p.series.length - 12})"><rect width="${w}" height="${16 * p.series.length + 6}" fill="white" stroke="#ccc"/>`,
      ...p.series.map(
        (s, i) =>
          `<line x1="6" x2="22" y1="${16 * i + 12}" y2="${16 * i + 12}" stroke="${COLORS[i % COLORS.length]}" stroke-width="3"/><text x="28" y="${16 * i + 16}">${escapeXml(s.label)}</text>`,
      ),
      '</g>',
    );
  });
  return svgDocument(panels.length * PANEL_HEIGHT, parts.join(''));
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
  const xs = checkSweep('plotSweep', x, panels, logX);
  showFigure(
    sweepFigure(xs, panels, options.xLabel, logX),
    `<Sweep over ${xs.length} values of ${options.xLabel}: ${panels.map((p) => p.title).join('; ')}>`,
    sweepSvg(xs, panels, options.xLabel, logX),
  );
}
