import { afterEach, describe, expect, it } from 'vitest';
import { RandomState } from '../../lib/core/random';
import { tensor } from '../../lib/core/tensor';
import { misclassifiedGrid, showMisclassified } from '../../lib/imageFeatures/mistakes';
import { rdbuReversed, toSvg } from '../../lib/notebook/chartSpec';
import {
  crossValidationChart,
  crossValidationFigure,
  crossValidationSummary,
  hyperparameterChart,
  plotLossCurve,
  type SearchResult,
  showCrossValidation,
  showHyperparameterSearch,
} from '../../lib/notebook/classifierCharts';
import {
  classTemplatesGrid,
  showClassSamples,
  showClassTemplates,
  showImage,
} from '../../lib/notebook/classifierImages';
import { type DisplayMessage, PLOTLY_MIME, setDisplaySink } from '../../lib/notebook/display';
import { encodePNG } from '../../lib/notebook/png';
import { PANEL_HEIGHT, SVG_WIDTH } from '../../lib/notebook/svgChart';

import { titledGridSvg } from '../../lib/notebook/svgGrid';
import { pngInfo } from '../helpers/pngInfo';

let messages: DisplayMessage[] = [];
function capture(): void {
  messages = [];
  setDisplaySink((m) => messages.push(m));
}
afterEach(() => {
  setDisplaySink(null);
  messages = [];
});

const pngOf = (m: DisplayMessage) => Buffer.from(String(m.data['image/png']), 'base64');
const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;

const kToAccuracies = new Map<number, number[]>([
  [1, [0.26, 0.25, 0.27, 0.28, 0.26]],
  [5, [0.27, 0.26, 0.28, 0.29, 0.27]],
  [10, [0.28, 0.27, 0.29, 0.28, 0.3]],
  [50, [0.26, 0.27, 0.27, 0.26, 0.25]],
]);

describe('cross-validation chart', () => {
  it('shows the Plotly figure with a PNG of every fold and mean', () => {
    capture();
    showCrossValidation(kToAccuracies);
    expect(messages).toHaveLength(1);
    const data = messages[0].data;
    expect(Object.keys(data)).toEqual([PLOTLY_MIME, 'text/html', 'image/png', 'text/plain']);
    expect(String(data['text/html'])).toContain(`base64,${data['image/png']}`);
    const info = pngInfo(pngOf(messages[0]));
    expect([info.width, info.height]).toEqual([SVG_WIDTH, PANEL_HEIGHT]);
    expect(info.inked).toBeGreaterThan(0.5);
  });

  it('draws one dot per fold, one mean and one error bar per k, at the right places', () => {
    const summary = crossValidationSummary('t', kToAccuracies);
    expect(summary.map((s) => s.k)).toEqual([1, 5, 10, 50]);
    expect(summary[0].mean).toBeCloseTo(0.264, 12);
    expect(summary[0].std).toBeCloseTo(Math.sqrt(0.000104), 12);
    const svg = toSvg(crossValidationChart(summary));
    /** The points of one series' markers (the first path drawn for it with that label). */
    const points = (label: string) =>
      [
        ...(svg.match(new RegExp(`<path data-series="${label}" d="([^"]*)"`))?.[1] ?? '').matchAll(
          /M([\d.]+) ([\d.]+)h0/g,
        ),
      ].map((m) => [Number(m[1]), Number(m[2])]);
    expect(points('one fold')).toHaveLength(20);
    expect(points('mean ± std')).toHaveLength(4);
    const bars = svg.match(/<path d="([^"]*)" stroke="#ff7f0e" stroke-width="1.5"/)?.[1] ?? '';
    expect(count(bars, /V/g)).toBe(4);
    // Means rise from k=1 to k=10 and fall at 50: higher accuracy is a smaller y.
    const ys = points('mean ± std').map(([, y]) => y);
    expect(ys[2]).toBeLessThan(ys[1]);
    expect(ys[1]).toBeLessThan(ys[0]);
    expect(ys[3]).toBeGreaterThan(ys[2]);
    // The plotted traces agree with the summary.
    const fig = crossValidationFigure(kToAccuracies);
    expect((fig.data[0] as { y: number[] }).y).toHaveLength(20);
  });

  it('names the function on bad input', () => {
    expect(() => showCrossValidation(new Map())).toThrow(
      /showCrossValidation: kToAccuracies is empty/,
    );
    expect(() => crossValidationFigure(new Map([[3, []]]))).toThrow(/k = 3 has no accuracies/);
  });
});

describe('loss curve', () => {
  it('carries a PNG of the loss panel', () => {
    capture();
    plotLossCurve(Array.from({ length: 300 }, (_, i) => 9 * Math.exp(-i / 50) + 1));
    const data = messages[0].data;
    expect(data[PLOTLY_MIME]).toBeDefined();
    const info = pngInfo(pngOf(messages[0]));
    expect([info.width, info.height]).toEqual([SVG_WIDTH, PANEL_HEIGHT]);
    expect(info.inked).toBeGreaterThan(0.5);
  });
});

describe('learning rate x regularisation search chart', () => {
  const results: SearchResult[] = [];
  for (const [i, learningRate] of [1e-7, 2e-7, 4e-7].entries())
    for (const [j, reg] of [2.5e3, 5e3].entries())
      results.push({
        learningRate,
        reg,
        trainAcc: 0.3 + 0.01 * (i + j),
        valAcc: 0.35 + 0.01 * i - 0.02 * j,
      });

  it('shows both panels as a PNG', () => {
    capture();
    showHyperparameterSearch(results);
    const data = messages[0].data;
    expect(Object.keys(data)).toEqual([PLOTLY_MIME, 'text/html', 'image/png', 'text/plain']);
    const info = pngInfo(pngOf(messages[0]));
    expect([info.width, info.height]).toEqual([SVG_WIDTH, 2 * PANEL_HEIGHT]);
    expect(info.inked).toBeGreaterThan(0.5);
  });

  it('draws each run once per panel, coloured from red (lowest) to blue (highest)', () => {
    const svg = toSvg(hyperparameterChart(results));
    expect(count(svg, /class="point"/g)).toBe(12);
    const fills = [...svg.matchAll(/class="point"[^>]*fill="([^"]+)"/g)].map((m) => m[1]);
    // Second panel (val): best is lr 4e-7, reg 2.5e3 (index 4), worst lr 1e-7, reg 5e3 (index 1).
    expect(fills[6 + 4]).toBe(rdbuReversed(1));
    expect(fills[6 + 1]).toBe(rdbuReversed(0));
    expect(rdbuReversed(1)).toBe('rgb(5,10,172)');
    expect(rdbuReversed(0)).toBe('rgb(178,10,28)');
    expect(svg).toContain('CIFAR-10 validation accuracy');
  });
});

describe('image grids carry their class titles in the static PNG', () => {
  const classes = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  const rng = new RandomState(0);
  const W = tensor(
    [3073, 10],
    Float64Array.from({ length: 3073 * 10 }, () => rng.randn()),
  );

  it('draws every class name above its template', () => {
    const g = classTemplatesGrid(W);
    const svg = titledGridSvg(
      g,
      encodePNG(g.image),
      'Templates',
      (r, c) => classes[r * g.cols + c],
    );
    expect(count(svg, /class="label"/g)).toBe(10);
    for (const c of classes) expect(svg).toContain(`>${c}</text>`);
    capture();
    showClassTemplates(W, classes);
    const data = messages[0].data;
    const figureSource = (data[PLOTLY_MIME] as { data: { source: string }[] }).data[0].source;
    expect(figureSource).toBe(
      `data:image/png;base64,${Buffer.from(encodePNG(g.image)).toString('base64')}`,
    );
    const info = pngInfo(pngOf(messages[0]));
    // 10 px margins, 30 px title band, an 18 px label band over each of the 2 rows.
    expect(info.width).toBe(g.image.width + 20);
    expect(info.height).toBe(30 + 2 * 18 + g.image.height + 10);
    // Title and label bands hold text; the label band of row 0 is rows 30..47.
    expect(info.inkedRows.slice(5, 25).some(Boolean)).toBe(true);
    expect(info.inkedRows.slice(30, 48).some(Boolean)).toBe(true);
    expect(info.inkedRows.slice(48, 48 + g.cellHeight).every(Boolean)).toBe(true);
  });

  it('puts the class names above the sample columns only', () => {
    const X = tensor(
      [20, 32, 32, 3],
      Float64Array.from({ length: 20 * 3072 }, (_, i) => i % 256),
    );
    const y = Int32Array.from({ length: 20 }, (_, i) => i % 10);
    capture();
    showClassSamples(X, y, classes, 2, new RandomState(1));
    const info = pngInfo(pngOf(messages[0]));
    // 10 columns of 64 px cells 4 px apart, two rows, one label band.
    expect(info.width).toBe(10 * 64 + 9 * 4 + 20);
    expect(info.height).toBe(30 + 18 + 2 * 64 + 4 + 10);
  });

  it('leaves a grid without titles as it was', () => {
    capture();
    showImage(tensor([32, 32, 3], new Float64Array(3072).fill(128)), 'Mean');
    const data = messages[0].data;
    expect((data[PLOTLY_MIME] as { data: { source: string }[] }).data[0].source).toBe(
      `data:image/png;base64,${data['image/png']}`,
    );
  });

  it('puts the predicted class names above the misclassified columns', () => {
    const n = 6;
    const images = tensor([n, 32, 32, 3]);
    for (let i = 0; i < n; i++) images.data.fill(40 * i, i * 3072, (i + 1) * 3072);
    const result = misclassifiedGrid(images, [0, 1, 1, 2, 0, 2], [1, 1, 0, 0, 1, 2], 3, 2);
    capture();
    showMisclassified(result, ['plane', 'car', 'bird']);
    const data = messages[0].data;
    const figure = data[PLOTLY_MIME] as { data: { source: string }[]; layout: { width: number } };
    expect(figure.data[0].source).not.toBe(`data:image/png;base64,${data['image/png']}`);
    const info = pngInfo(pngOf(messages[0]));
    const [gh, gw] = result.grid.shape;
    expect([info.width, info.height]).toEqual([gw + 20, 30 + 18 + gh + 10]);
    expect(info.inkedRows.slice(30, 48).some(Boolean)).toBe(true);
  });
});
