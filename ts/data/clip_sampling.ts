// PyTorchVideo's clip samplers (pytorchvideo/data/clip_sampling.py, 0.1.5), arithmetic included.
// Python mixes Fraction and float there; we keep the same mix (see fraction.ts: Seconds and the
// py* helpers), so clip times, backpadding and is_last_clip agree exactly, not approximately.
// A ClipInfo carries each time twice: clipStart/clipEnd as numbers (float(t), for display and
// decoders) and clipStartExact/clipEndExact as PyTorchVideo holds them (a Fraction for these
// samplers). Datasets pass clipEndExact back as the next call's lastClipTime and cut frames
// from the exact times, as PyTorchVideo does; a caller passing back the number gets Python's
// behaviour for a float.
import { ArgumentError } from '../runtime/errors.js';
import { random } from '../runtime/random.js';
import {
  Fraction, PY_ZERO, asFraction, pyAbs, pyAdd, pyCmp, pyMax, pyMul, pyNeg, pySub, toFloat, type Seconds,
} from './fraction.js';

/** PyTorchVideo's ClipInfo namedtuple, camelCase, plus the exact times. */
export interface ClipInfo {
  clipStart: number;
  clipEnd: number;
  clipIndex: number;
  augIndex: number;
  isLastClip: boolean;
  /** The start as PyTorchVideo returns it (a Fraction, or a float where PyTorchVideo has one). */
  clipStartExact: Seconds;
  clipEndExact: Seconds;
}
/** PyTorchVideo's ClipInfoList (RandomMultiClipSampler): one list per field. */
export interface ClipInfoList {
  clipStart: number[];
  clipEnd: number[];
  clipIndex: number[];
  augIndex: number[];
  isLastClip: boolean[];
  clipStartExact: Seconds[];
  clipEndExact: Seconds[];
}

/** Source of uniform [0, 1) numbers; vidwasm's seeded generator (manualSeed) by default. */
export interface UniformSource { uniform(): number }

/** A ClipInfo from PyTorchVideo's (start, end, clip_index, aug_index, is_last_clip). */
export function clipInfo(start: Seconds, end: Seconds, clipIndex: number, augIndex: number, isLastClip: boolean): ClipInfo {
  return { clipStart: toFloat(start), clipEnd: toFloat(end), clipIndex, augIndex, isLastClip, clipStartExact: start, clipEndExact: end };
}

function checkTime(who: string, what: string, t: Seconds): void {
  if (typeof t === 'number' && !(Number.isFinite(t) && t >= 0)) throw new ArgumentError(`${who}: ${what} must be a finite number >= 0, got ${t}`);
}

export abstract class ClipSampler {
  /** Fraction(clip_duration), as PyTorchVideo stores it. */
  readonly clipDurationExact: Fraction;
  protected currentClipIndex = 0;
  protected currentAugIndex = 0;

  constructor(clipDuration: Seconds) {
    checkTime(new.target.name, 'clipDuration', clipDuration);
    this.clipDurationExact = asFraction(clipDuration);
    if (this.clipDurationExact.num < 0n) throw new ArgumentError(`${new.target.name}: clipDuration must be >= 0`);
  }

  /** The clip duration in seconds. */
  get clipDuration(): number { return this.clipDurationExact.toNumber(); }

  /**
   * PyTorchVideo's __call__(last_clip_end_time, video_duration, annotation): the next clip of
   * a video of `videoDuration` seconds after a clip that ended at `lastClipTime` (null, as
   * PyTorchVideo's datasets pass None, or 0 before the first clip).
   */
  abstract call(lastClipTime: Seconds | null, videoDuration: Seconds, annotation?: Record<string, unknown>): ClipInfo | ClipInfoList;

  /** Resets per-video state before the next video. */
  reset(): void {}
}

/** Evenly splits the video into clips of clipDuration, `stride` apart, optionally back-padding the last. */
export class UniformClipSampler extends ClipSampler {
  /** The stride as given (null: the clip duration, exactly). */
  readonly strideArg: Seconds | null;
  constructor(clipDuration: Seconds, stride: Seconds | null = null, readonly backpadLast = false, readonly eps = 1e-6) {
    super(clipDuration);
    this.strideArg = stride ?? null;
    if (stride !== null && stride !== undefined) checkTime('UniformClipSampler', 'stride', stride);
    if (!(pyCmp(this.strideArg ?? this.clipDurationExact, 0) > 0)) throw new ArgumentError(`UniformClipSampler: stride must be positive, got ${toFloat(this.strideArg ?? 0)}`);
  }

  /** The stride in seconds. */
  get stride(): number { return toFloat(this.strideArg ?? this.clipDurationExact); }

  private clipStartEnd(last: Seconds | null, videoDuration: Seconds, backpad: boolean): [Fraction, Fraction] {
    const delta = pySub(this.strideArg ?? this.clipDurationExact, this.clipDurationExact);
    const lastEnd = last ?? pyNeg(delta);
    let start = asFraction(pyAdd(lastEnd, delta));
    let end = start.add(this.clipDurationExact);
    if (backpad) {
      const buffer = pyMax(PY_ZERO, pySub(end, videoDuration));
      start = asFraction(pyMax(PY_ZERO, pySub(start, buffer)));
      end = start.add(this.clipDurationExact);
    }
    return [start, end];
  }

  call(lastClipTime: Seconds | null, videoDuration: Seconds): ClipInfo {
    checkTime('UniformClipSampler', 'video duration', videoDuration);
    const [start, end] = this.clipStartEnd(lastClipTime, videoDuration, this.backpadLast);
    const [, nextEnd] = this.clipStartEnd(end, videoDuration, this.backpadLast);
    const isLast = this.backpadLast
      ? pyCmp(pyAbs(pySub(nextEnd, end)), this.eps) < 0
      : pyCmp(pySub(nextEnd, videoDuration), this.eps) > 0;
    const clipIndex = this.currentClipIndex++;
    if (isLast) this.reset();
    return clipInfo(start, end, clipIndex, 0, isLast);
  }

  override reset(): void { this.currentClipIndex = 0; }
}

/** min(truncation_duration, video_duration) when a truncation is set. */
function truncated(truncation: Seconds | null, duration: Seconds): Seconds {
  return truncation === null ? duration : (pyCmp(duration, truncation) < 0 ? duration : truncation);
}

/** UniformClipSampler over [0, min(truncationDuration, duration)]. */
export class UniformClipSamplerTruncateFromStart extends UniformClipSampler {
  constructor(clipDuration: Seconds, stride: Seconds | null = null, backpadLast = false, eps = 1e-6, readonly truncationDuration: Seconds | null = null) {
    super(clipDuration, stride, backpadLast, eps);
  }
  override call(lastClipTime: Seconds | null, videoDuration: Seconds): ClipInfo {
    return super.call(lastClipTime, truncated(this.truncationDuration, videoDuration));
  }
}

/** A clip of clipDuration starting uniformly at random in [0, duration - clipDuration]. */
export class RandomClipSampler extends ClipSampler {
  constructor(clipDuration: Seconds, protected readonly rng: UniformSource = random) { super(clipDuration); }

  call(_lastClipTime: Seconds | null, videoDuration: Seconds): ClipInfo {
    checkTime(this.constructor.name, 'video duration', videoDuration);
    const maxStart = pyMax(pySub(videoDuration, this.clipDurationExact), PY_ZERO);
    // random.uniform(0, m) = 0 + (m - 0) * random(): a float whatever m is.
    const start = Fraction.fromNumber(toFloat(pyMul(maxStart, this.rng.uniform())));
    return clipInfo(start, start.add(this.clipDurationExact), 0, 0, true);
  }
}

/** numClips independent random clips per call, as a ClipInfoList. */
export class RandomMultiClipSampler extends ClipSampler {
  private readonly one: RandomClipSampler;
  constructor(clipDuration: Seconds, readonly numClips: number, rng: UniformSource = random) {
    super(clipDuration);
    if (!(Number.isInteger(numClips) && numClips > 0)) throw new ArgumentError(`${new.target.name}: numClips must be a positive integer, got ${numClips}`);
    this.one = new RandomClipSampler(clipDuration, rng);
  }
  call(lastClipTime: Seconds | null, videoDuration: Seconds): ClipInfoList {
    const out: ClipInfoList = { clipStart: [], clipEnd: [], clipIndex: [], augIndex: [], isLastClip: [], clipStartExact: [], clipEndExact: [] };
    for (let i = 0; i < this.numClips; i++) {
      const c = this.one.call(lastClipTime, videoDuration);
      for (const k of Object.keys(out) as (keyof ClipInfo)[]) (out[k] as unknown[]).push(c[k]);
    }
    return out;
  }
}

/** RandomMultiClipSampler over [0, min(truncationDuration, duration)]. */
export class RandomMultiClipSamplerTruncateFromStart extends RandomMultiClipSampler {
  constructor(clipDuration: Seconds, numClips: number, readonly truncationDuration: Seconds | null = null, rng: UniformSource = random) {
    super(clipDuration, numClips, rng);
  }
  override call(lastClipTime: Seconds | null, videoDuration: Seconds): ClipInfoList {
    return super.call(lastClipTime, truncated(this.truncationDuration, videoDuration));
  }
}

/**
 * clipsPerVideo clips at evenly spaced starts over [0, duration - clipDuration] (the last one
 * ends at the video's end), each returned augsPerClip times (augIndex 0..augsPerClip-1): the
 * multi-view evaluation sampler.
 */
export class ConstantClipsPerVideoSampler extends ClipSampler {
  constructor(clipDuration: Seconds, readonly clipsPerVideo: number, readonly augsPerClip = 1) {
    super(clipDuration);
    for (const [k, v] of [['clipsPerVideo', clipsPerVideo], ['augsPerClip', augsPerClip]] as const) {
      if (!(Number.isInteger(v) && v > 0)) throw new ArgumentError(`ConstantClipsPerVideoSampler: ${k} must be a positive integer, got ${v}`);
    }
  }

  call(_lastClipTime: Seconds | null, videoDuration: Seconds): ClipInfo {
    checkTime('ConstantClipsPerVideoSampler', 'video duration', videoDuration);
    const maxStart = asFraction(pyMax(pySub(videoDuration, this.clipDurationExact), PY_ZERO));
    const uniformClip = maxStart.divInt(Math.max(this.clipsPerVideo - 1, 1));
    const start = uniformClip.mulInt(this.currentClipIndex);
    const clipIndex = this.currentClipIndex, augIndex = this.currentAugIndex;
    this.currentAugIndex += 1;
    if (this.currentAugIndex >= this.augsPerClip) { this.currentClipIndex += 1; this.currentAugIndex = 0; }
    const isLast = this.currentClipIndex >= this.clipsPerVideo || uniformClip.mulInt(this.currentClipIndex).cmp(maxStart) > 0;
    if (isLast) this.reset();
    return clipInfo(start, start.add(this.clipDurationExact), clipIndex, augIndex, isLast);
  }

  override reset(): void { this.currentClipIndex = 0; this.currentAugIndex = 0; }
}

/**
 * Ego4D's MomentsClipSampler(window_sec): the annotated moment
 * [label_video_start_sec, label_video_end_sec], resized to windowSec around its centre when
 * windowSec > 0 and slid back inside the video; writes clip_start / clip_end into the
 * annotation, as PyTorchVideo does.
 */
export class MomentsClipSampler extends ClipSampler {
  constructor(readonly windowSec = 0) { super(windowSec); }

  call(lastClipTime: Seconds | null, videoDuration: Seconds | null, annotation: Record<string, unknown> = {}): ClipInfo {
    const who = 'MomentsClipSampler';
    const num = (k: string): number => {
      const v = annotation[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(`${who}: annotation.${k} must be a number of seconds, got ${String(v)}`);
      return v;
    };
    const dur = videoDuration === null ? null : toFloat(videoDuration);
    if (lastClipTime !== null && dur !== null && toFloat(lastClipTime) > dur) throw new ArgumentError(`${who}: last_clip_end_time (${toFloat(lastClipTime)}) > video_duration (${dur})`);
    let start = num('label_video_start_sec'), end = num('label_video_end_sec');
    if (dur !== null && end > dur + 0.1) throw new ArgumentError(`${who}: invalid video_duration/end_sec: ${dur} / ${end} (${String(annotation.video_name)})`);
    if (!(end >= start)) throw new ArgumentError(`${who}: end < start: ${end} / ${start}`);
    if (this.windowSec > 0) [start, end] = checkWindowLen(start, end, this.windowSec, dur);
    annotation.clip_start = start;
    annotation.clip_end = end;
    return clipInfo(start, end, 0, 0, true);
  }
}

/** Ego4D's check_window_len: resizes [s, e] to wLen around its centre, then slides it inside the video. */
function checkWindowLen(s: number, e: number, wLen: number, videoDur: number | null): [number, number] {
  if (Math.abs(e - s - wLen) > 0.001) {
    const delta = wLen - (e - s);
    s -= delta / 2;
    e += delta / 2;
    if (s < 0) { e += -s; s = 0; }
  }
  if (videoDur && e > videoDur) {
    const overlap = e - videoDur;
    if (!(s >= overlap)) throw new ArgumentError(`MomentsClipSampler: incompatible window ${wLen} s / video duration ${videoDur} s`);
    s -= overlap;
    e -= overlap;
  }
  return [s, e];
}

/**
 * AVA's TimeStampClipSampler (pytorchvideo/data/ava.py): one clip of the wrapped sampler's
 * duration centred on annotation.clip_index (the key frame's second). Times are floats, as in
 * PyTorchVideo (a float second minus Fraction / 2.0).
 */
export class TimeStampClipSampler extends ClipSampler {
  constructor(readonly clipSampler: ClipSampler) { super(clipSampler.clipDuration); }
  call(_last: Seconds | null, _duration: Seconds, annotation: Record<string, unknown> = {}): ClipInfo {
    const center = annotation.clip_index;
    if (typeof center !== 'number' || !Number.isFinite(center)) throw new ArgumentError('TimeStampClipSampler: the annotation has no numeric clip_index (key frame second)');
    const start = center - this.clipSampler.clipDuration / 2.0;
    return clipInfo(start, start + this.clipSampler.clipDuration, 0, 0, true);
  }
}

export type ClipSamplerType = 'uniform' | 'random' | 'constant_clips_per_video' | 'random_multi';

/**
 * PyTorchVideo's make_clip_sampler(sampling_type, *args): the args go to the constructor.
 *   uniform: (clipDuration, stride?, backpadLast?, eps?)
 *   random: (clipDuration)
 *   constant_clips_per_video: (clipDuration, clipsPerVideo, augsPerClip?)
 *   random_multi: (clipDuration, numClips)
 */
export function makeClipSampler(type: 'uniform', clipDuration: Seconds, stride?: Seconds | null, backpadLast?: boolean, eps?: number): UniformClipSampler;
export function makeClipSampler(type: 'random', clipDuration: Seconds): RandomClipSampler;
export function makeClipSampler(type: 'constant_clips_per_video', clipDuration: Seconds, clipsPerVideo: number, augsPerClip?: number): ConstantClipsPerVideoSampler;
export function makeClipSampler(type: 'random_multi', clipDuration: Seconds, numClips: number): RandomMultiClipSampler;
export function makeClipSampler(type: ClipSamplerType, ...args: unknown[]): ClipSampler;
export function makeClipSampler(type: ClipSamplerType, ...args: unknown[]): ClipSampler {
  const a = args as never[];
  switch (type) {
    case 'uniform': return new UniformClipSampler(a[0], a[1], a[2], a[3]);
    case 'random': return new RandomClipSampler(a[0]);
    case 'constant_clips_per_video': return new ConstantClipsPerVideoSampler(a[0], a[1], a[2]);
    case 'random_multi': return new RandomMultiClipSampler(a[0], a[1]);
    default: throw new ArgumentError(`makeClipSampler: '${String(type)}' not supported (uniform, random, constant_clips_per_video, random_multi)`);
  }
}
