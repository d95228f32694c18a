/**
 * lib/im2col.ts: the columns by their definition, col2im as the adjoint of im2col, a convolution as
 * the product of the filters with the columns, and the argument checks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activeBackend,
  availableBackends,
  type BackendName,
  matmul,
  setBackend,
} from '../lib/backends';
import { jsBackend } from '../lib/backends/js';
import { tensor } from '../lib/core/tensor';
import { col2im, im2col, windowGeometry } from '../lib/im2col';
import { tilingWindowCase } from './helpers/arbitraries';
import { convForwardReference, randomTensor, relativeError } from './helpers/convReference';

/** A window whose stride tiles the padded input (fields up to 4 x 4). */
const windowCase = tilingWindowCase(4);

describe('im2col', () => {
  it("column n H'W' + oh W' + ow, row (c HH + i) WW + j holds x[n, c, oh s + i - pad, ow s + j - pad] (0 outside)", () => {
    fc.assert(
      fc.property(windowCase, (k) => {
        const x = randomTensor([k.n, k.c, k.h, k.w], k.seed);
        const cols = im2col(x, k.hh, k.ww, { stride: k.stride, pad: k.pad });
        const positions = k.outH * k.outW;
        expect(cols.shape).toEqual([k.c * k.hh * k.ww, k.n * positions]);
        for (let n = 0; n < k.n; n++)
          for (let c = 0; c < k.c; c++)
            for (let i = 0; i < k.hh; i++)
              for (let j = 0; j < k.ww; j++)
                for (let oh = 0; oh < k.outH; oh++)
                  for (let ow = 0; ow < k.outW; ow++) {
                    const h = oh * k.stride + i - k.pad;
                    const v = ow * k.stride + j - k.pad;
                    const want = h < 0 || h >= k.h || v < 0 || v >= k.w ? 0 : x.get(n, c, h, v);
                    const row = (c * k.hh + i) * k.ww + j;
                    expect(cols.get(row, n * positions + oh * k.outW + ow)).toBe(want);
                  }
      }),
      { numRuns: 60, seed: 31 },
    );
  });

  it('col2im is its adjoint: <im2col(x), y> = <x, col2im(y)>', () => {
    fc.assert(
      fc.property(windowCase, (k) => {
        const param = { stride: k.stride, pad: k.pad };
        const x = randomTensor([k.n, k.c, k.h, k.w], k.seed);
        const cols = im2col(x, k.hh, k.ww, param);
        const y = randomTensor(cols.shape, k.seed + 1);
        const back = col2im(y, x.shape, k.hh, k.ww, param);
        expect(back.shape).toEqual(x.shape);
        let left = 0;
        let right = 0;
        let scale = 0;
        for (let i = 0; i < cols.data.length; i++) {
          left += cols.data[i] * y.data[i];
          scale += Math.abs(cols.data[i] * y.data[i]);
        }
        for (let i = 0; i < x.data.length; i++) right += x.data[i] * back.data[i];
        expect(Math.abs(left - right)).toBeLessThanOrEqual(1e-12 * Math.max(1, scale));
      }),
      { numRuns: 60, seed: 32 },
    );
  });

  it('a convolution, the sum over filter taps, equals the filters (F, C HH WW) times the columns', () => {
    fc.assert(
      fc.property(windowCase, fc.integer({ min: 1, max: 4 }), (k, f) => {
        const x = randomTensor([k.n, k.c, k.h, k.w], k.seed);
        const w = randomTensor([f, k.c, k.hh, k.ww], k.seed + 1);
        const zero = tensor([f]);
        const cols = im2col(x, k.hh, k.ww, { stride: k.stride, pad: k.pad });
        const product = matmul(tensor([f, k.c * k.hh * k.ww], w.data), cols);
        // product is (F, N H' W'); the reference is (N, F, H', W')
        const positions = k.outH * k.outW;
        const reordered = tensor([k.n, f, k.outH, k.outW]);
        for (let n = 0; n < k.n; n++)
          for (let j = 0; j < f; j++)
            for (let p = 0; p < positions; p++)
              reordered.data[(n * f + j) * positions + p] = product.get(j, n * positions + p);
        const ref = convForwardReference(x, w, zero, k.stride, k.pad);
        expect(relativeError(reordered, ref)).toBeLessThan(1e-12);
      }),
      { numRuns: 40, seed: 33 },
    );
  });
});

describe.each(availableBackends())('the %s backend kernels', (backend: BackendName) => {
  it('im2colImage and col2imImage give what the js loops give, at any offsets and row stride', () => {
    const initial = activeBackend().name;
    setBackend(backend);
    try {
      const kernels = activeBackend();
      fc.assert(
        fc.property(
          windowCase,
          fc.integer({ min: 0, max: 7 }),
          fc.integer({ min: 0, max: 5 }),
          (k, off, extra) => {
            const g = windowGeometry('test', 'x', [k.n, k.c, k.h, k.w], 'the field', k.hh, k.ww, {
              stride: k.stride,
              pad: k.pad,
            });
            const x = randomTensor([k.n, k.c, k.h, k.w], k.seed).data;
            const rows = k.c * k.hh * k.ww;
            const stride = k.outH * k.outW + extra;
            const image = (k.n - 1) * k.c * k.h * k.w;
            const got = new Float64Array(off + rows * stride).fill(7);
            const want = got.slice();
            kernels.im2colImage(x, image, g, got, off, stride);
            jsBackend.im2colImage(x, image, g, want, off, stride);
            expect(got).toEqual(want);
            const cols = randomTensor([got.length], k.seed + 1).data;
            const dxGot = randomTensor([k.n, k.c, k.h, k.w], k.seed + 2).data;
            const dxWant = dxGot.slice();
            kernels.col2imImage(cols, off, stride, g, dxGot, image);
            jsBackend.col2imImage(cols, off, stride, g, dxWant, image);
            expect(dxGot).toEqual(dxWant);
          },
        ),
        { numRuns: 60, seed: 34 },
      );
    } finally {
      setBackend(initial);
    }
  });

  it('refuse buffers too short for the image or the columns, naming the backend and kernel', () => {
    const initial = activeBackend().name;
    setBackend(backend);
    try {
      const kernels = activeBackend();
      const g = windowGeometry('test', 'x', [1, 2, 5, 5], 'the field', 3, 3, { stride: 1, pad: 1 });
      const x = new Float64Array(50);
      expect(() => kernels.im2colImage(x, 0, g, new Float64Array(18 * 25 - 1), 0, 25)).toThrow(
        `${backend} im2colImage: cols has 449 numbers, too few for 18 rows of 25 at offset 0, 25 apart`,
      );
      expect(() => kernels.col2imImage(new Float64Array(450), 0, 25, g, x, 1)).toThrow(
        `${backend} col2imImage: dx has 50 numbers, too few for an image of (2, 5, 5) at offset 1`,
      );
      expect(() =>
        kernels.im2colImage(x, 0, { ...g, outHeight: 4 }, new Float64Array(450), 0, 25),
      ).toThrow(`${backend} im2colImage: g is inconsistent`);
    } finally {
      setBackend(initial);
    }
  });
});

describe('argument checks', () => {
  const x = randomTensor([2, 3, 5, 5], 1);
  it('im2col names the function, the argument and the shapes', () => {
    expect(() => im2col(x, 2, 2, { stride: 2, pad: 0 })).toThrow(
      'im2col: stride 2 does not tile x of shape (2, 3, 5, 5) with the field (2 x 2): need (H + 2 pad - 2) and (W + 2 pad - 2) divisible by 2, got 3 and 3',
    );
    expect(() => im2col(x, 0, 2, { stride: 1, pad: 0 })).toThrow(
      'im2col: fieldHeight must be a positive integer, got 0',
    );
    expect(() => im2col(x, 8, 2, { stride: 1, pad: 1 })).toThrow(
      'im2col: the field (8 x 2) is larger than x of shape (2, 3, 5, 5) padded by 1 to (7, 7)',
    );
    expect(() => im2col(x, 2, 2, { stride: 1.5, pad: 0 })).toThrow(
      'im2col: param.stride must be a positive integer, got 1.5',
    );
  });
  it('col2im checks the columns against xShape', () => {
    expect(() =>
      col2im(randomTensor([27, 49], 1), [2, 3, 5, 5], 3, 3, { stride: 1, pad: 0 }),
    ).toThrow(
      'col2im: cols has shape (27, 49) but xShape (2, 3, 5, 5) with a 3 x 3 field, stride 1, pad 0 makes columns of shape (27, 18)',
    );
    expect(() => col2im(randomTensor([27, 18], 1), [2, 3, 5], 3, 3, { stride: 1, pad: 0 })).toThrow(
      'col2im: xShape must be four non-negative integers (N, C, H, W), got (2, 3, 5)',
    );
  });
});
