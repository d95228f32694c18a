/**
 * The beyond-the-course pipeline (lib/imageFeatures/featureNet.ts), on small synthetic images.
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
import { columnMeanStd, standardize } from '../../lib/imageFeatures/preprocess';

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
