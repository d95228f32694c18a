/**
 * Exports an executed notebook to one self-contained, offline HTML page:
 *
 *   tsx scripts/export-notebook-html.ts <notebook.ipynb> <out.html>
 *
 * Runs `jupyter nbconvert --to html` (the venv's) with the offline_plotly template
 * (jupyter/nbconvert/offline_plotly: the lab page without CDN scripts), then puts two bundles into
 * the page once each, where the template left its markers: the minified plotly.js
 * (node_modules/plotly.js-dist-min), which draws every chart (text/html outputs that call
 * window.Plotly), and MathJax 3 (node_modules/mathjax, the TeX-to-SVG build with every TeX
 * extension, so nothing is fetched later), which renders the markdown's `$...$` math. The page is
 * written to a temp file, then renamed.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
export const PLOTLY_MARKER = '<!-- cs231n:plotly.js -->';
export const MATHJAX_MARKER = '<!-- cs231n:mathjax -->';

/** A script file's text, made safe to sit inside a `<script>` element. */
function scriptText(file: string): string {
  return fs.readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script');
}

/** The minified plotly.js bundle. */
export function plotlyBundle(): string {
  return scriptText(require.resolve('plotly.js-dist-min/plotly.min.js', { paths: [ROOT] }));
}

/**
 * MathJax 3 (TeX input with all extensions, SVG output with its fonts built in) and its
 * configuration: `$...$` and `\(...\)` inline, `$$...$$` and `\[...\]` displayed, as
 * JupyterLab renders markdown; no menu (it would load more files).
 */
export function mathjaxBundle(): string {
  const config = {
    tex: {
      inlineMath: [
        ['$', '$'],
        ['\\(', '\\)'],
      ],
      displayMath: [
        ['$$', '$$'],
        ['\\[', '\\]'],
      ],
      processEscapes: true,
      processEnvironments: true,
    },
    options: { enableMenu: false },
    svg: { fontCache: 'global' },
  };
  const mathjax = scriptText(require.resolve('mathjax/es5/tex-svg-full.js', { paths: [ROOT] }));
  return `window.MathJax = ${JSON.stringify(config)};\n</script>\n<script type="text/javascript">\n${mathjax}`;
}

function replaceMarker(fn: string, html: string, marker: string, bundle: string): string {
  const parts = html.split(marker);
  if (parts.length !== 2) {
    throw new Error(
      `${fn}: expected one ${marker} marker from the offline_plotly template, found ${parts.length - 1}`,
    );
  }
  return `${parts[0]}<script type="text/javascript">\n${bundle}\n</script>${parts[1]}`;
}

/** Replaces the template's plotly marker with plotly.js; throws unless there is exactly one. */
export function inlinePlotly(html: string, bundle = plotlyBundle()): string {
  return replaceMarker('inlinePlotly', html, PLOTLY_MARKER, bundle);
}

/** Replaces the template's MathJax marker with MathJax; throws unless there is exactly one. */
export function inlineMathjax(html: string, bundle = mathjaxBundle()): string {
  return replaceMarker('inlineMathjax', html, MATHJAX_MARKER, bundle);
}

/** nbconvert to HTML with the offline template, then plotly.js and MathJax inlined; returns the output path. */
export function exportNotebookHtml(notebook: string, outFile: string): string {
  if (!fs.existsSync(notebook)) {
    throw new Error(`exportNotebookHtml: notebook ${notebook} does not exist`);
  }
  const jupyter = path.join(ROOT, '.venv', 'bin', 'jupyter');
  if (!fs.existsSync(jupyter)) {
    throw new Error(`exportNotebookHtml: ${jupyter} not found; run npm run setup:python first`);
  }
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-html-'));
  try {
    execFileSync(
      jupyter,
      [
        'nbconvert',
        '--to',
        'html',
        `--TemplateExporter.extra_template_basedirs=${path.join(ROOT, 'jupyter', 'nbconvert')}`,
        '--template',
        'offline_plotly',
        '--output-dir',
        tmpDir,
        '--output',
        'page',
        notebook,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const page = fs.readFileSync(path.join(tmpDir, 'page.html'), 'utf8');
    const html = inlineMathjax(inlinePlotly(page));
    fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
    const tmpOut = `${outFile}.partial`;
    fs.writeFileSync(tmpOut, html);
    fs.renameSync(tmpOut, outFile);
    return outFile;
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [notebook, outFile] = process.argv.slice(2);
  if (!notebook || !outFile) {
    console.error('usage: tsx scripts/export-notebook-html.ts <notebook.ipynb> <out.html>');
    process.exit(2);
  }
  exportNotebookHtml(notebook, outFile);
  const mb = (fs.statSync(outFile).size / 1e6).toFixed(1);
  console.log(`wrote ${outFile} (${mb} MB, plotly.js and MathJax inlined once each)`);
}
