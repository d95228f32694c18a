/**
 * Rows of images with a title above each column, as the ConvolutionalNetworks notebook's
 * image-processing aside shows them (each photo, then its grayscale and edge filter outputs): a
 * colour image is shown as it is, a one-channel map is rescaled to [0, 255] by its own minimum
 * and maximum first. Shown as a Plotly figure whose image trace is the grid's PNG, with a static
 * PNG beside it (the grid with its title and column titles drawn in, ./svgGrid).
 */
import { checkTensor, contiguousData, formatShape, type Tensor } from '../core/tensor';
import { displayBundle, figureBundle } from './display';
import type { PlotlyFigure } from './figures';
import { base64, encodePNG, type Uint8Image } from './png';
import { titledGridPng } from './svgGrid';

/** Options of {@link imageRowsGrid} and {@link showImageRows}. */
export interface ImageRowsOptions {
  /** the title above column c of the first row ('' or absent for none) */
  columnTitles?: readonly string[];
  /** white pixels between neighbouring cells (4) */
  padding?: number;
}

/** The grid of {@link imageRowsGrid}: pixels and cell layout. */
export interface ImageRowsGrid {
  image: Uint8Image;
  cellWidth: number;
  cellHeight: number;
  padding: number;
  cols: number;
  rows: number;
}

/**
 * The images as one RGB grid, row by row. A cell of shape (H, W, 3) is a colour image whose
 * values (0..255) are truncated to bytes as `.astype('uint8')`; a cell of shape (H, W) is a map
 * rescaled to [0, 255] by its own minimum and maximum (all 0 when constant) and shown grey.
 *
 * @param rows rows of cells, every row as long as the first, every cell (H, W) or (H, W, 3) of
 *   the same H and W
 * @throws RangeError naming `imageRowsGrid` and the cell when a shape differs or a value is NaN
 */
export function imageRowsGrid(
  rows: readonly (readonly Tensor[])[],
  options: ImageRowsOptions = {},
): ImageRowsGrid {
  const fn = 'imageRowsGrid';
  if (
    !Array.isArray(rows) ||
    rows.length === 0 ||
    !Array.isArray(rows[0]) ||
    rows[0].length === 0
  ) {
    throw new RangeError(`${fn}: rows must be a non-empty array of non-empty arrays of images`);
  }
  const padding = options.padding ?? 4;
  if (!Number.isInteger(padding) || padding < 0) {
    throw new RangeError(`${fn}: padding must be a non-negative integer, got ${String(padding)}`);
  }
  const cols = rows[0].length;
  const first = checkTensor(fn, 'rows[0][0]', rows[0][0], [2, 3]);
  const [H, W] = first.shape;
  const width = cols * W + (cols - 1) * padding;
  const height = rows.length * H + (rows.length - 1) * padding;
  const pixels = new Uint8Array(width * height * 3).fill(255);
  rows.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== cols) {
      throw new RangeError(
        `${fn}: row ${r} holds ${Array.isArray(row) ? row.length : 'no'} images, row 0 holds ${cols}`,
      );
    }
    row.forEach((cell, c) => {
      const name = `rows[${r}][${c}]`;
      const t = checkTensor(fn, name, cell, [2, 3]);
      const colour = t.shape.length === 3;
      if (t.shape[0] !== H || t.shape[1] !== W || (colour && t.shape[2] !== 3)) {
        throw new RangeError(
          `${fn}: ${name} has shape ${formatShape(t.shape)}; every cell must be (${H}, ${W}) or (${H}, ${W}, 3)`,
        );
      }
      const d = contiguousData(t);
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let p = 0; p < d.length; p++) {
        if (Number.isNaN(d[p])) {
          throw new RangeError(`${fn}: ${name} holds NaN at flat index ${p}`);
        }
        if (d[p] < lo) lo = d[p];
        if (d[p] > hi) hi = d[p];
      }
      const toByte = (v: number) => {
        const s = colour ? v : hi > lo ? (255 * (v - lo)) / (hi - lo) : 0;
        return s <= 0 ? 0 : s >= 255 ? 255 : Math.trunc(s);
      };
      const x0 = c * (W + padding);
      const y0 = r * (H + padding);
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          const q = ((y0 + i) * width + x0 + j) * 3;
          for (let k = 0; k < 3; k++) {
            pixels[q + k] = toByte(colour ? d[(i * W + j) * 3 + k] : d[i * W + j]);
          }
        }
      }
    });
  });
  return {
    image: { width, height, channels: 3, pixels },
    cellWidth: W,
    cellHeight: H,
    padding,
    cols,
    rows: rows.length,
  };
}

/**
 * Shows {@link imageRowsGrid} with `title` above it and the column titles above the first row.
 *
 * @param rows rows of (H, W, 3) colour images and (H, W) maps
 */
export function showImageRows(
  rows: readonly (readonly Tensor[])[],
  title: string,
  options: ImageRowsOptions = {},
): void {
  const g = imageRowsGrid(rows, options);
  const titles = options.columnTitles ?? [];
  const png = encodePNG(g.image);
  const { width, height } = g.image;
  const scale = Math.max(1, Math.min(3, Math.floor(640 / Math.max(width, height))));
  const hidden = { visible: false };
  const figure: PlotlyFigure = {
    data: [{ type: 'image', source: `data:image/png;base64,${base64(png)}`, hoverinfo: 'x+y' }],
    layout: {
      title: { text: title },
      width: width * scale + 40,
      height: height * scale + 100,
      margin: { l: 20, r: 20, t: 80, b: 20 },
      xaxis: { ...hidden },
      yaxis: { ...hidden, scaleanchor: 'x' },
      annotations: titles.flatMap((text, c) =>
        text === ''
          ? []
          : [
              {
                text,
                x: c * (g.cellWidth + g.padding) + g.cellWidth / 2,
                y: -2,
                xref: 'x',
                yref: 'y',
                yanchor: 'bottom',
                showarrow: false,
              },
            ],
      ),
    },
  };
  displayBundle(
    figureBundle(figure, {
      png: titledGridPng(g, png, title, (r, c) => (r === 0 ? (titles[c] ?? '') : '')),
      html: false,
      text: `<${title}: ${g.rows} x ${g.cols} images of ${g.cellWidth}x${g.cellHeight}>`,
    }),
  );
}
