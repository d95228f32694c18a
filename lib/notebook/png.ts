/**
 * A small PNG encoder (8-bit grey, RGB or RGBA, no interlace), so image outputs (the first-layer
 * weight grid) can be shown by viewers that run no scripts. The pixels are compressed with fflate
 * (zlib format, in JavaScript) rather than node:zlib, whose output bytes depend on the runtime
 * (Deno's node:zlib compresses the same pixels differently): the same image gives the same PNG
 * bytes under Node and under Deno, so a chart's bundle is the same on both notebook kernels.
 */
import { zlibSync } from 'fflate';
import { checkTensor, formatShape, type Tensor } from '../core/tensor';

/** An 8-bit image: `height` rows of `width` pixels of `channels` bytes, row-major. */
export interface Uint8Image {
  width: number;
  height: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA) */
  channels: 1 | 3 | 4;
  /** length width * height * channels */
  pixels: Uint8Array;
}

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const COLOUR_TYPE: Record<1 | 3 | 4, number> = { 1: 0, 3: 2, 4: 6 };

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309, the one PNG chunks carry) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * PNG row filtering (RFC 2083 section 6): each row gets the filter (None, Sub, Up, Average,
 * Paeth) whose output has the smallest sum of absolute values (the usual heuristic), so deflate
 * compresses better.
 */
function filterRows(pixels: Uint8Array, stride: number, height: number, bpp: number): Uint8Array {
  const raw = new Uint8Array((stride + 1) * height);
  const candidate = new Uint8Array(stride);
  const best = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : null;
    let bestType = 0;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let type = 0; type < 5; type++) {
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = prev ? prev[i] : 0;
        const c = prev && i >= bpp ? prev[i - bpp] : 0;
        let predictor = 0;
        if (type === 1) predictor = a;
        else if (type === 2) predictor = b;
        else if (type === 3) predictor = (a + b) >> 1;
        else if (type === 4) {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
        const v = (row[i] - predictor) & 0xff;
        candidate[i] = v;
        score += v < 128 ? v : 256 - v;
      }
      if (score < bestScore) {
        bestScore = score;
        bestType = type;
        best.set(candidate);
      }
    }
    raw[y * (stride + 1)] = bestType;
    raw.set(best, y * (stride + 1) + 1);
  }
  return raw;
}

/**
 * Encodes an 8-bit image as PNG bytes.
 *
 * @param image pixels (height, width, channels) row-major, channels 1, 3 or 4
 * @throws RangeError naming `encodePNG` when the sizes do not fit
 */
export function encodePNG(image: Uint8Image): Uint8Array {
  const { width, height, channels, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(
      `encodePNG: width and height must be positive integers, got ${width} x ${height}`,
    );
  }
  if (!(channels in COLOUR_TYPE)) {
    throw new RangeError(`encodePNG: channels must be 1, 3 or 4, got ${String(channels)}`);
  }
  if (!(pixels instanceof Uint8Array) || pixels.length !== width * height * channels) {
    throw new RangeError(
      `encodePNG: pixels must be a Uint8Array of ${width * height * channels} bytes for a ${width} x ${height} x ${channels} image, got ${pixels instanceof Uint8Array ? `${pixels.length} bytes` : typeof pixels}`,
    );
  }
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = COLOUR_TYPE[channels];
  // compression, filter, interlace methods: 0
  const raw = filterRows(pixels, width * channels, height, channels);
  const parts = [
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', zlibSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Converts a float image to 8 bits the way numpy's `.astype('uint8')` does for values in
 * [0, 255]: truncation toward zero. Values outside [0, 255] are clamped (numpy would wrap them).
 *
 * @param x image (H, W, C) with C = 1, 3 or 4, or (H, W) grey
 * @throws RangeError naming `toUint8Image` for other shapes or NaN values
 */
export function toUint8Image(x: Tensor): Uint8Image {
  checkTensor('toUint8Image', 'x', x, [2, 3]);
  const [height, width] = x.shape;
  const channels = x.shape.length === 2 ? 1 : x.shape[2];
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new RangeError(
      `toUint8Image: x must have 1, 3 or 4 channels, got shape ${formatShape(x.shape)}`,
    );
  }
  const pixels = new Uint8Array(width * height * channels);
  let i = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      for (let k = 0; k < channels; k++) {
        const v = x.shape.length === 2 ? x.get(r, c) : x.get(r, c, k);
        if (Number.isNaN(v)) {
          throw new RangeError(
            `toUint8Image: x with shape ${formatShape(x.shape)} holds NaN at (${r}, ${c}, ${k})`,
          );
        }
        pixels[i++] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
      }
    }
  }
  return { width, height, channels, pixels };
}

/** Base64 of bytes (for `data:` URLs and the image/png part of a display bundle). */
export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Enlarges an image by a whole factor, each pixel becoming a `factor` x `factor` block (nearest
 * neighbour: no blur), so small images such as the weight grid show at a readable size.
 *
 * @param image (height, width, channels)
 * @param factor a positive integer
 * @returns (height * factor, width * factor, channels)
 */
export function upscaleImage(image: Uint8Image, factor: number): Uint8Image {
  if (!Number.isInteger(factor) || factor < 1 || factor > 64) {
    throw new RangeError(`upscaleImage: factor must be an integer in [1, 64], got ${factor}`);
  }
  const { width, height, channels, pixels } = image;
  if (factor === 1) return image;
  const W = width * factor;
  const out = new Uint8Array(W * height * factor * channels);
  for (let r = 0; r < height; r++) {
    const row = new Uint8Array(W * channels);
    for (let c = 0; c < width; c++) {
      const src = pixels.subarray((r * width + c) * channels, (r * width + c + 1) * channels);
      for (let k = 0; k < factor; k++) row.set(src, (c * factor + k) * channels);
    }
    for (let k = 0; k < factor; k++) out.set(row, (r * factor + k) * W * channels);
  }
  return { width: W, height: height * factor, channels, pixels: out };
}
