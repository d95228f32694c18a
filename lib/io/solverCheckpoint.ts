/**
 * The Solver's checkpoint file: everything needed to resume a run exactly (parameters, update-rule
 * state, histories, generator state), the settings of the run that wrote it, and the checks that
 * it is whole and belongs to the run resuming it. Reading validates the whole file before anything
 * is returned, so a Solver restores all of it or nothing.
 */
import type { RandomStateSnapshot } from '../core/random';
import { formatShape, isNdArray, type Tensor } from '../core/tensor';
import type { OptimConfig } from '../optim';
import { type CheckpointValue, loadCheckpoint, saveCheckpoint } from './checkpoint';

/**
 * The settings that change a run: a checkpoint is resumed only by a Solver with the same ones.
 * `optimConfig` holds the hyperparameters the Solver was given (not the decayed learning rate).
 */
export interface SolverSettings {
  updateRule: string;
  optimConfig: { [key: string]: number };
  lrDecay: number;
  batchSize: number;
  numEpochs: number;
  numTrainSamples: number | null;
  numValSamples: number | null;
  /** rows of X_train and X_val */
  trainSize: number;
  valSize: number;
  /** the model's `reg` when it has one, else null */
  modelReg: number | null;
}

/** The state of a Solver at an accuracy check, as written to and read from a checkpoint. */
export interface SolverState {
  settings: SolverSettings;
  epoch: number;
  iteration: number;
  lossHistory: number[];
  trainAccHistory: number[];
  valAccHistory: number[];
  bestValAcc: number;
  /** epoch of the check that found `bestValAcc` (null before any) */
  bestEpoch: number | null;
  bestParams: { [name: string]: Tensor };
  params: { [name: string]: Tensor };
  optimConfigs: { [name: string]: OptimConfig };
  rng: RandomStateSnapshot;
}

/** What a checkpoint must agree with to be resumed. */
export interface SolverRun {
  settings: SolverSettings;
  params: { [name: string]: Tensor };
  numIterations: number;
}

const VERSION = 2;

/** The state an update rule keeps per parameter: numbers and tensors of the parameter's shape. */
const RULE_STATE: { [rule: string]: { numbers: string[]; tensors: string[] } } = {
  sgd: { numbers: ['learningRate'], tensors: [] },
  sgd_momentum: { numbers: ['learningRate', 'momentum'], tensors: ['velocity'] },
  rmsprop: { numbers: ['learningRate', 'decayRate', 'epsilon'], tensors: ['cache'] },
  adam: { numbers: ['learningRate', 'beta1', 'beta2', 'epsilon', 't'], tensors: ['m', 'v'] },
};

/** Writes `state` to `path` atomically. */
export function writeSolverCheckpoint(path: string, state: SolverState): void {
  const { rng, optimConfigs, settings, ...rest } = state;
  saveCheckpoint(path, {
    version: VERSION,
    settings: settings as unknown as CheckpointValue,
    ...rest,
    optimConfigs: optimConfigs as unknown as CheckpointValue,
    rng: { key: Array.from(rng.key), pos: rng.pos, hasGauss: rng.hasGauss, gauss: rng.gauss },
  });
}

/** Reads only the settings a checkpoint was written with (e.g. to resume with them). */
export function readSolverCheckpointSettings(path: string): {
  settings: SolverSettings;
  paramShapes: { [name: string]: number[] };
} {
  const s = loadCheckpoint(path) as Record<string, unknown>;
  const fail = failure(path);
  checkVersion(s, fail);
  const settings = checkSettings(s.settings, fail);
  const params = checkObject(s.params, 'params', fail);
  const paramShapes: { [name: string]: number[] } = {};
  for (const [name, w] of Object.entries(params)) {
    if (!isNdArray(w)) throw fail(`params.${name} is not a tensor`);
    paramShapes[name] = (w as Tensor).shape.slice();
  }
  return { settings, paramShapes };
}

/**
 * Reads a checkpoint written by {@link writeSolverCheckpoint} for the run `run`, checking all of
 * it before returning: settings equal to the run's, parameters and update-rule state of the
 * model's names and shapes and finite, histories as long as the iteration count says, a whole
 * generator state.
 *
 * @throws Error `Solver.restore: <path> ...` naming the setting and both values, or the part of the
 *   file that is missing or damaged
 */
export function readSolverCheckpoint(path: string, run: SolverRun): SolverState {
  const s = loadCheckpoint(path) as Record<string, unknown>;
  const fail = failure(path);
  checkVersion(s, fail);
  const settings = checkSettings(s.settings, fail);
  compareSettings(settings, run.settings, fail);

  const params = checkParams(s.params, 'params', run.params, fail);
  const bestRaw = checkObject(s.bestParams, 'bestParams', fail);
  const bestParams =
    Object.keys(bestRaw).length === 0 ? {} : checkParams(bestRaw, 'bestParams', run.params, fail);

  const iteration = checkInt(s.iteration, 'iteration', 0, run.numIterations, fail);
  const epoch = checkInt(s.epoch, 'epoch', 0, settings.numEpochs, fail);
  const lossHistory = checkNumbers(s.lossHistory, 'lossHistory', fail, false);
  if (lossHistory.length !== iteration) {
    throw fail(`lossHistory has ${lossHistory.length} entries, but iteration is ${iteration}`);
  }
  const trainAccHistory = checkNumbers(s.trainAccHistory, 'trainAccHistory', fail, true);
  const valAccHistory = checkNumbers(s.valAccHistory, 'valAccHistory', fail, true);
  if (trainAccHistory.length !== valAccHistory.length) {
    throw fail(
      `trainAccHistory has ${trainAccHistory.length} entries but valAccHistory ${valAccHistory.length}`,
    );
  }
  const bestValAcc = checkNumbers([s.bestValAcc], 'bestValAcc', fail, true)[0];
  const bestEpoch =
    s.bestEpoch === null ? null : checkInt(s.bestEpoch, 'bestEpoch', 0, epoch, fail);

  const optimConfigs = checkOptimConfigs(s.optimConfigs, settings.updateRule, run.params, fail);
  const rng = checkRng(s.rng, fail);
  return {
    settings,
    epoch,
    iteration,
    lossHistory,
    trainAccHistory,
    valAccHistory,
    bestValAcc,
    bestEpoch,
    bestParams,
    params,
    optimConfigs,
    rng,
  };
}

type Fail = (why: string) => Error;

function failure(path: string): Fail {
  return (why) => new Error(`Solver.restore: ${path} ${why}`);
}

function checkVersion(s: Record<string, unknown>, fail: Fail): void {
  if (s.version !== VERSION) {
    throw fail(
      `is not a Solver checkpoint of this version (version ${String(s.version)}, expected ${VERSION})`,
    );
  }
}

function checkObject(value: unknown, where: string, fail: Fail): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isNdArray(value)) {
    throw fail(`is damaged: ${where} is ${value === undefined ? 'missing' : 'not an object'}`);
  }
  return value as Record<string, unknown>;
}

function checkInt(value: unknown, where: string, lo: number, hi: number, fail: Fail): number {
  if (!Number.isInteger(value) || (value as number) < lo || (value as number) > hi) {
    throw fail(`is damaged: ${where} must be an integer in [${lo}, ${hi}], got ${String(value)}`);
  }
  return value as number;
}

/** An array of numbers; accuracies (`fraction`) must be in [0, 1], losses may be NaN/Infinity. */
function checkNumbers(value: unknown, where: string, fail: Fail, fraction: boolean): number[] {
  if (!Array.isArray(value)) throw fail(`is damaged: ${where} is missing or not a list`);
  value.forEach((x, i) => {
    if (typeof x !== 'number' || (fraction && !(x >= 0 && x <= 1))) {
      throw fail(
        `is damaged: ${where}[${i}] is ${String(x)}, not ${fraction ? 'an accuracy in [0, 1]' : 'a number'}`,
      );
    }
  });
  return value as number[];
}

const SETTING_KEYS = [
  'updateRule',
  'lrDecay',
  'batchSize',
  'numEpochs',
  'numTrainSamples',
  'numValSamples',
  'trainSize',
  'valSize',
  'modelReg',
] as const;

function checkSettings(value: unknown, fail: Fail): SolverSettings {
  const s = checkObject(value, 'settings', fail);
  for (const key of SETTING_KEYS) {
    const v = s[key];
    const ok =
      key === 'updateRule'
        ? typeof v === 'string' && v in RULE_STATE
        : v === null
          ? ['numTrainSamples', 'numValSamples', 'modelReg'].includes(key)
          : typeof v === 'number' && Number.isFinite(v);
    if (!ok)
      throw fail(`is damaged: settings.${key} is ${v === undefined ? 'missing' : String(v)}`);
  }
  const config = checkObject(s.optimConfig, 'settings.optimConfig', fail);
  for (const [k, v] of Object.entries(config)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw fail(`is damaged: settings.optimConfig.${k} is ${String(v)}`);
    }
  }
  return s as unknown as SolverSettings;
}

/** Refuses the first setting that differs, naming it and both values. */
function compareSettings(saved: SolverSettings, run: SolverSettings, fail: Fail): void {
  const show = (v: unknown) => (v === undefined ? 'the default' : String(v));
  const differs = (key: string, a: unknown, b: unknown) =>
    fail(`was written with ${key} = ${show(a)}, but this Solver has ${key} = ${show(b)}`);
  for (const key of SETTING_KEYS) {
    if (saved[key] !== run[key]) throw differs(key, saved[key], run[key]);
  }
  const keys = new Set([...Object.keys(saved.optimConfig), ...Object.keys(run.optimConfig)]);
  for (const key of keys) {
    if (saved.optimConfig[key] !== run.optimConfig[key]) {
      throw differs(`optimConfig.${key}`, saved.optimConfig[key], run.optimConfig[key]);
    }
  }
}

/** Tensors of exactly the model's names and shapes, all finite. */
function checkParams(
  value: unknown,
  where: string,
  model: { [name: string]: Tensor },
  fail: Fail,
): { [name: string]: Tensor } {
  const saved = checkObject(value, where, fail);
  for (const name of Object.keys(saved)) {
    if (!(name in model)) throw fail(`holds ${where}.${name}, which the model does not have`);
  }
  for (const [name, w] of Object.entries(model)) {
    checkStateTensor(saved[name], `${where}.${name}`, w, `the model's ${name}`, fail);
  }
  return saved as { [name: string]: Tensor };
}

function checkStateTensor(
  value: unknown,
  where: string,
  like: Tensor,
  likeName: string,
  fail: Fail,
): void {
  if (value === undefined) {
    throw fail(`holds no ${where}, but ${likeName} has shape ${formatShape(like.shape)}`);
  }
  if (!isNdArray(value)) throw fail(`is damaged: ${where} is not a tensor`);
  const t = value as Tensor;
  if (t.shape.length !== like.shape.length || t.shape.some((d, i) => d !== like.shape[i])) {
    throw fail(
      `holds ${where} of shape ${formatShape(t.shape)}, but ${likeName} has shape ${formatShape(like.shape)}`,
    );
  }
  const data = t.data as Float64Array;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw fail(`holds ${data[i]} in ${where} (element ${i}); a diverged or damaged run`);
    }
  }
}

function checkOptimConfigs(
  value: unknown,
  rule: string,
  model: { [name: string]: Tensor },
  fail: Fail,
): { [name: string]: OptimConfig } {
  const configs = checkObject(value, 'optimConfigs', fail);
  const { numbers, tensors } = RULE_STATE[rule];
  for (const name of Object.keys(configs)) {
    if (!(name in model)) throw fail(`holds optimConfigs.${name}, which the model does not have`);
  }
  for (const [name, w] of Object.entries(model)) {
    const where = `optimConfigs.${name}`;
    const config = checkObject(configs[name], where, fail);
    for (const key of numbers) {
      const v = config[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw fail(
          `is damaged: ${where}.${key} (${rule} state) is ${v === undefined ? 'missing' : String(v)}`,
        );
      }
    }
    for (const key of tensors) {
      checkStateTensor(config[key], `${where}.${key}`, w, `the model's ${name}`, fail);
    }
  }
  return configs as { [name: string]: OptimConfig };
}

function checkRng(value: unknown, fail: Fail): RandomStateSnapshot {
  const r = checkObject(value, 'rng', fail);
  const key = r.key;
  if (
    !Array.isArray(key) ||
    key.length !== 624 ||
    !key.every((k) => Number.isInteger(k) && k >= 0 && k < 2 ** 32)
  ) {
    throw fail('is damaged: rng.key must be 624 unsigned 32-bit integers');
  }
  const pos = checkInt(r.pos, 'rng.pos', 0, 624, fail);
  if (typeof r.hasGauss !== 'boolean' || typeof r.gauss !== 'number' || !Number.isFinite(r.gauss)) {
    throw fail('is damaged: rng.hasGauss must be true or false and rng.gauss a finite number');
  }
  return { key: Uint32Array.from(key), pos, hasGauss: r.hasGauss, gauss: r.gauss };
}
