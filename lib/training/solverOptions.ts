/**
 * The Solver's options: their types, their defaults (as in the assignment's solver.py) and their
 * checks, kept apart from the training loop in lib/solver.ts.
 */
import { checkOptions } from '../core/options';
import { formatShape, type Tensor } from '../core/tensor';
import type { OptimConfig, updateRules } from '../optim';

/** Progress after each iteration, for progress bars and live charts. */
export interface IterationProgress {
  /** 1-based iteration just done */
  iteration: number;
  numIterations: number;
  /** completed epochs */
  epoch: number;
  numEpochs: number;
  loss: number;
}

/** Accuracies after an epoch check. */
export interface EpochProgress {
  epoch: number;
  numEpochs: number;
  trainAcc: number;
  valAcc: number;
}

/** How a call of `train()` ended. */
export interface TrainEnd {
  /** iterations done */
  iteration: number;
  numIterations: number;
  /** 'done': all iterations; 'diverged': stopped early (stopOnDivergence); 'error': an exception */
  reason: 'done' | 'diverged' | 'error';
}

/** Options of the {@link Solver}; defaults as in the assignment. */
export interface SolverOptions {
  /** 'sgd' (default), 'sgd_momentum', 'rmsprop' or 'adam' */
  updateRule?: keyof typeof updateRules;
  /** hyperparameters of the update rule, e.g. `{ learningRate: 1e-3 }` */
  optimConfig?: OptimConfig;
  /** the learning rate is multiplied by this after each epoch (1) */
  lrDecay?: number;
  /** minibatch size (100) */
  batchSize?: number;
  /** epochs to train (10) */
  numEpochs?: number;
  /** training samples used to check train accuracy each epoch (1000; null: the whole training set) */
  numTrainSamples?: number | null;
  /** validation samples used to check val accuracy each epoch (null: all) */
  numValSamples?: number | null;
  /**
   * if set, the state is written to `${checkpointName}_epoch_${epoch}.json` at each check (its
   * folder must exist); temp files left by an interrupted write are removed when training starts
   */
  checkpointName?: string | null;
  /**
   * checkpoint files kept: the latest this many epochs and the best one; older ones of the same
   * name are removed (2; Infinity keeps all)
   */
  keepCheckpoints?: number;
  /** print the loss every this many iterations (10) */
  printEvery?: number;
  /** print progress (true) */
  verbose?: boolean;
  /** seed of the Solver's own generator; without it the global `random` is used, as numpy does */
  seed?: number;
  /** stop a run whose loss is no longer finite, with a one-line note (false) */
  stopOnDivergence?: boolean;
  /** where log lines go (console.log) */
  log?: (line: string) => void;
  /** called after every iteration */
  onIteration?: (progress: IterationProgress) => void;
  /** called after every accuracy check */
  onEpoch?: (progress: EpochProgress) => void;
  /**
   * called when `train()` returns or throws (not when a kernel interrupt terminates the cell:
   * nothing runs then; see liveTrainingView)
   */
  onEnd?: (end: TrainEnd) => void;
}

export type ResolvedSolverOptions = Required<
  Pick<
    SolverOptions,
    'lrDecay' | 'batchSize' | 'numEpochs' | 'printEvery' | 'verbose' | 'stopOnDivergence'
  >
> & {
  numTrainSamples: number | null;
  numValSamples: number | null;
  checkpointName: string | null;
  keepCheckpoints: number;
  log: (line: string) => void;
  onIteration?: (p: IterationProgress) => void;
  onEpoch?: (p: EpochProgress) => void;
  onEnd?: (end: TrainEnd) => void;
};

/** Refuses option names the Solver does not know, suggesting the meant one. */
export function checkSolverOptionNames(options: SolverOptions): void {
  checkOptions('Solver', 'options', options, SOLVER_OPTIONS, SOLVER_OPTION_HINTS);
}

/**
 * Fills in the defaults of `options` and checks every value.
 *
 * @param options what the caller passed (unknown names refused, with a hint for misplaced ones)
 * @param X_train (N, d1, ..., dk): batchSize may not exceed N
 * @throws RangeError naming `Solver` and the option
 */
export function resolveSolverOptions(
  options: SolverOptions,
  X_train: Tensor,
): ResolvedSolverOptions {
  const numTrain = X_train.shape[0];
  const o = {
    lrDecay: options.lrDecay ?? 1,
    batchSize: options.batchSize ?? 100,
    numEpochs: options.numEpochs ?? 10,
    // as in the assignment: null checks the whole training set; omitted, a subsample of 1000
    numTrainSamples: options.numTrainSamples === undefined ? 1000 : options.numTrainSamples,
    numValSamples: options.numValSamples ?? null,
    checkpointName: options.checkpointName ?? null,
    keepCheckpoints: options.keepCheckpoints ?? 2,
    printEvery: options.printEvery ?? 10,
    verbose: options.verbose ?? true,
    stopOnDivergence: options.stopOnDivergence ?? false,
    log: options.log ?? ((line: string) => console.log(line)),
    onIteration: options.onIteration,
    onEpoch: options.onEpoch,
    onEnd: options.onEnd,
  };
  if (!(o.lrDecay > 0) || !Number.isFinite(o.lrDecay)) {
    throw new RangeError(`Solver: lrDecay must be a positive finite number, got ${o.lrDecay}`);
  }
  for (const name of ['batchSize', 'numEpochs', 'printEvery'] as const) {
    if (!Number.isInteger(o[name]) || o[name] < 1) {
      throw new RangeError(`Solver: ${name} must be a positive integer, got ${o[name]}`);
    }
  }
  for (const name of ['numTrainSamples', 'numValSamples'] as const) {
    const v = o[name];
    if (v !== null && (!Number.isInteger(v) || v < 1)) {
      throw new RangeError(`Solver: ${name} must be a positive integer or null, got ${v}`);
    }
  }
  if (o.batchSize > numTrain) {
    throw new RangeError(
      `Solver: batchSize ${o.batchSize} is larger than the training set (data.X_train has shape ${formatShape(X_train.shape)})`,
    );
  }
  if (
    !(o.keepCheckpoints === Number.POSITIVE_INFINITY || Number.isInteger(o.keepCheckpoints)) ||
    !(o.keepCheckpoints >= 1)
  ) {
    throw new RangeError(
      `Solver: keepCheckpoints must be a positive integer or Infinity, got ${o.keepCheckpoints}`,
    );
  }
  return o;
}

const SOLVER_OPTIONS = [
  'updateRule',
  'optimConfig',
  'lrDecay',
  'batchSize',
  'numEpochs',
  'numTrainSamples',
  'numValSamples',
  'checkpointName',
  'keepCheckpoints',
  'printEvery',
  'verbose',
  'seed',
  'stopOnDivergence',
  'log',
  'onIteration',
  'onEpoch',
  'onEnd',
] as const satisfies readonly (keyof SolverOptions)[];

/** Settings that belong in optimConfig, under the name the update rules read. */
const SOLVER_OPTION_HINTS: Record<string, string> = {
  learningRate: 'optimConfig.learningRate',
  learning_rate: 'optimConfig.learningRate',
  lr: 'optimConfig.learningRate',
  momentum: 'optimConfig.momentum',
  decayRate: 'optimConfig.decayRate',
  decay_rate: 'optimConfig.decayRate',
  beta1: 'optimConfig.beta1',
  beta2: 'optimConfig.beta2',
  epsilon: 'optimConfig.epsilon',
};
