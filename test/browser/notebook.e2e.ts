/**
 * The notebook in a real client: JupyterLab (project venv, tslab kernel) driven by Debian's
 * Chromium through playwright-core, with every request off this machine refused (charts must
 * work offline).
 *
 * 1. Live: opens notebooks/assignment1/two_layer_net.ipynb (a temp copy), runs all cells with the reduced
 *    budget (CS231N_BUDGET=ci), and checks that every chart shows its static PNG and becomes the
 *    Plotly chart on mouse-over (JupyterLab's plotly renderer), and that no cell shows an error.
 *    Screenshot: artifacts/notebook.png.
 * 2. Reopened: the committed notebook (a full nbconvert run, untrusted) opened without running
 *    anything still draws its charts and the weight image. Screenshot: artifacts/notebook-reopened.png.
 * 3. Exported: the notebook saved by the UI in step 1, exported with
 *    scripts/export-notebook-html.ts, draws its charts from a file:// page with plotly.js and
 *    MathJax inlined once each, and shows the weight grid as its PNG. Screenshot: artifacts/notebook-html.png.
 *
 * Run: npm run test:browser (needs npm run setup:python, CIFAR-10, /usr/bin/chromium).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportNotebookHtml } from '../../scripts/export-notebook-html';
import { type JupyterServer, ROOT, startJupyterLab } from './jupyterServer';

// The page's globals, as far as this test uses them (tsconfig has no DOM lib).
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
interface JupyterLabApp {
  commands: { execute(id: string): Promise<unknown> };
  shell: {
    currentWidget: {
      sessionContext?: { session?: { kernel?: { status: string } | null } | null };
    } | null;
  };
}
declare const document: {
  querySelectorAll(selector: string): Iterable<PageElement> & { length: number };
};
declare const window: { jupyterapp?: JupyterLabApp };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NOTEBOOK = path.join(ROOT, 'notebooks', 'assignment1', 'two_layer_net.ipynb');
const ARTIFACTS = path.join(ROOT, 'artifacts');
const RUN_ALL_TIMEOUT_MS = 20 * 60 * 1000;
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let tmp: string;
let server: JupyterServer;
let context: BrowserContext;
/** Requests that tried to leave this machine (refused). */
const offMachineRequests: string[] = [];

function cifarDir(): string {
  const dir = process.env.CIFAR10_DIR ?? path.join(ROOT, 'data', 'cifar-10-batches-bin');
  if (!fs.existsSync(path.join(dir, 'test_batch.bin'))) {
    throw new Error(
      `notebook e2e: CIFAR-10 not found in ${dir}; set CIFAR10_DIR or run npm run get-data`,
    );
  }
  return path.resolve(dir);
}

beforeAll(
  async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`notebook e2e: ${CHROMIUM} not found (apt-get install chromium)`);
    }
    execFileSync('bash', [path.join(ROOT, 'scripts', 'setup-python.sh')], { stdio: 'inherit' });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-e2e-'));
    const root = path.join(tmp, 'root');
    fs.mkdirSync(root);
    // The kernel runs at the repository root (jupyter/kernel/tslabKernel.ts), so copies elsewhere import
    // ./lib just the same; the UI can save them without touching the committed notebooks.
    fs.copyFileSync(NOTEBOOK, path.join(root, 'live.ipynb'));
    fs.copyFileSync(NOTEBOOK, path.join(root, 'reopened.ipynb'));
    server = await startJupyterLab(root, path.join(tmp, 'state'), {
      CS231N_BUDGET: 'ci',
      CIFAR10_DIR: cifarDir(),
    });
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1400, height: 1800 },
    });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith(server.url)) {
        return route.continue();
      }
      if (url.startsWith(server.url.replace('http', 'ws'))) return route.continue();
      offMachineRequests.push(url);
      return route.abort();
    });
  },
  5 * 60 * 1000,
);

afterAll(
  async () => {
    await context?.close();
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  },
  2 * 60 * 1000,
);

/** Opens a notebook of the server's root in JupyterLab and waits for an idle kernel. */
async function openNotebook(page: Page, name: string): Promise<void> {
  await page.goto(`${server.url}/lab/tree/${name}?token=${server.token}&reset`);
  await page.waitForSelector('.jp-NotebookPanel .jp-Cell', { timeout: 120_000 });
  await page.waitForFunction(
    () => {
      const widget = window.jupyterapp?.shell.currentWidget;
      return widget?.sessionContext?.session?.kernel?.status === 'idle';
    },
    undefined,
    { timeout: 180_000, polling: 500 },
  );
}

/** Texts of the error outputs (tracebacks, stderr) in the page. */
async function errorOutputs(page: Page): Promise<string[]> {
  return page.$$eval(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]',
    (els) => els.map((e) => (e.textContent ?? '').slice(0, 2000)),
  );
}

/**
 * Drawn Plotly charts (svg.main-svg elements), weight-grid images drawn by Plotly (an SVG image
 * whose source is the PNG), weight-grid PNG previews (JupyterLab's plotly renderer shows a
 * bundle's image/png and swaps in the interactive chart on mouse-over) and PNG outputs shown as
 * plain images (the HTML export).
 */
async function chartCounts(
  page: Page,
): Promise<{ charts: number; plotlyImages: number; pngPreviews: number; pngImages: number }> {
  return page.evaluate(() => {
    const isPng = (el: PageElement, attr: string) =>
      (el.getAttribute(attr) ?? '').startsWith('data:image/png;base64,');
    return {
      charts: document.querySelectorAll('.js-plotly-plot svg.main-svg').length,
      plotlyImages: [...document.querySelectorAll('.js-plotly-plot image')].filter(
        (el) => isPng(el, 'href') || isPng(el, 'xlink:href'),
      ).length,
      pngPreviews: [...document.querySelectorAll('img.plot-img')].filter((el) => isPng(el, 'src'))
        .length,
      pngImages: [...document.querySelectorAll('.jp-OutputArea-output img')].filter((el) =>
        isPng(el, 'src'),
      ).length,
    };
  });
}

/**
 * Moves the mouse over every PNG preview: JupyterLab's plotly renderer shows a bundle's image/png
 * (every chart carries one, for viewers that run no scripts) and swaps in the interactive chart on
 * mouse-over.
 */
async function hoverCharts(page: Page): Promise<void> {
  const previews = page.locator('img.plot-img[src^="data:image/png"]');
  for (let i = (await previews.count()) - 1; i >= 0; i--) {
    const preview = previews.nth(i);
    await preview.scrollIntoViewIfNeeded();
    // The renderer listens for mouseenter; a synthetic one avoids racing the real pointer.
    await preview.dispatchEvent('mouseenter');
  }
}

/**
 * Scrolls so that the weight grid sits at the bottom of the window, under the training chart,
 * and takes a screenshot.
 */
async function screenshotCharts(page: Page, file: string): Promise<void> {
  const weights = page
    .locator(
      '.js-plotly-plot:has(image), img.plot-img[src^="data:image/png"], .jp-OutputArea-output img[src^="data:image/png"]',
    )
    .first();
  if ((await weights.count()) > 0) {
    await weights.evaluate((el: { scrollIntoView(o: object): void }) =>
      el.scrollIntoView({ block: 'end' }),
    );
  }
  await page.waitForTimeout(1000);
  await page.screenshot({ path: file });
}

describe('two_layer_net.ipynb in JupyterLab and Chromium', () => {
  it(
    'runs every cell live with Plotly charts and the weight image, and no error output',
    async () => {
      const page = await context.newPage();
      await openNotebook(page, 'live.ipynb');
      await page.evaluate(() => window.jupyterapp?.commands.execute('notebook:run-all-cells'));
      const outcome = await page.waitForFunction(
        () => {
          const errors = document.querySelectorAll(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
          ).length;
          if (errors > 0) return 'error';
          const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(
            (e) => e.textContent ?? '',
          );
          const kernel = window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel;
          const done = prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p));
          return done && kernel?.status === 'idle' ? 'done' : false;
        },
        undefined,
        { timeout: RUN_ALL_TIMEOUT_MS, polling: 2000 },
      );
      const errors = await errorOutputs(page);
      await screenshotCharts(page, path.join(ARTIFACTS, 'notebook.png'));
      expect(errors, `error outputs:\n${errors.join('\n---\n')}`).toEqual([]);
      expect(await outcome.jsonValue()).toBe('done');

      const text = (await page.locator('.jp-NotebookPanel').textContent()) ?? '';
      expect(text).toMatch(/Validation set accuracy:\s+0\.\d+/);
      expect(text).toMatch(/Test set accuracy:\s+0\.\d+/);
      // live chart, training history, weights and sweep view: each a PNG preview that becomes the
      // Plotly chart on mouse-over
      const before = await chartCounts(page);
      expect(before.pngPreviews).toBe(4);
      await hoverCharts(page);
      await expect
        .poll(async () => (await chartCounts(page)).plotlyImages)
        .toBeGreaterThanOrEqual(1);
      await expect.poll(async () => (await chartCounts(page)).charts).toBeGreaterThanOrEqual(4);

      // Save (into the temp copy) for the export test.
      await page.evaluate(() => window.jupyterapp?.commands.execute('docmanager:save'));
      await expect
        .poll(() => fs.readFileSync(path.join(server.rootDir, 'live.ipynb'), 'utf8'), {
          timeout: 30_000,
        })
        .toContain('Test set accuracy');
      await page.close();
    },
    RUN_ALL_TIMEOUT_MS + 5 * 60 * 1000,
  );

  it('draws the committed outputs of a reopened notebook without running it', async () => {
    const page = await context.newPage();
    await openNotebook(page, 'reopened.ipynb');
    await expect
      .poll(async () => (await chartCounts(page)).pngPreviews, { timeout: 60_000 })
      .toBe(4);
    await hoverCharts(page);
    await expect.poll(async () => (await chartCounts(page)).plotlyImages).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await chartCounts(page)).charts).toBeGreaterThanOrEqual(4);
    expect(await errorOutputs(page)).toEqual([]);
    await screenshotCharts(page, path.join(ARTIFACTS, 'notebook-reopened.png'));
    await page.close();
  });

  it('draws the charts in the offline HTML export, with plotly.js inlined once', async () => {
    const html = path.join(ARTIFACTS, 'notebook-export.html');
    exportNotebookHtml(path.join(server.rootDir, 'live.ipynb'), html);
    const source = fs.readFileSync(html, 'utf8');
    expect(source.split('window.Plotly = Plotly;').length - 1).toBe(1);
    expect(source.split('window.MathJax = ').length - 1).toBe(1);
    expect(source).not.toMatch(/<script[^>]+src="https?:/);
    const page = await context.newPage();
    await page.goto(`file://${html}`);
    // Plotly draws the live chart, the training history and the sweep view; the weight grid is
    // its image/png output.
    await expect
      .poll(async () => (await chartCounts(page)).charts, { timeout: 60_000 })
      .toBeGreaterThanOrEqual(3);
    expect((await chartCounts(page)).pngImages).toBe(1);
    await screenshotCharts(page, path.join(ARTIFACTS, 'notebook-html.png'));
    await page.close();
  });

  it('never tried to reach anything off this machine', () => {
    expect(offMachineRequests).toEqual([]);
  });
});
