/** The sweep chart of the BatchNormalization notebook's weight-scale experiment. */
import { afterEach, describe, expect, it } from 'vitest';
import { plotSweep } from '../../lib';
import { type DisplayMessage, PLOTLY_MIME, setDisplaySink } from '../../lib/notebook/display';
import { sweepFigure, sweepSvg } from '../../lib/notebook/sweepChart';
import { pngInfo } from '../helpers/pngInfo';

afterEach(() => {
  setDisplaySink(null);
});

const x = [1e-4, 1e-3, 1e-2, 1e-1, 1];
const panels = [
  {
    title: 'Best val accuracy vs. weight initialization scale',
    yLabel: 'Best val accuracy',
    series: [
      { label: 'baseline', values: [0.1, 0.2, 0.3, 0.2, 0.1] },
      { label: 'batchnorm', values: [0.3, 0.33, 0.35, 0.34, 0.3] },
    ],
  },
  {
    title: 'Final training loss vs. weight initialization scale',
    yLabel: 'Final training loss',
    series: [
      { label: 'baseline', values: [2.3, 2.0, 1.5, 2.1, Number.NaN] },
      { label: 'batchnorm', values: [1.4, 1.3, 1.2, 1.3, 1.5] },
    ],
    yRange: [1, 3.5] as const,
  },
];

describe('sweep chart', () => {
  it('has a log x axis per panel, one trace per series, NaN as a gap, the fixed y range', () => {
    const fig = sweepFigure(x, panels, 'Weight initialization scale');
    expect(fig.data).toHaveLength(4);
    expect((fig.layout.xaxis as { type: string }).type).toBe('log');
    expect((fig.layout.xaxis2 as { type: string }).type).toBe('log');
    expect((fig.layout.yaxis2 as { range: number[] }).range).toEqual([1, 3.5]);
    expect(fig.data[2].y).toEqual([2.3, 2, 1.5, 2.1, null]);
    expect(fig.data.filter((t) => t.showlegend).map((t) => t.name)).toEqual([
      'baseline',
      'batchnorm',
    ]);
    expect((sweepFigure(x, panels, 'scale', false).layout.xaxis as { type: string }).type).toBe(
      'linear',
    );
  });

  it('shows the figure with a PNG of both panels', () => {
    expect(sweepSvg(x, panels, 'scale')).toContain('log10 of scale');
    const messages: DisplayMessage[] = [];
    setDisplaySink((m) => messages.push(m));
    plotSweep(x, panels, { xLabel: 'Weight initialization scale' });
    expect(messages).toHaveLength(1);
    expect(messages[0].data[PLOTLY_MIME]).toBeDefined();
    const info = pngInfo(Buffer.from(String(messages[0].data['image/png']), 'base64'));
    expect(info.height).toBe(480);
    expect(info.inkedRows.slice(0, 240).some(Boolean)).toBe(true);
    expect(info.inkedRows.slice(240).some(Boolean)).toBe(true);
  });

  it('names the bad argument', () => {
    expect(() => plotSweep([0, 1], panels, { xLabel: 's' })).toThrow(
      'plotSweep: x must be positive for a log axis, got 0, 1',
    );
    expect(() => plotSweep(x.slice(1), panels, { xLabel: 's' })).toThrow(
      "plotSweep: panels[0].series[0] ('baseline') has 5 values for 4 x values",
    );
    expect(() => plotSweep(x, [], { xLabel: 's' })).toThrow(/panels must be a non-empty array/);
    expect(() => plotSweep(x, panels, { xlabel: 's' } as never)).toThrow(
      /unknown option 'xlabel'.*did you mean 'xLabel'/,
    );
  });
});
