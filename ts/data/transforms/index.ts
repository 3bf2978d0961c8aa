// vidwasm transforms: pytorchvideo.transforms (class forms as factories) and, under
// `functional`, pytorchvideo.transforms.functional with camelCased names.
export * from './transforms.js';
export { MixUp, CutMix, MixVideo, convertToOneHot, type MixOptions } from './mix.js';
export { RandAugment, AugMix, AugmentTransform, type RandAugmentOptions, type AugMixOptions, type AugmentTransformOptions } from './randaug.js';
export { createVideoTransform, type VideoTransformOptions } from './factory.js';
export type { Interpolation, Backend } from './functional_video.js';
export * as functional from './functional.js';
export { LogMelSpectrogram, Spectrogram, MelSpectrogram, MFCC } from '../audio.js';
export { ResampleImu, NormalizeImu } from '../imu.js';
export {
  flowHorizontalFlip, flowResize, flowShortSideScale, flowRandomResizedCrop, FlowHorizontalFlip, FlowRandomHorizontalFlip,
  FlowShortSideScale, FlowRandomShortSideScale, FlowRandomResizedCrop, createFlowTransform, type FlowTransformOptions,
} from './flow.js';
