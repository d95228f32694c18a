/**
 * The per-image pixel operations behind `lib/features.ts`, on packed (H, W, 3) row-major pixels.
 *
 * These functions are also the code of the feature worker threads (`pool.ts` puts their source
 * text into the worker), so each one may use only its arguments, `Math`, and the other functions
 * listed in {@link PIXEL_OP_FUNCTIONS}: no imports, no module constants, no nested functions.
 *
 * They reproduce the course's `features.py` operation by operation (numpy, scipy and matplotlib
 * as it calls them), so the results agree with a numpy run to rounding:
 * - grey: `np.dot(rgb, [0.299, 0.587, 0.144])` computes `fma(b, 0.144, fma(g, 0.587, r * 0.299))`
 *   (checked bit for bit against numpy 2.4); JavaScript has no fused multiply-add, so
 *   {@link fusedMultiplyAdd} computes it from exact products and sums.
 * - HOG: forward differences, `sqrt(gx^2 + gy^2)` and `atan2(gy, gx + 1e-15)` in degrees plus 90;
 *   bin i holds orientations in [20 i, 20 (i + 1)) and (as the course's code does) bin 0 leaves
 *   out orientation 0 and orientations outside [0, 180) count in no bin; scipy's 8x8
 *   `uniform_filter` sampled at rows and columns 4, 12, ... is the mean over each 8x8 cell.
 * - hue: matplotlib's `rgb_to_hsv` (red, then green, then blue maximum, the later winning ties),
 *   `(h / 6) % 1` with Python's sign rule, and `np.histogram` over `np.linspace(xmin, xmax,
 *   nbin + 1)` edges (half-open bins, the last one closed), times the bin widths.
 */

/** One feature function as plain data (it crosses into worker threads). */
export type FeatureSpec =
  | { name: 'hogFeature' }
  | {
      name: 'colorHistogramHsv';
      nbin?: number;
      xmin?: number;
      xmax?: number;
      normalized?: boolean;
    }
  | {
      name: 'hogCells';
      /** pixels per square cell side (4: a 8x8 grid of cells on 32x32 images) */
      cellSize: number;
      /** orientation bins over [0, 180) (gradients of both signs fold onto one bin) */
      orientations: number;
    };

/**
 * `a * b + c` rounded once, as a fused multiply-add does: `a * b = p + e` exactly (Dekker's
 * product with Veltkamp's split), `p + c = s + t` exactly (Knuth's two-sum), then `s + (t + e)`.
 * Equal to the correctly rounded result except in rare halfway cases, off by one unit in the last
 * place there. Finite inputs of moderate size only (no overflow in the split).
 */
export function fusedMultiplyAdd(a: number, b: number, c: number): number {
  const p = a * b;
  let t = 134217729 * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = 134217729 * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  const s = p + c;
  const v = s - p;
  const err = p - (s - v) + (c - v);
  return s + (err + e);
}

/**
 * Grey levels of one image, like `rgb2gray`: `gray[k] = fma(b, 0.144, fma(g, 0.587, r * 0.299))`
 * for pixel k of the packed (H, W, 3) image starting at `img[off]`.
 */
export function grayInto(img: Float64Array, off: number, npx: number, gray: Float64Array): void {
  for (let k = 0; k < npx; k++) {
    const p = off + 3 * k;
    gray[k] = fusedMultiplyAdd(
      img[p + 2],
      0.144,
      fusedMultiplyAdd(img[p + 1], 0.587, img[p] * 0.299),
    );
  }
}

/**
 * `hog_feature` of one (H, W, 3) image with H = W a multiple of 8: writes (W/8) x (H/8) x 9
 * values at `out[outOff]`, index `(cellColumn * (H/8) + cellRow) * 9 + bin` (numpy's
 * `orientation_histogram` after the transpose, raveled). `gray` is scratch of H * W.
 */
export function hogInto(
  img: Float64Array,
  off: number,
  H: number,
  W: number,
  gray: Float64Array,
  out: Float64Array,
  outOff: number,
): void {
  grayInto(img, off, H * W, gray);
  const rows = Math.floor(H / 8);
  const cols = Math.floor(W / 8);
  const size = rows * cols * 9;
  for (let k = 0; k < size; k++) out[outOff + k] = 0;
  const toDegrees = 180 / Math.PI;
  for (let r = 0; r < rows * 8; r++) {
    const cellRow = Math.floor(r / 8);
    for (let c = 0; c < cols * 8; c++) {
      const here = gray[r * W + c];
      const gx = c < W - 1 ? gray[r * W + c + 1] - here : 0;
      const gy = r < H - 1 ? gray[(r + 1) * W + c] - here : 0;
      const ori = Math.atan2(gy, gx + 1e-15) * toDegrees + 90;
      if (!(ori > 0 && ori < 180)) continue;
      let bin = Math.floor(ori / 20);
      if (ori < 20 * bin) bin--;
      else if (ori >= 20 * (bin + 1)) bin++;
      if (bin < 0 || bin > 8) continue;
      const mag = Math.sqrt(gx * gx + gy * gy);
      out[outOff + (Math.floor(c / 8) * rows + cellRow) * 9 + bin] += mag;
    }
  }
  for (let k = 0; k < size; k++) out[outOff + k] /= 64;
}

/**
 * A fuller HOG for the beyond-the-course pipeline: the same grey levels and gradients as
 * {@link hogInto}, but every gradient counts, its orientation folded into [0, 180) and split over
 * `orientations` equal bins, and cells of `cellSize` x `cellSize` pixels (mean magnitude per cell
 * and bin). Writes (H / cellSize) x (W / cellSize) x orientations values, cell rows first.
 */
export function hogCellsInto(
  img: Float64Array,
  off: number,
  H: number,
  W: number,
  cellSize: number,
  orientations: number,
  gray: Float64Array,
  out: Float64Array,
  outOff: number,
): void {
  grayInto(img, off, H * W, gray);
  const rows = Math.floor(H / cellSize);
  const cols = Math.floor(W / cellSize);
  const size = rows * cols * orientations;
  for (let k = 0; k < size; k++) out[outOff + k] = 0;
  const perDegree = orientations / 180;
  const toDegrees = 180 / Math.PI;
  for (let r = 0; r < rows * cellSize; r++) {
    const cellRow = Math.floor(r / cellSize);
    for (let c = 0; c < cols * cellSize; c++) {
      const here = gray[r * W + c];
      const gx = c < W - 1 ? gray[r * W + c + 1] - here : 0;
      const gy = r < H - 1 ? gray[(r + 1) * W + c] - here : 0;
      if (gx === 0 && gy === 0) continue;
      let deg = Math.atan2(gy, gx) * toDegrees;
      if (deg < 0) deg += 180;
      if (deg >= 180) deg -= 180;
      let bin = Math.floor(deg * perDegree);
      if (bin >= orientations) bin = orientations - 1;
      const cell = cellRow * cols + Math.floor(c / cellSize);
      out[outOff + cell * orientations + bin] += Math.sqrt(gx * gx + gy * gy);
    }
  }
  const area = cellSize * cellSize;
  for (let k = 0; k < size; k++) out[outOff + k] /= area;
}

/**
 * `color_histogram_hsv` of one packed (H, W, 3) image: the hue histogram, `nbin` values at
 * `out[outOff]`. `edges` (nbin + 1, numpy's linspace) and `counts` (nbin) are scratch.
 * Returns the number of pixels whose hue fell in [xmin, xmax] (0 makes the normalised
 * histogram 0/0; the caller reports it).
 */
export function hueHistogramInto(
  img: Float64Array,
  off: number,
  npx: number,
  nbin: number,
  xmin: number,
  xmax: number,
  normalized: boolean,
  edges: Float64Array,
  counts: Float64Array,
  out: Float64Array,
  outOff: number,
): number {
  const step = (xmax - xmin) / nbin;
  for (let k = 0; k <= nbin; k++)
    edges[k] = step === 0 ? (k / nbin) * (xmax - xmin) + xmin : k * step + xmin;
  edges[nbin] = xmax;
  for (let k = 0; k < nbin; k++) counts[k] = 0;
  const first = edges[0];
  const last = edges[nbin];
  let total = 0;
  for (let q = 0; q < npx; q++) {
    const p = off + 3 * q;
    const r = img[p] / xmax;
    const g = img[p + 1] / xmax;
    const b = img[p + 2] / xmax;
    const hi = Math.max(r, g, b);
    const lo = Math.min(r, g, b);
    const delta = hi - lo;
    let h = 0;
    if (delta > 0) {
      if (r === hi) h = (g - b) / delta;
      if (g === hi) h = 2 + (b - r) / delta;
      if (b === hi) h = 4 + (r - g) / delta;
    }
    let m = (h / 6) % 1;
    if (m !== 0 && m < 0) m += 1;
    else if (m === 0) m = 0;
    const hue = m * xmax;
    if (!(hue >= first && hue <= last)) continue;
    // The bin by search: the last edge <= hue (the last bin also takes hue == xmax).
    let lo2 = 0;
    let hi2 = nbin;
    while (hi2 - lo2 > 1) {
      const mid = (lo2 + hi2) >> 1;
      if (edges[mid] <= hue) lo2 = mid;
      else hi2 = mid;
    }
    counts[lo2] += 1;
    total += 1;
  }
  for (let k = 0; k < nbin; k++) {
    const width = edges[k + 1] - edges[k];
    out[outOff + k] = normalized ? (counts[k] / width / total) * width : counts[k] * width;
  }
  return total;
}

/** Length of the vector a feature spec gives for (H, W, 3) images. */
export function specLength(spec: FeatureSpec, H: number, W: number): number {
  if (spec.name === 'hogFeature') return Math.floor(H / 8) * Math.floor(W / 8) * 9;
  if (spec.name === 'colorHistogramHsv') return spec.nbin ?? 10;
  return Math.floor(H / spec.cellSize) * Math.floor(W / spec.cellSize) * spec.orientations;
}

/**
 * All features of `count` packed (H, W, 3) images starting at image `first` of `imgs`, each
 * image's vectors side by side in `out` rows of `dim` values starting at row `outRow`. Returns -1,
 * or the index (into `imgs`) of the first image whose normalised hue histogram had no pixel in
 * range.
 */
export function featuresInto(
  specs: FeatureSpec[],
  imgs: Float64Array,
  first: number,
  count: number,
  H: number,
  W: number,
  dim: number,
  out: Float64Array,
  outRow: number,
): number {
  const npx = H * W;
  const gray = new Float64Array(npx);
  const edges = new Float64Array(1025);
  const counts = new Float64Array(1024);
  let empty = -1;
  for (let n = 0; n < count; n++) {
    const off = (first + n) * npx * 3;
    let at = (outRow + n) * dim;
    for (let s = 0; s < specs.length; s++) {
      const spec = specs[s];
      if (spec.name === 'hogFeature') {
        hogInto(imgs, off, H, W, gray, out, at);
      } else if (spec.name === 'colorHistogramHsv') {
        const nbin = spec.nbin ?? 10;
        const normalized = spec.normalized ?? true;
        const e = nbin + 1 > edges.length ? new Float64Array(nbin + 1) : edges;
        const c = nbin > counts.length ? new Float64Array(nbin) : counts;
        const inRange = hueHistogramInto(
          imgs,
          off,
          npx,
          nbin,
          spec.xmin ?? 0,
          spec.xmax ?? 255,
          normalized,
          e,
          c,
          out,
          at,
        );
        if (normalized && inRange === 0 && empty < 0) empty = first + n;
      } else {
        hogCellsInto(imgs, off, H, W, spec.cellSize, spec.orientations, gray, out, at);
      }
      at += specLength(spec, H, W);
    }
  }
  return empty;
}

/** The functions a feature worker needs, in an order where each is defined before use. */
export const PIXEL_OP_FUNCTIONS: ReadonlyArray<(...args: never[]) => unknown> = [
  fusedMultiplyAdd,
  grayInto,
  hogInto,
  hogCellsInto,
  hueHistogramInto,
  specLength,
  featuresInto,
];
