// The pytorchvideo.transforms.functional namespace, camelCased: gathered here from the files that
// implement it (functional_video.ts: the video functions; boxes, mix, augmentations).
export {
  uniformTemporalSubsample, uniformTemporalSubsampleRepeated, shortSideScale, uniformCrop, randomResizedCrop,
  convertUint8ToFloat, div255, normalize, uint8Normalize, centerCrop, randomCrop, horizontalFlip, crop, resizeVideo,
  selectFrames, shortSideScaleCenterCrop, randomShortSideScaleRandomCrop, linspaceF32, uniformTemporalIndices, getParamSpatialCrop, shortSideSize,
} from './functional_video.js';
export {
  shortSideScaleWithBoxes, randomShortSideScaleWithBoxes, randomCropWithBoxes, uniformCropWithBoxes,
  horizontalFlipWithBoxes, clipBoxesToImage, cropBoxes,
} from './boxes.js';
export { convertToOneHot, mixLabels, mixupInPlace, sampleBeta, sampleGamma } from './mix.js';
export {
  adjustBrightness, adjustContrast, adjustSaturation, adjustSharpness, autocontrast, equalize, invert, posterize,
  solarize, affine, rotate, shearX, shearY, translateX, translateY,
} from './augmentations.js';
