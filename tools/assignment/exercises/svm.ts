/**
 * The SVM exercise (notebooks/assignment1/svm.ipynb): the naive and vectorized SVM losses the student writes
 * in lib/classifiers/linearSvm.ts, the SGD loop and prediction of LinearClassifier
 * (lib/classifiers/linearClassifier.ts), the notebook's tuning cell and its two inline answers.
 * The losses and prediction are checked against test/fixtures/grading/svm.json (numpy,
 * scripts/fixtures/make_classifier_grading_fixtures.py). LinearClassifier.train is checked on its
 * own: the grader gives the classifier a loss of its own (known values and gradient), so the
 * check sees each minibatch and each step without depending on the student's losses.
 */
import {
  answerPart,
  type Exercise,
  eachCase,
  expectLabels,
  type FixtureArray,
  fixtureTensors,
  flat,
  type GradeContext,
  LIB_TIMEOUT_MS,
  type NdLike,
  type Part,
  printedAccuracyPart,
} from '../gradingKit';
import { linearLossPart } from './linearLoss';

const NOTEBOOK = 'notebooks/assignment1/svm.ipynb';
const LINEAR_SVM = 'lib/classifiers/linearSvm.ts';
const LINEAR_CLASSIFIER = 'lib/classifiers/linearClassifier.ts';

type Tensor = NdLike & { data: Float64Array };
type Classifier = {
  W: Tensor | null;
  train(X: NdLike, y: Int32Array, options?: Record<string, unknown>): number[];
  predict(X: NdLike): Int32Array;
  loss(X: Tensor, y: Int32Array, reg: number): [number, Tensor];
};
type Module = { LinearSVM: new () => Classifier };
type RandomModule = { RandomState: new (seed?: number) => unknown };

/** What the grader's loss saw at one call. */
interface Call {
  rows: number[][];
  labels: number[];
  reg: number;
  W: Float64Array;
}

const N = 37;
const D = 30;
const C = 4;

/** Training data with distinct rows, labels 0..C-1 (so W is (D, C)). */
function trainingData(): { rows: number[][]; labels: number[] } {
  const rows = Array.from({ length: N }, (_, i) =>
    Array.from({ length: D }, (_, d) => Math.round(1000 * Math.sin(1.3 * i + 0.7 * d + 0.1)) / 100),
  );
  return { rows, labels: rows.map((_, i) => (i * 7) % C) };
}

/** The grader's gradient: a fixed (D, C) pattern. */
function gradPattern(): Float64Array {
  return Float64Array.from({ length: D * C }, (_, p) => ((p % 7) - 3) * 0.1);
}

/**
 * Trains a LinearSVM whose loss is the grader's: it records every call and returns loss
 * `it + 0.5` at call `it` with the fixed gradient.
 */
function trainWithProbe(
  ctx: GradeContext,
  options: Record<string, unknown>,
): { calls: Call[]; history: number[]; W: Float64Array } {
  const t = fixtureTensors(ctx);
  const { LinearSVM } = ctx.load<Module>('lib/classifiers/linearClassifier');
  const { rows, labels } = trainingData();
  const clf = new LinearSVM();
  const calls: Call[] = [];
  const g = gradPattern();
  clf.loss = (XBatch, yBatch, reg) => {
    const shape = XBatch?.shape ?? [];
    if (shape.length !== 2 || shape[1] !== D) {
      throw new Error(`the minibatch has shape (${shape.join(', ')}), expected (batchSize, ${D})`);
    }
    const x = flat(XBatch);
    const batchRows = Array.from({ length: shape[0] }, (_, r) =>
      Array.from(x.subarray(r * D, (r + 1) * D)),
    );
    if (!clf.W) throw new Error('W is not set when the loss is evaluated');
    calls.push({
      rows: batchRows,
      labels: Array.from(yBatch),
      reg,
      W: Float64Array.from(flat(clf.W)),
    });
    return [calls.length - 1 + 0.5, t({ shape: [D, C], data: Array.from(g) }) as Tensor];
  };
  const X = t({ shape: [N, D], data: rows.flat() });
  const history = clf.train(X, Int32Array.from(labels), options);
  if (!clf.W) throw new Error('W is null after training');
  return { calls, history, W: Float64Array.from(flat(clf.W)) };
}

function std(v: Float64Array): number {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
}

function trainPart(): Part {
  return {
    id: 'svm:linear_train',
    title: 'LinearClassifier.train (minibatches, SGD step)',
    points: 15,
    file: LINEAR_CLASSIFIER,
    timeoutMs: LIB_TIMEOUT_MS,
    check(ctx) {
      const { RandomState } = ctx.load<RandomModule>('lib/core/random');
      const { rows, labels } = trainingData();
      const key = (r: number[]): string => r.join(',');
      const labelOf = new Map(rows.map((r, i) => [key(r), labels[i]]));
      const lr = 0.01;
      const numIters = 25;
      const batchSize = 16;
      const reg = 0.25;
      const opts = (seed: number) => ({
        learningRate: lr,
        reg,
        numIters,
        batchSize,
        rng: new RandomState(seed),
      });
      const run = trainWithProbe(ctx, opts(5));
      if (run.calls.length !== numIters) {
        throw new Error(`the loss was evaluated ${run.calls.length} times, expected ${numIters}`);
      }
      if (
        !Array.isArray(run.history) ||
        run.history.length !== numIters ||
        run.history.some((l, i) => l !== i + 0.5)
      ) {
        throw new Error(
          'the returned loss history is not the loss of each iteration, in order (numIters values)',
        );
      }
      const g = gradPattern();
      const W0 = run.calls[0].W;
      const s = std(W0);
      if (!(s > 0.0007 && s < 0.0013)) {
        throw new Error(`initial W: standard deviation ${s}, expected about 0.001`);
      }
      for (const [it, call] of run.calls.entries()) {
        if (call.rows.length !== batchSize || call.labels.length !== batchSize) {
          throw new Error(
            `iteration ${it}: a minibatch of ${call.rows.length} rows and ${call.labels.length} labels, expected batchSize ${batchSize}`,
          );
        }
        call.rows.forEach((r, b) => {
          const want = labelOf.get(key(r));
          if (want === undefined) {
            throw new Error(`iteration ${it}: minibatch row ${b} is not a row of X`);
          }
          if (call.labels[b] !== want) {
            throw new Error(
              `iteration ${it}: minibatch row ${b} has label ${call.labels[b]}, its row of X has ${want}`,
            );
          }
        });
        if (call.reg !== reg) throw new Error(`the loss got reg ${call.reg}, expected ${reg}`);
        // After `it` steps of W -= lr * grad with the grader's fixed gradient.
        for (let p = 0; p < W0.length; p++) {
          const want = W0[p] - it * lr * g[p];
          if (!(Math.abs(call.W[p] - want) <= 1e-12)) {
            throw new Error(
              `W at iteration ${it} is not W - learningRate * dW after each step (entry ${p}: ${call.W[p]}, expected ${want})`,
            );
          }
        }
      }
      const distinct = new Set(run.calls.map((c) => c.rows.map(key).join(';')));
      if (distinct.size < 2) throw new Error('every iteration used the same minibatch');
      const again = trainWithProbe(ctx, opts(5));
      const same = again.calls.every(
        (c, i) => c.rows.map(key).join(';') === run.calls[i].rows.map(key).join(';'),
      );
      if (!same) {
        throw new Error(
          'two runs with the same rng seed drew different minibatches: draw from rng',
        );
      }
      return `${numIters} steps: minibatches of rows of X with their labels, W -= lr * dW, reproducible with rng`;
    },
  };
}

function predictPart(): Part {
  return {
    id: 'svm:linear_predict',
    title: 'LinearClassifier.predict',
    points: 10,
    file: LINEAR_CLASSIFIER,
    timeoutMs: LIB_TIMEOUT_MS,
    check(ctx) {
      const fx = ctx.fixture<{
        predict: { name: string; W: FixtureArray; X: FixtureArray; y_pred: number[] }[];
      }>('svm');
      const t = fixtureTensors(ctx);
      const { LinearSVM } = ctx.load<Module>('lib/classifiers/linearClassifier');
      return eachCase(fx.predict, (c) => {
        const clf = new LinearSVM();
        clf.W = t(c.W) as Tensor;
        expectLabels('yPred', clf.predict(t(c.X)), c.y_pred);
      });
    },
  };
}

export const svm: Exercise = {
  name: 'svm',
  assignment: 1,
  notebook: NOTEBOOK,
  parts: [
    linearLossPart({
      id: 'svm:loss_naive',
      title: 'svmLossNaive (loss and gradient)',
      points: 15,
      file: LINEAR_SVM,
      fn: 'svmLossNaive',
      fixture: 'svm',
    }),
    linearLossPart({
      id: 'svm:loss_vectorized',
      title: 'svmLossVectorized (loss and gradient)',
      points: 20,
      file: LINEAR_SVM,
      fn: 'svmLossVectorized',
      fixture: 'svm',
    }),
    trainPart(),
    predictPart(),
    printedAccuracyPart({
      id: 'svm:tuning',
      title: 'tuning cell: validation accuracy >= 0.37',
      points: 20,
      notebook: NOTEBOOK,
      labels: ['best validation accuracy achieved during cross-validation:'],
      bar: 0.37,
    }),
    ...[1, 2].map((k) =>
      answerPart({
        id: `svm:inline_question_${k}`,
        title: `inline question ${k} answered`,
        points: 10,
        notebook: NOTEBOOK,
        k,
      }),
    ),
  ],
};
