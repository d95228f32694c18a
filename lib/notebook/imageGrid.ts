/**
 * One description of an image grid (sample images per class, class templates, misclassified
 * images, first-layer weights, a single image such as the mean image or the distance matrix),
 * from which both its Plotly figure and its static PNG are made: the grid's pixels, its cell
 * layout, a title and the labels above cells. Plotly shows the grid's PNG pixel for pixel with the
 * labels as annotations; the static PNG is the grid's own PNG, or, when there are labels, the grid
 * with its title and labels drawn in (./svgGrid), since viewers without scripts show no
 * annotations.
 */
import { displayBundle, figureBundle } from './display';
import type { PlotlyFigure } from './figures';
import { base64, encodePNG, type Uint8Image } from './png';
import { type GridLayout, titledGridPng } from './svgGrid';

/** An image grid: pixels, cells, title, and the label above each cell ('' for none). */
export interface ImageGridChart extends GridLayout {
  image: Uint8Image;
  title: string;
  /** the label above cell (row, col), '' for none; no labels when absent */
  label?: (row: number, col: number) => string;
}

/** A grid of one cell: a single image with a title. */
export function singleImageChart(image: Uint8Image, title: string): ImageGridChart {
  return {
    image,
    title,
    cellWidth: image.width,
    cellHeight: image.height,
    padding: 0,
    cols: 1,
    rows: 1,
  };
}

/** The labels of a grid, each with its cell. */
function labelsOf(chart: ImageGridChart): { row: number; col: number; text: string }[] {
  const out: { row: number; col: number; text: string }[] = [];
  if (!chart.label) return out;
  for (let row = 0; row < chart.rows; row++) {
    for (let col = 0; col < chart.cols; col++) {
      const text = chart.label(row, col);
      if (text !== '') out.push({ row, col, text });
    }
  }
  return out;
}

/**
 * The grid as a Plotly figure: an `image` trace whose source is the grid's PNG (so the figure
 * stays small), axes hidden, square pixels, each label an annotation above its cell.
 *
 * @param png the PNG bytes of `chart.image` (encoded when not given)
 */
export function imageGridFigure(chart: ImageGridChart, png = encodePNG(chart.image)): PlotlyFigure {
  const { width, height } = chart.image;
  const scale = Math.max(1, Math.min(3, Math.floor(640 / Math.max(width, height))));
  const hidden = { visible: false };
  const labels = labelsOf(chart);
  const layout: Record<string, unknown> = {
    title: { text: chart.title },
    width: width * scale + 40,
    height: height * scale + 80,
    margin: { l: 20, r: 20, t: labels.length > 0 ? 80 : 60, b: 20 },
    xaxis: { ...hidden },
    yaxis: { ...hidden, scaleanchor: 'x' },
  };
  if (labels.length > 0) {
    layout.annotations = labels.map(({ row, col, text }) => ({
      text,
      x: col * (chart.cellWidth + chart.padding) + chart.cellWidth / 2 - 0.5,
      y: row * (chart.cellHeight + chart.padding) - 2,
      xref: 'x',
      yref: 'y',
      yanchor: 'bottom',
      showarrow: false,
    }));
  }
  return {
    data: [{ type: 'image', source: `data:image/png;base64,${base64(png)}`, hoverinfo: 'x+y' }],
    layout,
    config: { displaylogo: false },
  };
}

/**
 * The grid's static PNG: its own PNG without labels, else the grid with its title and labels
 * drawn in.
 *
 * @param png the PNG bytes of `chart.image` (encoded when not given)
 */
export function imageGridPng(chart: ImageGridChart, png = encodePNG(chart.image)): Uint8Array {
  const label = chart.label;
  if (!label || labelsOf(chart).length === 0) return png;
  return titledGridPng(chart, png, chart.title, label);
}

/**
 * Shows an image grid: its Plotly figure and its static PNG, with no text/html part (the PNG is
 * the large part, so it is carried twice, not three times).
 *
 * @param text the one-line text/plain summary
 */
export function showImageGrid(chart: ImageGridChart, text: string): void {
  const png = encodePNG(chart.image);
  displayBundle(
    figureBundle(imageGridFigure(chart, png), {
      png: imageGridPng(chart, png),
      html: false,
      text,
    }),
  );
}
