import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { tensor } from '../lib/core/tensor';
import { visualizeGrid } from '../lib/visUtils';

/** (N, H, W, C) tensor with values f(n, i, j, c). */
function images(
  shape: [number, number, number, number],
  f: (n: number, i: number, j: number, c: number) => number,
) {
  const x = tensor(shape);
  const [N, H, W, C] = shape;
  for (let n = 0; n < N; n++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++) for (let c = 0; c < C; c++) x.set(n, i, j, c, f(n, i, j, c));
  return x;
}

describe('visualizeGrid', () => {
  it('tiles rescaled images row by row with zero padding, as vis_utils.visualize_grid', () => {
    // Three 2x2 grey images -> a 2x2 grid of cells (ceil(sqrt(3)) = 2), padding 1: 5x5.
    const xs = images([3, 2, 2, 1], (n, i, j) => (n + 1) * (i * 2 + j)); // values 0..3(n+1)
    const grid = visualizeGrid(xs, 255, 1);
    expect(grid.shape).toEqual([5, 5, 1]);
    const rows: number[][] = [];
    for (let r = 0; r < 5; r++) rows.push(Array.from({ length: 5 }, (_, c) => grid.get(r, c, 0)));
    // Every image spans [0, 3(n+1)], so each rescales to 255 * [0, 1, 2, 3] / 3.
    const a = [0, 85, 170, 255];
    expect(rows).toEqual([
      [a[0], a[1], 0, a[0], a[1]],
      [a[2], a[3], 0, a[2], a[3]],
      [0, 0, 0, 0, 0],
      [a[0], a[1], 0, 0, 0],
      [a[2], a[3], 0, 0, 0],
    ]);
  });

  it('rescales each image on its own to [0, ubound] and keeps channels', () => {
    const xs = images([2, 1, 2, 3], (n, _i, j, c) =>
      n === 0 ? -1 + j * 0.5 + c : 100 + 10 * c + j,
    );
    const grid = visualizeGrid(xs, 1, 2);
    // grid_size 2: height 1*2 + 2 = 4, width 2*2 + 2 = 6
    expect(grid.shape).toEqual([4, 6, 3]);
    // image 0 spans [-1, 1.5]: value v -> (v + 1) / 2.5
    expect(grid.get(0, 1, 2)).toBeCloseTo((-1 + 0.5 + 2 + 1) / 2.5, 12);
    expect(grid.get(0, 0, 0)).toBe(0);
    // image 1 sits at x0 = W + padding = 4, spans [100, 121]
    expect(grid.get(0, 4, 1)).toBeCloseTo((110 - 100) / 21, 12);
    expect(grid.get(0, 5, 2)).toBe(1);
    expect(grid.get(0, 2, 0)).toBe(0); // padding
    expect(grid.get(2, 0, 0)).toBe(0); // empty cell row
  });

  it('reads strided views (a transposed W1) correctly', () => {
    const base = images([1, 2, 2, 2], (_n, i, j, c) => i * 4 + j * 2 + c);
    // The same data as (C, H, W, N) transposed back to (N, H, W, C).
    const chw = tensor([2, 2, 2, 1]);
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++) chw.set(c, i, j, 0, base.get(0, i, j, c));
    const view = ndarray(chw.data, [1, 2, 2, 2], [1, 2, 1, 4]);
    expect(visualizeGrid(view).data).toEqual(visualizeGrid(base).data);
  });

  it('writes 0 for a constant image (numpy: NaN, which uint8 shows as 0)', () => {
    const grid = visualizeGrid(images([1, 2, 2, 1], () => 7));
    expect(Array.from(grid.data)).toEqual([0, 0, 0, 0]);
  });

  it('rejects bad input naming the function and the argument', () => {
    expect(() => visualizeGrid(tensor([2, 3, 3]))).toThrow(
      /visualizeGrid: Xs must have 4 dimensions, got shape \(2, 3, 3\)/,
    );
    expect(() => visualizeGrid(tensor([1, 2, 2, 1]), 255, -1)).toThrow(/visualizeGrid: padding/);
    const withNaN = tensor([1, 1, 2, 1]);
    withNaN.set(0, 0, 1, 0, Number.NaN);
    expect(() => visualizeGrid(withNaN)).toThrow(
      /visualizeGrid: Xs .* NaN in image 0 at \(0, 1, 0\)/,
    );
  });
});
