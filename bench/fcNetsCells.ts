/**
 * The compute of notebooks/assignment2/FullyConnectedNets.ipynb, cell by cell, as the notebook runs
 * it at a budget (bench/spec.json's `fcnets`): shared by bench/fcNets.ts (which times it against
 * numpy's bench/numpy_fcnets.py) and bench/profile.ts (which times its parts).
 *
 * Left out, on both sides: what only displays (plotLossCurve, plotRunComparison,
 * plotTrainingHistory, liveTrainingView's progress bar and chart). The Solvers print their log as
 * the notebook's do, to the `log` given.
 */
import { FullyConnectedNet } from '../lib/classifiers/fcNet';
import { accuracy, argmax, array, linspace, reshape } from '../lib/core/numpy';
import { random } from '../lib/core/random';
import type { Tensor } from '../lib/core/tensor';
import { sliceLabels, sliceRows } from '../lib/data/splits';
import { type CIFAR10Data, getCIFAR10Data } from '../lib/dataUtils';
import { evalNumericalGradient, relError } from '../lib/gradientCheck';
import { adam, rmsprop, sgdMomentum } from '../lib/optim';
import { Solver, type SolverData } from '../lib/solver';

/** bench/spec.json's `fcnets`: the notebook's `budget` object. */
export interface FcNetsBudget {
  /** training images of the data cell (49000 at the full budget) */
  numTraining: number;
  /** training images of the update-rule comparison */
  ruleTraining: number;
  /** epochs of each update-rule run */
  ruleEpochs: number;
  /** epochs of the "train a good model" run */
  bestEpochs: number;
}

/** What the cells return that shows they did the notebook's work. */
export interface FcNetsResults {
  /** initial losses of the seeded check (reg 0, reg 3.14) */
  initialLosses: number[];
  /** the largest gradient-check relative error per reg */
  maxRelErrors: number[];
  /** best training accuracy of the 3-layer and the 5-layer overfitting runs */
  overfitTrainAcc: [number, number];
  /** the optimizer checks' largest relative error */
  optimCheckMaxError: number;
  /** best validation accuracy per update rule */
  ruleBestValAcc: Record<string, number>;
  /** the good model's best validation accuracy (the Solver's) */
  bestValAcc: number;
  /** accuracy of the good model's predictions on the validation and test sets */
  valAcc: number;
  testAcc: number;
}

/** The notebook's cells in order; each is timed by the caller. */
export interface FcNetsCell {
  name: string;
  run: () => void;
}

/**
 * The notebook's cells bound to one budget. They share state as the notebook's do (the data, the
 * global generator seeded once by the gradient check, the good model), so they must run in order.
 *
 * @param budget the notebook's budget (bench/spec.json's `fcnets`)
 * @param log where the Solvers' log lines go
 * @returns the cells, and the results they fill in as they run
 */
export function fcNetsCells(
  budget: FcNetsBudget,
  log: (line: string) => void,
): { cells: FcNetsCell[]; results: FcNetsResults } {
  const results: FcNetsResults = {
    initialLosses: [],
    maxRelErrors: [],
    overfitTrainAcc: [0, 0],
    optimCheckMaxError: 0,
    ruleBestValAcc: {},
    bestValAcc: 0,
    valAcc: 0,
    testAcc: 0,
  };
  let data: CIFAR10Data | null = null;
  const loaded = (): CIFAR10Data => {
    if (data === null) throw new Error('fcNetsCells: the data cell has not run');
    return data;
  };
  const firstTraining = (n: number): SolverData => {
    const d = loaded();
    return {
      X_train: sliceRows(d.X_train, 0, n),
      y_train: sliceLabels(d.y_train, 0, n),
      X_val: d.X_val,
      y_val: d.y_val,
    };
  };
  let bestModel: FullyConnectedNet | null = null;

  const overfit = (hiddenDims: number[], weightScale: number, learningRate: number) => {
    const model = new FullyConnectedNet(hiddenDims, { weightScale });
    const solver = new Solver(model, firstTraining(50), {
      printEvery: 10,
      numEpochs: 20,
      batchSize: 25,
      updateRule: 'sgd',
      optimConfig: { learningRate },
      log,
    });
    solver.train();
    return Math.max(...solver.trainAccHistory);
  };

  const ruleRun = (ruleData: SolverData, updateRule: keyof typeof RULE_RATES) => {
    log(`Running with ${updateRule}`);
    const model = new FullyConnectedNet([100, 100, 100, 100, 100], { weightScale: 5e-2 });
    const solver = new Solver(model, ruleData, {
      numEpochs: budget.ruleEpochs,
      batchSize: 100,
      updateRule,
      optimConfig: { learningRate: RULE_RATES[updateRule] },
      log,
    });
    solver.train();
    results.ruleBestValAcc[updateRule] = solver.bestValAcc;
  };

  const cells: FcNetsCell[] = [
    {
      name: 'data',
      run: () => {
        data = getCIFAR10Data({ numTraining: budget.numTraining });
      },
    },
    {
      name: 'gradient check',
      run: () => {
        random.seed(231);
        const [N, D, H1, H2, C] = [2, 15, 20, 30, 10];
        const X = random.randn(N, D);
        const y = random.randint(C, null, [N]);
        for (const reg of [0, 3.14]) {
          const model = new FullyConnectedNet([H1, H2], {
            inputDim: D,
            numClasses: C,
            reg,
            weightScale: 5e-2,
          });
          const [loss, grads] = model.loss(X, y);
          results.initialLosses.push(loss);
          let worst = 0;
          for (const name of Object.keys(grads).sort()) {
            const f = () => model.loss(X, y)[0];
            const gradNum = evalNumericalGradient(f, model.params[name], false, 1e-5);
            worst = Math.max(worst, relError(gradNum, grads[name]));
          }
          results.maxRelErrors.push(worst);
        }
      },
    },
    {
      name: 'overfit 3-layer',
      run: () => {
        results.overfitTrainAcc[0] = overfit([100, 100], 1e-2, 1e-2);
      },
    },
    {
      name: 'overfit 5-layer',
      run: () => {
        results.overfitTrainAcc[1] = overfit([100, 100, 100, 100], 1e-1, 2e-3);
      },
    },
    {
      name: 'optimizer checks',
      run: () => {
        results.optimCheckMaxError = optimizerChecks();
      },
    },
    {
      name: 'update rules',
      run: () => {
        const ruleData = firstTraining(budget.ruleTraining);
        for (const rule of ['sgd', 'sgd_momentum', 'adam', 'rmsprop'] as const) {
          ruleRun(ruleData, rule);
        }
      },
    },
    {
      name: 'good model',
      run: () => {
        const solver = newGoodModelSolver(loaded(), budget.bestEpochs, log);
        bestModel = solver.model as FullyConnectedNet;
        solver.train();
        results.bestValAcc = solver.bestValAcc;
      },
    },
    {
      name: 'predict val and test',
      run: () => {
        const d = loaded();
        const model = bestModel as FullyConnectedNet | null;
        if (model === null) throw new Error('fcNetsCells: the good model has not been trained');
        const yTestPred = argmax(model.loss(d.X_test));
        const yValPred = argmax(model.loss(d.X_val));
        results.valAcc = accuracy(yValPred, d.y_val);
        results.testAcc = accuracy(yTestPred, d.y_test);
      },
    },
  ];
  return { cells, results };
}

/**
 * The notebook's "train a good model" cell up to `train()`: FullyConnectedNet([512, 256]) with
 * batch norm, dropout (keep 0.75) and reg 1e-3, and its Solver (adam lr 1e-3, lrDecay 0.9, batch
 * 200). Draws the weights from the global generator, as the notebook does.
 *
 * @param data the notebook's data: X_train (N, 3, 32, 32), y_train (N,), X_val, y_val
 * @param numEpochs the budget's `bestEpochs`
 * @param log where the Solver's log lines go
 * @returns the Solver, not yet trained (its `model` is the net)
 */
export function newGoodModelSolver(
  data: SolverData,
  numEpochs: number,
  log: (line: string) => void,
): Solver {
  const model = new FullyConnectedNet([512, 256], {
    weightScale: 1e-2,
    normalization: 'batchnorm',
    dropoutKeepRatio: 0.75,
    reg: 1e-3,
  });
  return new Solver(model, data, {
    numEpochs,
    batchSize: 200,
    updateRule: 'adam',
    optimConfig: { learningRate: 1e-3 },
    lrDecay: 0.9,
    printEvery: 500,
    log,
  });
}

/** The learning rates of the update-rule comparison (sgd and sgd_momentum as in its first cell). */
const RULE_RATES = { sgd: 1e-3, sgd_momentum: 1e-3, adam: 1e-3, rmsprop: 1e-4 } as const;

/**
 * The notebook's checks of sgd_momentum, rmsprop and adam against the course's expected values.
 * @returns the largest relative error of the checks
 */
function optimizerChecks(): number {
  const [N, D] = [4, 5];
  const grid = (a: number, b: number): Tensor => reshape(linspace(a, b, N * D), [N, D]);
  const errors: number[] = [];
  {
    const config = { learningRate: 1e-3, velocity: grid(0.6, 0.9) };
    const [nextW] = sgdMomentum(grid(-0.4, 0.6), grid(-0.6, 0.4), config);
    errors.push(relError(nextW, array(EXPECTED.sgdMomentum.nextW)));
    errors.push(relError(array(EXPECTED.sgdMomentum.velocity), config.velocity));
  }
  {
    const config = { learningRate: 1e-2, cache: grid(0.6, 0.9) };
    const [nextW] = rmsprop(grid(-0.4, 0.6), grid(-0.6, 0.4), config);
    errors.push(relError(array(EXPECTED.rmsprop.nextW), nextW));
    errors.push(relError(array(EXPECTED.rmsprop.cache), config.cache));
  }
  {
    const config = { learningRate: 1e-2, m: grid(0.6, 0.9), v: grid(0.7, 0.5), t: 5 };
    const [nextW] = adam(grid(-0.4, 0.6), grid(-0.6, 0.4), config);
    errors.push(relError(array(EXPECTED.adam.nextW), nextW));
    errors.push(relError(array(EXPECTED.adam.v), config.v));
    errors.push(relError(array(EXPECTED.adam.m), config.m));
  }
  return Math.max(...errors);
}

/** The course's expected values of the optimizer checks (the notebook's cells). */
const EXPECTED = {
  sgdMomentum: {
    nextW: [
      [0.1406, 0.20738947, 0.27417895, 0.34096842, 0.40775789],
      [0.47454737, 0.54133684, 0.60812632, 0.67491579, 0.74170526],
      [0.80849474, 0.87528421, 0.94207368, 1.00886316, 1.07565263],
      [1.14244211, 1.20923158, 1.27602105, 1.34281053, 1.4096],
    ],
    velocity: [
      [0.5406, 0.55475789, 0.56891579, 0.58307368, 0.59723158],
      [0.61138947, 0.62554737, 0.63970526, 0.65386316, 0.66802105],
      [0.68217895, 0.69633684, 0.71049474, 0.72465263, 0.73881053],
      [0.75296842, 0.76712632, 0.78128421, 0.79544211, 0.8096],
    ],
  },
  rmsprop: {
    nextW: [
      [-0.39223849, -0.34037513, -0.28849239, -0.23659121, -0.18467247],
      [-0.132737, -0.08078555, -0.02881884, 0.02316247, 0.07515774],
      [0.12716641, 0.17918792, 0.23122175, 0.28326742, 0.33532447],
      [0.38739248, 0.43947102, 0.49155973, 0.54365823, 0.59576619],
    ],
    cache: [
      [0.5976, 0.6126277, 0.6277108, 0.64284931, 0.65804321],
      [0.67329252, 0.68859723, 0.70395734, 0.71937285, 0.73484377],
      [0.75037008, 0.7659518, 0.78158892, 0.79728144, 0.81302936],
      [0.82883269, 0.84469141, 0.86060554, 0.87657507, 0.8926],
    ],
  },
  adam: {
    nextW: [
      [-0.40094747, -0.34836187, -0.29577703, -0.24319299, -0.19060977],
      [-0.1380274, -0.08544591, -0.03286534, 0.01971428, 0.0722929],
      [0.1248705, 0.17744702, 0.23002243, 0.28259667, 0.33516969],
      [0.38774145, 0.44031188, 0.49288093, 0.54544852, 0.59801459],
    ],
    v: [
      [0.69966, 0.68908382, 0.67851319, 0.66794809, 0.65738853],
      [0.64683452, 0.63628604, 0.6257431, 0.61520571, 0.60467385],
      [0.59414753, 0.58362676, 0.57311152, 0.56260183, 0.55209767],
      [0.54159906, 0.53110598, 0.52061845, 0.51013645, 0.49966],
    ],
    m: [
      [0.48, 0.49947368, 0.51894737, 0.53842105, 0.55789474],
      [0.57736842, 0.59684211, 0.61631579, 0.63578947, 0.65526316],
      [0.67473684, 0.69421053, 0.71368421, 0.73315789, 0.75263158],
      [0.77210526, 0.79157895, 0.81105263, 0.83052632, 0.85],
    ],
  },
};
