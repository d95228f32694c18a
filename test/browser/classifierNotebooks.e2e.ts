/**
 * The kNN, SVM and Softmax notebooks in a real client, kept light: JupyterLab (project venv, tslab
 * kernel) and Debian's Chromium through playwright-core, every request off this machine refused.
 *
 * 1. Reopened: each committed notebook (a full nbconvert run, untrusted) opened without running
 *    anything shows the PNG preview of every chart and image figure, draws the Plotly charts once
 *    the previews are hovered, and has no error output. Screenshots: artifacts/<name>-reopened.png.
 * 2. Live: knn.ipynb (the quickest) runs all its cells at CS231N_BUDGET=ci in the UI and prints
 *    the course's accuracy line. Screenshot: artifacts/knn-live.png.
 *
 * Run: npm run test:browser (needs npm run setup:python, CIFAR-10, /usr/bin/chromium).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JupyterServer, ROOT, startJupyterLab } from './jupyterServer';

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
const ARTIFACTS = path.join(ROOT, 'artifacts');
const RUN_ALL_TIMEOUT_MS = 10 * 60 * 1000;
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

/**
 * What each committed notebook must show: every chart output's PNG preview (charts and image
 * figures all carry one), and the interactive Plotly charts drawn once the previews are hovered.
 */
const NOTEBOOKS = [
  { name: 'knn', charts: 1, images: 3, text: /Got \d+ \/ 500 correct => accuracy: 0\.\d+/ },
  {
    name: 'svm',
    charts: 2,
    images: 5,
    text: /linear SVM on raw pixels final test set accuracy: 0\.\d+/,
  },
  {
    name: 'softmax',
    charts: 2,
    images: 3,
    text: /softmax on raw pixels final test set accuracy: 0\.\d+/,
  },
];

let tmp: string;
let server: JupyterServer;
let context: BrowserContext;
const offMachineRequests: string[] = [];

function cifarDir(): string {
  const dir = process.env.CIFAR10_DIR ?? path.join(ROOT, 'data', 'cifar-10-batches-bin');
  if (!fs.existsSync(path.join(dir, 'test_batch.bin'))) {
    throw new Error(
      `classifier notebooks e2e: CIFAR-10 not found in ${dir}; set CIFAR10_DIR or run npm run get-data`,
    );
  }
  return path.resolve(dir);
}

beforeAll(
  async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`classifier notebooks e2e: ${CHROMIUM} not found (apt-get install chromium)`);
    }
    execFileSync('bash', [path.join(ROOT, 'scripts', 'setup-python.sh')], { stdio: 'inherit' });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clf-nb-e2e-'));
    const root = path.join(tmp, 'root');
    fs.mkdirSync(root);
    // Copies: the kernel runs at the repository root, so they import ./lib just the same, and
    // nothing the UI saves touches the committed notebooks.
    for (const { name } of NOTEBOOKS) {
      fs.copyFileSync(
        path.join(ROOT, 'notebooks', 'assignment1', `${name}.ipynb`),
        path.join(root, `${name}.ipynb`),
      );
    }
    fs.copyFileSync(
      path.join(ROOT, 'notebooks', 'assignment1', 'knn.ipynb'),
      path.join(root, 'knn-live.ipynb'),
    );
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
      if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith(server.url))
        return route.continue();
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

async function openNotebook(page: Page, file: string): Promise<void> {
  await page.goto(`${server.url}/lab/tree/${file}?token=${server.token}&reset`);
  await page.waitForSelector('.jp-NotebookPanel .jp-Cell', { timeout: 120_000 });
  await page.waitForFunction(
    () =>
      window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle',
    undefined,
    { timeout: 180_000, polling: 500 },
  );
}

async function errorOutputs(page: Page): Promise<string[]> {
  return page.$$eval(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]',
    (els) => els.map((e) => (e.textContent ?? '').slice(0, 2000)),
  );
}

/** Drawn Plotly charts and the PNG previews JupyterLab's plotly renderer shows for image figures. */
async function counts(page: Page): Promise<{ charts: number; images: number }> {
  return page.evaluate(() => ({
    charts: document.querySelectorAll('.js-plotly-plot svg.main-svg').length,
    images: [...document.querySelectorAll('img.plot-img')].filter((el) =>
      (el.getAttribute('src') ?? '').startsWith('data:image/png;base64,'),
    ).length,
  }));
}

/** Sends mouseenter to every PNG preview: JupyterLab's plotly renderer then draws the chart. */
async function hoverPreviews(page: Page): Promise<void> {
  const previews = page.locator('img.plot-img[src^="data:image/png"]');
  for (let i = (await previews.count()) - 1; i >= 0; i--) {
    await previews.nth(i).scrollIntoViewIfNeeded();
    await previews.nth(i).dispatchEvent('mouseenter');
  }
}

/** Scrolls every output into view once (JupyterLab renders lazily), then back to the top. */
async function scrollThrough(page: Page): Promise<void> {
  const outputs = page.locator('.jp-OutputArea-output');
  const n = await outputs.count();
  for (let i = 0; i < n; i++) await outputs.nth(i).scrollIntoViewIfNeeded();
}

describe('kNN, SVM and Softmax notebooks in JupyterLab and Chromium', () => {
  it.each(NOTEBOOKS.map((nb) => [nb.name, nb] as const))(
    '%s.ipynb: the committed outputs draw when reopened',
    async (_, { name, charts, images, text }) => {
      const page = await context.newPage();
      await openNotebook(page, `${name}.ipynb`);
      await scrollThrough(page);
      await expect.poll(async () => (await counts(page)).images, { timeout: 60_000 }).toBe(images);
      await hoverPreviews(page);
      await expect
        .poll(async () => (await counts(page)).charts, { timeout: 60_000 })
        .toBeGreaterThanOrEqual(charts);
      expect(await errorOutputs(page)).toEqual([]);
      expect((await page.locator('.jp-NotebookPanel').textContent()) ?? '').toMatch(text);
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}-reopened.png`) });
      await page.close();
    },
  );

  it(
    'knn.ipynb runs every cell live at the CI budget with no error output',
    async () => {
      const page = await context.newPage();
      await openNotebook(page, 'knn-live.ipynb');
      await page.evaluate(() => window.jupyterapp?.commands.execute('notebook:run-all-cells'));
      const outcome = await page.waitForFunction(
        () => {
          if (
            document.querySelectorAll(
              '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
            ).length > 0
          ) {
            return 'error';
          }
          const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(
            (e) => e.textContent ?? '',
          );
          const kernel = window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel;
          return prompts.length > 0 &&
            prompts.every((p) => /\[\d+\]/.test(p)) &&
            kernel?.status === 'idle'
            ? 'done'
            : false;
        },
        undefined,
        { timeout: RUN_ALL_TIMEOUT_MS, polling: 2000 },
      );
      const errors = await errorOutputs(page);
      expect(errors, `error outputs:\n${errors.join('\n---\n')}`).toEqual([]);
      expect(await outcome.jsonValue()).toBe('done');
      expect((await page.locator('.jp-NotebookPanel').textContent()) ?? '').toMatch(
        /Got \d+ \/ 100 correct => accuracy: 0\.\d+/,
      );
      await scrollThrough(page);
      await expect.poll(async () => (await counts(page)).images, { timeout: 60_000 }).toBe(3);
      await page.screenshot({ path: path.join(ARTIFACTS, 'knn-live.png') });
      await page.close();
    },
    RUN_ALL_TIMEOUT_MS + 5 * 60 * 1000,
  );

  it('never tried to reach anything off this machine', () => {
    expect(offMachineRequests).toEqual([]);
  });
});
