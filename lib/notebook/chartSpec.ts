/**
 * One description of a line chart, from which both its Plotly figure (the interactive chart) and
 * its static SVG (rasterised to the image/png that viewers without scripts show) are made: a
 * chart family builds a {@link LineChart} once and calls {@link toPlotly} and {@link toSvg}.
 *
 * A chart is panels stacked top to bottom; a panel has a title, two axes (linear or log, a fixed
 * range or the data's) and series of points drawn as markers, lines, or both. Non-finite values
 * are gaps. A panel may carry dashed vertical marks with a note (a diverged run).
 */
import { showFigure } from './display';
import type { PlotlyFigure, PlotlyTrace } from './figures';
import { axes, escapeXml, PANEL_HEIGHT, SVG_WIDTH, svgDocument } from './svgChart';

/** One axis of a panel. */
export interface ChartAxis {
  /** the axis title */
  label: string;
  /** logarithmic (values must be positive; the static image draws log10 of them) */
  log?: boolean;
  /** fixed range [lo, hi]; default the data's (the static image starts a y axis at 0 or below) */
  range?: readonly [number, number];
  /**
   * the static image's default range is the data's widened by this fraction of its span on each
   * side (a y axis then need not start at 0); Plotly pads on its own
   */
  pad?: number;
}

/** One series of points of a panel. */
export interface ChartSeries {
  /** legend and hover name */
  label: string;
  /** (P,) x of each point */
  x: readonly number[];
  /** (P,) y of each point; NaN and infinities are gaps */
  y: readonly number[];
  /** markers only, a line only, or a line through markers */
  draw: 'markers' | 'lines' | 'lines+markers';
  /** CSS colour of markers and line */
  color: string;
  /** marker diameter in pixels (default 6) */
  markerSize?: number;
  /** marker opacity in (0, 1] (default 1) */
  opacity?: number;
  /**
   * (P,) a value per point that colours its marker on the reversed RdBu scale (lowest red,
   * highest blue), with a colour bar beside the panel; markers are then white-edged circles
   */
  colorValues?: readonly number[];
  /** (P,) error bar of each point: y +- errorY */
  errorY?: readonly number[];
  /** marker shape (default circle); triangles mark values drawn on the panel's top edge */
  symbol?: 'circle' | 'triangle-up';
  /** line width in pixels (Plotly's default, 2, when not given) */
  lineWidth?: number;
  /** dashed line */
  dash?: boolean;
  /** listed in the legend (default true; a label is listed once however many panels have it) */
  inLegend?: boolean;
  /** (P,) text shown on hover for each point, as `<x title> <x>: <text>` */
  hoverText?: readonly string[];
  /** no hover for this series (a reference line) */
  noHover?: boolean;
  /** significant digits kept in the figure JSON (default 6; 0 keeps full precision) */
  digits?: number;
  /** many points: Plotly draws the series with WebGL (scattergl) */
  many?: boolean;
}

/** A dashed vertical line across a panel at `x`, with a note beside it. */
export interface ChartMark {
  x: number;
  note: string;
  color: string;
}

/** One panel of a chart. */
export interface ChartPanel {
  title: string;
  x: ChartAxis;
  y: ChartAxis;
  series: readonly ChartSeries[];
  marks?: readonly ChartMark[];
}

/** Where the legend goes. */
export interface ChartLegend {
  /**
   * 'lower right': inside the lower right corner (of the figure in Plotly, of each listed panel in
   * the static image); 'upper right': above the plot in Plotly, in the panel's upper right corner
   * in the static image
   */
  corner: 'lower right' | 'upper right';
  /** the panels (0-based) whose static image draws the legend (default the first) */
  panels?: readonly number[];
}

/** A chart: stacked panels and a legend. */
export interface LineChart {
  panels: readonly ChartPanel[];
  /** no legend when absent */
  legend?: ChartLegend;
  /** height of the interactive figure in pixels (default 400 for one panel, 300 per panel) */
  height?: number;
}

const CONFIG = { responsive: true, displaylogo: false };

/**
 * Checks a chart description: at least one panel; in every series as many y values (and error
 * bars, colour values, hover texts) as x values; positive values on a log axis. Throws a
 * RangeError naming `fn`, the panel and the series.
 */
export function checkChart(fn: string, chart: LineChart): void {
  if (!Array.isArray(chart?.panels) || chart.panels.length === 0) {
    throw new RangeError(`${fn}: chart.panels must be a non-empty array`);
  }
  chart.panels.forEach((panel: ChartPanel, k: number) => {
    panel.series.forEach((s: ChartSeries, i: number) => {
      const where = `${fn}: panels[${k}].series[${i}] ('${s.label}')`;
      const n = s.x.length;
      for (const [name, values] of [
        ['y', s.y],
        ['errorY', s.errorY],
        ['colorValues', s.colorValues],
        ['hoverText', s.hoverText],
      ] as const) {
        if (values !== undefined && values.length !== n) {
          throw new RangeError(`${where} has ${values.length} ${name} values for ${n} x values`);
        }
      }
      for (const [axis, values] of [
        ['x', s.x],
        ['y', s.y],
      ] as const) {
        const bad = panel[axis].log
          ? values.find((v: number) => Number.isFinite(v) && !(v > 0))
          : undefined;
        if (bad !== undefined) {
          throw new RangeError(`${where} has ${axis} = ${bad} on a log ${axis} axis`);
        }
      }
    });
  });
}

/** `v` rounded to `digits` significant digits (0: unrounded); NaN and infinities become null. */
function jsonValue(v: number, digits: number): number | null {
  if (!Number.isFinite(v)) return null;
  return digits > 0 ? Number(v.toPrecision(digits)) : v;
}

// ---------------------------------------------------------------------------------------------
// Plotly

/** The chart as a Plotly figure: one subplot per panel, sharing the legend. */
export function toPlotly(chart: LineChart): PlotlyFigure {
  checkChart('toPlotly', chart);
  const single = chart.panels.length === 1;
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {};
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const listed = new Set<string>();
  chart.panels.forEach((panel, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    const [xref, yref] = [`x${suffix}`, `y${suffix}`];
    layout[`xaxis${suffix}`] = {
      title: { text: panel.x.label },
      type: panel.x.log ? 'log' : 'linear',
      ...(panel.x.range ? { range: [...panel.x.range] } : {}),
    };
    layout[`yaxis${suffix}`] = {
      title: { text: panel.y.label },
      type: panel.y.log ? 'log' : 'linear',
      ...(panel.y.range ? { range: [...panel.y.range] } : {}),
    };
    if (!single) annotations.push(subplotTitle(panel.title, xref, yref));
    for (const s of panel.series) {
      const inLegend = s.inLegend !== false && !listed.has(s.label);
      if (inLegend) listed.add(s.label);
      const trace: PlotlyTrace = {
        type: s.many ? 'scattergl' : 'scatter',
        mode: s.draw,
        name: s.label,
        x: [...s.x],
        y: s.y.map((v) => jsonValue(v, s.digits ?? 6)),
        marker: {
          color: s.color,
          ...(s.markerSize !== undefined ? { size: s.markerSize } : {}),
          ...(s.opacity !== undefined ? { opacity: s.opacity } : {}),
          ...(s.symbol && s.symbol !== 'circle' ? { symbol: s.symbol } : {}),
        },
        line: {
          color: s.color,
          ...(s.dash ? { dash: 'dash' } : {}),
          ...(s.lineWidth !== undefined ? { width: s.lineWidth } : {}),
        },
        showlegend: inLegend,
        ...(single ? {} : { legendgroup: s.label }),
        ...(k === 0 ? {} : { xaxis: xref, yaxis: yref }),
      };
      if (s.symbol === 'triangle-up') trace.cliponaxis = false;
      if (s.errorY) trace.error_y = { type: 'data', array: [...s.errorY], visible: true };
      if (s.colorValues) {
        const n = chart.panels.length;
        trace.marker = {
          ...(s.markerSize !== undefined ? { size: s.markerSize } : {}),
          color: [...s.colorValues],
          colorscale: 'RdBu',
          reversescale: true,
          showscale: true,
          colorbar: { len: 0.84 / n, y: 1 - (k + 0.5) / n, yanchor: 'middle' },
        };
      }
      if (s.hoverText) {
        trace.text = [...s.hoverText];
        trace.hovertemplate = `${panel.x.label.toLowerCase()} %{x}: %{text}<extra></extra>`;
      }
      if (s.noHover) trace.hoverinfo = 'skip';
      data.push(trace);
    }
    for (const m of panel.marks ?? []) {
      shapes.push({
        type: 'line',
        xref,
        yref: `${yref} domain`,
        x0: m.x,
        x1: m.x,
        y0: 0,
        y1: 1,
        line: { color: m.color, dash: 'dash', width: 1.5 },
      });
      annotations.push({
        text: m.note,
        xref,
        yref: `${yref} domain`,
        x: m.x,
        y: 0.95,
        xanchor: 'left',
        showarrow: false,
        font: { color: m.color },
        bgcolor: 'rgba(255,255,255,0.8)',
      });
    }
  });
  if (single) layout.title = { text: chart.panels[0].title };
  else {
    layout.grid = {
      rows: chart.panels.length,
      columns: 1,
      pattern: 'independent',
      roworder: 'top to bottom',
      ygap: 0.35,
    };
  }
  if (shapes.length > 0) layout.shapes = shapes;
  if (annotations.length > 0) layout.annotations = annotations;
  if (chart.legend?.corner === 'lower right') {
    layout.legend = { x: 1, xanchor: 'right', y: 0, yanchor: 'bottom' };
  } else if (chart.legend?.corner === 'upper right') {
    layout.legend = { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' };
  }
  layout.height = chart.height ?? (single ? 400 : 300 * chart.panels.length);
  layout.margin = { t: single ? 50 : 40, r: 20 };
  return { data, layout, config: CONFIG };
}

function subplotTitle(text: string, xref: string, yref: string): Record<string, unknown> {
  return {
    text: `<b>${escapeXml(text)}</b>`,
    xref: `${xref} domain`,
    yref: `${yref} domain`,
    x: 0.5,
    y: 1,
    xanchor: 'center',
    yanchor: 'bottom',
    showarrow: false,
    font: { size: 15 },
  };
}

// ---------------------------------------------------------------------------------------------
// SVG

/** The range an axis is drawn over in the static image (in log10 units for a log axis). */
function svgRange(axis: ChartAxis, values: readonly number[], isY: boolean): [number, number] {
  if (axis.range) {
    const [lo, hi] = axis.range;
    return axis.log ? [Math.log10(lo), Math.log10(hi)] : [lo, hi];
  }
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return [0, 1];
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (axis.pad !== undefined) {
    const pad = max > min ? (max - min) * axis.pad : Math.max(Math.abs(min), 1) * axis.pad;
    return [min - pad, max + pad];
  }
  if (!isY || axis.log) return [min, max > min ? max : min + 1];
  const lo = Math.min(0, min);
  const hi = max > 0 ? max * 1.05 : max;
  return [lo, hi > lo ? hi : lo + 1];
}

/**
 * The chart as an SVG document, `SVG_WIDTH` wide and `PANEL_HEIGHT` per panel, for its static
 * PNG (./raster). A log axis is drawn in log10 units and its title says so.
 */
export function toSvg(chart: LineChart): string {
  checkChart('toSvg', chart);
  const parts: string[] = [];
  const legendPanels = chart.legend?.panels ?? [0];
  chart.panels.forEach((panel, k) => {
    const tx = (v: number) => (panel.x.log ? Math.log10(v) : v);
    const ty = (v: number) => (panel.y.log ? Math.log10(v) : v);
    const [xMin, xMax] = svgRange(
      panel.x,
      panel.series.flatMap((s) => s.x.map(tx)),
      false,
    );
    const [yMin, yMax] = svgRange(
      panel.y,
      panel.series.flatMap((s) =>
        s.errorY
          ? s.y.flatMap((v, j) => [v - (s.errorY?.[j] ?? 0), v + (s.errorY?.[j] ?? 0)].map(ty))
          : s.y.map(ty),
      ),
      true,
    );
    const a = axes({
      y0: k * PANEL_HEIGHT,
      title: panel.title,
      xLabel: panel.x.log ? `log10 of ${panel.x.label}` : panel.x.label,
      yLabel: panel.y.log ? `log10 of ${panel.y.label}` : panel.y.label,
      xMin,
      xMax,
      yMin,
      yMax,
      ...(panel.series.some((s) => s.colorValues) ? { right: 100 } : {}),
    });
    parts.push(a.body);
    for (const s of panel.series) {
      const pts: [string, string][] = [];
      s.y.forEach((v, j) => {
        const yv = ty(v);
        const xv = tx(s.x[j]);
        if (!Number.isFinite(yv) || !Number.isFinite(xv)) return;
        const clamped = Math.min(Math.max(yv, yMin), yMax);
        pts.push([a.x(xv).toFixed(1), a.y(clamped).toFixed(1)]);
      });
      if (s.colorValues) parts.push(svgColorBar(s.colorValues, a));
      if (s.errorY)
        parts.push(
          svgErrorBars(
            s,
            (v) => a.x(tx(v)),
            (v) => a.y(ty(v)),
          ),
        );
      if (s.draw !== 'markers' && pts.length > 0) {
        parts.push(
          `<polyline data-series="${escapeXml(s.label)}" points="${pts.map((p) => p.join(',')).join(' ')}" fill="none" stroke="${s.color}" stroke-width="${s.lineWidth ?? 1.5}"${s.dash ? ' stroke-dasharray="6 4"' : ''}/>`,
        );
      }
      if (s.colorValues)
        parts.push(
          svgColoredMarkers(
            s,
            (v) => a.x(tx(v)),
            (v) => a.y(ty(v)),
          ),
        );
      else if (s.draw !== 'lines' && pts.length > 0) parts.push(svgMarkers(s, pts));
    }
    for (const m of panel.marks ?? []) {
      const x = a.x(tx(m.x)).toFixed(1);
      const right = Number(x) > (a.left + a.right) / 2;
      parts.push(
        `<line x1="${x}" x2="${x}" y1="${a.top}" y2="${a.bottom}" stroke="${m.color}" stroke-dasharray="5 3"/>`,
        `<text x="${right ? Number(x) - 6 : Number(x) + 6}" y="${a.top + 16}" text-anchor="${right ? 'end' : 'start'}" fill="${m.color}" stroke="white" stroke-width="3" paint-order="stroke">${escapeXml(m.note)}</text>`,
      );
    }
    if (chart.legend && legendPanels.includes(k)) {
      parts.push(svgLegend(chart.legend.corner, legendEntries(chart), a));
    }
  });
  return svgDocument(chart.panels.length * PANEL_HEIGHT, parts.join(''), SVG_WIDTH);
}

/** Plotly's 'RdBu' colorscale reversed (as the Plotly figure draws it): low red, high blue. */
const RDBU_REVERSED: readonly [number, [number, number, number]][] = [
  [0, [178, 10, 28]],
  [0.3, [230, 145, 90]],
  [0.4, [220, 170, 132]],
  [0.5, [190, 190, 190]],
  [0.65, [106, 137, 247]],
  [1, [5, 10, 172]],
];

/** The reversed RdBu colour at t in [0, 1] (linear between stops), as 'rgb(r,g,b)'. */
export function rdbuReversed(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  let i = 0;
  while (i < RDBU_REVERSED.length - 2 && u > RDBU_REVERSED[i + 1][0]) i += 1;
  const [t0, c0] = RDBU_REVERSED[i];
  const [t1, c1] = RDBU_REVERSED[i + 1];
  const w = (u - t0) / (t1 - t0);
  return `rgb(${c0.map((v, k) => Math.round(v + (c1[k] - v) * w)).join(',')})`;
}

/** Where a series' colour values sit on the scale: 0 at the lowest, 1 at the highest. */
function colorPosition(values: readonly number[]): (v: number) => number {
  const finite = values.filter((v) => Number.isFinite(v));
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return (v) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
}

/** Markers coloured by value: one white-edged circle per point (class "point", in order). */
function svgColoredMarkers(
  s: ChartSeries,
  px: (v: number) => number,
  py: (v: number) => number,
): string {
  const values = s.colorValues ?? [];
  const t = colorPosition(values);
  const r = (s.markerSize ?? 6) / 2;
  return s.y
    .map((v, j) =>
      Number.isFinite(v) && Number.isFinite(s.x[j])
        ? `<circle class="point" data-series="${escapeXml(s.label)}" cx="${px(s.x[j]).toFixed(1)}" cy="${py(v).toFixed(1)}" r="${r}" fill="${rdbuReversed(t(values[j]))}" stroke="white"/>`
        : '',
    )
    .join('');
}

/** The colour bar right of a panel: the scale bottom (lowest) to top, its two ends labelled. */
function svgColorBar(
  values: readonly number[],
  a: { top: number; bottom: number; right: number },
): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return '';
  const [lo, hi] = [Math.min(...finite), Math.max(...finite)];
  const barX = a.right + 24;
  const barH = a.bottom - a.top;
  const steps = 30;
  const bar: string[] = [];
  for (let k = 0; k < steps; k++) {
    const y = a.bottom - ((k + 1) * barH) / steps;
    bar.push(
      `<rect x="${barX}" y="${y.toFixed(1)}" width="14" height="${(barH / steps + 0.5).toFixed(1)}" fill="${rdbuReversed((k + 0.5) / steps)}"/>`,
    );
  }
  bar.push(
    `<text x="${barX + 20}" y="${a.top + 8}">${escapeXml(hi.toFixed(3))}</text>`,
    `<text x="${barX + 20}" y="${a.bottom}">${escapeXml(lo.toFixed(3))}</text>`,
  );
  return bar.join('');
}

/** A series' error bars: a vertical line from y - e to y + e with 8 px caps. */
function svgErrorBars(
  s: ChartSeries,
  px: (v: number) => number,
  py: (v: number) => number,
): string {
  const f = (v: number) => v.toFixed(1);
  const d = s.y
    .map((v, j) => {
      const e = s.errorY?.[j] ?? Number.NaN;
      if (!Number.isFinite(v) || !Number.isFinite(e)) return '';
      const [x, y1, y2] = [px(s.x[j]), f(py(v - e)), f(py(v + e))];
      return `M${f(x)} ${y1}V${y2}M${f(x - 4)} ${y1}h8M${f(x - 4)} ${y2}h8`;
    })
    .join('');
  return `<path d="${d}" stroke="${s.color}" stroke-width="1.5" fill="none"/>`;
}

/** A series' markers: round dots (one path) or triangles. */
function svgMarkers(s: ChartSeries, pts: readonly [string, string][]): string {
  const size = s.markerSize ?? 6;
  const opacity = s.opacity !== undefined ? ` stroke-opacity="${s.opacity}"` : '';
  if (s.symbol === 'triangle-up') {
    const h = size / 2;
    return `<path data-series="${escapeXml(s.label)}" d="${pts.map(([x, y]) => `M${x} ${(Number(y) - h).toFixed(1)}l${h} ${size}h${-size}z`).join('')}" fill="${s.color}"/>`;
  }
  const d = pts.map(([x, y]) => `M${x} ${y}h0`).join('');
  return `<path data-series="${escapeXml(s.label)}" d="${d}" stroke="${s.color}" stroke-width="${size}"${opacity} stroke-linecap="round" fill="none"/>`;
}

/** The legend's entries: the first series of each listed label. */
function legendEntries(chart: LineChart): ChartSeries[] {
  const seen = new Map<string, ChartSeries>();
  for (const p of chart.panels) {
    for (const s of p.series) {
      if (s.inLegend !== false && !seen.has(s.label)) seen.set(s.label, s);
    }
  }
  return [...seen.values()];
}

function svgLegend(
  corner: ChartLegend['corner'],
  entries: readonly ChartSeries[],
  a: { top: number; bottom: number; right: number },
): string {
  if (entries.length === 0) return '';
  const rowH = 16;
  const w = 38 + 8 * Math.max(...entries.map((e) => e.label.length));
  const h = rowH * entries.length + 6;
  const lx = a.right - w - 6;
  const ly = corner === 'upper right' ? a.top + 6 : a.bottom - h - 6;
  return [
    `<g transform="translate(${lx},${ly})"><rect width="${w}" height="${h}" fill="white" stroke="#ccc"/>`,
    ...entries.map(
      (e, i) =>
        `${e.draw === 'markers' ? svgMarkers(e, [['14', String(rowH * i + 12)]]) : `<line x1="6" x2="22" y1="${rowH * i + 12}" y2="${rowH * i + 12}" stroke="${e.color}" stroke-width="3"/>`}<text x="28" y="${rowH * i + 16}">${escapeXml(e.label)}</text>`,
    ),
    '</g>',
  ].join('');
}

/**
 * Shows a chart in the notebook: its Plotly figure, with the static PNG of its SVG.
 *
 * @param text the one-line text/plain summary
 */
export function showLineChart(chart: LineChart, text: string): void {
  showFigure(toPlotly(chart), text, toSvg(chart));
}
