/** Display bundles (lib/notebook/display.ts): what a chart sends to the notebook. */
import { describe, expect, it } from 'vitest';
import { figureBundle, PLOTLY_MIME } from '../../lib/notebook/display';
import { lossFigure } from '../../lib/notebook/figures';

describe('display bundles', () => {
  it('carries plotly JSON, an HTML fallback with script-safe JSON, and text/plain', () => {
    const fig = lossFigure([1, 2]);
    fig.layout.title = { text: '</script><b>x' };
    const bundle = figureBundle(fig, { elementId: 'abc' });
    expect(bundle[PLOTLY_MIME]).toBe(fig);
    const html = bundle['text/html'] as string;
    expect(html).toContain('<div id="abc"');
    expect(html).toContain('window.Plotly.newPlot(el, fig.data, fig.layout');
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    const json = html.match(/var fig = (.*);\n/)?.[1] ?? '';
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(fig)));
    expect(bundle['text/plain']).toBe('<Plotly chart: </script><b>x>');
  });
});
