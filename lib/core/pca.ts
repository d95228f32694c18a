/**
 * Principal component analysis by block power (subspace) iteration: the covariance matrix and
 * every product with it go through the compute backend's `matmul` (GEMM); only the small
 * Rayleigh-Ritz eigenproblem at the end runs in plain loops (cyclic Jacobi).
 */
import { matmul } from '../backends';
import { RandomState } from './random';
import { checkTensor, contiguousData, formatShape, type Tensor, tensor } from './tensor';

/** Options of {@link pca}. */
export interface PcaOptions {
  /** extra directions iterated beside the k wanted ones (10): they speed up convergence */
  oversample?: number;
  /** power iterations (12) */
  iterations?: number;
  /** seed of the random start (0) */
  seed?: number;
}

/** What {@link pca} returns. */
export interface PcaResult {
  /** the mean row, (D,) */
  mean: Tensor;
  /** the top k principal directions as orthonormal rows, (k, D) */
  components: Tensor;
  /** the variance along each direction (eigenvalues of the covariance), largest first, (k,) */
  variances: Tensor;
}

/**
 * Top-k principal components of the rows of `X`: the leading eigenvectors of the covariance
 * `(X - mean)^T (X - mean) / N`, found by block power iteration with Rayleigh-Ritz.
 *
 * @param X data (N, D), N >= 2
 * @param k number of components, 1 <= k <= D
 * @returns `{ mean: (D,), components: (k, D), variances: (k,) }`
 * @throws RangeError naming `pca` for a bad shape, k or option, or a non-finite value in X
 */
export function pca(X: Tensor, k: number, options: PcaOptions = {}): PcaResult {
  const fn = 'pca';
  checkTensor(fn, 'X', X, 2);
  const [N, D] = X.shape;
  if (N < 2 || D < 1) {
    throw new RangeError(
      `${fn}: X must have at least 2 rows and 1 column, got shape ${formatShape(X.shape)}`,
    );
  }
  if (!Number.isInteger(k) || k < 1 || k > D) {
    throw new RangeError(
      `${fn}: k must be an integer in [1, ${D}] for X of shape ${formatShape(X.shape)}, got ${k}`,
    );
  }
  const { oversample = 10, iterations = 12, seed = 0 } = options;
  if (
    !Number.isInteger(oversample) ||
    oversample < 0 ||
    !Number.isInteger(iterations) ||
    iterations < 1
  ) {
    throw new RangeError(
      `${fn}: oversample must be an integer >= 0 and iterations >= 1, got ${oversample} and ${iterations}`,
    );
  }
  const x = contiguousData(X);
  const mean = new Float64Array(D);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < D; j++) {
      const v = x[i * D + j];
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `${fn}: X[${i}, ${j}] = ${v} (shape ${formatShape(X.shape)}) is not finite`,
        );
      }
      mean[j] += v;
    }
  }
  for (let j = 0; j < D; j++) mean[j] /= N;
  const centred = new Float64Array(N * D);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < D; j++) centred[i * D + j] = x[i * D + j] - mean[j];
  const Xc = tensor([N, D], centred);
  const cov = matmul(Xc, Xc, { transA: true });
  for (let i = 0; i < cov.data.length; i++) cov.data[i] /= N;

  const m = Math.min(D, k + oversample);
  const rng = new RandomState(seed);
  let Q = orthonormalizeRows(rng.randn(m, D) as Tensor);
  for (let it = 0; it < iterations; it++) {
    // (m, D): the rows of Q times the symmetric covariance, made orthonormal again
    Q = orthonormalizeRows(matmul(Q, cov));
  }
  // Rayleigh-Ritz: the covariance restricted to span(Q), T = Q C Q^T, diagonalised exactly.
  const T = matmul(matmul(Q, cov), Q, { transB: true });
  const [values, vectors] = jacobiEigen(T.data, m);
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => values[b] - values[a]);
  const rot = tensor([k, m]);
  const variances = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    const c = order[r];
    variances[r] = Math.max(0, values[c]);
    for (let i = 0; i < m; i++) rot.data[r * m + i] = vectors[i * m + c];
  }
  return {
    mean: tensor([D], mean),
    components: matmul(rot, Q),
    variances: tensor([k], variances),
  };
}

/**
 * Coordinates of rows in a PCA basis: `(X - mean) @ components^T`, each column then divided by
 * `sqrt(variance + epsilon)` when `whiten` is set (unit variance along every direction).
 *
 * @param X data (N, D)
 * @param p the result of {@link pca} on data with D columns
 * @returns (N, k)
 */
export function pcaProject(X: Tensor, p: PcaResult, whiten = false, epsilon = 0): Tensor {
  const fn = 'pcaProject';
  checkTensor(fn, 'X', X, 2);
  const [N, D] = X.shape;
  const [k, Dp] = p.components.shape;
  if (D !== Dp) {
    throw new RangeError(
      `${fn}: X has ${D} columns (shape ${formatShape(X.shape)}) but the components have ${Dp} (shape ${formatShape(p.components.shape)})`,
    );
  }
  const x = contiguousData(X);
  const mean = contiguousData(p.mean);
  const centred = new Float64Array(N * D);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < D; j++) centred[i * D + j] = x[i * D + j] - mean[j];
  const out = matmul(tensor([N, D], centred), p.components, { transB: true });
  if (whiten) {
    const scale = Array.from({ length: k }, (_, c) => 1 / Math.sqrt(p.variances.get(c) + epsilon));
    for (let i = 0; i < N; i++) for (let c = 0; c < k; c++) out.data[i * k + c] *= scale[c];
  }
  return out;
}

/**
 * Makes the rows of a packed (m, D) tensor orthonormal (same span), returning the new tensor:
 * Cholesky QR twice (G = Q Q^T = L L^T, Q <- L^-1 Q), both big products through GEMM. Falls back
 * to modified Gram-Schmidt when G is too ill-conditioned for Cholesky.
 */
function orthonormalizeRows(Q: Tensor): Tensor {
  for (let pass = 0; pass < 2; pass++) {
    const m = Q.shape[0];
    const G = matmul(Q, Q, { transB: true });
    const Linv = invertedCholesky(G.data, m);
    if (Linv === null) return gramSchmidtRows(Q);
    Q = matmul(tensor([m, m], Linv), Q);
  }
  return Q;
}

/** L^-1 for the Cholesky factor L of a symmetric m x m matrix, or null if not positive definite. */
function invertedCholesky(g: Float64Array, m: number): Float64Array | null {
  const L = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    let d = g[j * m + j];
    for (let k = 0; k < j; k++) d -= L[j * m + k] * L[j * m + k];
    if (!(d > 1e-12 * Math.abs(g[j * m + j])) || !(d > 0)) return null;
    const ljj = Math.sqrt(d);
    L[j * m + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let v = g[i * m + j];
      for (let k = 0; k < j; k++) v -= L[i * m + k] * L[j * m + k];
      L[i * m + j] = v / ljj;
    }
  }
  // Forward substitution column by column: L X = I.
  const X = new Float64Array(m * m);
  for (let c = 0; c < m; c++) {
    for (let i = c; i < m; i++) {
      let v = i === c ? 1 : 0;
      for (let k = c; k < i; k++) v -= L[i * m + k] * X[k * m + c];
      X[i * m + c] = v / L[i * m + i];
    }
  }
  return X;
}

/** Modified Gram-Schmidt on the rows of a packed (m, D) tensor (the slow, sure fallback). */
function gramSchmidtRows(Q: Tensor): Tensor {
  const [m, D] = Q.shape;
  const q = Float64Array.from(Q.data);
  for (let r = 0; r < m; r++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let s = 0; s < r; s++) {
        let d = 0;
        for (let j = 0; j < D; j++) d += q[r * D + j] * q[s * D + j];
        for (let j = 0; j < D; j++) q[r * D + j] -= d * q[s * D + j];
      }
    }
    let norm = 0;
    for (let j = 0; j < D; j++) norm += q[r * D + j] * q[r * D + j];
    norm = Math.sqrt(norm);
    if (!(norm > 1e-300)) {
      throw new RangeError(
        `pca: the data has fewer than ${m} independent directions; ask for fewer components`,
      );
    }
    for (let j = 0; j < D; j++) q[r * D + j] /= norm;
  }
  return tensor([m, D], q);
}

/**
 * Eigen-decomposition of a symmetric m x m matrix (row-major) by cyclic Jacobi rotations.
 * Returns the eigenvalues and the eigenvectors as the columns of an m x m matrix.
 */
function jacobiEigen(a: Float64Array, m: number): [Float64Array, Float64Array] {
  const A = Float64Array.from(a);
  const V = new Float64Array(m * m);
  for (let i = 0; i < m; i++) V[i * m + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        total += A[i * m + j] * A[i * m + j];
        if (i !== j) off += A[i * m + j] * A[i * m + j];
      }
    }
    if (off <= 1e-30 * total) break;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = A[p * m + q];
        if (apq === 0) continue;
        const theta = (A[q * m + q] - A[p * m + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < m; r++) {
          const arp = A[r * m + p];
          const arq = A[r * m + q];
          A[r * m + p] = c * arp - s * arq;
          A[r * m + q] = s * arp + c * arq;
        }
        for (let r = 0; r < m; r++) {
          const apr = A[p * m + r];
          const aqr = A[q * m + r];
          A[p * m + r] = c * apr - s * aqr;
          A[q * m + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < m; r++) {
          const vrp = V[r * m + p];
          const vrq = V[r * m + q];
          V[r * m + p] = c * vrp - s * vrq;
          V[r * m + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const values = new Float64Array(m);
  for (let i = 0; i < m; i++) values[i] = A[i * m + i];
  return [values, V];
}
