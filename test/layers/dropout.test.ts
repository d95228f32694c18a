/** Dropout (lib/layers/dropout.ts) on random rates and seeds: what it keeps, and its mask. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dropoutBackward, dropoutForward, random, tensor } from '../../lib';

describe('dropout', () => {
  it('train mode keeps x / p or drops to 0, about a fraction p kept; test mode is the identity', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (p, seed) => {
          const size = 20000;
          const x = tensor(
            [100, size / 100],
            Float64Array.from({ length: size }, (_, i) => 1 + (i % 7)),
          );
          const [out, cache] = dropoutForward(x, { mode: 'train', p, seed });
          let kept = 0;
          let sum = 0;
          let wrong = 0;
          for (let i = 0; i < size; i++) {
            const v = out.data[i];
            if (v !== 0) {
              kept++;
              if (v !== x.data[i] * (1 / p)) wrong++;
            }
            sum += v;
          }
          expect(wrong).toBe(0);
          // Binomial(size, p): 6 standard deviations.
          const sd = Math.sqrt(size * p * (1 - p));
          expect(Math.abs(kept - size * p)).toBeLessThanOrEqual(6 * sd + 1e-9);
          // The expected value of the output is the input: E[sum(out)] = sum(x).
          let xs = 0;
          for (const v of x.data) xs += v;
          expect(Math.abs(sum - xs)).toBeLessThanOrEqual((6 * 7 * sd) / p + 1e-9);
          // Backward multiplies by the same mask.
          const dout = tensor(
            x.shape,
            Float64Array.from({ length: size }, (_, i) => i % 3),
          );
          const dx = dropoutBackward(dout, cache);
          let wrongDx = 0;
          for (let i = 0; i < size; i++) {
            if (dx.data[i] !== (out.data[i] === 0 ? 0 : dout.data[i] * (1 / p))) wrongDx++;
          }
          expect(wrongDx).toBe(0);
          const [same] = dropoutForward(x, { mode: 'test', p, seed });
          expect(Array.from(same.data)).toEqual(Array.from(x.data));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('the same seed gives the same mask', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const x = tensor(
          [10, 10],
          Float64Array.from({ length: 100 }, (_, i) => i + 1),
        );
        const [a] = dropoutForward(x, { mode: 'train', p: 0.5, seed });
        const [b] = dropoutForward(x, { mode: 'train', p: 0.5, seed });
        expect(Array.from(a.data)).toEqual(Array.from(b.data));
      }),
      { numRuns: 20 },
    );
  });
});

describe('dropoutForward against the generator it draws from', () => {
  it('keeps element i exactly when the i-th uniform draw after reseeding is below p', () => {
    const p = 0.6;
    const x = tensor(
      [3, 4],
      Float64Array.from({ length: 12 }, (_, i) => i - 5),
    );
    const [out, [, mask]] = dropoutForward(x, { mode: 'train', p, seed: 42 });
    random.seed(42);
    const u = random.rand(3, 4);
    for (let i = 0; i < 12; i++) {
      const keep = u.data[i] < p;
      expect(mask?.data[i]).toBe(keep ? 1 / p : 0);
      // (+ 0: a dropped negative input is -0.)
      expect(out.data[i] + 0).toBe(keep ? x.data[i] * (1 / p) : 0);
    }
  });

  it('test mode returns the input values with no mask; backward passes dout through', () => {
    const x = tensor([2, 2], new Float64Array([1, -2, 3, -4]));
    const [out, cache] = dropoutForward(x, { mode: 'test', p: 0.3 });
    expect(Array.from(out.data)).toEqual([1, -2, 3, -4]);
    expect(cache[1]).toBeNull();
    const dout = tensor([2, 2], new Float64Array([5, 6, 7, 8]));
    expect(Array.from(dropoutBackward(dout, cache).data)).toEqual([5, 6, 7, 8]);
  });

  it('p = 1 keeps everything unchanged in train mode', () => {
    const x = tensor([5], new Float64Array([0.5, -1, 2, 0, 7]));
    const [out] = dropoutForward(x, { mode: 'train', p: 1, seed: 3 });
    expect(Array.from(out.data)).toEqual([0.5, -1, 2, 0, 7]);
  });
});
