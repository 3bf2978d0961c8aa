// PyTorchVideo's LabeledVideoDataset: a video sampler picks the videos, the clip sampler picks
// clips in each (all of a video's clips come out consecutively, as in PyTorchVideo's
// __next__), each clip is decoded (EncodedVideo for files, FrameVideo for frame folders/lists)
// into a clip dict, and the transform runs on the dict. Iterate it with `for await`.
//
// Bad media: PyTorchVideo logs a video that fails to load and moves on (giving up after 10
// failures in a row). Here that is opt-in: skipBadVideos=false (default) throws the typed
// VideoDecodeError naming the file; skipBadVideos=true logs it, counts it in `skipped` and
// continues. A clip with no frames (a clip past the end) ends that video silently, as in
// PyTorchVideo. Each decode has a time limit (timeoutMs), so a hostile file cannot hang.
import { ArgumentError } from '../../runtime/errors.js';
import { manualSeed } from '../../runtime/random.js';
import { Tensor } from '../../runtime/tensor.js';
import type { ClipInfo, ClipInfoList, ClipSampler } from '../clip_sampling.js';
import { EncodedVideo } from '../encoded_video.js';
import { VideoDecodeError } from '../errors.js';
import { FrameVideo } from '../frame_video.js';
import { Fraction, toFloat, type Seconds } from '../fraction.js';
import { clipSamplerFromSpec, clipSamplerToSpec, type ClipSamplerSpec } from './clip_sampler_serialization.js';
import { hostFs } from './host.js';
import { isNode } from '../decoder/node_host.js';
import { LabeledVideoPaths, type LabeledVideo, type VideoInfoDict, type VideoSource } from './labeled_video_paths.js';
import { resolveVideoSampler, type VideoSampler, type VideoSamplerOption } from './samplers.js';

export type ClipDict = Record<string, any>;
export type ClipTransform = (clip: ClipDict) => ClipDict | null | undefined;

export interface LabeledVideoDatasetOptions {
  /** Video order: 'random' (PyTorchVideo's default), 'sequential', a sampler, or a factory. */
  videoSampler?: VideoSamplerOption;
  /** Run on every clip dict; returning null drops the clip (PyTorchVideo's convention). */
  transform?: ClipTransform | null;
  /** Decode the audio track (PyTorchVideo's decode_audio). Default true. */
  decodeAudio?: boolean;
  /** Sample rate of the decoded waveforms (EncodedVideo's sampleRate). Default 16000. */
  audioSampleRate?: number;
  /** Only 'ffmpeg' (ffmpeg.wasm). */
  decoder?: 'ffmpeg';
  /** Log, count and skip videos that fail to decode instead of throwing. Default false. */
  skipBadVideos?: boolean;
  /** Give up after this many bad videos in a row even when skipping (PyTorchVideo: 10). */
  maxConsecutiveFailures?: number;
  /** Time limit of each probe/decode, in ms. Default 30000. */
  timeoutMs?: number;
  /** Frame rate of frame-folder videos (PyTorchVideo's FrameVideo default: 30). */
  fps?: number;
  /** Sub-selects the frame indices of a frame-video clip before they are read. */
  frameFilter?: ((frameIndices: number[]) => number[]) | null;
  /**
   * Decode encoded videos with their short side scaled to this many pixels (ffmpeg's
   * accurate bilinear scaler), so a later ShortSideScale has little or nothing left to do.
   * Frame videos are read at their size. Default: native size.
   */
  decodeShortSide?: number | null;
  /** Seed of the 'random' video sampler. */
  seed?: number;
  /** Where skip messages go. Default console.warn. */
  log?: (message: string) => void;
}

/** What a loader worker needs to rebuild a dataset (everything but the transform). */
export interface DatasetSpec {
  kind: string;
  videos: LabeledVideo[];
  clipSampler: ClipSamplerSpec;
  options: Record<string, unknown>;
}

export interface OpenedVideo {
  name: string;
  duration: number;
  /** Times as the clip sampler returned them (exact Fractions are kept for frame videos). */
  getClip(start: Seconds, end: Seconds): Promise<{ video: Tensor; audio: Tensor | null; frameIndices?: number[] } | null>;
  close(): void;
}

/** A record of a video the dataset skipped. */
export interface SkippedVideo { path: string; reason: string; message: string }

type Ctor = new (videos: LabeledVideo[] | LabeledVideoPaths, clipSampler: ClipSampler, opts: LabeledVideoDatasetOptions) => LabeledVideoDataset;
const kinds = new Map<string, Ctor>();
/** Registers a dataset class so a loader worker can rebuild it from its spec. */
export function registerDatasetKind(kind: string, ctor: Ctor): void { kinds.set(kind, ctor); }

export class LabeledVideoDataset implements AsyncIterable<ClipDict> {
  /** Registry name (a loader worker rebuilds the dataset from it). */
  protected kind = 'LabeledVideoDataset';
  readonly videos: LabeledVideo[];
  readonly clipSampler: ClipSampler;
  readonly videoSampler: VideoSampler;
  transform: ClipTransform | null;
  readonly options: LabeledVideoDatasetOptions;
  /** Videos skipped so far (skipBadVideos). */
  skipped = 0;
  readonly skippedVideos: SkippedVideo[] = [];
  private consecutiveFailures = 0;

  constructor(labeledVideoPaths: LabeledVideo[] | LabeledVideoPaths, clipSampler: ClipSampler, opts: LabeledVideoDatasetOptions = {}) {
    this.videos = labeledVideoPaths instanceof LabeledVideoPaths ? labeledVideoPaths.toArray() : labeledVideoPaths.map(([p, i]) => [p, { ...i }] as LabeledVideo);
    if (!clipSampler || typeof clipSampler.call !== 'function') throw new ArgumentError(`${new.target.name}: clipSampler must be a ClipSampler (see makeClipSampler)`);
    if ((opts.decoder ?? 'ffmpeg') !== 'ffmpeg') throw new ArgumentError(`${new.target.name}: unknown decoder '${String(opts.decoder)}' (only 'ffmpeg')`);
    const ss = opts.decodeShortSide;
    if (ss !== undefined && ss !== null && !(Number.isInteger(ss) && ss > 0)) throw new ArgumentError(`${new.target.name}: decodeShortSide must be a positive integer, got ${ss}`);
    this.clipSampler = clipSampler;
    this.options = { decodeAudio: true, skipBadVideos: false, maxConsecutiveFailures: 10, timeoutMs: 30000, fps: 30, ...opts };
    this.transform = opts.transform ?? null;
    this.videoSampler = resolveVideoSampler(opts.videoSampler, this.videos.length, opts.seed);
  }

  /** The last clip time passed before a video's first clip: None in LabeledVideoDataset (Charades and SSv2 pass 0.0). */
  protected readonly firstClipTime: Seconds | null = null;

  /** Number of videos the video sampler yields per pass (PyTorchVideo's num_videos). */
  get numVideos(): number { return this.videoSampler.length; }

  /** One pass over the video sampler: every clip of every video, in sampler order. */
  async *[Symbol.asyncIterator](): AsyncIterator<ClipDict> {
    for (const videoIndex of this.videoSampler) yield* this.clipsOfVideo(videoIndex);
  }

  /** Video indices of one pass, in order (what a loader hands to its workers). */
  videoOrder(): number[] { return [...this.videoSampler]; }

  /**
   * All clips of one video, transformed (unless `transform: false`). With a seed, vidwasm's
   * generator is reseeded before clip sampling and before each clip's transform, so the result
   * does not depend on which thread runs it (the DataLoader's numWorkers-independence).
   */
  async *clipsOfVideo(videoIndex: number, o: { seed?: number; transform?: boolean } = {}): AsyncGenerator<ClipDict> {
    const [source, info] = this.videos[videoIndex] ?? [];
    if (source === undefined) throw new ArgumentError(`${this.constructor.name}: video index ${videoIndex} out of range [0, ${this.videos.length})`);
    if (o.seed !== undefined) manualSeed(mixSeed(o.seed, videoIndex, 0x9e37));
    let video: OpenedVideo;
    try {
      video = await this.openVideo(source);
    } catch (e) {
      this.failed(e, describe(source));
      return;
    }
    this.clipSampler.reset();
    let lastEnd: Seconds | null = this.firstClipTime, n = 0;
    let loaded: LoadedClip | null = null;
    const augs = (this.clipSampler as { augsPerClip?: number }).augsPerClip ?? 1;
    try {
      for (;;) {
        const ci = this.clipSampler.call(lastEnd, video.duration, info) as ClipInfo | ClipInfoList;
        const multi = Array.isArray(ci.clipStart);
        const augIndex0 = multi ? (ci as ClipInfoList).augIndex[0] : (ci as ClipInfo).augIndex;
        if (augIndex0 === 0 || loaded === null) {
          disposeLoaded(loaded);
          loaded = null;
          try {
            loaded = multi ? await loadMany(video, ci as ClipInfoList) : await video.getClip(...exactTimes(ci as ClipInfo));
          } catch (e) {
            if (e instanceof VideoDecodeError && e.reason === 'out-of-range') loaded = null;
            else { this.failed(e, describe(source)); return; }
          }
        }
        lastEnd = multi ? (ci as ClipInfoList).clipEndExact.at(-1)! : exactTimes(ci as ClipInfo)[1];
        const isLast = multi ? (ci as ClipInfoList).isLastClip[(ci as ClipInfoList).isLastClip.length - 1] : (ci as ClipInfo).isLastClip;
        if (loaded === null) return; // no frames: on to the next video, like PyTorchVideo
        this.consecutiveFailures = 0;
        // The transform consumes the tensors it replaces; another aug view of the same clip
        // needs its own copy.
        const reuse = augs > 1 && !isLast;
        const clip = reuse ? cloneLoaded(loaded) : loaded;
        if (!reuse) loaded = null;
        let sample: ClipDict | null = this.buildSample(video, videoIndex, info!, ci, clip);
        if (this.transform && o.transform !== false) {
          if (o.seed !== undefined) manualSeed(mixSeed(o.seed, videoIndex, ++n));
          sample = this.transform(sample) ?? null;
        }
        if (sample !== null) yield sample;
        if (isLast) return;
      }
    } finally {
      disposeLoaded(loaded);
      video.close();
      this.clipSampler.reset();
    }
  }

  /** PyTorchVideo's sample dict; subclasses add their labels. */
  protected buildSample(video: OpenedVideo, videoIndex: number, info: VideoInfoDict, ci: ClipInfo | ClipInfoList, clip: LoadedClip): ClipDict {
    // Several clips (RandomMultiClipSampler): one list per key, audio included even when it
    // holds only nulls (frame videos), as PyTorchVideo builds it.
    const audio = Array.isArray(clip) ? clip.map((c) => c.audio) : clip.audio;
    const out: ClipDict = {
      video: Array.isArray(clip) ? clip.map((c) => c.video) : clip.video,
      video_name: video.name,
      video_index: videoIndex,
      clip_index: ci.clipIndex,
      aug_index: ci.augIndex,
      ...info,
    };
    if (audio !== null) out.audio = audio;
    return out;
  }

  /** Opens a video file, a frame folder, or a frame list. */
  protected async openVideo(source: VideoSource): Promise<OpenedVideo> {
    const o = this.options;
    if (typeof source !== 'string') {
      const fv = FrameVideo.fromFramePaths(source.framePaths, source.fps ?? o.fps, { timeoutMs: o.timeoutMs });
      return frameOpened(fv, this.options.frameFilter ?? undefined);
    }
    // In a browser a string source is a URL (EncodedVideo fetches it); frame folders are Node's.
    const fs = isNode() ? hostFs(this.constructor.name) : null;
    if (fs && fs.existsSync(source) && fs.statSync(source).isDirectory()) {
      // PyTorchVideo's VideoPathHandler opens frame folders with the int fps 30: exact.
      const fps = Number.isInteger(o.fps) ? Fraction.of(BigInt(o.fps!)) : o.fps!;
      const fv = await FrameVideo.fromDirectory(source, fps, { timeoutMs: o.timeoutMs });
      return frameOpened(fv, this.options.frameFilter ?? undefined);
    }
    const ev = await EncodedVideo.fromPath(source, { decodeAudio: o.decodeAudio, sampleRate: o.audioSampleRate, timeoutMs: o.timeoutMs, decoder: 'ffmpeg' });
    const ss = o.decodeShortSide;
    const size = ss ? (ev.width <= ev.height ? { width: ss } : { height: ss }) : {};
    return {
      name: ev.name, duration: ev.duration,
      getClip: (s, e) => ev.getClip(Math.max(0, toFloat(s)), toFloat(e), size),
      close: () => ev.close(),
    };
  }

  /** A decode failure: rethrown, or logged and counted with skipBadVideos. */
  private failed(e: unknown, path: string): void {
    if (!(e instanceof VideoDecodeError) || !this.options.skipBadVideos) throw e;
    this.skipped++;
    this.consecutiveFailures++;
    this.skippedVideos.push({ path: e.path ?? path, reason: e.reason, message: e.message });
    (this.options.log ?? console.warn)(`${this.constructor.name}: skipping a video (${e.reason}): ${e.message}`);
    if (this.consecutiveFailures >= (this.options.maxConsecutiveFailures ?? 10)) {
      throw new VideoDecodeError(e.path ?? path, e.reason, `failed to load a video after ${this.consecutiveFailures} consecutive failures (last: ${e.message})`);
    }
  }

  /** The dataset as data for a loader worker; null when its clip sampler is a user class. */
  toSpec(): DatasetSpec | null {
    const cs = clipSamplerToSpec(this.clipSampler);
    if (!cs) return null;
    // Only plain options cross: subclass options (framesPerClip...) rebuild their frame filter.
    const keys = ['decodeAudio', 'audioSampleRate', 'skipBadVideos', 'maxConsecutiveFailures', 'timeoutMs', 'fps', 'decodeShortSide', 'framesPerClip', 'randSampleFrames'];
    const src = this.options as Record<string, unknown>;
    const options = Object.fromEntries(keys.filter((k) => src[k] !== undefined).map((k) => [k, src[k]]));
    return { kind: this.kind, videos: this.videos, clipSampler: cs, options };
  }

  /** Rebuilds a dataset in a loader worker (no transform, sequential order). */
  static fromSpec(spec: DatasetSpec): LabeledVideoDataset {
    const C = kinds.get(spec.kind) ?? (spec.kind === 'LabeledVideoDataset' ? LabeledVideoDataset : undefined);
    if (!C) throw new ArgumentError(`dataset kind '${spec.kind}' is not registered in this worker`);
    return new C(spec.videos, clipSamplerFromSpec(spec.clipSampler), { ...spec.options, videoSampler: 'sequential' });
  }
}

/** A clip's exact times; a user's sampler may return only the numbers (then they are floats). */
function exactTimes(ci: ClipInfo): [Seconds, Seconds] {
  return [ci.clipStartExact ?? ci.clipStart, ci.clipEndExact ?? ci.clipEnd];
}

type OneClip = { video: Tensor; audio: Tensor | null; frameIndices?: number[] };
export type LoadedClip = OneClip | OneClip[];

async function loadMany(video: OpenedVideo, ci: ClipInfoList): Promise<OneClip[] | null> {
  const out: OneClip[] = [];
  for (let i = 0; i < ci.clipStart.length; i++) {
    const c = await video.getClip(ci.clipStartExact?.[i] ?? ci.clipStart[i], ci.clipEndExact?.[i] ?? ci.clipEnd[i]);
    if (c === null) { disposeLoaded(out); return null; }
    out.push(c);
  }
  return out;
}

function frameOpened(fv: FrameVideo, filter?: (i: number[]) => number[]): OpenedVideo {
  return {
    name: fv.name, duration: fv.duration,
    getClip: async (s, e) => fv.getClip(s, e, filter),
    close: () => {},
  };
}

function cloneTensor(t: Tensor): Tensor {
  const c = Tensor.empty(t.shape, t.dtype, t.layout);
  c.data().set(t.data());
  return c;
}
function cloneOne(c: OneClip): OneClip { return { ...c, video: cloneTensor(c.video), audio: c.audio ? cloneTensor(c.audio) : null }; }
function cloneLoaded(l: LoadedClip): LoadedClip { return Array.isArray(l) ? l.map(cloneOne) : cloneOne(l); }
function disposeLoaded(l: LoadedClip | null): void {
  if (!l) return;
  for (const c of Array.isArray(l) ? l : [l]) {
    if (!c.video.isDisposed) c.video.dispose();
    if (c.audio && !c.audio.isDisposed) c.audio.dispose();
  }
}

function describe(s: VideoSource): string { return typeof s === 'string' ? s : (s.framePaths[0] ?? '<empty frame list>'); }

/** A 32-bit mix of (seed, a, b) for per-video / per-clip reseeding. */
export function mixSeed(seed: number, a: number, b: number): number {
  let h = (seed ^ 0x85ebca6b) >>> 0;
  for (const v of [a, b]) {
    h = Math.imul(h ^ (v >>> 0), 0xcc9e2d51) >>> 0;
    h = ((h << 13) | (h >>> 19)) >>> 0;
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b) >>> 0; h ^= h >>> 13;
  return h >>> 0;
}

/** PyTorchVideo's labeled_video_dataset(data_path, clip_sampler, ...): csv or class tree. */
export function labeledVideoDataset(opts: LabeledVideoDatasetOptions & { dataPath: string; clipSampler: ClipSampler; videoPathPrefix?: string }): LabeledVideoDataset {
  const paths = LabeledVideoPaths.fromPath(opts.dataPath);
  paths.pathPrefix = opts.videoPathPrefix ?? '';
  return new LabeledVideoDataset(paths, opts.clipSampler, opts);
}
