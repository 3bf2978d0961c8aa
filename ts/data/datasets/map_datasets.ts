// Map-style datasets (PyTorch Dataset: length + getItem): EpicKitchen recognition and
// forecasting, and DoMSEV (clips of encoded or frame videos, and single frames). They read
// PyTorchVideo's headered manifest csvs; the clip list is fixed at construction (as in
// PyTorchVideo), so a loader worker gets it as data and rebuilds the same dataset.
import { ArgumentError } from '../../runtime/errors.js';
import { manualSeed, random } from '../../runtime/random.js';
import { Tensor } from '../../runtime/tensor.js';
import { EncodedVideo } from '../encoded_video.js';
import { FrameVideo } from '../frame_video.js';
import type { MapVideoDataset } from '../loader/produce.js';
import { DatasetFileError, readHeaderedCsv } from './host.js';
import type { ClipDict, ClipTransform } from './labeled_video_dataset.js';
import { randperm } from './samplers.js';

type MapCtor = (spec: { kind: string }) => MapVideoDataset;
const mapKinds = new Map<string, MapCtor>();
export function registerMapDatasetKind(kind: string, fromSpec: MapCtor): void { mapKinds.set(kind, fromSpec); }
export function mapDatasetFromSpec(spec: { kind: string }): MapVideoDataset {
  const f = mapKinds.get(spec.kind);
  if (!f) throw new ArgumentError(`map-style dataset kind '${spec.kind}' is not registered in this worker`);
  return f(spec);
}

export type VideoDatasetType = 'frame' | 'encoded';
/** A video of a manifest: an encoded file, or frame files, with the metadata's duration and fps. */
export interface ManifestVideo { videoId: string; duration: number; fps: number; file?: string; framePaths?: string[] }
export interface VideoClipInfo { videoId: string; startTime: number; stopTime: number }

const FRAME_COLS = ['video_id', 'location', 'frame_file_stem', 'frame_string_length', 'min_frame_number', 'max_frame_number', 'file_extension'] as const;

/** <location>/<stem><zero padding><n>.<ext>, padded to frame_string_length (PyTorchVideo). */
function framePath(r: Record<string, string>, n: number): string {
  const idx = String(n), stem = r.frame_file_stem;
  const pad = Math.max(0, Number(r.frame_string_length) - idx.length - stem.length);
  return `${r.location}/${stem}${'0'.repeat(pad)}${idx}.${r.file_extension}`;
}

/**
 * PyTorchVideo's _load_videos: video metadata (videoIdColumn, duration, fps) joined with the data
 * manifest (frame locations or encoded file paths); videos missing from either side, or whose
 * frame count is off by more than fps frames from duration * fps, are dropped.
 */
export function loadManifestVideos(manifestPath: string, videoInfoPath: string, type: VideoDatasetType, videoIdColumn = 'video_id'): Map<string, ManifestVideo> {
  const infos = new Map<string, { duration: number; fps: number }>();
  for (const r of readHeaderedCsv(videoInfoPath, 'video info', [videoIdColumn, 'duration', 'fps'])) infos.set(r[videoIdColumn], { duration: Number(r.duration), fps: Number(r.fps) });
  const out = new Map<string, ManifestVideo>();
  if (type === 'frame') {
    for (const r of readHeaderedCsv(manifestPath, 'video frame manifest', FRAME_COLS)) {
      const info = infos.get(r.video_id);
      if (!info) continue;
      const lo = Number(r.min_frame_number), hi = Number(r.max_frame_number);
      if (Math.abs((hi - lo) - Math.round(info.duration * info.fps)) > info.fps) continue;
      const framePaths: string[] = [];
      for (let n = lo; n <= hi; n++) framePaths.push(framePath(r, n));
      out.set(r.video_id, { videoId: r.video_id, ...info, framePaths });
    }
  } else if (type === 'encoded') {
    for (const r of readHeaderedCsv(manifestPath, 'encoded video manifest', ['video_id', 'file_path'])) {
      const info = infos.get(r.video_id);
      if (info) out.set(r.video_id, { videoId: r.video_id, ...info, file: r.file_path });
    }
  } else throw new ArgumentError(`datasetType must be 'frame' or 'encoded', got '${String(type)}'`);
  return out;
}

/** A map-style dataset over a fixed clip list. */
export abstract class ClipListDataset implements MapVideoDataset {
  protected abstract readonly kind: string;
  transform: ClipTransform | null;
  constructor(readonly videos: Map<string, ManifestVideo>, readonly clips: VideoClipInfo[], transform: ClipTransform | null | undefined,
    protected readonly extra: Record<string, unknown>, protected readonly decodeAudio = true) {
    this.transform = transform ?? null;
  }
  get length(): number { return this.clips.length; }

  protected frameFilter(): ((i: number[]) => number[]) | undefined { return undefined; }

  /** PyTorchVideo's Video.get_clip(start, stop, frame_filter) for either kind of video. */
  protected async decode(c: VideoClipInfo): Promise<{ video: Tensor | null; audio: Tensor | null }> {
    const v = this.videos.get(c.videoId);
    if (!v) throw new ArgumentError(`${this.constructor.name}: clip of unknown video '${c.videoId}'`);
    if (v.framePaths) {
      const fv = FrameVideo.create(v.duration, v.fps, { videoFramePaths: v.framePaths });
      const r = await fv.getClip(c.startTime, c.stopTime, this.frameFilter());
      return { video: r?.video ?? null, audio: null };
    }
    const ev = await EncodedVideo.fromPath(v.file!, { decodeAudio: this.decodeAudio });
    try { return await ev.getClip(Math.max(0, c.startTime), c.stopTime); } finally { ev.close(); }
  }

  protected abstract buildItem(c: VideoClipInfo, decoded: { video: Tensor | null; audio: Tensor | null }): ClipDict;

  async getItem(index: number, o: { seed?: number; transform?: boolean } = {}): Promise<ClipDict> {
    const c = this.clips[index];
    if (!c) throw new ArgumentError(`${this.constructor.name}: index ${index} out of range [0, ${this.length})`);
    if (o.seed !== undefined) manualSeed((o.seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
    let item = this.buildItem(c, await this.decode(c));
    // PyTorchVideo replaces None values by empty tensors.
    for (const k of Object.keys(item)) if (item[k] === null || item[k] === undefined) item[k] = Tensor.empty([0]);
    if (this.transform && o.transform !== false) item = this.transform(item) ?? item;
    return item;
  }

  toSpec(): { kind: string } {
    return { kind: this.kind, videos: [...this.videos.values()], clips: this.clips, extra: this.extra, decodeAudio: this.decodeAudio } as { kind: string };
  }
}

// ---- EpicKitchen ----

/** An EPIC-KITCHENS-55 action annotation row, with start_time / stop_time in seconds. */
export interface ActionData {
  participant_id: string; video_id: string; narration: string; start_timestamp: string; stop_timestamp: string;
  start_frame: number; stop_frame: number; verb: string; verb_class: number; noun: string; noun_class: number;
  all_nouns: string[]; all_noun_classes: number[]; start_time: number; stop_time: number;
}

/** 'HH:MM:SS.ff' -> seconds. */
export function hmsToSeconds(s: string): number {
  const m = /^(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(s.trim());
  if (!m) throw new ArgumentError(`EpicKitchen: timestamp '${s}' is not HH:MM:SS.ff`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** Python-literal lists like "['tap', 'water']" or "[10, 3]". */
function pyList(s: string): unknown[] {
  try { return JSON.parse(s.replace(/'/g, '"')); } catch { throw new ArgumentError(`EpicKitchen: cannot read the list ${s}`); }
}

const ACTION_COLS = ['participant_id', 'video_id', 'narration', 'start_timestamp', 'stop_timestamp', 'start_frame', 'stop_frame', 'verb', 'verb_class', 'noun', 'noun_class', 'all_nouns', 'all_noun_classes'] as const;

export function readActions(path: string): Map<string, ActionData[]> {
  const out = new Map<string, ActionData[]>();
  for (const r of readHeaderedCsv(path, 'EpicKitchen actions', ACTION_COLS)) {
    const a: ActionData = {
      participant_id: r.participant_id, video_id: r.video_id, narration: r.narration, start_timestamp: r.start_timestamp, stop_timestamp: r.stop_timestamp,
      start_frame: Number(r.start_frame), stop_frame: Number(r.stop_frame), verb: r.verb, verb_class: Number(r.verb_class), noun: r.noun, noun_class: Number(r.noun_class),
      all_nouns: pyList(r.all_nouns) as string[], all_noun_classes: pyList(r.all_noun_classes) as number[],
      start_time: hmsToSeconds(r.start_timestamp), stop_time: hmsToSeconds(r.stop_timestamp),
    };
    let l = out.get(a.video_id); if (!l) out.set(a.video_id, l = []); l.push(a);
  }
  return out;
}

export interface EpicKitchenRecognitionArgs {
  videoInfoFilePath: string;
  actionsFilePath: string;
  videoDataManifestFilePath: string;
  /** Only PyTorchVideo's RandomOffsetUniform. */
  clipSampling?: 'random_offset_uniform';
  datasetType?: VideoDatasetType;
  secondsPerClip?: number;
  framesPerClip?: number | null;
  transform?: ClipTransform | null;
  /** Seeds the random clip offsets (vidwasm's generator otherwise). */
  seed?: number;
}

/**
 * EpicKitchen action recognition: clips of secondsPerClip back to back after a random offset
 * in [0, secondsPerClip) per video; each item's `actions` are the actions overlapping the clip.
 */
export class EpicKitchenRecognitionDataset extends ClipListDataset {
  protected readonly kind = 'EpicKitchenRecognition';
  constructor(videos: Map<string, ManifestVideo>, clips: VideoClipInfo[], readonly actions: Map<string, ActionData[]>, readonly framesPerClip: number | null, transform?: ClipTransform | null) {
    super(videos, clips, transform, { actions: [...actions], framesPerClip });
  }
  protected override frameFilter(): ((i: number[]) => number[]) | undefined {
    const k = this.framesPerClip;
    if (!k) return undefined;
    return (idx) => { const step = Math.max(1, Math.floor(idx.length / k)); return idx.filter((_, i) => i % step === 0); };
  }
  protected buildItem(c: VideoClipInfo, d: { video: Tensor | null; audio: Tensor | null }): ClipDict {
    const actions = (this.actions.get(c.videoId) ?? []).filter((a) => a.start_time <= c.stopTime && a.stop_time >= c.startTime);
    return { video_id: c.videoId, video: d.video, audio: d.audio, actions, start_time: c.startTime, stop_time: c.stopTime };
  }
}

export function EpicKitchenRecognition(args: EpicKitchenRecognitionArgs): EpicKitchenRecognitionDataset {
  if ((args.clipSampling ?? 'random_offset_uniform') !== 'random_offset_uniform') throw new ArgumentError(`EpicKitchenRecognition: only 'random_offset_uniform' clip sampling exists, got '${args.clipSampling}'`);
  const videos = loadManifestVideos(args.videoDataManifestFilePath, args.videoInfoFilePath, args.datasetType ?? 'frame', 'video');
  const actions = readActions(args.actionsFilePath);
  const spc = args.secondsPerClip ?? 2.0;
  if (args.seed !== undefined) manualSeed(args.seed);
  const clips: VideoClipInfo[] = [];
  for (const [videoId, v] of videos) {
    const offset = random.uniform() * spc;
    const n = Math.floor((v.duration - offset) / spc);
    for (let i = 0; i < n; i++) clips.push({ videoId, startTime: i * spc + offset, stopTime: i * spc + offset + spc });
  }
  return new EpicKitchenRecognitionDataset(videos, clips, actions, args.framesPerClip ?? null, args.transform);
}

export interface EpicKitchenForecastingArgs {
  videoInfoFilePath: string;
  actionsFilePath: string;
  videoDataManifestFilePath: string;
  /** Only PyTorchVideo's Random. */
  clipSampling?: 'random';
  datasetType?: VideoDatasetType;
  secondsPerClip?: number;
  clipTimeStride?: number;
  numInputClips?: number;
  framesPerClip?: number;
  numForecastActions?: number;
  transform?: ClipTransform | null;
}

/**
 * EpicKitchen action forecasting: for each action followed by numForecastActions later actions,
 * an input window ending at the action's end (numInputClips sub-clips of secondsPerClip,
 * clipTimeStride apart); `video` is [numInputClips, C, framesPerClip, H, W] and `actions` the
 * next numForecastActions actions after the window.
 */
export class EpicKitchenForecastingDataset extends ClipListDataset {
  protected readonly kind = 'EpicKitchenForecasting';
  constructor(videos: Map<string, ManifestVideo>, clips: VideoClipInfo[], readonly actions: Map<string, ActionData[]>, readonly cfg: Required<Pick<EpicKitchenForecastingArgs, 'secondsPerClip' | 'clipTimeStride' | 'numInputClips' | 'framesPerClip' | 'numForecastActions'>>, transform?: ClipTransform | null) {
    super(videos, clips, transform, { actions: [...actions], cfg });
  }
  protected override frameFilter(): (i: number[]) => number[] {
    const { secondsPerClip, clipTimeStride, numInputClips, framesPerClip } = this.cfg;
    const window = secondsPerClip + (numInputClips - 1) * clipTimeStride;
    const wantFps = framesPerClip / secondsPerClip;
    return (idx) => {
      const haveFps = idx.length / window;
      const stride = Math.floor(haveFps / wantFps);
      const sel = new Set<number>();
      for (let i = 0; i < numInputClips; i++) {
        const s = Math.trunc(i * clipTimeStride * haveFps);
        for (let j = 0; j < framesPerClip; j++) sel.add(s + j * stride);
      }
      return idx.filter((_, i) => sel.has(i));
    };
  }
  protected buildItem(c: VideoClipInfo, d: { video: Tensor | null; audio: Tensor | null }): ClipDict {
    const { numInputClips: n, framesPerClip: f, numForecastActions: k } = this.cfg;
    const next = (this.actions.get(c.videoId) ?? []).filter((a) => a.start_time > c.stopTime).slice(0, k);
    let video = d.video;
    if (video) {
      const [C, T, H, W] = video.shape;
      if (T !== n * f) { video.dispose(); throw new ArgumentError(`EpicKitchenForecasting: clip of ${c.videoId} has ${T} frames, expected numInputClips * framesPerClip = ${n * f}`); }
      // [C, n*f, H, W] -> [n, C, f, H, W]
      const out = Tensor.empty([n, C, f, H, W], video.dtype);
      const src = video.data(), dst = out.data(), plane = H * W;
      for (let i = 0; i < n; i++) for (let ch = 0; ch < C; ch++) for (let t = 0; t < f; t++) {
        const s = (ch * T + i * f + t) * plane, o = ((i * C + ch) * f + t) * plane;
        dst.set(src.subarray(s, s + plane) as never, o);
      }
      video.dispose();
      video = out;
    }
    return { video_id: c.videoId, video, audio: d.audio, actions: next, start_time: c.startTime, stop_time: c.stopTime };
  }
}

export function EpicKitchenForecasting(args: EpicKitchenForecastingArgs): EpicKitchenForecastingDataset {
  if ((args.clipSampling ?? 'random') !== 'random') throw new ArgumentError(`EpicKitchenForecasting: only 'random' clip sampling exists, got '${args.clipSampling}'`);
  const cfg = { secondsPerClip: args.secondsPerClip ?? 2.0, clipTimeStride: args.clipTimeStride ?? 10.0, numInputClips: args.numInputClips ?? 1, framesPerClip: args.framesPerClip ?? 1, numForecastActions: args.numForecastActions ?? 1 };
  const videos = loadManifestVideos(args.videoDataManifestFilePath, args.videoInfoFilePath, args.datasetType ?? 'frame', 'video');
  const actions = readActions(args.actionsFilePath);
  const window = cfg.secondsPerClip + (cfg.numInputClips - 1) * cfg.clipTimeStride;
  const clips: VideoClipInfo[] = [];
  for (const [videoId, acts] of actions) {
    if (!videos.has(videoId)) continue;
    acts.slice(0, Math.max(0, acts.length - cfg.numForecastActions)).forEach((a, i) => {
      let valid = 0;
      for (let j = i + 1; j < acts.length; j++) {
        if (acts[j].start_time > a.stop_time) valid++;
        if (valid === cfg.numForecastActions) {
          if (a.start_time - window >= 0) clips.push({ videoId, startTime: a.stop_time - window, stopTime: a.stop_time });
          break;
        }
      }
    });
  }
  return new EpicKitchenForecastingDataset(videos, clips, actions, cfg, args.transform);
}

// ---- DoMSEV ----

export interface DomsevLabel { video_id: string; start_time: number; stop_time: number; start_frame: number; stop_frame: number; label_id: number; label_name: string }
const LABEL_COLS = ['video_id', 'start_time', 'stop_time', 'start_frame', 'stop_frame', 'label_id', 'label_name'] as const;

export function readDomsevLabels(path: string): Map<string, DomsevLabel[]> {
  const out = new Map<string, DomsevLabel[]>();
  for (const r of readHeaderedCsv(path, 'DoMSEV labels', LABEL_COLS)) {
    const l: DomsevLabel = { video_id: r.video_id, start_time: Number(r.start_time), stop_time: Number(r.stop_time), start_frame: Number(r.start_frame), stop_frame: Number(r.stop_frame), label_id: Number(r.label_id), label_name: r.label_name };
    let a = out.get(l.video_id); if (!a) out.set(l.video_id, a = []); a.push(l);
  }
  return out;
}

export type DomsevClipSampler = (videos: Map<string, ManifestVideo>, labels: Map<string, DomsevLabel[]>) => VideoClipInfo[];

export interface DomsevVideoArgs {
  videoDataManifestFilePath: string;
  videoInfoFilePath: string;
  labelsFilePath: string;
  clipSampler: DomsevClipSampler;
  datasetType?: VideoDatasetType;
  /** The stored videos' frame rate, for one label per frame. Default 1. */
  framesPerSecond?: number;
  transform?: ClipTransform | null;
}

/** DoMSEV clips: `labels` is an i32 tensor of one label id per frame (at framesPerSecond) of the clip. */
export class DomsevVideoDatasetImpl extends ClipListDataset {
  protected readonly kind = 'DomsevVideo';
  constructor(videos: Map<string, ManifestVideo>, clips: VideoClipInfo[], readonly labels: Map<string, DomsevLabel[]>, readonly framesPerSecond: number, transform?: ClipTransform | null) {
    super(videos, clips, transform, { labels: [...labels], framesPerSecond });
  }
  protected buildItem(c: VideoClipInfo, d: { video: Tensor | null; audio: Tensor | null }): ClipDict {
    const ids: number[] = [];
    for (const l of this.labels.get(c.videoId) ?? []) {
      if (!(c.startTime <= l.stop_time && l.start_time <= c.stopTime)) continue;
      const s = Math.floor(Math.max(c.startTime, l.start_time) * this.framesPerSecond), e = Math.floor(Math.min(c.stopTime, l.stop_time) * this.framesPerSecond);
      for (let i = s; i < e; i++) ids.push(l.label_id);
    }
    return { video_id: c.videoId, video: d.video, audio: d.audio, labels: Tensor.from(new Int32Array(ids), [ids.length]), start_time: c.startTime, stop_time: c.stopTime };
  }
}

export function DomsevVideoDataset(args: DomsevVideoArgs): DomsevVideoDatasetImpl {
  const videos = loadManifestVideos(args.videoDataManifestFilePath, args.videoInfoFilePath, args.datasetType ?? 'frame');
  const labels = readDomsevLabels(args.labelsFilePath);
  return new DomsevVideoDatasetImpl(videos, args.clipSampler(videos, labels), labels, args.framesPerSecond ?? 1, args.transform);
}

export interface DomsevFrameArgs {
  videoDataManifestFilePath: string;
  videoInfoFilePath: string;
  labelsFilePath: string;
  transform?: ClipTransform | null;
  /** Seeds the frame shuffle (PyTorchVideo shuffles the frames once, at construction). */
  seed?: number;
}

interface FrameItem { videoId: string; frameId: string; frameNumber: number; path: string; label: number | undefined }

/** DoMSEV single frames: {frame_id, image: u8 [3, H, W], label}. */
export class DomsevFrameDatasetImpl implements MapVideoDataset {
  transform: ClipTransform | null;
  constructor(readonly frames: FrameItem[], transform?: ClipTransform | null) { this.transform = transform ?? null; }
  get length(): number { return this.frames.length; }
  async getItem(index: number, o: { seed?: number; transform?: boolean } = {}): Promise<ClipDict> {
    const f = this.frames[index];
    if (!f) throw new ArgumentError(`DomsevFrameDataset: index ${index} out of range [0, ${this.length})`);
    if (f.label === undefined) throw new DatasetFileError(f.path, `DomsevFrameDataset: frame ${f.frameId} (${f.path}) has no label`);
    const clip = (await FrameVideo.fromFramePaths([f.path], 1).getClip(0, 1))!;
    const [C, , H, W] = clip.video.shape;
    const image = Tensor.empty([C, H, W], 'u8');
    image.data().set(clip.video.data() as never);
    clip.video.dispose();
    let item: ClipDict = { frame_id: f.frameId, image, label: f.label };
    if (this.transform && o.transform !== false) item = this.transform(item) ?? item;
    return item;
  }
  toSpec(): { kind: string } { return { kind: 'DomsevFrame', frames: this.frames } as { kind: string }; }
}

export function DomsevFrameDataset(args: DomsevFrameArgs): DomsevFrameDatasetImpl {
  const videos = loadManifestVideos(args.videoDataManifestFilePath, args.videoInfoFilePath, 'frame');
  const labels = readDomsevLabels(args.labelsFilePath);
  const frames: FrameItem[] = [];
  for (const v of videos.values()) {
    const man = readHeaderedCsv(args.videoDataManifestFilePath, 'video frame manifest', FRAME_COLS).find((r) => r.video_id === v.videoId)!;
    const lo = Number(man.min_frame_number), hi = Number(man.max_frame_number);
    // zip(paths, range(min, max)): PyTorchVideo's pairing leaves out the last frame
    for (let n = lo; n < hi; n++) {
      const path = v.framePaths![n - lo];
      const frameId = path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
      let label: number | undefined;
      for (const l of labels.get(v.videoId) ?? []) if (n >= l.start_frame && n <= l.stop_frame) label = l.label_id;
      frames.push({ videoId: v.videoId, frameId, frameNumber: n, path, label });
    }
  }
  const g = args.seed !== undefined ? (manualSeed(args.seed), random) : random;
  const order = randperm(frames.length, g);
  return new DomsevFrameDatasetImpl(order.map((i) => frames[i]), args.transform);
}

type AnySpec = { kind: string; videos?: ManifestVideo[]; clips?: VideoClipInfo[]; extra?: Record<string, any>; frames?: FrameItem[] };
const vmap = (s: AnySpec) => new Map(s.videos!.map((v) => [v.videoId, v]));
registerMapDatasetKind('EpicKitchenRecognition', (s: AnySpec) => new EpicKitchenRecognitionDataset(vmap(s), s.clips!, new Map(s.extra!.actions), s.extra!.framesPerClip));
registerMapDatasetKind('EpicKitchenForecasting', (s: AnySpec) => new EpicKitchenForecastingDataset(vmap(s), s.clips!, new Map(s.extra!.actions), s.extra!.cfg));
registerMapDatasetKind('DomsevVideo', (s: AnySpec) => new DomsevVideoDatasetImpl(vmap(s), s.clips!, new Map(s.extra!.labels), s.extra!.framesPerSecond));
registerMapDatasetKind('DomsevFrame', (s: AnySpec) => new DomsevFrameDatasetImpl(s.frames!));
