/**
 * The first-layer weights of a TwoLayerNet as a picture: the image grid of the assignment's
 * `show_net_weights` (shown as an image grid chart, ./imageGrid).
 */
import ndarray from 'ndarray';
import { checkTensor, formatShape, type Tensor } from '../core/tensor';
import { visualizeGrid } from '../visUtils';
import { toUint8Image, type Uint8Image } from './png';

/**
 * The first-layer weights as an image grid, as the notebook's `show_net_weights`:
 * `W1.reshape(3, 32, 32, -1).transpose(3, 1, 2, 0)` -> `visualize_grid(W1, padding=3)`.
 *
 * @param model anything with `params.W1` of shape (3072, H) (a TwoLayerNet)
 * @returns the float grid (grid_height, grid_width, 3), values in [0, 255]
 */
export function netWeightsGrid(model: { params: { W1: Tensor } }): Tensor {
  if (typeof model !== 'object' || model === null || typeof model.params !== 'object') {
    throw new TypeError('netWeightsGrid: model must have params.W1 (a TwoLayerNet)');
  }
  const W1 = checkTensor('netWeightsGrid', 'model.params.W1', model.params.W1, 2);
  const [D, H] = W1.shape;
  if (D !== 3 * 32 * 32) {
    throw new RangeError(
      `netWeightsGrid: model.params.W1 must have 3072 rows (3 x 32 x 32 CIFAR-10 pixels), got shape ${formatShape(W1.shape)}`,
    );
  }
  // W1 (3072, H) with row d = c * 1024 + i * 32 + j is viewed as (3, 32, 32, H) and transposed
  // to (H, 32, 32, 3): element (h, i, j, c) sits at offset + d * s0 + h * s1. A view, no copy.
  const [s0, s1] = W1.stride;
  const images = ndarray(W1.data, [H, 32, 32, 3], [s1, 32 * s0, s0, 1024 * s0], W1.offset);
  return visualizeGrid(images, 255, 3);
}

/** The weight grid as 8-bit RGB pixels (`.astype('uint8')`). */
export function netWeightsImage(model: { params: { W1: Tensor } }): Uint8Image {
  return toUint8Image(netWeightsGrid(model));
}
