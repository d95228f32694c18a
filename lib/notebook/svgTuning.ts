/**
 * The sweep view as a static SVG (for the image/png beside the Plotly figure): the table of runs
 * on the left (best run highlighted), the validation accuracy heatmap over learning rate x
 * regularisation on the right, with the same Viridis colours as the Plotly heatmap.
 */
import type { TuningResult } from './figures';
import { escapeXml, svgDocument } from './svgChart';
import { shortNumber, tuningTable, tuningTitle } from './tuningTable';

const WIDTH = 1000;
/** Viridis at nine evenly spaced stops (Plotly's 'Viridis' colorscale). */
const VIRIDIS = [
  '#440154',
  '#472d7b',
  '#3b528b',
  '#2c728e',
  '#21918c',
  '#28ae80',
  '#5ec962',
  '#addc30',
  '#fde725',
];

function hexRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The Viridis colour at t in [0, 1] (linear between stops), as '#rrggbb'. */
export function viridis(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const a = hexRgb(VIRIDIS[i]);
  const b = hexRgb(VIRIDIS[i + 1]);
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The SVG text of the sweep view.
 *
 * @param results one entry per run (non-empty, checked by the caller)
 */
export function tuningSvg(results: readonly TuningResult[]): string {
  const t = tuningTable(results);
  const rowH = 24;
  const top = 48;
  const height = Math.max(400, top + rowH * (t.rows.length + 1) + 30);
  const parts: string[] = [
    `<text x="${WIDTH / 2}" y="26" text-anchor="middle" font-weight="bold" font-size="15">${escapeXml(tuningTitle(t.best))}</text>`,
  ];
  // Table: x in [10, 470].
  const tableX = 10;
  const colW = 460 / t.header.length;
  parts.push(
    `<rect x="${tableX}" y="${top}" width="460" height="${rowH}" fill="#e8e8e8" stroke="#999"/>`,
  );
  t.header.forEach((h, c) => {
    parts.push(
      `<text x="${tableX + colW * (c + 0.5)}" y="${top + 16}" text-anchor="middle" font-weight="bold">${escapeXml(h)}</text>`,
    );
  });
  t.rows.forEach((row, r) => {
    const y = top + rowH * (r + 1);
    const fill = t.sorted[r] === t.best ? '#fff3b0' : 'white';
    parts.push(
      `<rect x="${tableX}" y="${y}" width="460" height="${rowH}" fill="${fill}" stroke="#ccc"/>`,
    );
    row.forEach((cell, c) => {
      parts.push(
        `<text x="${tableX + colW * (c + 0.5)}" y="${y + 16}" text-anchor="middle">${escapeXml(cell)}</text>`,
      );
    });
  });
  // Heatmap: x in [590, 900], y in [top, height - 60]; colour bar at x 920.
  const hx = 590;
  const hw = 310;
  const hy = top;
  const hh = height - top - 70;
  const zmax = Math.max(0.6, ...results.map((r) => r.valAcc));
  const cw = hw / t.lrs.length;
  const ch = hh / t.regs.length;
  t.regs.forEach((reg, i) => {
    // Row 0 (smallest reg) at the bottom, as Plotly draws a category y axis.
    const y = hy + hh - ch * (i + 1);
    parts.push(
      `<text x="${hx - 8}" y="${(y + ch / 2 + 4).toFixed(1)}" text-anchor="end">${escapeXml(shortNumber(reg))}</text>`,
    );
    t.lrs.forEach((_, j) => {
      const v = t.z[i][j];
      const x = hx + cw * j;
      const fill = v === null ? '#f4f4f4' : viridis(v / zmax);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${cw.toFixed(1)}" height="${ch.toFixed(1)}" fill="${fill}" stroke="white"/>`,
      );
      if (v !== null) {
        const ink = v / zmax > 0.6 ? 'black' : 'white';
        parts.push(
          `<text x="${(x + cw / 2).toFixed(1)}" y="${(y + ch / 2 + 4).toFixed(1)}" text-anchor="middle" fill="${ink}">${v.toFixed(3)}</text>`,
        );
      }
    });
  });
  t.lrs.forEach((lr, j) => {
    parts.push(
      `<text x="${(hx + cw * (j + 0.5)).toFixed(1)}" y="${hy + hh + 18}" text-anchor="middle">${escapeXml(shortNumber(lr))}</text>`,
    );
  });
  parts.push(
    `<text x="${hx + hw / 2}" y="${hy + hh + 40}" text-anchor="middle">learning rate</text>`,
    `<text transform="translate(${hx - 60},${hy + hh / 2}) rotate(-90)" text-anchor="middle">regularisation</text>`,
  );
  const steps = 40;
  for (let k = 0; k < steps; k++) {
    const y = hy + hh - ((k + 1) * hh) / steps;
    parts.push(
      `<rect x="920" y="${y.toFixed(1)}" width="16" height="${(hh / steps + 0.5).toFixed(1)}" fill="${viridis((k + 0.5) / steps)}"/>`,
    );
  }
  for (const v of [0, zmax / 2, zmax]) {
    const y = hy + hh - (v / zmax) * hh;
    parts.push(`<text x="942" y="${(y + 4).toFixed(1)}">${v.toFixed(2)}</text>`);
  }
  parts.push(`<text x="928" y="${hy - 8}" text-anchor="middle">val acc</text>`);
  return svgDocument(height, parts.join(''), WIDTH);
}
