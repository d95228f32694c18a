/** The several-runs chart of assignment 2's notebooks: figure, SVG/PNG and the display bundle. */
import { afterEach, describe, expect, it } from 'vitest';
import { plotRunComparison } from '../../lib';
import { comparisonFigure, comparisonSvg } from '../../lib/notebook/comparisonChart';
import { type DisplayMessage, PLOTLY_MIME, setDisplaySink } from '../../lib/notebook/display';
import { pngInfo } from '../helpers/pngInfo';

afterEach(() => {
  setDisplaySink(null);
});

const run = (label: string, base: number, diverge = false) => ({
  label,
  history: {
    lossHistory: Array.from({ length: 40 }, (_, i) =>
      diverge && i > 30 ? Number.POSITIVE_INFINITY : base - i / 40,
    ),
    trainAccHistory: [0.1, 0.2 + base / 10, 0.3 + base / 10],
    valAccHistory: [0.1, 0.15 + base / 20, 0.2 + base / 20],
  },
});

describe('comparison of several runs', () => {
  it('has one trace per run and panel, one legend entry per run, shared colours', () => {
    const runs = [run('sgd', 2.3), run('adam', 2.1), run('rmsprop', 2.2)];
    const fig = comparisonFigure(runs);
    expect(fig.data).toHaveLength(9);
    expect(fig.data.filter((t) => t.showlegend).map((t) => t.name)).toEqual([
      'sgd',
      'adam',
      'rmsprop',
    ]);
    const colours = (name: string) =>
      new Set(fig.data.filter((t) => t.name === name).map((t) => JSON.stringify(t.marker)));
    expect(colours('adam').size).toBe(2); // loss markers are smaller: same colour, other size
    expect(fig.data[1].y).toEqual(runs[1].history.lossHistory.map((v) => Number(v.toPrecision(6))));
    expect(fig.data[3].xaxis).toBe('x2');
    const two = comparisonFigure(runs, ['trainAcc', 'valAcc'], 'Dropout:');
    expect(two.data).toHaveLength(6);
    expect(JSON.stringify(two.layout)).toContain('Dropout: Training accuracy');
  });

  it('keeps a diverged run from flattening the others: its infinite losses are gaps', () => {
    const fig = comparisonFigure([run('ok', 2.3), run('diverged', 2.3, true)]);
    const range = (fig.layout.yaxis as { range: number[] }).range;
    expect(range[1]).toBeLessThan(3);
    expect((fig.data[1].y as (number | null)[]).slice(31).every((v) => v === null)).toBe(true);
  });

  it('draws an SVG with every label and a PNG with ink in every panel', () => {
    const svg = comparisonSvg([run('baseline', 2.3), run('batchnorm', 2.0)]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>baseline<');
    expect(svg).toContain('>batchnorm<');
    expect(svg).toContain('Validation accuracy');
    const messages: DisplayMessage[] = [];
    setDisplaySink((m) => messages.push(m));
    plotRunComparison([run('baseline', 2.3), run('batchnorm', 2.0)], {
      panels: ['loss', 'valAcc'],
    });
    expect(messages).toHaveLength(1);
    const data = messages[0].data;
    expect(data[PLOTLY_MIME]).toBeDefined();
    expect(String(data['text/plain'])).toMatch(
      /baseline: last val acc 0\.31.*batchnorm: last val acc 0\.3/,
    );
    const info = pngInfo(Buffer.from(String(data['image/png']), 'base64'));
    expect(info.height).toBe(480);
    const half = info.inkedRows.length / 2;
    expect(info.inkedRows.slice(0, half).some(Boolean)).toBe(true);
    expect(info.inkedRows.slice(half).some(Boolean)).toBe(true);
  });

  it('names the bad argument', () => {
    expect(() => plotRunComparison([])).toThrow(/plotRunComparison.*runs must be a non-empty/);
    expect(() => comparisonFigure([run('a', 1)], ['loss', 'acc' as never])).toThrow(
      /unknown panel 'acc'/,
    );
    expect(() =>
      comparisonFigure([{ label: 'a', history: { lossHistory: [1] } as never }]),
    ).toThrow(/runs\[0\]\.history.*trainAccHistory/);
    expect(() => plotRunComparison([run('a', 1)], { panel: ['loss'] } as never)).toThrow(
      /unknown option 'panel'.*did you mean 'panels'/,
    );
  });
});
