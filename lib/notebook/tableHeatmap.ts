/**
 * One description of a table beside a heatmap (the hyperparameter sweep view: every run as a
 * table row, the best one highlighted, and a value over a grid of two settings), from which both
 * its Plotly figure (a table trace and a heatmap) and its static SVG (for the image/png beside
 * the figure) are made, with the same Viridis colours.
 */
import type { PlotlyFigure } from './figures';
import { escapeXml, svgDocument } from './svgChart';

/** A table beside a heatmap. */
export interface TableHeatmapChart {
  title: string;
  table: {
    header: readonly string[];
    /** cell texts, one array per row */
    rows: readonly (readonly string[])[];
    /** indices of the rows drawn highlighted */
    highlight: readonly number[];
  };
  heatmap: {
    /** column labels (x, left to right) and row labels (y, bottom to top) */
    x: readonly string[];
    y: readonly string[];
    /** z[row][col], null where there is no value */
    z: readonly (readonly (number | null)[])[];
    /** the colour scale runs from 0 to zmax */
    zmax: number;
    xLabel: string;
    yLabel: string;
    /** short names in the hover text and the colour bar: `lr 1e-3, reg 0.1: val acc 0.412` */
    names: { x: string; y: string; value: string };
  };
}

const HIGHLIGHT = '#fff3b0';
const HEADER_FILL = '#e8e8e8';

/** The chart as a Plotly figure: the table on the left, the heatmap on the right. */
export function tableHeatmapFigure(chart: TableHeatmapChart): PlotlyFigure {
  const { table, heatmap: h } = chart;
  const rowColors = table.rows.map((_, r) => (table.highlight.includes(r) ? HIGHLIGHT : 'white'));
  return {
    data: [
      {
        type: 'table',
        domain: { x: [0, 0.48], y: [0, 1] },
        header: {
          values: table.header.map((name) => `<b>${name}</b>`),
          fill: { color: HEADER_FILL },
          align: 'center',
        },
        cells: {
          values: table.header.map((_, c) => table.rows.map((row) => row[c])),
          fill: { color: [rowColors] },
          align: 'center',
          height: 24,
        },
      },
      {
        type: 'heatmap',
        x: [...h.x],
        y: [...h.y],
        z: h.z.map((row) => [...row]),
        zmin: 0,
        zmax: h.zmax,
        colorscale: 'Viridis',
        texttemplate: '%{z:.3f}',
        hovertemplate: `${h.names.x} %{x}, ${h.names.y} %{y}: ${h.names.value} %{z:.3f}<extra></extra>`,
        colorbar: { title: { text: h.names.value } },
        xaxis: 'x',
        yaxis: 'y',
      },
    ],
    layout: {
      title: { text: chart.title },
      xaxis: { domain: [0.58, 1], type: 'category', title: { text: h.xLabel } },
      yaxis: { type: 'category', title: { text: h.yLabel } },
      height: Math.max(400, 180 + 34 * table.rows.length),
      margin: { t: 60, r: 20, l: 20 },
    },
    config: { responsive: true, displaylogo: false },
  };
}

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

/** The chart as an SVG document, 1000 wide: the table at the left, the heatmap at the right. */
export function tableHeatmapSvg(chart: TableHeatmapChart): string {
  const { table, heatmap: h } = chart;
  const rowH = 24;
  const top = 48;
  const height = Math.max(400, top + rowH * (table.rows.length + 1) + 30);
  const parts: string[] = [
    `<text x="${WIDTH / 2}" y="26" text-anchor="middle" font-weight="bold" font-size="15">${escapeXml(chart.title)}</text>`,
  ];
  // Table: x in [10, 470].
  const tableX = 10;
  const colW = 460 / table.header.length;
  parts.push(
    `<rect x="${tableX}" y="${top}" width="460" height="${rowH}" fill="${HEADER_FILL}" stroke="#999"/>`,
  );
  table.header.forEach((name, c) => {
    parts.push(
      `<text x="${tableX + colW * (c + 0.5)}" y="${top + 16}" text-anchor="middle" font-weight="bold">${escapeXml(name)}</text>`,
    );
  });
  table.rows.forEach((row, r) => {
    const y = top + rowH * (r + 1);
    const fill = table.highlight.includes(r) ? HIGHLIGHT : 'white';
    parts.push(
      `<rect x="${tableX}" y="${y}" width="460" height="${rowH}" fill="${fill}" stroke="#ccc"/>`,
    );
    row.forEach((cell, c) => {
      parts.push(
        `<text x="${tableX + colW * (c + 0.5)}" y="${y + 16}" text-anchor="middle">${escapeXml(cell)}</text>`,
      );
    });
  });
  // Heatmap: x in [590, 900], y in [top, height - 70]; colour bar at x 920.
  const hx = 590;
  const hw = 310;
  const hy = top;
  const hh = height - top - 70;
  const cw = hw / h.x.length;
  const ch = hh / h.y.length;
  h.y.forEach((yLabel, i) => {
    // Row 0 at the bottom, as Plotly draws a category y axis.
    const y = hy + hh - ch * (i + 1);
    parts.push(
      `<text x="${hx - 8}" y="${(y + ch / 2 + 4).toFixed(1)}" text-anchor="end">${escapeXml(yLabel)}</text>`,
    );
    h.x.forEach((_, j) => {
      const v = h.z[i][j];
      const x = hx + cw * j;
      const fill = v === null ? '#f4f4f4' : viridis(v / h.zmax);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${cw.toFixed(1)}" height="${ch.toFixed(1)}" fill="${fill}" stroke="white"/>`,
      );
      if (v !== null) {
        const ink = v / h.zmax > 0.6 ? 'black' : 'white';
        parts.push(
          `<text x="${(x + cw / 2).toFixed(1)}" y="${(y + ch / 2 + 4).toFixed(1)}" text-anchor="middle" fill="${ink}">${v.toFixed(3)}</text>`,
        );
      }
    });
  });
  h.x.forEach((xLabel, j) => {
    parts.push(
      `<text x="${(hx + cw * (j + 0.5)).toFixed(1)}" y="${hy + hh + 18}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    );
  });
  parts.push(
    `<text x="${hx + hw / 2}" y="${hy + hh + 40}" text-anchor="middle">${escapeXml(h.xLabel)}</text>`,
    `<text transform="translate(${hx - 60},${hy + hh / 2}) rotate(-90)" text-anchor="middle">${escapeXml(h.yLabel)}</text>`,
  );
  const steps = 40;
  for (let k = 0; k < steps; k++) {
    const y = hy + hh - ((k + 1) * hh) / steps;
    parts.push(
      `<rect x="920" y="${y.toFixed(1)}" width="16" height="${(hh / steps + 0.5).toFixed(1)}" fill="${viridis((k + 0.5) / steps)}"/>`,
    );
  }
  for (const v of [0, h.zmax / 2, h.zmax]) {
    const y = hy + hh - (v / h.zmax) * hh;
    parts.push(`<text x="942" y="${(y + 4).toFixed(1)}">${v.toFixed(2)}</text>`);
  }
  parts.push(`<text x="928" y="${hy - 8}" text-anchor="middle">${escapeXml(h.names.value)}</text>`);
  return svgDocument(height, parts.join(''), WIDTH);
}
