/**
 * `npm run bench:profile [-- --backend blas] [-- --epochs N] [-- --fcnets] [-- --json]`: where the
 * Solver cell's seconds go (bench/spec.json's `solverCell`, on CIFAR-10 from CIFAR10_DIR or data/),
 * or with `--fcnets` those of the FullyConnectedNets notebook's "train a good model" cell
 * (bench/fcNetsCells.ts; 1 epoch unless `--epochs` says more; seeded with 231 right before, so not
 * the notebook's exact draws), where the update rule's time and the accuracy checks' are shown too.
 *
 * One process, one backend (the default one unless `--backend` names another). Every matrix
 * product and every minibatch gather is timed at the backend's interface; the rest of the step
 * (elementwise layers, softmax, updates, allocation, accuracy checks) is the remainder. Next to
 * the products' time stand the rate they reached in training and the best rate of the same shapes
 * run back to back (the products' floor): thin products such as (200x3072)@(3072x50) lose much of
 * their rate when other work runs between them. The timers cost well under 1% of the cell.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { activeBackend, type BackendName, backendInfo, setBackend } from '../lib/backends';
import { random } from '../lib/core/random';
import type { Labels, Tensor } from '../lib/core/tensor';
import { getCIFAR10Data } from '../lib/dataUtils';
import { type UpdateRule, updateRules } from '../lib/optim';
import type { Solver } from '../lib/solver';
import { newGoodModelSolver } from './fcNetsCells';
import { newSolverCell, type SolverCellSpec } from './solverCell';

const argv = process.argv.slice(2);
const option = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const backendName = option('backend');
if (backendName !== undefined) setBackend(backendName as BackendName);
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, 'spec.json'), 'utf8'));
const cell = spec.solverCell as SolverCellSpec;
const fcnets = argv.includes('--fcnets');
const epochs = Number(option('epochs') ?? (fcnets ? 1 : cell.numEpochs));
if (!Number.isInteger(epochs) || epochs < 1) {
  throw new RangeError(
    `bench:profile: --epochs must be a positive integer, got ${option('epochs')}`,
  );
}
const now = () => Number(process.hrtime.bigint()) / 1e9;

interface Shape {
  calls: number;
  seconds: number;
  flops: number;
  args: Parameters<ReturnType<typeof activeBackend>['gemm']>;
}
const shapes = new Map<string, Shape>();
let gatherSeconds = 0;
let gatherCalls = 0;
/** Time in the update rule (the good model's adam), and in the accuracy checks' forward passes. */
let ruleSeconds = 0;
let checkSeconds = 0;
/** Products and gathers inside the accuracy checks (already in the totals above). */
let checkInnerSeconds = 0;
let inCheck = false;

const backend = activeBackend();
const { gemm, gatherRows } = backend;
backend.gemm = (...args) => {
  const t = now();
  gemm(...args);
  const dt = now() - t;
  if (inCheck) checkInnerSeconds += dt;
  const [transA, transB, m, n, k] = args;
  const key = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} m=${m} n=${n} k=${k}`;
  const s = shapes.get(key) ?? { calls: 0, seconds: 0, flops: 0, args };
  s.calls++;
  s.seconds += dt;
  s.flops += 2 * m * n * k;
  shapes.set(key, s);
};
backend.gatherRows = (...args) => {
  const t = now();
  gatherRows(...args);
  const dt = now() - t;
  gatherSeconds += dt;
  if (inCheck) checkInnerSeconds += dt;
  gatherCalls++;
};

if (fcnets) {
  const rule = updateRules.adam;
  const timed: UpdateRule = (w, dw, config) => {
    const s = now();
    const out = rule(w, dw, config);
    ruleSeconds += now() - s;
    return out;
  };
  (updateRules as Record<string, UpdateRule>).adam = timed;
}

let t = now();
const data = getCIFAR10Data();
const loadSeconds = now() - t;
t = now();
let solver: Solver;
if (fcnets) {
  random.seed(231);
  solver = newGoodModelSolver(data, epochs, () => {});
  const model = solver.model;
  const loss = model.loss.bind(model) as (X: Tensor, y?: Labels) => unknown;
  // The Solver's checks call loss(X) alone: their time is counted apart from the training steps'.
  (model as { loss: unknown }).loss = (X: Tensor, y?: Labels) => {
    if (y !== undefined) return loss(X, y);
    const s = now();
    inCheck = true;
    try {
      return loss(X);
    } finally {
      inCheck = false;
      checkSeconds += now() - s;
    }
  };
} else {
  solver = newSolverCell(data, cell, epochs);
}
const constructorSeconds = now() - t;
t = now();
solver.train();
const trainSeconds = now() - t;

/** Best time of `reps` back-to-back calls of one product (its floor at this shape). */
function backToBack(args: Shape['args'], reps = 30): number {
  const c = new Float64Array(args[9].length);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const s = now();
    gemm(args[0], args[1], args[2], args[3], args[4], 1, args[6], args[7], 0, c);
    best = Math.min(best, now() - s);
  }
  return best;
}

const productSeconds = [...shapes.values()].reduce((a, s) => a + s.seconds, 0);
const rows = [...shapes.entries()]
  .sort((a, b) => b[1].seconds - a[1].seconds)
  .map(([key, s]) => {
    const floor = backToBack(s.args) * s.calls;
    return {
      product: key,
      calls: s.calls,
      seconds: s.seconds,
      gflopsInTraining: s.flops / s.seconds / 1e9,
      backToBackSeconds: floor,
    };
  });
const result = {
  backend: backendInfo().name,
  detail: backendInfo().detail,
  epochs,
  iterations: solver.lossHistory.length,
  bestValAcc: solver.bestValAcc,
  loadSeconds,
  constructorSeconds,
  trainSeconds,
  productSeconds,
  gatherSeconds,
  gatherCalls,
  ruleSeconds,
  checkSeconds,
  restSeconds:
    trainSeconds -
    productSeconds -
    gatherSeconds -
    ruleSeconds -
    (checkSeconds - checkInnerSeconds),
  products: rows,
};

if (argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const f = (x: number) => x.toFixed(2);
  const pct = (x: number) => `${((100 * x) / trainSeconds).toFixed(0)}%`;
  const what = fcnets
    ? 'FullyConnectedNets good model ([512, 256], batchnorm, dropout 0.75, adam, batch 200'
    : `Solver cell (hidden ${cell.hiddenDim}`;
  const lines = [
    `backend ${result.backend}: ${result.detail}`,
    `${what}, ${epochs} epochs, ${result.iterations} iterations, best val acc ${result.bestValAcc})`,
    `  data loading (not in the cell)   ${f(loadSeconds)} s`,
    `  Solver constructor (data checks) ${f(constructorSeconds)} s`,
    `  train()                          ${f(trainSeconds)} s`,
    `    matrix products                ${f(productSeconds)} s  ${pct(productSeconds)}`,
    `    minibatch gathers              ${f(gatherSeconds)} s  ${pct(gatherSeconds)}  (${gatherCalls} calls)`,
    ...(fcnets
      ? [
          `    update rule (adam)             ${f(ruleSeconds)} s  ${pct(ruleSeconds)}`,
          `    accuracy checks, beyond these  ${f(checkSeconds - checkInnerSeconds)} s  ${pct(checkSeconds - checkInnerSeconds)}`,
        ]
      : []),
    `    the rest                       ${f(result.restSeconds)} s  ${pct(result.restSeconds)}`,
    '  products, largest first: calls, seconds in training, GFLOP/s in training, seconds back to back',
    ...rows
      .slice(0, 6)
      .map(
        (r) =>
          `    ${r.product.padEnd(26)} ${String(r.calls).padStart(5)} ${f(r.seconds).padStart(6)} s ${r.gflopsInTraining.toFixed(1).padStart(6)} ${f(r.backToBackSeconds).padStart(6)} s`,
      ),
  ];
  console.log(lines.join('\n'));
}
