// vidwasm.accelerator (PyTorchVideo/Accelerator): efficient blocks per target device, their
// deploy form, and the transmuter that rewrites plain models into efficient blocks.
export { EfficientBlockBase, NoOpConvertBlock } from './efficient_blocks.js';
export { ConversionError, QuantizationError } from './errors.js';
export { convertToDeployableForm } from './deployment/model_conversion.js';
export { transmuteModel, EFFICIENT_BLOCK_TRANSMUTER_REGISTRY, type TransmuteReport } from './deployment/model_transmuter.js';
export { cloneModule } from './deployment/clone_module.js';
export * as mobileCpu from './mobile_cpu/index.js';
export { EfficientX3d, createEfficientX3d } from './mobile_cpu/index.js';
export { compile, CompileError, Plan, loadPlan, PlanError, type CompileOptions, type PlanData, type PlanCall } from './compile/index.js';
export * as device from './device/index.js';
export { deviceProfile, chooseKernel, KernelChoiceCache, TimeBudget, type DeviceProfile, type KernelCall } from './device/index.js';
export * from './quantization/index.js';
