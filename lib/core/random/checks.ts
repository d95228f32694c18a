/** Argument checks shared by the RandomState methods; each error names the method and the argument. */
import { formatShape } from '../tensor';

/** A seed word: an integer in [0, 2**32 - 1]. */
export function checkSeedWord(v: number, arg: string): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new RangeError(
      `RandomState.seed: ${arg} must be an integer between 0 and 2**32 - 1, got ${String(v)}`,
    );
  }
}

/** A safe integer (a bound of `randint`). */
export function checkInteger(fn: string, arg: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new RangeError(`${fn}: ${arg} must be a (safe) integer, got ${String(v)}`);
  }
}

/** The dimensions of `rand(d0, d1, ...)` / `randn(...)`: non-negative integers. */
export function checkDims(fn: string, dims: readonly unknown[]): number[] {
  dims.forEach((d, k) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `${fn}: dimension ${k} must be a non-negative integer, got ${String(d)} (in (${dims.map(String).join(', ')}))`,
      );
    }
  });
  return dims.slice() as number[];
}

/** A numpy `size` argument (an integer or a shape) as a shape. */
export function checkSize(fn: string, size: unknown): number[] {
  if (typeof size === 'number') {
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(`${fn}: size must be a non-negative integer or a shape, got ${size}`);
    }
    return [size];
  }
  if (!Array.isArray(size)) {
    throw new TypeError(
      `${fn}: size must be a non-negative integer or a shape, got ${typeof size}`,
    );
  }
  size.forEach((d, k) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `${fn}: size[${k}] must be a non-negative integer, got ${String(d)} (size ${formatShape(size.map(Number))})`,
      );
    }
  });
  return size.slice() as number[];
}
