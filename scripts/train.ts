/**
 * `npm run train -- [options]`: trains the TwoLayerNet on CIFAR-10 with the Solver, printing the
 * assignment's log lines (and a progress bar on stderr when it is a terminal). Defaults are the
 * assignment's Solver cell: hidden 50, sgd, lr 1e-3, lr decay 0.95, 10 epochs, batch 200.
 *
 * Options: --hidden H --lr LR --lr-decay D --epochs E --batch-size B --update-rule RULE --reg R
 *          --seed S --print-every K --num-train-samples N --checkpoint NAME --resume FILE
 *          --stop-on-divergence --history FILE --quiet --json
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
import { terminalProgress } from '../lib/io/progress';

const USAGE =
  'usage: npm run train -- [--hidden 50] [--lr 1e-3] [--lr-decay 0.95] [--epochs 10] [--batch-size 200]\n' +
  '         [--update-rule sgd|sgd_momentum|rmsprop|adam] [--reg 0] [--seed 0] [--print-every 100]\n' +
  '         [--num-train-samples 1000] [--checkpoint NAME] [--resume FILE] [--stop-on-divergence]\n' +
  '         [--history FILE (writes the loss and accuracy histories as JSON)]\n' +
  '         [--quiet] [--json]';

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
  resume: string | null;
  history: string | null;
  stopOnDivergence: boolean;
  quiet: boolean;
  json: boolean;
}

/**
 * Parses and checks the arguments; `'help'` for --help. Throws a one-line message naming the bad
 * option.
 */
export function parseTrainArgs(argv: string[]): TrainArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      hidden: { type: 'string', default: '50' },
      lr: { type: 'string', default: '1e-3' },
      'lr-decay': { type: 'string', default: '0.95' },
      epochs: { type: 'string', default: '10' },
      'batch-size': { type: 'string', default: '200' },
      'update-rule': { type: 'string', default: 'sgd' },
      reg: { type: 'string', default: '0' },
      seed: { type: 'string', default: '0' },
      'print-every': { type: 'string', default: '100' },
      'num-train-samples': { type: 'string', default: '1000' },
      checkpoint: { type: 'string' },
      resume: { type: 'string' },
      history: { type: 'string' },
      'stop-on-divergence': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const num = (name: string, text: string, check: (v: number) => boolean, what: string) => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || !check(v)) {
      throw new Error(`--${name} must be ${what}, got '${text}'`);
    }
    return v;
  };
  const positiveInt = (v: number) => Number.isInteger(v) && v > 0;
  const rule = values['update-rule'];
  if (!Object.keys(updateRules).includes(rule)) {
    throw new Error(
      `--update-rule must be one of ${Object.keys(updateRules).join(', ')}, got '${rule}'`,
    );
  }
  return {
    hidden: num('hidden', values.hidden, positiveInt, 'a positive integer'),
    lr: num('lr', values.lr, (v) => v > 0, 'a positive number'),
    lrDecay: num('lr-decay', values['lr-decay'], (v) => v > 0, 'a positive number'),
    epochs: num('epochs', values.epochs, positiveInt, 'a positive integer'),
    batchSize: num('batch-size', values['batch-size'], positiveInt, 'a positive integer'),
    updateRule: rule as keyof typeof updateRules,
    reg: num('reg', values.reg, (v) => v >= 0, 'a number >= 0'),
    seed: num(
      'seed',
      values.seed,
      (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32,
      'an integer in [0, 2^32)',
    ),
    printEvery: num('print-every', values['print-every'], positiveInt, 'a positive integer'),
    numTrainSamples: num(
      'num-train-samples',
      values['num-train-samples'],
      positiveInt,
      'a positive integer',
    ),
    checkpoint: values.checkpoint ?? null,
    resume: values.resume ?? null,
    history: values.history ?? null,
    stopOnDivergence: values['stop-on-divergence'],
    quiet: values.quiet,
    json: values.json,
  };
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
  if (args.history !== null) {
    const { lossHistory, trainAccHistory, valAccHistory } = solver;
    writeFileAtomic(args.history, JSON.stringify({ lossHistory, trainAccHistory, valAccHistory }));
  }
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
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(`train: ${(err as Error).message}`);
    process.exit(1);
  }
}
