// PyTorchVideo's clip samplers (pytorchvideo/data/clip_sampling.py), arithmetic included.
// Python mixes Fraction and float there; we keep the same mix (Fraction where PyTorchVideo
// has one, a double where Python falls back to float) so clip times, backpadding and
// is_last_clip agree exactly, not just approximately. Times come out as numbers (seconds);
// a sampler recognises the clipEnd it returned last and continues from the exact Fraction.
import { ArgumentError } from '../runtime/errors.js';
import { random } from '../runtime/random.js';
import { Fraction } from './fraction.js';

/** PyTorchVideo's ClipInfo namedtuple, camelCase. */
export interface ClipInfo {
  clipStart: number;
  clipEnd: number;
  clipIndex: number;
  augIndex: number;
  isLastClip: boolean;
}
/** PyTorchVideo's ClipInfoList (RandomMultiClipSampler): one list per field. */
export interface ClipInfoList {
  clipStart: number[];
  clipEnd: number[];
  clipIndex: number[];
  augIndex: number[];
  isLastClip: boolean[];
}

/** Source of uniform [0, 1) numbers; vidwasm's seeded generator (manualSeed) by default. */
export interface UniformSource { uniform(): number }

export abstract class ClipSampler {
  protected readonly clipDurationFrac: Fraction;
  protected currentClipIndex = 0;
  protected currentAugIndex = 0;
  // The exact Fraction behind the last clipEnd handed out (see the file comment).
  private lastEnd: { value: number; exact: Fraction } | null = null;

  constructor(readonly clipDuration: number) {
    if (!(Number.isFinite(clipDuration) && clipDuration > 0)) {
      throw new ArgumentError(`${new.target.name}: clipDuration must be a positive number of seconds, got ${clipDuration}`);
    }
    this.clipDurationFrac = Fraction.fromNumber(clipDuration);
  }

  /**
   * PyTorchVideo's __call__(last_clip_time, video_duration, annotation): the next clip of a
   * video of `videoDuration` seconds, after a previous clip that ended at `lastClipTime`.
   */
  abstract call(lastClipTime: number, videoDuration: number, annotation?: unknown): ClipInfo | ClipInfoList;

  /** Resets per-video state before the next video. */
  reset(): void {}

  protected exactTime(t: number): Fraction {
    return this.lastEnd && this.lastEnd.value === t ? this.lastEnd.exact : Fraction.fromNumber(t);
  }
  protected info(start: Fraction, end: Fraction, clipIndex: number, augIndex: number, isLastClip: boolean): ClipInfo {
    const clipEnd = end.toNumber();
    this.lastEnd = { value: clipEnd, exact: end };
    return { clipStart: start.toNumber(), clipEnd, clipIndex, augIndex, isLastClip };
  }
}

function checkDuration(who: string, d: number): void {
  if (!(Number.isFinite(d) && d >= 0)) throw new ArgumentError(`${who}: video duration must be a finite number >= 0, got ${d}`);
}

/** Evenly splits the video into clips of clipDuration, `stride` apart, optionally back-padding the last. */
export class UniformClipSampler extends ClipSampler {
  readonly stride: number;
  constructor(clipDuration: number, stride: number | null = null, readonly backpadLast = false, readonly eps = 1e-6) {
    super(clipDuration);
    this.stride = stride ?? clipDuration;
    if (!(this.stride > 0 && this.stride <= clipDuration)) {
      throw new ArgumentError(`UniformClipSampler: stride must be > 0 and <= clip_duration (${clipDuration}), got ${this.stride}`);
    }
  }

  private clipStartEnd(last: Fraction, videoDuration: number, backpad: boolean): [Fraction, Fraction] {
    // max(last - max(0, clip_duration - stride), 0): the inner difference is a float in Python;
    // when it is not positive, max() returns the int 0 and `last` stays an exact Fraction.
    const overlap = this.clipDurationFrac.toNumber() - this.stride;
    let start: Fraction;
    if (overlap > 0) {
      const s = last.toNumber() - overlap;
      start = s > 0 ? Fraction.fromNumber(s) : Fraction.of(0n);
    } else {
      start = last.cmp(Fraction.of(0n)) > 0 ? last : Fraction.of(0n);
    }
    let end = start.add(this.clipDurationFrac);
    if (backpad) {
      const buffer = end.toNumber() - videoDuration; // Fraction - float -> float
      if (buffer > 0) {
        const s = start.toNumber() - buffer;
        start = s > 0 ? Fraction.fromNumber(s) : Fraction.of(0n);
        end = start.add(this.clipDurationFrac);
      }
    }
    return [start, end];
  }

  call(lastClipTime: number, videoDuration: number): ClipInfo {
    checkDuration('UniformClipSampler', videoDuration);
    const [start, end] = this.clipStartEnd(this.exactTime(lastClipTime), videoDuration, this.backpadLast);
    const [, nextEnd] = this.clipStartEnd(end, videoDuration, this.backpadLast);
    const isLast = this.backpadLast
      ? nextEnd.sub(end).abs().cmpNumber(this.eps) < 0
      : nextEnd.cmpNumber(videoDuration) > 0;
    const clipIndex = this.currentClipIndex++;
    if (isLast) this.reset();
    return this.info(start, end, clipIndex, 0, isLast);
  }

  override reset(): void { this.currentClipIndex = 0; }
}

/** UniformClipSampler over [0, min(truncationDuration, duration)]. */
export class UniformClipSamplerTruncateFromStart extends UniformClipSampler {
  constructor(clipDuration: number, stride: number | null = null, backpadLast = false, eps = 1e-6, readonly truncationDuration: number | null = null) {
    super(clipDuration, stride, backpadLast, eps);
  }
  override call(lastClipTime: number, videoDuration: number): ClipInfo {
    const d = this.truncationDuration === null ? videoDuration : Math.min(this.truncationDuration, videoDuration);
    return super.call(lastClipTime, d);
  }
}

/** A clip of clipDuration starting uniformly at random in [0, duration - clipDuration]. */
export class RandomClipSampler extends ClipSampler {
  constructor(clipDuration: number, protected readonly rng: UniformSource = random) { super(clipDuration); }

  call(_lastClipTime: number, videoDuration: number): ClipInfo {
    checkDuration('RandomClipSampler', videoDuration);
    // max(video_duration - clip_duration, 0) is a float; random.uniform(0, m) = 0 + m * u.
    const m = Math.max(videoDuration - this.clipDurationFrac.toNumber(), 0);
    const start = Fraction.fromNumber(0 + (m - 0) * this.rng.uniform());
    return this.info(start, start.add(this.clipDurationFrac), 0, 0, true);
  }
}

/** numClips independent random clips per call, as a ClipInfoList. */
export class RandomMultiClipSampler extends ClipSampler {
  private readonly one: RandomClipSampler;
  constructor(clipDuration: number, readonly numClips: number, rng: UniformSource = random) {
    super(clipDuration);
    if (!(Number.isInteger(numClips) && numClips > 0)) throw new ArgumentError(`RandomMultiClipSampler: numClips must be a positive integer, got ${numClips}`);
    this.one = new RandomClipSampler(clipDuration, rng);
  }
  call(lastClipTime: number, videoDuration: number): ClipInfoList {
    const out: ClipInfoList = { clipStart: [], clipEnd: [], clipIndex: [], augIndex: [], isLastClip: [] };
    for (let i = 0; i < this.numClips; i++) {
      const c = this.one.call(lastClipTime, videoDuration);
      out.clipStart.push(c.clipStart); out.clipEnd.push(c.clipEnd); out.clipIndex.push(c.clipIndex);
      out.augIndex.push(c.augIndex); out.isLastClip.push(c.isLastClip);
    }
    return out;
  }
}

/** RandomMultiClipSampler over [0, min(truncationDuration, duration)]. */
export class RandomMultiClipSamplerTruncateFromStart extends RandomMultiClipSampler {
  constructor(clipDuration: number, numClips: number, readonly truncationDuration: number | null = null, rng: UniformSource = random) {
    super(clipDuration, numClips, rng);
  }
  override call(lastClipTime: number, videoDuration: number): ClipInfoList {
    const d = this.truncationDuration === null ? videoDuration : Math.min(this.truncationDuration, videoDuration);
    return super.call(lastClipTime, d);
  }
}

/**
 * clipsPerVideo clips at evenly spaced starts in [0, duration - clipDuration], each returned
 * augsPerClip times (augIndex 0..augsPerClip-1): the multi-view evaluation sampler.
 */
export class ConstantClipsPerVideoSampler extends ClipSampler {
  constructor(clipDuration: number, readonly clipsPerVideo: number, readonly augsPerClip = 1) {
    super(clipDuration);
    for (const [k, v] of [['clipsPerVideo', clipsPerVideo], ['augsPerClip', augsPerClip]] as const) {
      if (!(Number.isInteger(v) && v > 0)) throw new ArgumentError(`ConstantClipsPerVideoSampler: ${k} must be a positive integer, got ${v}`);
    }
  }

  call(_lastClipTime: number, videoDuration: number): ClipInfo {
    checkDuration('ConstantClipsPerVideoSampler', videoDuration);
    const maxStart = Fraction.fromNumber(Math.max(videoDuration - this.clipDurationFrac.toNumber(), 0));
    const uniformClip = maxStart.divInt(this.clipsPerVideo);
    const start = uniformClip.mulInt(this.currentClipIndex);
    const clipIndex = this.currentClipIndex, augIndex = this.currentAugIndex;
    this.currentAugIndex += 1;
    if (this.currentAugIndex >= this.augsPerClip) { this.currentClipIndex += 1; this.currentAugIndex = 0; }
    let isLast = false;
    if (this.currentClipIndex >= this.clipsPerVideo || uniformClip.mulInt(this.currentClipIndex).cmp(maxStart) > 0) {
      this.currentClipIndex = 0;
      isLast = true;
    }
    if (isLast) this.reset();
    return this.info(start, start.add(this.clipDurationFrac), clipIndex, augIndex, isLast);
  }

  override reset(): void { this.currentClipIndex = 0; this.currentAugIndex = 0; }
}

export type ClipSamplerType = 'uniform' | 'random' | 'constant_clips_per_video' | 'random_multi';

/**
 * PyTorchVideo's make_clip_sampler(sampling_type, *args): the args go to the constructor.
 *   uniform: (clipDuration, stride?, backpadLast?, eps?)
 *   random: (clipDuration)
 *   constant_clips_per_video: (clipDuration, clipsPerVideo, augsPerClip?)
 *   random_multi: (clipDuration, numClips)
 */
export function makeClipSampler(type: 'uniform', clipDuration: number, stride?: number | null, backpadLast?: boolean, eps?: number): UniformClipSampler;
export function makeClipSampler(type: 'random', clipDuration: number): RandomClipSampler;
export function makeClipSampler(type: 'constant_clips_per_video', clipDuration: number, clipsPerVideo: number, augsPerClip?: number): ConstantClipsPerVideoSampler;
export function makeClipSampler(type: 'random_multi', clipDuration: number, numClips: number): RandomMultiClipSampler;
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
