// Device profile and per-call kernel choice (issue 13 item 6): see profile.ts and choose.ts.
export { deviceProfile, engineName, type DeviceProfile } from './profile.js';
export {
  chooseKernel, chooseKernelDetailed, describeChoice, callSignature, candidateVariants, KernelChoiceCache, TimeBudget,
  type KernelCall, type KernelChoice, type ChoiceTable, type ChooseOptions,
} from './choose.js';
export { loadChoiceCache, saveChoiceCache } from './cache_file.js';
export { representativeCalls, sampleConv3d, sampleGemm, sampleQs8Gemm, type SampleCall } from './sample_calls.js';
