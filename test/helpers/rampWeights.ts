/**
 * A stand-in for a TwoLayerNet's first layer whose pixels are easy to predict: W1 (3072, H) with
 * W1[d, h] = d / 1000 - h, d = c * 1024 + i * 32 + j. Every image then spans d in [0, 3071] plus a
 * constant, so after the grid's min-max scaling pixel (i, j, c) of any image is 255 d / 3071.
 */
import { type Tensor, tensor } from '../../lib/core/tensor';

/** A model `{ params: { W1 } }` with H ramp images as described above. */
export function rampWeightsModel(H: number): { params: { W1: Tensor } } {
  const W1 = tensor([3072, H]);
  for (let d = 0; d < 3072; d++) for (let h = 0; h < H; h++) W1.set(d, h, d * 0.001 - h);
  return { params: { W1 } };
}

/** The scaled value of pixel (i, j) of colour channel c of any ramp image. */
export function rampPixel(c: number, i: number, j: number): number {
  return (255 * (c * 1024 + i * 32 + j)) / 3071;
}
