// pytorchvideo create_video_transform: the factory-default train / val video pipelines.
//   train: [UniformTemporalSubsample] -> [RandAugment | AugMix] -> [ConvertUint8ToFloat] -> Normalize
//          -> RandomResizedCrop | (RandomShortSideScale -> RandomCrop -> RandomHorizontalFlip)
//   val:   [UniformTemporalSubsample] -> [ConvertUint8ToFloat] -> Normalize -> ShortSideScale -> CenterCrop
import { ArgumentError } from '../../runtime/errors.js';
import { AugMix, RandAugment, type AugMixOptions, type RandAugmentOptions } from './randaug.js';
import {
  ApplyTransformToKey, CenterCrop, Compose, ConvertUint8ToFloat, Normalize, RandomCrop, RandomHorizontalFlip,
  Permute, RandomResizedCrop, RandomShortSideScale, RemoveKey, ShortSideScale, UniformTemporalSubsample, type Transform,
} from './transforms.js';

export interface VideoTransformOptions {
  videoKey?: string | null;
  removeKey?: string[] | null;
  numSamples?: number | null;
  convertToFloat?: boolean;
  videoMean?: readonly number[];
  videoStd?: readonly number[];
  minSize?: number;
  maxSize?: number;
  cropSize?: number | readonly [number, number];
  horizontalFlipProb?: number;
  /** 'default' (none), 'randaug' (RandAugment) or 'augmix' (AugMix), train mode only, on the u8 frames. */
  augType?: 'default' | 'randaug' | 'augmix';
  augParas?: (RandAugmentOptions & AugMixOptions) | null;
  /** Inception-style crop instead of short-side scale + crop in train mode (pytorchvideo's random_resized_crop_paras). */
  randomResizedCropParas?: { scale?: [number, number]; aspectRatio?: [number, number]; shift?: boolean; logUniformRatio?: boolean; numTries?: number } | null;
}

export function createVideoTransform(mode: 'train' | 'val', opts: VideoTransformOptions = {}): Transform {
  if (mode !== 'train' && mode !== 'val') throw new ArgumentError(`createVideoTransform: mode must be 'train' or 'val', got '${String(mode)}'`);
  const numSamples = opts.numSamples === undefined ? 8 : opts.numSamples;
  const convertToFloat = opts.convertToFloat ?? true;
  const mean = opts.videoMean ?? [0.45, 0.45, 0.45], std = opts.videoStd ?? [0.225, 0.225, 0.225];
  const minSize = opts.minSize ?? 256, maxSize = opts.maxSize ?? 320;
  const cropSize = opts.cropSize ?? 224, flipProb = opts.horizontalFlipProb ?? 0.5;
  const [ch, cw] = typeof cropSize === 'number' ? [cropSize, cropSize] : cropSize;
  if (Math.max(ch, cw) > minSize) throw new ArgumentError(`createVideoTransform: cropSize ${JSON.stringify(cropSize)} must be <= minSize ${minSize}`);
  if (!opts.videoKey && opts.removeKey) throw new ArgumentError('createVideoTransform: removeKey needs a videoKey');
  const augType = opts.augType ?? 'default';
  if (augType === 'default' && opts.augParas) throw new ArgumentError("createVideoTransform: augParas must be null for augType 'default'");
  if (!['default', 'randaug', 'augmix'].includes(augType)) throw new ArgumentError(`createVideoTransform: augType must be 'default', 'randaug' or 'augmix', got '${augType}'`);
  const steps: Transform[] = [];
  if (numSamples !== null) steps.push(UniformTemporalSubsample(numSamples));
  if (mode === 'train' && augType !== 'default') {
    // RandAugment / AugMix work on [T, C, H, W]
    const aug = augType === 'randaug' ? RandAugment(opts.augParas ?? {}) : AugMix(opts.augParas ?? {});
    steps.push(Permute([1, 0, 2, 3]), aug, Permute([1, 0, 2, 3]));
  }
  if (convertToFloat) steps.push(ConvertUint8ToFloat());
  steps.push(Normalize(mean, std));
  if (mode === 'train') {
    const rrc = opts.randomResizedCropParas;
    if (rrc) {
      // as in pytorchvideo, the Inception-style crop replaces scale + crop + flip
      steps.push(RandomResizedCrop(ch, cw, rrc.scale ?? [0.08, 1.0], rrc.aspectRatio ?? [3 / 4, 4 / 3], rrc.shift ?? false, rrc.logUniformRatio ?? true, 'bilinear', rrc.numTries ?? 10));
    } else {
      steps.push(RandomShortSideScale(minSize, maxSize), RandomCrop([ch, cw]), RandomHorizontalFlip(flipProb));
    }
  } else {
    steps.push(ShortSideScale(minSize), CenterCrop([ch, cw]));
  }
  const video = Compose(steps);
  if (!opts.videoKey) return video;
  return Compose([ApplyTransformToKey(opts.videoKey, video), ...(opts.removeKey ?? []).map((k) => RemoveKey(k))]);
}
