/**
 * `npm run bench [-- --pairs N] [-- --sweep] [-- --fcnets | --fcnets-only] [-- --conv | --conv-only]
 * [-- --conv-cells timing,epoch] [-- --conv-steps N] [-- --gemm-only] [-- --json] [-- --spec FILE]`:
 * our compute backends against numpy on the same work (bench/spec.json), measured in one run.
 *
 * Each measurement is a whole child process (numpy: bench/numpy_ref.py; ours: bench/ours.ts, one
 * backend per process), and the sides alternate: N rounds (default 3) of numpy, blas, wasm, with
 * the order rotated every round so that no side always runs first. Per row the table gives each
 * side's median, and per backend the median of the per-round ratios to numpy with their min-max.
 *
 * - GEMM GFLOP/s (best of repeated calls within a process) for the shapes of the two-layer net.
 * - Wall time of the seed's Solver cell, of the same with the data loading, of a shortened tuning
 *   cell, and with `--sweep` of the notebook's full tuning sweep (9 runs, 15 epochs: long).
 * - With `--fcnets`, also the FullyConnectedNets notebook's cells at its full budget (ours:
 *   bench/fcNets.ts, numpy: bench/numpy_fcnets.py; several minutes per process), in rounds of their
 *   own after the others, each cell as a row under the total; `--fcnets-only` runs just these.
 * - With `--conv`, also the ConvolutionalNetworks notebook's fast-layer timing cell and its
 *   one-epoch training cell of the three-layer net (ours: bench/convCells.ts, numpy:
 *   bench/numpy_conv.py on the course's own fast_layers.py with its Cython im2col, built once into
 *   .cache/bench-python/ with the Cython of bench/requirements-bench.txt), in rounds of their own;
 *   the training row is followed by where its time goes (conv, relu, pool, affine, loss, update,
 *   the rest), conv and affine each with its floor at that product's GEMM rate. `--conv-cells`
 *   picks the cells (default both), `--conv-steps N` shortens the epoch to N steps, `--conv-only`
 *   runs just these. The course's folder: CS231N_COURSE_DIR, else
 *   ../shared/reference/cs231n-2026-assignment2/cs231n beside the checkout or one level up.
 * - Next to each training time, its compute floor: the FLOPs of the matrix products that side ran
 *   divided by that side's best GEMM rate in the same process (time / floor shows what is spent
 *   beyond the products: gathers, elementwise passes, thread hand-offs, interpreter).
 * - The 1-minute load average at the start and end of every process: the machine may be shared,
 *   and other work skews both sides (unevenly: threaded BLAS suffers most).
 *
 * For JSON without npm's banner: `npm run -s bench -- --json`.
 *
 * The numpy side is run with `BENCH_PYTHON`, else `.venv/bin/python` when it exists, else
 * `python3`. Both sides run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from their
 * environment, so OpenBLAS picks its kernel for this CPU on both sides.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NODE_FLAGS } from '../jupyter/kernel/kernelspec';

const root = path.resolve(__dirname, '..');
const argv = process.argv.slice(2);
const specArg = argv.indexOf('--spec');
const specPath = specArg >= 0 ? path.resolve(argv[specArg + 1]) : path.join(__dirname, 'spec.json');
const asJson = argv.includes('--json');
const gemmOnly = argv.includes('--gemm-only');
const withSweep = argv.includes('--sweep');
const fcnetsOnly = argv.includes('--fcnets-only');
const withFcnets = fcnetsOnly || argv.includes('--fcnets');
const convOnly = argv.includes('--conv-only');
const withConv = convOnly || argv.includes('--conv');
const convCellsArg = argv.indexOf('--conv-cells');
const convCells = convCellsArg >= 0 ? argv[convCellsArg + 1].split(',') : ['timing', 'epoch'];
if (convCells.some((c) => c !== 'timing' && c !== 'epoch')) {
  throw new RangeError(
    `bench: --conv-cells must list timing and/or epoch, got ${convCells.join(',')}`,
  );
}
const convStepsArg = argv.indexOf('--conv-steps');
const convSteps = convStepsArg >= 0 ? Number(argv[convStepsArg + 1]) : undefined;
if (convSteps !== undefined && (!Number.isInteger(convSteps) || convSteps < 1)) {
  throw new RangeError(
    `bench: --conv-steps must be a positive integer, got ${argv[convStepsArg + 1]}`,
  );
}
const pairsArg = argv.indexOf('--pairs');
const rounds = pairsArg >= 0 ? Number(argv[pairsArg + 1]) : 3;
if (!Number.isInteger(rounds) || rounds < 1) {
  throw new RangeError(`bench: --pairs must be a positive integer, got ${argv[pairsArg + 1]}`);
}
const OPENBLAS_VARS = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

interface GemmResult {
  name: string;
  gflops: number;
}
interface CellResult {
  seconds: number;
  flops?: number;
  [key: string]: unknown;
}
/** The FullyConnectedNets notebook's cells as one process reports them. */
interface FcnetsResult extends CellResult {
  cellSeconds: Record<string, number>;
  /** FLOPs of each cell's matrix products */
  cellFlops?: Record<string, number>;
  bestValAcc: number;
  valAcc: number;
  testAcc: number;
}
/** The one-epoch training cell of the three-layer net as one process reports it. */
interface ConvEpochResult extends CellResult {
  iterations: number;
  partSeconds: Record<string, number>;
  partFlops: Record<'conv' | 'affine', number>;
  gemmGflops: Record<'conv' | 'affine', number>;
  accuracies: { iteration: number; train: number; val: number }[];
  /** how ours got its parts (a profile of a few steps, scaled); absent on the numpy side */
  partSource?: string;
}
/** What one child process reports, plus what the parent measured around it. */
interface Run {
  side: string;
  round: number;
  gemm?: GemmResult[];
  solverCell?: CellResult;
  tuningCell?: CellResult;
  sweep?: CellResult;
  /** bench/fcNets.ts or bench/numpy_fcnets.py: the FullyConnectedNets notebook's cells */
  fcnets?: FcnetsResult;
  /** bench/convCells.ts or bench/numpy_conv.py: the ConvolutionalNetworks notebook's cells */
  timing?: Record<string, { median: number; best: number; reps: number }>;
  epoch?: ConvEpochResult;
  loadSeconds?: number;
  detail?: string;
  processSeconds: number;
  load: [number, number];
}

const notes: string[] = [];
const log = (line: string) => {
  if (!asJson) process.stderr.write(`${line}\n`);
};

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const v of OPENBLAS_VARS) delete env[v];
  return env;
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

/** Runs a child that prints one JSON line last; null (with a note) when it fails. */
function runJson(what: string, cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    const err = (r.stderr ?? r.error?.message ?? '').trim().split('\n').slice(-5).join('\n');
    notes.push(`${what} failed (exit ${r.status}): ${err}`);
    return null;
  }
  return JSON.parse(last);
}

function findPython(): string | null {
  const candidates = process.env.BENCH_PYTHON
    ? [process.env.BENCH_PYTHON]
    : [path.join(root, '.venv', 'bin', 'python'), 'python3'].filter(
        (p) => p === 'python3' || fs.existsSync(p),
      );
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import numpy'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  notes.push(
    `numpy not found (tried ${candidates.join(', ')}): run \`npm run setup:python\` to create .venv with numpy, or set BENCH_PYTHON to a python that has numpy (and threadpoolctl, to show the BLAS kernel)`,
  );
  return null;
}

function findData(): string | null {
  if (gemmOnly) return null;
  try {
    const { resolveCIFAR10Dir } = require('../lib/dataUtils') as typeof import('../lib/dataUtils');
    return resolveCIFAR10Dir();
  } catch (e) {
    notes.push(`training skipped: ${(e as Error).message}`);
    return null;
  }
}

function availableBackends(): string[] {
  const r = spawnSync(
    process.execPath,
    [
      require.resolve('tsx/cli', { paths: [root] }),
      '-e',
      "console.log(JSON.stringify(require('./lib/backends').availableBackends()))",
    ],
    { cwd: root, encoding: 'utf8', env: { ...childEnv(), CS231N_BACKEND: '' } },
  );
  return JSON.parse((r.stdout ?? '[]').trim().split('\n').pop() || '["js"]');
}

const tsx = require.resolve('tsx/cli', { paths: [root] });
const tsxHook = require.resolve('tsx/cjs', { paths: [root] });
const python = findPython();
const dataDir = findData();
// js would take many minutes per training cell; its GEMM is the tests' oracle, not a contender.
const backends = availableBackends().filter((b) => b !== 'js');
const dataEnv = dataDir ? { CIFAR10_DIR: dataDir } : {};

/** One measurement of one side, as a whole process. */
function measure(side: string, round: number): Run | null {
  const load0 = os.loadavg()[0];
  const t = now();
  let out: Record<string, unknown> | null;
  if (side === 'numpy') {
    out = runJson(
      'numpy (bench/numpy_ref.py)',
      python as string,
      [
        path.join(__dirname, 'numpy_ref.py'),
        '--spec',
        specPath,
        ...(dataDir ? ['--data', dataDir] : ['--gemm-only']),
        ...(withSweep ? ['--sweep'] : []),
      ],
      childEnv(),
    );
  } else {
    const r = runJson(
      `ours (bench/ours.ts, ${side})`,
      process.execPath,
      [
        tsx,
        path.join(__dirname, 'ours.ts'),
        '--spec',
        specPath,
        '--gemm',
        side,
        ...(dataDir ? ['--train', side] : []),
        ...(withSweep ? ['--sweep'] : []),
      ],
      { ...childEnv(), ...dataEnv },
    );
    out = r ? { ...r.backends[side], loadSeconds: r.loadSeconds } : null;
  }
  if (out === null) return null;
  return {
    ...(out as object),
    side,
    round,
    processSeconds: now() - t,
    load: [load0, os.loadavg()[0]],
  } as Run;
}

/**
 * One measurement of the FullyConnectedNets notebook's cells on one side, as a whole process:
 * bench/numpy_fcnets.py for numpy, bench/fcNets.ts for a backend of ours. Ours runs as the
 * notebook kernel runs code: node with the kernel's V8 flags (jupyter/kernel/kernelspec.ts) and
 * tsx's CommonJS hook.
 */
function measureFcnets(side: string, round: number): Run | null {
  const load0 = os.loadavg()[0];
  const t = now();
  const out =
    side === 'numpy'
      ? runJson(
          'numpy (bench/numpy_fcnets.py)',
          python as string,
          [
            path.join(__dirname, 'numpy_fcnets.py'),
            '--spec',
            specPath,
            '--data',
            dataDir as string,
          ],
          childEnv(),
        )
      : runJson(
          `ours (bench/fcNets.ts, ${side})`,
          process.execPath,
          [
            ...NODE_FLAGS,
            '--require',
            tsxHook,
            path.join(__dirname, 'fcNets.ts'),
            '--spec',
            specPath,
            '--backend',
            side,
          ],
          { ...childEnv(), ...dataEnv },
        );
  if (out === null) return null;
  return {
    ...(out as object),
    side,
    round,
    processSeconds: now() - t,
    load: [load0, os.loadavg()[0]],
  } as Run;
}

/**
 * `rounds` rounds of one measurement per side, the order of the sides rotated every round so
 * that no side always runs first (or right after the same other side).
 */
function alternate(what: string, run: (side: string, round: number) => Run | null): Run[] {
  const out: Run[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = sides.map((_, i) => sides[(i + round) % sides.length]);
    for (const side of order) {
      log(`bench: ${what}round ${round + 1}/${rounds}: ${side} ...`);
      const r = run(side, round);
      if (r === null) continue;
      if (side === 'numpy') Object.assign(numpyInfo, r);
      out.push(r);
    }
  }
  return out;
}

/**
 * The course's cs231n folder (fast_layers.py, im2col_cython.pyx), read only: CS231N_COURSE_DIR,
 * else the shared reference beside the checkout or one level up.
 */
function findCourse(): string | null {
  const candidates = process.env.CS231N_COURSE_DIR
    ? [process.env.CS231N_COURSE_DIR]
    : ['..', '../..'].map((up) =>
        path.resolve(root, up, 'shared', 'reference', 'cs231n-2026-assignment2', 'cs231n'),
      );
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'fast_layers.py')));
  if (!found)
    notes.push(
      `the course's cs231n folder not found (tried ${candidates.join(', ')}): set CS231N_COURSE_DIR`,
    );
  return found ?? null;
}

const convBuild = path.join(root, '.cache', 'bench-python');

/**
 * Installs bench/requirements-bench.txt (Cython) into .cache/bench-python/site when missing and
 * compiles the course's im2col_cython.pyx there (bench/numpy_conv.py --prepare); false, with a
 * note, when either fails (the numpy side of the conv rows is then left out).
 */
function prepareCourse(course: string): boolean {
  const site = path.join(convBuild, 'site');
  if (!fs.existsSync(path.join(site, 'Cython'))) {
    log(
      'bench: installing bench/requirements-bench.txt (Cython) into .cache/bench-python/site ...',
    );
    const r = spawnSync(
      python as string,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--target',
        site,
        '-r',
        path.join(__dirname, 'requirements-bench.txt'),
      ],
      { cwd: root, encoding: 'utf8' },
    );
    if (r.status !== 0) {
      notes.push(
        `pip install of bench/requirements-bench.txt failed: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`,
      );
      return false;
    }
  }
  const out = runJson(
    "the course's im2col_cython build (bench/numpy_conv.py --prepare)",
    python as string,
    [path.join(__dirname, 'numpy_conv.py'), '--prepare', '--course', course, '--build', convBuild],
    childEnv(),
  );
  if (out === null) return false;
  numpyInfo.cython = out.cython;
  return true;
}

/** One measurement of one conv cell on one side, as a whole process. */
function measureConv(cell: 'timing' | 'epoch', side: string, round: number): Run | null {
  const load0 = os.loadavg()[0];
  const t = now();
  const steps = cell === 'epoch' && convSteps !== undefined ? ['--steps', String(convSteps)] : [];
  const out =
    side === 'numpy'
      ? runJson(
          `numpy (bench/numpy_conv.py --cell ${cell})`,
          python as string,
          [
            path.join(__dirname, 'numpy_conv.py'),
            '--cell',
            cell,
            '--course',
            course as string,
            '--build',
            convBuild,
            '--spec',
            specPath,
            ...(cell === 'epoch' ? ['--data', dataDir as string] : []),
            ...steps,
          ],
          childEnv(),
        )
      : runJson(
          `ours (bench/convCells.ts --cell ${cell}, ${side})`,
          process.execPath,
          [
            ...NODE_FLAGS,
            '--require',
            tsxHook,
            path.join(__dirname, 'convCells.ts'),
            '--cell',
            cell,
            '--spec',
            specPath,
            '--backend',
            side,
            ...steps,
          ],
          { ...childEnv(), ...dataEnv },
        );
  if (out === null) return null;
  return {
    ...(out as object),
    side,
    round,
    processSeconds: now() - t,
    load: [load0, os.loadavg()[0]],
  } as Run;
}

const numpyInfo: Record<string, unknown> = {};
const course = withConv && python ? findCourse() : null;
const courseReady = course !== null && prepareCourse(course);
const baseSides = [...(python ? ['numpy'] : []), ...backends];
let sides = baseSides;
const runs: Run[] = fcnetsOnly || convOnly ? [] : alternate('', measure);
if (withFcnets && !dataDir) notes.push('the FullyConnectedNets row needs CIFAR-10: skipped');
const fcnetsRuns: Run[] =
  withFcnets && dataDir ? alternate('FullyConnectedNets ', measureFcnets) : [];
if (withConv) {
  // the numpy side of the conv rows needs the course's folder and its Cython build
  sides = courseReady ? baseSides : backends;
  if (convCells.includes('epoch') && !dataDir)
    notes.push('the conv training row needs CIFAR-10: skipped');
}
const convTimingRuns: Run[] =
  withConv && convCells.includes('timing')
    ? alternate('conv timing cell ', (side, round) => measureConv('timing', side, round))
    : [];
const convEpochRuns: Run[] =
  withConv && convCells.includes('epoch') && dataDir
    ? alternate('conv training cell ', (side, round) => measureConv('epoch', side, round))
    : [];
sides = baseSides;

// ---------------------------------------------------------------------------------------------
// Summary: per row and side the median value, and per backend the per-round ratios to numpy.

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const bestGemm = (r: Run) => Math.max(...(r.gemm ?? []).map((g) => g.gflops));

interface Row {
  label: string;
  /** 'rate': higher is better (ratio = ours / numpy speed); 'time': seconds */
  kind: 'rate' | 'time';
  value: (r: Run) => number | undefined;
  flops?: (r: Run) => number | undefined;
  /** the measurements this row reads (the main rounds unless said) */
  source?: Run[];
  /** the compute floor in seconds, when the row knows it better than flops / best GEMM */
  floor?: (r: Run) => number | undefined;
}
const gemmNames = (runs.find((r) => r.gemm)?.gemm ?? []).map((g) => g.name);
const rows: Row[] = [
  ...gemmNames.map(
    (name, i): Row => ({
      label: `GEMM ${name} GFLOP/s`,
      kind: 'rate',
      value: (r) => r.gemm?.[i]?.gflops,
    }),
  ),
];
const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
if (dataDir && runs.length > 0) {
  const sc = spec.solverCell;
  const tc = spec.tuningCell;
  rows.push(
    {
      label: `Solver cell (hidden ${sc.hiddenDim}, ${sc.numEpochs} epochs) s`,
      kind: 'time',
      value: (r) => r.solverCell?.seconds,
      flops: (r) => r.solverCell?.flops,
    },
    {
      label: 'data loading + Solver cell s',
      kind: 'time',
      value: (r) =>
        r.solverCell && r.loadSeconds !== undefined
          ? r.loadSeconds + r.solverCell.seconds
          : undefined,
      flops: (r) => r.solverCell?.flops,
    },
    {
      label: `tuning cell, shortened (${tc.pairs.length} runs, ${tc.numEpochs} epochs) s`,
      kind: 'time',
      value: (r) => r.tuningCell?.seconds,
      flops: (r) => r.tuningCell?.flops,
    },
  );
  if (withSweep) {
    const sw = spec.sweep;
    rows.push({
      label: `sweep (${sw.learningRates.length * sw.regs.length} runs, ${sw.numEpochs} epochs) s`,
      kind: 'time',
      value: (r) => r.sweep?.seconds,
      flops: (r) => r.sweep?.flops,
    });
  }
}

if (fcnetsRuns.length > 0) {
  const fc = spec.fcnets;
  rows.push({
    label: `FullyConnectedNets notebook, all cells (${fc.numTraining} images, good model ${fc.bestEpochs} epochs) s`,
    kind: 'time',
    value: (r) => r.fcnets?.seconds,
    flops: (r) => r.fcnets?.flops,
    source: fcnetsRuns,
  });
  const cellNames = Object.keys(fcnetsRuns.find((r) => r.fcnets)?.fcnets?.cellSeconds ?? {});
  for (const name of cellNames) {
    rows.push({
      label: `  ${name} s`,
      kind: 'time',
      value: (r) => r.fcnets?.cellSeconds[name],
      flops: (r) => r.fcnets?.cellFlops?.[name],
      source: fcnetsRuns,
    });
  }
}

if (convTimingRuns.length > 0) {
  const names: Record<string, string> = {
    convForward: 'conv forward fast, x (100, 3, 31, 31), w (25, 3, 3, 3), stride 2, pad 1 ms',
    convBackward: 'conv backward fast, same shapes ms',
    poolForward: 'max pool forward fast, x (100, 3, 32, 32), 2x2 stride 2 ms',
    poolBackward: 'max pool backward fast, same shapes ms',
  };
  for (const [key, label] of Object.entries(names)) {
    rows.push({
      label,
      kind: 'time',
      value: (r) => (r.timing?.[key] ? r.timing[key].median * 1e3 : undefined),
      source: convTimingRuns,
    });
  }
}
if (convEpochRuns.length > 0) {
  const ep = spec.conv.epoch;
  rows.push({
    label: `three-layer convnet, ${convSteps === undefined ? 'one epoch' : `${convSteps} steps`} (batch ${ep.batchSize}, hidden ${ep.hiddenDim}, Adam) s`,
    kind: 'time',
    value: (r) => r.epoch?.seconds,
    source: convEpochRuns,
    floor: (r) =>
      r.epoch
        ? r.epoch.partFlops.conv / (r.epoch.gemmGflops.conv * 1e9) +
          r.epoch.partFlops.affine / (r.epoch.gemmGflops.affine * 1e9)
        : undefined,
  });
  const parts = Object.keys(convEpochRuns.find((r) => r.epoch)?.epoch?.partSeconds ?? {});
  for (const part of parts) {
    const gemmPart = part === 'conv' || part === 'affine' ? part : null;
    rows.push({
      label: `  ${part} s`,
      kind: 'time',
      value: (r) => r.epoch?.partSeconds[part],
      source: convEpochRuns,
      ...(gemmPart
        ? {
            floor: (r: Run) =>
              r.epoch
                ? r.epoch.partFlops[gemmPart] / (r.epoch.gemmGflops[gemmPart] * 1e9)
                : undefined,
          }
        : {}),
    });
  }
}

interface RowSummary {
  label: string;
  sides: Record<
    string,
    { median: number; floor?: number; ratio?: { median: number; min: number; max: number } }
  >;
}

const summary: RowSummary[] = rows.map((row) => {
  const out: RowSummary = { label: row.label, sides: {} };
  const source = row.source ?? runs;
  for (const side of sides) {
    const mine = source.filter((r) => r.side === side && row.value(r) !== undefined);
    if (mine.length === 0) continue;
    const entry: RowSummary['sides'][string] = {
      median: median(mine.map((r) => row.value(r) as number)),
    };
    if (row.floor) {
      const floors = mine.map((r) => row.floor?.(r) ?? Number.NaN).filter(Number.isFinite);
      if (floors.length > 0) entry.floor = median(floors);
    } else if (row.flops) {
      const floors = mine
        .map((r) => (row.flops?.(r) ?? Number.NaN) / (bestGemm(r) * 1e9))
        .filter(Number.isFinite);
      if (floors.length > 0) entry.floor = median(floors);
    }
    if (side !== 'numpy') {
      const ratios: number[] = [];
      for (const r of mine) {
        const np = source.find((n) => n.side === 'numpy' && n.round === r.round);
        const v = np && row.value(np);
        if (v === undefined || v === null) continue;
        const mineV = row.value(r) as number;
        ratios.push(mineV / v); // a time ratio for seconds, a speed ratio for GFLOP/s
      }
      if (ratios.length > 0) {
        entry.ratio = {
          median: median(ratios),
          min: Math.min(...ratios),
          max: Math.max(...ratios),
        };
      }
    }
    out.sides[side] = entry;
  }
  return out;
});

const allRuns = [...runs, ...fcnetsRuns, ...convTimingRuns, ...convEpochRuns];
const loads = allRuns.flatMap((r) => r.load);
const loadRange = loads.length
  ? { min: Math.min(...loads), median: median(loads), max: Math.max(...loads) }
  : null;

const fmt = (x: number | undefined, digits = 2) =>
  x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits);

function render(table: string[][]): string {
  const widths = table[0].map((_, j) => Math.max(...table.map((r) => (r[j] ?? '').length)));
  return table
    .map((r) =>
      r.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '),
    )
    .join('\n');
}

if (asJson) {
  const result = {
    spec,
    rounds,
    sides,
    runs,
    fcnetsRuns,
    convTimingRuns,
    convEpochRuns,
    summary,
    loadAverage: { ...loadRange, cpus: os.cpus().length },
    notes,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const lines: string[] = [];
  const np = numpyInfo as {
    numpy?: string;
    python?: string;
    blas?: Record<string, unknown>;
    cython?: string;
  };
  if (np.numpy) {
    const libs = (np.blas?.libraries ?? []) as Record<string, unknown>[];
    const blas = libs.length
      ? libs
          .map(
            (l) =>
              `${l.internal_api} ${l.version} ${l.architecture} kernel, ${l.num_threads} threads`,
          )
          .join('; ')
      : String(np.blas?.note ?? 'unknown BLAS');
    lines.push(`numpy ${np.numpy} (python ${np.python}): ${blas}`);
    if (np.cython) {
      lines.push(
        `numpy conv rows: the course's fast_layers.py (conv_forward_strides, conv_backward_strides with col2im_6d_cython; max_pool reshape path) with im2col_cython.pyx built by Cython ${np.cython}`,
      );
    }
  }
  for (const b of backends) {
    const r = allRuns.find((x) => x.side === b);
    if (r) lines.push(`${b}: ${r.detail ?? ''}`);
  }
  lines.push(
    `${rounds} rounds of whole processes, sides alternated (${sides.join(', ')}, order rotated each round); OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset on both sides.`,
    `Values are medians over the rounds (GEMM: best call within a process); "x numpy" is the median of the per-round ratios [min-max] (time ratio for seconds, lower is better; speed ratio for GFLOP/s, higher is better).`,
    `floor = FLOPs of that side's matrix products / its best GEMM rate in the same process.`,
  );
  if (loadRange) {
    lines.push(
      `1-minute load average during the runs: ${fmt(loadRange.min)} to ${fmt(loadRange.max)} (median ${fmt(loadRange.median)}) on ${os.cpus().length} CPUs${loadRange.max > os.cpus().length * 0.75 ? ': the machine is busy, so both sides are slowed, and the numbers are noisy' : ''}.`,
    );
  }
  const header = ['', ...(sides.includes('numpy') ? ['numpy', 'floor'] : [])];
  for (const b of backends) header.push(b, 'x numpy [min-max]', 'floor');
  const table = [header];
  for (const s of summary) {
    const row = [s.label];
    const digits = s.label.startsWith('GEMM') ? 1 : 2;
    if (sides.includes('numpy')) {
      row.push(fmt(s.sides.numpy?.median, digits), fmt(s.sides.numpy?.floor));
    }
    for (const b of backends) {
      const e = s.sides[b];
      row.push(
        fmt(e?.median, digits),
        e?.ratio
          ? `${e.ratio.median.toFixed(2)}x [${e.ratio.min.toFixed(2)}-${e.ratio.max.toFixed(2)}]`
          : '-',
        fmt(e?.floor),
      );
    }
    table.push(row);
  }
  lines.push('', render(table));
  const accs = runs
    .filter((r) => r.solverCell?.bestValAcc !== undefined)
    .map((r) => `${r.side} ${fmt(r.solverCell?.bestValAcc as number, 3)}`);
  if (accs.length) lines.push(`(Solver cell best val acc per run: ${accs.join(', ')})`);
  const fcAccs = fcnetsRuns
    .filter((r) => r.fcnets !== undefined)
    .map((r) => `${r.side} ${fmt(r.fcnets?.bestValAcc, 3)} / ${fmt(r.fcnets?.testAcc, 3)}`);
  if (fcAccs.length) {
    lines.push(
      `(FullyConnectedNets good model, best val acc / test acc per run: ${fcAccs.join(', ')})`,
    );
  }
  const epAccs = convEpochRuns
    .filter((r) => r.epoch !== undefined)
    .map((r) => {
      const a = r.epoch?.accuracies.at(-1);
      return `${r.side} ${fmt(a?.train, 3)} / ${fmt(a?.val, 3)}`;
    });
  if (epAccs.length) {
    lines.push(
      `(three-layer convnet, train acc (1000 samples) / val acc at the last iteration per run: ${epAccs.join(', ')}; conv and affine floors at each process's GEMM rate of that layer's product shape)`,
      `(the row times each side's Solver training ThreeLayerConvNet; its parts are of the training steps: numpy's timed as they run, ours from ${convEpochRuns.find((r) => r.epoch?.partSource)?.epoch?.partSource ?? 'a profile'}; 'other' is the rest, mostly the accuracy checks)`,
    );
  }
  for (const n of notes) lines.push('', `note: ${n}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
