/** The image-grid description (lib/notebook/imageGrid.ts): its Plotly figure and static PNG. */
import { describe, expect, it } from 'vitest';
import {
  type ImageGridChart,
  imageGridFigure,
  imageGridPng,
  singleImageChart,
} from '../../lib/notebook/imageGrid';
import { base64, encodePNG, type Uint8Image } from '../../lib/notebook/png';
import { pngInfo } from '../helpers/pngInfo';

/** A grey image of `width` x `height` whose pixels hold (x + y) mod 256. */
function image(width: number, height: number): Uint8Image {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      pixels.fill((x + y) % 256, (y * width + x) * 3, (y * width + x + 1) * 3);
  return { width, height, channels: 3, pixels };
}

describe('image grid', () => {
  it('shows a single image as its own PNG, in Plotly and as the static image', () => {
    const chart = singleImageChart(image(40, 30), 'Mean image');
    const png = encodePNG(chart.image);
    const fig = imageGridFigure(chart, png);
    expect(fig.data).toEqual([
      { type: 'image', source: `data:image/png;base64,${base64(png)}`, hoverinfo: 'x+y' },
    ]);
    expect(fig.layout.title).toEqual({ text: 'Mean image' });
    expect(fig.layout.annotations).toBeUndefined();
    expect(imageGridPng(chart, png)).toBe(png);
  });

  it('puts each label above its cell: annotations in Plotly, drawn in the static PNG', () => {
    // 2 rows x 3 columns of 20 x 10 cells, 4 px apart: 68 x 24 pixels
    const chart: ImageGridChart = {
      image: image(68, 24),
      title: 'Grid',
      cellWidth: 20,
      cellHeight: 10,
      padding: 4,
      cols: 3,
      rows: 2,
      label: (r, c) => (r === 1 && c !== 1 ? `r${r}c${c}` : ''),
    };
    const fig = imageGridFigure(chart);
    const annotations = fig.layout.annotations as { text: string; x: number; y: number }[];
    expect(annotations.map((a) => [a.text, a.x, a.y])).toEqual([
      ['r1c0', 9.5, 12],
      ['r1c2', 57.5, 12],
    ]);
    const info = pngInfo(imageGridPng(chart));
    // 10 px margins, a 30 px title band, one 18 px label band (row 1 only)
    expect([info.width, info.height]).toEqual([68 + 20, 30 + 18 + 24 + 10]);
  });
});
