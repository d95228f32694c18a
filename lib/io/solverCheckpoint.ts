/**
 * The Solver's checkpoint file: everything needed to resume a run exactly (parameters, update-rule
 * state, histories, generator state) and the checks that it belongs to the run resuming it.
 */
import type { RandomStateSnapshot } from '../core/random';
import { checkSameShape, formatShape, type Tensor } from '../core/tensor';
import type { OptimConfig } from '../optim';
import { type CheckpointValue, loadCheckpoint, saveCheckpoint } from './checkpoint';

/** The state of a Solver at an accuracy check, as written to and read from a checkpoint. */
export interface SolverState {
  updateRule: string;
  lrDecay: number;
  batchSize: number;
  numEpochs: number;
  numTrainSamples: number | null;
  numValSamples: number | null;
  epoch: number;
  iteration: number;
  lossHistory: number[];
  trainAccHistory: number[];
  valAccHistory: number[];
  bestValAcc: number;
  bestParams: { [name: string]: Tensor };
  params: { [name: string]: Tensor };
  optimConfigs: { [name: string]: OptimConfig };
  rng: RandomStateSnapshot;
}

/** What a checkpoint must agree with to be resumed: the run's shape and the model's parameters. */
export interface SolverRun {
  updateRule: string;
  batchSize: number;
  numEpochs: number;
  params: { [name: string]: Tensor };
}

const VERSION = 1;

/** Writes `state` to `path` atomically. */
export function writeSolverCheckpoint(path: string, state: SolverState): void {
  const { rng, optimConfigs, ...rest } = state;
  saveCheckpoint(path, {
    version: VERSION,
    ...rest,
    optimConfigs: optimConfigs as unknown as CheckpointValue,
    rng: { key: Array.from(rng.key), pos: rng.pos, hasGauss: rng.hasGauss, gauss: rng.gauss },
  });
}

/**
 * Reads a checkpoint written by {@link writeSolverCheckpoint} for the run `run`.
 *
 * @throws naming `Solver.restore`, the path and the mismatch when the file is not a Solver
 *   checkpoint, was written with another update rule, batch size or number of epochs, or holds
 *   parameters of other shapes than the model's
 */
export function readSolverCheckpoint(path: string, run: SolverRun): SolverState {
  const s = loadCheckpoint(path) as Record<string, unknown>;
  if (s.version !== VERSION) {
    throw new Error(
      `Solver.restore: ${path} is not a Solver checkpoint (version ${String(s.version)})`,
    );
  }
  for (const key of ['updateRule', 'batchSize', 'numEpochs'] as const) {
    if (s[key] !== run[key]) {
      throw new Error(
        `Solver.restore: ${path} was written with ${key} = ${String(s[key])}, but this Solver has ${key} = ${String(run[key])}`,
      );
    }
  }
  const params = s.params as { [name: string]: Tensor };
  for (const [name, w] of Object.entries(run.params)) {
    const saved = params[name];
    if (saved === undefined) {
      throw new Error(
        `Solver.restore: ${path} holds no ${name}, but the model's ${name} has shape ${formatShape(w.shape)}`,
      );
    }
    checkSameShape('Solver.restore', `${path}'s ${name}`, saved, `the model's ${name}`, w);
  }
  const rng = (s.rng ?? {}) as { key?: number[]; pos: number; hasGauss: boolean; gauss: number };
  return {
    ...(s as unknown as SolverState),
    rng: {
      key: Uint32Array.from(rng.key ?? []),
      pos: rng.pos,
      hasGauss: rng.hasGauss,
      gauss: rng.gauss,
    },
  };
}
