/** Per-column or per-row moments of a 2-d tensor, as numpy's mean and var (biased) compute them. */
import type { Tensor } from '../../lib/core/tensor';

/**
 * Mean and biased variance of each column (axis 0) or each row (axis 1) of an (n, d) tensor.
 *
 * @param x (n, d)
 * @returns `mean` and `variance`, d numbers for axis 0, n for axis 1
 */
export function moments(x: Tensor, axis: 0 | 1): { mean: number[]; variance: number[] } {
  const [n, d] = x.shape;
  const [count, len] = axis === 0 ? [d, n] : [n, d];
  const at = (k: number, i: number) => (axis === 0 ? x.get(i, k) : x.get(k, i));
  const mean: number[] = [];
  const variance: number[] = [];
  for (let k = 0; k < count; k++) {
    let s = 0;
    for (let i = 0; i < len; i++) s += at(k, i);
    const m = s / len;
    let v = 0;
    for (let i = 0; i < len; i++) v += (at(k, i) - m) ** 2;
    mean.push(m);
    variance.push(v / len);
  }
  return { mean, variance };
}
