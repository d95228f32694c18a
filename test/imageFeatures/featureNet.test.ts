/**
 * The beyond-the-course pipeline (lib/imageFeatures/featureNet.ts) and the notebook's
 * preprocessing helpers, on small synthetic images.
 */
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { RandomState } from '../../lib/core/random';
import { type Tensor, tensor } from '../../lib/core/tensor';
import type { CIFAR10Data } from '../../lib/dataUtils';
import { extractFeaturesSync, hogFeature } from '../../lib/features';
import {
  FEATURE_NET_CONFIG,
  featureNetData,
  trainFeatureNet,
} from '../../lib/imageFeatures/featureNet';
import { misclassifiedGrid } from '../../lib/imageFeatures/mistakes';
import {
  appendOnesColumn,
  columnMeanStd,
  dropLastColumn,
  standardize,
} from '../../lib/imageFeatures/preprocess';

/** n random channels-first images (values 0..255, integers) and labels. */
function split(rng: RandomState, n: number): [Tensor, ndarray.NdArray<Int32Array>] {
  const x = tensor([n, 3, 32, 32]);
  for (let i = 0; i < x.data.length; i++) x.data[i] = Math.floor(rng.rand() * 256);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = i % 10;
  return [x, ndarray(y, [n])];
}

function fakeData(): CIFAR10Data {
  const rng = new RandomState(5);
  const [X_train, y_train] = split(rng, 60);
  const [X_val, y_val] = split(rng, 20);
  const [X_test, y_test] = split(rng, 20);
  return { X_train, y_train, X_val, y_val, X_test, y_test };
}

describe('featureNetData', () => {
  it('builds standardised feature + PCA inputs, the mirrored images after the originals', async () => {
    const raw = fakeData();
    const config = { ...FEATURE_NET_CONFIG, pcaComponents: 6, pcaSamples: 60, flips: true };
    const { data, info } = await featureNetData(raw, config, { progress: false, workers: 2 });
    const featureDim = 144 + 10 + 8 * 8 * 9;
    expect(info.inputDim).toBe(featureDim + 6);
    expect(data.X_train.shape).toEqual([120, featureDim + 6]);
    expect(data.X_val.shape).toEqual([20, featureDim + 6]);
    expect(Array.from(data.y_train.data.subarray(60))).toEqual(Array.from(raw.y_train.data));
    // Column 0 (the first HOG value) of the mirrored rows: the standardised HOG of the mirrored image.
    const mirrored = raw.X_train.transpose(0, 2, 3, 1).step(1, 1, -1, 1) as Tensor;
    const original = raw.X_train.transpose(0, 2, 3, 1) as Tensor;
    const hogM = extractFeaturesSync(mirrored, [hogFeature], { progress: false });
    const hogO = extractFeaturesSync(original, [hogFeature], { progress: false });
    const col = (t: Tensor, j: number) => Array.from({ length: t.shape[0] }, (_, i) => t.get(i, j));
    const { mean, std } = columnMeanStd(hogO);
    const want = col(standardize(hogM, mean, std), 0);
    const got = col(data.X_train, 0).slice(60);
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i], 10);
    });
    // Training rows (unmirrored) have mean 0 in every feature column.
    const { mean: m0 } = columnMeanStd(
      tensor([60, info.inputDim], data.X_train.data.slice(0, 60 * info.inputDim)),
    );
    for (let j = 0; j < featureDim; j++) expect(Math.abs(m0.get(0, j))).toBeLessThan(1e-9);
  }, 120_000);

  it('trains the two-layer net on them and reports accuracies', async () => {
    const raw = fakeData();
    const config = {
      ...FEATURE_NET_CONFIG,
      pcaComponents: 4,
      pcaSamples: 60,
      hiddenDim: 20,
      numEpochs: 2,
      batchSize: 20,
    };
    const { data } = await featureNetData(raw, config, { progress: false });
    const run = trainFeatureNet(data, config, 0, { verbose: false });
    expect(run.solver.valAccHistory.length).toBeGreaterThan(0);
    expect(run.valAcc).toBeGreaterThanOrEqual(0);
    expect(run.testAcc).toBeLessThanOrEqual(1);
    expect(run.model.params.W1.shape).toEqual([data.X_train.shape[1], 20]);
  }, 120_000);
});

describe('preprocessing helpers', () => {
  const X = tensor([3, 2], Float64Array.from([1, 5, 2, 5, 6, 5]));

  it('columnMeanStd / standardize as numpy (population std); constant columns stay 0', () => {
    const { mean, std } = columnMeanStd(X);
    expect(Array.from(mean.data)).toEqual([3, 5]);
    expect(std.get(0, 0)).toBeCloseTo(Math.sqrt(14 / 3), 14);
    const Z = standardize(X, mean, std);
    expect(Z.get(0, 0)).toBeCloseTo(-2 / Math.sqrt(14 / 3), 14);
    expect([Z.get(0, 1), Z.get(1, 1), Z.get(2, 1)]).toEqual([0, 0, 0]);
    expect(() => standardize(X, tensor([1, 3]), std)).toThrow(/standardize: X has 2 columns/);
  });

  it('appendOnesColumn and dropLastColumn undo each other', () => {
    const B = appendOnesColumn(X);
    expect(B.shape).toEqual([3, 3]);
    expect([B.get(0, 2), B.get(2, 2), B.get(1, 0)]).toEqual([1, 1, 2]);
    expect(Array.from(dropLastColumn(B).data)).toEqual(Array.from(X.data));
  });
});

describe('misclassifiedGrid', () => {
  it('puts images predicted as c but labelled otherwise in column c', () => {
    const n = 6;
    const images = tensor([n, 2, 2, 3]);
    for (let i = 0; i < n; i++) images.data.fill(10 * (i + 1), i * 12, i * 12 + 12);
    const yTrue = [0, 1, 1, 2, 0, 2];
    const yPred = [1, 1, 0, 0, 1, 2];
    const { grid, picked } = misclassifiedGrid(images, yTrue, yPred, 3, 2, new RandomState(0), 1);
    expect(picked[0].sort()).toEqual([2, 3]);
    expect(picked[1].sort()).toEqual([0, 4]);
    expect(picked[2]).toEqual([]);
    expect(grid.shape).toEqual([5, 8, 3]);
    // column 0 holds images 2 and 3 (values 30 and 40) in a random order
    expect([grid.get(0, 0, 0), grid.get(3, 0, 0)].sort()).toEqual([30, 40]);
    expect(grid.get(0, 6, 0)).toBe(0); // column 2 is empty
    expect(() => misclassifiedGrid(images, [0], yPred, 3)).toThrow(/misclassifiedGrid: 6 images/);
  });
});
