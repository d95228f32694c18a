/**
 * The loss axis of a diverging run (lib/notebook/lossScale.ts): what stays in view, what is
 * clipped and said.
 */
import { describe, expect, it } from 'vitest';
import { lossFigure, lossSvg, trainingHistoryFigure } from '../../lib/notebook/figures';
import { lossScale } from '../../lib/notebook/lossScale';

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
