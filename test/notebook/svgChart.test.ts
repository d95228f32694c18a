import { afterEach, describe, expect, it } from 'vitest';
import { type DisplayMessage, PLOTLY_MIME, setDisplaySink } from '../../lib/notebook/display';
import { lossSvg, tuningSvg } from '../../lib/notebook/figures';
import { plotTrainingHistory, showTuningResults } from '../../lib/notebook/helpers';
import { svgToPng } from '../../lib/notebook/raster';
import { viridis } from '../../lib/notebook/tableHeatmap';
import { pngInfo } from '../helpers/pngInfo';

let messages: DisplayMessage[] = [];
afterEach(() => {
  setDisplaySink(null);
  messages = [];
});

const png = (m: DisplayMessage) => Buffer.from(String(m.data['image/png']), 'base64');

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
