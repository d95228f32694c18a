/**
 * lib/features.ts against the course's own features.py run by numpy
 * (test/fixtures/features/features.json, made by scripts/fixtures/make_features_fixtures.py), bad
 * input, and the worker-thread extractor against the calling-thread one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { type Tensor, tensor } from '../lib/core/tensor';
import {
  colorHistogramHsv,
  extractFeatures,
  extractFeaturesSync,
  hogFeature,
  rgb2gray,
} from '../lib/features';

interface Flat {
  shape: number[];
  data: Array<number | null>;
}
interface Case {
  name: string;
  image: Flat;
  gray: Flat;
  hog: Flat;
  hist: Array<{ nbin: number; xmin: number; xmax: number; normalized: boolean; values: Flat }>;
}
const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'features', 'features.json'), 'utf8'),
) as { cases: Case[]; extracted: Flat };

const asTensor = (f: Flat): Tensor => tensor(f.shape, Float64Array.from(f.data as number[]));

/** Largest absolute difference, failing on a shape mismatch. */
function maxDiff(ours: Tensor, numpy: Flat): number {
  expect(ours.shape).toEqual(numpy.shape);
  let worst = 0;
  const flat = ours.data.subarray(ours.offset, ours.offset + numpy.data.length);
  numpy.data.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(flat[i] - (v as number)));
  });
  return worst;
}

/** All fixture images as one (N, 32, 32, 3) tensor. */
function allImages(): Tensor {
  const n = fixture.cases.length;
  const out = new Float64Array(n * 3072);
  fixture.cases.forEach((c, k) => {
    out.set(c.image.data as number[], k * 3072);
  });
  return tensor([n, 32, 32, 3], out);
}

describe('feature functions equal features.py run by numpy', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: rgb2gray, hogFeature and colorHistogramHsv to 1e-10`, () => {
      const im = asTensor(c.image);
      expect(maxDiff(rgb2gray(im), c.gray)).toBeLessThan(1e-10);
      expect(maxDiff(hogFeature(im), c.hog)).toBeLessThan(1e-10);
      for (const h of c.hist) {
        if (h.values.data.some((v) => v === null)) {
          // numpy divides 0 by 0 here (no hue in [xmin, xmax]); we refuse instead of returning NaN.
          expect(() => colorHistogramHsv(im, h.nbin, h.xmin, h.xmax, h.normalized)).toThrow(
            /colorHistogramHsv: im: no pixel has a hue in \[xmin, xmax\]/,
          );
          continue;
        }
        const ours = colorHistogramHsv(im, h.nbin, h.xmin, h.xmax, h.normalized);
        expect(maxDiff(ours, h.values)).toBeLessThan(1e-10);
      }
    });
  }

  it('the grey levels are bit-for-bit numpy (its np.dot rounds as a fused multiply-add)', () => {
    for (const c of fixture.cases) {
      const g = rgb2gray(asTensor(c.image));
      expect(Array.from(g.data)).toEqual(c.gray.data);
    }
  });

  it('the flat and black images give an all-zero HOG and one full hue bin', () => {
    for (const name of ['flat_grey', 'black']) {
      const im = asTensor(fixture.cases.find((c) => c.name === name)!.image);
      expect(Array.from(hogFeature(im).data).every((v) => v === 0)).toBe(true);
      expect(Array.from(colorHistogramHsv(im).data)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }
  });

  it('works on strided views: the channels-first batch transposed to (N, H, W, 3)', () => {
    const x = allImages();
    const chw = tensor([x.shape[0], 3, 32, 32]);
    for (let n = 0; n < x.shape[0]; n++)
      for (let i = 0; i < 32; i++)
        for (let j = 0; j < 32; j++)
          for (let c = 0; c < 3; c++) chw.set(n, c, i, j, x.get(n, i, j, c));
    const view = chw.transpose(0, 2, 3, 1);
    const ours = extractFeaturesSync(view, [hogFeature, { name: 'colorHistogramHsv', nbin: 10 }], {
      progress: false,
    });
    expect(maxDiff(ours, fixture.extracted)).toBeLessThan(1e-10);
    expect(
      maxDiff(hogFeature(view.pick(2, null, null, null) as Tensor), fixture.cases[2].hog),
    ).toBeLessThan(1e-10);
  });
});

describe('extractFeatures', () => {
  const fns = [hogFeature, { name: 'colorHistogramHsv' as const, nbin: 10 }];

  it('matches the course extract_features on the fixture images', async () => {
    const ours = await extractFeatures(allImages(), fns, { progress: false });
    expect(maxDiff(ours, fixture.extracted)).toBeLessThan(1e-10);
  });

  it('worker threads give exactly the calling-thread result, in image order', async () => {
    // 300 images: the fixture images shifted and mixed, in chunks of 7 over 2 workers.
    const base = allImages();
    const n = 300;
    const x = tensor([n, 32, 32, 3]);
    for (let k = 0; k < n; k++) {
      const src = base.data.subarray((k % 7) * 3072, (k % 7) * 3072 + 3072);
      for (let p = 0; p < 3072; p++) x.data[k * 3072 + p] = (Math.floor(src[p]) + 37 * k + p) % 256;
    }
    const more = [...fns, { name: 'hogCells' as const, cellSize: 4, orientations: 6 }];
    const progress: number[] = [];
    const threaded = await extractFeatures(x, more, {
      workers: 2,
      chunkSize: 7,
      progress: (done) => progress.push(done),
    });
    const single = extractFeaturesSync(x, more, { progress: false });
    expect(threaded.shape).toEqual([n, 144 + 10 + 8 * 8 * 6]);
    expect(Array.from(threaded.data)).toEqual(Array.from(single.data));
    expect(progress[progress.length - 1]).toBe(n);
    expect(progress.every((v, i) => i === 0 || v > progress[i - 1])).toBe(true);
  });

  it('plain functions run on the calling thread, as the course loop does', async () => {
    const x = allImages();
    const ours = await extractFeatures(x, [hogFeature, (im: Tensor) => colorHistogramHsv(im, 10)], {
      progress: false,
    });
    expect(maxDiff(ours, fixture.extracted)).toBeLessThan(1e-10);
  });

  it('prints the course progress lines with verbose', () => {
    const x = tensor([2000, 32, 32, 3]);
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      extractFeaturesSync(x, [{ name: 'colorHistogramHsv' }], { verbose: true, progress: false });
    } finally {
      console.log = log;
    }
    expect(lines).toEqual([
      'Done extracting features for 1000 / 2000 images',
      'Done extracting features for 2000 / 2000 images',
    ]);
  });
});

describe('bad input', () => {
  const im = asTensor(fixture.cases[0].image);

  it('wrong shapes name the function, the argument and the shape', () => {
    expect(() => hogFeature(tensor([32, 32]))).toThrow(
      /hogFeature: im must have 3 dimensions, got shape \(32, 32\)/,
    );
    expect(() => hogFeature(tensor([3, 32, 32]))).toThrow(
      /hogFeature: im must be an RGB image of shape \(H, W, 3\), got shape \(3, 32, 32\)/,
    );
    expect(() => hogFeature(tensor([30, 30, 3]))).toThrow(
      /hogFeature: im must be square with a side that is a multiple of 8/,
    );
    expect(() => rgb2gray(tensor([4, 4, 4]))).toThrow(/rgb2gray: rgb must be an RGB image/);
    expect(() => colorHistogramHsv(ndarray(new Float32Array(12), [2, 2, 3]) as never)).toThrow(
      /colorHistogramHsv: im must be an ndarray over a Float64Array, got one over Float32Array/,
    );
    expect(() => extractFeaturesSync(tensor([2, 3, 32, 32]), [hogFeature])).toThrow(
      /extractFeaturesSync: imgs must be RGB images of shape \(N, H, W, 3\), got shape \(2, 3, 32, 32\) \(channels first\? use X.transpose\(0, 2, 3, 1\)\)/,
    );
  });

  it('non-finite pixels are refused with their position', async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const x = tensor([3, 32, 32, 3]);
      x.set(2, 5, 6, 1, bad);
      expect(() => hogFeature(x.pick(2, null, null, null) as Tensor)).toThrow(
        new RegExp(
          `hogFeature: im\\[0, 5, 6, 1\\] = ${bad} \\(shape \\(1, 32, 32, 3\\)\\): pixels must be finite`,
        ),
      );
      await expect(extractFeatures(x, [hogFeature], { workers: 2, chunkSize: 1 })).rejects.toThrow(
        new RegExp(
          `extractFeatures: imgs\\[2, 5, 6, 1\\] = ${bad} \\(shape \\(3, 32, 32, 3\\)\\): pixels must be finite`,
        ),
      );
    }
  });

  it('the hue histogram refuses pixels outside [0, xmax] and bad bins', () => {
    const x = tensor([32, 32, 3]);
    x.set(1, 2, 0, -3);
    expect(() => colorHistogramHsv(x)).toThrow(
      /colorHistogramHsv: im\[0, 1, 2, 0\] = -3 .*\[0, 255\]/,
    );
    x.set(1, 2, 0, 256);
    expect(() => colorHistogramHsv(x)).toThrow(/= 256 .*\[0, 255\]/);
    expect(colorHistogramHsv(x, 10, 0, 300).shape).toEqual([10]);
    expect(() => colorHistogramHsv(im, 0)).toThrow(
      /colorHistogramHsv: nbin must be an integer in \[1, 1024\], got 0/,
    );
    expect(() => colorHistogramHsv(im, 10, 255, 0)).toThrow(/xmin < xmax/);
  });

  it('feature functions: unknown specs and ragged outputs', () => {
    const x = allImages();
    expect(() => extractFeaturesSync(x, [{ name: 'sift' } as never])).toThrow(
      /featureFns\[0\] has unknown name "sift"/,
    );
    expect(() => extractFeaturesSync(x, [])).toThrow(/featureFns must be a non-empty array/);
    let k = 0;
    expect(() =>
      extractFeaturesSync(x, [() => tensor([1 + (k++ % 2)])], { progress: false }),
    ).toThrow(/featureFns\[0\] gave 2 values for image 1 but 1 for image 0/);
  });
});
