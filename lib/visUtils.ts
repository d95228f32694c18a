/**
 * Port of cs231n/vis_utils.py: tiling many small images into one grid image.
 */
import { checkTensor, formatShape, type Tensor, tensor } from './core/tensor';

/**
 * Reshapes a 4D tensor of image data to a grid for easy visualization, as cs231n's
 * `visualize_grid`: each image is rescaled on its own to [0, ubound] (`ubound * (img - min) /
 * (max - min)`) and the images fill a ceil(sqrt(N)) x ceil(sqrt(N)) grid row by row, `padding`
 * zero pixels apart; unused cells stay 0.
 *
 * One deliberate difference: a constant image (max == min) gives 0/0 = NaN in numpy; here it is
 * written as 0, which is what numpy's NaN turns into after the `.astype('uint8')` that follows.
 *
 * @param Xs images (N, H, W, C)
 * @param ubound the output values lie in [0, ubound] (255)
 * @param padding pixels between neighbouring images (1)
 * @returns the grid, float (grid_height, grid_width, C) with
 *   grid_height = H * G + padding * (G - 1), grid_width = W * G + padding * (G - 1), G = ceil(sqrt(N))
 * @throws RangeError naming `visualizeGrid` and the argument when a shape or value is wrong (NaN
 *   or an infinity in Xs included)
 */
export function visualizeGrid(Xs: Tensor, ubound = 255, padding = 1): Tensor {
  checkTensor('visualizeGrid', 'Xs', Xs, 4);
  const [N, H, W, C] = Xs.shape;
  if (N < 1 || H < 1 || W < 1 || C < 1) {
    throw new RangeError(
      `visualizeGrid: Xs must hold at least one image, got shape ${formatShape(Xs.shape)}`,
    );
  }
  if (!Number.isFinite(ubound)) {
    throw new RangeError(`visualizeGrid: ubound must be a finite number, got ${ubound}`);
  }
  if (!Number.isInteger(padding) || padding < 0) {
    throw new RangeError(`visualizeGrid: padding must be a non-negative integer, got ${padding}`);
  }
  const gridSize = Math.ceil(Math.sqrt(N));
  const gridHeight = H * gridSize + padding * (gridSize - 1);
  const gridWidth = W * gridSize + padding * (gridSize - 1);
  const grid = tensor([gridHeight, gridWidth, C]);
  const out = grid.data;
  let next = 0;
  for (let gy = 0; gy < gridSize; gy++) {
    const y0 = gy * (H + padding);
    for (let gx = 0; gx < gridSize; gx++) {
      if (next >= N) break;
      const x0 = gx * (W + padding);
      let low = Number.POSITIVE_INFINITY;
      let high = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          for (let c = 0; c < C; c++) {
            const v = Xs.get(next, i, j, c);
            if (!Number.isFinite(v)) {
              // An infinity would make the image's range infinite and its pixels NaN.
              throw new RangeError(
                `visualizeGrid: Xs with shape ${formatShape(Xs.shape)} holds ${v} in image ${next} at (${i}, ${j}, ${c}); pixel values must be finite`,
              );
            }
            if (v < low) low = v;
            if (v > high) high = v;
          }
        }
      }
      const range = high - low;
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          const base = ((y0 + i) * gridWidth + x0 + j) * C;
          for (let c = 0; c < C; c++) {
            out[base + c] = range === 0 ? 0 : (ubound * (Xs.get(next, i, j, c) - low)) / range;
          }
        }
      }
      next++;
    }
  }
  return grid;
}
