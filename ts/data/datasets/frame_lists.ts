// Charades, Something-Something v2 and AVA: videos stored as JPEG frames, listed in PySlowFast
// "frame list" files (space separated, header `original_vido_id video_id frame_id path labels`).
import { ArgumentError } from '../../runtime/errors.js';
import { Tensor } from '../../runtime/tensor.js';
import type { ClipInfo, ClipInfoList, ClipSampler } from '../clip_sampling.js';
import { random } from '../../runtime/random.js';
import { uniformTemporalIndices } from '../transforms/functional_video.js';
import { Fraction, pyRound } from '../fraction.js';
import { TimeStampClipSampler } from '../clip_sampling.js';
import { DatasetFileError, joinPath, readText, splitCsvLine } from './host.js';
import {
  LabeledVideoDataset, registerDatasetKind, type ClipDict, type LabeledVideoDatasetOptions, type LoadedClip, type OpenedVideo,
} from './labeled_video_dataset.js';
import type { LabeledVideo, VideoInfoDict, VideoSource } from './labeled_video_paths.js';

interface FrameRow { video: string; frameId: number; path: string; labels: string }

/** Rows of a frame list (header required, as csv.DictReader reads it). */
export function readFrameList(file: string, what: string, prefix = ''): FrameRow[] {
  const lines = readText(file, what).split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new DatasetFileError(file, `${what}: ${file} is empty`);
  return lines.slice(1).map((l, i) => {
    const row = splitCsvLine(l.trim(), ' ').filter((c, j, a) => c !== '' || j === a.length - 1);
    if (row.length !== 5) throw new DatasetFileError(file, `${what}: ${file} line ${i + 2} has ${row.length} fields, expected 5 (original_vido_id video_id frame_id path labels)`);
    return { video: row[0], frameId: Number(row[2]), path: joinPath(prefix, row[3]), labels: row[4] };
  });
}

/** Groups rows by video in first-appearance order (Python's dict order). */
function groupByVideo<T>(rows: FrameRow[], f: (r: FrameRow) => T): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) { let a = m.get(r.video); if (!a) m.set(r.video, a = []); a.push(f(r)); }
  return m;
}

const parseLabels = (s: string) => { const t = s.replace(/"/g, '').trim(); return t ? t.split(',').map(Number) : []; };

export interface CharadesArgs extends LabeledVideoDatasetOptions {
  /** The frame list csv. */
  dataPath: string;
  clipSampler: ClipSampler;
  videoPathPrefix?: string;
  /** Frames per clip, sampled uniformly over the clip's frames. */
  framesPerClip?: number | null;
}

/** Charades' _sample_clip_frames: float32 linspace(0, n-1, k), clamped, truncated (torch .long()). */
export function uniformFrameFilter(framesPerClip: number): (idx: number[]) => number[] {
  return (idx) => (idx.length === 0 ? idx : uniformTemporalIndices(idx.length, framesPerClip).map((i) => idx[i]));
}

/**
 * Charades (multi-label): each frame has its own label list. The clip's `label` is the list
 * of per-frame label lists over the clip's frame span, `video_label` the sorted union over the
 * whole video, `video_name` the video's position (PyTorchVideo's str(video_index)).
 */
export class CharadesDataset extends LabeledVideoDataset {
  static readonly NUM_CLASSES = 157;
  protected override kind = 'Charades';
  protected override readonly firstClipTime = 0.0;
  constructor(videos: LabeledVideo[], clipSampler: ClipSampler, opts: LabeledVideoDatasetOptions & { framesPerClip?: number | null } = {}) {
    const fpc = opts.framesPerClip;
    super(videos, clipSampler, { decodeAudio: false, ...opts, frameFilter: fpc ? uniformFrameFilter(fpc) : null });
  }
  protected override buildSample(_v: OpenedVideo, videoIndex: number, info: VideoInfoDict, ci: ClipInfo | ClipInfoList, clip: LoadedClip): ClipDict {
    const c = Array.isArray(clip) ? clip[0] : clip;
    const fi = c.frameIndices ?? [];
    const frameLabels = info.frameLabels as number[][];
    const lo = Math.min(...fi), hi = Math.max(...fi);
    const label: number[][] = [];
    for (let i = lo; i <= hi; i++) label.push(frameLabels[i] ?? []);
    return {
      video: Array.isArray(clip) ? clip.map((x) => x.video) : clip.video,
      label, video_label: info.videoLabel, video_name: String(videoIndex),
      video_index: videoIndex, clip_index: ci.clipIndex, aug_index: ci.augIndex,
    };
  }
}

export function Charades(args: CharadesArgs): CharadesDataset {
  const rows = readFrameList(args.dataPath, 'Charades', args.videoPathPrefix ?? '');
  const byVideo = groupByVideo(rows, (r) => r);
  const videos: LabeledVideo[] = [...byVideo.values()].map((rs) => {
    const frameLabels = rs.map((r) => parseLabels(r.labels));
    const videoLabel = [...new Set(frameLabels.flat())].sort((a, b) => a - b);
    return [{ framePaths: rs.map((r) => r.path), fps: args.fps ?? 30 }, { frameLabels, videoLabel }];
  });
  return new CharadesDataset(videos, args.clipSampler, args);
}

export interface SSv2Args extends LabeledVideoDatasetOptions {
  /** something-something-v2-labels.json: {"template text": "index", ...}. */
  labelNameFile: string;
  /** something-something-v2-{train,validation}.json: [{id, template, ...}, ...]. */
  videoLabelFile: string;
  /** The frame list csv. */
  videoPathLabelFile: string;
  clipSampler: ClipSampler;
  videoPathPrefix?: string;
  framesPerClip?: number | null;
  /** Pick a random frame per segment instead of the middle one. */
  randSampleFrames?: boolean;
}

/**
 * SSv2's segment sampling: framesPerClip segments of the whole video, the middle frame of each
 * (or a random one, randint inclusive, from vidwasm's generator).
 */
export function ssv2FrameFilter(framesPerClip: number, randSample: boolean): (idx: number[]) => number[] {
  return (idx) => {
    const seg = (idx.length - 1) / framesPerClip;
    const out: number[] = [];
    for (let i = 0; i < framesPerClip; i++) {
      const s = pyRound(seg * i), e = pyRound(seg * (i + 1)); // np.round: halves to even
      out.push(idx[randSample ? s + random.int(e - s + 1) : Math.floor((s + e) / 2)]);
    }
    return out;
  };
}

/** SSv2: every clip is the whole video (frame-filtered); the label is the template's index. */
export class SSv2Dataset extends LabeledVideoDataset {
  protected override kind = 'SSv2';
  protected override readonly firstClipTime = 0.0;
  constructor(videos: LabeledVideo[], clipSampler: ClipSampler, opts: LabeledVideoDatasetOptions & { framesPerClip?: number | null; randSampleFrames?: boolean } = {}) {
    const fpc = opts.framesPerClip;
    super(videos, clipSampler, { decodeAudio: false, ...opts, frameFilter: fpc ? ssv2FrameFilter(fpc, opts.randSampleFrames ?? false) : null });
  }
  protected override async openVideo(source: VideoSource): Promise<OpenedVideo> {
    const v = await super.openVideo(source);
    return { ...v, getClip: () => v.getClip(0, v.duration) };
  }
  protected override buildSample(_v: OpenedVideo, videoIndex: number, info: VideoInfoDict, ci: ClipInfo | ClipInfoList, clip: LoadedClip): ClipDict {
    return {
      video: Array.isArray(clip) ? clip.map((x) => x.video) : clip.video,
      label: info.label, video_name: String(videoIndex),
      video_index: videoIndex, clip_index: ci.clipIndex, aug_index: ci.augIndex,
    };
  }
}

export function SSv2(args: SSv2Args): SSv2Dataset {
  const rows = readFrameList(args.videoPathLabelFile, 'SSv2', args.videoPathPrefix ?? '');
  const paths = groupByVideo(rows, (r) => r.path);
  let names: Record<string, string | number>, list: Array<{ id: string; template: string }>;
  try { names = JSON.parse(readText(args.labelNameFile, 'SSv2')); } catch (e) { throw wrapJson(args.labelNameFile, e); }
  try { list = JSON.parse(readText(args.videoLabelFile, 'SSv2')); } catch (e) { throw wrapJson(args.videoLabelFile, e); }
  const videos: LabeledVideo[] = [];
  for (const v of list) {
    const p = paths.get(String(v.id));
    if (!p) continue;
    const template = v.template.replace(/\[/g, '').replace(/\]/g, '');
    if (!(template in names)) throw new DatasetFileError(args.labelNameFile, `SSv2: template '${template}' of video ${v.id} is not in ${args.labelNameFile}`);
    videos.push([{ framePaths: p, fps: args.fps ?? 30 }, { label: Number(names[template]) }]);
  }
  if (videos.length === 0) throw new DatasetFileError(args.videoLabelFile, `SSv2: no video of ${args.videoLabelFile} appears in ${args.videoPathLabelFile}`);
  return new SSv2Dataset(videos, args.clipSampler, args);
}

function wrapJson(file: string, e: unknown): Error {
  return e instanceof DatasetFileError ? e : new DatasetFileError(file, `SSv2: ${file} is not valid JSON (${(e as Error).message})`);
}

// ---- AVA ----

/** AVA annotates seconds 902..1798 of each video; frames start at second 900 (30 fps). */
export const AVA_VALID_FRAMES: readonly [number, number] = [902, 1798];
export const AVA_VIDEO_START_SEC = 900;

export interface AvaArgs extends LabeledVideoDatasetOptions {
  framePathsFile: string;
  frameLabelsFile: string;
  videoPathPrefix?: string;
  /** A .pbtxt label map; when given, box labels outside it are dropped. */
  labelMapFile?: string | null;
  /** Its clip duration sets the clip length around each key frame. */
  clipSampler: ClipSampler;
}

/** PyTorchVideo's read_label_map: `  name: "..."` then `  id: N` (or label_id) lines. */
export function readLabelMap(file: string): { labelMap: Map<number, string>; classIds: Set<number> } {
  const labelMap = new Map<number, string>(), classIds = new Set<number>();
  let name = '';
  for (const line of readText(file, 'Ava label map').split(/\r?\n/)) {
    if (line.startsWith('  name:')) name = line.split('"')[1] ?? '';
    else if (line.startsWith('  id:') || line.startsWith('  label_id:')) {
      const id = Number(line.trim().split(' ').pop());
      labelMap.set(id, name); classIds.add(id);
    }
  }
  return { labelMap, classIds };
}

/**
 * AVA: one sample per annotated key frame: a clip centred on it, with `boxes` (f32 [K, 4],
 * x1 y1 x2 y2 in [0, 1]) and per-box `labels` (lists: a box can have several actions) and
 * `extra_info` (detection IoU or person id), boxes merged when their coordinates agree to
 * two decimals. video_index and clip_index are the video's id and the key frame's second.
 */
export class AvaDataset extends LabeledVideoDataset {
  protected override kind = 'Ava';
  constructor(videos: LabeledVideo[], clipSampler: ClipSampler, opts: LabeledVideoDatasetOptions = {}) {
    super(videos, clipSampler instanceof TimeStampClipSampler ? clipSampler : new TimeStampClipSampler(clipSampler), { ...opts, decodeAudio: false });
  }
  protected override buildSample(v: OpenedVideo, videoIndex: number, info: VideoInfoDict, ci: ClipInfo | ClipInfoList, clip: LoadedClip): ClipDict {
    const s = super.buildSample(v, videoIndex, info, ci, clip);
    const boxes = info.boxes as number[][];
    s.boxes = Tensor.from(new Float32Array(boxes.flat()), [boxes.length, 4]);
    s.labels = (info.labels as number[][]).map((l) => [...l]);
    return s;
  }
}

/**
 * Python's '{:.2f}'.format(x): the exact binary value rounded to 2 decimals, ties to even
 * (0.125 -> '0.12'). toFixed agrees except on exact ties, which it rounds up.
 */
export function formatFixed2(x: number): string {
  if (Object.is(x, -0)) return '-0.00';
  const hundredths = Fraction.fromNumber(x).mulInt(100);
  if (!Number.isFinite(x) || hundredths.den !== 2n) return x.toFixed(2);
  const lo = hundredths.num >= 0n ? hundredths.num / 2n : (hundredths.num - 1n) / 2n; // floor
  const n = lo % 2n === 0n ? lo : lo + 1n;
  const a = n < 0n ? -n : n;
  return `${n < 0n ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

export function Ava(args: AvaArgs): AvaDataset {
  const allowed = args.labelMapFile ? readLabelMap(args.labelMapFile).classIds : null;
  // Frame lists: header line, then rows; frames keyed by frame_id, sorted per video.
  const rows = readFrameList(args.framePathsFile, 'Ava', args.videoPathPrefix ?? '');
  const nameToIdx = new Map<string, number>();
  const frames: Array<Map<number, string>> = [];
  for (const r of rows) {
    if (!nameToIdx.has(r.video)) { nameToIdx.set(r.video, frames.length); frames.push(new Map()); }
    frames[nameToIdx.get(r.video)!].set(r.frameId, r.path);
  }
  // Labels: video,sec,x1,y1,x2,y2,action,iou-or-person (no header).
  type Key = { boxes: number[][]; labels: number[]; extra: number[] };
  const perVideo = new Map<number, Map<number, Key>>();
  readText(args.frameLabelsFile, 'Ava').split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const row = line.split(',');
    if (row.length < 8) throw new DatasetFileError(args.frameLabelsFile, `Ava: ${args.frameLabelsFile} line ${i + 1} has ${row.length} fields, expected 8`);
    const vid = nameToIdx.get(row[0]);
    if (vid === undefined) throw new DatasetFileError(args.frameLabelsFile, `Ava: ${args.frameLabelsFile} line ${i + 1}: video '${row[0]}' is not in ${args.framePathsFile}`);
    let sec = Number(row[1]);
    if (sec > AVA_VALID_FRAMES[1] || sec < AVA_VALID_FRAMES[0]) return;
    sec -= AVA_VIDEO_START_SEC;
    const label = row[6] === '' ? -1 : Number(row[6]);
    if (allowed && !allowed.has(label)) return;
    let m = perVideo.get(vid); if (!m) perVideo.set(vid, m = new Map());
    let k = m.get(sec); if (!k) m.set(sec, k = { boxes: [], labels: [], extra: [] });
    k.boxes.push(row.slice(2, 6).map(Number)); k.labels.push(label); k.extra.push(Number(row[7]));
  });
  const videos: LabeledVideo[] = [];
  for (const [vid, secs] of perVideo) {
    const sortedIds = [...frames[vid].keys()].sort((a, b) => a - b);
    const first = frames[vid].get(sortedIds[0])!;
    const dir = first.slice(0, first.lastIndexOf('/'));
    for (const [sec, k] of secs) {
      if (k.labels.length === 0) continue;
      // Merge boxes equal to two decimals (PyTorchVideo's _aggregate_bboxes_labels).
      const idx = new Map<string, number>();
      const boxes: number[][] = [], labels: number[][] = [], extra: number[][] = [];
      k.boxes.forEach((b, j) => {
        const key = b.map(formatFixed2).join(',');
        if (!idx.has(key)) { idx.set(key, boxes.length); boxes.push(b); labels.push([]); extra.push([]); }
        labels[idx.get(key)!].push(k.labels[j]); extra[idx.get(key)!].push(k.extra[j]);
      });
      videos.push([dir, { labels, boxes, extra_info: extra, video_index: vid, clip_index: sec }]);
    }
  }
  if (videos.length === 0) throw new ArgumentError(`Ava: no annotated key frames (seconds ${AVA_VALID_FRAMES[0]}..${AVA_VALID_FRAMES[1]}) in ${args.frameLabelsFile}`);
  return new AvaDataset(videos, args.clipSampler, args);
}

registerDatasetKind('Charades', CharadesDataset as never);
registerDatasetKind('SSv2', SSv2Dataset as never);
registerDatasetKind('Ava', AvaDataset as never);
