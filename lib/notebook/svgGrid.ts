/**
 * The static PNG of an image grid with its titles drawn in (the class names above the columns or
 * the cells), for viewers that run no scripts: the Plotly figure puts them in as annotations,
 * which only the interactive version shows. The grid's own PNG is embedded in an SVG, one
 * cropped copy per grid row with a band for the titles above it, and rasterised by ./raster.
 */
import { base64 } from './png';
import { svgToPng } from './raster';
import { escapeXml, svgDocument } from './svgChart';

/** What is needed of a grid: its size and cell layout (see ./classifierImages `Grid`). */
export interface GridLayout {
  image: { width: number; height: number };
  cellWidth: number;
  cellHeight: number;
  padding: number;
  cols: number;
  rows: number;
}

const TITLE_H = 30;
const LABEL_H = 18;
const MARGIN = 10;

/**
 * The SVG text of a grid with a title and cell labels.
 *
 * @param g the grid layout
 * @param png the grid's PNG (encodePNG of g.image)
 * @param title the figure title, drawn at the top
 * @param label the label above cell (row, col), or '' for none; a row whose labels are all empty
 *   gets no label band
 */
export function titledGridSvg(
  g: GridLayout,
  png: Uint8Array,
  title: string,
  label: (row: number, col: number) => string,
): string {
  const href = `data:image/png;base64,${base64(png)}`;
  const { width, height } = g.image;
  const parts: string[] = [
    `<text x="${MARGIN + width / 2}" y="20" text-anchor="middle" font-weight="bold" font-size="14">${escapeXml(title)}</text>`,
  ];
  let y = TITLE_H;
  for (let r = 0; r < g.rows; r++) {
    const labels = Array.from({ length: g.cols }, (_, c) => label(r, c));
    if (labels.some((t) => t !== '')) {
      labels.forEach((t, c) => {
        if (t === '') return;
        const x = MARGIN + c * (g.cellWidth + g.padding) + g.cellWidth / 2;
        parts.push(
          `<text class="label" x="${x}" y="${y + LABEL_H - 5}" text-anchor="middle">${escapeXml(t)}</text>`,
        );
      });
      y += LABEL_H;
    }
    const srcY = r * (g.cellHeight + g.padding);
    const rowH = Math.min(g.cellHeight + g.padding, height - srcY);
    parts.push(
      `<svg x="${MARGIN}" y="${y}" width="${width}" height="${rowH}" viewBox="0 ${srcY} ${width} ${rowH}"><image href="${href}" width="${width}" height="${height}" image-rendering="pixelated"/></svg>`,
    );
    y += rowH;
  }
  return svgDocument(y + MARGIN, parts.join(''), width + 2 * MARGIN);
}

/** {@link titledGridSvg} rasterised: the PNG to show beside the grid's Plotly figure. */
export function titledGridPng(
  g: GridLayout,
  png: Uint8Array,
  title: string,
  label: (row: number, col: number) => string,
): Uint8Array {
  return svgToPng(titledGridSvg(g, png, title, label));
}
