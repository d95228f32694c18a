/** The kNN, SVM and softmax notebooks' image builders (lib/notebook/classifierImages.ts). */
import { describe, expect, it } from 'vitest';
import { RandomState } from '../../lib/core/random';
import { tensor } from '../../lib/core/tensor';
import {
  classSamplesGrid,
  classTemplatesGrid,
  distanceMatrixImage,
  sampleClassIndices,
} from '../../lib/notebook/classifierImages';

describe('notebook image builders', () => {
  it('sampleClassIndices draws without replacement inside each class, like np.random.choice', () => {
    const y = Int32Array.from({ length: 40 }, (_, i) => i % 4);
    const picked = sampleClassIndices(y, 4, 3, new RandomState(0));
    expect(picked).toHaveLength(4);
    picked.forEach((idx, c) => {
      expect(new Set(idx).size).toBe(3);
      for (const i of idx) expect(y[i]).toBe(c);
    });
    // numpy: np.random.seed(0); np.random.choice(np.arange(0, 40, 4), 3, replace=False) -> [ 8 32 16]
    expect(Array.from(picked[0])).toEqual([8, 32, 16]);
    expect(() => sampleClassIndices(y, 5, 3)).toThrow(
      'sampleClassIndices: class 4 has 0 images, fewer than samplesPerClass = 3',
    );
  });
  it('classSamplesGrid puts image n of class c in column c', () => {
    const X = tensor(
      [2, 2, 2, 3],
      Float64Array.from({ length: 24 }, (_, i) => i * 10.7),
    );
    const g = classSamplesGrid(X, [Int32Array.of(1), Int32Array.of(0)], 1);
    expect([g.image.width, g.image.height]).toEqual([2 + 2 + 2, 2]);
    expect(Array.from(g.image.pixels.subarray(0, 3))).toEqual([128, 139, 149]); // trunc(12 * 10.7) ...
    expect(Array.from(g.image.pixels.subarray(6, 9))).toEqual([255, 255, 255]); // padding
    expect(Array.from(g.image.pixels.subarray(12, 15))).toEqual([0, 10, 21]);
  });
  it('classTemplatesGrid rescales all weights together and drops the bias row', () => {
    const W = tensor([3073, 2]);
    W.set(0, 0, -1); // pixel (0, 0) red of class 0: the minimum
    W.set(1, 1, 3); // pixel (0, 0) green of class 1: the maximum
    W.set(3072, 0, 100); // bias row: ignored
    const g = classTemplatesGrid(W, 5, 1);
    const px = g.image.pixels;
    expect(Array.from(px.subarray(0, 3))).toEqual([0, 63, 63]); // 255 * (0 + 1) / 4 = 63.75
    const second = (32 + g.padding) * 3;
    expect(Array.from(px.subarray(second, second + 3))).toEqual([63, 255, 63]);
    expect(() => classTemplatesGrid(tensor([100, 2]))).toThrow(/W must have 3072 rows/);
  });
  it('distanceMatrixImage scales to grey and averages blocks of wide matrices', () => {
    const d = tensor([1, 4], Float64Array.of(0, 2, 4, 8));
    expect(Array.from(distanceMatrixImage(d).pixels)).toEqual([0, 64, 128, 255]);
    const wide = distanceMatrixImage(d, 2);
    expect([wide.width, wide.height]).toEqual([2, 1]);
    expect(Array.from(wide.pixels)).toEqual([0, 255]);
  });
});
