/**
 * The `blas` backend: a BLAS's `cblas_dgemm` through the small Node-API addon beside this file
 * (`blas.c`), built by scripts/build-backends.js against the OpenBLAS of PyPI's scipy-openblas32
 * wheel (in .venv), else the system BLAS (OpenBLAS on Linux, Accelerate on macOS). When the addon is
 * not built the loader returns null and the next backend is used.
 *
 * Threads: OpenBLAS's threads spin while they wait for work, so when other processes hold the
 * cores a threaded product of the net's size can take many times longer than on one thread (measured
 * here: 4x to 10x with the machine's load at 8 times its core count), while on a quiet machine two
 * threads are faster. {@link ThreadTuner} therefore measures both settings on the products
 * themselves, alternating, and keeps the faster one until the next measurement. The result does not
 * depend on the thread count (OpenBLAS splits C between threads, never the sum over k).
 * `CS231N_BLAS_THREADS=n` fixes the count instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LIB_DIR } from '../../core/runtime';
import { checkGatherArgs, checkGemmArgs, checkVectorArgs, checkWindowArgs } from '../checks';
import { col2imLoop, gatherLoop, im2colLoop } from '../js';
import type { ComputeBackend, WindowGeometry } from '../types';

/** The addon's exports (see blas.c beside this file). */
export interface BlasAddon {
  gemm: ComputeBackend['gemm'];
  axpy: ComputeBackend['axpy'];
  dot: ComputeBackend['dot'];
  info(): string;
  /** OpenBLAS's thread count, 0 when the library does not tell */
  threads(): number;
  /** sets OpenBLAS's thread count; false when the library has no such setting */
  setThreads(n: number): boolean;
  /** `dst[i, :] = src[rows[i], :]`, one memcpy per row */
  gatherRows: ComputeBackend['gatherRows'];
  /**
   * im2col of one image in C; the geometry as an Int32Array (channels, height, width, fieldHeight,
   * fieldWidth, stride, pad, outHeight, outWidth). Absent from builds before it existed.
   */
  im2colImage?(
    x: Float64Array,
    xOffset: number,
    geometry: Int32Array,
    cols: Float64Array,
    colsOffset: number,
    colsRowStride: number,
  ): void;
  /** col2im of one image in C, arguments as {@link ComputeBackend.col2imImage} with the geometry as above. */
  col2imImage?(
    cols: Float64Array,
    colsOffset: number,
    colsRowStride: number,
    geometry: Int32Array,
    dx: Float64Array,
    dxOffset: number,
  ): void;
}

/**
 * The addon: where `npm install` (scripts/build-backends.js) puts it, build/Release/ beside this
 * file, unless `CS231N_BLAS_ADDON` names another build (scripts/common/nodeLines.ts builds one per
 * Node line).
 */
export const blasAddonPath = process.env.CS231N_BLAS_ADDON
  ? path.resolve(process.env.CS231N_BLAS_ADDON)
  : path.join(LIB_DIR, 'kernels', 'blas', 'build', 'Release', 'cs231n_blas.node');

/** Products with fewer multiply-adds (m * n * k) than this are not timed (OpenBLAS runs them on one thread anyway below 64^3). */
export const TUNE_MIN_MNK = 2 ** 20;
/** Timed products per setting in one measurement, at most (each shape alternating between the settings). */
export const PROBE_CALLS = 6;
/** A measurement ends early once one setting is this many times slower than the other. */
export const CLEAR_RATIO = 1.5;
/** Products run with the chosen setting between two measurements: first, and at most (doubling while the choice holds). */
export const RUN_CALLS = [200, 3200] as const;

/** One product shape's timings in a measurement, per setting (index into the settings). */
interface ShapeProbe {
  calls: number;
  seconds: [number, number];
  work: [number, number];
}

/**
 * Chooses between one thread and `maxThreads` for large products by timing both on the products
 * the program runs, and measures again after a while, since the machine's load changes: after
 * {@link RUN_CALLS}[0] large products, twice as many each time the choice holds, up to
 * {@link RUN_CALLS}[1]. A measurement stops as soon as one setting is clearly slower, so that little
 * time is spent on the slow one.
 *
 * The settings are compared on equal terms: each product shape alternates between them on its own
 * (a net's step runs products of several shapes, whose time per multiply-add differs, so
 * alternating call by call compared a large product on one setting with a small one on the other),
 * the two are compared over the shapes timed on both, and the first product of each shape, which
 * also pays for OpenBLAS's first use of its buffers, is not timed. (Both had this tuner put a
 * FullyConnectedNet's step on one thread for most of a run on an idle machine, where two threads
 * are nearly twice as fast.)
 */
export class ThreadTuner {
  /** the setting in use between measurements */
  chosen: number;
  private readonly settings: number[];
  private current: number;
  private untilProbe = 0;
  private runLength: number = RUN_CALLS[0];
  private probeCalls = 0;
  private readonly probes = new Map<string, ShapeProbe>();
  private readonly seen = new Set<string>();

  /**
   * @param maxThreads the thread count OpenBLAS started with (> 1)
   * @param setThreads applies a thread count
   * @param clock milliseconds (tests pass a fake one)
   */
  constructor(
    maxThreads: number,
    private readonly setThreads: (n: number) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.settings = [maxThreads, 1]; // exactly two: estimate() and decide() compare the pair
    this.chosen = maxThreads;
    this.current = maxThreads;
  }

  /**
   * Runs `product` (of `mnk` multiply-adds) with the thread count in force.
   * @param shape names the product's shape (its dimensions and transposes); products of one shape
   *   are timed against each other (by default, those of equal `mnk`)
   */
  run(mnk: number, product: () => void, shape: string = String(mnk)): void {
    if (mnk < TUNE_MIN_MNK) {
      product();
      return;
    }
    if (this.untilProbe > 0 || !this.seen.has(shape)) {
      if (this.untilProbe > 0) this.untilProbe--;
      this.seen.add(shape);
      this.use(this.chosen);
      product();
      return;
    }
    const p = this.probes.get(shape) ?? { calls: 0, seconds: [0, 0], work: [0, 0] };
    this.probes.set(shape, p);
    const s = p.calls % 2;
    this.use(this.settings[s]);
    const t0 = this.clock();
    product();
    p.seconds[s] += this.clock() - t0;
    p.work[s] += mnk;
    p.calls++;
    this.probeCalls++;
    if (p.calls % 2 === 0) {
      const [a, b] = this.estimate();
      if (this.probeCalls >= PROBE_CALLS * 2 || Math.max(a, b) > CLEAR_RATIO * Math.min(a, b)) {
        this.decide(a, b);
      }
    }
  }

  /**
   * The time each setting would take for all the work timed so far, from its time per multiply-add
   * on each shape timed on both settings.
   */
  private estimate(): [number, number] {
    const total: [number, number] = [0, 0];
    for (const p of this.probes.values()) {
      if (p.work[0] === 0 || p.work[1] === 0) continue;
      const work = p.work[0] + p.work[1];
      total[0] += (p.seconds[0] / p.work[0]) * work;
      total[1] += (p.seconds[1] / p.work[1]) * work;
    }
    return total;
  }

  private decide(a: number, b: number): void {
    const next = this.settings[b < a ? 1 : 0];
    this.runLength =
      next === this.chosen ? Math.min(this.runLength * 2, RUN_CALLS[1]) : RUN_CALLS[0];
    this.chosen = next;
    this.probes.clear();
    this.probeCalls = 0;
    this.untilProbe = this.runLength;
  }

  private use(n: number): void {
    if (n !== this.current) {
      this.setThreads(n);
      this.current = n;
    }
  }
}

/**
 * Loads the addon, or returns null when it has not been built on this machine.
 * @param addonPath where the addon is (the build's output by default)
 * @throws the loader's own error (e.g. a missing libopenblas) when the file is there but does not load
 */
export function loadBlasBackend(addonPath: string = blasAddonPath): ComputeBackend | null {
  if (!fs.existsSync(addonPath)) return null;
  const mod = { exports: {} as BlasAddon };
  process.dlopen(mod, addonPath);
  return blasBackendOf(mod.exports);
}

/** The backend over a loaded addon, with the thread policy described at the top of this file. */
export function blasBackendOf(addon: BlasAddon): ComputeBackend {
  const fixed = process.env.CS231N_BLAS_THREADS;
  let threads = 'threads as the library sets them';
  let gemm = addon.gemm;
  if (fixed !== undefined && fixed !== '') {
    const n = Number(fixed);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`CS231N_BLAS_THREADS: expected a positive integer, got '${fixed}'`);
    }
    threads = addon.setThreads(n) ? `${n} thread(s) (CS231N_BLAS_THREADS)` : threads;
  } else {
    const max = addon.threads();
    if (max > 1 && addon.setThreads(max)) {
      const tuner = new ThreadTuner(max, (n) => addon.setThreads(n));
      threads = `1 or ${max} threads, whichever is measured faster`;
      gemm = (transA, transB, m, n, k, alpha, a, b, beta, c) => {
        const mnk = m * n * k;
        if (mnk < TUNE_MIN_MNK) {
          addon.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
          return;
        }
        tuner.run(
          mnk,
          () => addon.gemm(transA, transB, m, n, k, alpha, a, b, beta, c),
          `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m} ${n} ${k}`,
        );
      };
    }
  }
  // An addon built before gatherRows existed still loads (`npm install` rebuilds it).
  const gather = typeof addon.gatherRows === 'function' ? addon.gatherRows : gatherLoop;
  // The same argument checks as the other backends (and the same messages); blas.c checks again.
  return {
    name: 'blas',
    detail: `${addon.info()}; large products on ${threads}`,
    gemm(...args) {
      checkGemmArgs('blas', args);
      gemm(...args);
    },
    axpy(...args) {
      checkVectorArgs('blas', 'axpy', args);
      addon.axpy(...args);
    },
    dot(...args) {
      checkVectorArgs('blas', 'dot', args);
      return addon.dot(...args);
    },
    gatherRows(...args) {
      checkGatherArgs('blas', args);
      gather(...args);
    },
    im2colImage(x, xOffset, g, cols, colsOffset, colsRowStride) {
      checkWindowArgs('blas', 'im2colImage', x, xOffset, g, cols, colsOffset, colsRowStride);
      if (addon.im2colImage) {
        addon.im2colImage(x, xOffset, geometryArray(g), cols, colsOffset, colsRowStride);
      } else im2colLoop(x, xOffset, g, cols, colsOffset, colsRowStride);
    },
    col2imImage(cols, colsOffset, colsRowStride, g, dx, dxOffset) {
      checkWindowArgs('blas', 'col2imImage', dx, dxOffset, g, cols, colsOffset, colsRowStride);
      if (addon.col2imImage) {
        addon.col2imImage(cols, colsOffset, colsRowStride, geometryArray(g), dx, dxOffset);
      } else col2imLoop(cols, colsOffset, colsRowStride, g, dx, dxOffset);
    },
  };
}

/** The geometry as the addon reads it: nine 32-bit integers in {@link WindowGeometry}'s order. */
function geometryArray(g: WindowGeometry): Int32Array {
  return Int32Array.of(
    g.channels,
    g.height,
    g.width,
    g.fieldHeight,
    g.fieldWidth,
    g.stride,
    g.pad,
    g.outHeight,
    g.outWidth,
  );
}
