/**
 * The notebook loop as a student lives it, in JupyterLab driven by Debian's Chromium (requests off
 * this machine refused), on a notebook made of the committed notebook's own cells:
 *
 * 1. Edit and rerun: a check cell runs, lib/layers/affine.ts is edited on disk (affineForward made
 *    to throw), the same cell is rerun through the names the set-up cell imported and must run the
 *    new code; the file is restored and the cell passes again. (Needs the kernel's reload of
 *    edited library files.)
 * 2. Interrupt: the Solver cell builds the solver, the training cell runs, Kernel > Interrupt
 *    stops it; the live view says "interrupted at iteration N", the cell's error is one line, and
 *    the next cell plots the solver's history. Screenshot: artifacts/notebook-interrupted.png.
 * 3. No JavaScript: the committed notebook's HTML export, opened with JavaScript disabled, shows an
 *    image in every chart output. Screenshot: artifacts/notebook-nojs.png. With JavaScript, the
 *    same page typesets the inline answers' math with the inlined MathJax.
 *
 * Run: npm run test:browser (needs npm run setup:python, CIFAR-10, /usr/bin/chromium).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportNotebookHtml } from '../../scripts/export-notebook-html';
import { type JupyterServer, ROOT, startJupyterLab } from './jupyterServer';

interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): Iterable<PageElement> & { length: number };
  naturalWidth?: number;
}
interface NotebookWidget {
  content: { activeCellIndex: number; widgets: unknown[] };
  sessionContext?: { session?: { kernel?: { status: string } | null } | null };
}
declare const document: {
  querySelectorAll(selector: string): Iterable<PageElement> & { length: number };
};
declare const window: {
  jupyterapp?: {
    commands: { execute(id: string): Promise<unknown> };
    shell: { currentWidget: NotebookWidget | null };
  };
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const COMMITTED = path.join(ROOT, 'notebooks', 'assignment1', 'two_layer_net.ipynb');
/** For the export test: the committed notebook, or E2E_NOTEBOOK (another executed copy). */
const NOTEBOOK = path.resolve(process.env.E2E_NOTEBOOK ?? COMMITTED);
const ARTIFACTS = path.join(ROOT, 'artifacts');
const LAYERS = path.join(ROOT, 'lib', 'layers', 'affine.ts');
const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Cell {
  cell_type: string;
  source: string[] | string;
  outputs?: { output_type: string; data?: Record<string, unknown> }[];
  [key: string]: unknown;
}
const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join('') : c.source);

/** The committed notebook's code cell whose source contains `marker`. */
function cellWith(cells: Cell[], marker: string): Cell {
  const found = cells.filter((c) => c.cell_type === 'code' && text(c).includes(marker));
  if (found.length !== 1) {
    throw new Error(
      `loop e2e: expected one code cell containing '${marker}', found ${found.length}`,
    );
  }
  return { ...found[0], outputs: [], execution_count: null, metadata: {} };
}

/** Indices of the cells in the test notebook. */
const CELL = { setup: 0, params: 1, data: 2, affine: 3, build: 4, train: 5, plot: 6, state: 7 };

function loopNotebook(): unknown {
  const nb = JSON.parse(fs.readFileSync(COMMITTED, 'utf8'));
  const cells: Cell[] = nb.cells;
  const params = cellWith(cells, 'const BUDGET');
  // Long enough that the interrupt surely comes mid-run.
  params.source = `${text(params)}\nbudget.solverEpochs = 1000;`;
  return {
    ...nb,
    cells: [
      cellWith(cells, "from './lib'"),
      params,
      cellWith(cells, 'getCIFAR10Data('),
      cellWith(cells, 'affineForward(x, w, b);\nconst correctOut'),
      cellWith(cells, '\nsolver = new Solver(model, data'),
      cellWith(cells, '  solver.train();\n  console.log(`Solver: best'),
      cellWith(cells, 'plotTrainingHistory(solver)'),
      {
        cell_type: 'code',
        metadata: {},
        outputs: [],
        execution_count: null,
        source: [
          "console.log('kept:', solver!.iteration, 'iterations,', solver!.lossHistory.length,",
          "  'losses, best params', Object.keys(solver!.bestParams).join(' '));",
        ].join('\n'),
      },
    ].map((c, i) => ({ ...c, id: `loop-${i}` })),
  };
}

let tmp: string;
let server: JupyterServer;
let context: BrowserContext;
let browser: Browser | null = null;
const layersSource = fs.readFileSync(LAYERS, 'utf8');
const offMachineRequests: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`loop e2e: ${CHROMIUM} not found`);
  const cifar = process.env.CIFAR10_DIR ?? path.join(ROOT, 'data', 'cifar-10-batches-bin');
  if (!fs.existsSync(path.join(cifar, 'test_batch.bin'))) {
    throw new Error(`loop e2e: CIFAR-10 not found in ${cifar}; set CIFAR10_DIR`);
  }
  execFileSync('bash', [path.join(ROOT, 'scripts', 'setup-python.sh')], { stdio: 'inherit' });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-loop-'));
  const root = path.join(tmp, 'root');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, 'loop.ipynb'), JSON.stringify(loopNotebook(), null, 1));
  server = await startJupyterLab(root, path.join(tmp, 'state'), {
    CS231N_BUDGET: 'ci',
    CIFAR10_DIR: path.resolve(cifar),
  });
  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 1600 },
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (/^(file:|data:)/.test(url) || url.startsWith(server.url)) return route.continue();
    if (url.startsWith(server.url.replace('http', 'ws'))) return route.continue();
    offMachineRequests.push(url);
    return route.abort();
  });
}, 5 * 60_000);

afterAll(async () => {
  // Whatever happened, the library file is as it was.
  if (fs.readFileSync(LAYERS, 'utf8') !== layersSource) fs.writeFileSync(LAYERS, layersSource);
  await browser?.close();
  await context?.close();
  await server?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}, 2 * 60_000);

async function openLoopNotebook(page: Page): Promise<void> {
  await page.goto(`${server.url}/lab/tree/loop.ipynb?token=${server.token}&reset`);
  await page.waitForSelector('.jp-NotebookPanel .jp-Cell', { timeout: 120_000 });
  await waitIdle(page, 180_000);
}

async function waitIdle(page: Page, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    () =>
      window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle',
    undefined,
    { timeout, polling: 250 },
  );
}

/** Starts cell `index`; resolves when it has finished (unless `wait` is false). */
async function runCell(page: Page, index: number, wait = true): Promise<void> {
  const run = page.evaluate(
    ([i, w]) => {
      const nb = window.jupyterapp?.shell.currentWidget;
      if (!nb) throw new Error('no notebook');
      nb.content.activeCellIndex = i as number;
      const done = window.jupyterapp?.commands.execute('notebook:run-cell');
      return w ? done?.then(() => undefined) : undefined;
    },
    [index, wait] as const,
  );
  await run;
  if (wait) await waitIdle(page);
}

/** The text of cell `index`'s outputs, and of its error outputs alone. */
async function cellOutput(page: Page, index: number): Promise<{ all: string; errors: string }> {
  return page.evaluate((i) => {
    const cell = [...document.querySelectorAll('.jp-Notebook .jp-Cell')][i as number];
    const pick = (sel: string) =>
      [...cell.querySelectorAll(sel)].map((e) => e.textContent ?? '').join('\n');
    return {
      all: pick('.jp-OutputArea-output'),
      errors: pick(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]',
      ),
    };
  }, index);
}

describe('the notebook loop in JupyterLab', () => {
  it(
    'reruns a check cell with the library code as edited on disk',
    async () => {
      const page = await context.newPage();
      await openLoopNotebook(page);
      for (const i of [CELL.setup, CELL.params, CELL.data, CELL.affine]) await runCell(page, i);
      const before = await cellOutput(page, CELL.affine);
      expect(before.errors).toBe('');
      expect(before.all).toMatch(/difference:\s+\d\.\d+e-(9|1\d)/);
      try {
        const edited = layersSource.replace(
          "checkAffine('affineForward', x, w, b);",
          "checkAffine('affineForward', x, w, b);\n  throw new Error('affineForward was edited on disk');",
        );
        expect(edited).not.toBe(layersSource);
        fs.writeFileSync(LAYERS, edited);
        await runCell(page, CELL.affine);
        await expect
          .poll(async () => (await cellOutput(page, CELL.affine)).errors, { timeout: 30_000 })
          .toContain('affineForward was edited on disk');
      } finally {
        fs.writeFileSync(LAYERS, layersSource);
      }
      await runCell(page, CELL.affine);
      await expect
        .poll(async () => (await cellOutput(page, CELL.affine)).all, { timeout: 30_000 })
        .toMatch(/difference:\s+\d\.\d+e-(9|1\d)/);
      expect((await cellOutput(page, CELL.affine)).errors).toBe('');
      await page.close();
    },
    10 * 60_000,
  );

  it(
    'interrupts the training cell, keeps the solver and plots it in the next cell',
    async () => {
      const page = await context.newPage();
      await openLoopNotebook(page);
      for (const i of [CELL.setup, CELL.params, CELL.data, CELL.build]) await runCell(page, i);
      expect((await cellOutput(page, CELL.build)).errors).toBe('');
      await runCell(page, CELL.train, false);
      // Wait until the bar shows real progress, then Kernel > Interrupt.
      await expect
        .poll(
          async () =>
            Number(/iteration (\d+) \//.exec((await cellOutput(page, CELL.train)).all)?.[1]),
          { timeout: 180_000, interval: 500 },
        )
        .toBeGreaterThanOrEqual(100);
      const interruptedAt = Date.now();
      await page.evaluate(() => window.jupyterapp?.commands.execute('notebook:interrupt-kernel'));
      await waitIdle(page, 30_000);
      const stopSeconds = (Date.now() - interruptedAt) / 1000;
      const out = await cellOutput(page, CELL.train);
      const iteration = /interrupted at iteration (\d+)/.exec(out.all)?.[1];
      expect(iteration, `train cell output:\n${out.all.slice(-2000)}`).toBeDefined();
      expect(out.all).not.toMatch(/left$/m);
      // The interrupt message: one line, no stack trace.
      expect(out.errors.trim().split('\n'), `error output:\n${out.errors}`).toHaveLength(1);

      await runCell(page, CELL.plot);
      const plot = await cellOutput(page, CELL.plot);
      expect(plot.errors, `plot cell errors:\n${plot.errors}`).toBe('');
      // JupyterLab's plotly renderer shows the bundle's PNG, and the interactive chart on mouse-over.
      const plotCell = page.locator('.jp-Notebook .jp-Cell').nth(CELL.plot);
      const preview = plotCell.locator('img.plot-img[src^="data:image/png"]');
      await expect.poll(() => preview.count(), { timeout: 60_000 }).toBe(1);
      await preview.dispatchEvent('mouseenter');
      await expect
        .poll(() => plotCell.locator('.js-plotly-plot svg.main-svg').count(), { timeout: 60_000 })
        .toBeGreaterThan(0);
      await runCell(page, CELL.state);
      const kept = (await cellOutput(page, CELL.state)).all;
      const [, iterations, losses] = /kept: (\d+) iterations, (\d+) losses/.exec(kept) ?? [];
      // The interrupt may land between an iteration's loss, its count and its report to the view.
      expect(Number(iterations) - Number(iteration)).toBeGreaterThanOrEqual(0);
      expect(Number(iterations) - Number(iteration)).toBeLessThanOrEqual(1);
      expect(Number(losses) - Number(iterations)).toBeGreaterThanOrEqual(0);
      expect(Number(losses) - Number(iterations)).toBeLessThanOrEqual(1);
      expect(kept).toContain('best params W1 b1 W2 b2');
      await page
        .locator('.jp-Notebook .jp-Cell')
        .nth(CELL.train)
        .evaluate((el: { scrollIntoView(o: object): void }) =>
          el.scrollIntoView({ block: 'start' }),
        );
      await page.waitForTimeout(1000);
      await page.screenshot({ path: path.join(ARTIFACTS, 'notebook-interrupted.png') });
      console.log(
        `interrupted at iteration ${iteration}; kernel idle ${stopSeconds.toFixed(1)} s later`,
      );
      await page.close();
    },
    10 * 60_000,
  );

  it(
    'shows an image in every chart output of the committed notebook without JavaScript',
    async () => {
      const nb = JSON.parse(fs.readFileSync(NOTEBOOK, 'utf8'));
      const charts = (nb.cells as Cell[])
        .flatMap((c) => c.outputs ?? [])
        .filter((o) => o.data && PLOTLY_MIME in o.data).length;
      expect(charts).toBeGreaterThanOrEqual(4); // live Solver chart, history, weights, sweep
      const html = path.join(ARTIFACTS, 'notebook-committed.html');
      exportNotebookHtml(NOTEBOOK, html);
      console.log(
        `export of the committed notebook: ${(fs.statSync(html).size / 1e6).toFixed(1)} MB`,
      );

      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_FLAGS,
      });
      const noJs = await browser.newContext({
        javaScriptEnabled: false,
        viewport: { width: 1400, height: 1600 },
      });
      const page = await noJs.newPage();
      await page.goto(`file://${html}`);
      await page.waitForLoadState('load');
      const images = await page.evaluate(() =>
        [...document.querySelectorAll('.jp-OutputArea-output img')]
          .filter((img) => (img.getAttribute('src') ?? '').startsWith('data:image/png;base64,'))
          .map((img) => img.naturalWidth ?? 0),
      );
      expect(images).toHaveLength(charts);
      for (const width of images) expect(width).toBeGreaterThan(200);
      // Every Plotly output of the page (a div the script would draw into) holds its image.
      const emptyCharts = await page.evaluate(
        () =>
          [...document.querySelectorAll('.cs231n-plotly')].filter(
            (div) => div.querySelectorAll('img').length === 0,
          ).length,
      );
      expect(emptyCharts).toBe(0);
      const sweep = page.locator('img[alt^="Hyperparameter sweep"]');
      await sweep.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, 'notebook-nojs.png') });
      await noJs.close();

      // With JavaScript: the inlined MathJax typesets the inline answers' math, offline.
      const js = await context.newPage();
      await js.goto(`file://${html}`);
      await expect
        .poll(() => js.evaluate(() => document.querySelectorAll('mjx-container').length), {
          timeout: 60_000,
        })
        .toBeGreaterThan(5);
      const visible = await js.evaluate(() =>
        [...document.querySelectorAll('.jp-MarkdownCell')].map((e) => e.textContent).join('\n'),
      );
      expect(visible).not.toContain('\\sigma');
      expect(visible).not.toContain('\\color{blue}');
      await js.close();
    },
    5 * 60_000,
  );

  it('never tried to reach anything off this machine', () => {
    expect(offMachineRequests).toEqual([]);
  });
});
