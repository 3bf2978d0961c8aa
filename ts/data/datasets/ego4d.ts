// PyTorchVideo's Ego4dMomentsDataset (pytorchvideo/data/ego4d/ego4d_dataset.py): the moments
// benchmark's labelled intervals as clips of video, audio and IMU.
//
// Samples: one per label of every annotation of every clip of the videos in `split` (and, with
// imu, only videos that have a recording), skipping labels whose start equals their end,
// labels not in filteredLabels, stereo videos, videos without a path, and labels missing from
// the label-id map. Each sample becomes one clip: by default MomentsClipSampler(windowSec), a
// windowSec window around the label slid inside the video. The clip dict is PyTorchVideo's:
//   video f32 [3, T, crop, crop]  Div255, Normalize(0.45, 0.225), then ShortSideScale(256) +
//                                 CenterCrop(224) (val/test) or RandomShortSideScale(256, 320) +
//                                 RandomCrop(224) + RandomHorizontalFlip (train);
//   audio {signal, spectrogram, sampling_rate: 48000} and spectrogram (the same tensor):
//                                 the mono waveform decoded at 48 kHz and its
//                                 'melspectrogram' | 'spectrogram' | 'mfcc' (PyTorchVideo's settings);
//   imu {timestamp, signal, sampling_rate} (ImuData's window of [clip_start, clip_end));
//   labels, labels_id, labels_onehot, clip_start, clip_end, clip_uid, video_uid, duration,
//   clip_video_start_sec, clip_video_end_sec, label_video_start_sec, label_video_end_sec,
//   video_path, and LabeledVideoDataset's video_name, video_index, clip_index, aug_index.
// (PyTorchVideo's docstring calls the times start_time / stop_time; its code, and so this
// class, writes clip_start / clip_end.)
// A clip is dropped, as there, when its video does not hold exactly int(30 * windowSec) frames
// or its IMU window has fewer than 200 samples.
//
// Differences, by design: every split normalises the video (Div255, Normalize). PyTorchVideo
// writes `[Div255(), Normalize(...)] + [train steps] if self.training else [val steps]`, where
// the conditional binds over the whole sum, so its val/test clips stay in [0, 255]; the
// normalisation is clearly meant for all splits (and commutes with the val resize and crop, so
// the golden test compares PyTorchVideo's val clips through it). The waveform is vidwasm's [S] and the spectrogram [T, F] (PyTorchVideo:
// [1, S] and [1, F, T]); PyTorchVideo's own code reduces its 1-D waveform to one number before
// the spectrogram (torch.mean over dim 0 of [S]) and fails there, so its golden run
// (test/golden/gen_ego4d.py) feeds [1, S], which is what this class computes.
import { ArgumentError } from '../../runtime/errors.js';
import type { Tensor } from '../../runtime/tensor.js';
import { MomentsClipSampler, type ClipSampler } from '../clip_sampling.js';
import { melSpectrogram, mfcc, spectrogram } from '../audio.js';
import { ImuData } from '../imu.js';
import {
  ApplyTransformToKey, CenterCrop, Compose, Div255, Normalize, RandomCrop, RandomHorizontalFlip, RandomShortSideScale, ShortSideScale,
  type Transform,
} from '../transforms/transforms.js';
import { disposeTensors } from '../loader/collate.js';
import { DatasetFileError, readText } from './host.js';
import { LabeledVideoDataset, type ClipDict, type ClipTransform, type DatasetSpec, type LabeledVideoDatasetOptions } from './labeled_video_dataset.js';
import type { LabeledVideo } from './labeled_video_paths.js';

export type Ego4dAudioTransformType = 'melspectrogram' | 'spectrogram' | 'mfcc';

export interface Ego4dMomentsDatasetOptions extends Omit<LabeledVideoDatasetOptions, 'transform' | 'audioSampleRate'> {
  /** The moments annotation json (moments.json: videos -> clips -> annotations -> labels). */
  annotationPath: string;
  /** Ego4D's metadata json (ego4d.json: videos with video_uid, duration_sec, is_stereo, manifold_path). */
  metadataPath: string;
  split: 'train' | 'val' | 'test';
  /** Load IMU windows (the `imu` key); videos without a recording are left out. Default false. */
  imu?: boolean;
  /** Folder of <video_uid>.csv recordings; required with imu. */
  imuPath?: string;
  /** Default MomentsClipSampler(windowSec). */
  clipSampler?: ClipSampler;
  /** Runs last, on PyTorchVideo's finished clip dict. */
  transform?: ClipTransform | null;
  /** Only these labels make samples. */
  filteredLabels?: readonly string[] | null;
  /** Clip length in seconds (the default sampler's window, and the frame count check). Default 10. */
  windowSec?: number;
  /** Default 'melspectrogram'. */
  audioTransformType?: Ego4dAudioTransformType;
  /** Label name -> class id; exactly one of labelIdMap and labelIdMapPath. */
  labelIdMap?: Record<string, number>;
  /** A json file holding the label-id map. */
  labelIdMapPath?: string;
  /** The video file of a uid (default: the metadata's manifold_path). */
  videoPathOverride?: ((videoUid: string) => string) | null;
  /** Only these videos make samples. */
  eligibleVideoUids?: Iterable<string> | null;
  /** PyTorchVideo's video transform settings (attributes there). */
  videoMeans?: readonly number[];
  videoStds?: readonly number[];
  videoCropSize?: number;
  videoMinShortSideScale?: number;
  videoMaxShortSideScale?: number;
}

/** One moments sample (PyTorchVideo's sample dict before clip sampling). */
export interface Ego4dMomentSample {
  clip_uid: string; video_uid: string; duration: number; clip_video_start_sec: number; clip_video_end_sec: number;
  labels: string[]; label_video_start_sec: number; label_video_end_sec: number; video_path: string; labels_id: number;
}

/** PyTorchVideo's fixed rates: the frame count check assumes 30 fps, audio is decoded at 48 kHz. */
const VIDEO_FPS = 30;
const AUDIO_FPS = 48000;
/** check_IMU: fewer samples than this in a window drops the clip. */
const MIN_IMU_SAMPLES = 200;

function readJson(path: string, what: string): any {
  const text = readText(path, what);
  try { return JSON.parse(text); } catch (e) {
    throw new DatasetFileError(path, `${what}: ${path} is not valid json (${(e as Error).message})`);
  }
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown, where: string, path: string): any[] => {
  if (!Array.isArray(v)) throw new DatasetFileError(path, `Ego4dMomentsDataset: ${where} must be a list in ${path}`);
  return v;
};
const num = (o: Record<string, any>, k: string, where: string, path: string): number => {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DatasetFileError(path, `Ego4dMomentsDataset: ${where}.${k} must be a number in ${path}, got ${JSON.stringify(v)}`);
  return v;
};

/** The label-id map of a json file (PyTorchVideo's get_label_id_map). */
export function readLabelIdMap(path: string): Record<string, number> {
  const m = readJson(path, 'Ego4dMomentsDataset label id map');
  if (!isObj(m) || !Object.values(m).every((v) => Number.isInteger(v) && (v as number) >= 0)) {
    throw new DatasetFileError(path, `Ego4dMomentsDataset: ${path} must be a json object of label -> non-negative integer id`);
  }
  return m as Record<string, number>;
}

/** The moments samples of the annotation and metadata files, as PyTorchVideo's __init__ builds them. */
export function ego4dMomentSamples(o: Ego4dMomentsDatasetOptions, labelIdMap: Record<string, number>, imu: ImuData | null): Ego4dMomentSample[] {
  const meta = readJson(o.metadataPath, 'Ego4dMomentsDataset metadata');
  const metaByUid = new Map<string, Record<string, any>>();
  for (const v of list(meta?.videos, 'videos', o.metadataPath)) {
    if (!isObj(v) || typeof v.video_uid !== 'string') throw new DatasetFileError(o.metadataPath, `Ego4dMomentsDataset: a metadata video has no video_uid in ${o.metadataPath}`);
    metaByUid.set(v.video_uid, v);
  }
  const path = o.annotationPath;
  const ann = readJson(path, 'Ego4dMomentsDataset annotations');
  const filtered = o.filteredLabels?.length ? new Set(o.filteredLabels) : null;
  const eligible = o.eligibleVideoUids ? new Set(o.eligibleVideoUids) : null;
  const samples: Ego4dMomentSample[] = [];
  for (const vid of list(ann?.videos, 'videos', path)) {
    const uid = vid?.video_uid;
    if (typeof uid !== 'string') throw new DatasetFileError(path, `Ego4dMomentsDataset: a video has no video_uid in ${path}`);
    if (vid.split !== o.split) continue;
    if (imu && !imu.hasImu(uid)) continue;
    if (eligible && eligible.size && !eligible.has(uid)) continue;
    for (const clip of list(vid.clips, `video ${uid} clips`, path)) {
      const where = `clip ${String(clip?.clip_uid)}`;
      const clipStart = num(clip, 'video_start_sec', where, path), clipEnd = num(clip, 'video_end_sec', where, path);
      for (const vann of list(clip.annotations, `${where} annotations`, path)) {
        for (const l of list(vann?.labels, `${where} labels`, path)) {
          const label = l?.label;
          if (typeof label !== 'string') throw new DatasetFileError(path, `Ego4dMomentsDataset: a label of ${where} has no name in ${path}`);
          if (num(l, 'start_time', where, path) === num(l, 'end_time', where, path)) continue;
          const start = num(l, 'video_start_time', where, path), end = num(l, 'video_end_time', where, path);
          if (!(end >= start)) throw new DatasetFileError(path, `Ego4dMomentsDataset: ${where} label '${label}' ends (${end}) before it starts (${start})`);
          if (filtered && !filtered.has(label)) continue;
          const m = metaByUid.get(uid);
          if (!m) throw new DatasetFileError(o.metadataPath, `Ego4dMomentsDataset: video ${uid} is not in ${o.metadataPath}`);
          if (m.is_stereo) continue;
          const videoPath = o.videoPathOverride ? o.videoPathOverride(uid) : m.manifold_path;
          if (!videoPath) continue;
          if (!(label in labelIdMap)) continue;
          samples.push({
            clip_uid: clip.clip_uid, video_uid: uid, duration: m.duration_sec, clip_video_start_sec: clipStart, clip_video_end_sec: clipEnd,
            labels: [label], label_video_start_sec: start, label_video_end_sec: end, video_path: videoPath, labels_id: labelIdMap[label],
          });
        }
      }
    }
  }
  return samples;
}

/** PyTorchVideo's signal_transform(type, 48000) on a mono waveform [S] -> [T, F]. */
export function ego4dAudioFeatures(type: Ego4dAudioTransformType, waveform: Tensor, sampleRate = AUDIO_FPS): Tensor {
  if (type === 'spectrogram') return spectrogram(waveform, { nFft: 1024, hopLength: 512, center: true, padMode: 'reflect', power: 2 });
  if (type === 'melspectrogram') {
    return melSpectrogram(waveform, {
      sampleRate, nFft: 1024, hopLength: 512, center: true, padMode: 'reflect', power: 2, norm: 'slaney', nMels: 64, melScale: 'htk',
    });
  }
  if (type === 'mfcc') return mfcc(waveform, { sampleRate, nMfcc: 256, melkwargs: { nFft: 2048, nMels: 256, hopLength: 512, melScale: 'htk' } });
  throw new ArgumentError(`Ego4dMomentsDataset: audioTransformType must be 'melspectrogram', 'spectrogram' or 'mfcc', got '${String(type)}'`);
}

export class Ego4dMomentsDataset extends LabeledVideoDataset {
  protected override kind = 'Ego4dMomentsDataset';
  readonly split: 'train' | 'val' | 'test';
  readonly windowSec: number;
  readonly audioTransformType: Ego4dAudioTransformType;
  readonly labelNameIdMap: Record<string, number>;
  readonly numClasses: number;
  readonly imuData: ImuData | null;
  /** Number of samples (labelled moments), PyTorchVideo's cnt_samples. */
  readonly cntSamples: number;
  private readonly videoTransform: Transform<ClipDict, ClipDict>;
  private readonly userTransform: ClipTransform | null;
  /** Where dropped clips are reported (PyTorchVideo logs them). */
  private readonly warn: (m: string) => void;

  constructor(o: Ego4dMomentsDatasetOptions) {
    const who = 'Ego4dMomentsDataset';
    if (!o || !o.annotationPath || !o.metadataPath) throw new ArgumentError(`${who}: annotationPath and metadataPath are required`);
    if (!['train', 'val', 'test'].includes(o.split)) throw new ArgumentError(`${who}: split '${String(o.split)}' not supported for ego4d (train, val, test)`);
    if ((o.labelIdMap === undefined) === (o.labelIdMapPath === undefined)) throw new ArgumentError(`${who}: exactly one of labelIdMap and labelIdMapPath is required`);
    const windowSec = o.windowSec ?? 10;
    if (!(windowSec > 0 && Number.isFinite(windowSec))) throw new ArgumentError(`${who}: windowSec must be > 0, got ${windowSec}`);
    const type = o.audioTransformType ?? 'melspectrogram';
    if (!['melspectrogram', 'spectrogram', 'mfcc'].includes(type)) throw new ArgumentError(`${who}: audioTransformType must be 'melspectrogram', 'spectrogram' or 'mfcc', got '${String(type)}'`);
    if (o.imu && !o.imuPath) throw new ArgumentError(`${who}: imuPath not provided (required with imu: true)`);
    const labelIdMap = o.labelIdMap ?? readLabelIdMap(o.labelIdMapPath!);
    const imu = o.imu ? new ImuData(o.imuPath!) : null;
    const samples = ego4dMomentSamples(o, labelIdMap, imu);
    const videos: LabeledVideo[] = samples.map((s) => [s.video_path, { ...s }]);
    super(videos, o.clipSampler ?? new MomentsClipSampler(windowSec), {
      ...o, videoSampler: o.videoSampler ?? 'sequential', audioSampleRate: AUDIO_FPS, transform: null,
    });
    this.split = o.split;
    this.windowSec = windowSec;
    this.audioTransformType = type;
    this.labelNameIdMap = labelIdMap;
    this.numClasses = Object.keys(labelIdMap).length;
    this.imuData = imu;
    this.cntSamples = samples.length;
    this.userTransform = o.transform ?? null;
    this.warn = o.log ?? console.warn;
    const means = o.videoMeans ?? [0.45, 0.45, 0.45], stds = o.videoStds ?? [0.225, 0.225, 0.225];
    const crop = o.videoCropSize ?? 224, minSide = o.videoMinShortSideScale ?? 256, maxSide = o.videoMaxShortSideScale ?? 320;
    this.videoTransform = ApplyTransformToKey('video', Compose([
      Div255(), Normalize(means, stds),
      ...(this.split === 'train'
        ? [RandomShortSideScale(minSide, maxSide), RandomCrop(crop), RandomHorizontalFlip(0.5)]
        : [ShortSideScale(minSide), CenterCrop(crop)]),
    ]));
    this.transform = (d) => this.transformMm(d);
  }

  /** PyTorchVideo's _transform_mm: checks, IMU window, video transform, audio features, one-hot labels. */
  private transformMm(d: ClipDict): ClipDict | null {
    const uid = d.video_uid as string;
    const drop = (why: string) => { this.warn(`Ego4dMomentsDataset: dropping a clip of ${uid} [${d.clip_start}, ${d.clip_end}): ${why}`); disposeTensors(d); return null; };
    const expected = Math.trunc(VIDEO_FPS * this.windowSec), actual = (d.video as Tensor).shape[1];
    if (expected !== actual) return drop(`video size mismatch: ${actual} frames, expected ${expected}`);
    if (this.imuData) {
      const s = this.imuData.getImuSample(uid, d.clip_start, d.clip_end);
      const n = s.signal.shape[0];
      if (n < MIN_IMU_SAMPLES) {
        s.signal.dispose();
        return drop(`IMU window has ${n} samples (< ${MIN_IMU_SAMPLES})`);
      }
      d.imu = { timestamp: s.timestamp, signal: s.signal, sampling_rate: s.samplingRate };
    }
    d = this.videoTransform(d);
    if (this.options.decodeAudio) {
      const signal = d.audio as Tensor | undefined;
      if (!signal) {
        disposeTensors(d);
        throw new DatasetFileError(d.video_path, `Ego4dMomentsDataset: ${d.video_path} has no audio track (pass decodeAudio: false)`);
      }
      const spec = ego4dAudioFeatures(this.audioTransformType, signal);
      d.audio = { signal, spectrogram: spec, sampling_rate: AUDIO_FPS };
      d.spectrogram = spec;
    }
    d.labels_onehot = this.convertOneHot(d.labels);
    return this.userTransform ? this.userTransform(d) ?? null : d;
  }

  /** PyTorchVideo's convert_one_hot: a 0/1 list over the label-id map's classes. */
  convertOneHot(labels: readonly string[]): number[] {
    const oneHot = new Array<number>(this.numClasses).fill(0);
    for (const l of labels) {
      if (!(l in this.labelNameIdMap)) throw new ArgumentError(`Ego4dMomentsDataset: label '${l}' is not in the label id map`);
      oneHot[this.labelNameIdMap[l]] = 1;
    }
    return oneHot;
  }

  /** Loader workers cannot rebuild it from data (the clip transform holds the IMU and label maps): it runs in the main thread. */
  override toSpec(): DatasetSpec | null { return null; }
}
