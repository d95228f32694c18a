import { describe, expect, it } from 'vitest';
import {
  inlineMathjax,
  inlinePlotly,
  MATHJAX_MARKER,
  mathjaxBundle,
  PLOTLY_MARKER,
  plotlyBundle,
} from '../../scripts/export-notebook-html';

const page = `<html><head>${PLOTLY_MARKER}\n${MATHJAX_MARKER}</head><body><p>$\\sigma(x)$</p></body></html>`;

describe('HTML export bundles', () => {
  it('inlines the minified plotly.js and MathJax once each, in place of their markers', () => {
    const html = inlineMathjax(inlinePlotly(page, 'PLOTLY();'), 'MATHJAX();');
    expect(html).not.toContain(PLOTLY_MARKER);
    expect(html).not.toContain(MATHJAX_MARKER);
    expect(html.indexOf('PLOTLY();')).toBeLessThan(html.indexOf('MATHJAX();'));
    expect(html.split('<script').length - 1).toBe(2);
    expect(html).toContain('<p>$\\sigma(x)$</p>');
  });

  it('refuses a page without exactly one marker', () => {
    expect(() => inlinePlotly('<html></html>', 'x')).toThrow(
      /inlinePlotly: expected one <!-- cs231n:plotly.js --> marker .* found 0/,
    );
    expect(() => inlineMathjax(`${MATHJAX_MARKER}${MATHJAX_MARKER}`, 'x')).toThrow(/found 2/);
  });

  it('uses the minified plotly.js (under 6 MB; the full bundle is 9.7 MB) with no </script inside', () => {
    const bundle = plotlyBundle();
    expect(bundle.length).toBeGreaterThan(1e6);
    expect(bundle.length).toBeLessThan(6e6);
    expect(bundle).not.toMatch(/<\/script/i);
    expect(bundle).toContain('newPlot');
  });

  it('configures MathJax for $...$ inline math before loading its full TeX build', () => {
    const bundle = mathjaxBundle();
    const config = JSON.parse(bundle.slice('window.MathJax = '.length, bundle.indexOf(';\n')));
    expect(config.tex.inlineMath).toContainEqual(['$', '$']);
    expect(config.tex.displayMath).toContainEqual(['$$', '$$']);
    expect(bundle).toContain('</script>\n<script type="text/javascript">');
    // the TeX extensions the notebook uses are built in (no loader request for [tex]/color)
    expect(bundle).toMatch(/textcolor|colorbox/);
    expect(bundle.split('</script>')).toHaveLength(2);
  });
});
