/**
 * Exports an executed notebook to one self-contained, offline HTML page:
 *
 *   tsx scripts/export-notebook-html.ts <notebook.ipynb> <out.html>
 *
 * Runs `jupyter nbconvert --to html` (the venv's) with the offline_plotly template
 * (scripts/nbconvert/offline_plotly: the lab page without CDN scripts), then puts plotly.js
 * (node_modules/plotly.js-dist) into the page once, where the template left its marker. Every
 * chart in the page is a text/html output that draws with window.Plotly, so the bundle is there
 * once however many charts there are. The page is written to a temp file, then renamed.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
export const PLOTLY_MARKER = '<!-- cs231n:plotly.js -->';

/** The plotly.js bundle, made safe to sit inside a `<script>` element. */
export function plotlyBundle(): string {
  const file = require.resolve('plotly.js-dist/plotly.js', { paths: [ROOT] });
  return fs.readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script');
}

/** Replaces the template's marker with plotly.js; throws unless there is exactly one marker. */
export function inlinePlotly(html: string, bundle = plotlyBundle()): string {
  const parts = html.split(PLOTLY_MARKER);
  if (parts.length !== 2) {
    throw new Error(
      `inlinePlotly: expected one ${PLOTLY_MARKER} marker from the offline_plotly template, found ${parts.length - 1}`,
    );
  }
  return `${parts[0]}<script type="text/javascript">\n${bundle}\n</script>${parts[1]}`;
}

/** nbconvert to HTML with the offline template, then plotly.js inlined; returns the output path. */
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
        `--TemplateExporter.extra_template_basedirs=${path.join(ROOT, 'scripts', 'nbconvert')}`,
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
    const html = inlinePlotly(fs.readFileSync(path.join(tmpDir, 'page.html'), 'utf8'));
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
  console.log(`wrote ${outFile} (${mb} MB, plotly.js inlined once)`);
}
