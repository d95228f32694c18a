/**
 * `npm run bench [-- --json] [-- --gemm-only]`: our compute backends against numpy on the same work
 * (bench/spec.json), measured in one run, printed as a table of side-by-side ratios (or JSON).
 *
 * - GEMM GFLOP/s (best of repeated calls) for the shapes of the two-layer net, per backend.
 * - Wall time of the seed's Solver cell and of a shortened tuning cell (CIFAR-10), per backend.
 *
 * For JSON without npm's banner: `npm run -s bench -- --json`.
 *
 * The numpy side is bench/numpy_ref.py, run with `BENCH_PYTHON`, else `.venv/bin/python` when it
 * exists, else `python3`. Both sides run in child processes with OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE removed from their environment, so OpenBLAS picks its kernel for this CPU on
 * both sides; when those variables are set here, the blas GEMM is measured once more with them
 * (what the library gets in this environment) and shown on its own line.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const specPath = path.join(__dirname, 'spec.json');
const asJson = process.argv.includes('--json');
const gemmOnly = process.argv.includes('--gemm-only');
const OPENBLAS_VARS = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];
/** 1-minute load average at the start; other work on the machine skews both sides' numbers. */
const loadAtStart = os.loadavg()[0];

interface GemmResult {
  name: string;
  reps: number;
  bestSeconds: number;
  medianSeconds: number;
  gflops: number;
}
interface CellResult {
  seconds: number;
  [key: string]: unknown;
}
interface SideResult {
  gemm?: GemmResult[];
  solverCell?: CellResult;
  tuningCell?: CellResult;
  detail?: string;
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

/** Runs a child that prints one JSON line; null (with a note) when it fails. */
function runJson(what: string, cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  log(`bench: running ${what} ...`);
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
      "console.log(JSON.stringify(require('./lib/kernels').availableBackends()))",
    ],
    { cwd: root, encoding: 'utf8', env: { ...childEnv(), CS231N_BACKEND: '' } },
  );
  return JSON.parse((r.stdout ?? '[]').trim().split('\n').pop() || '["js"]');
}

const tsx = require.resolve('tsx/cli', { paths: [root] });
const python = findPython();
const dataDir = findData();
const backends = availableBackends();
const trainBackends = backends.filter((b) => b !== 'js'); // js would take many minutes per cell
const dataEnv = dataDir ? { CIFAR10_DIR: dataDir } : {};

const numpy = python
  ? runJson(
      'numpy (bench/numpy_ref.py)',
      python,
      [
        path.join(__dirname, 'numpy_ref.py'),
        '--spec',
        specPath,
        ...(dataDir ? ['--data', dataDir] : ['--gemm-only']),
      ],
      childEnv(),
    )
  : null;

const ours = runJson(
  `ours (bench/ours.ts: ${backends.join(', ')})`,
  process.execPath,
  [
    tsx,
    path.join(__dirname, 'ours.ts'),
    '--spec',
    specPath,
    '--gemm',
    backends.join(','),
    ...(dataDir ? ['--train', trainBackends.join(',')] : []),
  ],
  { ...childEnv(), ...dataEnv },
);

const inheritedVars = OPENBLAS_VARS.filter((v) => process.env[v] !== undefined);
const inherited =
  backends.includes('blas') && inheritedVars.length > 0
    ? runJson(
        `ours, blas with ${inheritedVars.map((v) => `${v}=${process.env[v]}`).join(' ')}`,
        process.execPath,
        [tsx, path.join(__dirname, 'ours.ts'), '--spec', specPath, '--gemm', 'blas'],
        process.env,
      )
    : null;

// ---------------------------------------------------------------------------------------------
// Table.

const oursBackends: Record<string, SideResult> = ours?.backends ?? {};
const columns: { key: string; label: string; side: SideResult }[] = Object.entries(
  oursBackends,
).map(([k, v]) => ({ key: k, label: k, side: v }));
if (inherited?.backends?.blas) {
  columns.push({
    key: 'blas-inherited-env',
    label: 'blas@env',
    side: inherited.backends.blas,
  });
}
const numpySide: SideResult | null = numpy
  ? { gemm: numpy.gemm, solverCell: numpy.solverCell, tuningCell: numpy.tuningCell }
  : null;

const fmt = (x: number | undefined, digits = 1) =>
  x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits);
const ratios: Record<string, Record<string, number | null>> = {};

function gemmTable(): string[][] {
  const shapes = (numpySide?.gemm ?? columns[0]?.side.gemm ?? []).map((g) => g.name);
  const header = ['GEMM GFLOP/s (best)', 'numpy', ...columns.flatMap((c) => [c.label, 'x numpy'])];
  const rows = [header];
  for (const [i, name] of shapes.entries()) {
    const np = numpySide?.gemm?.[i]?.gflops;
    const row = [name, fmt(np)];
    for (const c of columns) {
      const g = c.side.gemm?.[i]?.gflops;
      const ratio = g !== undefined && np !== undefined ? g / np : undefined;
      ratios[`gemm ${name}`] ??= {};
      ratios[`gemm ${name}`][c.key] = ratio ?? null;
      row.push(fmt(g), ratio === undefined ? '-' : `${ratio.toFixed(2)}x`);
    }
    rows.push(row);
  }
  return rows;
}

function trainTable(): string[][] {
  const trained = columns.filter((c) => c.side.solverCell !== undefined);
  const header = [
    'Training wall time (s)',
    'numpy',
    ...trained.flatMap((c) => [c.label, '/ numpy']),
  ];
  const rows = [header];
  for (const [cell, label] of [
    ['solverCell', 'Solver cell (hidden 50, 10 epochs)'],
    ['tuningCell', 'Tuning cell, shortened'],
  ] as const) {
    const np = numpySide?.[cell]?.seconds;
    const row = [label, fmt(np, 2)];
    for (const c of trained) {
      const s = c.side[cell]?.seconds;
      const ratio = s !== undefined && np !== undefined ? s / np : undefined;
      ratios[cell] ??= {};
      ratios[cell][c.key] = ratio ?? null;
      row.push(fmt(s, 2), ratio === undefined ? '-' : `${ratio.toFixed(2)}x`);
    }
    rows.push(row);
  }
  return rows;
}

function render(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => (r[j] ?? '').length)));
  return rows
    .map((r) =>
      r.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '),
    )
    .join('\n');
}

const gemmRows = gemmTable();
const trainRows = dataDir ? trainTable() : null;

if (asJson) {
  const result = {
    spec: JSON.parse(fs.readFileSync(specPath, 'utf8')),
    numpy,
    ours,
    blasInheritedEnv: inherited,
    ratios,
    loadAverage: { start: loadAtStart, end: os.loadavg()[0], cpus: os.cpus().length },
    notes,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const lines: string[] = [];
  if (numpy) {
    const libs = (numpy.blas?.libraries ?? []) as Record<string, unknown>[];
    const blas = libs.length
      ? libs
          .map(
            (l) =>
              `${l.internal_api} ${l.version} ${l.architecture} kernel, ${l.num_threads} threads`,
          )
          .join('; ')
      : (numpy.blas?.note ?? 'unknown BLAS');
    lines.push(`numpy ${numpy.numpy} (python ${numpy.python}): ${blas}`);
  }
  for (const c of columns) lines.push(`${c.label}: ${c.side.detail ?? ''}`);
  if (inherited) {
    lines.push(
      `blas@env: blas measured with this shell's ${inheritedVars.map((v) => `${v}=${process.env[v]}`).join(' ')}`,
    );
  }
  lines.push(
    `Both sides run with ${OPENBLAS_VARS.join(' and ')} unset; times are best of repeated calls (GEMM) or one run (training).`,
    `1-minute load average ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end, on ${os.cpus().length} CPUs (other work skews the numbers).`,
  );
  lines.push('', render(gemmRows));
  if (trainRows) {
    lines.push('', render(trainRows));
    const np = numpy?.solverCell;
    if (np)
      lines.push(
        `(numpy Solver cell best val acc ${fmt(np.bestValAcc, 3)}; ours: ${columns
          .filter((c) => c.side.solverCell)
          .map((c) => `${c.label} ${fmt(c.side.solverCell?.bestValAcc as number, 3)}`)
          .join(', ')})`,
      );
  }
  for (const n of notes) lines.push('', `note: ${n}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
