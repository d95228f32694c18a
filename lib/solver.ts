/**
 * The Solver: minibatch training of a classification model, as in the assignment's
 * cs231n/solver.py. It samples minibatches, calls the model's `loss(X, y)`, applies an update rule
 * from `optim` to every parameter, decays the learning rate each epoch, checks train and validation
 * accuracy each epoch, and keeps the best parameters, which it swaps into the model at the end.
 */
import { inspectCustom, shortValue } from './core/inspect';
import { accuracy, argmax, takeLabels, takeRows } from './core/numpy';
import { checkOptions } from './core/options';
import { RandomState, random } from './core/random';
import {
  checkFinite,
  checkLabels,
  checkNonEmptyBatch,
  checkTensor,
  contiguousData,
  describeValue,
  formatShape,
  isNdArray,
  type Labels,
  type Tensor,
  tensor,
} from './core/tensor';
import {
  checkCheckpointName,
  checkpointFile,
  pruneCheckpoints,
  removeStaleCheckpointTemps,
} from './io/checkpointFiles';
import {
  readSolverCheckpoint,
  type SolverSettings,
  writeSolverCheckpoint,
} from './io/solverCheckpoint';
import { configKeys, type OptimConfig, type UpdateRule, updateRules } from './optim';
import {
  checkSolverOptionNames,
  type EpochProgress,
  type IterationProgress,
  type ResolvedSolverOptions,
  resolveSolverOptions,
  type SolverOptions,
  type TrainEnd,
} from './training/solverOptions';

export type { EpochProgress, IterationProgress, SolverOptions, TrainEnd };

/** What the Solver needs of a model: parameters and a loss like `TwoLayerNet.loss`. */
export interface SolverModel {
  params: { [name: string]: Tensor };
  loss(X: Tensor): Tensor;
  loss(X: Tensor, y: Labels): [number, { [name: string]: Tensor }];
}

/** Training and validation data: X (N, d1, ..., dk), y (N,). */
export interface SolverData {
  X_train: Tensor;
  y_train: Labels;
  X_val: Tensor;
  y_val: Labels;
}

/**
 * Trains a model with minibatch gradient descent. Mirrors the assignment's Solver:
 * `new Solver(model, data, { updateRule: 'sgd', optimConfig: { learningRate: 1e-3 }, lrDecay: 0.95,
 * numEpochs: 10, batchSize: 200, printEvery: 100 }).train()`.
 */
export class Solver {
  readonly model: SolverModel;
  /** loss of every iteration */
  lossHistory: number[] = [];
  /** train accuracy at every check (start, each epoch end, last iteration) */
  trainAccHistory: number[] = [];
  /** validation accuracy at every check */
  valAccHistory: number[] = [];
  /** best validation accuracy seen */
  bestValAcc = 0;
  /** copies of the parameters that gave `bestValAcc` */
  bestParams: { [name: string]: Tensor } = {};
  /** completed epochs */
  epoch = 0;
  /** completed iterations */
  iteration = 0;
  /** epoch of the check that found `bestValAcc` (null before the first check) */
  bestEpoch: number | null = null;
  /** true when training stopped early because the loss diverged (with `stopOnDivergence`) */
  diverged = false;

  private readonly X_train: Tensor;
  private readonly y_train: Labels;
  private readonly X_val: Tensor;
  private readonly y_val: Labels;
  private readonly updateRuleName: keyof typeof updateRules;
  private readonly updateRule: UpdateRule;
  private readonly optimConfig: OptimConfig;
  private optimConfigs: { [name: string]: OptimConfig } = {};
  private readonly rng: RandomState;
  private readonly opts: ResolvedSolverOptions;
  private warnedNonFinite = false;
  /** The minibatch images, reused across iterations (one large allocation instead of one per step). */
  private batchX: Tensor | null = null;

  /**
   * @param model has `params` and `loss(X)` / `loss(X, y)`
   * @param data `{ X_train (N, ...), y_train (N,), X_val (M, ...), y_val (M,) }`
   * @param options see {@link SolverOptions}
   */
  constructor(model: SolverModel, data: SolverData, options: SolverOptions = {}) {
    if (model === null || typeof model !== 'object' || typeof model.loss !== 'function') {
      throw new TypeError('Solver: model must have params and a loss(X, y) method');
    }
    if (data === null || typeof data !== 'object') {
      throw new TypeError('Solver: data must be { X_train, y_train, X_val, y_val }');
    }
    checkSolverOptionNames(options);
    this.model = model;
    this.X_train = checkTensor('Solver', 'data.X_train', data.X_train, [
      2,
      Number.POSITIVE_INFINITY,
    ]);
    this.X_val = checkTensor('Solver', 'data.X_val', data.X_val, [2, Number.POSITIVE_INFINITY]);
    checkLabels('Solver', 'data.y_train', data.y_train, this.X_train);
    checkLabels('Solver', 'data.y_val', data.y_val, this.X_val);
    checkNonEmptyBatch('Solver', 'data.X_train', this.X_train);
    checkNonEmptyBatch('Solver', 'data.X_val', this.X_val);
    // Bad data is reported here, before training, by name (an infinity in X would otherwise show
    // up later as a "diverged" loss, and a bad label as a silently wrong accuracy).
    checkFinite('Solver', 'data.X_train', this.X_train);
    checkFinite('Solver', 'data.X_val', this.X_val);
    const numClasses = modelClasses(model, this.X_val);
    this.y_train = checkLabels('Solver', 'data.y_train', data.y_train, this.X_train, numClasses);
    this.y_val = checkLabels('Solver', 'data.y_val', data.y_val, this.X_val, numClasses);

    const updateRuleName = options.updateRule ?? 'sgd';
    if (!Object.keys(updateRules).includes(updateRuleName)) {
      throw new RangeError(
        `Solver: unknown updateRule '${String(updateRuleName)}'; expected one of ${Object.keys(updateRules).join(', ')}`,
      );
    }
    this.updateRuleName = updateRuleName;
    this.updateRule = updateRules[updateRuleName];
    checkOptions('Solver', 'optimConfig', options.optimConfig, configKeys[updateRuleName]);
    this.optimConfig = { ...(options.optimConfig ?? {}) };
    const lr = this.optimConfig.learningRate;
    if (lr !== undefined && !(typeof lr === 'number' && lr > 0 && Number.isFinite(lr))) {
      throw new RangeError(
        `Solver: optimConfig.learningRate must be a positive finite number, got ${lr}`,
      );
    }

    const o = resolveSolverOptions(options, this.X_train);
    if (o.checkpointName !== null) checkCheckpointName('Solver', o.checkpointName);
    this.opts = o;
    this.rng = options.seed === undefined ? random : new RandomState(options.seed);
    this.reset();
  }

  /**
   * The Solver's settings and progress, the model's shapes and the data's shapes, on a few lines
   * (not the training set and the weights, which a notebook would print as pages of numbers).
   */
  [inspectCustom](): string {
    const o = this.opts;
    const fields = {
      model: this.model,
      updateRule: this.updateRuleName,
      optimConfig: this.optimConfig,
      lrDecay: o.lrDecay,
      batchSize: o.batchSize,
      numEpochs: o.numEpochs,
      X_train: this.X_train,
      X_val: this.X_val,
      epoch: this.epoch,
      iteration: this.iteration,
      lossHistory: this.lossHistory,
      bestValAcc: this.bestValAcc,
    };
    return `Solver {\n${Object.entries(fields)
      .map(([k, v]) => `  ${k}: ${shortValue(v)}`)
      .join(',\n')}\n}`;
  }

  /** Iterations in one epoch: `max(N_train / batchSize, 1)`, rounded down. */
  get iterationsPerEpoch(): number {
    return Math.max(Math.floor(this.X_train.shape[0] / this.opts.batchSize), 1);
  }

  /** Total iterations of {@link train}. */
  get numIterations(): number {
    return this.opts.numEpochs * this.iterationsPerEpoch;
  }

  private reset(): void {
    this.epoch = 0;
    this.iteration = 0;
    this.bestValAcc = 0;
    this.bestEpoch = null;
    this.bestParams = {};
    this.lossHistory = [];
    this.trainAccHistory = [];
    this.valAccHistory = [];
    this.optimConfigs = {};
    for (const name of Object.keys(this.model.params))
      this.optimConfigs[name] = { ...this.optimConfig };
  }

  /** One gradient update on a random minibatch (sampled with replacement, as numpy's choice). */
  private step(): void {
    const numTrain = this.X_train.shape[0];
    const batch = this.rng.choice(numTrain, this.opts.batchSize) as Int32Array;
    this.batchX ??= tensor([this.opts.batchSize, ...this.X_train.shape.slice(1)]);
    const [loss, grads] = this.model.loss(
      takeRows(this.X_train, batch, this.batchX),
      takeLabels(this.y_train, batch),
    );
    this.lossHistory.push(loss);
    for (const [name, w] of Object.entries(this.model.params)) {
      const dw = grads[name];
      if (dw === undefined)
        throw new Error(`Solver: the model's loss returned no gradient for '${name}'`);
      const [nextW, nextConfig] = this.updateRule(w, dw, this.optimConfigs[name]);
      this.model.params[name] = nextW;
      this.optimConfigs[name] = nextConfig;
    }
  }

  /**
   * Accuracy of the model on (X, y), predicting in batches.
   *
   * @param X (N, d1, ..., dk)
   * @param y (N,)
   * @param numSamples if given and smaller than N, a random subsample (with replacement) of this size
   * @param batchSize prediction batch size
   * @returns fraction of correct predictions
   */
  checkAccuracy(X: Tensor, y: Labels, numSamples: number | null = null, batchSize = 100): number {
    checkTensor('Solver.checkAccuracy', 'X', X, [2, Number.POSITIVE_INFINITY]);
    checkLabels('Solver.checkAccuracy', 'y', y, X);
    checkNonEmptyBatch('Solver.checkAccuracy', 'X', X);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(
        `Solver.checkAccuracy: batchSize must be a positive integer, got ${batchSize}`,
      );
    }
    let n = X.shape[0];
    let labels: Labels = y;
    if (numSamples !== null && n > numSamples) {
      const mask = this.rng.choice(n, numSamples) as Int32Array;
      X = takeRows(X, mask);
      labels = takeLabels(y, mask);
      n = numSamples;
    }
    const predictions = new Int32Array(n);
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(start + batchSize, n);
      const scores = this.model.loss(X.hi(end).lo(start) as Tensor);
      // A label outside [0, C) can never be predicted: it is an error, not a wrong answer.
      if (start === 0) checkLabels('Solver.checkAccuracy', 'y', labels, n, scores.shape[1]);
      predictions.set(argmax(scores), start);
    }
    return accuracy(predictions, labels);
  }

  /**
   * Runs the optimisation; resumes where it left off (a restored checkpoint, or an earlier call
   * stopped by a kernel interrupt: the histories and best parameters so far are kept).
   */
  train(): void {
    let reason: TrainEnd['reason'] = 'error';
    try {
      reason = this.runIterations();
    } finally {
      this.opts.onEnd?.({ iteration: this.iteration, numIterations: this.numIterations, reason });
    }
  }

  private runIterations(): 'done' | 'diverged' {
    const numIterations = this.numIterations;
    const perEpoch = this.iterationsPerEpoch;
    const { numEpochs, printEvery, verbose, log } = this.opts;
    if (this.opts.checkpointName !== null) {
      checkCheckpointName('Solver.train', this.opts.checkpointName);
      for (const file of removeStaleCheckpointTemps(this.opts.checkpointName)) {
        if (verbose) log(`Solver: removed ${file}, left by an interrupted checkpoint write`);
      }
    }
    // A kernel interrupt can land between an iteration's loss and its count: that iteration is
    // done again, so its loss is dropped.
    if (this.lossHistory.length > this.iteration) this.lossHistory.length = this.iteration;
    for (let t = this.iteration; t < numIterations; t++) {
      this.step();
      this.iteration = t + 1;
      const loss = this.lossHistory[this.lossHistory.length - 1];
      if (verbose && t % printEvery === 0) {
        log(`(Iteration ${t + 1} / ${numIterations}) loss: ${formatFloat(loss)}`);
      }
      this.opts.onIteration?.({
        iteration: t + 1,
        numIterations,
        epoch: this.epoch,
        numEpochs,
        loss,
      });

      const epochEnd = (t + 1) % perEpoch === 0;
      if (epochEnd) {
        this.epoch += 1;
        for (const config of Object.values(this.optimConfigs)) {
          if (config.learningRate !== undefined) config.learningRate *= this.opts.lrDecay;
        }
      }
      const diverged = !Number.isFinite(loss);
      if (diverged && !this.warnedNonFinite) {
        this.warnedNonFinite = true;
        log(
          `Solver: the loss is ${formatFloat(loss)} at iteration ${t + 1}: training diverged (learning rate too high?)${this.opts.stopOnDivergence ? '; stopping this run early' : ''}`,
        );
      }
      const stopNow = diverged && this.opts.stopOnDivergence;
      if (t === 0 || t === numIterations - 1 || epochEnd || stopNow) this.checkEpoch();
      if (stopNow) {
        this.diverged = true;
        break;
      }
    }
    if (Object.keys(this.bestParams).length > 0) {
      for (const [name, w] of Object.entries(this.bestParams)) this.model.params[name] = copy(w);
    }
    return this.diverged ? 'diverged' : 'done';
  }

  private checkEpoch(): void {
    const trainAcc = this.checkAccuracy(this.X_train, this.y_train, this.opts.numTrainSamples);
    const valAcc = this.checkAccuracy(this.X_val, this.y_val, this.opts.numValSamples);
    this.trainAccHistory.push(trainAcc);
    this.valAccHistory.push(valAcc);
    if (valAcc > this.bestValAcc) {
      this.bestValAcc = valAcc;
      this.bestEpoch = this.epoch;
      this.bestParams = {};
      for (const [name, w] of Object.entries(this.model.params)) this.bestParams[name] = copy(w);
    }
    this.saveCheckpoint();
    if (this.opts.verbose) {
      this.opts.log(
        `(Epoch ${this.epoch} / ${this.opts.numEpochs}) train acc: ${formatFloat(trainAcc)}; val_acc: ${formatFloat(valAcc)}`,
      );
    }
    this.opts.onEpoch?.({ epoch: this.epoch, numEpochs: this.opts.numEpochs, trainAcc, valAcc });
  }

  /** Path of the checkpoint written at `epoch`, or null without `checkpointName`. */
  checkpointPath(epoch = this.epoch): string | null {
    const name = this.opts.checkpointName;
    return name === null ? null : checkpointFile(name, epoch);
  }

  /** The settings written into checkpoints; a checkpoint resumes only a Solver with equal ones. */
  private settings(): SolverSettings {
    const optimConfig: { [key: string]: number } = {};
    for (const [key, v] of Object.entries(this.optimConfig)) {
      if (typeof v === 'number') optimConfig[key] = v;
    }
    const reg = (this.model as { reg?: unknown }).reg;
    return {
      updateRule: this.updateRuleName,
      optimConfig,
      lrDecay: this.opts.lrDecay,
      batchSize: this.opts.batchSize,
      numEpochs: this.opts.numEpochs,
      numTrainSamples: this.opts.numTrainSamples,
      numValSamples: this.opts.numValSamples,
      trainSize: this.X_train.shape[0],
      valSize: this.X_val.shape[0],
      modelReg: typeof reg === 'number' ? reg : null,
    };
  }

  private saveCheckpoint(): void {
    const path = this.checkpointPath();
    if (path === null) return;
    writeSolverCheckpoint(path, {
      settings: this.settings(),
      epoch: this.epoch,
      iteration: this.iteration,
      lossHistory: this.lossHistory,
      trainAccHistory: this.trainAccHistory,
      valAccHistory: this.valAccHistory,
      bestValAcc: this.bestValAcc,
      bestEpoch: this.bestEpoch,
      bestParams: this.bestParams,
      params: this.model.params,
      optimConfigs: this.optimConfigs,
      rng: this.rng.getState(),
    });
    const name = this.opts.checkpointName as string;
    pruneCheckpoints(name, this.epoch, this.opts.keepCheckpoints, this.bestEpoch);
  }

  /**
   * Restores the state written by a checkpoint (model parameters, optimiser state, histories,
   * generator state), so that {@link train} continues exactly where that run was.
   *
   * The whole file is checked first; on any problem nothing of this Solver or its model changes.
   *
   * @param path a file written with `checkpointName`
   * @throws naming the path and the setting with both values when the checkpoint was written with
   *   other settings (update rule and its hyperparameters, lrDecay, batchSize, numEpochs, sample
   *   counts, training/validation set sizes, the model's reg and parameter shapes), or naming the
   *   part that is missing or damaged
   */
  restore(path: string): void {
    const s = readSolverCheckpoint(path, {
      settings: this.settings(),
      params: this.model.params,
      numIterations: this.numIterations,
    });
    for (const name of Object.keys(this.model.params)) this.model.params[name] = s.params[name];
    this.optimConfigs = s.optimConfigs;
    this.epoch = s.epoch;
    this.iteration = s.iteration;
    this.lossHistory = s.lossHistory;
    this.trainAccHistory = s.trainAccHistory;
    this.valAccHistory = s.valAccHistory;
    this.bestValAcc = s.bestValAcc;
    this.bestEpoch = s.bestEpoch;
    this.bestParams = s.bestParams;
    this.rng.setState(s.rng);
  }
}

/**
 * C, the number of classes the model scores: the width of its scores for one validation input.
 * Labels are then checked against it (a label >= C would otherwise count as a wrong prediction).
 */
function modelClasses(model: SolverModel, X: Tensor): number {
  const scores = model.loss(X.hi(1) as Tensor);
  if (!isNdArray(scores) || scores.shape.length !== 2 || scores.shape[0] !== 1) {
    throw new TypeError(
      `Solver: model.loss(X) must return scores of shape (N, C); for one input of data.X_val it returned ${isNdArray(scores) ? `shape ${formatShape(scores.shape)}` : describeValue(scores)}`,
    );
  }
  return scores.shape[1];
}

/** numpy's `%f`: six decimals, `nan`, `inf`, `-inf`. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Number.POSITIVE_INFINITY) return 'inf';
  if (v === Number.NEGATIVE_INFINITY) return '-inf';
  return v.toFixed(6);
}

function copy(w: Tensor): Tensor {
  return tensor(w.shape, Float64Array.from(contiguousData(w)));
}
