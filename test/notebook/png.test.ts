/** PNG encoding (lib/notebook/png.ts), decoded back byte for byte. */
import { describe, expect, it } from 'vitest';
import { tensor } from '../../lib/core/tensor';
import { encodePNG, toUint8Image } from '../../lib/notebook/png';
import { readPNG } from '../helpers/readPng';

describe('png', () => {
  it('encodes RGB and grey pixels that decode back exactly', () => {
    const pixels = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => (i * 37) % 256);
    const png = readPNG(encodePNG({ width: 3, height: 2, channels: 3, pixels }));
    expect(png.types).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([png.width, png.height, png.bitDepth, png.colourType]).toEqual([3, 2, 8, 2]);
    expect(png.pixels).toEqual([...pixels]);
    // smooth and noisy rows, so that every row filter gets picked somewhere
    const grey = Uint8Array.from({ length: 40 * 30 }, (_, i) =>
      i % 7 === 0 ? (i * 97) % 256 : (Math.floor(i / 40) * 3 + (i % 40) * 5) % 256,
    );
    const g = readPNG(encodePNG({ width: 40, height: 30, channels: 1, pixels: grey }));
    expect(g.colourType).toBe(0);
    expect(g.pixels).toEqual([...grey]);
  });

  it('converts floats like astype(uint8) (truncation) and rejects bad sizes', () => {
    const x = tensor([1, 2, 3], Float64Array.of(0.9, 1.99, 254.7, 255, -3, 300));
    expect([...toUint8Image(x).pixels]).toEqual([0, 1, 254, 255, 0, 255]);
    expect(() =>
      encodePNG({ width: 2, height: 2, channels: 3, pixels: new Uint8Array(5) }),
    ).toThrow(/encodePNG: pixels must be a Uint8Array of 12 bytes/);
  });
});
