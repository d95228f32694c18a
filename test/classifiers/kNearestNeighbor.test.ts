/**
 * KNearestNeighbor against numpy (test/fixtures/linear, made by
 * scripts/fixtures/make_knn_linear_fixtures.py): the three distance functions, votes with tied
 * distances and tied counts, predict with every numLoops, and bad input.
 */
import { describe, expect, it } from 'vitest';
import { KNearestNeighbor } from '../../lib/classifiers/kNearestNeighbor';
import { random } from '../../lib/core/random';
import { tensor } from '../../lib/core/tensor';
import { fixture, relErr, toLabels, toTensor } from '../helpers/linearFixture';

describe('KNearestNeighbor distances', () => {
  const cases = fixture.knn.filter((c) => c.X_train !== undefined);
  it.each(cases.map((c, i) => [i, c] as const))('case %i: all three equal numpy', (_, c) => {
    const knn = new KNearestNeighbor();
    knn.train(toTensor(c.X_train!), toLabels(c.y_train));
    const X = toTensor(c.X_test!);
    const want = c.dists.data;
    const two = knn.computeDistancesTwoLoops(X);
    const one = knn.computeDistancesOneLoop(X);
    const none = knn.computeDistancesNoLoops(X);
    expect(two.shape).toEqual(c.dists.shape);
    expect(relErr(two.data, want)).toBeLessThan(1e-14);
    expect(relErr(one.data, want)).toBeLessThan(1e-14);
    expect(relErr(none.data, want)).toBeLessThan(1e-12);
  });

  it('no-loop distances agree with two loops on random real-valued data', () => {
    random.seed(5);
    const knn = new KNearestNeighbor();
    const Xtr = random.randn(40, 17);
    knn.train(Xtr, random.randint(0, 3, 40));
    const X = random.randn(9, 17);
    const two = knn.computeDistancesTwoLoops(X);
    expect(relErr(knn.computeDistancesNoLoops(X).data, two.data)).toBeLessThan(1e-10);
    // the distance of a training point to itself is exactly 0, never NaN from a negative square
    const self = knn.computeDistancesNoLoops(Xtr);
    for (let i = 0; i < 40; i++) expect(self.get(i, i)).toBeLessThan(1e-6);
    expect(self.data.every((v) => Number.isFinite(v))).toBe(true);
  });
});

describe('KNearestNeighbor.predictLabels and predict', () => {
  it.each(fixture.knn.map((c, i) => [i, c] as const))(
    'case %i: numpy argsort + argmax(bincount)',
    (_, c) => {
      const knn = new KNearestNeighbor();
      const yTrain = toLabels(c.y_train);
      const [numTest, numTrain] = c.dists.shape;
      const D = 2;
      knn.train(tensor([numTrain, D]), yTrain);
      for (const { k, y_pred } of c.predictions) {
        expect(Array.from(knn.predictLabels(toTensor(c.dists), k)), `k = ${k}`).toEqual(
          y_pred.data,
        );
      }
      expect(numTest).toBe(c.predictions[0].y_pred.data.length);
    },
  );

  it('predict with numLoops 0, 1 and 2 gives the fixture predictions', () => {
    const c = fixture.knn[0];
    const knn = new KNearestNeighbor();
    knn.train(toTensor(c.X_train!), toLabels(c.y_train));
    for (const { k, y_pred } of c.predictions) {
      for (const loops of [0, 1, 2]) {
        expect(
          Array.from(knn.predict(toTensor(c.X_test!), k, loops)),
          `k ${k} loops ${loops}`,
        ).toEqual(y_pred.data);
      }
    }
  });
});

describe('KNearestNeighbor bad input', () => {
  const knn = new KNearestNeighbor();
  it('before train', () => {
    expect(() => knn.computeDistancesNoLoops(tensor([2, 3]))).toThrow(
      /computeDistancesNoLoops: the classifier has no training data; call train/,
    );
    expect(() => knn.predictLabels(tensor([2, 3]), 1)).toThrow(
      /predictLabels: the classifier has no training data/,
    );
  });
  it('shapes, labels, k and numLoops', () => {
    expect(() => knn.train(tensor([4, 3]), [0, 1, 2])).toThrow(
      /KNearestNeighbor.train: y has shape \(3,\) but there are 4 inputs/,
    );
    expect(() => knn.train(tensor([2, 3]), [0, -1])).toThrow(
      /KNearestNeighbor.train: y\[1\] = -1 is not an integer class label/,
    );
    knn.train(tensor([4, 3]), [0, 1, 2, 1]);
    expect(() => knn.computeDistancesTwoLoops(tensor([2, 5]))).toThrow(
      'KNearestNeighbor.computeDistancesTwoLoops: X with 5 features (shape (2, 5)) does not match the training data with 3 (shape (4, 3))',
    );
    expect(() => knn.predictLabels(tensor([2, 5]), 1)).toThrow(
      /dists has shape \(2, 5\) but the classifier was trained on 4 points; expected \(2, 4\)/,
    );
    expect(() => knn.predictLabels(tensor([2, 4]), 5)).toThrow(
      'KNearestNeighbor.predictLabels: k must be an integer in [1, 4] (the number of training points), got 5',
    );
    expect(() => knn.predictLabels(tensor([2, 4]), 0)).toThrow(/k must be an integer in \[1, 4\]/);
    expect(() => knn.predict(tensor([2, 3]), 1, 3)).toThrow(
      'KNearestNeighbor.predict: numLoops must be 0, 1 or 2, got 3',
    );
    const nan = tensor([1, 3]);
    nan.data[1] = Number.NaN;
    expect(() => knn.computeDistancesOneLoop(nan)).toThrow(
      /computeDistancesOneLoop: X with shape \(1, 3\) holds NaN/,
    );
  });
});
