// The Kinetics eval transform of the data-pipeline benchmark (bench/data_pipeline.ts), in its own
// module so DataLoader workers can import it (transformModule): subsample 8 frames, u8 -> f32,
// normalise, short side 256, center crop 224 (PyTorchVideo's Kinetics eval order). It lives in a
// subfolder so the bench harness does not take it for a suite. `timedTransform` also adds the
// CPU time it spends to `transformCpu` (one thread: used by the inline run only).
import * as T from '../../ts/data/transforms/index.js';
import type { ClipDict } from '../../ts/data/datasets/labeled_video_dataset.js';

export const transform = T.ApplyTransformToKey('video', T.Compose([
  T.UniformTemporalSubsample(8), T.ConvertUint8ToFloat(), T.Normalize([0.45, 0.45, 0.45], [0.225, 0.225, 0.225]),
  T.ShortSideScale(256), T.CenterCrop(224)]));

export const transformCpu = { ms: 0, calls: 0 };

export function timedTransform(c: ClipDict): ClipDict {
  const c0 = process.cpuUsage();
  const r = transform(c);
  const d = process.cpuUsage(c0);
  transformCpu.ms += (d.user + d.system) / 1000;
  transformCpu.calls++;
  return r;
}
