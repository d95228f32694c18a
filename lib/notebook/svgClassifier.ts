/**
 * The static SVG of the learning rate x regularisation search chart (./classifierCharts), drawn
 * on the shared panels of ./svgChart and rasterised to the image/png beside its Plotly figure.
 * (Cross-validation and the SGD loss curve are drawn from their description by ./chartSpec.)
 */
import { axes, escapeXml, PANEL_HEIGHT, SVG_WIDTH, svgDocument } from './svgChart';

/** [lo, hi] widened by `frac` of its span on each side (by `minPad` when the span is 0). */
function padded(lo: number, hi: number, frac: number, minPad: number): [number, number] {
  const pad = hi > lo ? (hi - lo) * frac : minPad;
  return [lo - pad, hi + pad];
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

/** One search run on log axes: x = log10 learning rate, y = log10 reg, its two accuracies. */
export interface SearchPoint {
  x: number;
  y: number;
  trainAcc: number;
  valAcc: number;
}

/**
 * The SVG text of the learning rate x regularisation search: two panels (training accuracy above,
 * validation accuracy below), one dot per run coloured by its accuracy, each with a colour bar
 * over that panel's accuracy range.
 *
 * @param points one entry per run (non-empty, checked by the caller)
 */
export function hyperparameterSvg(points: readonly SearchPoint[]): string {
  const [xMin, xMax] = padded(
    Math.min(...points.map((p) => p.x)),
    Math.max(...points.map((p) => p.x)),
    0.08,
    0.25,
  );
  const [yMin, yMax] = padded(
    Math.min(...points.map((p) => p.y)),
    Math.max(...points.map((p) => p.y)),
    0.12,
    0.25,
  );
  const panel = (key: 'trainAcc' | 'valAcc', title: string, y0: number): string => {
    const a = axes({
      y0,
      title,
      xLabel: 'log learning rate',
      yLabel: 'log regularization strength',
      xMin,
      xMax,
      yMin,
      yMax,
      right: 100,
    });
    const values = points.map((p) => p[key]);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const t = (v: number) => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
    const dots = points.map(
      (p) =>
        `<circle class="run" cx="${a.x(p.x).toFixed(1)}" cy="${a.y(p.y).toFixed(1)}" r="8" fill="${rdbuReversed(t(p[key]))}" stroke="white"/>`,
    );
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
    return [a.body, ...dots, ...bar].join('');
  };
  return svgDocument(
    2 * PANEL_HEIGHT,
    panel('trainAcc', 'CIFAR-10 training accuracy', 0) +
      panel('valAcc', 'CIFAR-10 validation accuracy', PANEL_HEIGHT),
    SVG_WIDTH,
  );
}
