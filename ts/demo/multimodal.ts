// The multimodal demo (`vidwasm demo --modalities rgb,imu` or `rgb,flow,imu`): a synthetic task
// that no single modality can solve, learned by late-fusion networks with the Trainer.
//
// Each clip is the demo's motion clip (a shape moving right, left, up or down: ts/demo/synth.ts)
// with an IMU recording [6, M] of the same second: a slow sway on every channel, plus, in half
// of the clips, a fast "shake" (8-12 Hz). The class is (axis of the motion) x (shaking or not):
// horizontal-still, horizontal-shake, vertical-still, vertical-shake. The video (or its optical
// flow) tells the axis but not the shake, the IMU the shake but not the axis: alone, each can reach
// 50%; only a fused network can be right on all four classes.
//
// Pathways: RGB is a small 3-D conv net, flow a narrow X3D with inputChannel 2 whose head gives
// features; the IMU pathway is ImuEncoder; MultiModalNet concatenates the features
// (pytorchvideo.layers.fusion) before a linear classifier. Every modality set (each one alone,
// the RGB+flow two-stream, all together) is trained from scratch on the same clips and scored
// on the same held-out clips.
//
// Flow: data.computeFlow (Farnebäck, OpenCV's default parameters) on each clip's frames.
import { Tensor } from '../runtime/tensor.js';
import { nn, ops } from '../runtime/index.js';
import { manualSeed } from '../runtime/random.js';
import { computeFlow } from '../data/flow/index.js';
import { NormalizeImu } from '../data/imu.js';
import { createX3d } from '../models/x3d.js';
import { ImuEncoder } from '../models/imu_encoder.js';
import { MultiModalNet } from '../models/multimodal.js';
import { Trainer } from '../train/trainer.js';
import type { Batch, Loader } from '../train/batch.js';
import { ArgumentError } from '../runtime/errors.js';
import { DEMO_CLIP } from './spec.js';
import { renderClip, rgbToClip, rng } from './synth.js';

export const MODALITIES = ['rgb', 'flow', 'imu'] as const;
export type Modality = (typeof MODALITIES)[number];
export const MULTIMODAL_CLASSES = ['horizontal-still', 'horizontal-shake', 'vertical-still', 'vertical-shake'] as const;

/** IMU samples per clip: the clip's second at 32 Hz (the shake's 8-12 Hz stays under Nyquist). */
export const IMU_RATE = 32;
/** Features out of each video pathway. */
const VIDEO_FEATURES = 32;

export const FLOW_SOURCE = 'data.computeFlow (Farnebäck)';

interface Clip { rgb: Float32Array; flow: Float32Array; imu: Float32Array; label: number }

/** One clip's IMU [6, M]: a slow sway per channel, noise, and with `shake` a fast oscillation. */
function imuSignal(shake: boolean, r: () => number): Float32Array {
  const m = IMU_RATE, out = new Float32Array(6 * m);
  const fFast = 8 + r() * 4, amp = 0.6 + r() * 0.6, phase = r() * 2 * Math.PI;
  for (let c = 0; c < 6; c++) {
    const fSlow = 0.5 + r() * 1.5, a = 0.5 + r() * 1.0, ph = r() * 2 * Math.PI, off = (r() - 0.5) * 2;
    const w = c < 3 ? 1 : 0.5; // the shake shows more in the accelerometer
    for (let j = 0; j < m; j++) {
      const t = j / IMU_RATE;
      let v = off + a * Math.sin(2 * Math.PI * fSlow * t + ph) + (r() - 0.5) * 0.6;
      if (shake) v += w * amp * Math.sin(2 * Math.PI * fFast * t + phase + c);
      out[c * m + j] = v;
    }
  }
  return out;
}

/** Flow [2, T-1, S, S] (x then y, px/frame): data.computeFlow on the clip's frames (rgb24 [T, S, S, 3]). */
function flowOf(rgb24: Uint8Array): Float32Array {
  const { frames: T, size: S } = DEMO_CLIP, hw = S * S;
  const planar = new Uint8Array(3 * T * hw);
  for (let t = 0; t < T; t++) for (let p = 0; p < hw; p++) for (let c = 0; c < 3; c++) planar[(c * T + t) * hw + p] = rgb24[(t * hw + p) * 3 + c];
  const v = Tensor.from(planar, [3, T, S, S], { dtype: 'u8' });
  try {
    const f = computeFlow(v, { method: 'farneback' });
    try { return Float32Array.from(f.toArray() as Float32Array); } finally { f.dispose(); }
  } finally { v.dispose(); }
}

/** n clips with balanced classes (direction and shake drawn so every class gets n / 4). */
export function multimodalClips(n: number, seed: number, withFlow: boolean): Clip[] {
  const { frames, size } = DEMO_CLIP;
  const r = rng(seed * 7919 + 1);
  return Array.from({ length: n }, (_, i) => {
    const label = i % 4, shake = (label & 1) === 1, vertical = label >= 2;
    const direction = (vertical ? 2 : 0) + (r() < 0.5 ? 0 : 1); // right/left or up/down
    const rgb24 = renderClip(direction, seed * 100003 + i, { frames, size });
    return { rgb: rgbToClip(rgb24, frames, size), flow: withFlow ? flowOf(rgb24) : new Float32Array(0), imu: imuSignal(shake, r), label };
  });
}

/**
 * The RGB pathway: the differences of consecutive frames, a 2x2 spatial average (16x16 is plenty to see a shape move), two
 * spatiotemporal 3x3x3 conv stages (BatchNorm, ReLU), the max over space, the mean over time: small
 * enough that the demo trains every modality set within CI's minute.
 */
class RgbEncoder extends nn.Module {
  private readonly stages: InstanceType<typeof nn.Sequential>;
  constructor(readonly dimOut = VIDEO_FEATURES) {
    super();
    this.stages = this.registerModule('stages', new nn.Sequential(
      new nn.AvgPool3d([1, 2, 2], { stride: [1, 2, 2] }),
      new nn.Conv3d(3, 16, [3, 3, 3], { padding: 1, bias: false }), new nn.BatchNorm3d(16), new nn.ReLU(),
      new nn.Conv3d(16, dimOut, [3, 3, 3], { stride: [1, 2, 2], padding: 1, bias: false }), new nn.BatchNorm3d(dimOut), new nn.ReLU(),
      // the strongest response anywhere in the frame: the moving shape, not the noisy background
      new nn.MaxPool3d([1, DEMO_CLIP.size / 4, DEMO_CLIP.size / 4]),
    ));
  }
  override forward(x: Tensor): Tensor {
    // frame differences first (TSN's RGB-diff): the static background cancels, the motion stays
    const t = x.shape[2];
    const diff = ops.sub(ops.narrow(x, 2, 1, t - 1), ops.narrow(x, 2, 0, t - 1));
    return ops.reshape(ops.mean(this.stages.forward(diff) as Tensor, [2, 3, 4]), [x.shape[0], this.dimOut]);
  }
}

/** A pathway's encoder and its feature width. */
function encoderFor(m: Modality): { encoder: InstanceType<typeof nn.Module>; dim: number } {
  if (m === 'imu') { const e = new ImuEncoder({ stageDims: [16, 32] }); return { encoder: e, dim: e.dimOut }; }
  if (m === 'rgb') return { encoder: new RgbEncoder(), dim: VIDEO_FEATURES };
  // The flow pathway: a narrow X3D over the 2-channel flow (inputChannel 2) whose head gives features.
  const { frames, size } = DEMO_CLIP;
  const encoder = createX3d({
    inputChannel: 2, inputClipLength: frames - 1, inputCropSize: size,
    modelNumClass: VIDEO_FEATURES, widthFactor: 0.5, depthFactor: 0.5, headDimOut: 64, dropoutRate: 0, headActivation: null,
    stemConvStride: [1, 2, 2],
  });
  return { encoder, dim: VIDEO_FEATURES };
}

export function createMultimodalModel(modalities: readonly Modality[]): MultiModalNet {
  const parts = modalities.map(encoderFor);
  return new MultiModalNet({ encoders: parts.map((p) => p.encoder), featureDims: parts.map((p) => p.dim), numClasses: MULTIMODAL_CLASSES.length });
}

/** Batches of the chosen modalities, as MultiModalNet takes them (batch.video is the list). */
function loader(clips: Clip[], modalities: readonly Modality[], batchSize: number, shuffleSeed: number | null,
  imuNorm: (x: Tensor) => Tensor): Loader {
  const { frames, size } = DEMO_CLIP;
  const nb = Math.ceil(clips.length / batchSize);
  let epoch = 0;
  return {
    length: nb,
    async *[Symbol.asyncIterator](): AsyncGenerator<Batch> {
      const order = clips.map((_, i) => i);
      if (shuffleSeed !== null) {
        const r = rng(shuffleSeed * 31 + epoch++);
        for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
      }
      for (let b = 0; b < nb; b++) {
        const idx = order.slice(b * batchSize, (b + 1) * batchSize), n = idx.length;
        const pack = (m: Modality): Tensor => {
          const shape = m === 'rgb' ? [3, frames, size, size] : m === 'flow' ? [2, frames - 1, size, size] : [6, IMU_RATE];
          const per = shape.reduce((a, c) => a * c, 1), buf = new Float32Array(n * per);
          idx.forEach((k, i) => buf.set(clips[k][m], i * per));
          if (m !== 'imu') return Tensor.from(buf, [n, ...shape]);
          // per-channel normalisation with the training set's statistics
          const rows = Array.from({ length: n }, (_, i) => imuNorm(Tensor.from(buf.subarray(i * per, (i + 1) * per), [6, IMU_RATE])));
          const out = new Float32Array(n * per);
          rows.forEach((t, i) => { out.set(t.toArray() as Float32Array, i * per); t.dispose(); });
          return Tensor.from(out, [n, ...shape]);
        };
        yield { video: modalities.map(pack), label: Tensor.from(Int32Array.from(idx, (k) => clips[k].label), [n], { dtype: 'i32' }) };
      }
    },
  };
}

/** Per-channel mean and std of the training clips' IMU (for NormalizeImu). */
function imuStats(clips: Clip[]): { mean: number[]; std: number[] } {
  const mean = new Array(6).fill(0), sq = new Array(6).fill(0), n = clips.length * IMU_RATE;
  for (const c of clips) for (let ch = 0; ch < 6; ch++) for (let j = 0; j < IMU_RATE; j++) { const v = c.imu[ch * IMU_RATE + j]; mean[ch] += v; sq[ch] += v * v; }
  for (let ch = 0; ch < 6; ch++) { mean[ch] /= n; sq[ch] = Math.sqrt(Math.max(sq[ch] / n - mean[ch] ** 2, 1e-12)); }
  return { mean, std: sq };
}

export interface MultimodalDemoOptions {
  modalities?: readonly Modality[];
  quick?: boolean;
  seed?: number;
  epochs?: number;
  trainClips?: number;
  valClips?: number;
  lr?: number;
  onStep?: (modalities: Modality[], step: number, loss: number) => void;
  log?: (line: string) => void;
}

export interface MultimodalResult { modalities: Modality[]; top1: number; seconds: number }

/** The modality sets compared: each alone, RGB+flow (two-stream) when both are there, and all together. */
export function modalitySets(ms: readonly Modality[]): Modality[][] {
  const sets: Modality[][] = ms.map((m) => [m]);
  if (ms.includes('rgb') && ms.includes('flow') && ms.length > 2) sets.push(['rgb', 'flow']);
  if (ms.length > 1) sets.push([...ms]);
  return sets;
}

export async function runMultimodalDemo(o: MultimodalDemoOptions = {}): Promise<{ results: MultimodalResult[]; flowSource: string | null }> {
  const ms = [...(o.modalities ?? ['rgb', 'imu'])];
  if (!ms.length || ms.some((m) => !MODALITIES.includes(m)) || new Set(ms).size !== ms.length) {
    throw new ArgumentError(`demo: --modalities must be distinct names from ${MODALITIES.join(', ')}, got '${ms.join(',')}'`);
  }
  const seed = o.seed ?? 0, quick = o.quick ?? false, log = o.log ?? console.log;
  const epochs = o.epochs ?? (quick ? 6 : 12);
  const nTrain = o.trainClips ?? (quick ? 160 : 320), nVal = o.valClips ?? (quick ? 64 : 128);
  const withFlow = ms.includes('flow');
  const train = multimodalClips(nTrain, seed * 2 + 1, withFlow), val = multimodalClips(nVal, seed * 2 + 2, withFlow);
  const { mean, std } = imuStats(train);
  const norm = NormalizeImu(mean, std);
  log(`classes: ${MULTIMODAL_CLASSES.join(', ')} (axis of motion x IMU shake); ${nTrain} training / ${nVal} held-out clips`);
  if (withFlow) log(`flow: ${FLOW_SOURCE}`);
  const results: MultimodalResult[] = [];
  for (const set of modalitySets(ms)) {
    const t0 = performance.now();
    manualSeed(seed + 17);
    const model = createMultimodalModel(set);
    const trainer = new Trainer({
      model, optimizer: 'adamw', lr: o.lr ?? 1e-2, weightDecay: 1e-4, schedule: 'cosine', epochs,
      trainLoader: loader(train, set, 16, seed + 5, norm),
      onProgress: o.onStep ? (p) => o.onStep!(set, p.step, p.loss) : undefined,
    });
    try {
      await trainer.fit({ resume: false });
      const r = await trainer.evaluate(loader(val, set, 32, null, norm));
      const seconds = (performance.now() - t0) / 1000;
      results.push({ modalities: set, top1: r.top1, seconds });
      log(`${set.join('+').padEnd(14)} held-out top-1: ${(r.top1 * 100).toFixed(1)}%  (${seconds.toFixed(1)} s)`);
    } finally {
      trainer.optimizer.dispose();
      model.dispose();
    }
  }
  return { results, flowSource: withFlow ? FLOW_SOURCE : null };
}
