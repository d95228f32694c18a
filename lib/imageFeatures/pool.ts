/**
 * Feature extraction on worker threads. The main thread packs chunks of images into fresh
 * `Float64Array`s and hands them over (transferred, not copied) to the workers, which run the
 * pixel operations of `pixelOps.ts` (their source text is the worker's code) and hand the feature
 * rows back. Each worker keeps two chunks queued so it never waits for the main thread.
 */
import { Worker } from 'node:worker_threads';
import { type FeatureSpec, featuresInto, PIXEL_OP_FUNCTIONS } from './pixelOps';

/**
 * The worker's program. `__name` is a no-op stand-in for the helper some TypeScript transpilers
 * (esbuild with keepNames) insert into function bodies.
 */
const workerSource = `
var __name = function (target) { return target; };
${PIXEL_OP_FUNCTIONS.map((f) => f.toString()).join('\n')}
const { parentPort, workerData } = require('worker_threads');
const { specs, H, W, dim } = workerData;
parentPort.on('message', (job) => {
  try {
    const out = new Float64Array(job.count * dim);
    const empty = featuresInto(specs, job.pixels, 0, job.count, H, W, dim, out, 0);
    parentPort.postMessage({ first: job.first, count: job.count, out, empty }, [out.buffer]);
  } catch (e) {
    parentPort.postMessage({ first: job.first, error: String(e && e.stack || e) });
  }
});
`;

/** What the pool needs to know about the images and the features. */
export interface PoolTask {
  /** number of images */
  n: number;
  H: number;
  W: number;
  specs: FeatureSpec[];
  /** length of one image's feature row */
  dim: number;
  /** writes images `first .. first + count - 1` packed (H, W, 3) into `into` (checking them) */
  pack: (first: number, count: number, into: Float64Array) => void;
  /** worker threads */
  workers: number;
  /** images per chunk */
  chunk: number;
  /** called after each finished chunk with the images done so far */
  onProgress: (done: number) => void;
}

interface ResultMessage {
  first: number;
  count: number;
  out?: Float64Array;
  empty?: number;
  error?: string;
}

/**
 * Runs `featuresInto` over all images on `task.workers` threads. Resolves with the (n, dim)
 * features, row-major, and the index of the first image with an empty normalised hue histogram
 * (-1 if none); rejects when packing throws or a worker fails. Workers are always terminated.
 */
export async function extractOnWorkers(
  task: PoolTask,
): Promise<{ out: Float64Array; empty: number }> {
  const { n, H, W, specs, dim, pack, chunk, onProgress } = task;
  const out = new Float64Array(n * dim);
  const numChunks = Math.ceil(n / chunk);
  const numWorkers = Math.max(1, Math.min(task.workers, numChunks));
  const pool: Worker[] = [];
  let next = 0;
  let done = 0;
  let finishedChunks = 0;
  let empty = -1;
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (err: Error) => {
        if (!failed) {
          failed = true;
          reject(err);
        }
      };
      const send = (w: Worker): void => {
        if (failed || next >= numChunks) return;
        const first = next * chunk;
        const count = Math.min(chunk, n - first);
        next += 1;
        const pixels = new Float64Array(count * H * W * 3);
        try {
          pack(first, count, pixels);
        } catch (err) {
          fail(err as Error);
          return;
        }
        w.postMessage({ first, count, pixels }, [pixels.buffer]);
      };
      for (let i = 0; i < numWorkers; i++) {
        const w = new Worker(workerSource, { eval: true, workerData: { specs, H, W, dim } });
        pool.push(w);
        w.on('error', (err) => fail(new Error(`extractFeatures: a worker thread failed: ${err}`)));
        w.on('message', (msg: ResultMessage) => {
          if (msg.error !== undefined || msg.out === undefined) {
            fail(new Error(`extractFeatures: a worker thread failed: ${msg.error}`));
            return;
          }
          out.set(msg.out, msg.first * dim);
          if (msg.empty !== undefined && msg.empty >= 0) {
            const at = msg.first + msg.empty;
            if (empty < 0 || at < empty) empty = at;
          }
          done += msg.count;
          finishedChunks += 1;
          try {
            onProgress(done);
          } catch (err) {
            fail(err as Error);
            return;
          }
          if (finishedChunks === numChunks) resolve();
          else send(w);
        });
      }
      // Two chunks in flight per worker: one being computed, one waiting.
      for (let round = 0; round < 2; round++) for (const w of pool) send(w);
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return { out, empty };
}

/** The same work on the calling thread (the reference the worker path is tested against). */
export function extractOnThisThread(task: Omit<PoolTask, 'workers'>): {
  out: Float64Array;
  empty: number;
} {
  const { n, H, W, specs, dim, pack, chunk, onProgress } = task;
  const out = new Float64Array(n * dim);
  let empty = -1;
  const pixels = new Float64Array(Math.min(chunk, n) * H * W * 3);
  for (let first = 0; first < n; first += chunk) {
    const count = Math.min(chunk, n - first);
    pack(first, count, pixels);
    const e = featuresInto(specs, pixels, 0, count, H, W, dim, out, first);
    if (e >= 0 && empty < 0) empty = first + e;
    onProgress(first + count);
  }
  return { out, empty };
}
