/**
 * lib/core/random/mt19937.ts against the published MT19937 reference outputs: the first words of
 * Matsumoto and Nishimura's mt19937ar.out (init_by_array {0x123, 0x234, 0x345, 0x456}), and the
 * 10000th word after init_genrand(5489), which the C++ standard requires of std::mt19937.
 */
import { describe, expect, it } from 'vitest';
import { MT19937, STATE_LEN } from '../../../lib/core/random/mt19937';

describe('MT19937', () => {
  it('init_by_array gives the reference outputs of mt19937ar.out', () => {
    const mt = new MT19937();
    mt.seedArray(Uint32Array.of(0x123, 0x234, 0x345, 0x456));
    const words = Array.from({ length: 5 }, () => mt.next32());
    expect(words).toEqual([1067595299, 955945823, 477289528, 4107218783, 4228976476]);
  });

  it('init_genrand(5489) gives 3499211612 first and 4123659995 as its 10000th word', () => {
    const mt = new MT19937();
    mt.seedInt(5489);
    expect(mt.next32()).toBe(3499211612);
    let last = 0;
    for (let i = 2; i <= 10000; i++) last = mt.next32();
    expect(last).toBe(4123659995);
  });

  it('keeps a state of 624 words and reseeding restarts the sequence', () => {
    const mt = new MT19937();
    expect(mt.key.length).toBe(STATE_LEN);
    expect(STATE_LEN).toBe(624);
    mt.seedInt(42);
    const first = Array.from({ length: 700 }, () => mt.next32());
    mt.seedInt(42);
    const again = Array.from({ length: 700 }, () => mt.next32());
    expect(again).toEqual(first);
    expect(first.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)).toBe(true);
  });

  it('seeds from entropy differently each time', () => {
    const a = new MT19937();
    const b = new MT19937();
    a.seedFromEntropy();
    b.seedFromEntropy();
    const wa = Array.from({ length: 4 }, () => a.next32());
    const wb = Array.from({ length: 4 }, () => b.next32());
    expect(wa).not.toEqual(wb);
  });
});
