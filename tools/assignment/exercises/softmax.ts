/**
 * The softmax exercise (notebooks/softmax.ipynb): the naive and vectorized softmax losses the
 * student writes in lib/classifiers/softmax.ts, computed on test/fixtures/grading/inputs/softmax.json
 * and judged against answers/softmax.json (numpy, scripts/fixtures/make_classifier_grading_fixtures.py;
 * large scores, and scores above 710 where an unshifted exp overflows), the notebook's tuning cell
 * and its two inline answers.
 */
import { answerPart, type Exercise, printedAccuracyPart } from '../gradingKit';
import { linearLossPart } from './linearLoss';

const NOTEBOOK = 'notebooks/softmax.ipynb';
const SOFTMAX = 'lib/classifiers/softmax.ts';

export const softmax: Exercise = {
  name: 'softmax',
  assignment: 1,
  notebook: NOTEBOOK,
  parts: [
    linearLossPart({
      id: 'softmax:loss_naive',
      title: 'softmaxLossNaive (loss and gradient)',
      points: 20,
      file: SOFTMAX,
      fn: 'softmaxLossNaive',
      fixture: 'softmax',
    }),
    linearLossPart({
      id: 'softmax:loss_vectorized',
      title: 'softmaxLossVectorized (loss and gradient)',
      points: 20,
      file: SOFTMAX,
      fn: 'softmaxLossVectorized',
      fixture: 'softmax',
    }),
    printedAccuracyPart({
      id: 'softmax:tuning',
      title: 'tuning cell: validation accuracy >= 0.35',
      points: 20,
      notebook: NOTEBOOK,
      labels: ['best validation accuracy achieved during cross-validation:'],
      bar: 0.35,
    }),
    ...[1, 2].map((k) =>
      answerPart({
        id: `softmax:inline_question_${k}`,
        title: `inline question ${k} answered`,
        points: 10,
        notebook: NOTEBOOK,
        k,
      }),
    ),
  ],
};
