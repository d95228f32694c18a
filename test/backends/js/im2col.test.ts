/**
 * lib/backends/js/im2col.ts: one image's columns against their definition (small integer images,
 * so equality is exact), col2im as the adjoint of im2col, and the offsets and row strides.
 */
import { describe, expect, it } from 'vitest';
import { col2imLoop, im2colLoop } from '../../../lib/backends/js/im2col';
import type { WindowGeometry } from '../../../lib/backends/types';

function geometry(
  channels: number,
  height: number,
  width: number,
  field: number,
  stride: number,
  pad: number,
): WindowGeometry {
  const out = (size: number) => (size + 2 * pad - field) / stride + 1;
  return {
    channels,
    height,
    width,
    fieldHeight: field,
    fieldWidth: field,
    stride,
    pad,
    outHeight: out(height),
    outWidth: out(width),
  };
}

/** cols[(c HH + i) WW + j][oh W' + ow] = x[c, oh s + i - pad, ow s + j - pad], 0 outside. */
function columnsByDefinition(x: Float64Array, g: WindowGeometry): number[][] {
  const rows: number[][] = [];
  for (let c = 0; c < g.channels; c++) {
    for (let i = 0; i < g.fieldHeight; i++) {
      for (let j = 0; j < g.fieldWidth; j++) {
        const row: number[] = [];
        for (let oh = 0; oh < g.outHeight; oh++) {
          for (let ow = 0; ow < g.outWidth; ow++) {
            const h = oh * g.stride + i - g.pad;
            const w = ow * g.stride + j - g.pad;
            const inside = h >= 0 && h < g.height && w >= 0 && w < g.width;
            row.push(inside ? x[(c * g.height + h) * g.width + w]! : 0);
          }
        }
        rows.push(row);
      }
    }
  }
  return rows;
}

const ramp = (n: number, from = 1) => Float64Array.from({ length: n }, (_, i) => i + from);

describe('im2colLoop', () => {
  it('reads 2x2 windows of a 3x3 image without padding', () => {
    const g = geometry(1, 3, 3, 2, 1, 0);
    const cols = new Float64Array(4 * 4);
    im2colLoop(ramp(9), 0, g, cols, 0, 4);
    // window tap (0, 0) sees 1 2 4 5, tap (1, 1) sees 5 6 8 9
    expect(Array.from(cols)).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
  });

  it.each([
    [2, 5, 4, 3, 1, 1],
    [3, 5, 5, 3, 2, 1],
    [1, 6, 6, 2, 2, 0],
    [2, 3, 3, 3, 1, 2],
  ])(
    'matches the definition for C %i, H %i, W %i, field %i, stride %i, pad %i',
    (c, h, w, f, s, p) => {
      const g = geometry(c, h, w, f, s, p);
      const positions = g.outHeight * g.outWidth;
      const cols = new Float64Array(c * f * f * positions).fill(Number.NaN);
      const x = ramp(c * h * w);
      im2colLoop(x, 0, g, cols, 0, positions);
      const want = columnsByDefinition(x, g);
      expect(Array.from(cols)).toEqual(want.flat());
    },
  );

  it('reads the image at xOffset and writes rows colsRowStride apart from colsOffset', () => {
    const g = geometry(1, 3, 3, 2, 1, 0);
    const x = new Float64Array(4 + 9);
    x.set(ramp(9), 4);
    const cols = new Float64Array(3 + 4 * 6).fill(-1);
    im2colLoop(x, 4, g, cols, 3, 6);
    const want = columnsByDefinition(ramp(9), g);
    for (let r = 0; r < 4; r++) {
      expect(Array.from(cols.subarray(3 + r * 6, 3 + r * 6 + 4))).toEqual(want[r]);
      // the two numbers between rows are left alone
      if (r < 3) expect(Array.from(cols.subarray(3 + r * 6 + 4, 3 + r * 6 + 6))).toEqual([-1, -1]);
    }
    expect(Array.from(cols.subarray(0, 3))).toEqual([-1, -1, -1]);
  });
});

describe('col2imLoop', () => {
  it('is the adjoint of im2colLoop: <im2col(x), y> = <x, col2im(y)>', () => {
    for (const [c, h, w, f, s, p] of [
      [2, 5, 4, 3, 1, 1],
      [3, 5, 5, 3, 2, 1],
      [1, 4, 4, 2, 2, 2],
    ] as const) {
      const g = geometry(c, h, w, f, s, p);
      const positions = g.outHeight * g.outWidth;
      const x = Float64Array.from({ length: c * h * w }, (_, i) => ((i * 5) % 7) - 3);
      const y = Float64Array.from({ length: c * f * f * positions }, (_, i) => ((i * 3) % 5) - 2);
      const cols = new Float64Array(y.length);
      im2colLoop(x, 0, g, cols, 0, positions);
      const dx = new Float64Array(x.length);
      col2imLoop(y, 0, positions, g, dx, 0);
      let left = 0;
      let right = 0;
      for (let i = 0; i < y.length; i++) left += cols[i]! * y[i]!;
      for (let i = 0; i < x.length; i++) right += x[i]! * dx[i]!;
      expect(right).toBe(left);
    }
  });

  it('adds onto dx, counting each pixel once per window that covers it', () => {
    // 2x2 windows, stride 1, over 3x3: the centre is in 4 windows, edges in 2, corners in 1
    const g = geometry(1, 3, 3, 2, 1, 0);
    const dx = new Float64Array(9).fill(10);
    col2imLoop(new Float64Array(16).fill(1), 0, 4, g, dx, 0);
    expect(Array.from(dx)).toEqual([11, 12, 11, 12, 14, 12, 11, 12, 11]);
  });
});
