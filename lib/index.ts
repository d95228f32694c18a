/**
 * The public API: CS231n's two-layer fully-connected net exercise in TypeScript.
 * Module map (assignment file -> ours): layers.py -> layers, layer_utils.py -> layerUtils,
 * classifiers/fc_net.py -> classifiers/fcNet, gradient_check.py -> gradientCheck, optim.py -> optim,
 * solver.py -> solver, data_utils.py -> dataUtils, vis_utils.py -> visUtils. The numpy-like helpers,
 * the random generator, the notebook helpers and the compute-backend switch complete it.
 *
 * Everything else (argument checks, PNG, display transport, checkpoints, download, kernels) is
 * importable from its own module path but is not part of this API.
 */

// The assignment's modules
export {
  type NormalSampler,
  TwoLayerNet,
  type TwoLayerNetOptions,
  type TwoLayerNetParams,
} from './classifiers/fcNet';
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
export { RandomState, type RandomStateSnapshot, random } from './core/random';
export { formatShape, type Labels, type Tensor, tensor } from './core/tensor';
export {
  type CIFAR10,
  type CIFAR10Data,
  type GetCIFAR10DataOptions,
  getCIFAR10Data,
  loadCIFAR10,
} from './dataUtils';
export {
  evalNumericalGradient,
  evalNumericalGradientArray,
  gradCheckSparse,
  type IndexSampler,
  relError,
} from './gradientCheck';
// Which compute backend runs the matrix products
export { availableBackends, type BackendName, backendInfo, setBackend } from './kernels';
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
export { type AffineReluCache, affineReluBackward, affineReluForward } from './layerUtils';
export type { TrainingHistory, TuningResult } from './notebook/figures';
// The notebook's plots
export { plotTrainingHistory, showNetWeights, showTuningResults } from './notebook/helpers';
export {
  type LiveTrainingView,
  type LiveTrainingViewOptions,
  liveTrainingView,
} from './notebook/liveView';
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
} from './solver';
export { visualizeGrid } from './visUtils';
