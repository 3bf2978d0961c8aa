// The clip transform of the Web Worker loader test, written once: the page builds it from its
// own transforms (numWorkers 0) and the worker bundle exports it (numWorkers 2). Random steps
// (scale, crop, flip) make the result depend on the loader's per-clip seeds.
import type * as Transforms from '../../ts/data/transforms/index.js';

export function chain(T: typeof Transforms) {
  return T.ApplyTransformToKey('video', T.Compose([
    T.UniformTemporalSubsample(4), T.ConvertUint8ToFloat(), T.Normalize([0.45, 0.45, 0.45], [0.225, 0.225, 0.225]),
    T.RandomShortSideScale(64, 80), T.RandomCrop(56), T.RandomHorizontalFlip(0.5)]));
}
