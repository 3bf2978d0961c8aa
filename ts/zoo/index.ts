// The model zoo: checkpoint IO now; the registry of PyTorchVideo models comes with the model family.
export * from './checkpoint/index.js';
export { CheckpointError } from './errors.js';
export * from './registry.js';
export * from './kinetics400.js';
export { pretrainedWeights, weightsLocation, DownloadError, type DownloadOptions, type DownloadProgress } from './download.js';
export { AVA_ACTIONS } from './ava.js';
export { pipeline, modelInput, detectionInput, type ActionDetector, type DetectOptions, type BoxActions, type Box, type VideoClassifier, type VideoInput, type ClassifyOptions, type Prediction, type PipelineOptions } from './pipeline.js';
export { load, build, hub, hubKey, resolveBuilder, type LoadOptions, type HubLoader, type HubOptions } from './load.js';
