// PyTorchVideo's model family: builders with PyTorchVideo's keyword arguments in camelCase.
export * from './factories.js';
export * from './net.js';
export * from './stem.js';
export * from './head.js';
export * from './resnet.js';
export * from './x3d.js';
export * from './layers/swish.js';
export * from './layers/squeeze_excitation.js';
export * from './layers/conv2plus1d.js';
export * from './slowfast.js';
export * from './layers/roi_align.js';
