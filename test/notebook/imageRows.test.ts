/** imageRowsGrid / showImageRows: rows of colour images and rescaled one-channel maps. */
import { describe, expect, it } from 'vitest';
import { tensor } from '../../lib';
import { type DisplaySink, setDisplaySink } from '../../lib/notebook/display';
import { imageRowsGrid, showImageRows } from '../../lib/notebook/imageRows';

const colour = tensor([1, 2, 3], Float64Array.from([0, 100.9, 255, 300, -4, 12.5]));
const map = tensor([1, 2], Float64Array.from([-3, 5]));

describe('imageRowsGrid', () => {
  it('shows colour cells as bytes and rescales maps by their own range, white between cells', () => {
    const g = imageRowsGrid([[colour, map]], { padding: 1 });
    expect([g.image.width, g.image.height, g.cols, g.rows]).toEqual([5, 1, 2, 1]);
    expect(Array.from(g.image.pixels)).toEqual([
      // colour: truncated and clamped to 0..255
      0, 100, 255, 255, 0, 12,
      // padding
      255, 255, 255,
      // map -3 .. 5 to 0 .. 255, grey
      0, 0, 0, 255, 255, 255,
    ]);
  });

  it('rejects rows of different lengths, cells of other sizes and NaN, naming the cell', () => {
    expect(() => imageRowsGrid([[colour, map], [map]])).toThrow(/imageRowsGrid: row 1 holds 1/);
    const tall = tensor([2, 2], new Float64Array(4));
    expect(() => imageRowsGrid([[colour, tall]])).toThrow(
      /imageRowsGrid: rows\[0\]\[1\] has shape \(2, 2\)/,
    );
    const nan = tensor([1, 2], Float64Array.from([0, Number.NaN]));
    expect(() => imageRowsGrid([[nan]])).toThrow(/imageRowsGrid: rows\[0\]\[0\] holds NaN/);
    expect(() => imageRowsGrid([])).toThrow(/imageRowsGrid: rows must be/);
  });

  it('showImageRows displays the figure with a static PNG and the column titles', () => {
    const shown: Record<string, unknown>[] = [];
    const sink: DisplaySink = (message) => {
      shown.push(message.data);
    };
    const before = setDisplaySink(sink);
    try {
      showImageRows([[colour, map]], 'Filters', { columnTitles: ['Original', 'Gray'] });
    } finally {
      setDisplaySink(before);
    }
    expect(shown).toHaveLength(1);
    const bundle = shown[0];
    expect(typeof bundle['image/png']).toBe('string');
    expect(bundle['text/plain']).toBe('<Filters: 1 x 2 images of 2x1>');
    const fig = bundle['application/vnd.plotly.v1+json'] as {
      layout: { annotations: { text: string }[] };
    };
    expect(fig.layout.annotations.map((a) => a.text)).toEqual(['Original', 'Gray']);
  });
});
