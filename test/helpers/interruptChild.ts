/**
 * Child process of test/jupyter/interrupt.test.ts: trains a Solver with a live view inside
 * vm.runInThisContext(..., { breakOnSigint: true }), as the tslab kernel runs a cell, and waits for
 * the parent's SIGINT. Writes 'TRAINING' once training runs, then one JSON line with what the next
 * cell would see: the solver's state and the live view's last progress bar.
 */
import * as fs from 'node:fs';
import * as vm from 'node:vm';
import ndarray from 'ndarray';
import { RandomState, Solver, TwoLayerNet, tensor } from '../../lib';
import { type DisplayMessage, setDisplaySink } from '../../lib/notebook/display';
import { liveTrainingView } from '../../lib/notebook/liveView';

const rng = new RandomState(0);
const X = rng.randn(200, 20);
const y = ndarray(
  Int32Array.from({ length: 200 }, (_, i) => i % 4),
  [200],
);
const data = {
  X_train: X,
  y_train: y,
  X_val: tensor([40, 20], X.data.slice(0, 800)),
  y_val: y.hi(40),
};

const bars: string[] = [];
const charts: string[][] = [];
const ids: string[] = [];
setDisplaySink((m: DisplayMessage) => {
  const id = m.transient.display_id ?? '';
  if (!ids.includes(id)) ids.push(id);
  if (ids.indexOf(id) === 0) bars.push(String(m.data['text/plain']));
  else charts.push(Object.keys(m.data).sort());
});

const model = new TwoLayerNet({
  inputDim: 20,
  hiddenDim: 10,
  numClasses: 4,
  rng: new RandomState(1),
});
let announced = false;
const view = liveTrainingView({ title: 'Solver', printLog: false, barIntervalMs: 0 });
const solver = new Solver(model, data, {
  numEpochs: 1_000_000,
  batchSize: 20,
  seed: 2,
  verbose: false,
  ...view,
  onIteration: (p) => {
    view.onIteration(p);
    if (!announced && p.iteration > 50) {
      announced = true;
      fs.writeSync(1, 'TRAINING\n');
    }
  },
});
(globalThis as Record<string, unknown>).__solver = solver;

let error = '';
try {
  vm.runInThisContext('__solver.train()', { breakOnSigint: true });
} catch (e) {
  error = `${(e as { code?: string }).code}`;
}
setImmediate(() => {
  setImmediate(() => {
    fs.writeSync(
      1,
      `${JSON.stringify({
        error,
        iteration: solver.iteration,
        losses: solver.lossHistory.length,
        valChecks: solver.valAccHistory.length,
        bestParams: Object.keys(solver.bestParams).sort(),
        lastBar: bars[bars.length - 1],
        lastChart: charts[charts.length - 1],
      })}\n`,
    );
    process.exit(0);
  });
});
