/** Test helper: decodes the header and rows of a PNG (8-bit, unfiltered-or-filtered rows). */
import { inflateSync } from 'node:zlib';
import { expect } from 'vitest';

/** Width, height and a rough ink measure of a PNG: the share of rows that are not plain white. */
export function pngInfo(png: Uint8Array): {
  width: number;
  height: number;
  inked: number;
  inkedRows: boolean[];
} {
  const buf = Buffer.from(png);
  expect(buf.toString('latin1', 1, 4)).toBe('PNG');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const idat: Buffer[] = [];
  let channels = 4;
  for (let p = 8; p < buf.length; ) {
    const len = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    if (type === 'IHDR') channels = { 2: 3, 6: 4, 0: 1, 4: 2 }[buf[p + 17]] ?? 4;
    if (type === 'IDAT') idat.push(buf.subarray(p + 8, p + 8 + len));
    p += 12 + len;
  }
  // A plain white row, whatever its filter, holds only 0 (deltas) and 255 (raw) bytes.
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels + 1;
  const inkedRows: boolean[] = [];
  for (let r = 0; r < height; r++) {
    const row = raw.subarray(r * stride + 1, (r + 1) * stride);
    inkedRows.push(row.some((b) => b !== 0 && b !== 255));
  }
  return { width, height, inked: inkedRows.filter(Boolean).length / height, inkedRows };
}
