// PyTorchVideo's model family: builders with PyTorchVideo's keyword arguments in camelCase.
export * from './factories.js';
export * from './net.js';
export * from './stem.js';
export * from './head.js';
export * from './resnet.js';
