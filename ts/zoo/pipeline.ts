// pipeline(task, name): the zoo model, its weights and PyTorchVideo's hub recipe for it
// (sampling, short side, crop, mean/std), behind one call:
//   const clf = await pipeline('video-classification', 'x3d_xs');      // pretrained by default
//   await clf('clip.mp4', { topk: 5 })  ->  [{ label, score, index }, ...]
//   const det = await pipeline('action-detection', 'slow_r50_detection');
//   await det('clip.mp4', { boxes: [[x1, y1, x2, y2], ...], time: 3 })  ->  per box, its actions
// Inputs: a path or URL, a File/Blob, the file's bytes, or a decoded u8/f32 [3, T, H, W] video.
// Classification: `clips: 'center'` classifies one clip from the middle of the video;
// 'uniform-10x3' averages the probabilities of 10 clips spread evenly over the video times 3
// crops along the long side (the zoo's published "10 x 3" views). Detection follows PyTorchVideo's
// detection tutorial: a 1 s clip around `time`, the person boxes (x1, y1, x2, y2 in the video's
// pixels) scaled with the frames to short side 256, per-box sigmoid scores of the 80 AVA actions.
import { Tensor } from '../runtime/tensor.js';
import { tidy } from '../runtime/memory.js';
import { noGrad } from '../runtime/autograd.js';
import { ArgumentError } from '../runtime/errors.js';
import * as F from '../runtime/ops/index.js';
import type { nn } from '../runtime/index.js';
import { EncodedVideo } from '../data/encoded_video.js';
import { kineticsEval } from '../data/load_clip.js';
import { functional as T } from '../data/transforms/index.js';
import { modelInfo, type ModelInfo } from './registry.js';
import { KINETICS400_CLASSES } from './kinetics400.js';
import { AVA_ACTIONS } from './ava.js';
import { load, type LoadOptions } from './load.js';
import { nodeBuiltin } from '../runtime/hosts/node_builtins.js';

type Module = InstanceType<typeof nn.Module>;

export type VideoInput = string | URL | Blob | Uint8Array | ArrayBuffer | Tensor;
export interface ClassifyOptions {
  /** Classes returned, best first (default 5). */
  topk?: number;
  /** Which views are averaged (default 'center'). */
  clips?: 'center' | 'uniform-10x3';
}
export interface Prediction { label: string; score: number; index: number }

export interface VideoClassifier {
  (input: VideoInput, opts?: ClassifyOptions): Promise<Prediction[]>;
  readonly model: Module;
  readonly info: ModelInfo;
  /** Frames per second the zoo's sampling rates assume (Kinetics videos are 30 fps). */
  readonly fps: number;
  dispose(): void;
}

export interface PipelineOptions extends LoadOptions {
  /** Class names (default: Kinetics-400 for the Kinetics models). */
  labels?: readonly string[];
}

export type Box = readonly [number, number, number, number];
export interface DetectOptions {
  /** Person boxes (x1, y1, x2, y2) in the video's pixels, e.g. from a person detector. */
  boxes: readonly Box[];
  /** Centre of the clip, seconds (default: the middle of the video; ignored for a tensor input). */
  time?: number;
  /** Clip length in seconds (default 1, as PyTorchVideo's detection tutorial). */
  seconds?: number;
  /** Actions returned per box, best first (default 5). */
  topk?: number;
}
export interface BoxActions { box: Box; actions: Prediction[] }
export interface ActionDetector {
  (input: VideoInput, opts: DetectOptions): Promise<BoxActions[]>;
  readonly model: Module;
  readonly info: ModelInfo;
  dispose(): void;
}

const FPS = 30;
const LABELS = { kinetics400: KINETICS400_CLASSES, ava: AVA_ACTIONS };

/** Builds the model (pretrained unless `weights` or `pretrained: false` say otherwise). */
export async function pipeline(task: 'video-classification', model: string, opts?: PipelineOptions): Promise<VideoClassifier>;
export async function pipeline(task: 'action-detection', model: string, opts?: PipelineOptions): Promise<ActionDetector>;
export async function pipeline(task: 'video-classification' | 'action-detection', model: string, opts: PipelineOptions = {}): Promise<VideoClassifier | ActionDetector> {
  const want = { 'video-classification': 'classification', 'action-detection': 'detection' }[task];
  if (!want) throw new ArgumentError(`pipeline: unknown task '${String(task)}' (supported: 'video-classification', 'action-detection')`);
  const info = modelInfo(model);
  if (info.task !== want) throw new ArgumentError(`pipeline: '${model}' is a ${info.task} model; task '${task}' needs a ${want} model`);
  const { labels, ...loadOpts } = opts;
  const names = labels ?? (info.classNames ? LABELS[info.classNames] : null);
  if (names && names.length !== info.numClasses && !loadOpts.options?.modelNumClass) {
    throw new ArgumentError(`pipeline: ${names.length} labels for a model with ${info.numClasses} classes`);
  }
  const net = await load(model, {
    ...loadOpts,
    pretrained: loadOpts.weights === undefined ? loadOpts.pretrained ?? true : undefined,
    // Classifiers: logits out (the heads' own softmax off), so every family is scored the same
    // way. Detectors keep their sigmoid head (multi-label scores per box).
    options: task === 'video-classification' ? { headActivation: null, ...loadOpts.options } : { ...loadOpts.options },
  });
  net.eval();
  return task === 'video-classification' ? classifier(net, info, names) : detector(net, info, names);
}

function top(scores: Float32Array, k: number, names: readonly string[] | null): Prediction[] {
  const n = Math.min(Math.max(1, k), scores.length);
  return [...scores.keys()].sort((a, b) => scores[b] - scores[a]).slice(0, n)
    .map((index) => ({ index, score: scores[index], label: names?.[index] ?? `class ${index}` }));
}

function classifier(net: Module, info: ModelInfo, names: readonly string[] | null): VideoClassifier {
  const clipSeconds = (info.frames * info.sampleRate) / FPS;

  const classify = async (input: VideoInput, o: ClassifyOptions = {}): Promise<Prediction[]> => {
    const views = o.clips ?? 'center';
    if (views !== 'center' && views !== 'uniform-10x3') throw new ArgumentError(`pipeline: clips must be 'center' or 'uniform-10x3', not '${String(views)}'`);
    const videos = await decodeViews(input, clipSeconds, views === 'center' ? 1 : 10);
    let sum: Float32Array | null = null;
    let count = 0;
    try {
      for (const video of videos) {
        for (const spatial of views === 'center' ? [-1] : [0, 1, 2]) {
          const p = tidy(() => noGrad(() => {
            const out = net.forward(modelInput(video, info, spatial)) as Tensor;
            return F.softmax(F.reshape(out, [1, out.size]), 1).toArray() as Float32Array;
          }));
          if (!sum) sum = new Float32Array(p.length);
          for (let i = 0; i < p.length; i++) sum[i] += p[i];
          count++;
        }
      }
    } finally {
      for (const v of videos) if (v !== input) v.dispose();
    }
    return top(sum!.map((s) => s / count), o.topk ?? 5, names);
  };
  return Object.assign(classify, { model: net, info, fps: FPS, dispose: () => net.dispose() });
}

function detector(net: Module, info: ModelInfo, names: readonly string[] | null): ActionDetector {
  const detect = async (input: VideoInput, o: DetectOptions): Promise<BoxActions[]> => {
    const boxes = o?.boxes;
    if (!Array.isArray(boxes) || boxes.length === 0 || !boxes.every((b) => Array.isArray(b) && b.length === 4 && b.every(Number.isFinite) && b[2] >= b[0] && b[3] >= b[1])) {
      throw new ArgumentError('pipeline(action-detection): boxes must be a non-empty list of [x1, y1, x2, y2] with x2 >= x1, y2 >= y1');
    }
    const video = input instanceof Tensor ? checkVideo(input) : await decodeAround(input, o.time, o.seconds ?? 1);
    try {
      const scores = tidy(() => noGrad(() => {
        const [x, b] = detectionInput(video, Tensor.from(Float32Array.from(boxes.flat()), [boxes.length, 4]), info);
        const out = net.forward(x, b) as Tensor;
        return out.toArray() as Float32Array;
      }));
      const k = info.numClasses;
      return boxes.map((box, i) => ({ box, actions: top(scores.subarray(i * k, (i + 1) * k), o.topk ?? 5, names) }));
    } finally {
      if (video !== input) video.dispose();
    }
  };
  return Object.assign(detect, { model: net, info, dispose: () => net.dispose() });
}

/**
 * PyTorchVideo's AVA inference transform: uniform temporal subsample to the fast pathway's
 * frames, [0, 1], boxes clipped to the frame, short side to the zoo's size with the boxes
 * scaled alike, normalise, boxes clipped again and prefixed with their batch index 0; SlowFast
 * gets [slow, fast]. Returns the model input and the [K, 5] boxes.
 */
export function detectionInput(video: Tensor, boxes: Tensor, info: ModelInfo): [Tensor | Tensor[], Tensor] {
  const fast = info.pathwayFrames ? info.pathwayFrames[info.pathwayFrames.length - 1] : info.frames;
  let x = T.uniformTemporalSubsample(video, fast);
  x = video.dtype === 'u8' ? T.div255(x) : x;
  let b = T.clipBoxesToImage(boxes, x.shape[2], x.shape[3]);
  [x, b] = T.shortSideScaleWithBoxes(x, b, info.sideSize);
  x = T.normalize(x, info.mean, info.std);
  b = T.clipBoxesToImage(b, x.shape[2], x.shape[3]);
  const k = b.shape[0];
  const withIndex = F.cat([Tensor.zeros([k, 1]), b], 1);
  const batch = (t: Tensor) => F.reshape(t, [1, ...t.shape]);
  const input = info.pathwayFrames ? info.pathwayFrames.map((n) => batch(n === fast ? x : T.uniformTemporalSubsample(x, n))) : batch(x);
  return [input, withIndex];
}

function checkVideo(t: Tensor): Tensor {
  if (t.shape.length !== 4 || t.shape[0] !== 3) throw new ArgumentError(`pipeline: a video tensor is [3, T, H, W], got [${t.shape.join(', ')}]`);
  return t;
}

async function decodeAround(input: Exclude<VideoInput, Tensor>, time: number | undefined, seconds: number): Promise<Tensor> {
  const { video, cleanup } = await openVideo(input);
  try {
    const centre = time ?? video.duration / 2;
    if (!(centre >= 0 && centre <= video.duration)) throw new ArgumentError(`pipeline: time ${centre} s is outside the video (0 - ${video.duration} s)`);
    const start = Math.max(0, centre - seconds / 2);
    return (await video.getClip(start, Math.min(video.duration, centre + seconds / 2) + 1e-6)).video;
  } finally {
    video.close();
    await cleanup();
  }
}

/**
 * One view of a u8/f32 [3, T, H, W] clip as the model takes it: the Kinetics eval chain
 * (data/load_clip.ts kineticsEval) at the zoo entry's frames, side, crop and mean/std, as a batch
 * of one, or [slow, fast] pathways for SlowFast (the slow one subsampled from the fast).
 */
export function modelInput(video: Tensor, info: ModelInfo, spatial = -1): Tensor | Tensor[] {
  const fast = info.pathwayFrames ? info.pathwayFrames[info.pathwayFrames.length - 1] : info.frames;
  const x = kineticsEval(video, { frames: fast, crop: info.cropSize, shortSide: info.sideSize, mean: info.mean, std: info.std }, spatial);
  const batch = (t: Tensor) => F.reshape(t, [1, ...t.shape]);
  if (!info.pathwayFrames) return batch(x);
  return info.pathwayFrames.map((n) => batch(n === fast ? x : T.uniformTemporalSubsample(x, n)));
}

/** The clips to classify: `n` windows of `seconds` spread evenly over the video (centred when n = 1). */
async function decodeViews(input: VideoInput, seconds: number, n: number): Promise<Tensor[]> {
  if (input instanceof Tensor) return [checkVideo(input)];
  const { video, cleanup } = await openVideo(input);
  try {
    const len = Math.min(seconds, video.duration);
    const span = video.duration - len;
    const starts = n === 1 ? [span / 2] : Array.from({ length: n }, (_, i) => (span * i) / (n - 1));
    const clips: Tensor[] = [];
    try {
      for (const s of starts) clips.push((await video.getClip(s, s + len + 1e-6)).video);
    } catch (e) {
      for (const c of clips) c.dispose();
      throw e;
    }
    return clips;
  } finally {
    video.close();
    await cleanup();
  }
}

const isNode = !!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;

/** EncodedVideo over any input: in Node, URLs and in-memory files go through a temporary file. */
async function openVideo(input: Exclude<VideoInput, Tensor>): Promise<{ video: EncodedVideo; cleanup: () => Promise<void> }> {
  const none = async () => {};
  const opts = { decodeAudio: false };
  if (!isNode) {
    const file = input instanceof Uint8Array || input instanceof ArrayBuffer ? new Blob([input as BlobPart]) : input;
    return { video: await EncodedVideo.fromFile(file, opts), cleanup: none };
  }
  const s = typeof input === 'string' || input instanceof URL ? String(input) : null;
  if (s !== null && !/^(https?|blob|data):/.test(s)) {
    const { fileURLToPath } = nodeBuiltin('node:url');
    return { video: await EncodedVideo.fromPath(s.startsWith('file:') ? fileURLToPath(s) : s, opts), cleanup: none };
  }
  let bytes: Uint8Array;
  if (s !== null) {
    const res = await fetch(s).catch((e: Error) => { throw new ArgumentError(`pipeline: cannot fetch ${s} (${e.message})`); });
    if (!res.ok) throw new ArgumentError(`pipeline: cannot fetch ${s}: HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } else if (input instanceof Blob) bytes = new Uint8Array(await input.arrayBuffer());
  else bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input as Uint8Array;
  const { mkdtempSync, writeFileSync, rmSync } = nodeBuiltin('node:fs');
  const { join } = nodeBuiltin('node:path');
  const { tmpdir } = nodeBuiltin('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'vidwasm-pipeline-'));
  const name = s ? (new URL(s).pathname.split('/').pop() || 'video') : input instanceof Blob && 'name' in input ? String((input as File).name) : 'video';
  const path = join(dir, name.replace(/[^\w.-]/g, '_'));
  writeFileSync(path, bytes);
  const cleanup = async () => rmSync(dir, { recursive: true, force: true });
  try {
    return { video: await EncodedVideo.fromPath(path, opts), cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
