/**
 * lib/imageFeatures/pool.ts: the worker threads give exactly the calling thread's features, in
 * image order whatever order the chunks finish in, report progress per chunk, find the first image
 * with an empty normalised hue histogram, and pass a packing error on.
 */
import { describe, expect, it } from 'vitest';
import type { FeatureSpec } from '../../lib/imageFeatures/pixelOps';
import { extractOnThisThread, extractOnWorkers } from '../../lib/imageFeatures/pool';

const H = 8;
const W = 8;
const N = 7;
// HOG (9 numbers) and a 2-bin normalised hue histogram over [100, 255]
const specs: FeatureSpec[] = [
  { name: 'hogFeature' },
  { name: 'colorHistogramHsv', nbin: 2, xmin: 100 },
];
const dim = 11;

/** Images 0..3 are pure blue (hue 170, in range); images 4..6 grey ramps of slope i (hue 0, out of range). */
function pack(first: number, count: number, into: Float64Array): void {
  for (let n = 0; n < count; n++) {
    const i = first + n;
    for (let p = 0; p < H * W; p++) {
      const at = (n * H * W + p) * 3;
      if (i < 4) into.set([0, 0, 255], at);
      else into.fill(i * (p % W), at, at + 3);
    }
  }
}

function task(onProgress: (done: number) => void) {
  return { n: N, H, W, specs, dim, pack, chunk: 2, onProgress };
}

describe('extractOnThisThread', () => {
  it('computes every image in order and reports progress after each chunk', () => {
    const progress: number[] = [];
    const { out, empty } = extractOnThisThread(task((d) => progress.push(d)));
    expect(progress).toEqual([2, 4, 6, 7]);
    expect(empty).toBe(4);
    // a flat blue image: no gradient, every pixel in the first hue bin (170 in [100, 177.5))
    expect(Array.from(out.subarray(0, dim))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    // a grey ramp of slope i: the 90-degree HOG bin holds 56 gradients of 1.03 i over 64 pixels
    for (const i of [4, 6]) expect(out[i * dim + 4]).toBeCloseTo((1.03 * i * 56) / 64, 12);
  });
});

describe('extractOnWorkers', () => {
  it('gives exactly the calling-thread result on two workers', async () => {
    const reference = extractOnThisThread(task(() => {}));
    const progress: number[] = [];
    const got = await extractOnWorkers({ ...task((d) => progress.push(d)), workers: 2 });
    expect(got.empty).toBe(reference.empty);
    expect(Array.from(got.out)).toEqual(Array.from(reference.out));
    expect(progress).toHaveLength(4);
    expect(progress.at(-1)).toBe(N);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('rejects with the packing error', async () => {
    const failing = {
      ...task(() => {}),
      pack: (first: number) => {
        if (first >= 4) throw new RangeError(`bad image ${first}`);
      },
      workers: 2,
    };
    await expect(extractOnWorkers(failing)).rejects.toThrow('bad image 4');
  });

  it('rejects when the progress callback throws', async () => {
    const throwing = {
      ...task(() => {
        throw new Error('stop');
      }),
      workers: 1,
    };
    await expect(extractOnWorkers(throwing)).rejects.toThrow('stop');
  });
});
