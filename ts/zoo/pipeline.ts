// pipeline('video-classification', name): the zoo model, its weights and PyTorchVideo's hub
// recipe for it (sampling, short side, crop, mean/std), behind one call:
//   const clf = await pipeline('video-classification', 'x3d_xs');      // pretrained by default
//   await clf('clip.mp4', { topk: 5 })  ->  [{ label, score, index }, ...]
// Inputs: a path or URL, a File/Blob, the file's bytes, or a decoded u8/f32 [3, T, H, W] video.
// `clips: 'center'` classifies one clip from the middle of the video; 'uniform-10x3' averages
// the probabilities of 10 clips spread evenly over the video times 3 crops along the long side
// (the zoo's published "10 x 3" views).
import { Tensor } from '../runtime/tensor.js';
import { tidy } from '../runtime/memory.js';
import { noGrad } from '../runtime/autograd.js';
import { ArgumentError } from '../runtime/errors.js';
import * as F from '../runtime/ops/index.js';
import type { nn } from '../runtime/index.js';
import { EncodedVideo } from '../data/encoded_video.js';
import { functional as T } from '../data/transforms/index.js';
import { modelInfo, type ModelInfo } from './registry.js';
import { KINETICS400_CLASSES } from './kinetics400.js';
import { load, type LoadOptions } from './load.js';

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

const FPS = 30;

/** Builds the model (pretrained unless `weights` or `pretrained: false` say otherwise). */
export async function pipeline(task: 'video-classification', model: string, opts: PipelineOptions = {}): Promise<VideoClassifier> {
  if (task !== 'video-classification') throw new ArgumentError(`pipeline: unknown task '${String(task)}' (supported: 'video-classification')`);
  const info = modelInfo(model);
  if (info.task !== 'classification') throw new ArgumentError(`pipeline: '${model}' is a ${info.task} model, not a video classifier`);
  const { labels, ...loadOpts } = opts;
  const names = labels ?? (info.classNames === 'kinetics400' ? KINETICS400_CLASSES : null);
  if (names && names.length !== info.numClasses && !loadOpts.options?.modelNumClass) {
    throw new ArgumentError(`pipeline: ${names.length} labels for a model with ${info.numClasses} classes`);
  }
  // Logits out (the heads' own softmax off), so every family is scored the same way.
  const net = await load(model, {
    ...loadOpts,
    pretrained: loadOpts.weights === undefined ? loadOpts.pretrained ?? true : undefined,
    options: { headActivation: null, ...loadOpts.options },
  });
  net.eval();
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
    const probs = sum!.map((s) => s / count);
    const k = Math.min(Math.max(1, o.topk ?? 5), probs.length);
    return [...probs.keys()].sort((a, b) => probs[b] - probs[a]).slice(0, k)
      .map((index) => ({ index, score: probs[index], label: names?.[index] ?? `class ${index}` }));
  };
  return Object.assign(classify, { model: net, info, fps: FPS, dispose: () => net.dispose() });
}

/**
 * PyTorchVideo's Kinetics eval transform for one view of a u8/f32 [3, T, H, W] clip: uniform
 * temporal subsample to the model's frames, scale to [0, 1] and normalise, short side to the
 * zoo's side size, then the centre crop (spatial = -1) or crop 0/1/2 along the long side; a
 * batch of one, or [slow, fast] pathways for SlowFast (the slow one subsampled from the fast).
 */
export function modelInput(video: Tensor, info: ModelInfo, spatial = -1): Tensor | Tensor[] {
  const fast = info.pathwayFrames ? info.pathwayFrames[info.pathwayFrames.length - 1] : info.frames;
  let x = T.uniformTemporalSubsample(video, fast);
  x = video.dtype === 'u8' ? T.uint8Normalize(x, info.mean, info.std) : T.normalize(x, info.mean, info.std);
  if (Math.min(x.shape[2], x.shape[3]) !== info.sideSize) x = T.shortSideScale(x, info.sideSize);
  x = spatial < 0 ? T.centerCrop(x, info.cropSize) : T.uniformCrop(x, info.cropSize, spatial);
  const batch = (t: Tensor) => F.reshape(t, [1, ...t.shape]);
  if (!info.pathwayFrames) return batch(x);
  return info.pathwayFrames.map((n) => batch(n === fast ? x : T.uniformTemporalSubsample(x, n)));
}

/** The clips to classify: `n` windows of `seconds` spread evenly over the video (centred when n = 1). */
async function decodeViews(input: VideoInput, seconds: number, n: number): Promise<Tensor[]> {
  if (input instanceof Tensor) {
    if (input.shape.length !== 4 || input.shape[0] !== 3) throw new ArgumentError(`pipeline: a video tensor is [3, T, H, W], got [${input.shape.join(', ')}]`);
    return [input];
  }
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
    const { fileURLToPath } = await import('node:url');
    return { video: await EncodedVideo.fromPath(s.startsWith('file:') ? fileURLToPath(s) : s, opts), cleanup: none };
  }
  let bytes: Uint8Array;
  if (s !== null) {
    const res = await fetch(s).catch((e: Error) => { throw new ArgumentError(`pipeline: cannot fetch ${s} (${e.message})`); });
    if (!res.ok) throw new ArgumentError(`pipeline: cannot fetch ${s}: HTTP ${res.status}`);
    bytes = new Uint8Array(await res.arrayBuffer());
  } else if (input instanceof Blob) bytes = new Uint8Array(await input.arrayBuffer());
  else bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input as Uint8Array;
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
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
