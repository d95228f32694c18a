/**
 * The kNN exercise (notebooks/knn.ipynb): the three distance functions and the vote the student
 * writes in lib/classifiers/kNearestNeighbor.ts, the notebook's cross-validation and best-k cells,
 * and its three inline answers. Library parts are computed on test/fixtures/grading/inputs/knn.json
 * and judged against answers/knn.json (numpy, scripts/fixtures/make_classifier_grading_fixtures.py):
 * image-like data as in the notebook, and further cases (one training point, one test point,
 * D = 1, ties in the vote).
 */
import {
  answerPart,
  type ComputeContext,
  type Exercise,
  expectArray,
  expectLabels,
  type FixtureArray,
  fixtureTensors,
  judgeCases,
  LIB_TIMEOUT_MS,
  type LibraryPart,
  mapCases,
  type NdLike,
  type NotebookPart,
  printedAccuracyPart,
  printedText,
  wireArray,
  wireLabels,
} from '../gradingKit';

const NOTEBOOK = 'notebooks/knn.ipynb';
const KNN = 'lib/classifiers/kNearestNeighbor.ts';

/**
 * The distances' tolerance: relative error 1e-7 (the notebook compares the versions by the
 * Frobenius norm of their difference, < 0.001 on distances in the thousands).
 */
const DIST_TOL = 1e-7;

type Knn = {
  train(X: NdLike, y: Int32Array): void;
  computeDistancesTwoLoops(X: NdLike): NdLike;
  computeDistancesOneLoop(X: NdLike): NdLike;
  computeDistancesNoLoops(X: NdLike): NdLike;
  predictLabels(dists: NdLike, k: number): Int32Array;
};

interface Inputs {
  distances: { name: string; X_train: FixtureArray; X_test: FixtureArray }[];
  predict_labels: { name: string; y_train: number[]; dists: FixtureArray; k: number }[];
}
interface Answers {
  distances: { name: string; dists: FixtureArray }[];
  predict_labels: { name: string; y_pred: number[] }[];
}

function classifier(ctx: ComputeContext): Knn {
  const { KNearestNeighbor } = ctx.load<{ KNearestNeighbor: new () => Knn }>(
    'lib/classifiers/kNearestNeighbor',
  );
  return new KNearestNeighbor();
}

function distancePart(
  method: 'computeDistancesTwoLoops' | 'computeDistancesOneLoop' | 'computeDistancesNoLoops',
  key: string,
  points: number,
): LibraryPart {
  return {
    kind: 'library',
    id: `knn:${key}`,
    title: method,
    points,
    file: KNN,
    timeoutMs: LIB_TIMEOUT_MS,
    compute(ctx) {
      const t = fixtureTensors(ctx);
      return mapCases(ctx.input<Inputs>('knn').distances, (c) => {
        const knn = classifier(ctx);
        knn.train(t(c.X_train), new Int32Array(c.X_train.shape[0]));
        return wireArray(knn[method](t(c.X_test)), 'dists');
      });
    },
    judge(result, answers) {
      return judgeCases(result, answers.answer<Answers>('knn').distances, (got, c) => {
        expectArray('dists', got, c.dists, DIST_TOL);
      });
    },
  };
}

/** The cross-validation cell: numFolds accuracies printed for every k tried. */
function crossValidationPart(): NotebookPart {
  return {
    kind: 'notebook',
    id: 'knn:cross_validation',
    title: 'cross-validation cell: 5 fold accuracies for each k',
    points: 10,
    file: NOTEBOOK,
    judge(nb) {
      const byK = new Map<number, number[]>();
      for (const m of printedText(nb, 'kToAccuracies').matchAll(
        /k = (\d+), accuracy = (-?[0-9.]+)/g,
      )) {
        const k = Number(m[1]);
        byK.set(k, [...(byK.get(k) ?? []), Number(m[2])]);
      }
      const ks = [1, 3, 5, 8, 10, 12, 15, 20, 50, 100];
      for (const k of ks) {
        const accs = byK.get(k) ?? [];
        if (accs.length !== 5) {
          throw new Error(
            `${NOTEBOOK} printed ${accs.length} accuracies for k = ${k}, expected 5 (one per fold): run the cross-validation cell`,
          );
        }
        // Better than chance (0.1 for ten classes) on every fold: the folds were really used.
        const bad = accs.find((a) => !(a > 0.15 && a <= 1));
        if (bad !== undefined) {
          throw new Error(`k = ${k}: a fold accuracy of ${bad}, expected in (0.15, 1]`);
        }
      }
      return `5 fold accuracies for each of the ${ks.length} k values`;
    },
  };
}

export const knn: Exercise = {
  name: 'knn',
  assignment: 1,
  notebook: NOTEBOOK,
  parts: [
    distancePart('computeDistancesTwoLoops', 'two_loops', 10),
    distancePart('computeDistancesOneLoop', 'one_loop', 10),
    distancePart('computeDistancesNoLoops', 'no_loops', 15),
    {
      kind: 'library',
      id: 'knn:predict_labels',
      title: 'predictLabels',
      points: 15,
      file: KNN,
      timeoutMs: LIB_TIMEOUT_MS,
      compute(ctx) {
        const t = fixtureTensors(ctx);
        return mapCases(ctx.input<Inputs>('knn').predict_labels, (c) => {
          const knn = classifier(ctx);
          // predictLabels reads only the training labels; the data is any matrix with that many rows.
          knn.train(
            t({ shape: [c.y_train.length, 1], data: c.y_train }),
            Int32Array.from(c.y_train),
          );
          return wireLabels(knn.predictLabels(t(c.dists), c.k));
        });
      },
      judge(result, answers) {
        return judgeCases(result, answers.answer<Answers>('knn').predict_labels, (got, c) => {
          expectLabels('yPred', got, c.y_pred);
        });
      },
    },
    crossValidationPart(),
    printedAccuracyPart({
      id: 'knn:best_k',
      title: 'best k from cross-validation: test accuracy >= 0.28',
      points: 5,
      notebook: NOTEBOOK,
      labels: ['correct => accuracy:'],
      bar: 0.28,
      cell: 'let bestK',
    }),
    ...[1, 2, 3].map((k) =>
      answerPart({
        id: `knn:inline_question_${k}`,
        title: `inline question ${k} answered`,
        points: 5,
        notebook: NOTEBOOK,
        k,
      }),
    ),
  ],
};
