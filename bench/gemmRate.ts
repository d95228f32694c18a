/**
 * The GEMM rate of one product shape on the active backend: the best of repeated back-to-back
 * calls (bench/ours.ts's GEMM rows; bench/fcNets.ts's rate for the compute floor).
 */

import { matmul } from '../lib/backends';
import { type Tensor, tensor } from '../lib/core/tensor';

/** One product shape of bench/spec.json: (m x k) @ (k x n), A given transposed with `transA`. */
export interface GemmShape {
  name: string;
  m: number;
  k: number;
  n: number;
  transA: boolean;
}

/** What {@link timeGemm} measured. */
export interface GemmResult {
  name: string;
  reps: number;
  bestSeconds: number;
  medianSeconds: number;
  /** 2 m n k / bestSeconds, in units of 1e9 */
  gflops: number;
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function randomTensor(shape: number[]): Tensor {
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = Math.random() * 2 - 1;
  return t;
}

/**
 * Times `matmul` on random operands of one shape: two warm-up calls, then calls until both
 * `minReps` calls and `minSeconds` seconds are reached.
 * @param shape the product, (m x k) @ (k x n)
 * @param minSeconds least total time of the timed calls
 * @param minReps least number of timed calls
 * @returns the best and median call, and the rate of the best
 */
export function timeGemm(shape: GemmShape, minSeconds: number, minReps: number): GemmResult {
  const { m, n, k, transA } = shape;
  const a = randomTensor(transA ? [k, m] : [m, k]);
  const b = randomTensor([k, n]);
  const run = () => matmul(a, b, { transA });
  for (let i = 0; i < 2; i++) run();
  const times: number[] = [];
  const start = now();
  while (times.length < minReps || now() - start < minSeconds) {
    const t = now();
    run();
    times.push(now() - t);
  }
  times.sort((x, y) => x - y);
  const best = times[0];
  return {
    name: shape.name,
    reps: times.length,
    bestSeconds: best,
    medianSeconds: times[Math.floor(times.length / 2)],
    gflops: (2 * m * n * k) / best / 1e9,
  };
}
