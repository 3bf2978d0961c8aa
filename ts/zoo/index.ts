// The model zoo: checkpoint IO now; the registry of PyTorchVideo models comes with the model family.
export * from './checkpoint/index.js';
export { CheckpointError } from './errors.js';
export * from './registry.js';
export * from './kinetics400.js';
export { pretrainedWeights, weightsLocation, DownloadError, type DownloadOptions, type DownloadProgress } from './download.js';
export { AVA_ACTIONS } from './ava.js';
export { pipeline, modelInput, detectionInput, videoClassifier, type ClipRecipe, type Task, type ActionDetector, type DetectOptions, type BoxActions, type Box, type VideoClassifier, type VideoInput, type ClassifyOptions, type Prediction, type PipelineOptions } from './pipeline.js';
export { audioInput, AUDIO_RECIPE, AUDIO_MODELS, type AudioClassifier, type AudioInput, type AudioRecipe, type AudioPipelineOptions } from './audio_pipeline.js';
export { load, build, hub, hubKey, resolveBuilder, type LoadOptions, type HubLoader, type HubOptions } from './load.js';
