// The runtime's public surface.
export { Tensor, type Layout, type Shape } from './tensor.js';
export type { DType } from './dtype.js';
export * as ops from './ops/index.js';
export { tidy, keep, memoryStats, setDebug, isDebug } from './memory.js';
export { noGrad, isGradEnabled, gradRules } from './autograd.js';
export { manualSeed } from './random.js';
export {
  type KernelBackend, type IsaFlavour, features, setBackend, getBackend, setIsa, getIsa, kernelNames, memoryBytes, viewsSurviveGrowth, initFromModule, initFromModuleAsync, isReady,
} from './wasm.js';
// Relaxed SIMD (vidwasm-relaxed.wasm) and kernel variants, for ops and for per-call choice (accelerator/device).
export {
  type KernelVariant, type RelaxedPolicy, hasRelaxed, setRelaxedPolicy, getRelaxedPolicy, kernelVariants, boundVariant,
} from './wasm.js';
export { adoptRelaxed, relaxedNotes } from './relaxed.js';
export * from './errors.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export { setNumThreads, getNumThreads, threadsAvailable, type ThreadOptions } from './threads/index.js';
