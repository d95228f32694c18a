import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ndarray from 'ndarray';
import { afterAll, describe, expect, it } from 'vitest';
import { RandomState, Solver, type SolverOptions, TwoLayerNet } from '../lib';
import type { Labels, Tensor } from '../lib/core/tensor';
import { blobs } from './helpers/blobs';

const train = blobs(40, 12, 3, 1);
const val = blobs(20, 12, 3, 2);
const data = { X_train: train.X, y_train: train.y, X_val: val.X, y_val: val.y };

function run(options: SolverOptions, lines: string[] = []) {
  const model = new TwoLayerNet({
    inputDim: 12,
    hiddenDim: 8,
    numClasses: 3,
    weightScale: 1e-2,
    rng: new RandomState(5),
  });
  const solver = new Solver(model, data, {
    batchSize: 10,
    numEpochs: 4,
    seed: 3,
    log: (l) => lines.push(l),
    ...options,
  });
  solver.train();
  return { model, solver, lines };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('Solver', () => {
  it('prints the assignment log lines at the assignment points', () => {
    const { lines, solver } = run({ printEvery: 5, optimConfig: { learningRate: 0.1 } });
    // 120 samples / batch 10 = 12 iterations per epoch, 4 epochs = 48 iterations
    expect(solver.numIterations).toBe(48);
    const iterations = lines.filter((l) => l.startsWith('(Iteration'));
    const epochs = lines.filter((l) => l.startsWith('(Epoch'));
    expect(iterations.map((l) => l.split(')')[0])).toEqual(
      [1, 6, 11, 16, 21, 26, 31, 36, 41, 46].map((t) => `(Iteration ${t} / 48`),
    );
    for (const l of iterations) expect(l).toMatch(/^\(Iteration \d+ \/ 48\) loss: \d+\.\d{6}$/);
    expect(epochs.map((l) => l.split(')')[0])).toEqual(
      [0, 1, 2, 3, 4].map((e) => `(Epoch ${e} / 4`),
    );
    for (const l of epochs)
      expect(l).toMatch(/^\(Epoch \d \/ 4\) train acc: \d\.\d{6}; val_acc: \d\.\d{6}$/);
    expect(solver.lossHistory).toHaveLength(48);
    expect(solver.trainAccHistory).toHaveLength(5);
    expect(solver.valAccHistory).toHaveLength(5);
  });

  it('learns separable data and swaps the best parameters in at the end', () => {
    const { solver, model } = run({ optimConfig: { learningRate: 0.5 }, verbose: false });
    expect(solver.bestValAcc).toBeGreaterThan(0.9);
    expect(solver.bestValAcc).toBe(Math.max(...solver.valAccHistory));
    expect(solver.lossHistory[solver.lossHistory.length - 1]).toBeLessThan(
      solver.lossHistory[0] / 2,
    );
    for (const name of ['W1', 'b1', 'W2', 'b2']) {
      expect(Array.from(model.params[name].data)).toEqual(Array.from(solver.bestParams[name].data));
    }
    expect(solver.checkAccuracy(val.X, val.y)).toBe(solver.bestValAcc);
  });

  it('gives an identical loss history for the same seed, a different one for another seed', () => {
    const a = run({ optimConfig: { learningRate: 0.1 }, verbose: false });
    const b = run({ optimConfig: { learningRate: 0.1 }, verbose: false });
    const c = run({ optimConfig: { learningRate: 0.1 }, verbose: false, seed: 4 });
    expect(b.solver.lossHistory).toEqual(a.solver.lossHistory);
    expect(c.solver.lossHistory).not.toEqual(a.solver.lossHistory);
  });

  for (const updateRule of ['sgd', 'sgd_momentum', 'rmsprop', 'adam'] as const) {
    it(`resumes from a checkpoint with the results of an uninterrupted run (${updateRule})`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'solver-ckpt-'));
      dirs.push(dir);
      const name = join(dir, 'run');
      const options: SolverOptions = {
        updateRule,
        optimConfig: { learningRate: 1e-2 },
        lrDecay: 0.9,
        verbose: false,
      };
      const full = run({
        ...options,
        checkpointName: name,
        keepCheckpoints: Number.POSITIVE_INFINITY,
      });
      expect(readdirSync(dir).sort()).toEqual(
        [0, 1, 2, 3, 4].map((e) => `run_epoch_${e}.json`).sort(),
      );

      const model = new TwoLayerNet({
        inputDim: 12,
        hiddenDim: 8,
        numClasses: 3,
        rng: new RandomState(99),
      });
      const resumed = new Solver(model, data, {
        ...options,
        batchSize: 10,
        numEpochs: 4,
        seed: 12345,
      });
      resumed.restore(`${name}_epoch_2.json`);
      expect(resumed.epoch).toBe(2);
      expect(resumed.lossHistory).toHaveLength(24);
      resumed.train();
      expect(resumed.lossHistory).toEqual(full.solver.lossHistory);
      expect(resumed.valAccHistory).toEqual(full.solver.valAccHistory);
      expect(Array.from(model.params.W1.data)).toEqual(Array.from(full.model.params.W1.data));
    });
  }

  it('refuses a checkpoint from another configuration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'solver-ckpt-'));
    dirs.push(dir);
    run({ checkpointName: join(dir, 'a'), verbose: false, numEpochs: 1 });
    const model = new TwoLayerNet({ inputDim: 12, hiddenDim: 8, numClasses: 3 });
    const other = new Solver(model, data, { batchSize: 20, numEpochs: 1, verbose: false });
    expect(() => other.restore(join(dir, 'a_epoch_1.json'))).toThrow(
      /Solver\.restore: .*a_epoch_1\.json was written with batchSize = 10, but this Solver has batchSize = 20/,
    );
    expect(() => other.restore(join(dir, 'missing.json'))).toThrow(
      /loadCheckpoint: cannot read .*missing\.json/,
    );
  });

  it('survives a diverging learning rate: NaN/Infinity losses, accuracy still measured', () => {
    const lines: string[] = [];
    const { solver } = run({ optimConfig: { learningRate: 1e200 }, printEvery: 1 }, lines);
    expect(solver.lossHistory).toHaveLength(48);
    expect(solver.lossHistory.some((l) => !Number.isFinite(l))).toBe(true);
    expect(solver.valAccHistory).toHaveLength(5);
    for (const acc of [...solver.trainAccHistory, ...solver.valAccHistory]) {
      expect(acc).toBeGreaterThanOrEqual(0);
      expect(acc).toBeLessThanOrEqual(1);
    }
    const notes = lines.filter((l) => l.includes('training diverged'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^Solver: the loss is (nan|inf) at iteration \d+: training diverged/);
    expect(lines.some((l) => / loss: (nan|inf)$/.test(l))).toBe(true);
  });

  it('stops a diverging run early with stopOnDivergence', () => {
    const lines: string[] = [];
    const { solver } = run({ optimConfig: { learningRate: 1e200 }, stopOnDivergence: true }, lines);
    expect(solver.diverged).toBe(true);
    expect(solver.lossHistory.length).toBeLessThan(48);
    expect(Number.isFinite(solver.lossHistory[solver.lossHistory.length - 1])).toBe(false);
    expect(lines.filter((l) => l.includes('stopping this run early'))).toHaveLength(1);
  });

  it('checkAccuracy subsamples and predicts in batches', () => {
    const { solver } = run({ optimConfig: { learningRate: 0.5 }, verbose: false });
    const full = solver.checkAccuracy(train.X, train.y, null, 7);
    expect(full).toBe(solver.checkAccuracy(train.X, train.y, null, 1000));
    const sub = solver.checkAccuracy(train.X, train.y, 30);
    expect(Math.round(sub * 30)).toBeCloseTo(sub * 30, 9);
  });

  it('numTrainSamples: null checks train accuracy on the whole training set, omitted on 1000', () => {
    /** Records the numSamples of every accuracy check (train and val alternate). */
    class RecordingSolver extends Solver {
      readonly numSamples: (number | null)[] = [];
      override checkAccuracy(X: Tensor, y: Labels, numSamples: number | null = null, b = 100) {
        this.numSamples.push(numSamples);
        return super.checkAccuracy(X, y, numSamples, b);
      }
    }
    const trainChecks = (numTrainSamples: number | null | undefined) => {
      const model = new TwoLayerNet({ inputDim: 12, hiddenDim: 8, numClasses: 3 });
      const solver = new RecordingSolver(model, data, {
        batchSize: 40,
        numEpochs: 2,
        verbose: false,
        ...(numTrainSamples === undefined ? {} : { numTrainSamples }),
      });
      solver.train();
      expect(solver.numSamples).toHaveLength(2 * solver.trainAccHistory.length);
      return solver.numSamples.filter((_, i) => i % 2 === 0);
    };
    expect(trainChecks(null)).toEqual([null, null, null]);
    expect(trainChecks(undefined)).toEqual([1000, 1000, 1000]);
    expect(trainChecks(30)).toEqual([30, 30, 30]);
    const model = new TwoLayerNet({ inputDim: 12, hiddenDim: 8, numClasses: 3 });
    expect(() => new Solver(model, data, { numTrainSamples: 0 })).toThrow(
      'Solver: numTrainSamples must be a positive integer or null, got 0',
    );
  });

  it('rejects bad options with an error naming the option', () => {
    const model = new TwoLayerNet({ inputDim: 12, hiddenDim: 8, numClasses: 3 });
    expect(() => new Solver(model, data, { batchSize: 500 })).toThrow(
      'Solver: batchSize 500 is larger than the training set (data.X_train has shape (120, 12))',
    );
    expect(() => new Solver(model, data, { optimConfig: { learningRate: 0 } })).toThrow(
      'Solver: optimConfig.learningRate must be a positive finite number, got 0',
    );
    expect(() => new Solver(model, data, { optimConfig: { learningRate: -1e-3 } })).toThrow(
      'Solver: optimConfig.learningRate must be a positive finite number, got -0.001',
    );
    expect(() => new Solver(model, data, { updateRule: 'toString' as never })).toThrow(
      "Solver: unknown updateRule 'toString'; expected one of sgd, sgd_momentum, rmsprop, adam",
    );
    expect(() => new Solver(model, data, { updateRule: 'nesterov' as never })).toThrow(
      "Solver: unknown updateRule 'nesterov'; expected one of sgd, sgd_momentum, rmsprop, adam",
    );
    expect(() => new Solver(model, data, { numEpochs: 0 })).toThrow(
      'Solver: numEpochs must be a positive integer, got 0',
    );
    expect(() => new Solver(model, data, { lrDecay: -1 })).toThrow(
      'Solver: lrDecay must be a positive finite number, got -1',
    );
    expect(() => new Solver(model, { ...data, y_val: ndarray(new Int32Array(5), [5]) })).toThrow(
      'Solver: data.y_val must have shape (60,) to match X of shape (60, 12), got (5,)',
    );
  });
});
