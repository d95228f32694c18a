/**
 * lib/notebook/svgGrid.ts: the titled grid's SVG (one cropped copy of the grid per row, a label
 * band only above rows with labels, escaped text) and its rasterised size.
 */
import { describe, expect, it } from 'vitest';
import { encodePNG } from '../../lib/notebook/png';
import { type GridLayout, titledGridPng, titledGridSvg } from '../../lib/notebook/svgGrid';
import { readPNG } from '../helpers/readPng';

// 2 rows x 3 columns of 4x4 cells with padding 1: the grid image is 14 x 9
const layout: GridLayout = {
  image: { width: 14, height: 9 },
  cellWidth: 4,
  cellHeight: 4,
  padding: 1,
  cols: 3,
  rows: 2,
};
const png = encodePNG({
  width: 14,
  height: 9,
  channels: 3,
  pixels: new Uint8Array(14 * 9 * 3).fill(128),
});

describe('titledGridSvg', () => {
  it('puts the escaped title on top and the labels of the first row above its cells', () => {
    const svg = titledGridSvg(layout, png, 'cats & dogs', (r, c) => (r === 0 ? `c<${c}>` : ''));
    expect(svg).toContain('>cats &amp; dogs</text>');
    const labels = [...svg.matchAll(/<text class="label" x="([\d.]+)"[^>]*>([^<]*)<\/text>/g)];
    // cell centres: margin 10 + c (4 + 1) + 2
    expect(labels.map((m) => [Number(m[1]), m[2]])).toEqual([
      [12, 'c&lt;0&gt;'],
      [17, 'c&lt;1&gt;'],
      [22, 'c&lt;2&gt;'],
    ]);
  });

  it('crops one view of the grid per row, and gives a band only to rows with labels', () => {
    const svg = titledGridSvg(layout, png, 't', (r) => (r === 0 ? 'x' : ''));
    const views = [
      ...svg.matchAll(
        /<svg x="10" y="(\d+)" width="14" height="(\d+)" viewBox="0 (\d+) 14 (\d+)">/g,
      ),
    ];
    // title band 30, label band 18 over row 0; row 0 is cell + padding = 5 high, row 1 the 4 left
    expect(views.map((m) => m.slice(1).map(Number))).toEqual([
      [48, 5, 0, 5],
      [53, 4, 5, 4],
    ]);
    // document: 14 + 2 margins wide, 53 + 4 + margin 10 high
    expect(svg).toMatch(/^<svg [^>]*width="34" height="67"/);
    const base64 = Buffer.from(png).toString('base64');
    expect(svg.split(`href="data:image/png;base64,${base64}"`)).toHaveLength(3);
  });
});

describe('titledGridPng', () => {
  it('rasterises the SVG at its size', () => {
    const out = readPNG(titledGridPng(layout, png, 't', () => 'a'));
    // two label bands: 30 + 18 + 5 + 18 + 4 + 10
    expect([out.width, out.height]).toEqual([34, 85]);
  });
});
