/**
 * Our side of `npm run bench -- --conv` (run by bench/run.ts, one child process per
 * measurement): the ConvolutionalNetworks notebook's fast-layer timing cell or its one-epoch
 * training cell on one backend, at bench/spec.json's `conv` settings, as one JSON line on stdout.
 *
 *   node --require tsx/cjs bench/convCells.ts --cell timing --backend blas
 *   node --require tsx/cjs bench/convCells.ts --cell epoch --backend blas [--steps 100]
 *
 * timing: convForwardFast / convBackwardFast on x (100, 3, 31, 31), w (25, 3, 3, 3), stride 2,
 * pad 1, and maxPoolForwardFast / maxPoolBackwardFast on x (100, 3, 32, 32), 2x2 stride 2, each
 * repeated `reps` times after two warm-up calls: median and best seconds.
 *
 * epoch: the notebook's one-epoch training cell as bench/numpy_conv.py runs it: ThreeLayerConvNet
 * (lib/classifiers/cnn.ts; hidden 500, reg 1e-3, weight scale 1e-3, the global generator seeded)
 * trained by the library's Solver (one epoch, batch 50, Adam 1e-3, printing off), timed whole.
 * Then where a step's time goes: a profile of a few more steps of bench/convNetStep.ts (the same
 * layer calls as the net's loss, each timed) scaled to the epoch's steps, with the product FLOPs
 * per part and this process's GEMM rate at the conv's and the affine layer's product shapes (for
 * the floors).
 */
import * as fs from 'node:fs';
import { type BackendName, backendInfo, setBackend } from '../lib/backends';
import { ThreeLayerConvNet } from '../lib/classifiers/cnn';
import { takeLabels, takeRows } from '../lib/core/numpy';
import { RandomState, random } from '../lib/core/random';
import { type Labels, type Tensor, tensor } from '../lib/core/tensor';
import { getCIFAR10Data } from '../lib/dataUtils';
import {
  convBackwardFast,
  convForwardFast,
  maxPoolBackwardFast,
  maxPoolForwardFast,
} from '../lib/fastLayers';
import { adam, type OptimConfig } from '../lib/optim';
import { Solver, type SolverModel } from '../lib/solver';
import { type ConvNetSettings, ConvNetStep } from './convNetStep';
import { timeGemm } from './gemmRate';

interface Spec {
  conv: {
    timing: { reps: number };
    epoch: ConvNetSettings & { seed: number; learningRate: number; batchSize: number };
  };
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

function timingCell(reps: number) {
  const rng = new RandomState(231);
  const randn = (...shape: number[]) => rng.randn(...shape) as Tensor;
  const x = randn(100, 3, 31, 31);
  const w = randn(25, 3, 3, 3);
  const b = randn(25);
  const dout = randn(100, 25, 16, 16);
  const convParam = { stride: 2, pad: 1 };
  const xp = randn(100, 3, 32, 32);
  const doutp = randn(100, 3, 16, 16);
  const poolParam = { poolHeight: 2, poolWidth: 2, stride: 2 };
  const [, cache] = convForwardFast(x, w, b, convParam);
  const [, pcache] = maxPoolForwardFast(xp, poolParam);
  const calls: Record<string, () => unknown> = {
    convForward: () => convForwardFast(x, w, b, convParam),
    convBackward: () => convBackwardFast(dout, cache),
    poolForward: () => maxPoolForwardFast(xp, poolParam),
    poolBackward: () => maxPoolBackwardFast(doutp, pcache),
  };
  const out: Record<string, { median: number; best: number; reps: number }> = {};
  for (const [name, call] of Object.entries(calls)) {
    for (let i = 0; i < 2; i++) call();
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t = now();
      call();
      times.push(now() - t);
    }
    out[name] = { median: median(times), best: Math.min(...times), reps };
  }
  return out;
}

/** Steps of the per-part profile (bench/convNetStep.ts) after the timed epoch. */
const PROFILE_STEPS = 20;

function epochCell(cell: Spec['conv']['epoch'], steps: number | undefined) {
  const data = getCIFAR10Data();
  const batch = cell.batchSize;
  let X = data.X_train;
  let y = data.y_train;
  if (steps !== undefined) {
    const rows = Array.from({ length: Math.min(steps * batch, X.shape[0]) }, (_, i) => i);
    X = takeRows(X, rows);
    y = takeLabels(y, rows) as typeof y;
  }
  // The notebook's one-epoch cell, printing off (the numpy side's Solver prints nothing either).
  random.seed(cell.seed);
  const model = new ThreeLayerConvNet({
    numFilters: cell.numFilters,
    filterSize: cell.filterSize,
    hiddenDim: cell.hiddenDim,
    weightScale: cell.weightScale,
    reg: cell.reg,
  });
  // The Solver trains the net through a pass-through that only clocks its loss calls: with labels
  // (the training steps' forward and backward), without (the accuracy checks' forward passes).
  const lossSeconds = { train: 0, check: 0 };
  const clocked: SolverModel & { reg: number } = {
    params: model.params,
    reg: model.reg,
    loss: ((X: Tensor, labels?: Labels) => {
      const t = now();
      const r = labels === undefined ? model.loss(X) : model.loss(X, labels);
      lossSeconds[labels === undefined ? 'check' : 'train'] += now() - t;
      return r;
    }) as SolverModel['loss'],
  };
  const solver = new Solver(
    clocked,
    { X_train: X, y_train: y, X_val: data.X_val, y_val: data.y_val },
    {
      numEpochs: 1,
      batchSize: batch,
      updateRule: 'adam',
      optimConfig: { learningRate: cell.learningRate },
      verbose: false,
    },
  );
  const start = now();
  solver.train();
  const seconds = now() - start;
  const iterations = solver.lossHistory.length;
  const accuracies = solver.trainAccHistory.map((train, i) => ({
    iteration: i === 0 ? 1 : iterations,
    train,
    val: solver.valAccHistory[i],
  }));

  // Where a step's time goes: PROFILE_STEPS more steps of the same net (its trained weights) with
  // every layer call timed (bench/convNetStep.ts makes ThreeLayerConvNet.loss's calls, equal to
  // the bit) and Adam timed as the update. The rest of the timed epoch (accuracy checks,
  // minibatch copies, the Solver's bookkeeping) is 'other'.
  const profiled = Math.min(PROFILE_STEPS, iterations);
  const net = new ConvNetStep(cell, model.params);
  const configs: Record<string, OptimConfig> = {};
  for (const k of Object.keys(net.params)) configs[k] = { learningRate: cell.learningRate };
  const xb = tensor([batch, ...X.shape.slice(1)]);
  for (let it = 0; it < profiled; it++) {
    const mask = random.randint(0, X.shape[0], batch) as Int32Array;
    takeRows(X, mask, xb);
    const [, grads] = net.loss(xb, takeLabels(y, mask));
    const t = now();
    for (const k of Object.keys(net.params)) {
      [net.params[k], configs[k]] = adam(net.params[k], grads[k], configs[k]);
    }
    net.seconds.update += now() - t;
  }
  // The layer parts share out the measured training steps' loss time in the profile's
  // proportions; the update is the profile's per-step time times the steps.
  const scale = iterations / profiled;
  const { update: profiledUpdate, ...layerParts } = net.seconds;
  const profiledLayers = Object.values(layerParts).reduce((a, b) => a + b, 0);
  const partSeconds: Record<string, number> = {};
  for (const [part, s] of Object.entries(layerParts))
    partSeconds[part] = (s / profiledLayers) * lossSeconds.train;
  partSeconds.update = profiledUpdate * scale;
  partSeconds.other = seconds - Object.values(partSeconds).reduce((a, b) => a + b, 0);
  const partFlops = { conv: net.flops.conv * scale, affine: net.flops.affine * scale };
  const f = cell.numFilters;
  const k = cell.filterSize;
  const gemmGflops = {
    // one image's product, as convForwardFast runs it: (F, C k k) @ (C k k, 32 * 32)
    conv: timeGemm({ name: 'conv', m: f, k: 3 * k * k, n: 1024, transA: false }, 0.5, 5).gflops,
    affine: timeGemm(
      { name: 'affine', m: batch, k: f * 256, n: cell.hiddenDim, transA: false },
      0.5,
      5,
    ).gflops,
  };
  return {
    seconds,
    iterations,
    partSeconds,
    partSource: `the measured loss time of the ${iterations} training steps shared out as in a profile of ${profiled} further steps (bench/convNetStep.ts); update: that profile's, scaled`,
    lossSeconds,
    partFlops,
    gemmGflops,
    flops: partFlops.conv + partFlops.affine,
    accuracies,
    finalLoss: solver.lossHistory[iterations - 1],
  };
}

function main(): void {
  const spec = JSON.parse(fs.readFileSync(option('spec') ?? 'bench/spec.json', 'utf8')) as Spec;
  const backend = option('backend');
  if (backend !== undefined) setBackend(backend as BackendName);
  const cell = option('cell');
  const stepsArg = option('steps');
  const steps = stepsArg === undefined ? undefined : Number(stepsArg);
  const out: Record<string, unknown> = {
    node: process.version,
    backend: backendInfo().name,
    detail: backendInfo().detail,
  };
  if (cell === 'timing') out.timing = timingCell(spec.conv.timing.reps);
  else if (cell === 'epoch') out.epoch = epochCell(spec.conv.epoch, steps);
  else throw new RangeError(`convCells: --cell must be 'timing' or 'epoch', got ${cell}`);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main();
