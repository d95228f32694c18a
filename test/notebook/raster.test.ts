/** lib/notebook/raster.ts: an SVG with known colours rasterised at scale 1 and 2, and refusals. */
import { describe, expect, it } from 'vitest';
import { svgToPng } from '../../lib/notebook/raster';
import { readPNG } from '../helpers/readPng';

/** 20x10: left half red, right half blue, on the white background svgToPng puts under it. */
const svg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">' +
  '<rect x="0" y="0" width="10" height="10" fill="#ff0000"/>' +
  '<rect x="10" y="0" width="10" height="5" fill="#0000ff"/></svg>';

/** The RGB of pixel (x, y) of a decoded PNG (grey, RGB or RGBA, 8 bits). */
function rgb(png: ReturnType<typeof readPNG>, x: number, y: number): number[] {
  const channels = { 0: 1, 2: 3, 6: 4 }[png.colourType as 0 | 2 | 6];
  const at = (y * png.width + x) * channels;
  const px = png.pixels.slice(at, at + channels);
  return channels === 1 ? [px[0]!, px[0]!, px[0]!] : px.slice(0, 3);
}

describe('svgToPng', () => {
  it('draws the SVG at its size on white', () => {
    const png = readPNG(svgToPng(svg));
    expect([png.width, png.height, png.bitDepth]).toEqual([20, 10, 8]);
    expect(rgb(png, 2, 2)).toEqual([255, 0, 0]);
    expect(rgb(png, 15, 2)).toEqual([0, 0, 255]);
    expect(rgb(png, 15, 8)).toEqual([255, 255, 255]);
  });

  it('scales the output pixels per SVG unit', () => {
    const png = readPNG(svgToPng(svg, 2));
    expect([png.width, png.height]).toEqual([40, 20]);
    expect(rgb(png, 30, 4)).toEqual([0, 0, 255]);
    expect(rgb(png, 30, 14)).toEqual([255, 255, 255]);
  });

  it('refuses text that is not an SVG document and scales outside (0, 8]', () => {
    expect(() => svgToPng('<html><body></body></html>')).toThrow(
      "svgToPng: svg must be the text of an <svg> document, got '<html><body></body><...'",
    );
    expect(() => svgToPng(42 as never)).toThrow(
      'svgToPng: svg must be the text of an <svg> document, got number',
    );
    expect(() => svgToPng(svg, 0)).toThrow('svgToPng: scale must be in (0, 8], got 0');
    expect(() => svgToPng(svg, 9)).toThrow('svgToPng: scale must be in (0, 8], got 9');
  });
});
