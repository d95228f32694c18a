/**
 * A k-nearest-neighbour classifier with L2 distance (mirrors the assignment's
 * `cs231n/classifiers/k_nearest_neighbor.py`).
 *
 * Training only remembers the data. Prediction computes the (numTest, numTrain) matrix of
 * Euclidean distances (three ways, from a double loop to one matrix product) and lets the k
 * nearest training points vote.
 */

import { matmul } from '../backends';
import { inspectCustom, shortObject } from '../core/inspect';
import {
  checkLabels,
  checkNoNaN,
  checkTensor,
  contiguousData,
  formatShape,
  type Labels,
  type Tensor,
  tensor,
} from '../core/tensor';

/** Largest label value a kNN vote accepts (labels are counted in an array of this size + 1). */
const MAX_LABEL = 1 << 20;

/** A kNN classifier with L2 distance. */
export class KNearestNeighbor {
  /** Training data (numTrain, D), set by {@link train}. */
  XTrain: Tensor | null = null;
  /** Training labels (numTrain,), set by {@link train}. */
  yTrain: Int32Array | null = null;

  /** `KNearestNeighbor { XTrain: ndarray float64 (5000, 3072), ... }`: shapes, not the data. */
  [inspectCustom](): string {
    return shortObject('KNearestNeighbor', { XTrain: this.XTrain, yTrain: this.yTrain });
  }

  /**
   * "Trains" the classifier: remembers the training data (no copy).
   *
   * @param X (numTrain, D) training data
   * @param y (numTrain,) integer labels >= 0
   * @throws naming `KNearestNeighbor.train` for a wrong shape, NaN in X or a bad label
   */
  train(X: Tensor, y: Labels): void {
    const fn = 'KNearestNeighbor.train';
    checkTensor(fn, 'X', X, 2);
    if (X.shape[0] === 0) {
      throw new RangeError(
        `${fn}: X must hold at least one training point, got shape ${formatShape(X.shape)}`,
      );
    }
    checkNoNaN(fn, 'X', X);
    this.yTrain = checkLabels(fn, 'y', y, X.shape[0], MAX_LABEL);
    this.XTrain = X;
  }

  /**
   * Predicts labels for test data.
   *
   * @param X (numTest, D) test data
   * @param k how many nearest neighbours vote
   * @param numLoops which distance function to use: 0 ({@link computeDistancesNoLoops}),
   *   1 ({@link computeDistancesOneLoop}) or 2 ({@link computeDistancesTwoLoops})
   * @returns (numTest,) predicted labels
   */
  predict(X: Tensor, k = 1, numLoops = 0): Int32Array {
    let dists: Tensor;
    if (numLoops === 0) dists = this.computeDistancesNoLoops(X);
    else if (numLoops === 1) dists = this.computeDistancesOneLoop(X);
    else if (numLoops === 2) dists = this.computeDistancesTwoLoops(X);
    else {
      throw new RangeError(`KNearestNeighbor.predict: numLoops must be 0, 1 or 2, got ${numLoops}`);
    }
    return this.predictLabels(dists, k);
  }

  /**
   * Distances between every test point and every training point, one pair at a time: a loop over
   * test points, a loop over training points, and the sum of squared differences of the pair.
   *
   * @param X (numTest, D) test data
   * @returns dists (numTest, numTrain): `dists[i, j]` is the Euclidean distance between the i-th
   *   test point and the j-th training point
   */
  computeDistancesTwoLoops(X: Tensor): Tensor {
    const [train, test, numTrain, numTest, D] = this.operands('computeDistancesTwoLoops', X);
    const dists = tensor([numTest, numTrain]);
    const out = dists.data;
    // BEGIN SOLUTION
    for (let i = 0; i < numTest; i++) {
      for (let j = 0; j < numTrain; j++) {
        out[i * numTrain + j] = Math.sqrt(squaredDistance(test, i * D, train, j * D, D));
      }
    }
    // END SOLUTION
    return dists;
  }

  /**
   * Distances between every test point and every training point, one test point at a time: for
   * test point i, one sweep over the whole training matrix fills row i (the vector operation
   * numpy would broadcast).
   *
   * @param X (numTest, D) test data
   * @returns dists (numTest, numTrain), as {@link computeDistancesTwoLoops}
   */
  computeDistancesOneLoop(X: Tensor): Tensor {
    const [train, test, numTrain, numTest, D] = this.operands('computeDistancesOneLoop', X);
    const dists = tensor([numTest, numTrain]);
    // BEGIN SOLUTION
    for (let i = 0; i < numTest; i++) {
      distancesToRow(
        train,
        numTrain,
        D,
        test.subarray(i * D, (i + 1) * D),
        dists.data.subarray(i * numTrain, (i + 1) * numTrain),
      );
    }
    // END SOLUTION
    return dists;
  }

  /**
   * Distances between every test point and every training point with no loop over points:
   * `|x - t|^2 = |x|^2 + |t|^2 - 2 x.t`, the cross terms as one matrix product `X @ XTrain^T`
   * (through the compute backend), plus the two vectors of squared norms.
   *
   * Rounding can make a tiny squared distance come out slightly negative; those are clamped to 0
   * before the square root.
   *
   * @param X (numTest, D) test data
   * @returns dists (numTest, numTrain), as {@link computeDistancesTwoLoops}
   */
  computeDistancesNoLoops(X: Tensor): Tensor {
    const [train, test, numTrain, numTest, D] = this.operands('computeDistancesNoLoops', X);
    let dists = tensor([numTest, numTrain]);
    // BEGIN SOLUTION
    dists = matmul(tensor([numTest, D], test), tensor([numTrain, D], train), { transB: true });
    const testNorms = rowSquaredNorms(test, numTest, D);
    const trainNorms = rowSquaredNorms(train, numTrain, D);
    const out = dists.data;
    for (let i = 0; i < numTest; i++) {
      for (let j = 0; j < numTrain; j++) {
        const p = i * numTrain + j;
        const sq = testNorms[i] + trainNorms[j] - 2 * out[p];
        out[p] = sq > 0 ? Math.sqrt(sq) : 0;
      }
    }
    // END SOLUTION
    return dists;
  }

  /**
   * Predicts a label for each test point from its distances to the training points: the k
   * nearest training points (ties in distance go to the smaller training index) vote with their
   * labels, and the most common label wins; a tie in votes goes to the smaller label (what
   * numpy's `np.argmax(np.bincount(closest_y))` does).
   *
   * @param dists (numTest, numTrain) distances, `dists[i, j]` between test point i and training
   *   point j
   * @param k how many nearest neighbours vote, 1 <= k <= numTrain
   * @returns (numTest,) predicted labels
   */
  predictLabels(dists: Tensor, k = 1): Int32Array {
    const fn = 'KNearestNeighbor.predictLabels';
    const yTrain = this.trained(fn);
    checkTensor(fn, 'dists', dists, 2);
    const [numTest, numTrain] = dists.shape;
    if (numTrain !== yTrain.length) {
      throw new RangeError(
        `${fn}: dists has shape ${formatShape(dists.shape)} but the classifier was trained on ${yTrain.length} points; expected (${numTest}, ${yTrain.length})`,
      );
    }
    if (!Number.isInteger(k) || k < 1 || k > numTrain) {
      throw new RangeError(
        `${fn}: k must be an integer in [1, ${numTrain}] (the number of training points), got ${k}`,
      );
    }
    checkNoNaN(fn, 'dists', dists);
    const d = contiguousData(dists);
    const yPred = new Int32Array(numTest);
    let numLabels = 0;
    for (let j = 0; j < numTrain; j++) if (yTrain[j] + 1 > numLabels) numLabels = yTrain[j] + 1;
    const nearest = new Int32Array(k);
    const counts = new Int32Array(numLabels);
    for (let i = 0; i < numTest; i++) {
      // BEGIN SOLUTION
      kSmallest(d.subarray(i * numTrain, (i + 1) * numTrain), k, nearest);
      counts.fill(0);
      for (let m = 0; m < k; m++) counts[yTrain[nearest[m]]]++;
      let best = 0;
      for (let c = 1; c < numLabels; c++) if (counts[c] > counts[best]) best = c;
      yPred[i] = best;
      // END SOLUTION
    }
    return yPred;
  }

  /** Checks the classifier is trained and returns the training labels. */
  private trained(fn: string): Int32Array {
    if (this.XTrain === null || this.yTrain === null) {
      throw new Error(`${fn}: the classifier has no training data; call train(X, y) first`);
    }
    return this.yTrain;
  }

  /** Checks X against the training data; returns both packed, and the sizes. */
  private operands(
    method: string,
    X: Tensor,
  ): [Float64Array, Float64Array, number, number, number] {
    const fn = `KNearestNeighbor.${method}`;
    this.trained(fn);
    const XTrain = this.XTrain as Tensor;
    checkTensor(fn, 'X', X, 2);
    const [numTrain, D] = XTrain.shape;
    if (X.shape[1] !== D) {
      throw new RangeError(
        `${fn}: X with ${X.shape[1]} features (shape ${formatShape(X.shape)}) does not match the training data with ${D} (shape ${formatShape(XTrain.shape)})`,
      );
    }
    checkNoNaN(fn, 'X', X);
    return [contiguousData(XTrain), contiguousData(X), numTrain, X.shape[0], D];
  }
}

/**
 * `|a[ia .. ia+D) - b[ib .. ib+D)|^2`, summed in four interleaved partial sums (so the additions
 * pipeline; the order differs from a plain left-to-right sum only in rounding).
 */
function squaredDistance(
  a: Float64Array,
  ia: number,
  b: Float64Array,
  ib: number,
  D: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 4 <= D; d += 4) {
    const e0 = a[ia + d] - b[ib + d];
    const e1 = a[ia + d + 1] - b[ib + d + 1];
    const e2 = a[ia + d + 2] - b[ib + d + 2];
    const e3 = a[ia + d + 3] - b[ib + d + 3];
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  for (; d < D; d++) {
    const e = a[ia + d] - b[ib + d];
    s0 += e * e;
  }
  return s0 + s1 + (s2 + s3);
}

/** `out[j] = |train[j] - x|` for every row j of the packed (n, D) matrix `train`. */
function distancesToRow(
  train: Float64Array,
  n: number,
  D: number,
  x: Float64Array,
  out: Float64Array,
): void {
  for (let j = 0; j < n; j++) out[j] = Math.sqrt(squaredDistance(train, j * D, x, 0, D));
}

/** Squared Euclidean norm of each row of the packed (n, D) matrix `x`. */
function rowSquaredNorms(x: Float64Array, n: number, D: number): Float64Array {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = i * D, end = d + D; d < end; d++) s += x[d] * x[d];
    norms[i] = s;
  }
  return norms;
}

/**
 * Indices of the k smallest values of `row` into `out`, nearest first; equal values keep their
 * index order (as a stable argsort). One pass with a sorted buffer of the k best so far: O(n) when
 * few values enter the buffer, as for k much smaller than n.
 */
function kSmallest(row: Float64Array, k: number, out: Int32Array): void {
  let filled = 0;
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    if (filled === k && !(v < row[out[k - 1]])) continue;
    // Insert after every kept value <= v (so equal values stay in index order).
    let pos = filled === k ? k - 1 : filled;
    while (pos > 0 && row[out[pos - 1]] > v) {
      out[pos] = out[pos - 1];
      pos--;
    }
    out[pos] = j;
    if (filled < k) filled++;
  }
}
