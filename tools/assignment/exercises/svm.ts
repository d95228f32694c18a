/**
 * The SVM exercise (notebooks/svm.ipynb): the naive and vectorized SVM losses the student writes
 * in lib/classifiers/linearSvm.ts, the SGD loop and prediction of LinearClassifier
 * (lib/classifiers/linearClassifier.ts), the notebook's tuning cell and its two inline answers.
 * The losses and prediction are computed on test/fixtures/grading/inputs/svm.json and judged
 * against answers/svm.json (numpy, scripts/fixtures/make_classifier_grading_fixtures.py; a case
 * with margins of exactly 0). LinearClassifier.train is graded on its own: compute gives the
 * classifier a loss of its own (known values and gradient) that records each call (the minibatch,
 * its labels, reg and W), and the judge checks the record against the training data, which it
 * makes itself.
 */
import {
  answerPart,
  asList,
  asRecord,
  type ComputeContext,
  type Exercise,
  expectLabels,
  type FixtureArray,
  fixtureTensors,
  flat,
  judgeCases,
  LIB_TIMEOUT_MS,
  type LibraryPart,
  mapCases,
  type NdLike,
  printedAccuracyPart,
  type Wire,
  wireLabels,
  wireNumber,
} from '../gradingKit';
import { linearLossPart } from './linearLoss';

const NOTEBOOK = 'notebooks/svm.ipynb';
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

const N = 37;
const D = 30;
const C = 4;
const LR = 0.01;
const NUM_ITERS = 25;
const BATCH_SIZE = 16;
const REG = 0.25;

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
 * `it + 0.5` at call `it` with the fixed gradient. The record is plain data for the judge.
 */
function trainWithProbe(ctx: ComputeContext, seed: number): Wire {
  const t = fixtureTensors(ctx);
  const { RandomState } = ctx.load<RandomModule>('lib/core/random');
  const { LinearSVM } = ctx.load<Module>('lib/classifiers/linearClassifier');
  const { rows, labels } = trainingData();
  const clf = new LinearSVM();
  const calls: Wire[] = [];
  const g = gradPattern();
  clf.loss = (XBatch, yBatch, reg) => {
    const shape = XBatch?.shape ?? [];
    if (shape.length !== 2 || shape[1] !== D) {
      throw new Error(`the minibatch has shape (${shape.join(', ')}), expected (batchSize, ${D})`);
    }
    if (!clf.W) throw new Error('W is not set when the loss is evaluated');
    calls.push({
      rows: flat(XBatch),
      labels: wireLabels(yBatch),
      reg: wireNumber(reg),
      W: flat(clf.W),
    });
    return [calls.length - 1 + 0.5, t({ shape: [D, C], data: Array.from(g) }) as Tensor];
  };
  const X = t({ shape: [N, D], data: rows.flat() });
  const history = clf.train(X, Int32Array.from(labels), {
    learningRate: LR,
    reg: REG,
    numIters: NUM_ITERS,
    batchSize: BATCH_SIZE,
    rng: new RandomState(seed),
  });
  if (!clf.W) throw new Error('W is null after training');
  return { calls, history: Array.isArray(history) ? wireLabels(history) : null };
}

function std(v: Float64Array): number {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
}

/** The minibatch rows of one recorded call, each as a key, after checking the record's shapes. */
function batchKeys(it: number, call: { [k: string]: Wire }): string[] {
  const rows = call.rows;
  if (!(rows instanceof Float64Array) || rows.length % D !== 0) {
    throw new Error(`iteration ${it}: the minibatch record is not a (batchSize, ${D}) matrix`);
  }
  return Array.from({ length: rows.length / D }, (_, r) =>
    Array.from(rows.subarray(r * D, (r + 1) * D)).join(','),
  );
}

function trainPart(): LibraryPart {
  return {
    kind: 'library',
    id: 'svm:linear_train',
    title: 'LinearClassifier.train (minibatches, SGD step)',
    points: 15,
    file: LINEAR_CLASSIFIER,
    timeoutMs: LIB_TIMEOUT_MS,
    compute(ctx) {
      // Two runs with the same rng seed: they must draw the same minibatches.
      return [trainWithProbe(ctx, 5), trainWithProbe(ctx, 5)];
    },
    judge(result) {
      const [first, second] = asList('runs', result, 2).map((r, i) => asRecord(`run ${i + 1}`, r));
      const { rows, labels } = trainingData();
      const key = (r: number[]): string => r.join(',');
      const labelOf = new Map(rows.map((r, i) => [key(r), labels[i]]));
      const calls = asList('the loss calls', first.calls).map((c, i) => asRecord(`call ${i}`, c));
      if (calls.length !== NUM_ITERS) {
        throw new Error(`the loss was evaluated ${calls.length} times, expected ${NUM_ITERS}`);
      }
      const history = first.history;
      if (
        !(history instanceof Float64Array) ||
        history.length !== NUM_ITERS ||
        history.some((l, i) => l !== i + 0.5)
      ) {
        throw new Error(
          'the returned loss history is not the loss of each iteration, in order (numIters values)',
        );
      }
      const g = gradPattern();
      const Ws = calls.map((c, it) => {
        const W = c.W;
        if (!(W instanceof Float64Array) || W.length !== D * C) {
          throw new Error(`iteration ${it}: W has not ${D * C} entries`);
        }
        return W;
      });
      const W0 = Ws[0];
      const s = std(W0);
      if (!(s > 0.0007 && s < 0.0013)) {
        throw new Error(`initial W: standard deviation ${s}, expected about 0.001`);
      }
      const batches = calls.map((call, it) => {
        const keys = batchKeys(it, call);
        const callLabels = call.labels;
        if (
          keys.length !== BATCH_SIZE ||
          !(callLabels instanceof Float64Array) ||
          callLabels.length !== BATCH_SIZE
        ) {
          throw new Error(
            `iteration ${it}: a minibatch of ${keys.length} rows and ${callLabels instanceof Float64Array ? callLabels.length : 0} labels, expected batchSize ${BATCH_SIZE}`,
          );
        }
        keys.forEach((k, b) => {
          const want = labelOf.get(k);
          if (want === undefined) {
            throw new Error(`iteration ${it}: minibatch row ${b} is not a row of X`);
          }
          if (callLabels[b] !== want) {
            throw new Error(
              `iteration ${it}: minibatch row ${b} has label ${callLabels[b]}, its row of X has ${want}`,
            );
          }
        });
        if (call.reg !== REG) {
          throw new Error(`the loss got reg ${String(call.reg)}, expected ${REG}`);
        }
        // After `it` steps of W -= lr * grad with the grader's fixed gradient.
        for (let p = 0; p < W0.length; p++) {
          const want = W0[p] - it * LR * g[p];
          if (!(Math.abs(Ws[it][p] - want) <= 1e-12)) {
            throw new Error(
              `W at iteration ${it} is not W - learningRate * dW after each step (entry ${p}: ${Ws[it][p]}, expected ${want})`,
            );
          }
        }
        return keys.join(';');
      });
      if (new Set(batches).size < 2) throw new Error('every iteration used the same minibatch');
      const again = asList("the second run's loss calls", second.calls, NUM_ITERS).map((c, i) =>
        batchKeys(i, asRecord(`call ${i}`, c)).join(';'),
      );
      if (!again.every((b, i) => b === batches[i])) {
        throw new Error(
          'two runs with the same rng seed drew different minibatches: draw from rng',
        );
      }
      return `${NUM_ITERS} steps: minibatches of rows of X with their labels, W -= lr * dW, reproducible with rng`;
    },
  };
}

function predictPart(): LibraryPart {
  return {
    kind: 'library',
    id: 'svm:linear_predict',
    title: 'LinearClassifier.predict',
    points: 10,
    file: LINEAR_CLASSIFIER,
    timeoutMs: LIB_TIMEOUT_MS,
    compute(ctx) {
      const { predict } = ctx.input<{
        predict: { name: string; W: FixtureArray; X: FixtureArray }[];
      }>('svm');
      const t = fixtureTensors(ctx);
      const { LinearSVM } = ctx.load<Module>('lib/classifiers/linearClassifier');
      return mapCases(predict, (c) => {
        const clf = new LinearSVM();
        clf.W = t(c.W) as Tensor;
        return wireLabels(clf.predict(t(c.X)));
      });
    },
    judge(result, answers) {
      const { predict } = answers.answer<{ predict: { name: string; y_pred: number[] }[] }>('svm');
      return judgeCases(result, predict, (got, c) => expectLabels('yPred', got, c.y_pred));
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
