/**
 * The compute core: picks a backend once at load time and exposes the kernels the layers use.
 *
 * Choice: the environment variable `CS231N_BACKEND` (`blas`, `wasm` or `js`) if set, else the
 * fastest backend that loads. `backendInfo()` tells which one runs; `setBackend()` switches.
 */
import { checkOptions } from '../core/options';
import {
  checkSameShape,
  checkTensor,
  contiguousData,
  formatShape,
  isPackedRowMajor,
  type Tensor,
  tensor,
} from '../core/tensor';
import { loadBlasBackend } from './blas';
import { jsBackend } from './js';
import type { BackendName, ComputeBackend } from './types';
import { loadWasmBackend } from './wasm';

export type { BackendName, ComputeBackend, WindowGeometry } from './types';

/**
 * How each optional backend is loaded, fastest first; a loader returns null when its backend is
 * unavailable here. Only read when a backend is first needed (tests replace an entry beforehand to
 * simulate a machine without that backend).
 */
export const backendLoaders: Record<'blas' | 'wasm', () => ComputeBackend | null> = {
  blas: loadBlasBackend,
  wasm: loadWasmBackend,
};

const loaded = new Map<BackendName, ComputeBackend | null>();
/** Why each backend that did not load is unavailable (the loader's error, or "not built"). */
const loadErrors = new Map<BackendName, string>();

function load(name: BackendName): ComputeBackend | null {
  if (name === 'js') return jsBackend;
  if (!loaded.has(name)) {
    let backend: ComputeBackend | null = null;
    try {
      backend = backendLoaders[name]();
      if (backend === null) {
        loadErrors.set(
          name,
          `not built (npm install builds it${name === 'blas' ? ' when a C compiler and OpenBLAS are present' : ''})`,
        );
      }
    } catch (e) {
      backend = null;
      loadErrors.set(name, `failed to load: ${e instanceof Error ? e.message : String(e)}`);
    }
    loaded.set(name, backend);
  }
  return loaded.get(name) ?? null;
}

/** Why each backend that does not load here is unavailable, e.g. `{ blas: 'failed to load: ...' }`. */
function unavailableBackends(): Partial<Record<BackendName, string>> {
  availableBackends();
  return Object.fromEntries(loadErrors);
}

/** The backends that load on this machine, fastest first. */
export function availableBackends(): BackendName[] {
  return (['blas', 'wasm', 'js'] as const).filter((n) => load(n) !== null);
}

let current: ComputeBackend | null = null;

function active(): ComputeBackend {
  if (current === null) {
    const wanted = process.env.CS231N_BACKEND;
    current = wanted ? pick('CS231N_BACKEND', wanted) : load(availableBackends()[0])!;
  }
  return current;
}

function pick(source: string, name: string): ComputeBackend {
  if (name !== 'blas' && name !== 'wasm' && name !== 'js') {
    throw new RangeError(`${source}: unknown backend '${name}'; expected 'blas', 'wasm' or 'js'`);
  }
  const backend = load(name);
  if (backend === null) {
    throw new Error(
      `${source}: backend '${name}' is not available on this machine: ${loadErrors.get(name)} (available: ${availableBackends().join(', ')})`,
    );
  }
  return backend;
}

/**
 * Switches the compute backend for the rest of the process.
 * @param name `blas`, `wasm` or `js`
 * @throws if the backend is unknown or does not load here
 */
export function setBackend(name: BackendName): void {
  current = pick('setBackend', name);
}

/** What {@link backendInfo} returns. */
export interface BackendInfo {
  /** the backend that runs */
  name: BackendName;
  /** what runs underneath (library, threads, SIMD) */
  detail: string;
  /** the backends that load here, fastest first */
  available: BackendName[];
  /** why each other backend does not load here (a missing build, or the loader's error) */
  unavailable: Partial<Record<BackendName, string>>;
}

/** Which backend runs, what it is, which others could, and why the rest cannot. */
export function backendInfo(): BackendInfo {
  const b = active();
  return {
    name: b.name,
    detail: b.detail,
    available: availableBackends(),
    unavailable: unavailableBackends(),
  };
}

/** The active backend (for benchmarks and tests that call `gemm` directly). */
export function activeBackend(): ComputeBackend {
  return active();
}

/** Options of {@link matmul}. */
export interface MatmulOptions {
  /** use A^T: `a` has shape (K, M) */
  transA?: boolean;
  /** use B^T: `b` has shape (N, K) */
  transB?: boolean;
}

/**
 * Matrix product `op(a) @ op(b)`.
 *
 * @param a (M, K), or (K, M) with `transA`
 * @param b (K, N), or (N, K) with `transB`
 * @returns (M, N), a fresh tensor
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  checkTensor('matmul', 'a', a, 2);
  checkTensor('matmul', 'b', b, 2);
  checkOptions('matmul', 'options', options, ['transA', 'transB']);
  const transA = options.transA === true;
  const transB = options.transB === true;
  const [m, k] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (k !== kb) {
    throw new RangeError(
      `matmul: inner dimensions differ: ${transA ? 'a^T' : 'a'} of shape (${m}, ${k}) against ${transB ? 'b^T' : 'b'} of shape (${kb}, ${n}) (a ${formatShape(a.shape)}, b ${formatShape(b.shape)})`,
    );
  }
  const out = tensor([m, n]);
  active().gemm(transA, transB, m, n, k, 1, contiguousData(a), contiguousData(b), 0, out.data);
  return out;
}

/**
 * `y += alpha * x`, in place (BLAS axpy).
 *
 * @param x any shape (d1, ..., dk)
 * @param y same shape as x, packed row-major (it is written through)
 */
export function axpy(alpha: number, x: Tensor, y: Tensor): void {
  checkTensor('axpy', 'x', x);
  checkTensor('axpy', 'y', y);
  checkSameShape('axpy', 'x', x, 'y', y);
  if (!isPackedRowMajor(y)) {
    throw new RangeError(
      `axpy: y (shape ${formatShape(y.shape)}) must be a packed row-major tensor`,
    );
  }
  active().axpy(alpha, contiguousData(x), contiguousData(y));
}

/**
 * Sum of elementwise products over all elements, `sum(x * y)` (BLAS dot).
 *
 * @param x any shape (d1, ..., dk)
 * @param y same shape as x
 */
export function dot(x: Tensor, y: Tensor): number {
  checkTensor('dot', 'x', x);
  checkTensor('dot', 'y', y);
  checkSameShape('dot', 'x', x, 'y', y);
  return active().dot(contiguousData(x), contiguousData(y));
}
