/**
 * The integer sampling primitives under numpy's `randint`, `choice`, `permutation` and `shuffle`:
 * masked rejection sampling on MT19937 words, consuming exactly the words numpy consumes.
 */
import { shapeSize, type Tensor } from '../tensor';
import type { MT19937 } from './mt19937';

const TWO_32 = 4294967296;

/** numpy's `random_interval(max)`: a uniform integer in [0, max] by masked rejection. */
export function randomInterval(mt: MT19937, max: number): number {
  if (max === 0) return 0;
  const mask = maskFor32(max);
  let value: number;
  do {
    value = (mt.next32() & mask) >>> 0;
  } while (value > max);
  return value;
}

/**
 * numpy's `random_bounded_uint64_fill` for one value with use_masked: a uniform integer in
 * [0, rng] (rng < 2**53 here).
 */
export function boundedUint(mt: MT19937, rng: number): number {
  // Up to 32 bits this is random_interval (a full 32-bit range takes one word as it is).
  if (rng <= 0xffffffff) return randomInterval(mt, rng);
  // 64-bit draws: next_uint64 = (first 32-bit draw << 32) | second draw, masked.
  const maskHi = maskFor32(Math.floor(rng / TWO_32));
  let value: number;
  do {
    const hi = (mt.next32() & maskHi) >>> 0;
    const lo = mt.next32();
    value = hi * TWO_32 + lo;
  } while (value > rng);
  return value;
}

/** Smallest all-ones bit mask >= v, for 0 < v < 2**32 (returned as a signed 32-bit pattern). */
function maskFor32(v: number): number {
  let mask = v >>> 0;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask;
}

/** Swaps rows i and j of an ndarray along its first axis (rows of shape `rowShape`). */
export function swapRows(x: Tensor, i: number, j: number, rowShape: number[]): void {
  const n = shapeSize(rowShape);
  const d = rowShape.length;
  const idx = new Array<number>(d).fill(0);
  for (let e = 0; e < n; e++) {
    let off = x.offset;
    for (let k = 0; k < d; k++) off += idx[k] * x.stride[k + 1];
    const pi = off + i * x.stride[0];
    const pj = off + j * x.stride[0];
    const tmp = x.data[pi];
    x.data[pi] = x.data[pj];
    x.data[pj] = tmp;
    for (let k = d - 1; k >= 0; k--) {
      if (++idx[k] < rowShape[k]) break;
      idx[k] = 0;
    }
  }
}
