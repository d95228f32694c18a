/**
 * The public API: CS231n's two-layer fully-connected net exercise in TypeScript.
 * Module map (assignment file -> ours): layers.py -> layers, layer_utils.py -> layerUtils,
 * classifiers/fc_net.py -> classifiers/fcNet, gradient_check.py -> gradientCheck, optim.py -> optim,
 * solver.py -> solver, data_utils.py -> dataUtils, vis_utils.py -> visUtils.
 */

export * from './checkpoint';
export * from './classifiers/fcNet';
export * from './dataUtils';
export * from './download';
export * from './gradientCheck';
export * from './kernels';
export * from './layers';
export * from './layerUtils';
export * from './numpy';
export * from './optim';
export * from './plots';
export * from './png';
export * from './random';
export * from './solver';
export * from './tensor';
export * from './visUtils';
