/**
 * The `--features` path of `npm run train`: the beyond-the-course two-layer net on image features
 * (lib/imageFeatures/featureNet.ts), end to end: loading CIFAR-10, feature extraction, PCA,
 * training, validation and test accuracy. Timed from the start of loading.
 */
import {
  backendInfo,
  FEATURE_NET_CONFIG,
  type FeatureNetConfig,
  featureNetData,
  getCIFAR10Data,
  trainFeatureNet,
} from '../lib';

/** Options of {@link runFeatureNet}. */
export interface FeatureRunOptions {
  seed: number;
  /** settings that differ from FEATURE_NET_CONFIG */
  overrides?: Partial<FeatureNetConfig>;
  quiet?: boolean;
  log?: (line: string) => void;
}

/** The result line of `npm run train -- --features --json`. */
export interface FeatureRunResult {
  bestValAcc: number;
  valAcc: number;
  testAcc: number;
  seconds: number;
  backend: string;
}

/** Runs the whole pipeline once. */
export async function runFeatureNet(options: FeatureRunOptions): Promise<FeatureRunResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const start = Date.now();
  const config: FeatureNetConfig = { ...FEATURE_NET_CONFIG, ...options.overrides };
  const raw = getCIFAR10Data({ subtractMean: false });
  const { data, info } = await featureNetData(raw, config, { progress: !options.quiet });
  if (!options.quiet) {
    log(
      `features: ${info.inputDim} inputs, ${info.numTrain} training rows; extraction ${info.featureSeconds.toFixed(1)} s, PCA ${info.pcaSeconds.toFixed(1)} s`,
    );
  }
  const run = trainFeatureNet(data, config, options.seed, { verbose: !options.quiet, log });
  return {
    bestValAcc: run.solver.bestValAcc,
    valAcc: run.valAcc,
    testAcc: run.testAcc,
    seconds: (Date.now() - start) / 1000,
    backend: backendInfo().name,
  };
}

if (require.main === module) {
  const seed = Number(process.argv[2] ?? 0);
  const overrides = JSON.parse(process.argv[3] ?? '{}') as Partial<FeatureNetConfig>;
  runFeatureNet({ seed, overrides }).then(
    (r) => console.log(JSON.stringify(r)),
    (err) => {
      console.error(`trainFeatures: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
