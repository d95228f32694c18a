/** Test helper: decodes a PNG completely (chunks, CRCs, header fields, unfiltered pixel bytes). */
import * as zlib from 'node:zlib';
import { expect } from 'vitest';

/** Parses a PNG into its chunks, checking every CRC with node's own zlib.crc32. */
export function readPNG(png: Uint8Array) {
  const buf = Buffer.from(png);
  expect([...buf.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const chunks: { type: string; data: Buffer }[] = [];
  for (let p = 8; p < buf.length; ) {
    const len = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    const data = buf.subarray(p + 8, p + 8 + len);
    expect(buf.readUInt32BE(p + 8 + len)).toBe(zlib.crc32(buf.subarray(p + 4, p + 8 + len)));
    chunks.push({ type, data });
    p += 12 + len;
  }
  const ihdr = chunks[0].data;
  const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bpp = { 0: 1, 2: 3, 6: 4 }[ihdr[9]] ?? 0;
  return {
    types: chunks.map((c) => c.type),
    width,
    height,
    bitDepth: ihdr[8],
    colourType: ihdr[9],
    pixels: unfilter(zlib.inflateSync(idat), width * bpp, height, bpp),
  };
}

/** Undoes PNG row filters (RFC 2083 section 6) the way a decoder does. */
function unfilter(raw: Uint8Array, stride: number, height: number, bpp: number): number[] {
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i];
      const a = i >= bpp ? out[y * stride + i - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + i] : 0;
      const c = y > 0 && i >= bpp ? out[(y - 1) * stride + i - bpp] : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][type];
      if (predictor === undefined) throw new Error(`bad filter type ${type} in row ${y}`);
      out[y * stride + i] = (x + predictor) & 0xff;
    }
  }
  return [...out];
}
