// pytorchvideo.data's datasets, video samplers and the DataLoader.
export * from './samplers.js';
export { LabeledVideoPaths, type LabeledVideo, type VideoSource, type VideoInfoDict } from './labeled_video_paths.js';
export {
  LabeledVideoDataset, labeledVideoDataset, mixSeed,
  type LabeledVideoDatasetOptions, type ClipDict, type ClipTransform, type DatasetSpec, type SkippedVideo,
} from './labeled_video_dataset.js';
export { clipSamplerToSpec, clipSamplerFromSpec, type ClipSamplerSpec, type SecondsData } from './clip_sampler_serialization.js';
export { Kinetics, UCF101, Ucf101, HMDB51, Hmdb51, hmdb51Paths, type LabeledDatasetArgs, type Hmdb51Args } from './kinetics.js';
export {
  Charades, CharadesDataset, SSv2, SSv2Dataset, Ava, AvaDataset, readLabelMap, readFrameList,
  uniformFrameFilter, ssv2FrameFilter, formatFixed2, AVA_VALID_FRAMES, AVA_VIDEO_START_SEC,
  type CharadesArgs, type SSv2Args, type AvaArgs,
} from './frame_lists.js';
export { DatasetFileError } from './host.js';
export { DataLoader, type DataLoaderOptions } from '../loader/data_loader.js';
export { defaultCollate, stackTensors, collateBoxes, disposeTensors, type Batch, type Collate } from '../loader/collate.js';
export { ClipListDataset, loadManifestVideos, type ManifestVideo, type VideoClipInfo, type VideoDatasetType } from './manifest.js';
export {
  EpicKitchenRecognition, EpicKitchenRecognitionDataset, EpicKitchenForecasting, EpicKitchenForecastingDataset, ActionData,
  readActions, hmsToSeconds, type EpicKitchenRecognitionArgs, type EpicKitchenForecastingArgs,
} from './epic_kitchen.js';
export {
  DomsevVideoDataset, DomsevVideoDatasetImpl, DomsevFrameDataset, DomsevFrameDatasetImpl, readDomsevLabels,
  type DomsevLabel, type DomsevClipSampler, type DomsevVideoArgs, type DomsevFrameArgs,
} from './domsev.js';
export { isIterableDataset, isMapDataset, type IterableVideoDataset, type MapVideoDataset, type LoaderDataset } from './contracts.js';
export {
  Ego4dMomentsDataset, ego4dMomentSamples, ego4dAudioFeatures, readLabelIdMap,
  type Ego4dMomentsDatasetOptions, type Ego4dMomentSample, type Ego4dAudioTransformType,
} from './ego4d.js';
