/** The table-beside-heatmap description (lib/notebook/tableHeatmap.ts): Plotly and SVG. */
import { describe, expect, it } from 'vitest';
import {
  type TableHeatmapChart,
  tableHeatmapFigure,
  tableHeatmapSvg,
  viridis,
} from '../../lib/notebook/tableHeatmap';

const chart: TableHeatmapChart = {
  title: 'Sweep',
  table: {
    header: ['lr', 'val acc'],
    rows: [
      ['1e-3', '0.300'],
      ['1e-2', '0.450'],
    ],
    highlight: [1],
  },
  heatmap: {
    x: ['1e-3', '1e-2'],
    y: ['0.1'],
    z: [[0.3, 0.45]],
    zmax: 0.6,
    xLabel: 'learning rate',
    yLabel: 'regularisation',
    names: { x: 'lr', y: 'reg', value: 'val acc' },
  },
};

describe('table beside heatmap', () => {
  it('makes a table trace (highlighted row) and a Viridis heatmap from 0 to zmax', () => {
    const fig = tableHeatmapFigure(chart);
    const [table, heat] = fig.data as Record<string, unknown>[];
    expect(table.type).toBe('table');
    expect((table.cells as { values: string[][] }).values).toEqual([
      ['1e-3', '1e-2'],
      ['0.300', '0.450'],
    ]);
    expect((table.cells as { fill: { color: string[][] } }).fill.color).toEqual([
      ['white', '#fff3b0'],
    ]);
    expect(heat).toMatchObject({ type: 'heatmap', zmin: 0, zmax: 0.6, colorscale: 'Viridis' });
    expect(heat.hovertemplate).toBe('lr %{x}, reg %{y}: val acc %{z:.3f}<extra></extra>');
  });

  it('draws the same table and cells in SVG, coloured as the heatmap', () => {
    const svg = tableHeatmapSvg(chart);
    expect(svg.indexOf('>1e-3<')).toBeLessThan(svg.indexOf('>0.450<'));
    expect(svg).toContain('fill="#fff3b0"');
    expect(svg).toContain(`fill="${viridis(0.3 / 0.6)}"`);
    expect(svg).toContain(`fill="${viridis(0.45 / 0.6)}"`);
    expect(svg).toContain('>learning rate</text>');
  });
});
