import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';
import { RandomState, Solver, type TrainEnd, TwoLayerNet } from '../../lib';
import { type DisplayMessage, setDisplaySink } from '../../lib/notebook/display';
import { liveTrainingView } from '../../lib/notebook/liveView';

let messages: DisplayMessage[] = [];
afterEach(() => {
  setDisplaySink(null);
  messages = [];
});
function capture() {
  setDisplaySink((m) => messages.push(m));
}
const bars = () =>
  messages
    .filter((m) => m.transient.display_id === messages[0].transient.display_id)
    .map((m) => String(m.data['text/plain']));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('liveTrainingView and interrupts', () => {
  const iterate = (view: ReturnType<typeof liveTrainingView>, from: number, to: number) => {
    for (let t = from; t <= to; t++) {
      view.onIteration({ iteration: t, numIterations: 100, epoch: 0, numEpochs: 2, loss: 2 });
    }
  };

  it('says "interrupted at iteration N" once the cell has ended without the run ending', async () => {
    capture();
    const view = liveTrainingView({ printLog: false, barIntervalMs: 0 });
    iterate(view, 1, 30);
    expect(bars().pop()).not.toContain('interrupted');
    await nextTurn();
    const last = bars().pop() ?? '';
    expect(last).toMatch(/iteration 30 \/ 100 .* interrupted at iteration 30$/);
    expect(last).not.toContain('left');
    const chart = messages[messages.length - 1].data;
    expect(Object.keys(chart)).toContain('image/png');

    // solver.train() again: the same view goes on, and ends normally.
    iterate(view, 31, 100);
    expect(bars().pop()).not.toContain('interrupted');
    view.onEnd({ iteration: 100, numIterations: 100, reason: 'done' });
    await nextTurn();
    expect(bars().pop()).toMatch(/iteration 100 \/ 100 .* elapsed$/);
  });

  it('says when an error stopped the run, and nothing about interrupts after a finished one', async () => {
    capture();
    const view = liveTrainingView({ printLog: false, chart: false });
    iterate(view, 1, 10);
    view.onEnd({ iteration: 10, numIterations: 100, reason: 'error' });
    await nextTurn();
    expect(bars().pop()).toMatch(/stopped by an error at iteration 10$/);
  });
});

describe('Solver onEnd', () => {
  const rng = new RandomState(0);
  const X = rng.randn(60, 8);
  const y = ndarray(
    Int32Array.from({ length: 60 }, (_, i) => i % 3),
    [60],
  );
  const data = { X_train: X, y_train: y, X_val: X, y_val: y };
  const model = () =>
    new TwoLayerNet({ inputDim: 8, hiddenDim: 5, numClasses: 3, rng: new RandomState(1) });

  it('reports done, diverged and error', () => {
    const ends: TrainEnd[] = [];
    const opts = {
      batchSize: 10,
      numEpochs: 2,
      seed: 1,
      verbose: false,
      onEnd: (e: TrainEnd) => ends.push(e),
    };
    new Solver(model(), data, opts).train();
    new Solver(model(), data, {
      ...opts,
      optimConfig: { learningRate: 1e200 },
      stopOnDivergence: true,
    }).train();
    const broken = model();
    const solver = new Solver(broken, data, opts);
    broken.loss = (() => {
      throw new Error('model broke');
    }) as typeof broken.loss;
    expect(() => solver.train()).toThrow('model broke');
    expect(ends.map((e) => e.reason)).toEqual(['done', 'diverged', 'error']);
    expect(ends[0]).toEqual({ iteration: 12, numIterations: 12, reason: 'done' });
    expect(ends[1].iteration).toBeLessThan(12);
    expect(ends[2].iteration).toBe(0);
  });
});
