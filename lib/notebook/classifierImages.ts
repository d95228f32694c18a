/**
 * The pictures of the kNN, SVM and Softmax notebooks: sample images per class, one image (the
 * mean image), the distance matrix and the learned weights as class templates. The grids are
 * built here (every pixel loop in the library, none in a notebook cell) and shown as a Plotly
 * figure whose image trace is the PNG, with a static PNG beside it for viewers that run no
 * scripts (the grid with its class titles drawn in, ./svgGrid). The charts of those notebooks are in `classifierCharts.ts`.
 */
import { type RandomState, random } from '../core/random';
import {
  checkLabels,
  checkNoNaN,
  checkTensor,
  contiguousData,
  formatShape,
  type Labels,
  type Tensor,
} from '../core/tensor';
import { showImageGrid, singleImageChart } from './imageGrid';
import type { Uint8Image } from './png';

/** A grid of equally sized RGB cells, `cols` per row, `padding` white pixels apart. */
export interface Grid {
  image: Uint8Image;
  cellWidth: number;
  cellHeight: number;
  padding: number;
  cols: number;
  rows: number;
}

function newGrid(
  rows: number,
  cols: number,
  cellHeight: number,
  cellWidth: number,
  padding: number,
): Grid {
  const width = cols * cellWidth + (cols - 1) * padding;
  const height = rows * cellHeight + (rows - 1) * padding;
  const pixels = new Uint8Array(width * height * 3).fill(255);
  return {
    image: { width, height, channels: 3, pixels },
    cellWidth,
    cellHeight,
    padding,
    cols,
    rows,
  };
}

/**
 * Writes an (h, w, 3) image, given as packed float values, into cell (row, col) of the grid,
 * each pixel repeated `scale` x `scale` times; values map to bytes with `toByte`.
 */
function putCell(
  g: Grid,
  row: number,
  col: number,
  src: Float64Array,
  srcOffset: number,
  srcStride: number,
  h: number,
  w: number,
  scale: number,
  toByte: (v: number) => number,
): void {
  const { width, pixels } = g.image;
  const y0 = row * (g.cellHeight + g.padding);
  const x0 = col * (g.cellWidth + g.padding);
  for (let i = 0; i < h * scale; i++) {
    for (let j = 0; j < w * scale; j++) {
      const s = srcOffset + (Math.floor(i / scale) * w + Math.floor(j / scale)) * 3 * srcStride;
      const d = ((y0 + i) * width + x0 + j) * 3;
      for (let c = 0; c < 3; c++) pixels[d + c] = toByte(src[s + c * srcStride]);
    }
  }
}

/** numpy's `.astype('uint8')` for values in [0, 255]: truncation (clamped outside). */
function truncByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
}

/** Shows a grid (its Plotly figure and static PNG) with `titles` above its columns. */
function showGrid(g: Grid, title: string, titles: readonly string[], text: string): void {
  showImageGrid({ ...g, title, label: (r, c) => (r === 0 ? (titles[c] ?? '') : '') }, text);
}

function checkImages(fn: string, X: Tensor): [number, number, number] {
  checkTensor(fn, 'X', X, 4);
  const [, H, W, C] = X.shape;
  if (C !== 3)
    throw new RangeError(
      `${fn}: X must hold RGB images (N, H, W, 3), got shape ${formatShape(X.shape)}`,
    );
  return [X.shape[0], H, W];
}

/**
 * Picks `samplesPerClass` random images of each class, like the notebooks' cell
 * `idxs = np.random.choice(np.flatnonzero(y == c), samplesPerClass, replace=False)` for each
 * class in order (so the same generator state picks the same images).
 *
 * @param y (N,) labels
 * @returns one Int32Array of image indices per class
 */
export function sampleClassIndices(
  y: Labels,
  numClasses: number,
  samplesPerClass: number,
  rng: RandomState = random,
): Int32Array[] {
  const fn = 'sampleClassIndices';
  const n = 'shape' in y && Array.isArray(y.shape) ? y.shape[0] : (y as ArrayLike<number>).length;
  const labels = checkLabels(fn, 'y', y, n, numClasses);
  if (!Number.isInteger(samplesPerClass) || samplesPerClass < 1) {
    throw new RangeError(
      `${fn}: samplesPerClass must be a positive integer, got ${samplesPerClass}`,
    );
  }
  const picked: Int32Array[] = [];
  for (let c = 0; c < numClasses; c++) {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (labels[i] === c) members.push(i);
    if (members.length < samplesPerClass) {
      throw new RangeError(
        `${fn}: class ${c} has ${members.length} images, fewer than samplesPerClass = ${samplesPerClass}`,
      );
    }
    picked.push(rng.choice(Int32Array.from(members), samplesPerClass, false));
  }
  return picked;
}

/**
 * The grid of sample images: column c holds the images `indices[c]` of class c, top to bottom.
 * @param X (N, H, W, 3) images with values 0..255
 */
export function classSamplesGrid(X: Tensor, indices: readonly Int32Array[], scale = 2): Grid {
  const [N, H, W] = checkImages('classSamplesGrid', X);
  const rows = Math.max(...indices.map((a) => a.length));
  const g = newGrid(rows, indices.length, H * scale, W * scale, 2 * scale);
  const d = contiguousData(X);
  indices.forEach((idxs, col) => {
    idxs.forEach((n, row) => {
      if (n < 0 || n >= N)
        throw new RangeError(`classSamplesGrid: index ${n} is outside the ${N} images`);
      putCell(g, row, col, d, n * H * W * 3, 1, H, W, scale, truncByte);
    });
  });
  return g;
}

/**
 * "Visualize some examples from the dataset": `samplesPerClass` random training images of each
 * class, one column per class.
 *
 * @param X (N, 32, 32, 3) raw images, values 0..255
 * @param y (N,) labels
 * @param classes class names, one per column
 */
export function showClassSamples(
  X: Tensor,
  y: Labels,
  classes: readonly string[],
  samplesPerClass = 7,
  rng: RandomState = random,
): void {
  checkImages('showClassSamples', X);
  const indices = sampleClassIndices(y, classes.length, samplesPerClass, rng);
  const g = classSamplesGrid(X, indices);
  showGrid(
    g,
    `${samplesPerClass} training images per class`,
    classes,
    `<${samplesPerClass} sample images of each of ${classes.length} classes>`,
  );
}

/**
 * Shows one RGB image (values 0..255, truncated to bytes), e.g. the mean image.
 * @param image (H, W, 3), or (H * W * 3,) with `shape` giving [H, W]
 */
export function showImage(image: Tensor, title: string, scale = 4): void {
  checkTensor('showImage', 'image', image, [1, 3]);
  let [H, W] = image.shape;
  if (image.shape.length !== 3) {
    const side = Math.round(Math.sqrt(image.size / 3));
    if (side * side * 3 !== image.size)
      throw new RangeError(
        `showImage: image of shape ${formatShape(image.shape)} is not a square RGB image`,
      );
    [H, W] = [side, side];
  } else if (image.shape[2] !== 3) {
    throw new RangeError(
      `showImage: image must be (H, W, 3), got shape ${formatShape(image.shape)}`,
    );
  }
  checkNoNaN('showImage', 'image', image);
  const g = newGrid(1, 1, H * scale, W * scale, 0);
  putCell(g, 0, 0, contiguousData(image), 0, 1, H, W, scale, truncByte);
  showGrid(g, title, [], `<${title}: ${W}x${H} image>`);
}

/**
 * The distance matrix as a grey image, black = near, white = far (`plt.imshow(dists)` with the
 * grey colour map): values scaled from [min, max] to [0, 255]. Wide matrices are averaged over
 * blocks of columns (and tall ones over rows) so the image is at most `maxWidth` x `maxHeight`.
 *
 * @param dists (numTest, numTrain)
 */
export function distanceMatrixImage(dists: Tensor, maxWidth = 1000, maxHeight = 500): Uint8Image {
  checkTensor('distanceMatrixImage', 'dists', dists, 2);
  checkNoNaN('distanceMatrixImage', 'dists', dists);
  const [rows, cols] = dists.shape;
  if (rows < 1 || cols < 1)
    throw new RangeError(`distanceMatrixImage: dists is empty (shape ${formatShape(dists.shape)})`);
  const bx = Math.ceil(cols / maxWidth);
  const by = Math.ceil(rows / maxHeight);
  const width = Math.ceil(cols / bx);
  const height = Math.ceil(rows / by);
  const d = contiguousData(dists);
  const avg = new Float64Array(width * height);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      let s = 0;
      let n = 0;
      for (let r = i * by; r < Math.min(rows, (i + 1) * by); r++) {
        for (let c = j * bx; c < Math.min(cols, (j + 1) * bx); c++) {
          s += d[r * cols + c];
          n++;
        }
      }
      avg[i * width + j] = s / n;
    }
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of avg) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const pixels = new Uint8Array(width * height);
  for (let p = 0; p < avg.length; p++)
    pixels[p] = hi > lo ? Math.round((255 * (avg[p] - lo)) / (hi - lo)) : 0;
  return { width, height, channels: 1, pixels };
}

/** The distance matrix as a grey image: one row per test point, one column per training point. */
export function showDistanceMatrix(dists: Tensor): void {
  const image = distanceMatrixImage(dists);
  const [rows, cols] = dists.shape;
  showImageGrid(
    singleImageChart(
      image,
      `Distances: ${rows} test points (rows) x ${cols} training points (columns)`,
    ),
    `<distance matrix ${rows} x ${cols} as a ${image.width}x${image.height} grey image>`,
  );
}

/**
 * The learned weights of a linear classifier on CIFAR-10 pixels as one 32x32 image per class:
 * the bias row (if W has 3073 rows) dropped, each column viewed as (32, 32, 3), all rescaled
 * together from [min(W), max(W)] to [0, 255].
 *
 * @param W (3072, C) or (3073, C)
 */
export function classTemplatesGrid(W: Tensor, perRow = 5, scale = 3): Grid {
  const fn = 'classTemplatesGrid';
  checkTensor(fn, 'W', W, 2);
  const [D, C] = W.shape;
  if (D !== 3072 && D !== 3073)
    throw new RangeError(
      `${fn}: W must have 3072 rows (32x32x3 pixels) or 3073 (with the bias row), got shape ${formatShape(W.shape)}`,
    );
  checkNoNaN(fn, 'W', W);
  const w = contiguousData(W);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < 3072 * C; p++) {
    if (w[p] < lo) lo = w[p];
    if (w[p] > hi) hi = w[p];
  }
  const range = hi - lo;
  const toByte = (v: number) => truncByte(range > 0 ? (255 * (v - lo)) / range : 0);
  const cols = Math.min(perRow, C);
  const g = newGrid(Math.ceil(C / cols), cols, 32 * scale, 32 * scale, 8 * scale);
  // Pixel (i, j, c) of class k is W[(i * 32 + j) * 3 + c, k]: stride C between channel values.
  for (let k = 0; k < C; k++)
    putCell(g, Math.floor(k / cols), k % cols, w, k, C, 32, 32, scale, toByte);
  return g;
}

/** Shows {@link classTemplatesGrid} with the class names above the templates. */
export function showClassTemplates(W: Tensor, classes: readonly string[]): void {
  const g = classTemplatesGrid(W);
  showImageGrid(
    {
      ...g,
      title: 'Learned weights, one template per class',
      label: (r, c) => classes[r * g.cols + c] ?? '',
    },
    `<learned weights of ${W.shape[1]} classes as 32x32 images>`,
  );
}
