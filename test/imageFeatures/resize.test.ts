/** resizeImages: bilinear resizing of channels-last image batches. */
import { describe, expect, it } from 'vitest';
import { random, tensor } from '../../lib';
import { resizeImages } from '../../lib/imageFeatures/resize';

describe('resizeImages', () => {
  it('keeps a constant image constant and the same size unchanged', () => {
    const flat = tensor([1, 3, 5, 2], new Float64Array(30).fill(7.5));
    const big = resizeImages(flat, 12, 20);
    expect(big.shape).toEqual([1, 12, 20, 2]);
    expect(Array.from(big.data).every((v) => v === 7.5)).toBe(true);
    random.seed(3);
    const x = random.randn(2, 4, 6, 3);
    expect(Array.from(resizeImages(x, 4, 6).data)).toEqual(Array.from(x.data));
  });

  it('interpolates a linear ramp linearly between the outermost pixel centres', () => {
    // One row 0, 10, 20, 30 enlarged 2x: centres at -0.25, 0.25, 0.75, ... clamped at the ends.
    const ramp = tensor([1, 1, 4, 1], Float64Array.from([0, 10, 20, 30]));
    const out = resizeImages(ramp, 1, 8);
    expect(Array.from(out.data)).toEqual([0, 2.5, 7.5, 12.5, 17.5, 22.5, 27.5, 30]);
  });

  it('resizes each image and channel on its own, within the range of its values', () => {
    random.seed(5);
    const x = random.randn(2, 3, 3, 2);
    const out = resizeImages(x, 12, 12);
    for (let n = 0; n < 2; n++) {
      for (let c = 0; c < 2; c++) {
        const src: number[] = [];
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) src.push(x.get(n, i, j, c));
        for (let i = 0; i < 12; i++) {
          for (let j = 0; j < 12; j++) {
            const v = out.get(n, i, j, c);
            expect(v).toBeGreaterThanOrEqual(Math.min(...src) - 1e-12);
            expect(v).toBeLessThanOrEqual(Math.max(...src) + 1e-12);
          }
        }
      }
    }
  });

  it('an odd whole factor k puts output pixel k i + (k - 1) / 2 on input pixel i exactly', () => {
    random.seed(6);
    const x = random.randn(2, 3, 4, 3);
    const out = resizeImages(x, 9, 12);
    for (let n = 0; n < 2; n++) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 4; j++) {
          for (let c = 0; c < 3; c++)
            expect(out.get(n, 3 * i + 1, 3 * j + 1, c)).toBe(x.get(n, i, j, c));
        }
      }
    }
  });

  it('names the function and argument on bad input', () => {
    const x = tensor([1, 2, 2, 1], Float64Array.from([1, 2, 3, Number.NaN]));
    expect(() => resizeImages(x, 4, 4)).toThrow(/resizeImages: images .* NaN/);
    expect(() => resizeImages(tensor([2, 2], new Float64Array(4)), 4, 4)).toThrow(/resizeImages/);
    const ok = tensor([1, 2, 2, 1], new Float64Array(4));
    expect(() => resizeImages(ok, 0, 4)).toThrow(/resizeImages: outH must be a positive integer/);
    expect(() => resizeImages(ok, 4, 2.5)).toThrow(/resizeImages: outW must be a positive integer/);
  });
});
