/**
 * lib/core/random/sampling.ts with a scripted word source in place of MT19937, so the masked
 * rejection can be followed word by word: which words are rejected, how many are consumed.
 */
import { describe, expect, it } from 'vitest';
import type { MT19937 } from '../../../lib/core/random/mt19937';
import { boundedUint, randomInterval, swapRows } from '../../../lib/core/random/sampling';
import { tensor } from '../../../lib/core/tensor';

/** A word source that returns `words` in order and counts how many were taken. */
function scripted(words: number[]): MT19937 & { taken: number } {
  const source = {
    taken: 0,
    next32() {
      const w = words[source.taken++];
      if (w === undefined) throw new Error('scripted: out of words');
      return w;
    },
  };
  return source as unknown as MT19937 & { taken: number };
}

describe('randomInterval', () => {
  it('masks each word to the bits of max and rejects values above max', () => {
    // max 5: mask 0b111; 14 & 7 = 6 > 5 is rejected, 0xfffffffb & 7 = 3 is taken
    const mt = scripted([14, 0xfffffffb, 1]);
    expect(randomInterval(mt, 5)).toBe(3);
    expect(mt.taken).toBe(2);
  });

  it('takes no word for max 0 and the whole word for max 2**32 - 1', () => {
    const none = scripted([]);
    expect(randomInterval(none, 0)).toBe(0);
    expect(none.taken).toBe(0);
    expect(randomInterval(scripted([0xdeadbeef]), 0xffffffff)).toBe(0xdeadbeef);
  });

  it('gives a power of two minus one with no rejection', () => {
    const mt = scripted([0x12345678]);
    expect(randomInterval(mt, 255)).toBe(0x78);
    expect(mt.taken).toBe(1);
  });
});

describe('boundedUint', () => {
  it('uses one word per try up to 32 bits', () => {
    // rng 6: mask 0b111; 15 & 7 = 7 > 6 is rejected, 4 is taken
    const mt = scripted([15, 4, 0]);
    expect(boundedUint(mt, 6)).toBe(4);
    expect(mt.taken).toBe(2);
  });

  it('draws two words per try above 32 bits, the first masked as the high word', () => {
    // rng = 3 * 2**32 + 5: high mask 0b11. Try 1: hi 3, lo 6 -> 3 * 2**32 + 6 > rng, rejected.
    // Try 2: hi 0b111 & 3 = 3, lo 5 -> exactly rng.
    const rng = 3 * 2 ** 32 + 5;
    const mt = scripted([3, 6, 7, 5]);
    expect(boundedUint(mt, rng)).toBe(rng);
    expect(mt.taken).toBe(4);
  });
});

describe('swapRows', () => {
  it('swaps whole rows of a 3-d array and leaves the others', () => {
    const x = tensor([3, 2, 2]);
    for (let i = 0; i < 12; i++) x.data[i] = i;
    swapRows(x, 0, 2, [2, 2]);
    expect(Array.from(x.data)).toEqual([8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3]);
  });

  it('follows the strides of a transposed view', () => {
    const base = tensor([2, 3]);
    for (let i = 0; i < 6; i++) base.data[i] = i; // [[0, 1, 2], [3, 4, 5]]
    const view = base.transpose(1, 0); // rows are the columns of base
    swapRows(view, 0, 2, [2]);
    expect(Array.from(base.data)).toEqual([2, 1, 0, 5, 4, 3]);
  });
});
