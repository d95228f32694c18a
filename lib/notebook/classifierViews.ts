/**
 * The pictures and charts of the kNN, SVM and Softmax notebooks: sample images per class, an
 * image, the distance matrix, the cross-validation chart over k, the loss curve, the learning
 * rate x regularisation scatter and the learned weights as class templates. Image grids are built
 * here (every pixel loop in the library, none in a notebook cell) and shown as a Plotly figure
 * whose image trace is the PNG, with the PNG itself beside it for viewers that run no scripts.
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
import { displayBundle, figureBundle, imageFigure, type PlotlyFigure, showFigure } from './plots';
import { encodePNG, type Uint8Image } from './png';

const CONFIG = { responsive: true, displaylogo: false };

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

/** Plotly annotations naming the columns of a grid, above it. */
function columnTitles(
  g: Grid,
  titles: readonly string[],
  scale: number,
): Record<string, unknown>[] {
  return titles.map((text, col) => ({
    text,
    x: col * (g.cellWidth + g.padding) + g.cellWidth / 2 - 0.5,
    xref: 'x',
    y: 1,
    yref: 'paper',
    yanchor: 'bottom',
    showarrow: false,
    font: { size: Math.max(10, Math.min(14, 4 * scale + 4)) },
  }));
}

/** Shows a grid as an image figure (with column titles) plus its PNG. */
function showGrid(
  g: Grid,
  title: string,
  titles: readonly string[],
  scale: number,
  text: string,
): void {
  const png = encodePNG(g.image);
  const fig = imageFigure(g.image, png, title);
  fig.layout.annotations = columnTitles(g, titles, scale);
  fig.layout.margin = { l: 20, r: 20, t: 80, b: 20 };
  displayBundle(figureBundle(fig, { png, html: false, text }));
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
    2,
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
  showGrid(g, title, [], scale, `<${title}: ${W}x${H} image>`);
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
  const png = encodePNG(image);
  const [rows, cols] = dists.shape;
  const fig = imageFigure(
    image,
    png,
    `Distances: ${rows} test points (rows) x ${cols} training points (columns)`,
  );
  displayBundle(
    figureBundle(fig, {
      png,
      html: false,
      text: `<distance matrix ${rows} x ${cols} as a ${image.width}x${image.height} grey image>`,
    }),
  );
}

/**
 * "Cross-validation on k": every fold's accuracy as a point, and the mean accuracy per k with
 * error bars of one standard deviation.
 *
 * @param kToAccuracies k -> the accuracy of each fold
 */
export function crossValidationFigure(
  kToAccuracies: ReadonlyMap<number, readonly number[]>,
): PlotlyFigure {
  const ks = [...kToAccuracies.keys()].sort((a, b) => a - b);
  if (ks.length === 0) throw new RangeError('crossValidationFigure: kToAccuracies is empty');
  const points = { x: [] as number[], y: [] as number[] };
  const mean: number[] = [];
  const std: number[] = [];
  for (const k of ks) {
    const acc = kToAccuracies.get(k) as readonly number[];
    if (acc.length === 0) throw new RangeError(`crossValidationFigure: k = ${k} has no accuracies`);
    for (const a of acc) {
      points.x.push(k);
      points.y.push(a);
    }
    const m = acc.reduce((s, v) => s + v, 0) / acc.length;
    mean.push(m);
    std.push(Math.sqrt(acc.reduce((s, v) => s + (v - m) * (v - m), 0) / acc.length));
  }
  return {
    data: [
      {
        type: 'scatter',
        mode: 'markers',
        x: points.x,
        y: points.y,
        name: 'one fold',
        marker: { size: 7, opacity: 0.6 },
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        x: ks,
        y: mean,
        name: 'mean ± std',
        error_y: { type: 'data', array: std, visible: true },
      },
    ],
    layout: {
      title: { text: 'Cross-validation on k' },
      xaxis: { title: { text: 'k' } },
      yaxis: { title: { text: 'Cross-validation accuracy' } },
      height: 450,
    },
    config: CONFIG,
  };
}

/** Shows {@link crossValidationFigure}. */
export function showCrossValidation(kToAccuracies: ReadonlyMap<number, readonly number[]>): void {
  showFigure(
    crossValidationFigure(kToAccuracies),
    `<Cross-validation accuracy for k in ${[...kToAccuracies.keys()].join(', ')}>`,
  );
}

/** The loss at each SGD iteration as a line (`plt.plot(loss_hist)`). */
export function lossCurveFigure(lossHistory: readonly number[]): PlotlyFigure {
  if (!Array.isArray(lossHistory) || lossHistory.length === 0)
    throw new RangeError('lossCurveFigure: lossHistory must be a non-empty array of numbers');
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        x: lossHistory.map((_, i) => i),
        y: lossHistory.map((v) => (Number.isFinite(v) ? v : null)),
        name: 'loss',
      },
    ],
    layout: {
      title: { text: 'Training loss' },
      xaxis: { title: { text: 'Iteration number' } },
      yaxis: { title: { text: 'Loss value' } },
      height: 400,
    },
    config: CONFIG,
  };
}

/** Shows {@link lossCurveFigure}. */
export function plotLossCurve(lossHistory: readonly number[]): void {
  showFigure(
    lossCurveFigure(lossHistory),
    `<Loss over ${lossHistory.length} iterations, last ${lossHistory[lossHistory.length - 1]}>`,
  );
}

/** One run of a learning rate x regularisation search. */
export interface SearchResult {
  learningRate: number;
  reg: number;
  trainAcc: number;
  valAcc: number;
}

/**
 * The search results as two scatter plots over log10 learning rate x log10 regularisation, one
 * coloured by training accuracy and one by validation accuracy (the notebooks' two subplots).
 */
export function hyperparameterFigure(results: readonly SearchResult[]): PlotlyFigure {
  if (!Array.isArray(results) || results.length === 0)
    throw new RangeError('hyperparameterFigure: results must be a non-empty array');
  const x = results.map((r) => Math.log10(r.learningRate));
  const y = results.map((r) => Math.log10(r.reg));
  const text = results.map(
    (r) =>
      `lr ${r.learningRate.toExponential(2)}, reg ${r.reg.toExponential(2)}<br>train ${r.trainAcc.toFixed(3)}, val ${r.valAcc.toFixed(3)}`,
  );
  const panel = (key: 'trainAcc' | 'valAcc', axis: string, bar: number) => ({
    type: 'scatter',
    mode: 'markers',
    x,
    y,
    text,
    hoverinfo: 'text',
    xaxis: `x${axis}`,
    yaxis: `y${axis}`,
    showlegend: false,
    marker: {
      size: 16,
      color: results.map((r) => r[key]),
      colorscale: 'RdBu',
      reversescale: true,
      showscale: true,
      colorbar: { len: 0.42, y: bar, yanchor: 'middle' },
    },
  });
  return {
    data: [panel('trainAcc', '', 0.8), panel('valAcc', '2', 0.2)],
    layout: {
      grid: { rows: 2, columns: 1, pattern: 'independent' },
      height: 700,
      xaxis: { title: { text: 'log learning rate' } },
      yaxis: { title: { text: 'log regularization strength' } },
      xaxis2: { title: { text: 'log learning rate' } },
      yaxis2: { title: { text: 'log regularization strength' } },
      annotations: [
        {
          text: 'CIFAR-10 training accuracy',
          xref: 'paper',
          yref: 'paper',
          x: 0.5,
          y: 1.02,
          showarrow: false,
          yanchor: 'bottom',
          font: { size: 14 },
        },
        {
          text: 'CIFAR-10 validation accuracy',
          xref: 'paper',
          yref: 'paper',
          x: 0.5,
          y: 0.44,
          showarrow: false,
          yanchor: 'bottom',
          font: { size: 14 },
        },
      ],
      margin: { t: 50 },
    },
    config: CONFIG,
  };
}

/** Shows {@link hyperparameterFigure}. */
export function showHyperparameterSearch(results: readonly SearchResult[]): void {
  const best = results.reduce((a, b) => (b.valAcc > a.valAcc ? b : a), results[0]);
  showFigure(
    hyperparameterFigure(results),
    `<${results.length} runs; best val acc ${best?.valAcc} at lr ${best?.learningRate}, reg ${best?.reg}>`,
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
  const png = encodePNG(g.image);
  const fig = imageFigure(g.image, png, 'Learned weights, one template per class');
  const cell = g.cellHeight + g.padding;
  fig.layout.annotations = classes.map((text, k) => ({
    text,
    x: (k % g.cols) * (g.cellWidth + g.padding) + g.cellWidth / 2,
    y: Math.floor(k / g.cols) * cell - 2,
    xref: 'x',
    yref: 'y',
    yanchor: 'bottom',
    showarrow: false,
  }));
  fig.layout.margin = { l: 20, r: 20, t: 80, b: 20 };
  displayBundle(
    figureBundle(fig, {
      png,
      html: false,
      text: `<learned weights of ${W.shape[1]} classes as 32x32 images>`,
    }),
  );
}
