// vidwasm.nn: modules whose state-dict keys and reprs are PyTorch's, layers, losses, init, utils.
export { Module, parameter, copyInto, type StateDict, type LoadResult } from './module.js';
export { Conv3d, Conv2d, type ConvNdOptions } from './layers/conv.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d, LayerNorm, type BatchNormOptions, type LayerNormOptions } from './layers/norm.js';
export { Linear, Identity, Flatten } from './layers/linear.js';
export { ReLU, SiLU, Hardswish, Hardsigmoid, Sigmoid, Tanh, GELU, Softmax } from './layers/activation.js';
export { Dropout, dropout } from './layers/dropout.js';
export { MaxPool3d, MaxPool2d, AvgPool3d, AvgPool2d, AdaptiveAvgPool3d, AdaptiveAvgPool2d, type MaxPoolNdOptions, type AvgPoolNdOptions } from './layers/pool.js';
export { Sequential, ModuleList, ModuleDict } from './layers/container.js';
export { CrossEntropyLoss, BCEWithLogitsLoss, MSELoss, type CrossEntropyLossOptions, type BCEWithLogitsLossOptions } from './layers/loss.js';
export * as init from './init.js';
export * as utils from './utils.js';
export { clipGradNorm_, clipGradValue_ } from './utils.js';
