/**
 * The notebook kernel (jupyter/kernel/tslabKernel.ts and jupyter/kernel/) through real nbconvert: each
 * notebook in test/jupyter/notebooks/ is executed on the tslab kernel as `npm run notebook` does,
 * and the executed copy's outputs are checked.
 *
 *   autoreload  an edited lib file is used on the next run, through names imported earlier
 *   rerun       a cell rerun at once after it failed runs (rerun_client.py: JupyterLab's requests)
 *   interrupt   SIGINT (Kernel > Interrupt) mid-training: one line, the kernel and the solver live on;
 *               the same through jupyter_client's interrupt_kernel() (interrupt_client.py)
 *   output      20,000 printed lines arrive complete and in order, the cell ends, the next runs;
 *               120,001 lines are visibly shortened
 *   errors      a cell run before the set-up cell: one line; library errors: message + lib/*.ts frames
 *   gc          training drops megabytes of gradients per step without a full collection every few steps
 * and in all of them: execution counts In [1], In [2], ... in the notebook and its HTML export.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportNotebookHtml } from '../../scripts/export-notebook-html';

const ROOT = path.resolve(__dirname, '..', '..');
const VENV = path.join(ROOT, '.venv');
const NOTEBOOKS = path.join(__dirname, 'notebooks');

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
}
interface Cell {
  cell_type: string;
  execution_count?: number | null;
  outputs?: Output[];
  source: string | string[];
}
interface Notebook {
  cells: Cell[];
}

let outDir = '';

beforeAll(() => {
  if (!fs.existsSync(path.join(VENV, 'bin', 'jupyter'))) {
    throw new Error(`${VENV}/bin/jupyter not found: run npm run setup:python first`);
  }
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-e2e-'));
});

afterAll(() => {
  if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
});

/** Executes test/jupyter/notebooks/<name>.ipynb with nbconvert; cells may take `cellTimeout` s. */
function execute(name: string, cellTimeout = 60): { nb: Notebook; file: string } {
  const input = path.join(NOTEBOOKS, `${name}.ipynb`);
  const r = spawnSync(
    path.join(VENV, 'bin', 'jupyter'),
    [
      'nbconvert',
      '--to',
      'notebook',
      '--execute',
      '--ExecutePreprocessor.kernel_name=tslab',
      `--ExecutePreprocessor.timeout=${cellTimeout}`,
      '--ExecutePreprocessor.startup_timeout=120',
      '--output-dir',
      outDir,
      input,
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: (cellTimeout * 4 + 120) * 1000,
      env: {
        ...process.env,
        PATH: `${VENV}/bin:${ROOT}/node_modules/.bin:${process.env.PATH}`,
        JUPYTER_PLATFORM_DIRS: '1',
      },
    },
  );
  if (r.status !== 0) {
    throw new Error(`nbconvert failed on ${name}.ipynb (status ${r.status}):\n${r.stderr}`);
  }
  const file = path.join(outDir, `${name}.ipynb`);
  return { nb: JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook, file };
}

const codeCells = (nb: Notebook) => nb.cells.filter((c) => c.cell_type === 'code');
const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : (t ?? ''));
const stream = (cell: Cell, name: 'stdout' | 'stderr') =>
  (cell.outputs ?? [])
    .filter((o) => o.output_type === 'stream' && o.name === name)
    .map((o) => text(o.text))
    .join('');

/** Every code cell carries its count, 1, 2, ... in order. */
function expectCounts(nb: Notebook) {
  const counts = codeCells(nb).map((c) => c.execution_count);
  expect(counts).toEqual(counts.map((_, i) => i + 1));
}

describe('autoreload', () => {
  const layers = path.join(ROOT, 'lib', 'layers', 'relu.ts');
  let original = '';
  beforeAll(() => {
    original = fs.readFileSync(layers, 'utf8');
  });
  afterAll(() => {
    // The notebook puts the file back itself; this covers a notebook that stopped early.
    if (original && fs.readFileSync(layers, 'utf8') !== original) {
      fs.writeFileSync(layers, original);
    }
  });

  it('uses an edited lib file on rerun, through the set-up cell import, keeping module state', () => {
    const { nb } = execute('autoreload');
    const out = codeCells(nb).map((c) => stream(c, 'stdout'));
    const errors = codeCells(nb).map((c) => stream(c, 'stderr'));
    expect(errors.join('')).toBe('');
    expect(out[1]).toContain('before: [ 0, 2 ]');
    expect(out[3]).toContain('after: [ -0.5, 2 ]');
    expect(out[4]).toContain('probe: new export');
    expect(out[5]).toContain('random continues: true');
    expect(out[5]).toContain('backend kept: true');
    expect(out[7]).toContain('restored: [ 0, 2 ]');
    expect(fs.readFileSync(layers, 'utf8')).toBe(original);
    expectCounts(nb);
  });
});

describe('rerun right after a failure', () => {
  it('edit, rerun (fails), restore in the same second, rerun at once: output each time, as JupyterLab sends them', () => {
    const layers = path.join(ROOT, 'lib', 'layers', 'affine.ts');
    const original = fs.readFileSync(layers, 'utf8');
    const r = spawnSync(
      path.join(VENV, 'bin', 'python'),
      [path.join(__dirname, 'rerun_client.py')],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 300_000,
        env: { ...process.env, JUPYTER_PLATFORM_DIRS: '1' },
      },
    );
    expect(fs.readFileSync(layers, 'utf8')).toBe(original);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
    // affineForward of the assignment's check: the values the notebook compares with.
    const expected = 'out: 1.4983 1.7066 1.9149 3.2555 3.5141 3.7727\n';
    expect(result.setup.status).toBe('ok');
    expect(result.check).toMatchObject({ status: 'ok', stdout: expected, stderr: '' });
    expect(result.edited.status).toBe('error');
    expect(result.edited.stdout).toBe('');
    expect(result.edited.stderr).toMatch(
      /^Error: affineForward was edited on disk\n {4}at affineForward \(lib\/layers\/affine\.ts:\d+:\d+\)/,
    );
    // Sent the moment the error reply came: not aborted, and it runs the restored file.
    expect(result.restored).toMatchObject({ status: 'ok', stdout: expected, stderr: '' });
    expect(result.again).toMatchObject({ status: 'ok', stdout: expected, stderr: '' });
    // Requests sent together with a failing one are still aborted ("Run All" stops at the error).
    expect(result.run_all.map((x: { status: string }) => x.status)).toEqual([
      'error',
      'abort',
      'abort',
    ]);
    expect(result.run_all[0].stderr).toContain('run all: first cell fails');
    expect(result.run_all[1].stdout + result.run_all[2].stdout).toBe('');
    expect(result.after_run_all).toMatchObject({ status: 'ok', stdout: expected, stderr: '' });
  });
});

describe('interrupt', () => {
  it('stops the cell with one line; the solver and the cell declarations live on', () => {
    const { nb } = execute('interrupt');
    const cells = codeCells(nb);
    const message = stream(cells[1], 'stderr').trimEnd();
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^Interrupted \(Kernel > Interrupt\)/);
    const after = stream(cells[2], 'stdout');
    expect(stream(cells[2], 'stderr')).toBe('');
    expect(after).toContain('iterations done: true');
    expect(after).toContain('history finite: true');
    expect(after).toContain('cell declarations kept: true');
    expect(after).toContain('earlier declarations kept: true');
    expect(after).toContain('interrupt hook ran: true');
    const ms = /stopped (-?\d+) ms after SIGINT/.exec(after);
    expect(ms).not.toBeNull();
    console.log(`interrupt: the training cell stopped ${ms?.[1]} ms after SIGINT`);
    expect(stream(cells[3], 'stderr')).toBe('');
    expect(stream(cells[3], 'stdout')).toBe('model still computes: true true\n');
    expectCounts(nb);
  });
});

describe('interrupt from the kernel manager', () => {
  it('KernelManager.interrupt_kernel() (what Kernel > Interrupt calls) stops training; the solver lives on', () => {
    const r = spawnSync(
      path.join(VENV, 'bin', 'python'),
      [path.join(__dirname, 'interrupt_client.py')],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 300_000,
        env: { ...process.env, JUPYTER_PLATFORM_DIRS: '1' },
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
    expect(result.setup).toBe('ok');
    expect(result.train).toBe('error');
    expect(result.train_output.stdout).toBe('');
    expect(result.train_output.stderr.trimEnd().split('\n')).toEqual([
      'Interrupted (Kernel > Interrupt): the cell stopped; what it had assigned before the interrupt is kept.',
    ]);
    expect(result.after).toBe('ok');
    expect(result.after_output).toEqual({ stdout: 'true true\n', stderr: '' });
    expect(result.alive).toBe(true);
    console.log(
      `interrupt_kernel(): the cell's reply came ${result.reply_ms} ms after the interrupt`,
    );
  });
});

describe('output', () => {
  it('delivers 20,000 lines and DONE in order, ends the cell, runs the next', () => {
    const { nb, file } = execute('output', 30);
    const cells = codeCells(nb);
    const lines = stream(cells[0], 'stdout').trimEnd().split('\n');
    const expected = Array.from({ length: 20000 }, (_, i) => `line ${i + 1} of 20000`);
    expect(lines).toEqual([...expected, 'DONE']);
    expect(stream(cells[1], 'stdout')).toBe('next cell ran\n');

    // 120,001 lines: the first 50,000, a line saying how many are not shown, the last 1,000.
    const long = stream(cells[2], 'stdout').trimEnd().split('\n');
    expect(long).toHaveLength(51_001);
    expect(long[49_999]).toBe('row 50000');
    expect(long[50_000]).toMatch(/^\.\.\. 69,001 lines not shown \(the cell printed 120,001 lines/);
    expect(long[50_001]).toBe('row 119002');
    expect(long[51_000]).toBe('END');
    expect(stream(cells[3], 'stdout')).toBe('after the long cell\n');
    expectCounts(nb);

    // The HTML export shows the counts too.
    const html = fs.readFileSync(
      exportNotebookHtml(file, path.join(outDir, 'output.html')),
      'utf8',
    );
    expect(html).toMatch(/In(&nbsp;|\s)\[1\]:/);
    expect(html).toMatch(/In(&nbsp;|\s)\[2\]:/);
  });
});

describe('errors', () => {
  it('says in one line which cell to run first, and shows lib errors with lib/*.ts frames', () => {
    const { nb } = execute('errors');
    const cells = codeCells(nb);

    const early = stream(cells[0], 'stderr').trimEnd();
    expect(early.split('\n')).toHaveLength(1);
    expect(early).toContain("'Solver' is not imported yet: run the set-up cell");
    expect(early).toContain("'model', 'data' are not defined yet");
    expect(early).not.toMatch(/private name/);

    for (const i of [2, 3]) {
      const lines = stream(cells[i], 'stderr').trimEnd().split('\n');
      expect(lines[0]).toMatch(/^RangeError: affineForward: x with \d+ features \(shape/);
      const frames = lines.slice(1);
      expect(frames.length).toBeGreaterThan(0);
      expect(frames.length).toBeLessThanOrEqual(4);
      expect(frames[0]).toMatch(/^ {4}at checkAffine \(lib\/layers\/affine\.ts:\d+:\d+\)$/);
      expect(frames[1]).toMatch(/^ {4}at affineForward \(lib\/layers\/affine\.ts:\d+:\d+\)$/);
      for (const f of frames) expect(f).not.toMatch(/node:|node_modules|tslab|\.js:|jupyter\//);
    }
    // The frame's line is where lib/layers/affine.ts throws (source maps, not the transpiled line).
    const src = fs.readFileSync(path.join(ROOT, 'lib', 'layers', 'affine.ts'), 'utf8').split('\n');
    const line = Number(/affine\.ts:(\d+)/.exec(stream(cells[2], 'stderr'))?.[1]);
    expect(src[line - 1]).toMatch(/throw new RangeError/);
    expect(stream(cells[3], 'stderr')).toContain('at deeper (cell)');

    expect(stream(cells[4], 'stdout')).toBe('still running\n');
    expectCounts(nb);
  });
});

describe('garbage collection', () => {
  it('trains without a full collection every few steps (the young generation holds the dropped gradients)', () => {
    // 800 steps of TwoLayerNet(hidden 128) drop about 3 MB of gradients each. Measured: 2 full
    // collections with the launcher's --max-semi-space-size=64, 36 without it (Node 20); on Node 26,
    // 42 with that flag alone, 0 with the launcher's external-memory flag as well.
    const { nb } = execute('gc', 120);
    const last = codeCells(nb).at(-1) as Cell;
    const { fullCollections } = JSON.parse(stream(last, 'stdout').trim()) as {
      fullCollections: number;
    };
    console.log(
      `gc: ${fullCollections} full collections over 800 steps on Node ${process.version}`,
    );
    expect(fullCollections).toBeLessThanOrEqual(10);
    expectCounts(nb);
  });
});
