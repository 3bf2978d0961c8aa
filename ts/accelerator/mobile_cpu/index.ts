// The mobile_cpu efficient block library (pytorchvideo.layers/models.accelerator.mobile_cpu).
export { supportedActFunctions, ReLU, Swish, HardSwish, Identity, type ActivationName } from './activation_functions.js';
export {
  Conv3dPwBnAct, Conv3d3x3x3DwBnAct, Conv3dTemporalKernel1BnAct, Conv3d3x1x1BnAct, Conv3d5x1x1BnAct,
  type ConvBnActOptions, type TemporalKernel1Options,
} from './convolutions.js';
export { SqueezeExcitation } from './attention.js';
export { AdaptiveAvgPool3dOutSize1, AdaptiveAvgPool2dOutSize1, AdaptiveAvgPool3d, AdaptiveAvgPool2d } from './pool.js';
export { FullyConnected } from './fully_connected.js';
export { X3dBottleneckBlock, type X3dBottleneckBlockOptions } from './residual_blocks.js';
export { EfficientX3d, createEfficientX3d, type EfficientX3dOptions, type X3dExpansion } from './efficient_x3d.js';
export { foldBatchNorm, _PointwiseGemm, _Reshape, _SkipConnectMul } from './conv_helper.js';
export { EFFICIENT_BLOCK_TRANSMUTER_MOBILE_CPU, type Transmuter } from './transmuter.js';
