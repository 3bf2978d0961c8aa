// vidwasm pixel kernels (AssemblyScript -> pixels.wasm). The module imports the C module's
// memory (env.memory): every pointer is a byte offset of a vidwasm Tensor or of scratch that the
// TS side malloc'd, so kernels write straight into tensors. No runtime allocation happens here
// and the module carries no data segment (it would land in the C module's memory).
// Each kernel `foo` has a scalar twin `foo_scalar` (plain loops) for SIMD-vs-scalar tests.
export * from './resize';
export * from './copy';
export * from './convert';
export * from './yuv';
