/**
 * A small static SVG chart of a training run (loss per iteration above, train / val accuracy per
 * check below), for the live training view.
 *
 * Why not Plotly there: JupyterLab's plotly renderer ignores display updates once it has drawn
 * (its renderModel returns early when a graph exists), so an in-place updated Plotly output stays
 * at its first frame. SVG outputs are redrawn on every update, need no script and show the same in
 * every viewer. The view switches to the interactive Plotly figure for its final frame.
 */
import type { TrainingHistory } from './figures';

const W = 860;
const PANEL_H = 220;
const M = { left: 60, right: 20, top: 30, bottom: 40 };

function niceTicks(lo: number, hi: number, count = 5): number[] {
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

interface Panel {
  y0: number;
  title: string;
  xLabel: string;
  xMax: number;
  yMin: number;
  yMax: number;
}

function axes(p: Panel): { body: string; x: (v: number) => number; y: (v: number) => number } {
  const plotW = W - M.left - M.right;
  const plotH = PANEL_H - M.top - M.bottom;
  const x = (v: number) => M.left + (p.xMax > 0 ? (v / p.xMax) * plotW : 0);
  const y = (v: number) =>
    p.y0 +
    M.top +
    plotH -
    (p.yMax > p.yMin ? ((v - p.yMin) / (p.yMax - p.yMin)) * plotH : plotH / 2);
  const parts = [
    `<text x="${W / 2}" y="${p.y0 + 18}" text-anchor="middle" font-weight="bold">${p.title}</text>`,
    `<rect x="${M.left}" y="${p.y0 + M.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ccc"/>`,
    `<text x="${W / 2}" y="${p.y0 + PANEL_H - 6}" text-anchor="middle">${p.xLabel}</text>`,
  ];
  for (const t of niceTicks(p.yMin, p.yMax, 4)) {
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/>`,
      `<text x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`,
    );
  }
  for (const t of niceTicks(0, p.xMax, 6)) {
    parts.push(
      `<text x="${x(t).toFixed(1)}" y="${p.y0 + PANEL_H - M.bottom + 16}" text-anchor="middle">${fmt(t)}</text>`,
    );
  }
  return { body: parts.join(''), x, y };
}

/**
 * The SVG text of a two-panel training chart.
 *
 * @param history lossHistory (T,), trainAccHistory (E,), valAccHistory (E,); non-finite losses are
 *   left out
 */
export function trainingSvg(history: TrainingHistory): string {
  const { lossHistory, trainAccHistory, valAccHistory } = history;
  const finite = lossHistory.filter((v) => Number.isFinite(v));
  const lossMin = finite.length > 0 ? Math.min(...finite) : 0;
  const lossMax = finite.length > 0 ? Math.max(...finite) : 1;
  const top = axes({
    y0: 0,
    title: 'Training loss',
    xLabel: 'Iteration',
    xMax: Math.max(1, lossHistory.length - 1),
    yMin: lossMin,
    yMax: lossMax,
  });
  let dots = '';
  lossHistory.forEach((v, i) => {
    if (Number.isFinite(v)) dots += `M${top.x(i).toFixed(1)} ${top.y(v).toFixed(1)}h0`;
  });
  const accs = [...trainAccHistory, ...valAccHistory, 0.5].filter((v) => Number.isFinite(v));
  const bottom = axes({
    y0: PANEL_H,
    title: 'Accuracy',
    xLabel: 'Epoch',
    xMax: Math.max(1, valAccHistory.length - 1, trainAccHistory.length - 1),
    yMin: Math.min(0, ...accs),
    yMax: Math.max(...accs),
  });
  const line = (values: readonly number[], color: string, extra = '') => {
    const pts = values.map((v, i) => `${bottom.x(i).toFixed(1)},${bottom.y(v).toFixed(1)}`);
    const circles = pts
      .map((p) => {
        const [cx, cy] = p.split(',');
        return `<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`;
      })
      .join('');
    return `<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="1.5"${extra}/>${circles}`;
  };
  const n = valAccHistory.length;
  const half =
    n > 0
      ? `<line x1="${bottom.x(0)}" x2="${bottom.x(n - 1)}" y1="${bottom.y(0.5)}" y2="${bottom.y(0.5)}" stroke="black" stroke-dasharray="6 4"/>`
      : '';
  const legend = `<g transform="translate(${W - M.right - 70},${2 * PANEL_H - M.bottom - 40})"><rect width="64" height="36" fill="white" stroke="#ccc"/><line x1="6" x2="22" y1="11" y2="11" stroke="#1f77b4" stroke-width="2"/><text x="26" y="15">train</text><line x1="6" x2="22" y1="27" y2="27" stroke="#ff7f0e" stroke-width="2"/><text x="26" y="31">val</text></g>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${2 * PANEL_H}" viewBox="0 0 ${W} ${2 * PANEL_H}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="white"/>',
    top.body,
    `<path d="${dots}" stroke="#1f77b4" stroke-width="4" stroke-linecap="round" fill="none"/>`,
    bottom.body,
    half,
    line(trainAccHistory, '#1f77b4'),
    line(valAccHistory, '#ff7f0e'),
    legend,
    '</svg>',
  ].join('');
}
