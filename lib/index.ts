/**
 * The public API: CS231n's assignment 1 in TypeScript (kNN, SVM, Softmax, two-layer net) and the
 * first part of assignment 2 (fully-connected nets, batch/layer normalization, dropout).
 * Module map (assignment file -> ours): layers.py -> layers/ (affine, relu, losses, normalization,
 * dropout), layer_utils.py -> layerUtils,
 * classifiers/fc_net.py -> classifiers/fcNet, classifiers/k_nearest_neighbor.py ->
 * classifiers/kNearestNeighbor, classifiers/linear_svm.py -> classifiers/linearSvm,
 * classifiers/softmax.py -> classifiers/softmax, classifiers/linear_classifier.py ->
 * classifiers/linearClassifier, gradient_check.py -> gradientCheck, optim.py -> optim,
 * solver.py -> solver, data_utils.py -> dataUtils, vis_utils.py -> visUtils. The numpy-like helpers,
 * the random generator, the notebook helpers and the compute-backend switch complete it.
 *
 * Everything else (argument checks, PNG, display transport, checkpoints, download, kernels) is
 * importable from its own module path but is not part of this API.
 */

// Which compute backend runs the matrix products
export { availableBackends, type BackendName, backendInfo, setBackend } from './backends';
// The assignment's modules
export {
  type ShapedNormalSampler,
  ThreeLayerConvNet,
  type ThreeLayerConvNetOptions,
  type ThreeLayerConvNetParams,
} from './classifiers/cnn';
export {
  FullyConnectedNet,
  type FullyConnectedNetOptions,
  type Normalization,
  type NormalSampler,
  TwoLayerNet,
  type TwoLayerNetOptions,
  type TwoLayerNetParams,
} from './classifiers/fcNet';
export { KNearestNeighbor } from './classifiers/kNearestNeighbor';
export {
  LinearClassifier,
  LinearSVM,
  type LinearTrainOptions,
  Softmax,
} from './classifiers/linearClassifier';
export { svmLossNaive, svmLossVectorized } from './classifiers/linearSvm';
export { softmaxLossNaive, softmaxLossVectorized } from './classifiers/softmax';
// What the student version's stubs throw (npm run assignment)
export { isNotImplementedError, NotImplementedError } from './core/notImplemented';
// numpy's part: tensors, the few array helpers the notebook uses, np.random
export {
  abs,
  accuracy,
  add,
  argmax,
  array,
  linspace,
  max,
  mean,
  mul,
  prod,
  reshape,
  std,
  sub,
  sum,
  takeLabels,
  takeRows,
  zeros,
} from './core/numpy';
// Beyond the course: PCA and the two-layer net on image features
export { type PcaOptions, type PcaResult, pca, pcaProject } from './core/pca';
export { RandomState, type RandomStateSnapshot, random } from './core/random';
export { formatShape, type Labels, type Tensor, tensor } from './core/tensor';
export {
  appendBiasColumn,
  type CIFAR10Images,
  type CIFAR10LinearData,
  flattenRows,
  type GetCIFAR10LinearDataOptions,
  getCIFAR10LinearData,
  type LoadCIFAR10ImagesOptions,
  loadCIFAR10Images,
  meanRows,
  sliceLabels,
  sliceRows,
  subtractRowInPlace,
} from './data/splits';
export {
  type CIFAR10,
  type CIFAR10Data,
  type GetCIFAR10DataOptions,
  getCIFAR10Data,
  loadCIFAR10,
} from './dataUtils';
// fast_layers.py: the fast convolution and max pooling (given, not an exercise)
export {
  type ConvFastCache,
  convBackwardFast,
  convForwardFast,
  type MaxPoolFastCache,
  maxPoolBackwardFast,
  maxPoolForwardFast,
} from './fastLayers';
// features.py and the features notebook
export {
  colorHistogramHsv,
  type ExtractFeaturesOptions,
  extractFeatures,
  extractFeaturesSync,
  type FeatureFn,
  type FeatureSpec,
  hogFeature,
  rgb2gray,
} from './features';
export {
  evalNumericalGradient,
  evalNumericalGradientArray,
  gradCheckSparse,
  type IndexSampler,
  relError,
} from './gradientCheck';
export {
  FEATURE_NET_CONFIG,
  type FeatureNetConfig,
  type FeatureNetDataInfo,
  type FeatureNetRun,
  featureNetData,
  trainFeatureNet,
} from './imageFeatures/featureNet';
export {
  type MisclassifiedGrid,
  misclassifiedGrid,
  showMisclassified,
} from './imageFeatures/mistakes';
export {
  appendOnesColumn,
  columnMeanStd,
  dropLastColumn,
  standardize,
} from './imageFeatures/preprocess';
export { resizeImages } from './imageFeatures/resize';
export {
  type AffineCache,
  affineBackward,
  affineForward,
  type BackwardOptions,
  type ReluCache,
  reluBackward,
  reluForward,
  softmaxLoss,
  svmLoss,
} from './layers';
export {
  type ConvCache,
  type ConvParam,
  convBackwardNaive,
  convForwardNaive,
} from './layers/convolution';
export {
  type DropoutCache,
  type DropoutParam,
  dropoutBackward,
  dropoutForward,
} from './layers/dropout';

export {
  type BatchnormParam,
  batchnormBackward,
  batchnormBackwardAlt,
  batchnormForward,
  type LayernormParam,
  layernormBackward,
  layernormForward,
  type NormCache,
} from './layers/normalization';
export {
  maxPoolBackwardNaive,
  maxPoolForwardNaive,
  type PoolCache,
  type PoolParam,
} from './layers/pooling';
export {
  type GroupnormParam,
  type SpatialBatchnormCache,
  type SpatialGroupnormCache,
  spatialBatchnormBackward,
  spatialBatchnormForward,
  spatialGroupnormBackward,
  spatialGroupnormForward,
} from './layers/spatialNormalization';
export {
  type AffineNormReluCache,
  type AffineReluCache,
  affineBatchnormReluBackward,
  affineBatchnormReluForward,
  affineLayernormReluBackward,
  affineLayernormReluForward,
  affineReluBackward,
  affineReluForward,
  type ConvReluCache,
  type ConvReluPoolCache,
  convReluBackward,
  convReluForward,
  convReluPoolBackward,
  convReluPoolForward,
} from './layerUtils';
// The kNN, SVM and Softmax notebooks' pictures and charts
export {
  plotLossCurve,
  type SearchResult,
  showCrossValidation,
  showHyperparameterSearch,
} from './notebook/classifierCharts';
export {
  sampleClassIndices,
  showClassSamples,
  showClassTemplates,
  showDistanceMatrix,
  showImage,
} from './notebook/classifierImages';
// The notebook's plots
export {
  type ComparisonPanel,
  type LabelledRun,
  plotRunComparison,
  type RunComparisonOptions,
} from './notebook/comparisonChart';
export type { TrainingHistory, TuningResult } from './notebook/figures';
export { plotTrainingHistory, showNetWeights, showTuningResults } from './notebook/helpers';
export {
  type ImageRowsGrid,
  type ImageRowsOptions,
  imageRowsGrid,
  showImageRows,
} from './notebook/imageRows';
export {
  type LiveTrainingView,
  type LiveTrainingViewOptions,
  liveTrainingView,
} from './notebook/liveView';
export {
  plotSweep,
  type SweepOptions,
  type SweepPanel,
  type SweepSeries,
} from './notebook/sweepChart';
export {
  adam,
  type OptimConfig,
  rmsprop,
  sgd,
  sgdMomentum,
  type UpdateRule,
  updateRules,
} from './optim';
export {
  type EpochProgress,
  type IterationProgress,
  Solver,
  type SolverData,
  type SolverModel,
  type SolverOptions,
  type TrainEnd,
} from './solver';
// The kNN, SVM and Softmax notebooks' data steps and cross-validation folds
export { arraySplit, type Fold, foldSplit, meanStd } from './training/crossValidation';
export { visualizeGrid } from './visUtils';
