/**
 * `npm run train -- [options]`: trains the TwoLayerNet on CIFAR-10 with the Solver, printing the
 * assignment's log lines (and a progress bar on stderr when it is a terminal). Defaults are the
 * assignment's Solver cell: hidden 50, sgd, lr 1e-3, lr decay 0.95, 10 epochs, batch 200.
 *
 * Options: --hidden H --lr LR --lr-decay D --epochs E --batch-size B --update-rule RULE --reg R
 *          --seed S --print-every K --num-train-samples N --checkpoint NAME --resume FILE
 *          --keep-checkpoints K --stop-on-divergence --history FILE --quiet --json
 *
 * With --resume FILE the run continues with the settings FILE was written with: options left out
 * are taken from it (and said on stderr); an option given with another value is refused.
 */
import { parseArgs } from 'node:util';
import {
  accuracy,
  argmax,
  backendInfo,
  getCIFAR10Data,
  random,
  Solver,
  type SolverOptions,
  TwoLayerNet,
  updateRules,
} from '../lib';
import { writeFileAtomic } from '../lib/io/checkpoint';
import { checkCheckpointName, checkWritableFile } from '../lib/io/checkpointFiles';
import { terminalProgress } from '../lib/io/progress';
import { readSolverCheckpointSettings } from '../lib/io/solverCheckpoint';
import { runFeatureNet } from './trainFeatures';

const USAGE =
  'usage: npm run train -- [--hidden 50] [--lr 1e-3] [--lr-decay 0.95] [--epochs 10] [--batch-size 200]\n' +
  '         [--update-rule sgd|sgd_momentum|rmsprop|adam] [--reg 0] [--seed 0] [--print-every 100]\n' +
  '         [--num-train-samples 1000] [--checkpoint NAME] [--keep-checkpoints 2|all]\n' +
  '         [--resume FILE (continues with the settings FILE was written with)] [--stop-on-divergence]\n' +
  '         [--history FILE (writes the loss and accuracy histories as JSON)]\n' +
  '         [--quiet] [--json]\n' +
  '       npm run train -- --features [--seed 0] [--quiet] [--json]   (the two-layer net on image\n' +
  '         features, lib/imageFeatures/featureNet.ts: extraction, PCA and training, end to end)';

/** The parsed command line. */
export interface TrainArgs {
  hidden: number;
  lr: number;
  lrDecay: number;
  epochs: number;
  batchSize: number;
  updateRule: keyof typeof updateRules;
  reg: number;
  seed: number;
  printEvery: number;
  numTrainSamples: number;
  checkpoint: string | null;
  /** checkpoint files kept besides the best (Infinity: all) */
  keepCheckpoints: number;
  resume: string | null;
  history: string | null;
  stopOnDivergence: boolean;
  quiet: boolean;
  json: boolean;
  /** run the image-features pipeline (scripts/trainFeatures.ts) instead */
  features: boolean;
  /** the options given on the command line (the others have their defaults) */
  given: string[];
}

/** The options that take a value, with their defaults. */
const VALUE_OPTIONS: { [name: string]: string | undefined } = {
  hidden: '50',
  lr: '1e-3',
  'lr-decay': '0.95',
  epochs: '10',
  'batch-size': '200',
  'update-rule': 'sgd',
  reg: '0',
  seed: '0',
  'print-every': '100',
  'num-train-samples': '1000',
  'keep-checkpoints': '2',
  checkpoint: undefined,
  resume: undefined,
  history: undefined,
};

/**
 * `--lr -1` as `--lr=-1`: a value that looks like a number is taken as the option's value (Node's
 * parseArgs would call it ambiguous), so the range check can name it.
 */
function joinNegativeNumbers(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : null;
    const next = argv[i + 1];
    if (
      name !== null &&
      name in VALUE_OPTIONS &&
      next !== undefined &&
      /^-(\d|\.\d|inf)/i.test(next)
    ) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

/**
 * Parses and checks the arguments; `'help'` for --help. Throws a one-line message naming the bad
 * option.
 */
export function parseTrainArgs(argv: string[]): TrainArgs | 'help' {
  let parsed: ReturnType<typeof parseWith>;
  try {
    parsed = parseWith(joinNegativeNumbers(argv));
  } catch (err) {
    // Node's messages run over several lines; the first names the option.
    const first = (err as Error).message.split('\n')[0];
    const ambiguous = /^Option '(--[\w-]+)'.* ambiguous/.exec(first);
    throw new Error(
      ambiguous === null
        ? first
        : `${ambiguous[1]} got a value starting with '-': write it as ${ambiguous[1]}=VALUE`,
    );
  }
  const given = Object.keys(parsed).filter((k) => parsed[k as keyof typeof parsed] !== undefined);
  const values = { ...parsed } as { [name: string]: string | boolean | undefined };
  for (const [name, def] of Object.entries(VALUE_OPTIONS)) values[name] ??= def;
  const str = (name: string) => values[name] as string;
  const flag = (name: string) => values[name] === true;
  if (flag('help')) return 'help';
  const num = (name: string, text: string, check: (v: number) => boolean, what: string) => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || !check(v)) {
      throw new Error(`--${name} must be ${what}, got '${text}'`);
    }
    return v;
  };
  const positiveInt = (v: number) => Number.isInteger(v) && v > 0;
  const rule = str('update-rule');
  if (!Object.keys(updateRules).includes(rule)) {
    throw new Error(
      `--update-rule must be one of ${Object.keys(updateRules).join(', ')}, got '${rule}'`,
    );
  }
  return {
    hidden: num('hidden', str('hidden'), positiveInt, 'a positive integer'),
    lr: num('lr', str('lr'), (v) => v > 0, 'a positive number'),
    lrDecay: num('lr-decay', str('lr-decay'), (v) => v > 0, 'a positive number'),
    epochs: num('epochs', str('epochs'), positiveInt, 'a positive integer'),
    batchSize: num('batch-size', str('batch-size'), positiveInt, 'a positive integer'),
    updateRule: rule as keyof typeof updateRules,
    reg: num('reg', str('reg'), (v) => v >= 0, 'a number >= 0'),
    seed: num(
      'seed',
      str('seed'),
      (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32,
      'an integer in [0, 2^32)',
    ),
    printEvery: num('print-every', str('print-every'), positiveInt, 'a positive integer'),
    numTrainSamples: num(
      'num-train-samples',
      str('num-train-samples'),
      positiveInt,
      'a positive integer',
    ),
    checkpoint: pathOption('checkpoint', values.checkpoint),
    keepCheckpoints:
      str('keep-checkpoints') === 'all'
        ? Number.POSITIVE_INFINITY
        : num(
            'keep-checkpoints',
            str('keep-checkpoints'),
            positiveInt,
            "a positive integer or 'all'",
          ),
    resume: pathOption('resume', values.resume),
    history: pathOption('history', values.history),
    stopOnDivergence: flag('stop-on-divergence'),
    quiet: flag('quiet'),
    json: flag('json'),
    features: flag('features'),
    given,
  };
}

function parseWith(args: string[]) {
  const options: { [name: string]: { type: 'string' | 'boolean' } } = {};
  for (const name of Object.keys(VALUE_OPTIONS)) options[name] = { type: 'string' };
  for (const name of ['stop-on-divergence', 'quiet', 'json', 'features', 'help']) {
    options[name] = { type: 'boolean' };
  }
  return parseArgs({ args, strict: true, options }).values as {
    [name: string]: string | boolean | undefined;
  };
}

/** A path option: absent is null; an empty one is refused (it would write into the current folder). */
function pathOption(name: string, value: unknown): string | null {
  if (value === undefined) return null;
  if (value === '') throw new Error(`--${name} must be a path, got ''`);
  return value as string;
}

/** How a checkpoint's settings appear as options of this command, for --resume. */
function checkpointOptions(file: string): { [option: string]: string | number | null } {
  const { settings, paramShapes } = readSolverCheckpointSettings(file);
  return {
    hidden: paramShapes.b1?.[0] ?? null,
    lr: settings.optimConfig.learningRate ?? null,
    'lr-decay': settings.lrDecay,
    epochs: settings.numEpochs,
    'batch-size': settings.batchSize,
    'update-rule': settings.updateRule,
    reg: settings.modelReg,
    'num-train-samples': settings.numTrainSamples,
  };
}

const ARG_FIELDS: { [option: string]: keyof TrainArgs } = {
  hidden: 'hidden',
  lr: 'lr',
  'lr-decay': 'lrDecay',
  epochs: 'epochs',
  'batch-size': 'batchSize',
  'update-rule': 'updateRule',
  reg: 'reg',
  'num-train-samples': 'numTrainSamples',
};

/**
 * For --resume: the options left out take the checkpoint's values; one given with another value
 * is refused, naming both. Returns the notes to print (what was taken, what has no effect).
 */
export function resumeSettings(args: TrainArgs, file: string): string[] {
  const saved = checkpointOptions(file);
  const taken: string[] = [];
  const a = args as unknown as { [field: string]: unknown };
  for (const [option, field] of Object.entries(ARG_FIELDS)) {
    const value = saved[option];
    if (value === null || value === a[field]) continue;
    if (args.given.includes(option)) {
      throw new Error(
        `--${option} ${String(a[field])} differs from the ${value} that ${file} was written with; ` +
          `leave --${option} out to resume with ${value}, or start a new run without --resume`,
      );
    }
    a[field] = value;
    taken.push(`--${option} ${value}`);
  }
  const notes: string[] = [];
  if (taken.length > 0) notes.push(`resuming ${file} with its settings: ${taken.join(' ')}`);
  if (args.given.includes('seed')) {
    notes.push(`--seed has no effect with --resume (the generator state comes from ${file})`);
  }
  return notes;
}

/** The Solver's progress on stderr: one line redrawn in place (lib/io/progress). */
function progressBar(): NonNullable<SolverOptions['onIteration']> {
  const draw = terminalProgress();
  return ({ iteration, numIterations, epoch, numEpochs, loss }) =>
    draw(
      iteration,
      numIterations,
      `${iteration}/${numIterations} epoch ${epoch}/${numEpochs} loss ${loss.toFixed(4)}`,
    );
}

function main(): void {
  const args = parseTrainArgs(process.argv.slice(2));
  if (args === 'help') {
    console.log(USAGE);
    return;
  }
  if (args.features) {
    mainFeatures(args);
    return;
  }
  // Everything that can be checked before the (long) run is checked first.
  if (args.history !== null) checkWritableFile('train', '--history', args.history);
  if (args.checkpoint !== null) checkCheckpointName('train', args.checkpoint, '--checkpoint');
  if (args.resume !== null) {
    for (const note of resumeSettings(args, args.resume)) process.stderr.write(`train: ${note}\n`);
  }
  const start = Date.now();
  const data = getCIFAR10Data();
  random.seed(args.seed);
  const model = new TwoLayerNet({ hiddenDim: args.hidden, reg: args.reg });
  const toTerminal = process.stderr.isTTY === true && !args.quiet;
  // Progress-bar redraws and log lines share the terminal: end the bar's line before a log line.
  const log = (line: string) => {
    if (toTerminal) process.stderr.write('\r\x1b[K');
    console.log(line);
  };
  const solver = new Solver(model, data, {
    updateRule: args.updateRule,
    optimConfig: { learningRate: args.lr },
    lrDecay: args.lrDecay,
    numEpochs: args.epochs,
    batchSize: args.batchSize,
    printEvery: args.printEvery,
    numTrainSamples: args.numTrainSamples,
    checkpointName: args.checkpoint,
    keepCheckpoints: args.keepCheckpoints,
    stopOnDivergence: args.stopOnDivergence,
    verbose: !args.quiet,
    log,
    onIteration: toTerminal ? progressBar() : undefined,
  });
  if (args.resume !== null) solver.restore(args.resume);
  solver.train();
  const valAcc = accuracy(argmax(model.loss(data.X_val)), data.y_val);
  const testAcc = accuracy(argmax(model.loss(data.X_test)), data.y_test);
  const seconds = (Date.now() - start) / 1000;
  if (args.json) {
    console.log(
      JSON.stringify({
        bestValAcc: solver.bestValAcc,
        valAcc,
        testAcc,
        seconds,
        backend: backendInfo().name,
      }),
    );
  } else {
    console.log(
      `best val acc ${solver.bestValAcc.toFixed(3)}; val acc ${valAcc.toFixed(3)}; test acc ${testAcc.toFixed(3)}; ${seconds.toFixed(1)} s on ${backendInfo().name}`,
    );
  }
  // After the result line, so a history that cannot be written (checked before the run, but the
  // disk may fill up) never hides the run's result.
  if (args.history !== null) {
    const { lossHistory, trainAccHistory, valAccHistory } = solver;
    writeFileAtomic(args.history, JSON.stringify({ lossHistory, trainAccHistory, valAccHistory }));
  }
}

/** `--features`: the image-features pipeline, end to end; the same last line as `main`. */
function mainFeatures(args: TrainArgs): void {
  runFeatureNet({ seed: args.seed, quiet: args.quiet }).then(
    (r) => {
      if (args.json) console.log(JSON.stringify(r));
      else {
        console.log(
          `best val acc ${r.bestValAcc.toFixed(3)}; val acc ${r.valAcc.toFixed(3)}; test acc ${r.testAcc.toFixed(3)}; ${r.seconds.toFixed(1)} s on ${r.backend}`,
        );
      }
    },
    (err) => {
      console.error(`train: ${(err as Error).message.split('\n')[0]}`);
      process.exit(1);
    },
  );
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    const message = (err as Error).message.split('\n')[0];
    console.error(message.startsWith('train: ') ? message : `train: ${message}`);
    process.exit(1);
  }
}
