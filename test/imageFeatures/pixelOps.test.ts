/**
 * lib/imageFeatures/pixelOps.ts on hand-made images whose features follow from the definitions:
 * single colours for grey levels and hues, a horizontal ramp for HOG (every gradient points along
 * x), and the fused multiply-add on a case where rounding twice loses the answer.
 */
import { describe, expect, it } from 'vitest';
import {
  featuresInto,
  fusedMultiplyAdd,
  grayInto,
  hogCellsInto,
  hogInto,
  hueHistogramInto,
  PIXEL_OP_FUNCTIONS,
  specLength,
} from '../../lib/imageFeatures/pixelOps';

/** A packed (H, W, 3) image whose three channels all equal `value(row, col)`. */
function greyImage(H: number, W: number, value: (r: number, c: number) => number): Float64Array {
  const img = new Float64Array(H * W * 3);
  for (let r = 0; r < H; r++)
    for (let c = 0; c < W; c++) img.fill(value(r, c), (r * W + c) * 3, (r * W + c + 1) * 3);
  return img;
}

describe('fusedMultiplyAdd', () => {
  it('rounds once: (1 + 2^-27)(1 - 2^-27) - 1 is -2^-54, not 0', () => {
    const a = 1 + 2 ** -27;
    const b = 1 - 2 ** -27;
    expect(a * b - 1).toBe(0); // the product alone rounds to 1
    expect(fusedMultiplyAdd(a, b, -1)).toBe(-(2 ** -54));
  });

  it('is exact where a * b + c is', () => {
    expect(fusedMultiplyAdd(3, 4, 5)).toBe(17);
    expect(fusedMultiplyAdd(0.5, -8, 0.25)).toBe(-3.75);
  });
});

describe('grayInto', () => {
  it('weights red 0.299, green 0.587 and blue 0.144, from the image offset', () => {
    const img = Float64Array.of(9, 9, 9, 1, 0, 0, 0, 1, 0, 0, 0, 1);
    const gray = new Float64Array(3);
    grayInto(img, 3, 3, gray);
    expect(Array.from(gray)).toEqual([0.299, 0.587, 0.144]);
  });
});

describe('hogInto', () => {
  it('puts a horizontal ramp in the 90-degree bin with the mean gradient of the cell', () => {
    // grey = 1.03 c per column: gx = 1.03 for columns 0..6, 0 in column 7; gy = 0
    const img = greyImage(8, 8, (_r, c) => c);
    const out = new Float64Array(9).fill(Number.NaN);
    hogInto(img, 0, 8, 8, new Float64Array(64), out, 0);
    for (let bin = 0; bin < 9; bin++) {
      if (bin === 4) expect(out[bin]).toBeCloseTo((1.03 * 56) / 64, 12);
      else expect(out[bin]).toBe(0);
    }
  });

  it('lays out cells column by column: (cellColumn * rows + cellRow) * 9 + bin', () => {
    // a 16x16 image with a ramp in the right half only: cells (row 0, column 1) and
    // (row 1, column 1), at (1 * 2 + 0) * 9 + 4 = 22 and (1 * 2 + 1) * 9 + 4 = 31
    const img = greyImage(16, 16, (_r, c) => (c >= 8 ? c - 8 : 0));
    const out = new Float64Array(36);
    hogInto(img, 0, 16, 16, new Float64Array(256), out, 0);
    const nonZero = Array.from(out.keys()).filter((k) => out[k] !== 0);
    expect(nonZero).toEqual([22, 31]);
    expect(out[22]).toBeCloseTo((1.03 * 56) / 64, 12);
    expect(out[31]).toBeCloseTo((1.03 * 56) / 64, 12);
  });
});

describe('hogCellsInto', () => {
  it('counts every gradient, cells row by row, mean magnitude per cell', () => {
    // a 4x8 ramp, two 4x4 cells side by side, 2 orientation bins: gx > 0 means 0 degrees, bin 0
    const img = greyImage(4, 8, (_r, c) => 2 * c);
    const out = new Float64Array(4);
    hogCellsInto(img, 0, 4, 8, 4, 2, new Float64Array(32), out, 0);
    // left cell: 4 rows x 4 columns of gx = 2.06; right cell: 4 rows x 3 (the last column has none)
    expect(out[0]).toBeCloseTo((2.06 * 16) / 16, 12);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo((2.06 * 12) / 16, 12);
    expect(out[3]).toBe(0);
  });
});

describe('hueHistogramInto', () => {
  // red, green, blue: hues 0, 1/3 and 2/3 of xmax
  const img = Float64Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255);

  it('bins the hues between linspace edges, counts times bin width when not normalised', () => {
    const out = new Float64Array(3);
    const total = hueHistogramInto(
      img,
      0,
      3,
      3,
      0,
      255,
      false,
      new Float64Array(4),
      new Float64Array(3),
      out,
      0,
    );
    expect(total).toBe(3);
    expect(Array.from(out)).toEqual([85, 85, 85]);
  });

  it('normalises to the fraction of pixels per bin, and reports pixels outside the range', () => {
    const out = new Float64Array(3);
    hueHistogramInto(img, 0, 3, 3, 0, 255, true, new Float64Array(4), new Float64Array(3), out, 0);
    for (const v of out) expect(v).toBeCloseTo(1 / 3, 15);
    // the hue is a fraction of xmax: over [100, 200] blue is 2/3 * 200 = 133.3 (the first bin),
    // green 66.7 and red 0 lie outside
    const narrow = new Float64Array(2);
    const inRange = hueHistogramInto(
      img,
      0,
      3,
      2,
      100,
      200,
      false,
      new Float64Array(3),
      new Float64Array(2),
      narrow,
      0,
    );
    expect(inRange).toBe(1);
    expect(Array.from(narrow)).toEqual([50, 0]);
  });
});

describe('specLength and featuresInto', () => {
  it('gives each spec its length', () => {
    expect(specLength({ name: 'hogFeature' }, 32, 32)).toBe(4 * 4 * 9);
    expect(specLength({ name: 'colorHistogramHsv' }, 32, 32)).toBe(10);
    expect(specLength({ name: 'colorHistogramHsv', nbin: 25 }, 32, 32)).toBe(25);
    expect(specLength({ name: 'hogCells', cellSize: 4, orientations: 8 }, 32, 32)).toBe(8 * 8 * 8);
  });

  it('writes each image as the specs side by side and names the first image with an empty histogram', () => {
    // image 0: a ramp (grey, hue 0 everywhere); image 1: all black (hue 0 too), both 8x8
    const ramp = greyImage(8, 8, (_r, c) => c);
    const imgs = new Float64Array(2 * 192);
    imgs.set(ramp, 0);
    const specs = [
      { name: 'hogFeature' as const },
      { name: 'colorHistogramHsv' as const, nbin: 2, xmin: 100 },
    ];
    const out = new Float64Array(2 * 11);
    // hue 0 of every pixel lies outside [100, 255]: both normalised histograms are empty
    expect(featuresInto(specs, imgs, 0, 2, 8, 8, 11, out, 0)).toBe(0);
    expect(out[4]).toBeCloseTo((1.03 * 56) / 64, 12);
    expect(out[11 + 4]).toBe(0);
    const inRange = [{ name: 'colorHistogramHsv' as const, nbin: 2 }];
    const hist = new Float64Array(4);
    expect(featuresInto(inRange, imgs, 0, 2, 8, 8, 2, hist, 0)).toBe(-1);
    expect(Array.from(hist)).toEqual([1, 0, 1, 0]);
  });

  it('lists every function the worker needs, each before its users', () => {
    const names = PIXEL_OP_FUNCTIONS.map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'fusedMultiplyAdd',
        'grayInto',
        'hogInto',
        'hueHistogramInto',
        'featuresInto',
      ]),
    );
    expect(names.indexOf('grayInto')).toBeLessThan(names.indexOf('hogInto'));
    expect(names.indexOf('featuresInto')).toBe(names.length - 1);
  });
});
