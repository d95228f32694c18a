/**
 * Counting the floating-point operations of the matrix products a bench run makes, at the active
 * backend's gemm (2 m n k per product): bench/ours.ts and bench/fcNets.ts report them, and
 * bench/run.ts divides them by the best GEMM rate of the same process for the compute floor.
 */
import { activeBackend } from '../lib/backends';

/** Floating-point operations of the matrix products run since the last {@link takeFlops}. */
let flops = 0;

const counted = new Set<object>();

/**
 * Wraps the active backend's gemm (once per backend) so that every product adds `2 m n k` to the
 * count. Call it after each `setBackend`.
 */
export function countFlops(): void {
  const backend = activeBackend();
  if (counted.has(backend)) return;
  counted.add(backend);
  const gemm = backend.gemm;
  backend.gemm = (transA, transB, m, n, k, alpha, a, b, beta, c) => {
    flops += 2 * m * n * k;
    gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
  };
}

/**
 * The count since the last call, and resets it.
 * @returns floating-point operations of the products run meanwhile
 */
export function takeFlops(): number {
  const f = flops;
  flops = 0;
  return f;
}
