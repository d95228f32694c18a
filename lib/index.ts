/**
 * The public API: CS231n's two-layer fully-connected net exercise in TypeScript.
 * Module map (assignment file -> ours): layers.py -> layers, layer_utils.py -> layerUtils,
 * classifiers/fc_net.py -> classifiers/fcNet, gradient_check.py -> gradientCheck, optim.py -> optim,
 * solver.py -> solver, data_utils.py -> dataUtils, vis_utils.py -> visUtils.
 */

export * from './classifiers/fcNet';
export * from './core/numpy';
export * from './core/random';
export * from './core/tensor';
export * from './dataUtils';
export * from './gradientCheck';
export * from './io/checkpoint';
export * from './io/download';
export * from './kernels';
export * from './layers';
export * from './layerUtils';
export * from './notebook/display';
export * from './notebook/figures';
export * from './notebook/helpers';
export * from './notebook/liveView';
export * from './notebook/png';
export * from './notebook/weightsFigure';
export * from './optim';
export * from './solver';
export * from './visUtils';
