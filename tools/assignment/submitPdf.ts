/**
 * The PDF of the inline answers the course collects beside the code zip: every executed notebook,
 * in the course's order (knn, svm, softmax, two_layer_net, features; FullyConnectedNets,
 * BatchNormalization, Dropout; then any other), printed from its offline HTML export
 * (scripts/export-notebook-html.ts: math typeset by the bundled MathJax; charts as their static
 * PNG images) by a local Chromium through playwright-core, the pages joined into one file with
 * pdf-lib. Nothing is fetched: the pages are opened from files, and any
 * request that leaves them is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { exercises } from './exercises';
import type { Notebook } from './notebook';

/**
 * The course's order of the notebooks in the PDF (collectSubmission's list): the exercises'
 * order, assignment 1's (knn, svm, softmax, two_layer_net, features), then assignment 2's
 * (FullyConnectedNets, BatchNormalization, Dropout).
 */
export const COURSE_ORDER = exercises.map((e) => path.basename(e.notebook, '.ipynb'));

/** The line `npm run submit` prints when it finds no browser. */
export const NO_BROWSER =
  'submit: no Chromium found, so no PDF was written: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary, then run npm run submit again';

/** A Chromium to print with: CHROMIUM_PATH, else the usual system paths; null when none. */
export function findChromium(): string | null {
  const candidates = process.env.CHROMIUM_PATH
    ? [process.env.CHROMIUM_PATH]
    : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}

/** Notebook names (without extension) sorted in the course's order, others after by name. */
export function inCourseOrder(names: readonly string[]): string[] {
  const rank = (n: string): number => {
    const i = COURSE_ORDER.indexOf(n);
    return i < 0 ? COURSE_ORDER.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * Prints HTML pages to one PDF, in the given order.
 *
 * @param pages HTML files (absolute paths), in the order wanted
 * @param out the PDF to write (atomically)
 * @param chromium the browser binary
 * @returns the number of pages of the PDF
 */
export async function printPdf(
  pages: readonly string[],
  out: string,
  chromium: string,
): Promise<number> {
  const { chromium: launcher } = await import('playwright-core');
  const { PDFDocument } = await import('pdf-lib');
  const browser = await launcher.launch({ executablePath: chromium, headless: true });
  try {
    const merged = await PDFDocument.create();
    for (const file of pages) {
      const page = await browser.newPage();
      // Offline: the page and its inline bundles only.
      await page.route(/^(?!file:|data:|blob:|about:)/, (route) => route.abort());
      await page.goto(`file://${file}`, { waitUntil: 'load', timeout: 120_000 });
      await page.evaluate(async () => {
        // Runs in the page (no DOM types here: the project compiles for Node).
        const w = globalThis as unknown as {
          MathJax?: { startup?: { promise?: Promise<unknown> } };
        };
        await w.MathJax?.startup?.promise;
      });
      // Long code lines wrap on paper instead of running off the page's edge.
      await page.addStyleTag({
        content:
          '@media print { pre, .jp-OutputArea-output pre { white-space: pre-wrap !important; overflow-wrap: anywhere; } }',
      });
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({
        format: 'A4',
        printBackground: true,
        margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' },
      });
      await page.close();
      const doc = await PDFDocument.load(pdf);
      for (const p of await merged.copyPages(doc, doc.getPageIndices())) merged.addPage(p);
    }
    const bytes = await merged.save();
    const tmp = `${out}.partial`;
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, out);
    return merged.getPageCount();
  } finally {
    await browser.close();
  }
}

/**
 * A notebook for paper: outputs that carry a static PNG (every chart of the notebooks does) keep
 * only it and their text, so the page shows the image rather than a chart drawn for the screen.
 *
 * @param json the notebook's file contents
 * @returns the printable notebook's file contents
 */
export function printableNotebook(json: string): string {
  const nb = JSON.parse(json) as Notebook;
  for (const cell of nb.cells) {
    for (const out of (cell.outputs ?? []) as { data?: Record<string, unknown> }[]) {
      if (out.data?.['image/png'] === undefined) continue;
      out.data = Object.fromEntries(
        Object.entries(out.data).filter(([k]) => k === 'image/png' || k === 'text/plain'),
      );
    }
  }
  return JSON.stringify(nb, null, 1);
}

/**
 * The PDF of a submission's notebooks: each made printable ({@link printableNotebook}), exported
 * to HTML, printed, in the course's order.
 *
 * @param notebooks the notebook files (absolute paths)
 * @param out the PDF file
 * @param chromium the browser binary
 * @param scratch a folder for the printable notebooks and their pages
 * @param exporter exports a notebook file to an HTML file
 * @returns the PDF's page count and the notebooks in it, in order
 */
export async function submissionPdf(
  notebooks: readonly string[],
  out: string,
  chromium: string,
  scratch: string,
  exporter: (notebook: string, html: string) => void,
): Promise<{ pages: number; notebooks: string[] }> {
  const byName = new Map(notebooks.map((f) => [path.basename(f, '.ipynb'), f]));
  const order = inCourseOrder([...byName.keys()]);
  const pages = order.map((name) => {
    const nb = path.join(scratch, `${name}.ipynb`);
    fs.writeFileSync(nb, printableNotebook(fs.readFileSync(byName.get(name) as string, 'utf8')));
    const html = path.join(scratch, `${name}.html`);
    exporter(nb, html);
    return html;
  });
  return { pages: await printPdf(pages, out, chromium), notebooks: order };
}
