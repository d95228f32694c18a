/**
 * The parts of static SVG charts: panel frames with titles, ticks and the data -> pixel maps, the
 * document around them, the font and colours. Static charts serve two purposes:
 *
 * - the live training view's frames. JupyterLab's plotly renderer ignores display updates once it
 *   has drawn (its renderModel returns early when a graph exists), so an in-place updated Plotly
 *   output stays at its first frame; SVG outputs are redrawn on every update;
 * - the static image/png beside every Plotly figure (rasterised by ./raster), which viewers that
 *   run no scripts (GitHub, nbviewer, an HTML export without JavaScript) show.
 *
 * Line charts are drawn from their description by ./chartSpec (toSvg), tables beside heatmaps
 * by ./tableHeatmap and image grids with labels by ./svgGrid (for ./imageGrid).
 */

/** Chart width in SVG user units (pixels at scale 1). */
export const SVG_WIDTH = 860;
const PANEL_H = 240;
const M = { left: 64, right: 20, top: 32, bottom: 42 };
/** Fonts the rasteriser finds on most systems (DejaVu on Debian), then any sans-serif. */
export const SVG_FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
export const CHART_COLORS = { train: '#1f77b4', val: '#ff7f0e', loss: '#1f77b4', mark: '#d62728' };

/** Round tick values covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/** Text made safe for SVG/XML. */
export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** One chart panel: its top edge, labels and data ranges. */
export interface Panel {
  /** top edge of the panel in the document */
  y0: number;
  title: string;
  xLabel: string;
  yLabel: string;
  /** x range (xMin defaults to 0) */
  xMin?: number;
  xMax: number;
  yMin: number;
  yMax: number;
  /** right margin (default 20; wider leaves room for a colour bar) */
  right?: number;
}

/** A drawn panel: its frame, titles and ticks as SVG (`body`) and the data -> pixel maps. */
export interface Axes {
  body: string;
  x: (v: number) => number;
  y: (v: number) => number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** Panel height in SVG user units. */
export const PANEL_HEIGHT = PANEL_H;

/**
 * The frame, title, axis labels, grid lines and ticks of a panel `PANEL_HEIGHT` high and
 * `SVG_WIDTH` wide, and the maps from data to pixel coordinates.
 */
export function axes(p: Panel): Axes {
  const xMin = p.xMin ?? 0;
  const rightMargin = p.right ?? M.right;
  const plotW = SVG_WIDTH - M.left - rightMargin;
  const plotH = PANEL_H - M.top - M.bottom;
  const top = p.y0 + M.top;
  const x = (v: number) => M.left + (p.xMax > xMin ? ((v - xMin) / (p.xMax - xMin)) * plotW : 0);
  const y = (v: number) =>
    top + plotH - (p.yMax > p.yMin ? ((v - p.yMin) / (p.yMax - p.yMin)) * plotH : plotH / 2);
  const parts = [
    `<text x="${SVG_WIDTH / 2}" y="${p.y0 + 20}" text-anchor="middle" font-weight="bold" font-size="14">${escapeXml(p.title)}</text>`,
    `<rect x="${M.left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc"/>`,
    `<text x="${M.left + plotW / 2}" y="${p.y0 + PANEL_H - 6}" text-anchor="middle">${escapeXml(p.xLabel)}</text>`,
    `<text transform="translate(14,${top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(p.yLabel)}</text>`,
  ];
  for (const t of niceTicks(p.yMin, p.yMax, 4)) {
    if (t < p.yMin || t > p.yMax) continue;
    parts.push(
      `<line x1="${M.left}" x2="${M.left + plotW}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/>`,
      `<text x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`,
    );
  }
  for (const t of niceTicks(xMin, p.xMax, 6)) {
    if (t < xMin || t > p.xMax) continue;
    parts.push(
      `<text x="${x(t).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle">${fmt(t)}</text>`,
    );
  }
  return {
    body: parts.join(''),
    x,
    y,
    top,
    bottom: top + plotH,
    left: M.left,
    right: M.left + plotW,
  };
}

/** An SVG document of the chart width and `height` around `body`, on a white background. */
export function svgDocument(height: number, body: string, width = SVG_WIDTH): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${SVG_FONT}" font-size="12">`,
    '<rect width="100%" height="100%" fill="white"/>',
    body,
    '</svg>',
  ].join('');
}
