/**
 * Reads test/fixtures/conv/*.json (written by scripts/fixtures/make_conv_fixtures.py, an
 * independent numpy implementation) and compares tensors with them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type Tensor, tensor } from '../../lib/core/tensor';

/** An array as the fixtures store it: shape and flat data in C order. */
export interface Arr {
  shape: number[];
  data: number[];
}

/** The parsed fixture file `test/fixtures/conv/<name>`. */
export function loadConvFixture<T>(name: string): T & { meta: { numpy: string } } {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'conv', name), 'utf8'));
}

/** A fresh packed tensor holding a fixture array. */
export const toTensor = (a: Arr): Tensor => tensor(a.shape, Float64Array.from(a.data));

/**
 * Same shape, and max |ours - want| <= tol * max(max |want|, scaleFloor): relative to the largest
 * expected value (an all-zero expectation must be matched exactly), or to `scaleFloor` when the
 * expected values are the small remainder of a cancellation of terms of that size.
 */
export function expectCloseTo(
  ours: Tensor,
  want: Arr,
  what: string,
  tol = 1e-12,
  scaleFloor = 0,
): void {
  expect(ours.shape, what).toEqual(want.shape);
  let scale = scaleFloor;
  for (const v of want.data) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < want.data.length; i++) {
    const e = Math.abs(ours.get(...unravel(i, want.shape)) - want.data[i]);
    if (!(e <= worst)) worst = e;
  }
  if (!(worst <= tol * scale)) {
    throw new Error(`${what}: max difference ${worst} > ${tol} * ${scale}`);
  }
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    index[k] = flat % shape[k];
    flat = Math.floor(flat / shape[k]);
  }
  return index;
}
