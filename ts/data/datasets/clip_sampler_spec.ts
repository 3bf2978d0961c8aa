// Clip samplers as plain data, so a loader worker can rebuild the dataset's sampler; and
// PyTorchVideo's TimeStampClipSampler (AVA: one clip centred on an annotated key frame).
import { ArgumentError } from '../../runtime/errors.js';
import {
  ClipSampler, ConstantClipsPerVideoSampler, RandomClipSampler, RandomMultiClipSampler,
  RandomMultiClipSamplerTruncateFromStart, UniformClipSampler, UniformClipSamplerTruncateFromStart,
  type ClipInfo,
} from '../clip_sampling.js';

/** A clip of the wrapped sampler's duration centred on annotation.clip_index (seconds). */
export class TimeStampClipSampler extends ClipSampler {
  constructor(readonly clipSampler: ClipSampler) { super(clipSampler.clipDuration); }
  call(_last: number, _duration: number, annotation?: unknown): ClipInfo {
    const center = Number((annotation as { clip_index?: unknown } | undefined)?.clip_index);
    if (!Number.isFinite(center)) throw new ArgumentError('TimeStampClipSampler: the annotation has no numeric clip_index (key frame second)');
    const start = center - this.clipSampler.clipDuration / 2.0;
    return { clipStart: start, clipEnd: start + this.clipSampler.clipDuration, clipIndex: 0, augIndex: 0, isLastClip: true };
  }
}

export type ClipSamplerSpec =
  | { type: 'uniform'; clipDuration: number; stride: number; backpadLast: boolean; eps: number; truncationDuration?: number | null }
  | { type: 'random'; clipDuration: number }
  | { type: 'random_multi'; clipDuration: number; numClips: number; truncationDuration?: number | null }
  | { type: 'constant_clips_per_video'; clipDuration: number; clipsPerVideo: number; augsPerClip: number }
  | { type: 'timestamp'; inner: ClipSamplerSpec | { type: 'any'; clipDuration: number } };

/** The sampler as data; null for a user's own sampler class (it cannot cross to a worker). */
export function clipSamplerToSpec(s: ClipSampler): ClipSamplerSpec | null {
  if (s instanceof TimeStampClipSampler) {
    return { type: 'timestamp', inner: clipSamplerToSpec(s.clipSampler) ?? { type: 'any', clipDuration: s.clipDuration } };
  }
  if (s instanceof UniformClipSamplerTruncateFromStart) return { type: 'uniform', clipDuration: s.clipDuration, stride: s.stride, backpadLast: s.backpadLast, eps: s.eps, truncationDuration: s.truncationDuration };
  if (s instanceof UniformClipSampler) return { type: 'uniform', clipDuration: s.clipDuration, stride: s.stride, backpadLast: s.backpadLast, eps: s.eps };
  if (s instanceof RandomMultiClipSamplerTruncateFromStart) return { type: 'random_multi', clipDuration: s.clipDuration, numClips: s.numClips, truncationDuration: s.truncationDuration };
  if (s instanceof RandomMultiClipSampler) return { type: 'random_multi', clipDuration: s.clipDuration, numClips: s.numClips };
  if (s instanceof RandomClipSampler) return { type: 'random', clipDuration: s.clipDuration };
  if (s instanceof ConstantClipsPerVideoSampler) return { type: 'constant_clips_per_video', clipDuration: s.clipDuration, clipsPerVideo: s.clipsPerVideo, augsPerClip: s.augsPerClip };
  return null;
}

export function clipSamplerFromSpec(spec: ClipSamplerSpec | { type: 'any'; clipDuration: number }): ClipSampler {
  switch (spec.type) {
    case 'uniform': return spec.truncationDuration !== undefined
      ? new UniformClipSamplerTruncateFromStart(spec.clipDuration, spec.stride, spec.backpadLast, spec.eps, spec.truncationDuration)
      : new UniformClipSampler(spec.clipDuration, spec.stride, spec.backpadLast, spec.eps);
    case 'random': return new RandomClipSampler(spec.clipDuration);
    case 'random_multi': return spec.truncationDuration !== undefined
      ? new RandomMultiClipSamplerTruncateFromStart(spec.clipDuration, spec.numClips, spec.truncationDuration)
      : new RandomMultiClipSampler(spec.clipDuration, spec.numClips);
    case 'constant_clips_per_video': return new ConstantClipsPerVideoSampler(spec.clipDuration, spec.clipsPerVideo, spec.augsPerClip);
    // TimeStampClipSampler only reads the inner sampler's duration
    case 'any': return new RandomClipSampler(spec.clipDuration);
    case 'timestamp': return new TimeStampClipSampler(clipSamplerFromSpec(spec.inner));
    default: throw new ArgumentError(`clip sampler spec '${(spec as { type: string }).type}' unknown`);
  }
}
