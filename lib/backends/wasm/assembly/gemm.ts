// AssemblyScript source of the `wasm` backend's float64 matrix multiply (compiled to
// lib/backends/wasm/build/gemm.wasm by `npm run build:wasm`).
//
// Row-major C = alpha * op(A) @ op(B) + beta * C over the imported (shared) memory. The caller
// (lib/backends/wasm/index.ts) places A, B and C in memory and splits C between threads; each thread
// calls `gemm` on its own block of C with its own packing buffers.
//
// Blocking follows GotoBLAS: a KC x NC slice of op(B) is packed into NR-wide column panels, an
// MC x KC block of op(A) into MR-tall row panels, and a 4x4 f64x2 micro-kernel multiplies one A
// panel by one B panel, keeping the 4x4 tile of C in eight v128 registers. The A panel stays in L1
// while the kernel walks the B panels of the slice (L2).

const MR: i32 = 4;
const NR: i32 = 4; // must equal MR: one packing routine (packPanels) serves both operands
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 512;

/** Bytes of the A packing buffer one thread needs. */
export function packABytes(): i32 {
  return MC * KC * 8;
}

/** Bytes of the B packing buffer one thread needs. */
export function packBBytes(): i32 {
  return KC * NC * 8;
}

/** Bytes of the edge-tile scratch one thread needs. */
export function tileBytes(): i32 {
  return MR * NR * 8;
}

/** First byte the caller may use for its own data. */
export function heapBase(): usize {
  return __heap_base;
}

// Packs a kc x width block of a matrix into W-wide panels (W = MR = NR): panel q holds, for each
// p in [0, kc), the W values X[p0 + p, q0 + q*W + r] (zero past the block's edge), where X is the
// logical (K x ...) operand. `alongRows` tells how X is stored in `src` with leading dimension ld:
// true: X[p, j] = src[p * ld + j] (the W values of one p are contiguous);
// false: X[p, j] = src[j * ld + p] (W rows of the storage are read side by side).
function packPanels(
  alongRows: bool,
  src: usize,
  ld: i32,
  p0: i32,
  q0: i32,
  kc: i32,
  width: i32,
  dst: usize,
): void {
  const W = MR;
  const ldBytes = <usize>ld * 8;
  for (let q = 0; q < width; q += W) {
    const valid = min(W, width - q);
    let d = dst + <usize>(q * kc) * 8;
    if (alongRows) {
      let s = src + (<usize>p0 * <usize>ld + <usize>(q0 + q)) * 8;
      if (valid === W) {
        for (let p = 0; p < kc; p++) {
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
          d += 32;
          s += ldBytes;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < W; r++) {
            store<f64>(d + <usize>r * 8, r < valid ? load<f64>(s + <usize>r * 8) : 0.0);
          }
          d += 32;
          s += ldBytes;
        }
      }
    } else {
      const base = src + (<usize>(q0 + q) * <usize>ld + <usize>p0) * 8;
      if (valid === W) {
        const s0 = base;
        const s1 = base + ldBytes;
        const s2 = base + 2 * ldBytes;
        const s3 = base + 3 * ldBytes;
        for (let p = 0; p < kc; p++) {
          const o = <usize>p * 8;
          store<f64>(d, load<f64>(s0 + o));
          store<f64>(d, load<f64>(s1 + o), 8);
          store<f64>(d, load<f64>(s2 + o), 16);
          store<f64>(d, load<f64>(s3 + o), 24);
          d += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = <usize>p * 8;
          for (let r = 0; r < W; r++) {
            store<f64>(
              d + <usize>r * 8,
              r < valid ? load<f64>(base + <usize>r * ldBytes + o) : 0.0,
            );
          }
          d += 32;
        }
      }
    }
  }
}

// Packs op(A)[i0 : i0 + mc, p0 : p0 + kc] into MR-tall panels. A is stored (K, M) when transA,
// so op(A)^T = A is read along rows; otherwise A is stored (M, K).
function packA(
  transA: bool,
  a: usize,
  m: i32,
  k: i32,
  i0: i32,
  p0: i32,
  mc: i32,
  kc: i32,
  dst: usize,
): void {
  packPanels(transA, a, transA ? m : k, p0, i0, kc, mc, dst);
}

// Packs op(B)[p0 : p0 + kc, j0 : j0 + nc] into NR-wide panels. B is stored (K, N) unless transB,
// when it is stored (N, K).
function packB(
  transB: bool,
  b: usize,
  n: i32,
  k: i32,
  p0: i32,
  j0: i32,
  kc: i32,
  nc: i32,
  dst: usize,
): void {
  packPanels(!transB, b, transB ? k : n, p0, j0, kc, nc, dst);
}

// a * b + c per lane. Built twice (scripts/build-backends.js): with relaxed SIMD enabled this is one
// fused multiply-add (relaxed_madd, a single rounding; faster where the CPU has FMA), else a
// multiply and an add. The loader picks the relaxed module where the runtime validates it.
// Small enough that -O3 inlines it into the micro-kernel.
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

// C[0:MR, 0:NR] (row stride ldc bytes) += alpha * Apanel @ Bpanel over kc steps. When the tile is
// partial (rows < MR or cols < NR) the product goes through `tile` and only the valid part is added.
function multiplyTile(
  kc: i32,
  pa: usize,
  pb: usize,
  c: usize,
  ldc: usize,
  alpha: f64,
  rows: i32,
  cols: i32,
  tile: usize,
): void {
  let c00 = f64x2.splat(0);
  let c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0);
  let c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0);
  let c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0);
  let c31 = f64x2.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load64_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load64_splat(pa, 8);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load64_splat(pa, 16);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load64_splat(pa, 24);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 32;
    pb += 32;
  }
  const al = f64x2.splat(alpha);
  if (rows === MR && cols === NR) {
    let r = c;
    v128.store(r, f64x2.add(v128.load(r), f64x2.mul(al, c00)));
    v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(al, c01)), 16);
    r += ldc;
    v128.store(r, f64x2.add(v128.load(r), f64x2.mul(al, c10)));
    v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(al, c11)), 16);
    r += ldc;
    v128.store(r, f64x2.add(v128.load(r), f64x2.mul(al, c20)));
    v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(al, c21)), 16);
    r += ldc;
    v128.store(r, f64x2.add(v128.load(r), f64x2.mul(al, c30)));
    v128.store(r, f64x2.add(v128.load(r, 16), f64x2.mul(al, c31)), 16);
    return;
  }
  v128.store(tile, f64x2.mul(al, c00));
  v128.store(tile, f64x2.mul(al, c01), 16);
  v128.store(tile, f64x2.mul(al, c10), 32);
  v128.store(tile, f64x2.mul(al, c11), 48);
  v128.store(tile, f64x2.mul(al, c20), 64);
  v128.store(tile, f64x2.mul(al, c21), 80);
  v128.store(tile, f64x2.mul(al, c30), 96);
  v128.store(tile, f64x2.mul(al, c31), 112);
  for (let i = 0; i < rows; i++) {
    const ci = c + <usize>i * ldc;
    const ti = tile + <usize>(i * NR) * 8;
    for (let j = 0; j < cols; j++) {
      const o = <usize>j * 8;
      store<f64>(ci + o, load<f64>(ci + o) + load<f64>(ti + o));
    }
  }
}

/**
 * Computes the block C[i0:i1, j0:j1] of `C = alpha * op(A) @ op(B) + beta * C` (all row-major,
 * packed: A is (M, K) or, with transA, (K, M); B is (K, N) or, with transB, (N, K); C is (M, N)).
 * `work` points at this thread's scratch: packABytes() + packBBytes() + tileBytes() bytes.
 */
export function gemm(
  transA: bool,
  transB: bool,
  m: i32,
  n: i32,
  k: i32,
  alpha: f64,
  a: usize,
  b: usize,
  beta: f64,
  c: usize,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  work: usize,
): void {
  const ldc = <usize>n * 8;
  // C block *= beta (beta == 0 overwrites, so NaN in C does not leak through).
  if (beta !== 1.0) {
    for (let i = i0; i < i1; i++) {
      const row = c + <usize>i * ldc;
      for (let j = j0; j < j1; j++) {
        const o = <usize>j * 8;
        store<f64>(row + o, beta === 0.0 ? 0.0 : beta * load<f64>(row + o));
      }
    }
  }
  if (k === 0 || alpha === 0.0) return;
  const pa = work;
  const pb = work + <usize>packABytes();
  const tile = pb + <usize>packBBytes();
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(transB, b, n, k, pc, jc, kc, nc, pb);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        packA(transA, a, m, k, ic, pc, mc, kc, pa);
        for (let ir = 0; ir < mc; ir += MR) {
          const rows = min(MR, mc - ir);
          const aPanel = pa + <usize>(ir * kc) * 8;
          for (let jr = 0; jr < nc; jr += NR) {
            const cols = min(NR, nc - jr);
            const cTile = c + <usize>(ic + ir) * ldc + <usize>(jc + jr) * 8;
            multiplyTile(
              kc,
              aPanel,
              pb + <usize>(jr * kc) * 8,
              cTile,
              ldc,
              alpha,
              rows,
              cols,
              tile,
            );
          }
        }
      }
    }
  }
}
