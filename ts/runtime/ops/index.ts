// The functional ops (torch.nn.functional style). Each family lives in its own file.
export * from './elementwise.js';
export * from './reduce.js';
export * from './shape.js';
export * from './slicing.js';
export * from './linalg.js';
export * from './conv.js';
export * from './pool.js';
export * from './norm.js';
export * from './softmax.js';
export * from './loss.js';
export * from './interp.js';
export * from './roi.js';
export * from './quant.js';
export * from './quant_conv.js';
// Installs the method forms (x.add(y), x.sum(), ...) on Tensor, which imports no op.
import './methods.js';
