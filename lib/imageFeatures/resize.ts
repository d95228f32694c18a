/**
 * Resizing a batch of channels-last images by bilinear interpolation, e.g. to show 32 x 32
 * CIFAR-10 images at 128 x 128 (the ConvolutionalNetworks notebook's image-processing aside).
 */
import { checkTensor, contiguousData, formatShape, type Tensor, tensor } from '../core/tensor';

/**
 * Bilinear resize with pixel centres aligned: output pixel (i, j) samples the input at
 * ((i + 0.5) * H / outH - 0.5, (j + 0.5) * W / outW - 0.5), clamped to the image, from its four
 * nearest input pixels. Enlarging by a whole factor keeps every value within the range of its
 * neighbours (no overshoot); each channel is resized on its own.
 *
 * @param images (N, H, W, C) images, channels last
 * @param outH output height, an integer >= 1
 * @param outW output width, an integer >= 1
 * @returns (N, outH, outW, C) float64
 * @throws RangeError naming `resizeImages` and the argument when a shape or size is wrong or an
 *   image holds NaN or an infinity
 */
export function resizeImages(images: Tensor, outH: number, outW: number): Tensor {
  const fn = 'resizeImages';
  checkTensor(fn, 'images', images, 4);
  const [N, H, W, C] = images.shape;
  if (H < 1 || W < 1 || C < 1) {
    throw new RangeError(
      `${fn}: images must be (N, H, W, C) with H, W, C >= 1, got shape ${formatShape(images.shape)}`,
    );
  }
  for (const [name, v] of [
    ['outH', outH],
    ['outW', outW],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${fn}: ${name} must be a positive integer, got ${String(v)}`);
    }
  }
  const src = contiguousData(images);
  for (let p = 0; p < src.length; p++) {
    if (!Number.isFinite(src[p])) {
      throw new RangeError(
        `${fn}: images of shape ${formatShape(images.shape)} holds ${src[p]} at flat index ${p}; values must be finite`,
      );
    }
  }
  // The two input rows (columns) and the weight of the second, per output row (column).
  const axis = (size: number, outSize: number) => {
    const lo = new Int32Array(outSize);
    const hi = new Int32Array(outSize);
    const t = new Float64Array(outSize);
    for (let o = 0; o < outSize; o++) {
      const pos = Math.min(Math.max(((o + 0.5) * size) / outSize - 0.5, 0), size - 1);
      lo[o] = Math.floor(pos);
      hi[o] = Math.min(lo[o] + 1, size - 1);
      t[o] = pos - lo[o];
    }
    return { lo, hi, t };
  };
  const rows = axis(H, outH);
  const cols = axis(W, outW);
  const out = new Float64Array(N * outH * outW * C);
  let q = 0;
  for (let n = 0; n < N; n++) {
    const base = n * H * W * C;
    for (let i = 0; i < outH; i++) {
      const r0 = base + rows.lo[i] * W * C;
      const r1 = base + rows.hi[i] * W * C;
      const ti = rows.t[i];
      for (let j = 0; j < outW; j++) {
        const c0 = cols.lo[j] * C;
        const c1 = cols.hi[j] * C;
        const tj = cols.t[j];
        for (let c = 0; c < C; c++) {
          const top = src[r0 + c0 + c] * (1 - tj) + src[r0 + c1 + c] * tj;
          const bottom = src[r1 + c0 + c] * (1 - tj) + src[r1 + c1 + c] * tj;
          out[q++] = top * (1 - ti) + bottom * ti;
        }
      }
    }
  }
  return tensor([N, outH, outW, C], out);
}
