// vidwasm.train: the supervised training loop and its parts (batches, schedules, metrics,
// checkpoints, JSON-lines log, SVG plots), multi-view evaluation, SSL and detection recipes. The
// Trainer's MixUp/CutMix are ts/data/transforms/mix.ts's.
export { Trainer, type TrainerOptions, type Progress, type FitOptions, type FitResult, type LossName, type LossFn, type StepOutput } from './trainer.js';
export type { MixupOptions } from '../data/transforms/mix.js';
export { evaluateModel, type EvalOptions, type EvalResult } from './evaluate.js';
export { makeSchedule, lrAt, type ScheduleOptions, type ScheduleName, type LrSchedule } from './schedule.js';
export { topkAccuracy, topkRow, averagePrecision, meanAveragePrecision, confusionMatrix, oneHot } from './metrics.js';
export { labelTensor, needsClassCount, disposeBatch, type Batch, type Loader } from './batch.js';
export { saveTrainingState, loadTrainingState, serializeTrainingState, getRngState, setRngState, type TrainingState } from './checkpoint.js';
export { RunLog, type LogRecord, type StepRecord, type EpochRecord } from './log.js';
export { chartsSvg, confusionSvg, niceTicks, type Panel, type Series } from './svg.js';
export { sslViewTransform, viewsOf, byolMomentum, sslStep, createSslTrainer, withEmptyLabels, LinearProbe, linearProbe, type SslMethod, type ClipTransform, type ViewTransformOptions, type SslStepOptions, type SslTrainerOptions, type LinearProbeOptions } from './ssl.js';
export { boxIou, vocAveragePrecision, frameMAP, boxTargets, boxLogits, modelBoxes, type BoxUnits, checkLogitHead, detectionStep, createDetectionTrainer, evaluateDetection, type Box, type Detection, type GroundTruth, type DetectionStepOptions, type DetectionTrainerOptions, type DetectionEvalOptions, type DetectionEvalResult } from './detection.js';
