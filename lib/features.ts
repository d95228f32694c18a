/**
 * Image features (mirrors the assignment's `cs231n/features.py`): grey levels, a histogram of
 * oriented gradients (HOG) and a hue histogram of one image, and `extractFeatures` to run several
 * feature functions over many images, on worker threads.
 *
 * Images are (H, W, 3) tensors as in the course (rows, columns, RGB channels), with values in
 * 0..255. The CIFAR-10 loader gives (N, 3, 32, 32); `X.transpose(0, 2, 3, 1)` is the (N, 32, 32, 3)
 * view of the same data (no copy). The arithmetic is the course's, operation by operation (see
 * `imageFeatures/pixelOps.ts`), so values agree with a numpy run of `features.py` to rounding.
 */
import * as os from 'node:os';
import ndarray from 'ndarray';
import { checkTensor, formatShape, type Tensor, tensor } from './core/tensor';
import { type FeatureSpec, featuresInto, grayInto, specLength } from './imageFeatures/pixelOps';
import { extractOnThisThread, extractOnWorkers } from './imageFeatures/pool';
import { progressReporter } from './imageFeatures/progress';

export type { FeatureSpec } from './imageFeatures/pixelOps';

/**
 * A feature function: a spec (`{ name: 'colorHistogramHsv', nbin: 10 }`, `hogFeature` itself, ...)
 * that `extractFeatures` can run on worker threads, or any function from one (H, W, 3) image to a
 * 1-D feature vector of fixed length (run on the calling thread).
 */
export type FeatureFn = FeatureSpec | ((im: Tensor) => Tensor);

const MAX_BINS = 1024;

/** Checks one image: a (H, W, 3) float64 tensor of finite values. Returns H and W. */
function checkImage(fn: string, arg: string, im: unknown): [number, number] {
  const t = checkTensor(fn, arg, im, 3);
  const [H, W, C] = t.shape;
  if (C !== 3 || H < 1 || W < 1) {
    throw new RangeError(
      `${fn}: ${arg} must be an RGB image of shape (H, W, 3), got shape ${formatShape(t.shape)}`,
    );
  }
  return [H, W];
}

/** Checks that H = W is a multiple of 8, as the course's HOG needs. */
function checkHogSize(fn: string, arg: string, shape: readonly number[], H: number, W: number) {
  if (H !== W || H % 8 !== 0) {
    throw new RangeError(
      `${fn}: ${arg} must be square with a side that is a multiple of 8 (8x8-pixel cells), got shape ${formatShape(shape)}`,
    );
  }
}

/** Copies images `first .. first+count-1` of (N, H, W, 3) `x` packed into `into`, checking them. */
function packImages(
  fn: string,
  arg: string,
  x: Tensor,
  first: number,
  count: number,
  into: Float64Array,
  maxValue: number,
): void {
  const [, H, W] = x.shape;
  const [s0, s1, s2, s3] = x.stride;
  const data = x.data;
  let k = 0;
  for (let n = first; n < first + count; n++) {
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        const base = x.offset + n * s0 + i * s1 + j * s2;
        for (let c = 0; c < 3; c++) {
          const v = data[base + c * s3];
          if (!Number.isFinite(v) || v < 0 || v > maxValue) {
            throw new RangeError(pixelError(fn, arg, x.shape, [n, i, j, c], v, maxValue));
          }
          into[k++] = v;
        }
      }
    }
  }
}

function pixelError(
  fn: string,
  arg: string,
  shape: readonly number[],
  at: number[],
  v: number,
  maxValue: number,
): string {
  const where = `${arg}[${at.join(', ')}] = ${v} (shape ${formatShape(shape)})`;
  if (!Number.isFinite(v)) return `${fn}: ${where}: pixels must be finite`;
  return `${fn}: ${where}: the hue histogram needs pixels in [0, xmax] = [0, ${maxValue}] (matplotlib's rgb_to_hsv takes im / xmax in [0, 1])`;
}

/** The image as a (1, H, W, 3) view over the same data (for the packing routine). */
function tensorView(im: Tensor): Tensor {
  return ndarray(im.data, [1, ...im.shape], [0, ...im.stride], im.offset) as Tensor;
}

/**
 * Converts an RGB image to grey levels, like the course's `rgb2gray`: `0.299 r + 0.587 g +
 * 0.144 b` (the course's weights, including its 0.144 for blue), rounded as numpy's `np.dot` does.
 *
 * @param rgb image (H, W, 3)
 * @returns grey image (H, W)
 * @throws TypeError / RangeError naming `rgb2gray` for a wrong shape or a non-finite pixel
 */
export function rgb2gray(rgb: Tensor): Tensor {
  const [H, W] = checkImage('rgb2gray', 'rgb', rgb);
  const pixels = new Float64Array(H * W * 3);
  packImages('rgb2gray', 'rgb', tensorView(rgb), 0, 1, pixels, Number.POSITIVE_INFINITY);
  const gray = new Float64Array(H * W);
  grayInto(pixels, 0, H * W, gray);
  return tensor([H, W], gray);
}

/** Runs one spec on one checked image. */
function runSpec(fn: string, spec: FeatureSpec, im: Tensor, maxValue: number): Tensor {
  const [H, W] = im.shape;
  const pixels = new Float64Array(H * W * 3);
  packImages(fn, 'im', tensorView(im), 0, 1, pixels, maxValue);
  const dim = specLength(spec, H, W);
  const out = new Float64Array(dim);
  const empty = featuresInto([spec], pixels, 0, 1, H, W, dim, out, 0);
  if (empty >= 0) throw new RangeError(emptyHistogramError(fn, 'im', spec));
  return tensor([dim], out);
}

function emptyHistogramError(fn: string, arg: string, spec: FeatureSpec): string {
  const s = spec as { xmin?: number; xmax?: number };
  return `${fn}: ${arg}: no pixel has a hue in [xmin, xmax] = [${s.xmin ?? 0}, ${s.xmax ?? 255}], so the normalised histogram would be 0/0`;
}

/**
 * Histogram of oriented gradients of one image, the course's `hog_feature`: grey levels,
 * forward-difference gradients, 9 orientation bins of 20 degrees, and the mean gradient magnitude
 * per bin over each 8x8-pixel cell. Ordered as the course's code orders it: cell column, cell row,
 * bin. Like the course's code, only orientations in (0, 180) degrees count (about half of the
 * gradients: those pointing right).
 *
 * @param im image (H, W, 3) with H = W a multiple of 8, e.g. (32, 32, 3)
 * @returns features ((H/8) * (W/8) * 9,): (144,) for 32x32 images
 * @throws TypeError / RangeError naming `hogFeature` for a wrong shape or a non-finite pixel
 */
export function hogFeature(im: Tensor): Tensor {
  const [H, W] = checkImage('hogFeature', 'im', im);
  checkHogSize('hogFeature', 'im', im.shape, H, W);
  return runSpec('hogFeature', { name: 'hogFeature' }, im, Number.POSITIVE_INFINITY);
}

function checkHistogramArgs(
  fn: string,
  nbin: number,
  xmin: number,
  xmax: number,
  normalized: boolean,
): void {
  if (!Number.isInteger(nbin) || nbin < 1 || nbin > MAX_BINS) {
    throw new RangeError(`${fn}: nbin must be an integer in [1, ${MAX_BINS}], got ${nbin}`);
  }
  if (!Number.isFinite(xmin) || !Number.isFinite(xmax) || !(xmax > xmin) || !(xmax > 0)) {
    throw new RangeError(
      `${fn}: xmin and xmax must be finite with xmin < xmax and xmax > 0, got xmin ${xmin}, xmax ${xmax}`,
    );
  }
  if (typeof normalized !== 'boolean') {
    throw new TypeError(`${fn}: normalized must be true or false, got ${String(normalized)}`);
  }
}

/**
 * Hue histogram of one image, the course's `color_histogram_hsv`: the image divided by `xmax` goes
 * to HSV as matplotlib's `rgb_to_hsv` does, the hue (times `xmax`) is counted in `nbin` equal bins
 * over [xmin, xmax]; normalised, the values are the fractions of the pixels in each bin.
 *
 * @param im image (H, W, 3) with values in [0, xmax]
 * @param nbin number of bins (10)
 * @param xmin lowest hue counted (0)
 * @param xmax largest pixel value and largest hue counted (255)
 * @param normalized fractions (true) or counts times the bin width (false)
 * @returns histogram (nbin,)
 * @throws TypeError / RangeError naming `colorHistogramHsv` for a wrong shape, a pixel outside
 *   [0, xmax] or not finite, a bad bin count or range, or (normalised) no hue in [xmin, xmax]
 */
export function colorHistogramHsv(
  im: Tensor,
  nbin = 10,
  xmin = 0,
  xmax = 255,
  normalized = true,
): Tensor {
  const fn = 'colorHistogramHsv';
  checkImage(fn, 'im', im);
  checkHistogramArgs(fn, nbin, xmin, xmax, normalized);
  return runSpec(fn, { name: fn, nbin, xmin, xmax, normalized }, im, xmax);
}

/** Options of {@link extractFeatures}. */
export interface ExtractFeaturesOptions {
  /** print "Done extracting features for 1000 / 49000 images" every 1000 images, as the course does */
  verbose?: boolean;
  /**
   * a progress bar (true: in the notebook, or on a terminal's stderr; false: none), or a function
   * called with (images done, total) after each chunk
   */
  progress?: boolean | ((done: number, total: number) => void);
  /** worker threads (default: the machine's available parallelism, at most 8); 0: this thread */
  workers?: number;
  /** images per chunk handed to a worker (500) */
  chunkSize?: number;
  /** heading of the progress bar ('Extracting features') */
  title?: string;
}

/** A feature function resolved to a spec, or a plain function (calling thread only). */
function toSpec(fn: string, f: unknown, k: number): FeatureSpec | null {
  if (f === hogFeature) return { name: 'hogFeature' };
  if (typeof f === 'function') return null;
  if (typeof f !== 'object' || f === null || typeof (f as { name?: unknown }).name !== 'string') {
    throw new TypeError(
      `${fn}: featureFns[${k}] must be a function of one image or a feature spec such as { name: 'colorHistogramHsv', nbin: 10 }, got ${String(f)}`,
    );
  }
  const spec = f as FeatureSpec;
  if (spec.name === 'hogFeature') return spec;
  if (spec.name === 'colorHistogramHsv') {
    const { nbin = 10, xmin = 0, xmax = 255, normalized = true } = spec;
    checkHistogramArgs(`${fn}: featureFns[${k}]`, nbin, xmin, xmax, normalized);
    return { name: spec.name, nbin, xmin, xmax, normalized };
  }
  if (spec.name === 'hogCells') {
    const { cellSize, orientations } = spec;
    if (
      !Number.isInteger(cellSize) ||
      cellSize < 1 ||
      !Number.isInteger(orientations) ||
      orientations < 1
    ) {
      throw new RangeError(
        `${fn}: featureFns[${k}]: hogCells needs integer cellSize >= 1 and orientations >= 1, got ${cellSize} and ${orientations}`,
      );
    }
    return { name: spec.name, cellSize, orientations };
  }
  throw new TypeError(
    `${fn}: featureFns[${k}] has unknown name ${JSON.stringify((spec as { name: string }).name)} (known: hogFeature, colorHistogramHsv, hogCells)`,
  );
}

/** Checks the arguments shared by both extractors. */
function prepare(fn: string, imgs: unknown, featureFns: unknown, options: ExtractFeaturesOptions) {
  const x = checkTensor(fn, 'imgs', imgs, 4);
  const [N, H, W, C] = x.shape;
  if (C !== 3 || H < 1 || W < 1) {
    throw new RangeError(
      `${fn}: imgs must be RGB images of shape (N, H, W, 3), got shape ${formatShape(x.shape)}` +
        (x.shape[1] === 3 ? ' (channels first? use X.transpose(0, 2, 3, 1))' : ''),
    );
  }
  if (!Array.isArray(featureFns) || featureFns.length === 0) {
    throw new TypeError(`${fn}: featureFns must be a non-empty array of feature functions`);
  }
  const specs = featureFns.map((f, k) => toSpec(fn, f, k));
  let maxValue = Number.POSITIVE_INFINITY;
  for (const s of specs) {
    if (s?.name === 'colorHistogramHsv') maxValue = Math.min(maxValue, s.xmax ?? 255);
    if (s?.name === 'hogFeature') checkHogSize(fn, 'imgs', x.shape, H, W);
  }
  const chunk = options.chunkSize ?? 500;
  if (!Number.isInteger(chunk) || chunk < 1) {
    throw new RangeError(`${fn}: chunkSize must be a positive integer, got ${chunk}`);
  }
  return { x, N, H, W, specs, maxValue, chunk };
}

/**
 * Calls every feature function on every image and puts each image's feature vectors side by side
 * in one row, like the course's `extract_features`; the work is spread over worker threads when
 * every feature function is a spec (or `hogFeature`), else it runs on the calling thread.
 *
 * @param imgs images (N, H, W, 3) with values in 0..255 (any strides: a transposed view is fine)
 * @param featureFns k feature functions giving vectors of lengths F_1 ... F_k
 * @param options progress bar, `verbose` lines, worker count, chunk size
 * @returns a promise of the features (N, F_1 + ... + F_k)
 * @throws (rejects with) TypeError / RangeError naming `extractFeatures` and the argument for a
 *   wrong shape, a non-finite pixel, a pixel outside the hue histogram's [0, xmax], or a feature
 *   function whose output is not a 1-D tensor of fixed length
 */
export async function extractFeatures(
  imgs: Tensor,
  featureFns: FeatureFn[],
  options: ExtractFeaturesOptions = {},
): Promise<Tensor> {
  const fn = 'extractFeatures';
  const p = prepare(fn, imgs, featureFns, options);
  const requested = options.workers ?? defaultWorkers();
  if (!Number.isInteger(requested) || requested < 0) {
    throw new RangeError(`${fn}: workers must be a non-negative integer, got ${requested}`);
  }
  if (requested === 0 || p.specs.some((s) => s === null) || p.N === 0) {
    return extractFeaturesSync(imgs, featureFns, options);
  }
  const specs = p.specs as FeatureSpec[];
  const dim = specs.reduce((d, s) => d + specLength(s, p.H, p.W), 0);
  const report = progressReporter(p.N, options);
  const { out, empty } = await extractOnWorkers({
    n: p.N,
    H: p.H,
    W: p.W,
    specs,
    dim,
    workers: requested,
    chunk: p.chunk,
    pack: (first, count, into) => packImages(fn, 'imgs', p.x, first, count, into, p.maxValue),
    onProgress: report,
  });
  if (empty >= 0) throw new RangeError(emptyHistogramError(fn, `imgs[${empty}]`, specs[0]));
  return tensor([p.N, dim], out);
}

/**
 * {@link extractFeatures} on the calling thread only (also the only way to run plain functions).
 * Same arguments and result, returned directly.
 */
export function extractFeaturesSync(
  imgs: Tensor,
  featureFns: FeatureFn[],
  options: ExtractFeaturesOptions = {},
): Tensor {
  const fn = 'extractFeaturesSync';
  const p = prepare(fn, imgs, featureFns, options);
  const { x, N, H, W } = p;
  if (N === 0) return tensor([0, 0]);
  const report = progressReporter(N, options);
  if (p.specs.every((s) => s !== null)) {
    const specs = p.specs as FeatureSpec[];
    const dim = specs.reduce((d, s) => d + specLength(s, H, W), 0);
    const { out, empty } = extractOnThisThread({
      n: N,
      H,
      W,
      specs,
      dim,
      chunk: p.chunk,
      pack: (first, count, into) => packImages(fn, 'imgs', x, first, count, into, p.maxValue),
      onProgress: report,
    });
    if (empty >= 0) throw new RangeError(emptyHistogramError(fn, `imgs[${empty}]`, specs[0]));
    return tensor([N, dim], out);
  }
  // Plain functions: call each one on each image, as the course's loop does.
  const fns: Array<(im: Tensor) => Tensor> = featureFns.map((f, k) => {
    const s = p.specs[k];
    if (s === null) return f as (im: Tensor) => Tensor;
    return (im: Tensor) => runSpec(fn, s, im, p.maxValue);
  });
  let rows: Float64Array | null = null;
  let dims: number[] = [];
  let dim = 0;
  for (let n = 0; n < N; n++) {
    const im = x.pick(n, null, null, null) as Tensor;
    const parts = fns.map((f, k) => {
      const v = f(im);
      if (!v || !Array.isArray(v.shape) || v.shape.length !== 1) {
        throw new TypeError(
          `${fn}: featureFns[${k}] must return a 1-D tensor, got ${v && Array.isArray(v.shape) ? `shape ${formatShape(v.shape)}` : String(v)} for image ${n}`,
        );
      }
      return v;
    });
    if (rows === null) {
      dims = parts.map((v) => v.shape[0]);
      dim = dims.reduce((a, b) => a + b, 0);
      rows = new Float64Array(N * dim);
    }
    let at = n * dim;
    parts.forEach((v, k) => {
      if (v.shape[0] !== dims[k]) {
        throw new RangeError(
          `${fn}: featureFns[${k}] gave ${v.shape[0]} values for image ${n} but ${dims[k]} for image 0`,
        );
      }
      for (let i = 0; i < dims[k]; i++) rows![at + i] = v.get(i);
      at += dims[k];
    });
    report(n + 1);
  }
  return tensor([N, dim], rows!);
}

function defaultWorkers(): number {
  const cores =
    typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(8, cores));
}
