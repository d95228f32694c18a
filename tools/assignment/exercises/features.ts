/**
 * The image-features exercise (notebooks/assignment1/features.ipynb): no library code (the features are
 * given); the student writes the two tuning cells, an SVM and a two-layer net on HOG and colour
 * histogram features, graded on the accuracies the executed notebook printed at the course's
 * bars, and one inline answer.
 */
import { answerPart, type Exercise, printedAccuracyPart } from '../gradingKit';

const NOTEBOOK = 'notebooks/assignment1/features.ipynb';

export const features: Exercise = {
  name: 'features',
  assignment: 1,
  notebook: NOTEBOOK,
  parts: [
    printedAccuracyPart({
      id: 'features:svm_tuning',
      title: 'SVM on features: validation accuracy >= 0.44',
      points: 15,
      notebook: NOTEBOOK,
      labels: ['best validation accuracy achieved:'],
      bar: 0.44,
    }),
    printedAccuracyPart({
      id: 'features:net_tuning',
      title: 'two-layer net on features: test accuracy >= 0.55',
      points: 15,
      notebook: NOTEBOOK,
      labels: ['Test set accuracy:'],
      bar: 0.55,
      // The given cell that tests bestNet (a later cell prints the same label for another model).
      cell: 'bestNet!.loss(data.X_test)',
    }),
    answerPart({
      id: 'features:inline_question_1',
      title: 'inline question 1 answered',
      points: 10,
      notebook: NOTEBOOK,
      k: 1,
    }),
  ],
};
