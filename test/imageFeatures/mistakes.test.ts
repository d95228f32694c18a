/** The grid of misclassified images (lib/imageFeatures/mistakes.ts). */
import { describe, expect, it } from 'vitest';
import { RandomState } from '../../lib/core/random';
import { tensor } from '../../lib/core/tensor';
import { misclassifiedGrid } from '../../lib/imageFeatures/mistakes';

describe('misclassifiedGrid', () => {
  it('puts images predicted as c but labelled otherwise in column c', () => {
    const n = 6;
    const images = tensor([n, 2, 2, 3]);
    for (let i = 0; i < n; i++) images.data.fill(10 * (i + 1), i * 12, i * 12 + 12);
    const yTrue = [0, 1, 1, 2, 0, 2];
    const yPred = [1, 1, 0, 0, 1, 2];
    const { grid, picked } = misclassifiedGrid(images, yTrue, yPred, 3, 2, new RandomState(0), 1);
    expect(picked[0].sort()).toEqual([2, 3]);
    expect(picked[1].sort()).toEqual([0, 4]);
    expect(picked[2]).toEqual([]);
    expect(grid.shape).toEqual([5, 8, 3]);
    // column 0 holds images 2 and 3 (values 30 and 40) in a random order
    expect([grid.get(0, 0, 0), grid.get(3, 0, 0)].sort()).toEqual([30, 40]);
    expect(grid.get(0, 6, 0)).toBe(0); // column 2 is empty
    expect(() => misclassifiedGrid(images, [0], yPred, 3)).toThrow(/misclassifiedGrid: 6 images/);
  });
});
