import { describe, expect, it } from 'vitest';
import { tensor } from '../../lib/core/tensor';
import { netWeightsGrid, netWeightsImage } from '../../lib/notebook/weightsFigure';
import { rampPixel, rampWeightsModel } from '../helpers/rampWeights';

describe('netWeightsGrid', () => {
  it('reshapes W1 to (H, 32, 32, 3) images and tiles them with padding 3', () => {
    const grid = netWeightsGrid(rampWeightsModel(5)); // grid_size 3: 3 * 32 + 2 * 3 = 102
    expect(grid.shape).toEqual([102, 102, 3]);
    // image 4 is in grid row 1, column 1 (top-left pixel at 35, 35)
    for (const [i, j, c] of [
      [0, 0, 0],
      [5, 7, 1],
      [31, 31, 2],
    ]) {
      expect(grid.get(35 + i, 35 + j, c)).toBeCloseTo(rampPixel(c, i, j), 9);
      expect(grid.get(i, j, c)).toBeCloseTo(rampPixel(c, i, j), 9);
    }
    expect(grid.get(32, 10, 0)).toBe(0); // padding row
    expect(grid.get(70, 70, 1)).toBe(0); // empty cells (5 images in 9)
  });

  it('reads a transposed (strided) W1 as the same weights', () => {
    const { W1 } = rampWeightsModel(2).params;
    const stored = tensor([2, 3072]);
    for (let d = 0; d < 3072; d++) for (let h = 0; h < 2; h++) stored.set(h, d, W1.get(d, h));
    const view = stored.transpose(1, 0);
    const a = netWeightsGrid({ params: { W1 } });
    const b = netWeightsGrid({ params: { W1: view } });
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it('refuses a W1 that is not 3072 rows of CIFAR-10 pixels, naming the shape', () => {
    expect(() => netWeightsGrid({ params: { W1: tensor([100, 4]) } })).toThrow(
      /netWeightsGrid: model.params.W1 must have 3072 rows .*got shape \(100, 4\)/,
    );
    expect(() => netWeightsGrid({} as never)).toThrow(/netWeightsGrid: model must have params.W1/);
  });
});

describe('netWeightsImage', () => {
  it('truncates the grid to 8-bit pixels as astype(uint8) does', () => {
    const model = rampWeightsModel(1);
    const image = netWeightsImage(model);
    const grid = netWeightsGrid(model);
    expect([image.width, image.height]).toEqual([grid.shape[1], grid.shape[0]]);
    for (const [i, j, c] of [
      [0, 1, 0],
      [1, 4, 0],
      [31, 31, 2],
    ]) {
      const k = (i * image.width + j) * 3 + c;
      expect(image.pixels[k]).toBe(Math.floor(rampPixel(c, i, j)));
    }
  });
});
