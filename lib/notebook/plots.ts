/**
 * Plotly charts for the notebook, each a one-call cell, drawn offline everywhere the notebook goes.
 *
 * Output strategy. Every chart is one display bundle with
 * - `application/vnd.plotly.v1+json` (the figure): JupyterLab draws it with the jupyterlab-plotly
 *   renderer that the `plotly` Python package installs (plotly.js bundled, no network), live and
 *   when the saved notebook is reopened (the renderer is "safe", so it also draws untrusted
 *   notebooks);
 * - `text/html`: a `<div>` and a short script that draws the same figure with `window.Plotly`.
 *   nbconvert's HTML export picks this one; scripts/export-notebook-html.js puts plotly.js into the
 *   page once (never once per chart), so the exported page is self-contained and offline;
 * - `text/plain`: a one-line summary. The weight grid carries `image/png` instead of `text/html`
 *   (see {@link showNetWeights}), for viewers that run no scripts.
 *
 * Display goes through the tslab kernel's display channel. tslab's public `display.*` sends one
 * mimetype per output, so a multi-mimetype bundle is sent with the same function it uses
 * (`tslab/dist/jupyter` `lastWriteDisplayData`); display ids make in-place updates possible (the
 * live training view). Outside a kernel the text/plain part is printed instead.
 */
import { randomBytes } from 'node:crypto';
import ndarray from 'ndarray';
import { checkTensor, formatShape, type Tensor } from '../core/tensor';
import { visualizeGrid } from '../visUtils';
import { encodePNG, toUint8Image, type Uint8Image } from './png';
import { trainingSvg } from './svgChart';

/** The mimetype JupyterLab's plotly renderer draws. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** One Plotly trace, as plotly.js takes it (JSON). */
export type PlotlyTrace = Record<string, unknown>;

/** A Plotly figure: what `Plotly.newPlot(div, data, layout, config)` takes (JSON). */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** A Jupyter display bundle: mimetype -> data (strings, base64 for images, JSON objects). */
export type MimeBundle = Record<string, unknown>;

/** What the training charts read from a Solver (or anything with the same histories). */
export interface TrainingHistory {
  /** loss of every iteration */
  lossHistory: readonly number[];
  /** train accuracy at every check */
  trainAccHistory: readonly number[];
  /** validation accuracy at every check */
  valAccHistory: readonly number[];
}

/** One run of a hyperparameter sweep. */
export interface TuningResult {
  learningRate: number;
  reg: number;
  /** best validation accuracy of the run */
  valAcc: number;
  /** optional: train accuracy, hidden size, epochs — shown in the table when given */
  trainAcc?: number;
  hiddenDim?: number;
  numEpochs?: number;
}

/** Content of a display_data / update_display_data message. */
export interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** Receives display messages; `update` true replaces the output with the same display id. */
export type DisplaySink = (message: DisplayMessage, update: boolean) => void;

const CONFIG = { responsive: true, displaylogo: false };
const COLORS = { train: '#1f77b4', val: '#ff7f0e', loss: '#1f77b4' };

// ---------------------------------------------------------------------------------------------
// Formatting

/** Short display of a hyperparameter: 0.001 -> '1e-3', 0.5 -> '0.5', 4 -> '4'. */
export function shortNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e4)) {
    return v.toExponential().replace('e+', 'e');
  }
  return String(Number(v.toPrecision(6)));
}

/** A finite value rounded to `digits` significant digits; NaN and infinities become null (gaps). */
function chartValue(v: number, digits = 6): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(digits)) : null;
}

function formatLoss(v: number): string {
  return Number.isNaN(v) ? 'nan' : Number.isFinite(v) ? v.toFixed(6) : v > 0 ? 'inf' : '-inf';
}

function checkNumberArray(fn: string, arg: string, v: unknown): readonly number[] {
  if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) {
    throw new TypeError(`${fn}: ${arg} must be an array of numbers, got ${typeof v}`);
  }
  const a = v as ArrayLike<unknown>;
  for (let i = 0; i < a.length; i++) {
    if (typeof a[i] !== 'number') {
      throw new TypeError(`${fn}: ${arg}[${i}] must be a number, got ${typeof a[i]}`);
    }
  }
  return Array.from(a as ArrayLike<number>);
}

function checkHistory(fn: string, h: unknown): TrainingHistory {
  if (typeof h !== 'object' || h === null) {
    throw new TypeError(
      `${fn}: expected an object with lossHistory, trainAccHistory and valAccHistory (a Solver), got ${String(h)}`,
    );
  }
  const o = h as Record<string, unknown>;
  return {
    lossHistory: checkNumberArray(fn, 'lossHistory', o.lossHistory),
    trainAccHistory: checkNumberArray(fn, 'trainAccHistory', o.trainAccHistory),
    valAccHistory: checkNumberArray(fn, 'valAccHistory', o.valAccHistory),
  };
}

// ---------------------------------------------------------------------------------------------
// Figures (pure: data in, figure JSON out)

/** Indices 0..n-1 (matplotlib's x for `plt.plot(values)`). */
function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function lossTrace(lossHistory: readonly number[], axes = {}): PlotlyTrace {
  return {
    type: 'scattergl',
    mode: 'markers',
    name: 'loss',
    x: range(lossHistory.length),
    y: lossHistory.map((v) => chartValue(v, 5)),
    marker: { size: 4, color: COLORS.loss },
    showlegend: false,
    ...axes,
  };
}

function accuracyTraces(
  trainAcc: readonly number[],
  valAcc: readonly number[],
  axes = {},
): PlotlyTrace[] {
  const n = valAcc.length;
  return [
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'train',
      x: range(trainAcc.length),
      y: trainAcc.map((v) => chartValue(v)),
      line: { color: COLORS.train },
      ...axes,
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'val',
      x: range(n),
      y: valAcc.map((v) => chartValue(v)),
      line: { color: COLORS.val },
      ...axes,
    },
    {
      // plt.plot([0.5] * len(val_acc_history), 'k--')
      type: 'scatter',
      mode: 'lines',
      name: '0.5',
      x: range(n),
      y: Array.from({ length: n }, () => 0.5),
      line: { color: 'black', dash: 'dash', width: 1.5 },
      hoverinfo: 'skip',
      showlegend: false,
      ...axes,
    },
  ];
}

/**
 * Training loss per iteration, drawn as markers (`plt.plot(loss_history, 'o')`). Non-finite losses
 * (a diverging run) are left out as gaps.
 *
 * @param lossHistory (T,) loss of every iteration
 */
export function lossFigure(lossHistory: readonly number[]): PlotlyFigure {
  const losses = checkNumberArray('lossFigure', 'lossHistory', lossHistory);
  return {
    data: [lossTrace(losses)],
    layout: {
      title: { text: 'Training loss' },
      xaxis: { title: { text: 'Iteration' } },
      yaxis: { title: { text: 'Loss' } },
      height: 400,
      margin: { t: 50, r: 20 },
    },
    config: CONFIG,
  };
}

/**
 * Train and validation accuracy per epoch with the dashed 0.5 reference line, legend at the lower
 * right (the assignment's accuracy plot).
 *
 * @param trainAccHistory (E,) train accuracy per check
 * @param valAccHistory (E,) validation accuracy per check
 */
export function accuracyFigure(
  trainAccHistory: readonly number[],
  valAccHistory: readonly number[],
): PlotlyFigure {
  const train = checkNumberArray('accuracyFigure', 'trainAccHistory', trainAccHistory);
  const val = checkNumberArray('accuracyFigure', 'valAccHistory', valAccHistory);
  return {
    data: accuracyTraces(train, val),
    layout: {
      title: { text: 'Accuracy' },
      xaxis: { title: { text: 'Epoch' } },
      yaxis: { title: { text: 'Accuracy' } },
      legend: { x: 1, xanchor: 'right', y: 0, yanchor: 'bottom' },
      height: 400,
      margin: { t: 50, r: 20 },
    },
    config: CONFIG,
  };
}

/**
 * The "Debug the training" figure: training loss per iteration above, train / val accuracy per
 * epoch (with the dashed 0.5 line) below, as the assignment's two-subplot matplotlib cell.
 *
 * @param history a Solver after `train()` (lossHistory (T,), trainAccHistory (E,), valAccHistory (E,))
 */
export function trainingHistoryFigure(history: TrainingHistory): PlotlyFigure {
  const h = checkHistory('trainingHistoryFigure', history);
  const bottom = { xaxis: 'x2', yaxis: 'y2' };
  return {
    data: [lossTrace(h.lossHistory), ...accuracyTraces(h.trainAccHistory, h.valAccHistory, bottom)],
    layout: {
      grid: { rows: 2, columns: 1, pattern: 'independent', roworder: 'top to bottom', ygap: 0.35 },
      xaxis: { title: { text: 'Iteration' } },
      yaxis: { title: { text: 'Loss' } },
      xaxis2: { title: { text: 'Epoch' } },
      yaxis2: { title: { text: 'Accuracy' } },
      annotations: [
        subplotTitle('Training loss', 'x domain', 'y domain'),
        subplotTitle('Accuracy', 'x2 domain', 'y2 domain'),
      ],
      legend: { x: 1, xanchor: 'right', y: 0, yanchor: 'bottom' },
      height: 720,
      margin: { t: 40, r: 20 },
    },
    config: CONFIG,
  };
}

function subplotTitle(text: string, xref: string, yref: string): Record<string, unknown> {
  return {
    text: `<b>${text}</b>`,
    xref,
    yref,
    x: 0.5,
    y: 1,
    xanchor: 'center',
    yanchor: 'bottom',
    showarrow: false,
    font: { size: 15 },
  };
}

/**
 * The first-layer weights as an image grid, as the notebook's `show_net_weights`:
 * `W1.reshape(3, 32, 32, -1).transpose(3, 1, 2, 0)` -> `visualize_grid(W1, padding=3)`.
 *
 * @param model anything with `params.W1` of shape (3072, H) (a TwoLayerNet)
 * @returns the float grid (grid_height, grid_width, 3), values in [0, 255]
 */
export function netWeightsGrid(model: { params: { W1: Tensor } }): Tensor {
  if (typeof model !== 'object' || model === null || typeof model.params !== 'object') {
    throw new TypeError('netWeightsGrid: model must have params.W1 (a TwoLayerNet)');
  }
  const W1 = checkTensor('netWeightsGrid', 'model.params.W1', model.params.W1, 2);
  const [D, H] = W1.shape;
  if (D !== 3 * 32 * 32) {
    throw new RangeError(
      `netWeightsGrid: model.params.W1 must have 3072 rows (3 x 32 x 32 CIFAR-10 pixels), got shape ${formatShape(W1.shape)}`,
    );
  }
  // W1 (3072, H) with row d = c * 1024 + i * 32 + j is viewed as (3, 32, 32, H) and transposed
  // to (H, 32, 32, 3): element (h, i, j, c) sits at offset + d * s0 + h * s1. A view, no copy.
  const [s0, s1] = W1.stride;
  const images = ndarray(W1.data, [H, 32, 32, 3], [s1, 32 * s0, s0, 1024 * s0], W1.offset);
  return visualizeGrid(images, 255, 3);
}

/** The weight grid as 8-bit RGB pixels (`.astype('uint8')`). */
export function netWeightsImage(model: { params: { W1: Tensor } }): Uint8Image {
  return toUint8Image(netWeightsGrid(model));
}

/** Base64 of bytes. */
function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * A figure showing an 8-bit image pixel for pixel (an `image` trace whose source is the PNG, so
 * the figure stays small), axes hidden, square pixels.
 *
 * @param png the PNG bytes of `image`
 */
export function imageFigure(image: Uint8Image, png: Uint8Array, title: string): PlotlyFigure {
  const scale = Math.max(1, Math.min(3, Math.floor(640 / Math.max(image.width, image.height))));
  const hidden = { visible: false };
  return {
    data: [
      {
        type: 'image',
        source: `data:image/png;base64,${base64(png)}`,
        hoverinfo: 'x+y',
      },
    ],
    layout: {
      title: { text: title },
      width: image.width * scale + 40,
      height: image.height * scale + 80,
      margin: { l: 20, r: 20, t: 60, b: 20 },
      xaxis: { ...hidden },
      yaxis: { ...hidden, scaleanchor: 'x' },
    },
    config: { displaylogo: false },
  };
}

/**
 * The sweep view: a table of every run (sorted by learning rate, then regularisation, as the
 * assignment prints them; the best run marked) beside a heatmap of validation accuracy over
 * learning rate x regularisation (the best accuracy when several runs share a cell).
 *
 * @param results one entry per run
 */
export function tuningFigure(results: readonly TuningResult[]): PlotlyFigure {
  const runs = checkResults('tuningFigure', results);
  const sorted = [...runs].sort((a, b) => a.learningRate - b.learningRate || a.reg - b.reg);
  const best = bestResult(runs);
  const lrs = [...new Set(sorted.map((r) => r.learningRate))].sort((a, b) => a - b);
  const regs = [...new Set(sorted.map((r) => r.reg))].sort((a, b) => a - b);
  const z: (number | null)[][] = regs.map(() => lrs.map(() => null));
  for (const r of runs) {
    const row = regs.indexOf(r.reg);
    const col = lrs.indexOf(r.learningRate);
    const cur = z[row][col];
    if (cur === null || r.valAcc > cur) z[row][col] = chartValue(r.valAcc, 4);
  }
  const columns: [string, (r: TuningResult) => string][] = [
    ['learning rate', (r) => shortNumber(r.learningRate)],
    ['reg', (r) => shortNumber(r.reg)],
  ];
  if (runs.some((r) => r.hiddenDim !== undefined)) {
    columns.push(['hidden', (r) => (r.hiddenDim === undefined ? '' : String(r.hiddenDim))]);
  }
  if (runs.some((r) => r.numEpochs !== undefined)) {
    columns.push(['epochs', (r) => (r.numEpochs === undefined ? '' : String(r.numEpochs))]);
  }
  if (runs.some((r) => r.trainAcc !== undefined)) {
    columns.push(['train acc', (r) => (r.trainAcc === undefined ? '' : r.trainAcc.toFixed(3))]);
  }
  columns.push(['val acc', (r) => `${r.valAcc.toFixed(3)}${r === best ? ' (best)' : ''}`]);
  const rowColors = sorted.map((r) => (r === best ? '#fff3b0' : 'white'));
  const height = Math.max(400, 180 + 34 * sorted.length);
  return {
    data: [
      {
        type: 'table',
        domain: { x: [0, 0.48], y: [0, 1] },
        header: {
          values: columns.map(([name]) => `<b>${name}</b>`),
          fill: { color: '#e8e8e8' },
          align: 'center',
        },
        cells: {
          values: columns.map(([, cell]) => sorted.map(cell)),
          fill: { color: [rowColors] },
          align: 'center',
          height: 24,
        },
      },
      {
        type: 'heatmap',
        x: lrs.map(shortNumber),
        y: regs.map(shortNumber),
        z,
        zmin: 0,
        zmax: Math.max(0.6, ...runs.map((r) => r.valAcc)),
        colorscale: 'Viridis',
        texttemplate: '%{z:.3f}',
        hovertemplate: 'lr %{x}, reg %{y}: val acc %{z:.3f}<extra></extra>',
        colorbar: { title: { text: 'val acc' } },
        xaxis: 'x',
        yaxis: 'y',
      },
    ],
    layout: {
      title: {
        text: `Hyperparameter sweep: best val acc ${best.valAcc.toFixed(3)} (lr ${shortNumber(best.learningRate)}, reg ${shortNumber(best.reg)})`,
      },
      xaxis: { domain: [0.58, 1], type: 'category', title: { text: 'learning rate' } },
      yaxis: { type: 'category', title: { text: 'regularisation' } },
      height,
      margin: { t: 60, r: 20, l: 20 },
    },
    config: CONFIG,
  };
}

function checkResults(fn: string, results: unknown): TuningResult[] {
  if (!Array.isArray(results) || results.length === 0) {
    throw new TypeError(
      `${fn}: results must be a non-empty array of { learningRate, reg, valAcc }, got ${Array.isArray(results) ? 'an empty array' : typeof results}`,
    );
  }
  results.forEach((r, i) => {
    const o = r as Partial<TuningResult> | null;
    for (const key of ['learningRate', 'reg', 'valAcc'] as const) {
      if (typeof o?.[key] !== 'number' || Number.isNaN(o[key])) {
        throw new TypeError(
          `${fn}: results[${i}].${key} must be a number, got ${String(o?.[key])}`,
        );
      }
    }
  });
  return results as TuningResult[];
}

/** The run with the highest validation accuracy (the first one on ties). */
export function bestResult(results: readonly TuningResult[]): TuningResult {
  const runs = checkResults('bestResult', results);
  return runs.reduce((b, r) => (r.valAcc > b.valAcc ? r : b));
}

// ---------------------------------------------------------------------------------------------
// Display bundles

let nextId = 0;

/** A fresh id for a display (and its HTML element). */
export function newDisplayId(): string {
  nextId += 1;
  return `cs231n-${randomBytes(6).toString('hex')}-${nextId}`;
}

/** JSON that is safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The text/html part of a chart: a div and a script that draws `figure` with `window.Plotly`
 * (plotly.js put once into the page, as the HTML export does). Without plotly.js it shows
 * `pngBase64` as an image if given, else a note.
 */
export function plotlyHtml(figure: PlotlyFigure, elementId: string, pngBase64?: string): string {
  const height = typeof figure.layout.height === 'number' ? figure.layout.height : 450;
  const fallback = pngBase64
    ? `'<img alt="chart" src="data:image/png;base64,' + ${JSON.stringify(pngBase64)} + '">'`
    : `'<pre>(Plotly chart: plotly.js is not loaded in this page)</pre>'`;
  return [
    `<div id="${elementId}" class="cs231n-plotly" style="width:100%;min-height:${height}px"></div>`,
    '<script type="text/javascript">',
    '(function () {',
    `  var el = document.getElementById(${JSON.stringify(elementId)});`,
    `  var fig = ${scriptJson(figure)};`,
    '  if (!el) return;',
    '  if (window.Plotly) { window.Plotly.newPlot(el, fig.data, fig.layout, fig.config || {}); }',
    `  else { el.style.minHeight = ''; el.innerHTML = ${fallback}; }`,
    '})();',
    '</script>',
  ].join('\n');
}

/**
 * A display bundle for a figure: plotly JSON, the HTML fallback (unless `html` is false),
 * image/png if given, and text/plain.
 */
export function figureBundle(
  figure: PlotlyFigure,
  options: { text?: string; png?: Uint8Array; elementId?: string; html?: boolean } = {},
): MimeBundle {
  const png = options.png === undefined ? undefined : base64(options.png);
  const title = (figure.layout.title as { text?: string } | undefined)?.text;
  const bundle: MimeBundle = { [PLOTLY_MIME]: figure };
  if (options.html !== false) {
    bundle['text/html'] = plotlyHtml(figure, options.elementId ?? newDisplayId(), png);
  }
  if (png !== undefined) bundle['image/png'] = png;
  bundle['text/plain'] = options.text ?? `<Plotly chart${title ? `: ${title}` : ''}>`;
  return bundle;
}

let sinkOverride: DisplaySink | null = null;

/**
 * Redirects display output to `sink` (tests, other front ends); `null` goes back to the tslab
 * kernel. Returns the previous override.
 */
export function setDisplaySink(sink: DisplaySink | null): DisplaySink | null {
  const previous = sinkOverride;
  sinkOverride = sink;
  return previous;
}

/** The tslab kernel's display function, or null outside a tslab kernel. */
function kernelSink(): DisplaySink | null {
  if (!('__tslab__' in globalThis)) return null;
  // Loaded lazily: only inside the kernel, where tslab is the running program.
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: DisplaySink | null };
  return jupyter.lastWriteDisplayData;
}

/**
 * A display output that can be replaced in place: the first `show` creates it, later ones update
 * it (Jupyter `update_display_data` with the same display id).
 */
export class DisplayHandle {
  readonly id: string;
  private shown = false;

  constructor(id = newDisplayId()) {
    this.id = id;
  }

  /** Shows `bundle` (first call) or replaces what this handle showed before. */
  show(bundle: MimeBundle): void {
    const update = this.shown;
    this.shown = true;
    displayBundle(bundle, { displayId: this.id, update });
  }
}

/**
 * Sends a display bundle to the notebook (the tslab kernel, or the sink set with
 * {@link setDisplaySink}); outside a kernel it prints the bundle's text/plain.
 */
export function displayBundle(
  bundle: MimeBundle,
  options: { displayId?: string; update?: boolean } = {},
): void {
  if (typeof bundle !== 'object' || bundle === null || Object.keys(bundle).length === 0) {
    throw new TypeError('displayBundle: bundle must be a non-empty { mimetype: data } object');
  }
  const sink = sinkOverride ?? kernelSink();
  if (sink === null) {
    console.log(String(bundle['text/plain'] ?? Object.keys(bundle).join(', ')));
    return;
  }
  const transient = options.displayId === undefined ? {} : { display_id: options.displayId };
  sink({ data: bundle, metadata: {}, transient }, options.update === true);
}

/** Shows a figure in the notebook (see the module comment for what is sent). */
export function showFigure(figure: PlotlyFigure, text?: string): void {
  displayBundle(figureBundle(figure, { text }));
}

// ---------------------------------------------------------------------------------------------
// One-call notebook helpers

/** Training loss per iteration (`plt.plot(solver.loss_history, 'o')`). */
export function plotLossHistory(lossHistory: readonly number[]): void {
  const fig = lossFigure(lossHistory);
  showFigure(fig, `<Training loss: ${lossHistory.length} iterations>`);
}

/** Train / val accuracy per epoch with the dashed 0.5 line. */
export function plotAccuracyHistory(
  trainAccHistory: readonly number[],
  valAccHistory: readonly number[],
): void {
  const fig = accuracyFigure(trainAccHistory, valAccHistory);
  const last = valAccHistory[valAccHistory.length - 1];
  showFigure(fig, `<Accuracy: ${valAccHistory.length} checks, last val acc ${last}>`);
}

/** The "Debug the training" cell: loss per iteration and train / val accuracy per epoch. */
export function plotTrainingHistory(solver: TrainingHistory): void {
  const h = checkHistory('plotTrainingHistory', solver);
  const lastVal = h.valAccHistory[h.valAccHistory.length - 1];
  showFigure(
    trainingHistoryFigure(h),
    `<Training loss (${h.lossHistory.length} iterations) and accuracy (${h.valAccHistory.length} checks, last val acc ${lastVal})>`,
  );
}

/**
 * `show_net_weights(net)`: the first-layer weights of a TwoLayerNet as a grid of 32x32 colour
 * images. The bundle is the Plotly figure (an image trace whose source is the PNG) and the
 * image/png itself, with no text/html: the PNG is the large part, so it is carried twice, not
 * three times. JupyterLab's plotly renderer shows the PNG and swaps in the interactive figure on
 * mouse-over; nbconvert's HTML export and viewers that run no scripts show the PNG.
 */
export function showNetWeights(model: { params: { W1: Tensor } }): void {
  const image = netWeightsImage(model);
  const png = encodePNG(image);
  const H = model.params.W1.shape[1];
  const fig = imageFigure(image, png, `First-layer weights (${H} hidden units)`);
  displayBundle(
    figureBundle(fig, {
      png,
      html: false,
      text: `<First-layer weights: ${H} images of 32x32x3 in a ${image.width}x${image.height} grid>`,
    }),
  );
}

/** The sweep results: table plus heatmap of validation accuracy over learning rate x reg. */
export function showTuningResults(results: readonly TuningResult[]): void {
  const fig = tuningFigure(results);
  const best = bestResult(results);
  showFigure(
    fig,
    `<Sweep of ${results.length} runs; best val acc ${best.valAcc} at lr ${shortNumber(best.learningRate)}, reg ${shortNumber(best.reg)}>`,
  );
}

// ---------------------------------------------------------------------------------------------
// Live training view

/** What the Solver reports after each iteration (see `SolverOptions.onIteration`). */
export interface IterationUpdate {
  iteration: number;
  numIterations: number;
  epoch: number;
  numEpochs: number;
  loss: number;
}

/** What the Solver reports after each accuracy check (see `SolverOptions.onEpoch`). */
export interface EpochUpdate {
  epoch: number;
  numEpochs: number;
  trainAcc: number;
  valAcc: number;
}

/** Options of {@link liveTrainingView}. */
export interface LiveTrainingViewOptions {
  /** heading shown above the bar */
  title?: string;
  /** draw the live loss / accuracy chart (true); false: progress bar only */
  chart?: boolean;
  /** minimum time between progress-bar updates, ms (500) */
  barIntervalMs?: number;
  /** minimum time between chart updates, ms (2000); the chart is also redrawn at every check */
  chartIntervalMs?: number;
  /** print the Solver's log lines (true) */
  printLog?: boolean;
  /** the clock (Date.now); tests pass their own */
  now?: () => number;
}

/** Callbacks for the Solver's options, plus `finish` to draw the final frame yourself. */
export interface LiveTrainingView {
  log: (line: string) => void;
  onIteration: (p: IterationUpdate) => void;
  onEpoch: (p: EpochUpdate) => void;
  /** draws the bar and the final (Plotly) chart with everything received so far; the Solver's
   * check after its last iteration does this by itself */
  finish: () => void;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A progress bar and a loss / accuracy chart that update in place (display updates with a
 * display id) while a Solver trains, while the Solver's log lines still print below them. Spread
 * the result into the Solver's options: `new Solver(model, data, { ...options,
 * ...liveTrainingView() })`. Updates are throttled (`barIntervalMs`, `chartIntervalMs`). While
 * training the chart is an SVG; after the last iteration's accuracy check it becomes the
 * interactive Plotly figure.
 */
export function liveTrainingView(options: LiveTrainingViewOptions = {}): LiveTrainingView {
  const {
    title = 'Training',
    chart = true,
    barIntervalMs = 500,
    chartIntervalMs = 2000,
    printLog = true,
    now = Date.now,
  } = options;
  if (!(barIntervalMs >= 0) || !(chartIntervalMs >= 0)) {
    throw new RangeError(
      `liveTrainingView: barIntervalMs and chartIntervalMs must be >= 0, got ${barIntervalMs} and ${chartIntervalMs}`,
    );
  }
  const bar = new DisplayHandle();
  const chartHandle = chart ? new DisplayHandle() : null;
  const chartElementId = newDisplayId();
  const losses: number[] = [];
  const trainAcc: number[] = [];
  const valAcc: number[] = [];
  let last: IterationUpdate | null = null;
  let started = -1;
  let lastBar = Number.NEGATIVE_INFINITY;
  let lastChart = Number.NEGATIVE_INFINITY;
  let epochsChecked = 0;
  /** iteration of the first non-finite loss, 0 while the loss is finite */
  let diverged = 0;

  function barBundle(): MimeBundle {
    const p = last;
    const done = p ? p.iteration : 0;
    const total = p ? p.numIterations : 1;
    const frac = Math.min(1, done / Math.max(1, total));
    const elapsed = started < 0 ? 0 : (now() - started) / 1000;
    const eta = done > 0 ? (elapsed * (total - done)) / done : Number.NaN;
    const epoch = p ? Math.max(p.epoch, epochsChecked) : 0;
    const acc =
      valAcc.length > 0
        ? ` · val acc ${valAcc[valAcc.length - 1].toFixed(3)} (best ${Math.max(...valAcc).toFixed(3)})`
        : '';
    // A non-finite loss: the Solver stops such a run (stopOnDivergence) or it goes on to no avail.
    const tail = diverged
      ? ` · diverged at iteration ${diverged}`
      : done < total
        ? `, ~${formatSeconds(eta)} left`
        : '';
    const status = p
      ? `iteration ${done} / ${total} · epoch ${epoch} / ${p.numEpochs} · loss ${formatLoss(p.loss)}${acc} · ${formatSeconds(elapsed)} elapsed${tail}`
      : 'starting';
    const width = 30;
    const filled = Math.round(frac * width);
    return {
      'text/html': `<div class="cs231n-progress"><b>${escapeHtml(title)}</b> <progress value="${done}" max="${total}" style="width:40%;vertical-align:middle"></progress> <code>${escapeHtml(status)}</code></div>`,
      'text/plain': `${title} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${status}`,
    };
  }

  function drawBar(): void {
    lastBar = now();
    bar.show(barBundle());
  }

  /**
   * Redraws the chart: an SVG while training (JupyterLab's plotly renderer ignores updates of a
   * drawn chart, see lib/svgChart.ts), the interactive Plotly figure for the final frame (a new
   * mimetype, so JupyterLab draws it afresh).
   */
  function drawChart(final: boolean): void {
    if (chartHandle === null) return;
    lastChart = now();
    const history = { lossHistory: losses, trainAccHistory: trainAcc, valAccHistory: valAcc };
    const text = `<Training chart: ${losses.length} iterations, ${valAcc.length} accuracy checks>`;
    if (!final) {
      chartHandle.show({ 'image/svg+xml': trainingSvg(history), 'text/plain': text });
      return;
    }
    const fig = trainingHistoryFigure(history);
    fig.layout.height = 560;
    chartHandle.show(figureBundle(fig, { elementId: chartElementId, text }));
  }

  const trainingDone = () => last !== null && last.iteration >= last.numIterations;

  return {
    log(line: string): void {
      if (printLog) console.log(line);
    },
    onIteration(p: IterationUpdate): void {
      if (started < 0) started = now();
      last = p;
      losses.push(p.loss);
      if (!Number.isFinite(p.loss) && diverged === 0) {
        diverged = p.iteration;
        drawBar();
      }
      const t = now();
      const final = p.iteration >= p.numIterations;
      if (final || t - lastBar >= barIntervalMs) drawBar();
      if (final || t - lastChart >= chartIntervalMs) drawChart(false);
    },
    onEpoch(p: EpochUpdate): void {
      trainAcc.push(p.trainAcc);
      valAcc.push(p.valAcc);
      epochsChecked = p.epoch;
      drawBar();
      // The Solver checks accuracy after the last iteration: that check draws the final frame.
      drawChart(trainingDone());
    },
    finish(): void {
      drawBar();
      drawChart(true);
    },
  };
}
