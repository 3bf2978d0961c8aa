// PyTorchVideo's dataset manifests (pytorchvideo/data/dataset_manifest_utils.py), shared by
// EpicKitchen and DoMSEV: a video-info csv (video_id, resolution, duration, fps) joined with a
// frame manifest (where each video's numbered frame files are) or an encoded-video manifest
// (video_id, file_path); and the map-style dataset over a fixed clip list that both build on.
// The clip list is fixed at construction (as in PyTorchVideo), so a loader worker gets it as
// data and rebuilds the same dataset.
import { ArgumentError } from '../../runtime/errors.js';
import { manualSeed } from '../../runtime/random.js';
import { Tensor } from '../../runtime/tensor.js';
import { EncodedVideo } from '../encoded_video.js';
import { pyRound } from '../fraction.js';
import { FrameVideo } from '../frame_video.js';
import type { MapVideoDataset } from './contracts.js';
import { DatasetFileError, readHeaderedCsv } from './host.js';
import type { ClipDict, ClipTransform } from './labeled_video_dataset.js';

export type VideoDatasetType = 'frame' | 'encoded';
/** A video of a manifest: an encoded file, or frame files, with the video info's duration and fps. */
export interface ManifestVideo { videoId: string; duration: number; fps: number; file?: string; framePaths?: string[]; minFrame?: number }
/** PyTorchVideo's VideoClipInfo (video_id, start_time, stop_time), camelCased. */
export interface VideoClipInfo { videoId: string; startTime: number; stopTime: number }

export const FRAME_COLS = ['video_id', 'location', 'frame_file_stem', 'frame_string_length', 'min_frame_number', 'max_frame_number', 'file_extension'] as const;

/** <location>/<stem><zero padding><n>.<ext>, padded to frame_string_length (PyTorchVideo). */
function framePath(r: Record<string, string>, n: number): string {
  const idx = String(n), stem = r.frame_file_stem;
  const pad = Math.max(0, Number(r.frame_string_length) - idx.length - stem.length);
  return `${r.location}/${stem}${'0'.repeat(pad)}${idx}.${r.file_extension}`;
}

/** A headered csv keyed by video_id; a repeated id is an error (PyTorchVideo asserts). */
function byVideoId(path: string, what: string, cols: readonly string[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const r of readHeaderedCsv(path, what, cols)) {
    if (out.has(r.video_id)) throw new DatasetFileError(path, `${what}: video_id '${r.video_id}' appears twice in ${path}`);
    out.set(r.video_id, r);
  }
  return out;
}

/**
 * PyTorchVideo's VideoDataset._load_videos: frame videos in the video-info file's order, those
 * missing from the frame manifest dropped, and those whose frame count (max - min) is off by
 * more than fps from round(duration * fps); encoded videos in the manifest's order, those
 * without video info dropped.
 */
export function loadManifestVideos(manifestPath: string, videoInfoPath: string, type: VideoDatasetType): Map<string, ManifestVideo> {
  if (type !== 'frame' && type !== 'encoded') throw new ArgumentError(`datasetType must be 'frame' or 'encoded', got '${String(type)}'`);
  const infos = byVideoId(videoInfoPath, 'video info', ['video_id', 'duration', 'fps']);
  const info = (r: Record<string, string>) => ({ duration: Number(r.duration), fps: Number(r.fps) });
  const out = new Map<string, ManifestVideo>();
  if (type === 'encoded') {
    for (const [id, r] of byVideoId(manifestPath, 'encoded video manifest', ['video_id', 'file_path'])) {
      const i = infos.get(id);
      if (i) out.set(id, { videoId: id, ...info(i), file: r.file_path });
    }
    return out;
  }
  const frames = byVideoId(manifestPath, 'video frame manifest', FRAME_COLS);
  for (const [id, i] of infos) {
    const r = frames.get(id);
    if (!r) continue;
    const { duration, fps } = info(i);
    const lo = Number(r.min_frame_number), hi = Number(r.max_frame_number);
    if (Math.abs((hi - lo) - pyRound(duration * fps)) > fps) continue;
    const framePaths: string[] = [];
    for (let n = lo; n <= hi; n++) framePaths.push(framePath(r, n));
    out.set(id, { videoId: id, duration, fps, framePaths, minFrame: lo });
  }
  return out;
}

type MapCtor = (spec: { kind: string }) => MapVideoDataset;
const mapKinds = new Map<string, MapCtor>();
/** Registers a map-style dataset class so a loader worker can rebuild it from its spec (its toSpec()). */
export function registerMapDatasetKind<S extends { kind: string }>(kind: string, fromSpec: (spec: S) => MapVideoDataset): void {
  mapKinds.set(kind, fromSpec as MapCtor);
}
export function mapDatasetFromSpec(spec: { kind: string }): MapVideoDataset {
  const f = mapKinds.get(spec.kind);
  if (!f) throw new ArgumentError(`map-style dataset kind '${spec.kind}' is not registered in this worker`);
  return f(spec);
}

/** What Video.get_clip gives: frame videos add frame_indices. */
export interface DecodedClip { video: Tensor | null; audio: Tensor | null; frame_indices?: number[] }

/** A map-style dataset over a fixed clip list. */
export abstract class ClipListDataset implements MapVideoDataset {
  protected abstract readonly kind: string;
  transform: ClipTransform | null;
  constructor(readonly videos: Map<string, ManifestVideo>, readonly clips: VideoClipInfo[], transform: ClipTransform | null | undefined,
    protected readonly extra: Record<string, unknown>, protected readonly decodeAudio = true) {
    this.transform = transform ?? null;
  }
  get length(): number { return this.clips.length; }

  /** Sub-selects a frame video's frame indices before they are read (EpicKitchen's frames_per_clip). */
  protected frameFilter(): ((i: number[]) => number[]) | undefined { return undefined; }

  /** PyTorchVideo's Video.get_clip(start, stop[, frame_filter]) for either kind of video. */
  protected async decode(c: VideoClipInfo): Promise<DecodedClip> {
    const v = this.videos.get(c.videoId);
    if (!v) throw new ArgumentError(`${this.constructor.name}: clip of unknown video '${c.videoId}'`);
    if (v.framePaths) {
      const fv = FrameVideo.create(v.duration, v.fps, { videoFramePaths: v.framePaths });
      const r = await fv.getClip(c.startTime, c.stopTime, this.frameFilter());
      return { video: r?.video ?? null, frame_indices: r?.frameIndices ?? [], audio: null };
    }
    const ev = await EncodedVideo.fromPath(v.file!, { decodeAudio: this.decodeAudio });
    try { return await ev.getClip(Math.max(0, c.startTime), c.stopTime); } finally { ev.close(); }
  }

  /** The clip dict: {video_id, ...decoded, <labels>, start_time, stop_time}. */
  protected abstract buildItem(c: VideoClipInfo, decoded: DecodedClip): ClipDict;

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

/** The parts of a ClipListDataset spec its registered constructor reads. */
export type ClipListSpec = { kind: string; videos: ManifestVideo[]; clips: VideoClipInfo[]; extra: Record<string, any> };
export const videosOf = (s: ClipListSpec) => new Map(s.videos.map((v) => [v.videoId, v]));
