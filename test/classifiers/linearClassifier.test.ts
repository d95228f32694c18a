/**
 * The SGD training loop and prediction of a linear classifier (lib/classifiers/linearClassifier.ts)
 * against numpy (test/fixtures/linear, made by scripts/fixtures/make_knn_linear_fixtures.py).
 */
import { describe, expect, it } from 'vitest';
import { LinearSVM, Softmax } from '../../lib/classifiers/linearClassifier';
import { RandomState, random } from '../../lib/core/random';
import { tensor } from '../../lib/core/tensor';
import { fixture, relErr, toLabels, toTensor } from '../helpers/linearFixture';

describe('LinearClassifier.train and predict', () => {
  const X = toTensor(fixture.train_data.X);
  const y = toLabels(fixture.train_data.y);
  it.each(fixture.train.map((c) => [c.loss, c] as const))(
    '%s: the seeded SGD run equals numpy',
    (_, c) => {
      random.seed(c.seed);
      const clf = c.loss === 'svm' ? new LinearSVM() : new Softmax();
      const history = clf.train(X, y, {
        learningRate: c.learning_rate,
        reg: c.reg,
        numIters: c.num_iters,
        batchSize: c.batch_size,
      });
      expect(history).toHaveLength(c.num_iters);
      expect(relErr(history, c.loss_history)).toBeLessThan(1e-10);
      expect(relErr(clf.W!.data, c.W.data)).toBeLessThan(1e-10);
      expect(Array.from(clf.predict(X))).toEqual(c.y_pred.data);
    },
  );

  it('an explicit rng gives the same run as the seeded global one', () => {
    const c = fixture.train[0];
    const clf = new LinearSVM();
    const history = clf.train(X, y, {
      learningRate: c.learning_rate,
      reg: c.reg,
      numIters: c.num_iters,
      batchSize: c.batch_size,
      rng: new RandomState(c.seed),
    });
    expect(relErr(history, c.loss_history)).toBeLessThan(1e-10);
  });

  it('training lowers the loss and fits separable data', () => {
    random.seed(0);
    const Xs = tensor([60, 3]);
    const ys = new Int32Array(60);
    for (let i = 0; i < 60; i++) {
      ys[i] = i % 3;
      Xs.set(i, ys[i], 5 + (i % 7) / 7);
      Xs.set(i, 2, 1);
    }
    const clf = new Softmax();
    const h = clf.train(Xs, ys, { learningRate: 0.5, reg: 0, numIters: 200, batchSize: 20 });
    expect(h[h.length - 1]).toBeLessThan(h[0] / 10);
    expect(Array.from(clf.predict(Xs))).toEqual(Array.from(ys));
  });

  it('names the method and the argument on bad input', () => {
    const clf = new LinearSVM();
    expect(() => clf.predict(tensor([2, 3]))).toThrow(
      'LinearSVM.predict: the classifier has no weights yet; call train(X, y) first',
    );
    expect(() => clf.train(tensor([3, 2]), [0, 1], {})).toThrow(
      /LinearSVM.train: y has shape \(2,\) but there are 3 inputs/,
    );
    expect(() => clf.train(tensor([2, 2]), [0, 1], { batchSize: 0 })).toThrow(
      'LinearSVM.train: batchSize must be a positive integer, got 0',
    );
    expect(() =>
      clf.train(tensor([2, 2]), [0, 1], { learningRate: Number.POSITIVE_INFINITY }),
    ).toThrow(/learningRate must be a finite number/);
    expect(() => clf.train(tensor([2, 2]), [0, 1], { epochs: 3 } as never)).toThrow(
      /unknown option "epochs"/,
    );
    clf.train(tensor([2, 2]), [0, 1], { numIters: 1 });
    expect(() => clf.predict(tensor([2, 5]))).toThrow(
      'LinearSVM.predict: X with 5 features (shape (2, 5)) does not match W with 2 rows (shape (2, 2))',
    );
    expect(() => clf.train(tensor([2, 3]), [0, 1])).toThrow(
      /do not fit the existing W of shape \(2, 2\)/,
    );
  });
});
