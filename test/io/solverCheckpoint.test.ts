import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RandomState, Solver, type SolverOptions, TwoLayerNet } from '../../lib';
import { loadCheckpoint } from '../../lib/io/checkpoint';
import { blobs } from '../helpers/blobs';

const train = blobs(40, 12, 3, 1);
const val = blobs(20, 12, 3, 2);
const data = { X_train: train.X, y_train: train.y, X_val: val.X, y_val: val.y };

// biome-ignore lint/suspicious/noExplicitAny: tampering with parsed checkpoint JSON
type Raw = Record<string, any>;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-faults-'));
  dirs.push(dir);
  return dir;
}

const BASE: SolverOptions = {
  updateRule: 'sgd_momentum',
  optimConfig: { learningRate: 1e-2, momentum: 0.9 },
  lrDecay: 0.9,
  batchSize: 10,
  numEpochs: 4,
  verbose: false,
};

function model(hiddenDim = 8, reg = 0) {
  return new TwoLayerNet({ inputDim: 12, hiddenDim, numClasses: 3, reg, rng: new RandomState(5) });
}

/** A checkpoint of a 2-epoch run of BASE (with `extra`), and its path. */
function checkpoint(extra: SolverOptions = {}): string {
  const dir = tempDir();
  const solver = new Solver(model(), data, {
    ...BASE,
    ...extra,
    numEpochs: 2,
    checkpointName: join(dir, 'run'),
  });
  solver.train();
  // a run of 2 epochs has numEpochs 2: rewrite nothing, resume with numEpochs 2
  return join(dir, 'run_epoch_1.json');
}

/** Everything restore() may change, as plain values. */
function snapshot(solver: Solver) {
  const plain = (v: unknown): unknown => {
    if (v !== null && typeof v === 'object' && 'data' in v && 'shape' in v) {
      const t = v as { shape: number[]; data: Float64Array };
      return { shape: t.shape.slice(), data: Array.from(t.data) };
    }
    if (Array.isArray(v)) return v.map(plain);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    }
    return v;
  };
  const s = solver as unknown as Record<string, unknown>;
  return plain({
    epoch: solver.epoch,
    iteration: solver.iteration,
    lossHistory: solver.lossHistory,
    trainAccHistory: solver.trainAccHistory,
    valAccHistory: solver.valAccHistory,
    bestValAcc: solver.bestValAcc,
    bestEpoch: solver.bestEpoch,
    bestParams: solver.bestParams,
    params: solver.model.params,
    optimConfigs: s.optimConfigs,
    rng: Array.from((s.rng as RandomState).getState().key),
    rngPos: (s.rng as RandomState).getState().pos,
  });
}

/** A Solver part-way through its own run, so a failed restore has state to damage. */
function busySolver(options: SolverOptions = {}, hiddenDim = 8, reg = 0) {
  const solver = new Solver(model(hiddenDim, reg), data, {
    ...BASE,
    numEpochs: 2,
    seed: 7,
    ...options,
  });
  solver.train();
  return solver;
}

describe('resuming with other settings is refused, naming the setting and both values', () => {
  const cases: [string, SolverOptions, RegExp, number?, number?][] = [
    [
      'learning rate',
      { optimConfig: { learningRate: 5e-3, momentum: 0.9 } },
      /optimConfig\.learningRate = 0\.01, but this Solver has optimConfig\.learningRate = 0\.005/,
    ],
    [
      'momentum',
      { optimConfig: { learningRate: 1e-2, momentum: 0.5 } },
      /optimConfig\.momentum = 0\.9, but .* = 0\.5/,
    ],
    [
      'a hyperparameter left to its default',
      { optimConfig: { learningRate: 1e-2 } },
      /optimConfig\.momentum = 0\.9, but this Solver has optimConfig\.momentum = the default/,
    ],
    ['lr decay', { lrDecay: 0.95 }, /lrDecay = 0\.9, but this Solver has lrDecay = 0\.95/],
    ['batch size', { batchSize: 20 }, /batchSize = 10, but this Solver has batchSize = 20/],
    ['number of epochs', { numEpochs: 3 }, /numEpochs = 2, but this Solver has numEpochs = 3/],
    [
      'update rule',
      { updateRule: 'adam', optimConfig: { learningRate: 1e-2 } },
      /updateRule = sgd_momentum, but this Solver has updateRule = adam/,
    ],
    [
      'train-accuracy samples',
      { numTrainSamples: 50 },
      /numTrainSamples = 1000, but this Solver has numTrainSamples = 50/,
    ],
    [
      'val-accuracy samples',
      { numValSamples: 30 },
      /numValSamples = null, but this Solver has numValSamples = 30/,
    ],
    ['model reg', {}, /modelReg = 0, but this Solver has modelReg = 0\.1/, 8, 0.1],
    [
      'model dims',
      {},
      /params\.W1 of shape \(12, 8\), but the model's W1 has shape \(12, 16\)/,
      16,
    ],
  ];
  const path = checkpoint();
  for (const [what, options, message, hidden, reg] of cases) {
    it(what, () => {
      const solver = busySolver(options, hidden, reg);
      const before = snapshot(solver);
      expect(() => solver.restore(path)).toThrow(message);
      expect(() => solver.restore(path)).toThrow(/^Solver\.restore: .*run_epoch_1\.json /);
      expect(snapshot(solver)).toEqual(before);
    });
  }

  it('training-set size (and validation-set size)', () => {
    const small = {
      ...data,
      X_train: train.X.hi(90, 12) as typeof train.X,
      y_train: train.y.hi(90),
    };
    const s = new Solver(model(), small, { ...BASE, numEpochs: 2 });
    expect(() => s.restore(path)).toThrow(/trainSize = 120, but this Solver has trainSize = 90/);
    const v = new Solver(
      model(),
      { ...data, X_val: val.X.hi(30, 12) as typeof val.X, y_val: val.y.hi(30) },
      { ...BASE, numEpochs: 2 },
    );
    expect(() => v.restore(path)).toThrow(/valSize = 60, but this Solver has valSize = 30/);
  });

  it('the same settings resume (a control for the cases above)', () => {
    const solver = new Solver(model(), data, { ...BASE, numEpochs: 2 });
    solver.restore(path);
    expect(solver.epoch).toBe(1);
    expect(solver.iteration).toBe(12);
  });
});

/** Writes a tampered copy of the checkpoint at `path`; returns its path. */
function tampered(path: string, change: (s: Raw) => void, name = 'bad.json') {
  const s = JSON.parse(readFileSync(path, 'utf8'));
  change(s);
  const out = join(tempDir(), name);
  writeFileSync(out, JSON.stringify(s));
  return out;
}
const nanBytes = (n: number) =>
  Buffer.from(new Float64Array(n).fill(Number.NaN).buffer).toString('base64');

describe('a structurally broken checkpoint changes nothing and names the file and the part', () => {
  const path = checkpoint();
  const adamPath = checkpoint({ updateRule: 'adam', optimConfig: { learningRate: 1e-2 } });
  const cases: [string, (s: Raw) => void, RegExp][] = [
    ['missing rng', (s) => delete s.rng, /rng is missing/],
    ['rng key too short', (s) => s.rng.key.pop(), /rng\.key must be 624/],
    [
      'rng key not integers',
      (s) => {
        s.rng.key[3] = 1.5;
      },
      /rng\.key must be 624/,
    ],
    [
      'rng pos out of range',
      (s) => {
        s.rng.pos = 900;
      },
      /rng\.pos must be an integer in \[0, 624\], got 900/,
    ],
    ['missing optimizer state', (s) => delete s.optimConfigs, /optimConfigs is missing/],
    [
      'missing velocity of one parameter',
      (s) => delete s.optimConfigs.b2.velocity,
      /holds no optimConfigs\.b2\.velocity/,
    ],
    [
      'velocity of the wrong shape',
      (s) => {
        s.optimConfigs.W1.velocity = s.optimConfigs.b1.velocity;
      },
      /optimConfigs\.W1\.velocity of shape \(8,\), but the model's W1 has shape \(12, 8\)/,
    ],
    [
      'NaN in the velocity',
      (s) => {
        s.optimConfigs.b1.velocity.__tensor__.base64 = nanBytes(8);
      },
      /holds NaN in optimConfigs\.b1\.velocity/,
    ],
    [
      'missing momentum',
      (s) => delete s.optimConfigs.W2.momentum,
      /optimConfigs\.W2\.momentum \(sgd_momentum state\) is missing/,
    ],
    ['a parameter missing', (s) => delete s.params.W2, /holds no params\.W2/],
    [
      'an extra parameter',
      (s) => {
        s.params.W3 = s.params.b1;
      },
      /holds params\.W3, which the model does not have/,
    ],
    [
      'a parameter of the wrong shape',
      (s) => {
        s.params.W1.__tensor__.shape = [8, 12];
      },
      /params\.W1 of shape \(8, 12\)/,
    ],
    [
      'tensor bytes shorter than its shape',
      (s) => {
        s.params.b1.__tensor__.base64 = Buffer.alloc(40).toString('base64');
      },
      /params\.b1 has 40 bytes of data, but its shape \(8,\) needs 64/,
    ],
    [
      'tensor shape not integers',
      (s) => {
        s.params.b1.__tensor__.shape = [7.5];
      },
      /params\.b1 is not a tensor/,
    ],
    [
      'tensor data not a string',
      (s) => {
        s.params.b1.__tensor__.base64 = 12;
      },
      /params\.b1 is not a tensor/,
    ],
    [
      'a parameter replaced by a number',
      (s) => {
        s.params.b1 = 3;
      },
      /params\.b1 is not a tensor/,
    ],
    [
      'NaN in a parameter',
      (s) => {
        s.params.b2.__tensor__.base64 = nanBytes(3);
      },
      /holds NaN in params\.b2/,
    ],
    [
      'NaN in the best parameters',
      (s) => {
        s.bestParams.b2.__tensor__.base64 = nanBytes(3);
      },
      /holds NaN in bestParams\.b2/,
    ],
    [
      'loss history shorter than the iteration count',
      (s) => s.lossHistory.pop(),
      /lossHistory has 11 entries, but iteration is 12/,
    ],
    [
      'a string in the loss history',
      (s) => {
        s.lossHistory[2] = 'x';
      },
      /lossHistory\[2\] is x, not a number/,
    ],
    [
      'an accuracy above 1',
      (s) => {
        s.valAccHistory[0] = 2;
      },
      /valAccHistory\[0\] is 2, not an accuracy/,
    ],
    [
      'accuracy histories of different lengths',
      (s) => s.trainAccHistory.pop(),
      /trainAccHistory has 1 entries but valAccHistory 2/,
    ],
    [
      'iteration beyond the run',
      (s) => {
        s.iteration = 1000;
      },
      /iteration must be an integer in \[0, 24\], got 1000/,
    ],
    [
      'epoch not an integer',
      (s) => {
        s.epoch = '1';
      },
      /epoch must be an integer/,
    ],
    ['missing settings', (s) => delete s.settings, /settings is missing/],
    [
      'a setting of the wrong type',
      (s) => {
        s.settings.batchSize = '10';
      },
      /settings\.batchSize is 10/,
    ],
    [
      'an older version',
      (s) => {
        s.version = 1;
      },
      /is not a Solver checkpoint of this version \(version 1, expected 2\)/,
    ],
    [
      'a bad number marker',
      (s) => {
        s.lossHistory[0] = { __number__: 'lots' };
      },
      /is damaged: lossHistory\[0\] is not a number/,
    ],
  ];
  for (const [what, change, message] of cases) {
    it(what, () => {
      const bad = tampered(path, change);
      const solver = busySolver();
      const before = snapshot(solver);
      let error: Error | undefined;
      try {
        solver.restore(bad);
      } catch (err) {
        error = err as Error;
      }
      expect(error?.message).toMatch(message);
      expect(error?.message).toContain(bad);
      expect(snapshot(solver)).toEqual(before);
    });
  }

  it('adam: a missing step count t or moment m is refused', () => {
    for (const [change, message] of [
      [(s: Raw) => delete s.optimConfigs.W1.t, /optimConfigs\.W1\.t \(adam state\) is missing/],
      [(s: Raw) => delete s.optimConfigs.b1.m, /holds no optimConfigs\.b1\.m/],
    ] as const) {
      const bad = tampered(adamPath, change);
      const solver = busySolver({ updateRule: 'adam', optimConfig: { learningRate: 1e-2 } });
      const before = snapshot(solver);
      expect(() => solver.restore(bad)).toThrow(message);
      expect(snapshot(solver)).toEqual(before);
    }
  });

  it('an untampered copy restores (a control for the cases above)', () => {
    const copy = tampered(path, () => {});
    const solver = busySolver();
    solver.restore(copy);
    expect(solver.iteration).toBe(12);
  });
});

describe('checkpoint files: names, stale temp files, pruning', () => {
  it("refuses checkpointName '' and names ending in a folder separator or dots", () => {
    for (const name of ['', 'runs/', '.', '..']) {
      expect(() => new Solver(model(), data, { ...BASE, checkpointName: name })).toThrow(
        /^Solver: checkpointName must be a path prefix ending in a file name part/,
      );
    }
  });

  it('refuses a checkpoint folder that does not exist or is a file, before training', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    expect(
      () => new Solver(model(), data, { ...BASE, checkpointName: join(dir, 'nope', 'run') }),
    ).toThrow(/Solver: checkpointName .*nope.*cannot be written: the folder .* does not exist/);
    expect(
      () => new Solver(model(), data, { ...BASE, checkpointName: join(dir, 'file', 'run') }),
    ).toThrow(/cannot be written: .*file is not a folder/);
  });

  it('removes only our own stale temp files of the same name when training starts', () => {
    const dir = tempDir();
    const ours = ['.run_epoch_3.json.0123456789ab.tmp', '.run_epoch_0.json.ffffffffffff.tmp'];
    const others = [
      '.run_epoch_3.json.tmp',
      '.other_epoch_3.json.0123456789ab.tmp',
      '.run_epoch_3.json.0123456789ab.tmp.keep',
      '.runx_epoch_3.json.0123456789ab.tmp',
      'notes.tmp',
    ];
    for (const f of [...ours, ...others]) writeFileSync(join(dir, f), 'partial');
    mkdirSync(join(dir, '.run_epoch_9.json.aaaaaaaaaaaa.tmp'));
    const lines: string[] = [];
    const solver = new Solver(model(), data, {
      ...BASE,
      numEpochs: 1,
      checkpointName: join(dir, 'run'),
      log: (l) => lines.push(l),
      verbose: true,
    });
    expect(existsSync(join(dir, ours[0]))).toBe(true); // not at construction
    solver.train();
    const left = readdirSync(dir);
    for (const f of ours) expect(left).not.toContain(f);
    for (const f of others) expect(left).toContain(f);
    expect(left).toContain('.run_epoch_9.json.aaaaaaaaaaaa.tmp');
    expect(lines.filter((l) => l.includes('interrupted checkpoint write'))).toHaveLength(2);
  });

  it('keeps the last 2 checkpoints and the best by default; keepCheckpoints changes it', () => {
    const epochsLeft = (options: SolverOptions, preexisting: string[] = []) => {
      const dir = tempDir();
      for (const f of preexisting) writeFileSync(join(dir, f), '{}');
      const solver = new Solver(model(), data, {
        ...BASE,
        numEpochs: 6,
        optimConfig: { learningRate: 0.05, momentum: 0.9 },
        checkpointName: join(dir, 'run'),
        ...options,
      });
      solver.train();
      return { left: readdirSync(dir).sort(), best: solver.bestEpoch as number };
    };
    const byDefault = epochsLeft({});
    const expected = new Set([5, 6, byDefault.best]);
    expect(byDefault.left).toEqual(
      [...expected]
        .sort()
        .map((e) => `run_epoch_${e}.json`)
        .sort(),
    );
    const one = epochsLeft({ keepCheckpoints: 1 });
    expect(one.left).toEqual([...new Set([6, one.best])].map((e) => `run_epoch_${e}.json`).sort());
    const all = epochsLeft({ keepCheckpoints: Number.POSITIVE_INFINITY });
    expect(all.left).toHaveLength(7);
    // later epochs of an earlier, longer run and unrelated files are not touched
    const kept = [
      'run_epoch_9.json',
      'run_epoch_1.json.bak',
      'other_epoch_0.json',
      'run_epoch_x.json',
    ];
    const mixed = epochsLeft({}, kept);
    for (const f of kept) expect(mixed.left).toContain(f);
    expect(mixed.left.filter((f) => /^run_epoch_\d+\.json$/.test(f))).toHaveLength(
      new Set([5, 6, mixed.best]).size + 1,
    );
  });

  it('refuses a keepCheckpoints that is not a positive integer or Infinity', () => {
    for (const k of [0, -1, 1.5, Number.NaN]) {
      expect(() => new Solver(model(), data, { ...BASE, keepCheckpoints: k })).toThrow(
        /^Solver: keepCheckpoints must be a positive integer or Infinity, got/,
      );
    }
  });
});

describe('a checkpoint write killed midway (kill -9)', () => {
  const root = resolve(__dirname, '..', '..');
  const tsx = require.resolve('tsx', { paths: [root] });

  /** Starts a process that rewrites `<name>_epoch_1.json` (about 30 MB) in a loop; kills it. */
  async function killDuringWrites(name: string, delayMs: number): Promise<void> {
    const script = join(tempDir(), 'writer.ts');
    writeFileSync(
      script,
      `import { saveCheckpoint } from ${JSON.stringify(join(root, 'lib/io/checkpoint'))};
import { tensor } from ${JSON.stringify(join(root, 'lib/core/tensor'))};
const w = tensor([3000000]);
process.stdout.write('ready\\n');
for (let i = 0; ; i++) saveCheckpoint(process.argv[2], { w, i });
`,
    );
    // one process (tsx as a loader, not its CLI, which would run the script in a child)
    const child = spawn(process.execPath, ['--import', tsx, script, `${name}_epoch_1.json`], {
      cwd: root,
    });
    await new Promise<void>((done) => child.stdout.once('data', () => done()));
    // let it get into its writes, then kill it without warning
    await new Promise((done) => setTimeout(done, delayMs));
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
  }

  it('leaves the last whole file readable; the next run removes the temp files', async () => {
    const dir = tempDir();
    const name = join(dir, 'run');
    for (let k = 0; k < 6; k++) await killDuringWrites(name, 200 + 97 * k);
    const temps = () => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    const left = temps().length; // 0 to 6, depending on when the kills landed (the structured test above plants them)
    if (existsSync(`${name}_epoch_1.json`)) {
      const saved = loadCheckpoint(`${name}_epoch_1.json`);
      expect((saved.w as { shape: number[] }).shape).toEqual([3000000]);
    }
    const lines: string[] = [];
    new Solver(model(), data, {
      ...BASE,
      numEpochs: 1,
      checkpointName: name,
      verbose: true,
      log: (l) => lines.push(l),
    }).train();
    expect(temps()).toEqual([]);
    expect(lines.filter((l) => l.includes('interrupted checkpoint write'))).toHaveLength(left);
  }, 120_000);
});
