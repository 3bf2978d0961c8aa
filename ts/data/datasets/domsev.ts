// DoMSEV (pytorchvideo/data/domsev.py): labelled time spans of egocentric videos; clips of a
// manifest's videos with one label per frame (at framesPerSecond), and single labelled frames.
import { ArgumentError } from '../../runtime/errors.js';
import { manualSeed, random } from '../../runtime/random.js';
import { Tensor } from '../../runtime/tensor.js';
import { FrameVideo } from '../frame_video.js';
import type { MapVideoDataset } from './contracts.js';
import { DatasetFileError, readHeaderedCsv } from './host.js';
import type { ClipDict, ClipTransform } from './labeled_video_dataset.js';
import {
  ClipListDataset, loadManifestVideos, registerMapDatasetKind, videosOf,
  type ClipListSpec, type DecodedClip, type ManifestVideo, type VideoClipInfo, type VideoDatasetType,
} from './manifest.js';
import { randperm } from './samplers.js';

/** PyTorchVideo's LabelData row. */
export interface DomsevLabel { video_id: string; start_time: number; stop_time: number; start_frame: number; stop_frame: number; label_id: number; label_name: string }
const LABEL_COLS = ['video_id', 'start_time', 'stop_time', 'start_frame', 'stop_frame', 'label_id', 'label_name'] as const;

/** Labels per video, in file order. */
export function readDomsevLabels(path: string): Map<string, DomsevLabel[]> {
  const out = new Map<string, DomsevLabel[]>();
  for (const r of readHeaderedCsv(path, 'DoMSEV labels', LABEL_COLS)) {
    const l: DomsevLabel = {
      video_id: r.video_id, start_time: Number(r.start_time), stop_time: Number(r.stop_time), start_frame: Number(r.start_frame),
      stop_frame: Number(r.stop_frame), label_id: Number(r.label_id), label_name: r.label_name,
    };
    let a = out.get(l.video_id); if (!a) out.set(l.video_id, a = []); a.push(l);
  }
  return out;
}

/** Chooses the clips: PyTorchVideo's clip_sampler(videos, labels) -> List[VideoClipInfo]. */
export type DomsevClipSampler = (videos: Map<string, ManifestVideo>, labels: Map<string, DomsevLabel[]>) => VideoClipInfo[];

interface DomsevFiles {
  videoDataManifestFilePath: string;
  videoInfoFilePath: string;
  labelsFilePath: string;
  transform?: ClipTransform | null;
}

export interface DomsevVideoArgs extends DomsevFiles {
  clipSampler: DomsevClipSampler;
  datasetType?: VideoDatasetType;
  /** The rate at which labels are given per clip (one per frame at this rate). Default 1. */
  framesPerSecond?: number;
}

/**
 * DoMSEV clips: `labels` is an i32 tensor of one label id per 1/framesPerSecond of each label's
 * overlap with the clip (PyTorchVideo's _seconds_to_frame_index: floor(t * fps)).
 */
export class DomsevVideoDatasetImpl extends ClipListDataset {
  protected readonly kind = 'DomsevVideo';
  constructor(videos: Map<string, ManifestVideo>, clips: VideoClipInfo[], readonly labels: Map<string, DomsevLabel[]>,
    readonly framesPerSecond: number, transform?: ClipTransform | null) {
    super(videos, clips, transform, { labels: [...labels], framesPerSecond });
  }
  protected buildItem(c: VideoClipInfo, d: DecodedClip): ClipDict {
    const ids: number[] = [];
    for (const l of this.labels.get(c.videoId) ?? []) {
      if (!(c.startTime <= l.stop_time && l.start_time <= c.stopTime)) continue;
      const s = Math.floor(Math.max(c.startTime, l.start_time) * this.framesPerSecond);
      const e = Math.floor(Math.min(c.stopTime, l.stop_time) * this.framesPerSecond);
      for (let i = s; i < e; i++) ids.push(l.label_id);
    }
    return { video_id: c.videoId, ...d, labels: Tensor.from(new Int32Array(ids), [ids.length]), start_time: c.startTime, stop_time: c.stopTime };
  }
}

export function DomsevVideoDataset(args: DomsevVideoArgs): DomsevVideoDatasetImpl {
  const videos = loadManifestVideos(args.videoDataManifestFilePath, args.videoInfoFilePath, args.datasetType ?? 'frame');
  const labels = readDomsevLabels(args.labelsFilePath);
  return new DomsevVideoDatasetImpl(videos, args.clipSampler(videos, labels), labels, args.framesPerSecond ?? 1, args.transform);
}

export interface DomsevFrameArgs extends DomsevFiles {
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

/**
 * PyTorchVideo's ImageDataset._load_images + _assign_labels_to_frames: the frames min..max-1
 * of each manifest video (zip with range(min, max) leaves out the last), keyed by file stem,
 * each labelled by the last label whose frame span holds it; then shuffled once.
 */
export function DomsevFrameDataset(args: DomsevFrameArgs): DomsevFrameDatasetImpl {
  const videos = loadManifestVideos(args.videoDataManifestFilePath, args.videoInfoFilePath, 'frame');
  const labels = readDomsevLabels(args.labelsFilePath);
  const byId = new Map<string, FrameItem>();
  for (const v of videos.values()) {
    const paths = v.framePaths!;
    for (let k = 0; k < paths.length - 1; k++) {
      const n = v.minFrame! + k, path = paths[k];
      const frameId = path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
      let label: number | undefined;
      for (const l of labels.get(v.videoId) ?? []) if (n >= l.start_frame && n <= l.stop_frame) label = l.label_id;
      byId.set(frameId, { videoId: v.videoId, frameId, frameNumber: n, path, label });
    }
  }
  const frames = [...byId.values()];
  if (args.seed !== undefined) manualSeed(args.seed);
  return new DomsevFrameDatasetImpl(randperm(frames.length, random).map((i) => frames[i]), args.transform);
}

registerMapDatasetKind('DomsevVideo', (s: ClipListSpec) =>
  new DomsevVideoDatasetImpl(videosOf(s), s.clips, new Map(s.extra.labels), s.extra.framesPerSecond));
registerMapDatasetKind('DomsevFrame', (s: { kind: string; frames: FrameItem[] }) => new DomsevFrameDatasetImpl(s.frames));
