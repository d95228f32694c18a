/**
 * Plain-loop references for the convolution and pooling tests: every output written as the sum or
 * maximum it is defined to be, one index at a time, with no shared code with lib/im2col.ts or
 * lib/fastLayers.ts.
 */
import { type Tensor, tensor } from '../../lib/core/tensor';

/** A deterministic generator of values in [-1, 1) (xorshift32). */
export function filler(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 31 - 1;
  };
}

/** A tensor of the given shape filled from `filler(seed)`. */
export function randomTensor(shape: number[], seed: number): Tensor {
  const next = filler(seed);
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = next();
  return t;
}

/** max |a - b| / max |b| over all elements (0 when both are all zeros). */
export function relativeError(a: Tensor, b: Tensor): number {
  if (a.data.length !== b.data.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.data.length; i++) {
    diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
    scale = Math.max(scale, Math.abs(b.data[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** x[n, c, h, w] of a packed (N, C, H, W) tensor, 0 outside [0, H) x [0, W). */
function at(x: Tensor, n: number, c: number, h: number, w: number): number {
  const [, C, H, W] = x.shape;
  if (h < 0 || h >= H || w < 0 || w >= W) return 0;
  return x.data[((n * C + c) * H + h) * W + w];
}

/** out[n, f, i, j] = b[f] + sum over c, di, dj of x_pad[n, c, i s + di, j s + dj] w[f, c, di, dj]. */
export function convForwardReference(x: Tensor, w: Tensor, b: Tensor, stride: number, pad: number) {
  const [N, C, H, W] = x.shape;
  const [F, , HH, WW] = w.shape;
  const Ho = (H + 2 * pad - HH) / stride + 1;
  const Wo = (W + 2 * pad - WW) / stride + 1;
  const out = tensor([N, F, Ho, Wo]);
  for (let n = 0; n < N; n++)
    for (let f = 0; f < F; f++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) {
          let s = b.data[f];
          for (let c = 0; c < C; c++)
            for (let di = 0; di < HH; di++)
              for (let dj = 0; dj < WW; dj++) {
                s +=
                  at(x, n, c, i * stride + di - pad, j * stride + dj - pad) *
                  w.data[((f * C + c) * HH + di) * WW + dj];
              }
          out.data[((n * F + f) * Ho + i) * Wo + j] = s;
        }
  return out;
}

/** The gradients of {@link convForwardReference}: each output's dout spread over what it read. */
export function convBackwardReference(
  dout: Tensor,
  x: Tensor,
  w: Tensor,
  stride: number,
  pad: number,
) {
  const [N, C, H, W] = x.shape;
  const [F, , HH, WW] = w.shape;
  const [, , Ho, Wo] = dout.shape;
  const dx = tensor(x.shape);
  const dw = tensor(w.shape);
  const db = tensor([F]);
  for (let n = 0; n < N; n++)
    for (let f = 0; f < F; f++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) {
          const d = dout.data[((n * F + f) * Ho + i) * Wo + j];
          db.data[f] += d;
          for (let c = 0; c < C; c++)
            for (let di = 0; di < HH; di++)
              for (let dj = 0; dj < WW; dj++) {
                const h = i * stride + di - pad;
                const v = j * stride + dj - pad;
                if (h < 0 || h >= H || v < 0 || v >= W) continue;
                const xi = ((n * C + c) * H + h) * W + v;
                const wi = ((f * C + c) * HH + di) * WW + dj;
                dw.data[wi] += x.data[xi] * d;
                dx.data[xi] += w.data[wi] * d;
              }
        }
  return { dx, dw, db };
}

/**
 * Max pooling by definition; also returns where each maximum is (the first in row-major order
 * on ties) for the backward reference.
 */
export function maxPoolReference(x: Tensor, ph: number, pw: number, stride: number) {
  const [N, C, H, W] = x.shape;
  const Ho = (H - ph) / stride + 1;
  const Wo = (W - pw) / stride + 1;
  const out = tensor([N, C, Ho, Wo]);
  const where: number[] = [];
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) {
          let best = Number.NEGATIVE_INFINITY;
          let arg = -1;
          for (let di = 0; di < ph; di++)
            for (let dj = 0; dj < pw; dj++) {
              const k = ((n * C + c) * H + i * stride + di) * W + j * stride + dj;
              if (arg < 0 || x.data[k] > best) {
                best = x.data[k];
                arg = k;
              }
            }
          out.data[((n * C + c) * Ho + i) * Wo + j] = best;
          where.push(arg);
        }
  return { out, where };
}

/** dx of max pooling: each dout added at its window's maximum. */
export function maxPoolBackwardReference(dout: Tensor, xShape: number[], where: number[]) {
  const dx = tensor(xShape);
  for (let o = 0; o < where.length; o++) dx.data[where[o]] += dout.data[o];
  return dx;
}
