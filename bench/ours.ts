/**
 * Our side of `npm run bench` (run by bench/run.ts in a child process, one per measurement): the
 * work of bench/spec.json, measured per backend, printed as one JSON object on stdout.
 *
 *   tsx bench/ours.ts --spec bench/spec.json --gemm blas,wasm,js [--train blas,wasm] [--sweep]
 *
 * Training uses CIFAR-10 from `resolveCIFAR10Dir()` (CIFAR10_DIR or data/cifar-10-batches-bin).
 * Each training result carries `flops`, the floating-point operations of the matrix products it
 * ran (counted at the backend's gemm), from which run.ts derives the compute floor.
 */
import * as fs from 'node:fs';
import { availableBackends, type BackendName, backendInfo, setBackend } from '../lib/backends';
import type { SolverData } from '../lib/solver';
import { countFlops, takeFlops } from './flops';
import { type GemmShape, timeGemm } from './gemmRate';
import { newSolverCell, type SolverCellSpec } from './solverCell';

/** The training modules, loaded only when training is measured (GEMM runs without them). */
function training() {
  return {
    ...(require('../lib/classifiers/fcNet') as typeof import('../lib/classifiers/fcNet')),
    ...(require('../lib/dataUtils') as typeof import('../lib/dataUtils')),
    ...(require('../lib/core/random') as typeof import('../lib/core/random')),
    ...(require('../lib/solver') as typeof import('../lib/solver')),
  };
}

interface Spec {
  gemm: { minSeconds: number; minReps: number; shapes: GemmShape[] };
  solverCell: SolverCellSpec;
  tuningCell: {
    seed: number;
    hiddenDim: number;
    batchSize: number;
    lrDecay: number;
    numEpochs: number;
    pairs: [number, number][];
  };
  sweep: {
    seed: number;
    hiddenDim: number;
    batchSize: number;
    lrDecay: number;
    numEpochs: number;
    learningRates: number[];
    regs: number[];
  };
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function backendList(value: string | undefined): BackendName[] {
  if (value === undefined || value === '') return [];
  const available = availableBackends();
  return value.split(',').filter((n): n is BackendName => available.includes(n as BackendName));
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function solverCell(data: SolverData, cell: SolverCellSpec) {
  const solver = newSolverCell(data, cell);
  takeFlops();
  const t = now();
  solver.train();
  return {
    seconds: now() - t,
    flops: takeFlops(),
    iterations: solver.lossHistory.length,
    bestValAcc: solver.bestValAcc,
    finalLoss: solver.lossHistory[solver.lossHistory.length - 1],
  };
}

function tuningCell(data: SolverData, cell: Spec['tuningCell']) {
  const { random, Solver, TwoLayerNet } = training();
  random.seed(cell.seed);
  const results: { lr: number; reg: number; bestValAcc: number }[] = [];
  takeFlops();
  const t = now();
  for (const [lr, reg] of cell.pairs) {
    const model = new TwoLayerNet({ hiddenDim: cell.hiddenDim, reg });
    const solver = new Solver(model, data, {
      optimConfig: { learningRate: lr },
      lrDecay: cell.lrDecay,
      numEpochs: cell.numEpochs,
      batchSize: cell.batchSize,
      verbose: false,
    });
    solver.train();
    results.push({ lr, reg, bestValAcc: solver.bestValAcc });
  }
  return { seconds: now() - t, flops: takeFlops(), results };
}

/** The notebook's sweep: every (lr, reg), diverged runs stopped early as the notebook does. */
function sweep(data: SolverData, cell: Spec['sweep']) {
  const { random, Solver, TwoLayerNet } = training();
  random.seed(cell.seed);
  const results: { lr: number; reg: number; bestValAcc: number; iterations: number }[] = [];
  takeFlops();
  const t = now();
  for (const lr of cell.learningRates) {
    for (const reg of cell.regs) {
      const model = new TwoLayerNet({ hiddenDim: cell.hiddenDim, reg });
      const solver = new Solver(model, data, {
        optimConfig: { learningRate: lr },
        lrDecay: cell.lrDecay,
        numEpochs: cell.numEpochs,
        batchSize: cell.batchSize,
        verbose: false,
        stopOnDivergence: true,
        log: () => {},
      });
      solver.train();
      results.push({ lr, reg, bestValAcc: solver.bestValAcc, iterations: solver.iteration });
    }
  }
  return { seconds: now() - t, flops: takeFlops(), results };
}

function main(): void {
  const spec = JSON.parse(fs.readFileSync(option('spec') ?? 'bench/spec.json', 'utf8')) as Spec;
  const gemmBackends = backendList(option('gemm'));
  const trainBackends = backendList(option('train'));
  const out: Record<string, unknown> = {
    node: process.version,
    env: {
      OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? null,
      OPENBLAS_L2_SIZE: process.env.OPENBLAS_L2_SIZE ?? null,
    },
    defaultBackend: backendInfo().name,
    backends: {} as Record<string, unknown>,
  };
  const perBackend = out.backends as Record<string, Record<string, unknown>>;
  for (const name of gemmBackends) {
    setBackend(name);
    countFlops();
    perBackend[name] = {
      detail: backendInfo().detail,
      gemm: spec.gemm.shapes.map((s) => timeGemm(s, spec.gemm.minSeconds, spec.gemm.minReps)),
    };
  }
  if (trainBackends.length > 0) {
    const t = now();
    const all = training().getCIFAR10Data();
    out.loadSeconds = now() - t;
    const data: SolverData = {
      X_train: all.X_train,
      y_train: all.y_train,
      X_val: all.X_val,
      y_val: all.y_val,
    };
    for (const name of trainBackends) {
      setBackend(name);
      countFlops();
      perBackend[name] ??= { detail: backendInfo().detail };
      perBackend[name].solverCell = solverCell(data, spec.solverCell);
      perBackend[name].tuningCell = tuningCell(data, spec.tuningCell);
      if (process.argv.includes('--sweep')) perBackend[name].sweep = sweep(data, spec.sweep);
    }
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main();
