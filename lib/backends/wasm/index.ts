/**
 * The `wasm` backend: the WebAssembly SIMD (f64x2) GEMM compiled from `assembly/gemm.ts` (beside this file) into
 * `lib/backends/wasm/build/gemm.wasm` by `npm run build:wasm` (also run at `npm install`). Nothing is
 * built at run time: without the .wasm file the loader returns null and the next backend is used.
 *
 * The build also makes `gemm-relaxed.wasm`, the same GEMM with relaxed SIMD's fused multiply-add
 * (`f64x2.relaxed_madd`). The loader uses it where the runtime validates it (Node 22 and later, or
 * Node 20 with `--experimental-wasm-relaxed-simd`), else `gemm.wasm`; `CS231N_WASM_RELAXED=0` keeps
 * `gemm.wasm` everywhere.
 *
 * Operands are copied into one shared `WebAssembly.Memory` that lives as long as the process (it only
 * grows), so no allocation happens per call. Products of at least {@link PARALLEL_FLOPS}
 * floating-point operations are split in two: the calling thread computes one half of C while a
 * worker thread, instantiated on the same memory, computes the other. The worker waits on an
 * `Atomics` flag, is `unref()`ed, and never keeps the process alive.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { LIB_DIR } from '../../core/runtime';
import { checkGemmArgs } from '../checks';
import { checkedLoops, gemmLoops } from '../js';
import type { ComputeBackend } from '../types';

/** Where the build puts the modules: build/ beside this file. */
const BUILD_DIR = path.join(LIB_DIR, 'backends', 'wasm', 'build');

/** The GEMM's wasm module. */
export const wasmModulePath = path.join(BUILD_DIR, 'gemm.wasm');
/** The relaxed-SIMD build of the same GEMM (fused multiply-add). */
export const wasmRelaxedModulePath = path.join(BUILD_DIR, 'gemm-relaxed.wasm');

/** Products with `2 * m * n * k` below this run on the calling thread only. */
export const PARALLEL_FLOPS = 4e6;

const PAGE = 65536;
/** The module declares a shared memory of at most 65536 pages (4 GiB), the wasm32 limit. */
const MAX_PAGES = 65536;
/** Rows/columns of C are split between threads on multiples of the micro-kernel tile (4 x 4). */
const TILE = 4;

// The few WebAssembly JS API members used here (the project's TS lib has no DOM types).
interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface GemmExports {
  gemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    b: number,
    beta: number,
    c: number,
    i0: number,
    i1: number,
    j0: number,
    j1: number,
    work: number,
  ): void;
  packABytes(): number;
  packBBytes(): number;
  tileBytes(): number;
  heapBase(): number;
}

// Control block (Int32 slots) shared with the worker.
const JOB = 0; // sequence number of the last job posted (main writes)
const DONE = 1; // sequence number of the last job finished (worker writes)
const READY = 2; // 1 once the worker has instantiated the module
const FAILED = 3; // 1 if the worker hit an error
const ARGS = 4; // transA, transB, m, n, k, a, b, c, byRows, chunk, work (11 slots); -1 in transA = quit
const NEXT = 16; // index of the next chunk of C to take (both threads take chunks with Atomics.add)
const FLOAT_ARGS_BYTE = 128; // alpha, beta as float64
const CONTROL_BYTES = 256;

/** The worker's source (CommonJS, run with `eval: true` so no file has to be resolved). */
const workerSource = `
const { workerData } = require('worker_threads');
const { wasmModule, memory, controlByte } = workerData;
const ctrl = new Int32Array(memory.buffer, controlByte, ${CONTROL_BYTES / 4});
const fargs = new Float64Array(memory.buffer, controlByte + ${FLOAT_ARGS_BYTE}, 2);
let gemm;
try {
  gemm = new WebAssembly.Instance(wasmModule, { env: { memory } }).exports.gemm;
  Atomics.store(ctrl, ${READY}, 1);
} catch (e) {
  Atomics.store(ctrl, ${FAILED}, 1);
  throw e;
}
let seen = Atomics.load(ctrl, ${JOB});
for (;;) {
  Atomics.wait(ctrl, ${JOB}, seen);
  const job = Atomics.load(ctrl, ${JOB});
  if (job === seen) continue;
  seen = job;
  const g = ${ARGS};
  if (ctrl[g] === -1) break;
  try {
    const m = ctrl[g + 2], n = ctrl[g + 3], byRows = ctrl[g + 8], chunk = ctrl[g + 9];
    const len = byRows ? m : n;
    for (let lo = Atomics.add(ctrl, ${NEXT}, 1) * chunk; lo < len; lo = Atomics.add(ctrl, ${NEXT}, 1) * chunk) {
      const hi = Math.min(len, lo + chunk);
      gemm(ctrl[g], ctrl[g + 1], m, n, ctrl[g + 4], fargs[0], ctrl[g + 5], ctrl[g + 6], fargs[1],
        ctrl[g + 7], byRows ? lo : 0, byRows ? hi : m, byRows ? 0 : lo, byRows ? n : hi, ctrl[g + 10]);
    }
  } catch (e) {
    Atomics.store(ctrl, ${FAILED}, 1);
  }
  Atomics.store(ctrl, ${DONE}, job);
  Atomics.notify(ctrl, ${DONE});
}
`;

function alignUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}

/** The engine: one shared memory, the main thread's instance, and (lazily) one worker. */
class WasmGemm {
  private readonly memory: WasmMemory;
  private readonly wasm: GemmExports;
  private readonly control: Int32Array;
  private readonly floatArgs: Float64Array;
  private readonly controlByte: number;
  private readonly work: [number, number];
  private readonly dataByte: number;
  private heap: Float64Array;
  private worker: Worker | null = null;
  private workerFailed = false;
  private seq = 0;

  constructor(private readonly wasmModule: WasmModule) {
    this.memory = new WA.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
    const instance = new WA.Instance(wasmModule, { env: { memory: this.memory } });
    this.wasm = instance.exports as unknown as GemmExports;
    this.controlByte = alignUp(this.wasm.heapBase(), 64);
    const workBytes = alignUp(
      this.wasm.packABytes() + this.wasm.packBBytes() + this.wasm.tileBytes(),
      64,
    );
    const work0 = this.controlByte + CONTROL_BYTES;
    this.work = [work0, work0 + workBytes];
    this.dataByte = work0 + 2 * workBytes;
    this.ensureBytes(this.dataByte);
    this.control = new Int32Array(this.memory.buffer, this.controlByte, CONTROL_BYTES / 4);
    this.floatArgs = new Float64Array(this.memory.buffer, this.controlByte + FLOAT_ARGS_BYTE, 2);
    this.heap = new Float64Array(this.memory.buffer);
  }

  /** Grows the memory to hold `bytes`; false if that exceeds the 4 GiB limit. */
  private ensureBytes(bytes: number): boolean {
    const pages = Math.ceil(bytes / PAGE);
    const have = this.memory.buffer.byteLength / PAGE;
    if (pages > MAX_PAGES) return false;
    if (pages > have) {
      this.memory.grow(pages - have);
      this.heap = new Float64Array(this.memory.buffer);
    }
    return true;
  }

  /** Starts the worker on first use; true once it is ready to take jobs. */
  workerReady(): boolean {
    if (this.workerFailed) return false;
    if (this.worker === null) {
      try {
        this.worker = new Worker(workerSource, {
          eval: true,
          workerData: {
            wasmModule: this.wasmModule,
            memory: this.memory,
            controlByte: this.controlByte,
          },
        });
        this.worker.unref();
        this.worker.on('error', () => {
          this.workerFailed = true;
        });
      } catch {
        this.workerFailed = true;
        return false;
      }
    }
    if (Atomics.load(this.control, FAILED) === 1) this.workerFailed = true;
    return !this.workerFailed && Atomics.load(this.control, READY) === 1;
  }

  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float64Array,
    b: Float64Array,
    beta: number,
    c: Float64Array,
  ): void {
    if (m === 0 || n === 0) return;
    const aBytes = alignUp(m * k * 8, 64);
    const bBytes = alignUp(k * n * 8, 64);
    const aByte = this.dataByte;
    const bByte = aByte + aBytes;
    const cByte = bByte + bBytes;
    if (!this.ensureBytes(cByte + m * n * 8)) {
      // Larger than the 4 GiB wasm32 memory: the reference loops still give the right answer.
      gemmLoops(transA, transB, m, n, k, alpha, a, b, beta, c);
      return;
    }
    const heap = this.heap;
    heap.set(a.length === m * k ? a : a.subarray(0, m * k), aByte / 8);
    heap.set(b.length === k * n ? b : b.subarray(0, k * n), bByte / 8);
    if (beta !== 0) heap.set(c.length === m * n ? c : c.subarray(0, m * n), cByte / 8);
    const ta = transA ? 1 : 0;
    const tb = transB ? 1 : 0;
    const block = (i0: number, i1: number, j0: number, j1: number, work: number) =>
      this.wasm.gemm(ta, tb, m, n, k, alpha, aByte, bByte, beta, cByte, i0, i1, j0, j1, work);
    const parallel = 2 * m * n * k >= PARALLEL_FLOPS && (m >= 2 * TILE || n >= 2 * TILE);
    if (!parallel || !this.workerReady()) {
      block(0, m, 0, n, this.work[0]);
    } else {
      // C is cut along its longer side into chunks that both threads take in turn (so a thread
      // that the OS preempts does less of the work); each chunk packs the operand they share.
      const byRows = m >= n;
      const len = byRows ? m : n;
      const chunk = alignUp(len / (len >= 16 * TILE ? 4 : 2), TILE);
      const ctrl = this.control;
      const args = [ta, tb, m, n, k, aByte, bByte, cByte, byRows ? 1 : 0, chunk, this.work[1]];
      for (let i = 0; i < args.length; i++) ctrl[ARGS + i] = args[i];
      this.floatArgs[0] = alpha;
      this.floatArgs[1] = beta;
      Atomics.store(ctrl, NEXT, 0);
      const job = ++this.seq;
      Atomics.store(ctrl, JOB, job);
      Atomics.notify(ctrl, JOB);
      for (
        let lo = Atomics.add(ctrl, NEXT, 1) * chunk;
        lo < len;
        lo = Atomics.add(ctrl, NEXT, 1) * chunk
      ) {
        const hi = Math.min(len, lo + chunk);
        if (byRows) block(lo, hi, 0, n, this.work[0]);
        else block(0, m, lo, hi, this.work[0]);
      }
      while (Atomics.load(ctrl, DONE) !== job) Atomics.wait(ctrl, DONE, job - 1, 1000);
      if (Atomics.load(ctrl, FAILED) === 1) {
        // A chunk of the worker's was lost: redo the whole product here, on one thread from now on.
        this.workerFailed = true;
        if (beta !== 0) heap.set(c.length === m * n ? c : c.subarray(0, m * n), cByte / 8);
        block(0, m, 0, n, this.work[0]);
      }
    }
    c.set(heap.subarray(cByte / 8, cByte / 8 + m * n));
  }

  threads(): number {
    return this.workerFailed ? 1 : 2;
  }
}

let engine: WasmGemm | null = null;

/** Loads the compiled module, or returns null when `npm run build:wasm` has not been run. */
export function loadWasmBackend(): ComputeBackend | null {
  if (!fs.existsSync(wasmModulePath)) return null;
  if (engine === null) {
    const relaxed = relaxedModuleBytes();
    engine = new WasmGemm(new WA.Module(relaxed ?? fs.readFileSync(wasmModulePath)));
    engineRelaxed = relaxed !== null;
  }
  const e = engine;
  return {
    name: 'wasm',
    detail: `WebAssembly SIMD f64x2 4x4 micro-kernel${engineRelaxed ? ' with relaxed-SIMD fused multiply-add' : ' (multiply, add)'}, packed panels, ${e.threads()} threads (worker for products >= ${PARALLEL_FLOPS / 1e6} MFLOP)`,
    gemm(...args) {
      checkGemmArgs('wasm', args);
      e.gemm(...args);
    },
    // Vector operations and im2col are memory-bound: a copy into wasm memory would cost as much as
    // the loop.
    ...checkedLoops('wasm'),
  };
}

let engineRelaxed = false;

/** The relaxed-SIMD module's bytes when it is built, wanted, and valid on this runtime; else null. */
function relaxedModuleBytes(): Uint8Array | null {
  if (process.env.CS231N_WASM_RELAXED === '0' || !fs.existsSync(wasmRelaxedModulePath)) return null;
  const bytes = fs.readFileSync(wasmRelaxedModulePath);
  return WA.validate(bytes) ? bytes : null;
}

/**
 * Starts the worker thread now instead of at the first large product, and resolves once it takes
 * work (true) or could not start (false). Products run correctly either way; this is for tests and
 * benchmarks that want the two-thread path from the first call.
 */
export async function startWasmWorker(timeoutMs = 10_000): Promise<boolean> {
  if (loadWasmBackend() === null || engine === null) return false;
  const e = engine;
  const until = Date.now() + timeoutMs;
  while (!e.workerReady()) {
    if (e.threads() === 1 || Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}
