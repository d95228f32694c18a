/**
 * The seed's Solver cell as bench/spec.json describes it (`solverCell`), built as the notebook
 * builds it: shared by bench/ours.ts (which times it against numpy) and bench/profile.ts (which
 * times its parts). The training modules are loaded on first use, so a GEMM-only run of ours.ts
 * does not load them.
 */
import type { Solver, SolverData } from '../lib/solver';

/** bench/spec.json's `solverCell`. */
export interface SolverCellSpec {
  seed: number;
  hiddenDim: number;
  reg: number;
  learningRate: number;
  lrDecay: number;
  batchSize: number;
  numEpochs: number;
}

/**
 * Seeds `random`, then builds TwoLayerNet(hidden) and its Solver (sgd, the cell's settings).
 * @param numEpochs the cell's own by default
 * @returns the Solver, not yet trained
 */
export function newSolverCell(
  data: SolverData,
  cell: SolverCellSpec,
  numEpochs = cell.numEpochs,
): Solver {
  const { random } = require('../lib/core/random') as typeof import('../lib/core/random');
  const { TwoLayerNet } =
    require('../lib/classifiers/fcNet') as typeof import('../lib/classifiers/fcNet');
  const { Solver } = require('../lib/solver') as typeof import('../lib/solver');
  random.seed(cell.seed);
  const model = new TwoLayerNet({
    inputDim: 3 * 32 * 32,
    hiddenDim: cell.hiddenDim,
    reg: cell.reg,
  });
  return new Solver(model, data, {
    updateRule: 'sgd',
    optimConfig: { learningRate: cell.learningRate },
    lrDecay: cell.lrDecay,
    numEpochs,
    batchSize: cell.batchSize,
    printEvery: 100,
    verbose: false,
  });
}
