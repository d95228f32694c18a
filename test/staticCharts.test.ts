import { afterEach, describe, expect, it } from 'vitest';
import { type DisplayMessage, PLOTLY_MIME, setDisplaySink } from '../lib/notebook/display';
import { lossFigure, lossSvg, trainingHistoryFigure, tuningSvg } from '../lib/notebook/figures';
import { plotTrainingHistory, showTuningResults } from '../lib/notebook/helpers';
import { lossScale } from '../lib/notebook/lossScale';
import { svgToPng } from '../lib/notebook/raster';
import { viridis } from '../lib/notebook/tableHeatmap';
import { pngInfo } from './helpers/pngInfo';

let messages: DisplayMessage[] = [];
afterEach(() => {
  setDisplaySink(null);
  messages = [];
});

const png = (m: DisplayMessage) => Buffer.from(String(m.data['image/png']), 'base64');

describe('loss scale of a diverging run', () => {
  const sensible = Array.from({ length: 100 }, (_, i) => 2.3 - i / 200);
  const diverged = [...sensible, 50, 1e10, 1e303, Number.POSITIVE_INFINITY, Number.NaN];

  it('keeps a finite run in full view', () => {
    const s = lossScale(sensible);
    expect(s.range[0]).toBeLessThan(2.3 - 99 / 200);
    expect(s.range[1]).toBeGreaterThan(2.3);
    expect(s.range[1]).toBeLessThan(2.5);
    expect([s.divergedAt, s.clippedFrom, s.clipped, s.note]).toEqual([0, 0, [], '']);
  });

  it('fits the range to the sensible losses, clips the huge ones and marks the divergence', () => {
    const s = lossScale(diverged);
    expect(s.range[1]).toBeLessThan(2.5);
    expect(s.clipped).toEqual([100, 101, 102]);
    expect(s.clippedFrom).toBe(101);
    expect(s.divergedAt).toBe(104);
    expect(s.note).toBe(
      'loss off the chart from iteration 101 (up to 1e+303); diverged at iteration 104 (loss Infinity)',
    );
  });

  it('puts the range, the clipped markers and the mark into the Plotly figures', () => {
    for (const fig of [
      lossFigure(diverged),
      trainingHistoryFigure({
        lossHistory: diverged,
        trainAccHistory: [0.1],
        valAccHistory: [0.1],
      }),
    ]) {
      const layout = fig.layout as {
        yaxis: { range: number[] };
        shapes: { x0: number }[];
        annotations: { text: string }[];
      };
      expect(layout.yaxis.range[1]).toBeLessThan(2.5);
      expect(layout.shapes[0].x0).toBe(100);
      expect(layout.annotations.map((a) => a.text)).toContain(lossScale(diverged).note);
      const clippedTrace = fig.data.find((t) => t.name === 'clipped loss') as { x: number[] };
      expect(clippedTrace.x).toEqual([100, 101, 102]);
      expect((fig.data[0] as { y: (number | null)[] }).y.slice(99, 105)).toEqual([
        1.805,
        null,
        null,
        null,
        null,
        null,
      ]);
    }
  });

  it('draws the same in SVG', () => {
    const svg = lossSvg(diverged);
    expect(svg).toContain('diverged at iteration 104 (loss Infinity)');
    // the three clipped losses as red triangles on the top edge, as in the Plotly figure
    const triangles = svg.match(/<path data-series="clipped loss" d="([^"]*)" fill="#d62728"\/>/);
    expect(triangles?.[1].match(/z/g)).toHaveLength(3);
  });
});

describe('static images', () => {
  it('rasterises SVG in Node, text included', () => {
    const info = pngInfo(svgToPng(lossSvg([3, 2, 1])));
    expect([info.width, info.height]).toEqual([860, 240]);
    expect(info.inked).toBeGreaterThan(0.3);
    expect(pngInfo(svgToPng(lossSvg([3, 2, 1]), 2)).width).toBe(1720);
    expect(() => svgToPng('<div/>')).toThrow(/svgToPng: svg must be the text of an <svg> document/);
    expect(() => svgToPng(lossSvg([1]), 0)).toThrow(/svgToPng: scale must be in \(0, 8\], got 0/);
  });

  it('sends every chart with an image/png, also shown by its HTML part without scripts', () => {
    setDisplaySink((m) => messages.push(m));
    const history = {
      lossHistory: [2.3, 2.1, 1.9],
      trainAccHistory: [0.1, 0.3],
      valAccHistory: [0.1, 0.25],
    };
    plotTrainingHistory(history);
    showTuningResults([
      { learningRate: 1e-3, reg: 0.1, valAcc: 0.4 },
      { learningRate: 1e-2, reg: 0.1, valAcc: 0.45 },
    ]);
    expect(messages).toHaveLength(2);
    const heights = [480, 400];
    messages.forEach((m, i) => {
      expect(Object.keys(m.data).sort()).toEqual([
        PLOTLY_MIME,
        'image/png',
        'text/html',
        'text/plain',
      ]);
      const info = pngInfo(png(m));
      expect(info.height).toBe(heights[i]);
      expect(info.inked).toBeGreaterThan(0.2);
      const html = String(m.data['text/html']);
      // The image sits in the div before any script runs; the script swaps in Plotly if present.
      const div = html.slice(0, html.indexOf('</div>'));
      expect(div).toContain(`<img alt=`);
      expect(div).toContain(`src="data:image/png;base64,${m.data['image/png']}"`);
      expect(html).toContain('if (!el || !window.Plotly) return;');
    });
  });

  it('draws the sweep as a table and a Viridis heatmap', () => {
    const svg = tuningSvg([
      { learningRate: 4, reg: 1e-3, valAcc: 0.087 },
      { learningRate: 4e-4, reg: 1e-3, valAcc: 0.45 },
    ]);
    expect(svg.indexOf('>4e-4<')).toBeLessThan(svg.indexOf('>4<')); // sorted by learning rate
    expect(svg).toContain('0.450 (best)');
    expect(svg).toContain(`fill="${viridis(0.45 / 0.6)}"`);
    expect([viridis(0), viridis(1), viridis(0.5)]).toEqual(['#440154', '#fde725', '#21918c']);
  });
});
