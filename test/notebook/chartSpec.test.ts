/**
 * The line-chart description (lib/notebook/chartSpec.ts) and its two renderers: what the Plotly
 * figure and the static SVG each make of the same panels, series, axes, marks and legend.
 */
import { describe, expect, it } from 'vitest';
import { type LineChart, rdbuReversed, toPlotly, toSvg } from '../../lib/notebook/chartSpec';
import { svgToPng } from '../../lib/notebook/raster';
import { PANEL_HEIGHT, SVG_WIDTH } from '../../lib/notebook/svgChart';
import { pngInfo } from '../helpers/pngInfo';

const chart: LineChart = {
  panels: [
    {
      title: 'Loss <top>',
      x: { label: 'Iteration' },
      y: { label: 'Loss', range: [0, 2] },
      series: [
        {
          label: 'a',
          x: [0, 1, 2, 3],
          y: [1.23456789, Number.NaN, 3, 0.5],
          draw: 'markers',
          color: '#111111',
          markerSize: 4,
          digits: 3,
        },
        { label: 'b', x: [0, 3], y: [1, 1], draw: 'lines', color: '#222222', dash: true },
      ],
      marks: [{ x: 2, note: 'diverged here', color: '#d62728' }],
    },
    {
      title: 'Sweep',
      x: { label: 'scale', log: true },
      y: { label: 'Accuracy' },
      series: [
        {
          label: 'a',
          x: [1, 10, 100],
          y: [0.1, 0.2, 0.4],
          draw: 'lines+markers',
          color: '#111111',
        },
        {
          label: 'c',
          x: [1, 10, 100],
          y: [0.3, 0.3, 0.3],
          errorY: [0.05, 0.1, 0],
          draw: 'lines+markers',
          color: '#333333',
        },
      ],
    },
  ],
  legend: { corner: 'upper right' },
};

describe('toPlotly', () => {
  const fig = toPlotly(chart);
  const layout = fig.layout as Record<string, { type?: string; range?: number[] } & object>;

  it('makes one trace per series, each label listed once, subplots sharing the legend', () => {
    expect(fig.data.map((t) => [t.name, t.xaxis ?? 'x', t.showlegend])).toEqual([
      ['a', 'x', true],
      ['b', 'x', true],
      ['a', 'x2', false],
      ['c', 'x2', true],
    ]);
    expect(fig.data.map((t) => t.legendgroup)).toEqual(['a', 'b', 'a', 'c']);
    expect(fig.data[0].y).toEqual([1.23, null, 3, 0.5]);
    expect(fig.data[0].mode).toBe('markers');
    expect(fig.data[1].line).toEqual({ color: '#222222', dash: 'dash' });
    expect(fig.data[3].error_y).toEqual({ type: 'data', array: [0.05, 0.1, 0], visible: true });
  });

  it('sets axis types and ranges, subplot titles, the marks and the legend', () => {
    expect([layout.xaxis.type, layout.xaxis2.type]).toEqual(['linear', 'log']);
    expect(layout.yaxis.range).toEqual([0, 2]);
    expect(layout.yaxis2.range).toBeUndefined();
    const annotations = fig.layout.annotations as { text: string; x?: number }[];
    expect(annotations.map((a) => a.text)).toEqual([
      '<b>Loss &lt;top&gt;</b>',
      'diverged here',
      '<b>Sweep</b>',
    ]);
    expect(fig.layout.shapes).toMatchObject([{ type: 'line', x0: 2, x1: 2, xref: 'x' }]);
    expect(fig.layout.legend).toMatchObject({ orientation: 'h' });
    expect(fig.layout.height).toBe(600);
    expect(JSON.parse(JSON.stringify(fig))).toEqual(fig);
  });

  it('gives a one-panel chart a figure title and colours points by value on a colour scale', () => {
    const one = toPlotly({
      panels: [
        {
          title: 'Search',
          x: { label: 'lr' },
          y: { label: 'reg' },
          series: [
            {
              label: 'runs',
              x: [1, 2],
              y: [3, 4],
              draw: 'markers',
              color: '#000',
              colorValues: [0.2, 0.4],
            },
          ],
        },
      ],
    });
    expect(one.layout.title).toEqual({ text: 'Search' });
    expect(one.layout.grid).toBeUndefined();
    expect(one.data[0].marker).toMatchObject({
      color: [0.2, 0.4],
      colorscale: 'RdBu',
      reversescale: true,
    });
  });
});

describe('toSvg', () => {
  const svg = toSvg(chart);
  /** The points (pixel x, y) of the first drawn element of a series. */
  const points = (label: string): number[][] => {
    const m = svg.match(new RegExp(`data-series="${label}" (?:d|points)="([^"]*)"`));
    return [...(m?.[1] ?? '').matchAll(/(?:M)?([\d.]+)[ ,]([\d.]+)/g)].map((p) => [
      Number(p[1]),
      Number(p[2]),
    ]);
  };

  it('stacks one panel per description panel, the log axis in log10 units', () => {
    expect(svg).toContain(`width="${SVG_WIDTH}" height="${2 * PANEL_HEIGHT}"`);
    expect(svg).toContain('log10 of scale');
    expect(svg).toContain('Loss &lt;top&gt;');
    const info = pngInfo(svgToPng(svg));
    expect(info.height).toBe(2 * PANEL_HEIGHT);
    expect(info.inkedRows.slice(0, PANEL_HEIGHT).some(Boolean)).toBe(true);
    expect(info.inkedRows.slice(PANEL_HEIGHT).some(Boolean)).toBe(true);
  });

  it('skips gaps, keeps values beyond a fixed range on its edge, spaces log x evenly', () => {
    const a = points('a');
    expect(a).toHaveLength(3); // the NaN is a gap
    expect(a[1][1]).toBeLessThan(a[0][1]); // 3 sits on the top edge of the range [0, 2]...
    const top = Math.min(...a.map(([, y]) => y));
    expect(a[1][1]).toBe(top);
    const logPts = [...svg.matchAll(/data-series="a" points="([^"]*)"/g)][0][1]
      .split(' ')
      .map((p) => Number(p.split(',')[0]));
    expect(logPts[1] - logPts[0]).toBeCloseTo(logPts[2] - logPts[1], 0);
  });

  it('draws the dashed line, the mark with its note, error bars and a legend entry per label', () => {
    expect(svg).toMatch(
      /data-series="b" points="[^"]*" fill="none" stroke="#222222" stroke-width="1.5" stroke-dasharray="6 4"/,
    );
    expect(svg).toContain('stroke="#d62728" stroke-dasharray="5 3"');
    expect(svg).toContain('>diverged here</text>');
    const bars = svg.match(/<path d="([^"]*)" stroke="#333333" stroke-width="1.5"/)?.[1] ?? '';
    expect(bars.match(/V/g)).toHaveLength(3);
    for (const label of ['a', 'b', 'c']) expect(svg.split(`>${label}</text>`)).toHaveLength(2);
  });

  it('colours value-coloured points from red (lowest) to blue (highest), with a colour bar', () => {
    const colored = toSvg({
      panels: [
        {
          title: 'Search',
          x: { label: 'lr', pad: 0.1 },
          y: { label: 'reg', pad: 0.1 },
          series: [
            {
              label: 'runs',
              x: [1, 2, 3],
              y: [3, 4, 5],
              draw: 'markers',
              color: '#000',
              colorValues: [0.2, 0.5, 0.4],
            },
          ],
        },
      ],
    });
    const fills = [...colored.matchAll(/class="point"[^>]*fill="([^"]+)"/g)].map((m) => m[1]);
    expect(fills).toEqual([rdbuReversed(0), rdbuReversed(1), rdbuReversed(2 / 3)]);
    expect(colored).toContain('>0.500</text>');
    expect(colored).toContain('>0.200</text>');
  });
});

describe('checkChart', () => {
  const panel = chart.panels[0];
  it('names the function, the panel and the series of a bad description', () => {
    const short = { ...panel, series: [{ ...panel.series[0], y: [1, 2] }] };
    expect(() => toPlotly({ panels: [short] })).toThrow(
      "toPlotly: panels[0].series[0] ('a') has 2 y values for 4 x values",
    );
    const bars = { ...panel, series: [{ ...panel.series[0], errorY: [1] }] };
    expect(() => toSvg({ panels: [bars] })).toThrow(
      "toSvg: panels[0].series[0] ('a') has 1 errorY values for 4 x values",
    );
    const logZero = {
      ...chart.panels[1],
      series: [{ ...chart.panels[1].series[0], x: [0, 1, 2] }],
    };
    expect(() => toSvg({ panels: [logZero] })).toThrow(
      "toSvg: panels[0].series[0] ('a') has x = 0 on a log x axis",
    );
    expect(() => toPlotly({ panels: [] })).toThrow(
      'toPlotly: chart.panels must be a non-empty array',
    );
  });
});
