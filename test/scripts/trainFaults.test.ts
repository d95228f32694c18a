import { spawnSync } from 'node:child_process';
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
import ndarray from 'ndarray';
import { afterAll, describe, expect, it } from 'vitest';
import { RandomState, Solver, TwoLayerNet, tensor } from '../../lib';
import { parseTrainArgs, resumeSettings, type TrainArgs } from '../../scripts/train';

const root = resolve(__dirname, '..', '..');
const tsx = require.resolve('tsx/cli', { paths: [root] });
/** Tests that start tsx: seconds each on a loaded machine (the resume test trains twice). */
const CHILD_TIMEOUT_MS = 180_000;
const CIFAR10_DIR = process.env.CIFAR10_DIR ?? join(root, 'data', 'cifar-10-batches-bin');
const haveData = existsSync(join(CIFAR10_DIR, 'data_batch_1.bin'));

function train(args: string[]) {
  return spawnSync(process.execPath, [tsx, 'scripts/train.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CIFAR10_DIR },
    timeout: CHILD_TIMEOUT_MS,
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'train-faults-'));
  dirs.push(dir);
  return dir;
}

describe('train CLI: negative numbers and empty paths', () => {
  it('a negative number is the option value, refused by our range check', () => {
    expect(() => parseTrainArgs(['--lr', '-1'])).toThrow(
      "--lr must be a positive number, got '-1'",
    );
    expect(() => parseTrainArgs(['--lr', '-1e-3'])).toThrow("got '-1e-3'");
    expect(() => parseTrainArgs(['--lr', '-.5'])).toThrow("got '-.5'");
    expect(() => parseTrainArgs(['--lr', '-Infinity'])).toThrow("got '-Infinity'");
    expect(() => parseTrainArgs(['--reg', '-0.5'])).toThrow(
      "--reg must be a number >= 0, got '-0.5'",
    );
    expect(() => parseTrainArgs(['--epochs', '-2', '--lr', '1e-3'])).toThrow(
      "--epochs must be a positive integer, got '-2'",
    );
    expect(() => parseTrainArgs(['--seed', '-3'])).toThrow(
      "--seed must be an integer in [0, 2^32), got '-3'",
    );
    expect(parseTrainArgs(['--reg', '-0'])).toMatchObject({ reg: -0 });
  });

  it('other values starting with a dash, and a missing value, give one line naming the option', () => {
    expect(() => parseTrainArgs(['--checkpoint', '-x'])).toThrow(
      /^--checkpoint got a value starting with '-': write it as --checkpoint=VALUE$/,
    );
    expect(() => parseTrainArgs(['--lr'])).toThrow(/^Option '--lr <value>' argument missing$/);
    expect(() => parseTrainArgs(['--lr', '--epochs', '2'])).toThrow(/^--lr got a value starting/);
  });

  it("refuses '' for --checkpoint, --history and --resume; --keep-checkpoints takes K or all", () => {
    for (const name of ['checkpoint', 'history', 'resume']) {
      expect(() => parseTrainArgs([`--${name}`, ''])).toThrow(`--${name} must be a path, got ''`);
    }
    expect(parseTrainArgs([])).toMatchObject({ keepCheckpoints: 2, given: [] });
    expect(parseTrainArgs(['--keep-checkpoints', 'all'])).toMatchObject({
      keepCheckpoints: Number.POSITIVE_INFINITY,
    });
    expect(() => parseTrainArgs(['--keep-checkpoints', '0'])).toThrow(
      "--keep-checkpoints must be a positive integer or 'all', got '0'",
    );
  });

  it(
    '--lr -1 in a real run: one line, exit 1',
    () => {
      const r = train(['--lr', '-1']);
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe("train: --lr must be a positive number, got '-1'");
    },
    CHILD_TIMEOUT_MS,
  );

  it(
    'unwritable --history and --checkpoint fail before training, in one line',
    () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'file'), 'x');
      mkdirSync(join(dir, 'folder'));
      const cases: [string[], RegExp][] = [
        [
          ['--history', join(dir, 'nope', 'h.json')],
          /^train: --history .*h\.json cannot be written: the folder .*nope does not exist$/,
        ],
        [
          ['--history', join(dir, 'folder')],
          /^train: --history .*folder cannot be written: it is a folder$/,
        ],
        [
          ['--history', join(dir, 'file', 'h.json')],
          /^train: --history .* cannot be written: .*file is not a folder$/,
        ],
        [
          ['--checkpoint', join(dir, 'nope', 'run')],
          /^train: --checkpoint .*nope.* cannot be written/,
        ],
        [
          ['--checkpoint', `${dir}/`],
          /^train: --checkpoint must be a path prefix ending in a file name part/,
        ],
        [['--checkpoint', ''], /^train: --checkpoint must be a path, got ''$/],
      ];
      for (const [args, message] of cases) {
        const r = train(['--epochs', '1', ...args]);
        expect(r.status).toBe(1);
        expect(r.stderr.trim()).toMatch(message);
        expect(r.stdout).not.toMatch(/Iteration|Epoch/);
      }
      expect(readdirSync(dir).sort()).toEqual(['file', 'folder']);
    },
    CHILD_TIMEOUT_MS,
  );
});

describe('train CLI: --resume takes the checkpoint settings or refuses other ones', () => {
  // A checkpoint of a small run on synthetic data with the settings the CLI would use.
  const rng = new RandomState(3);
  const X = tensor([40, 3072], Float64Array.from(rng.randn(40 * 3072).data as Float64Array));
  const y = ndarray(
    Int32Array.from({ length: 40 }, (_, i) => i % 10),
    [40],
  );
  const dir = tempDir();
  const solver = new Solver(
    new TwoLayerNet({ inputDim: 3072, hiddenDim: 7, numClasses: 10, reg: 0.25 }),
    { X_train: X, y_train: y, X_val: X, y_val: y },
    {
      updateRule: 'adam',
      optimConfig: { learningRate: 2e-3 },
      lrDecay: 0.5,
      numEpochs: 2,
      batchSize: 20,
      numTrainSamples: 30,
      checkpointName: join(dir, 'run'),
      verbose: false,
    },
  );
  solver.train();
  const file = join(dir, 'run_epoch_1.json');
  const args = (argv: string[]) => parseTrainArgs([...argv, '--resume', file]) as TrainArgs;

  it('options left out take the checkpoint values, and that is said', () => {
    const a = args([]);
    const notes = resumeSettings(a, file);
    expect(a).toMatchObject({
      hidden: 7,
      lr: 2e-3,
      lrDecay: 0.5,
      epochs: 2,
      batchSize: 20,
      updateRule: 'adam',
      reg: 0.25,
      numTrainSamples: 30,
    });
    expect(notes).toEqual([
      `resuming ${file} with its settings: --hidden 7 --lr 0.002 --lr-decay 0.5 --epochs 2 --batch-size 20 --update-rule adam --reg 0.25 --num-train-samples 30`,
    ]);
  });

  it('an option given with the same value is fine; with another value it is refused', () => {
    const same = args(['--lr', '2e-3', '--hidden', '7']);
    resumeSettings(same, file);
    expect(same.lr).toBe(2e-3);
    for (const [argv, message] of [
      [
        ['--lr', '1e-3'],
        `--lr 0.001 differs from the 0.002 that ${file} was written with; leave --lr out to resume with 0.002`,
      ],
      [['--lr-decay', '0.95'], '--lr-decay 0.95 differs from the 0.5'],
      [['--epochs', '3'], '--epochs 3 differs from the 2'],
      [['--hidden', '50'], '--hidden 50 differs from the 7'],
      [['--update-rule', 'sgd'], '--update-rule sgd differs from the adam'],
      [['--reg', '0'], '--reg 0 differs from the 0.25'],
      [['--batch-size', '200'], '--batch-size 200 differs from the 20'],
      [['--num-train-samples', '1000'], '--num-train-samples 1000 differs from the 30'],
    ] as const) {
      expect(() => resumeSettings(args([...argv]), file)).toThrow(message);
    }
  });

  it('--seed with --resume is said to have no effect', () => {
    expect(resumeSettings(args(['--seed', '5']), file)).toContain(
      `--seed has no effect with --resume (the generator state comes from ${file})`,
    );
  });

  it('a damaged or missing --resume file is refused naming it', () => {
    writeFileSync(join(dir, 'bad.json'), '{"version": 2}');
    expect(() => resumeSettings(args([]), join(dir, 'bad.json'))).toThrow(
      /Solver\.restore: .*bad\.json is damaged: settings is missing/,
    );
    expect(() => resumeSettings(args([]), join(dir, 'none.json'))).toThrow(
      /loadCheckpoint: cannot read .*none\.json/,
    );
  });

  it.skipIf(!haveData)(
    'a real run resumed without options ends as the uninterrupted run did; --lr other is refused before loading data',
    () => {
      const out = tempDir();
      const common = ['--hidden', '10', '--epochs', '2', '--batch-size', '1000', '--lr', '2e-3'];
      const full = train([
        ...common,
        '--num-train-samples',
        '100',
        '--checkpoint',
        join(out, 'run'),
        '--quiet',
      ]);
      expect(full.status).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['run_epoch_1.json', 'run_epoch_2.json']);
      const ckpt = join(out, 'run_epoch_1.json');
      const refused = train(['--resume', ckpt, '--lr', '1e-3']);
      expect(refused.status).toBe(1);
      expect(refused.stderr.trim()).toBe(
        `train: --lr 0.001 differs from the 0.002 that ${ckpt} was written with; leave --lr out to resume with 0.002, or start a new run without --resume`,
      );
      const history = join(out, 'history.json');
      const resumed = train(['--resume', ckpt, '--quiet', '--history', history]);
      expect(resumed.status).toBe(0);
      expect(resumed.stderr).toContain(
        `train: resuming ${ckpt} with its settings: --hidden 10 --lr 0.002 --epochs 2 --batch-size 1000 --num-train-samples 100`,
      );
      const accuracies = (s: string) => /best val acc .*test acc [\d.]+/.exec(s)?.[0];
      expect(accuracies(resumed.stdout)).toBeDefined();
      expect(accuracies(resumed.stdout)).toBe(accuracies(full.stdout));
      // the whole run's history: 2 epochs of 49000 / 1000 iterations, 3 accuracy checks
      const h = JSON.parse(readFileSync(history, 'utf8'));
      expect(h.lossHistory).toHaveLength(98);
      expect(h.valAccHistory).toHaveLength(3);
    },
    CHILD_TIMEOUT_MS,
  );
});
