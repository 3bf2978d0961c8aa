// EPIC-KITCHENS (pytorchvideo/data/epic_kitchen*, epic_kitchen_{recognition,forecasting}.py): the
// action annotations csv, and the recognition and forecasting datasets over a manifest's videos.
import { ArgumentError } from '../../runtime/errors.js';
import { manualSeed, random } from '../../runtime/random.js';
import { Tensor } from '../../runtime/tensor.js';
import type { UniformSource } from '../clip_sampling.js';
import { pyFloorDiv } from '../fraction.js';
import { readHeaderedCsv } from './host.js';
import { FlowFrames, type FlowFramesOptions } from '../flow/stored.js';
import type { ClipTransform, ClipDict } from './labeled_video_dataset.js';
import {
  ClipListDataset, loadManifestVideos, registerMapDatasetKind, videosOf,
  type ClipListSpec, type DecodedClip, type ManifestVideo, type VideoClipInfo, type VideoDatasetType,
} from './manifest.js';

const ACTION_COLS = [
  'participant_id', 'video_id', 'narration', 'start_timestamp', 'stop_timestamp', 'start_frame', 'stop_frame',
  'verb', 'verb_class', 'noun', 'noun_class', 'all_nouns', 'all_noun_classes',
] as const;
type ActionRow = Record<(typeof ACTION_COLS)[number], string>;

/** An EPIC-KITCHENS action annotation row; start_time / stop_time (seconds) are derived, as in PyTorchVideo. */
export class ActionData {
  participant_id: string; video_id: string; narration: string; start_timestamp: string; stop_timestamp: string;
  start_frame: number; stop_frame: number; verb: string; verb_class: number; noun: string; noun_class: number;
  all_nouns: string[]; all_noun_classes: number[];
  constructor(r: ActionRow) {
    this.participant_id = r.participant_id; this.video_id = r.video_id; this.narration = r.narration;
    this.start_timestamp = r.start_timestamp; this.stop_timestamp = r.stop_timestamp;
    this.start_frame = Number(r.start_frame); this.stop_frame = Number(r.stop_frame);
    this.verb = r.verb; this.verb_class = Number(r.verb_class); this.noun = r.noun; this.noun_class = Number(r.noun_class);
    this.all_nouns = pyList(r.all_nouns) as string[]; this.all_noun_classes = pyList(r.all_noun_classes) as number[];
    hmsToSeconds(this.start_timestamp); hmsToSeconds(this.stop_timestamp); // fail at load, not mid-epoch
  }
  get start_time(): number { return hmsToSeconds(this.start_timestamp); }
  get stop_time(): number { return hmsToSeconds(this.stop_timestamp); }
}

/**
 * PyTorchVideo's get_seconds_from_hms_time: 'H:MM:SS[.ffffff]' (strptime's %H:%M:%S.%f) to
 * seconds, as timedelta.total_seconds computes it (microseconds / 1e6, rounded once).
 */
export function hmsToSeconds(s: string): number {
  const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?$/.exec(s);
  const [h, mi, se] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (!m || h! > 23 || mi! > 59 || se! > 61) throw new ArgumentError(`EpicKitchen: no valid data format found for the timestamp '${s}' (HH:MM:SS[.ffffff])`);
  const micro = ((h! * 60 + mi!) * 60 + se!) * 1e6 + Number((m[4] ?? '').padEnd(6, '0'));
  return micro / 1e6;
}

/** Python-literal lists like "['tap', 'water']" or "[10, 3]" (ast.literal_eval's common case). */
function pyList(s: string): unknown[] {
  try {
    const v = JSON.parse(s.replace(/'/g, '"'));
    if (Array.isArray(v)) return v;
  } catch { /* reported below */ }
  throw new ArgumentError(`EpicKitchen: cannot read the list ${s}`);
}

/** Actions per video, in file order (load_dataclass_dict_from_csv(list_per_key=True)). */
export function readActions(path: string): Map<string, ActionData[]> {
  const out = new Map<string, ActionData[]>();
  for (const r of readHeaderedCsv(path, 'EpicKitchen actions', ACTION_COLS)) {
    const a = new ActionData(r as ActionRow);
    let l = out.get(a.video_id); if (!l) out.set(a.video_id, l = []); l.push(a);
  }
  return out;
}

interface EpicKitchenFiles {
  /** csv: video_id, resolution, duration, fps. */
  videoInfoFilePath: string;
  /** csv: the ActionData columns. */
  actionsFilePath: string;
  /** csv: the frame manifest (datasetType 'frame') or the encoded video manifest. */
  videoDataManifestFilePath: string;
  datasetType?: VideoDatasetType;
  transform?: ClipTransform | null;
}

/** Stored EPIC-KITCHENS flow next to the RGB frames: `flow` [2, T, H, W] in each item (recognition). */
export interface EpicFlowArgs {
  /** The `flow` folder holding <participant>/<video_id>/{u,v}/frame_%010d.jpg. */
  flowRoot?: string;
  /** Quantisation bound, stride, dilation (rgbFps defaults to the video's fps, stride to 2). */
  flowOptions?: FlowFramesOptions;
}
type EpicFlow = { root: string; options: FlowFramesOptions } | null;

export interface EpicKitchenRecognitionArgs extends EpicKitchenFiles, EpicFlowArgs {
  /** Only PyTorchVideo's RandomOffsetUniform. */
  clipSampling?: 'random_offset_uniform';
  secondsPerClip?: number;
  framesPerClip?: number | null;
  /** Seeds vidwasm's generator before drawing the clip offsets. */
  seed?: number;
  /** Where the offsets' uniform draws come from (PyTorchVideo: random.random()). */
  rng?: UniformSource;
}

/** The item PyTorchVideo's EpicKitchenDataset.__getitem__ builds. */
function epicItem(c: VideoClipInfo, d: DecodedClip, actions: ActionData[]): ClipDict {
  return { video_id: c.videoId, ...d, actions, start_time: c.startTime, stop_time: c.stopTime };
}

/**
 * EpicKitchen action recognition: clips of secondsPerClip back to back after a random offset
 * in [0, secondsPerClip) per video; each item's `actions` are the actions overlapping the clip.
 */
export class EpicKitchenRecognitionDataset extends ClipListDataset {
  protected readonly kind = 'EpicKitchenRecognition';
  constructor(videos: Map<string, ManifestVideo>, clips: VideoClipInfo[], readonly actions: Map<string, ActionData[]>,
    readonly framesPerClip: number | null, transform?: ClipTransform | null, readonly flow: EpicFlow = null) {
    super(videos, clips, transform, { actions: actionsData(actions), framesPerClip, flow });
  }
  /**
   * The RGB clip plus, with a flowRoot, the stored flow of the same [start, stop) at the flow
   * frame rate (every flow frame of the clip: framesPerClip subsamples the RGB frames only).
   */
  protected override async decode(c: VideoClipInfo): Promise<DecodedClip> {
    const d = await super.decode(c);
    if (!this.flow) return d;
    try {
      const participant = c.videoId.split('_')[0];
      const ff = await FlowFrames.fromEpicKitchens(this.flow.root, participant, c.videoId, { rgbFps: this.videos.get(c.videoId)!.fps, ...this.flow.options });
      const clip = await ff.getClip(Math.max(0, c.startTime), c.stopTime);
      return { ...d, flow: clip?.flow ?? null } as DecodedClip;
    } catch (e) {
      d.video?.dispose(); d.audio?.dispose();
      throw e;
    }
  }
  /** frames_per_clip: every (n // framesPerClip)-th frame (at least every frame; PyTorchVideo fails on fewer frames). */
  protected override frameFilter(): ((i: number[]) => number[]) | undefined {
    const k = this.framesPerClip;
    if (!k) return undefined;
    return (idx) => { const step = Math.max(1, Math.trunc(pyFloorDiv(idx.length, k))); return idx.filter((_, i) => i % step === 0); };
  }
  protected buildItem(c: VideoClipInfo, d: DecodedClip): ClipDict {
    const actions = (this.actions.get(c.videoId) ?? []).filter((a) => a.start_time <= c.stopTime && a.stop_time >= c.startTime);
    return epicItem(c, d, actions);
  }
}

export function EpicKitchenRecognition(args: EpicKitchenRecognitionArgs): EpicKitchenRecognitionDataset {
  if ((args.clipSampling ?? 'random_offset_uniform') !== 'random_offset_uniform') {
    throw new ArgumentError(`EpicKitchenRecognition: only 'random_offset_uniform' clip sampling exists, got '${args.clipSampling}'`);
  }
  const videos = loadManifestVideos(args.videoDataManifestFilePath, args.videoInfoFilePath, args.datasetType ?? 'frame');
  const actions = readActions(args.actionsFilePath);
  const spc = args.secondsPerClip ?? 2.0;
  if (args.seed !== undefined) manualSeed(args.seed);
  const rng = args.rng ?? random;
  const clips: VideoClipInfo[] = [];
  for (const [videoId, v] of videos) {
    const offset = rng.uniform() * spc;
    const n = Math.trunc(pyFloorDiv(v.duration - offset, spc));
    for (let i = 0; i < n; i++) {
      const startTime = i * spc + offset;
      clips.push({ videoId, startTime, stopTime: startTime + spc });
    }
  }
  const flow = args.flowRoot ? { root: args.flowRoot, options: args.flowOptions ?? {} } : null;
  return new EpicKitchenRecognitionDataset(videos, clips, actions, args.framesPerClip ?? null, args.transform, flow);
}

export interface EpicKitchenForecastingArgs extends EpicKitchenFiles {
  /** Only PyTorchVideo's Random. */
  clipSampling?: 'random';
  secondsPerClip?: number;
  clipTimeStride?: number;
  numInputClips?: number;
  /** Frames of each input clip. Default 1 (PyTorchVideo has no default that works: None fails). */
  framesPerClip?: number;
  numForecastActions?: number;
}
type ForecastConfig = Required<Pick<EpicKitchenForecastingArgs, 'secondsPerClip' | 'clipTimeStride' | 'numInputClips' | 'framesPerClip' | 'numForecastActions'>>;

/**
 * EpicKitchen action forecasting: for each action followed by numForecastActions later actions,
 * an input window ending at the action's end (numInputClips sub-clips of secondsPerClip,
 * clipTimeStride apart); `video` is [numInputClips, C, framesPerClip, H, W] and `actions` the
 * next numForecastActions actions after the window.
 */
export class EpicKitchenForecastingDataset extends ClipListDataset {
  protected readonly kind = 'EpicKitchenForecasting';
  constructor(videos: Map<string, ManifestVideo>, clips: VideoClipInfo[], readonly actions: Map<string, ActionData[]>,
    readonly cfg: ForecastConfig, transform?: ClipTransform | null) {
    super(videos, clips, transform, { actions: actionsData(actions), cfg });
  }
  protected override frameFilter(): (i: number[]) => number[] {
    const { secondsPerClip, clipTimeStride, numInputClips, framesPerClip } = this.cfg;
    const window = secondsPerClip + (numInputClips - 1) * clipTimeStride;
    const wantFps = framesPerClip / secondsPerClip;
    return (idx) => {
      const haveFps = idx.length / window;
      const stride = Math.trunc(pyFloorDiv(haveFps, wantFps));
      const sel = new Set<number>();
      for (let i = 0; i < numInputClips; i++) {
        const s = Math.trunc(i * clipTimeStride * haveFps);
        for (let j = 0; j < framesPerClip; j++) sel.add(s + j * stride);
      }
      return idx.filter((_, i) => sel.has(i));
    };
  }
  protected buildItem(c: VideoClipInfo, d: DecodedClip): ClipDict {
    const { numInputClips: n, framesPerClip: f, numForecastActions: k } = this.cfg;
    const acts = this.actions.get(c.videoId) ?? [];
    for (let i = 0; i + 1 < acts.length; i++) {
      if (acts[i].start_time > acts[i + 1].start_time) throw new ArgumentError(`EpicKitchenForecasting: the actions of ${c.videoId} must be sorted by start time`);
    }
    const next = acts.filter((a) => a.start_time > c.stopTime).slice(0, k);
    return epicItem(c, { ...d, video: d.video && splitClips(d.video, n, f, c.videoId) }, next);
  }
}

/** [C, n*f, H, W] -> [n, C, f, H, W] (torch.stack of the n sub-clips); consumes the input. */
function splitClips(video: Tensor, n: number, f: number, videoId: string): Tensor {
  const [C, T, H, W] = video.shape;
  if (T !== n * f) {
    video.dispose();
    throw new ArgumentError(`EpicKitchenForecasting: clip of ${videoId} has ${T} frames, expected numInputClips * framesPerClip = ${n * f}`);
  }
  const out = Tensor.empty([n, C, f, H, W], video.dtype);
  const src = video.data(), dst = out.data(), plane = H * W;
  for (let i = 0; i < n; i++) for (let ch = 0; ch < C; ch++) for (let t = 0; t < f; t++) {
    const s = (ch * T + i * f + t) * plane, o = ((i * C + ch) * f + t) * plane;
    dst.set(src.subarray(s, s + plane) as never, o);
  }
  video.dispose();
  return out;
}

export function EpicKitchenForecasting(args: EpicKitchenForecastingArgs): EpicKitchenForecastingDataset {
  if ((args.clipSampling ?? 'random') !== 'random') throw new ArgumentError(`EpicKitchenForecasting: only 'random' clip sampling exists, got '${args.clipSampling}'`);
  const cfg: ForecastConfig = {
    secondsPerClip: args.secondsPerClip ?? 2.0, clipTimeStride: args.clipTimeStride ?? 10.0, numInputClips: args.numInputClips ?? 1,
    framesPerClip: args.framesPerClip ?? 1, numForecastActions: args.numForecastActions ?? 1,
  };
  const videos = loadManifestVideos(args.videoDataManifestFilePath, args.videoInfoFilePath, args.datasetType ?? 'frame');
  const actions = readActions(args.actionsFilePath);
  const window = cfg.secondsPerClip + (cfg.numInputClips - 1) * cfg.clipTimeStride;
  const k = cfg.numForecastActions;
  const clips: VideoClipInfo[] = [];
  for (const [videoId, acts] of actions) {
    if (!videos.has(videoId)) continue; // PyTorchVideo would fail on its first item
    acts.slice(0, k > 0 ? -k : 0).forEach((a, i) => {
      let valid = 0;
      for (let j = i + 1; j < acts.length; j++) {
        if (acts[j].start_time > a.stop_time) valid++;
        if (valid === k) {
          if (a.start_time - window >= 0) clips.push({ videoId, startTime: a.stop_time - window, stopTime: a.stop_time });
          break;
        }
      }
    });
  }
  return new EpicKitchenForecastingDataset(videos, clips, actions, cfg, args.transform);
}

// Actions cross to a loader worker as plain rows and come back as ActionData.
const actionsData = (m: Map<string, ActionData[]>) => [...m].map(([k, v]) => [k, v.map((a) => ({ ...a }))]);
const actionsOf = (s: ClipListSpec) => new Map<string, ActionData[]>(
  s.extra.actions.map(([k, v]: [string, ActionRow[]]) => [k, v.map((r) => Object.assign(Object.create(ActionData.prototype), r))]));
registerMapDatasetKind('EpicKitchenRecognition', (s: ClipListSpec) =>
  new EpicKitchenRecognitionDataset(videosOf(s), s.clips, actionsOf(s), s.extra.framesPerClip, undefined, s.extra.flow));
registerMapDatasetKind('EpicKitchenForecasting', (s: ClipListSpec) =>
  new EpicKitchenForecastingDataset(videosOf(s), s.clips, actionsOf(s), s.extra.cfg));
