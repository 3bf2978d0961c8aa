// Clip samplers as plain data (structured-clone safe), so a loader worker can rebuild the
// dataset's sampler. Exact times (Fractions) travel as numerator/denominator strings.
import { ArgumentError } from '../../runtime/errors.js';
import {
  ClipSampler, ConstantClipsPerVideoSampler, MomentsClipSampler, RandomClipSampler, RandomMultiClipSampler,
  RandomMultiClipSamplerTruncateFromStart, TimeStampClipSampler, UniformClipSampler, UniformClipSamplerTruncateFromStart,
} from '../clip_sampling.js';
import { Fraction, type Seconds } from '../fraction.js';

/** A Seconds value as data: a float, or an exact Fraction's numerator and denominator. */
export type SecondsData = number | { num: string; den: string };
const toData = (t: Seconds): SecondsData => (typeof t === 'number' ? t : { num: String(t.num), den: String(t.den) });
const fromData = (t: SecondsData): Seconds => (typeof t === 'number' ? t : Fraction.of(BigInt(t.num), BigInt(t.den)));
const optData = (t: Seconds | null) => (t === null ? null : toData(t));
const optFrom = (t: SecondsData | null | undefined) => (t === null || t === undefined ? null : fromData(t));

export type ClipSamplerSpec =
  | { type: 'uniform'; clipDuration: SecondsData; stride: SecondsData | null; backpadLast: boolean; eps: number; truncationDuration?: SecondsData | null }
  | { type: 'random'; clipDuration: SecondsData }
  | { type: 'random_multi'; clipDuration: SecondsData; numClips: number; truncationDuration?: SecondsData | null }
  | { type: 'constant_clips_per_video'; clipDuration: SecondsData; clipsPerVideo: number; augsPerClip: number }
  | { type: 'moments'; windowSec: number }
  | { type: 'timestamp'; inner: ClipSamplerSpec | { type: 'any'; clipDuration: number } };

const cd = (s: ClipSampler): SecondsData => toData(s.clipDurationExact);

/** The sampler as data; null for a user's own sampler class (it cannot cross to a worker). */
export function clipSamplerToSpec(s: ClipSampler): ClipSamplerSpec | null {
  if (s instanceof TimeStampClipSampler) {
    return { type: 'timestamp', inner: clipSamplerToSpec(s.clipSampler) ?? { type: 'any', clipDuration: s.clipDuration } };
  }
  if (s instanceof UniformClipSampler) {
    const spec: ClipSamplerSpec = { type: 'uniform', clipDuration: cd(s), stride: optData(s.strideArg), backpadLast: s.backpadLast, eps: s.eps };
    if (s instanceof UniformClipSamplerTruncateFromStart) spec.truncationDuration = optData(s.truncationDuration);
    return spec;
  }
  if (s instanceof RandomMultiClipSampler) {
    const spec: ClipSamplerSpec = { type: 'random_multi', clipDuration: cd(s), numClips: s.numClips };
    if (s instanceof RandomMultiClipSamplerTruncateFromStart) spec.truncationDuration = optData(s.truncationDuration);
    return spec;
  }
  if (s instanceof RandomClipSampler) return { type: 'random', clipDuration: cd(s) };
  if (s instanceof ConstantClipsPerVideoSampler) return { type: 'constant_clips_per_video', clipDuration: cd(s), clipsPerVideo: s.clipsPerVideo, augsPerClip: s.augsPerClip };
  if (s instanceof MomentsClipSampler) return { type: 'moments', windowSec: s.windowSec };
  return null;
}

export function clipSamplerFromSpec(spec: ClipSamplerSpec | { type: 'any'; clipDuration: number }): ClipSampler {
  switch (spec.type) {
    case 'uniform': {
      const a = [fromData(spec.clipDuration), optFrom(spec.stride), spec.backpadLast, spec.eps] as const;
      return spec.truncationDuration !== undefined ? new UniformClipSamplerTruncateFromStart(...a, optFrom(spec.truncationDuration)) : new UniformClipSampler(...a);
    }
    case 'random': return new RandomClipSampler(fromData(spec.clipDuration));
    case 'random_multi': return spec.truncationDuration !== undefined
      ? new RandomMultiClipSamplerTruncateFromStart(fromData(spec.clipDuration), spec.numClips, optFrom(spec.truncationDuration))
      : new RandomMultiClipSampler(fromData(spec.clipDuration), spec.numClips);
    case 'constant_clips_per_video': return new ConstantClipsPerVideoSampler(fromData(spec.clipDuration), spec.clipsPerVideo, spec.augsPerClip);
    case 'moments': return new MomentsClipSampler(spec.windowSec);
    // TimeStampClipSampler only reads the inner sampler's duration
    case 'any': return new RandomClipSampler(spec.clipDuration);
    case 'timestamp': return new TimeStampClipSampler(clipSamplerFromSpec(spec.inner));
    default: throw new ArgumentError(`clip sampler spec '${(spec as { type: string }).type}' unknown`);
  }
}
