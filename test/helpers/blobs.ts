/** A small separable classification set for the Solver's tests: Gaussian blobs. */
import ndarray from 'ndarray';
import { RandomState } from '../../lib/core/random';
import { tensor } from '../../lib/core/tensor';

/**
 * Gaussian blobs: n points of each of c classes in d dimensions, around class centres that are
 * the same for every seed (3 x a RandomState(0) normal draw); `seed` picks the noise.
 *
 * @returns X (n * c, d) and y (n * c,), the classes in turn (y[i] = i % c)
 */
export function blobs(n: number, d: number, c: number, seed: number) {
  const centres = new RandomState(0).randn(c, d);
  const noise = new RandomState(seed).randn(n * c, d);
  const X = new Float64Array(n * c * d);
  const y = new Int32Array(n * c);
  for (let i = 0; i < n * c; i++) {
    y[i] = i % c;
    for (let j = 0; j < d; j++) X[i * d + j] = 3 * centres.get(y[i], j) + noise.get(i, j);
  }
  return { X: tensor([n * c, d], X), y: ndarray(y, [n * c]) };
}
