/**
 * The display transport: how a chart reaches the notebook, drawn offline everywhere it goes.
 *
 * Output strategy. Every chart is one display bundle with
 * - `application/vnd.plotly.v1+json` (the figure): JupyterLab draws it with the jupyterlab-plotly
 *   renderer that the `plotly` Python package installs (plotly.js bundled, no network), live and
 *   when the saved notebook is reopened (the renderer is "safe", so it also draws untrusted
 *   notebooks). With an image/png in the bundle that renderer shows the image first and the
 *   interactive chart on mouse-over;
 * - `image/png`: a static rendering of the chart (our SVG of it, rasterised in Node by ./raster),
 *   which GitHub, nbviewer and other viewers that run no scripts show;
 * - `text/html`: a `<div>` holding that PNG and a short script that replaces it with the figure
 *   drawn by `window.Plotly`. nbconvert's HTML export picks this one; scripts/export-notebook-html.ts
 *   puts plotly.js into the page once (never once per chart), so the exported page is
 *   self-contained and offline, and shows the PNG where JavaScript is off;
 * - `text/plain`: a one-line summary. The weight grid has no `text/html` (see `showNetWeights`):
 *   its PNG is the large part, so it is carried twice, not three times.
 *
 * Display goes through the running kernel's display channel, the same bundles on both kernels
 * (../core/runtime picks it): on tslab the function its public `display.*` uses (which sends one
 * mimetype per output; `tslab/dist/jupyter` `lastWriteDisplayData` sends a whole bundle), on Deno
 * `Deno.jupyter.broadcast`. Display ids make in-place updates possible (the live training view).
 * Outside a kernel the text/plain part is printed instead.
 */
import { randomBytes } from 'node:crypto';
import type { DisplaySink, MimeBundle } from '../core/displaySink';
import { kernelDisplaySink } from '../core/runtime';
import type { PlotlyFigure } from './figures';
import { base64 } from './png';
import { svgToPng } from './raster';

/** The mimetype JupyterLab's plotly renderer draws. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

export type { DisplayMessage, DisplaySink, MimeBundle } from '../core/displaySink';

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

/** Text made safe inside HTML (and its attribute values). */
function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * The text/html part of a chart: a div and a script that draws `figure` with `window.Plotly`
 * (plotly.js put once into the page, as the HTML export does). The div holds `pngBase64` as a
 * plain image until the script replaces it, so a page without JavaScript (or without plotly.js)
 * still shows the chart; without a PNG it holds a one-line note.
 */
export function plotlyHtml(figure: PlotlyFigure, elementId: string, pngBase64?: string): string {
  const height = typeof figure.layout.height === 'number' ? figure.layout.height : 450;
  const title = (figure.layout.title as { text?: string } | undefined)?.text ?? 'chart';
  const placeholder = pngBase64
    ? `<img alt="${escapeHtml(title)}" src="data:image/png;base64,${pngBase64}" style="max-width:100%">`
    : '<pre>(Plotly chart: plotly.js is not loaded in this page)</pre>';
  return [
    `<div id="${elementId}" class="cs231n-plotly" style="width:100%">${placeholder}</div>`,
    '<script type="text/javascript">',
    '(function () {',
    `  var el = document.getElementById(${JSON.stringify(elementId)});`,
    `  var fig = ${scriptJson(figure)};`,
    '  if (!el || !window.Plotly) return;',
    `  el.innerHTML = ''; el.style.minHeight = '${height}px';`,
    '  window.Plotly.newPlot(el, fig.data, fig.layout, fig.config || {});',
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
 * Redirects display output to `sink` (tests, other front ends); `null` goes back to the kernel's
 * channel. Returns the previous override.
 */
export function setDisplaySink(sink: DisplaySink | null): DisplaySink | null {
  const previous = sinkOverride;
  sinkOverride = sink;
  return previous;
}

/** True inside a notebook kernel (tslab or Deno), whose display channel is there to use. */
export function inKernel(): boolean {
  return kernelDisplaySink() !== null;
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
 * Sends a display bundle to the notebook (the kernel, or the sink set with
 * {@link setDisplaySink}); outside a kernel it prints the bundle's text/plain.
 */
export function displayBundle(
  bundle: MimeBundle,
  options: { displayId?: string; update?: boolean } = {},
): void {
  if (typeof bundle !== 'object' || bundle === null || Object.keys(bundle).length === 0) {
    throw new TypeError('displayBundle: bundle must be a non-empty { mimetype: data } object');
  }
  const sink = sinkOverride ?? kernelDisplaySink();
  if (sink === null) {
    console.log(String(bundle['text/plain'] ?? Object.keys(bundle).join(', ')));
    return;
  }
  const transient = options.displayId === undefined ? {} : { display_id: options.displayId };
  sink({ data: bundle, metadata: {}, transient }, options.update === true);
}

/**
 * Shows a figure in the notebook (see the module comment for what is sent); with `svg`, its
 * rasterised PNG goes along as image/png and as the HTML part's static image.
 */
export function showFigure(figure: PlotlyFigure, text?: string, svg?: string): void {
  const png = svg === undefined ? undefined : svgToPng(svg);
  displayBundle(figureBundle(figure, { text, png }));
}
