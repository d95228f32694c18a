/**
 * The Mersenne Twister MT19937 as numpy's legacy `RandomState` runs it: the same seeding
 * (`init_genrand` for an integer, `init_by_array` for an array), the same state regeneration and
 * tempering, so the same seed gives the same stream of 32-bit words.
 */
import { randomFillSync } from 'node:crypto';

/** Number of 32-bit words in the generator state. */
export const STATE_LEN = 624;
const SHIFT_M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** The generator proper: 624 state words and the position of the next word to temper. */
export class MT19937 {
  /** The 624 state words. */
  readonly key = new Uint32Array(STATE_LEN);
  /** Position in `key` of the next word to temper (624 = regenerate first). */
  pos = STATE_LEN;

  /** `init_genrand(seed)` (numpy's `mt19937_seed`) for an integer in [0, 2**32 - 1]. */
  seedInt(seed: number): void {
    initGenrand(this.key, seed);
    this.pos = STATE_LEN;
  }

  /** `init_by_array(words)` (numpy's `mt19937_init_by_array`). */
  seedArray(words: Uint32Array): void {
    initByArray(this.key, words);
    this.pos = STATE_LEN;
  }

  /** Seeds from 624 words of operating-system entropy (not reproducible). */
  seedFromEntropy(): void {
    const words = new Uint32Array(STATE_LEN);
    randomFillSync(words);
    this.seedArray(words);
  }

  /** Next tempered 32-bit output (numpy's `next_uint32`), as an unsigned number. */
  next32(): number {
    if (this.pos === STATE_LEN) {
      regenerate(this.key);
      this.pos = 0;
    }
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** MT19937 `init_genrand`. */
function initGenrand(key: Uint32Array, seed: number): void {
  let s = seed >>> 0;
  for (let pos = 0; pos < STATE_LEN; pos++) {
    key[pos] = s;
    s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + pos + 1) >>> 0;
  }
}

/** MT19937 `init_by_array`. */
function initByArray(mt: Uint32Array, initKey: Uint32Array): void {
  const keyLength = initKey.length;
  initGenrand(mt, 19650218);
  let i = 1;
  let j = 0;
  for (let k = Math.max(STATE_LEN, keyLength); k > 0; k--) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) >>> 0) + initKey[j] + j;
    i++;
    j++;
    if (i >= STATE_LEN) {
      mt[0] = mt[STATE_LEN - 1];
      i = 1;
    }
    if (j >= keyLength) j = 0;
  }
  for (let k = STATE_LEN - 1; k > 0; k--) {
    const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
    mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) >>> 0) - i;
    i++;
    if (i >= STATE_LEN) {
      mt[0] = mt[STATE_LEN - 1];
      i = 1;
    }
  }
  mt[0] = 0x80000000;
}

/** MT19937 state regeneration (numpy's `mt19937_gen`). */
function regenerate(key: Uint32Array): void {
  let y: number;
  let i = 0;
  for (; i < STATE_LEN - SHIFT_M; i++) {
    y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
    key[i] = key[i + SHIFT_M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  }
  for (; i < STATE_LEN - 1; i++) {
    y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
    key[i] = key[i + (SHIFT_M - STATE_LEN)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  }
  y = (key[STATE_LEN - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
  key[STATE_LEN - 1] = key[SHIFT_M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
}
