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
 * epoch: the same loop as bench/numpy_conv.py's: the net of bench/convNetStep.ts, minibatches of 50
 * drawn with replacement (numpy's draws, same seed), Adam on every parameter, the Solver's accuracy
 * checks at the first and last iteration; seconds per part and product FLOPs per part, with this
 * process's GEMM rate at the conv's and the affine layer's product shapes (for the floors).
 */
import * as fs from 'node:fs';
import { argmax, takeLabels, takeRows } from '../lib/core/numpy';
import { RandomState } from '../lib/core/random';
import { type Tensor, tensor } from '../lib/core/tensor';
import { getCIFAR10Data } from '../lib/dataUtils';
import {
  convBackwardFast,
  convForwardFast,
  maxPoolBackwardFast,
  maxPoolForwardFast,
} from '../lib/fastLayers';
import { type BackendName, backendInfo, setBackend } from '../lib/kernels';
import { adam, type OptimConfig } from '../lib/optim';
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
  const rng = new RandomState(cell.seed);
  const net = new ConvNetStep(cell, (...shape) => rng.randn(...shape) as Tensor);
  const configs: Record<string, OptimConfig> = {};
  for (const k of Object.keys(net.params)) configs[k] = { learningRate: cell.learningRate };
  const checkAccuracy = (Xs: Tensor, ys: typeof y, numSamples?: number) => {
    let Xc = Xs;
    let yc: ArrayLike<number> = ys.data;
    if (numSamples !== undefined && Xs.shape[0] > numSamples) {
      const mask = rng.randint(0, Xs.shape[0], numSamples) as Int32Array;
      Xc = takeRows(Xs, mask);
      yc = takeLabels(ys, mask).data;
    }
    let correct = 0;
    for (let i = 0; i < Xc.shape[0]; i += 100) {
      const end = Math.min(i + 100, Xc.shape[0]);
      const rows = Array.from({ length: end - i }, (_, j) => i + j);
      const pred = argmax(net.loss(takeRows(Xc, rows)));
      for (let j = 0; j < pred.length; j++) if (pred[j] === yc[i + j]) correct++;
    }
    return correct / Xc.shape[0];
  };
  const iterations = Math.max(Math.floor(X.shape[0] / batch), 1);
  const accuracies: { iteration: number; train: number; val: number }[] = [];
  const xb = tensor([batch, ...X.shape.slice(1)]);
  let lastLoss = Number.NaN;
  const start = now();
  for (let it = 0; it < iterations; it++) {
    const mask = rng.randint(0, X.shape[0], batch) as Int32Array;
    takeRows(X, mask, xb);
    const [value, grads] = net.loss(xb, takeLabels(y, mask));
    lastLoss = value;
    const t = now();
    for (const k of Object.keys(net.params)) {
      [net.params[k], configs[k]] = adam(net.params[k], grads[k], configs[k]);
    }
    net.seconds.update += now() - t;
    if (it % 20 === 0)
      process.stderr.write(`(Iteration ${it + 1} / ${iterations}) loss: ${value.toFixed(6)}\n`);
    if (it === 0 || it === iterations - 1) {
      accuracies.push({
        iteration: it + 1,
        train: checkAccuracy(X, y, 1000),
        val: checkAccuracy(data.X_val, data.y_val),
      });
    }
  }
  const seconds = now() - start;
  const partSeconds: Record<string, number> = { ...net.seconds };
  partSeconds.other = seconds - Object.values(net.seconds).reduce((a, b) => a + b, 0);
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
    partFlops: { ...net.flops },
    gemmGflops,
    flops: net.flops.conv + net.flops.affine,
    accuracies,
    finalLoss: lastLoss,
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
