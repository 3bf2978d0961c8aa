// The PyTorchVideo model zoo as data: every model of the published zoo tables (Kinetics-400,
// Something-Something V2, Charades, AVA v2.2, the accelerator table) with the builder and
// keyword arguments PyTorchVideo's torch-hub functions pass, the clip it expects, its input
// normalisation, its checkpoint (file name and published URL — metadata only, never fetched
// here) and its published accuracy, FLOPs and parameter count.
import { VidwasmError } from '../runtime/errors.js';

/** A layer factory inside builder options, named rather than referenced (resolved from models/). */
export interface FactoryRef { factory: string }
export type OptionValue = number | string | boolean | null | FactoryRef | OptionValue[] | { [k: string]: OptionValue };

export type ZooDataset = 'Kinetics-400' | 'Something-Something V2' | 'Charades' | 'AVA v2.2';

export interface ModelInfo {
  /** Registry name: the PyTorchVideo torch-hub function name where one exists. */
  name: string;
  /** The hub function (pytorchvideo.models.hub) that builds it, or null when it is zoo-only. */
  hub: string | null;
  arch: string;
  depth: string;
  dataset: ZooDataset;
  task: 'classification' | 'detection';
  pretrain: string | null;
  /** Builder exported by ts/models (camelCase of the PyTorchVideo function), or null (no builder). */
  builder: string | null;
  /** The keyword arguments the hub function passes, camelCased; factories as {factory: name}. */
  options: Record<string, OptionValue>;
  numClasses: number;
  /** Frames per clip x sampling stride (for SlowFast: the slow pathway; the fast one takes alpha x frames). */
  frames: number;
  sampleRate: number;
  /** Frames per pathway input when the model is multi-pathway ([slow, fast]). */
  pathwayFrames?: number[];
  /** Short side the frames are resized to for testing, then the square centre crop fed to the model. */
  sideSize: number;
  cropSize: number;
  /** Per-channel normalisation after scaling pixels to [0, 1] (RGB order). */
  mean: [number, number, number];
  std: [number, number, number];
  /** Which class-name list the logits index, when there is one in the zoo. */
  classNames: 'kinetics400' | 'ava' | null;
  checkpoint: { file: string; url: string; format: 'pyth' | 'torchscript'; key: 'model_state' | null };
  /** As published: top-1 / top-5 (%) for classification, mAP (%) for Charades and AVA. */
  metrics: { top1?: number; top5?: number; mAP?: number };
  /** Published GFLOPs of one view, and the views used for the published accuracy ("3 x 10"). */
  gflops: number | null;
  views: string | null;
  /** Published parameter count, millions. */
  paramsM: number;
  /** Published latency where the zoo gives one (accelerator table: Samsung S8, 1 s clip). */
  latencyMs?: number;
  notes?: string;
}

/** Where the published checkpoints live; zoo.load's `baseUrl` / $VIDWASM_ZOO_BASE_URL replace it. */
export const ZOO_BASE_URL = 'https://dl.fbaipublicfiles.com/pytorchvideo/model_zoo';
// PySlowFast / PyTorchVideo convention for every model of this zoo (DATA.MEAN / DATA.STD).
const MEAN: [number, number, number] = [0.45, 0.45, 0.45];
const STD: [number, number, number] = [0.225, 0.225, 0.225];
const f = (factory: string): FactoryRef => ({ factory });

type Entry = Omit<ModelInfo, 'mean' | 'std' | 'checkpoint' | 'classNames' | 'pretrain'> &
  Partial<Pick<ModelInfo, 'mean' | 'std' | 'classNames' | 'pretrain'>> & { ckpt: string; format?: 'pyth' | 'torchscript'; key?: 'model_state' | null };

const k400 = (e: Omit<Entry, 'dataset' | 'task' | 'numClasses'> & { numClasses?: number }): Entry =>
  ({ dataset: 'Kinetics-400', task: 'classification', numClasses: 400, classNames: 'kinetics400', ...e });

const I3D_CONV_A = [[3, 1, 1], [[3, 1, 1], [1, 1, 1]], [[3, 1, 1], [1, 1, 1]], [[1, 1, 1], [3, 1, 1]]];
// slowfast_16x8_r101_50_50: six (3,1,1) conv_a in the slow pathway's res4 (and the fast one's), as the hub builds it.
const R101_50_50_RES4 = [...Array(6).fill([3, 1, 1]), ...Array(23 - 6).fill([1, 1, 1])];
const MVIT_B = {
  spatialSize: 224, embedDimMul: [[1, 2.0], [3, 2.0], [14, 2.0]], attenHeadMul: [[1, 2.0], [3, 2.0], [14, 2.0]],
  poolQStrideSize: [[1, 1, 2, 2], [3, 1, 2, 2], [14, 1, 2, 2]], poolKvStrideAdaptive: [1, 8, 8], poolKvqKernel: [3, 3, 3],
};

const ENTRIES: Entry[] = [
  // ---- Kinetics-400 ----
  k400({ name: 'c2d_r50', hub: 'c2d_r50', arch: 'C2D', depth: 'R50', builder: 'createResnet',
    options: { stemConvKernelSize: [1, 7, 7], stage1Pool: f('MaxPool3d'), stageConvAKernelSize: [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]] },
    frames: 8, sampleRate: 8, sideSize: 256, cropSize: 224, ckpt: 'kinetics/C2D_8x8_R50.pyth',
    metrics: { top1: 71.46, top5: 89.68 }, gflops: 25.89, views: '3 x 10', paramsM: 24.33 }),
  k400({ name: 'i3d_r50', hub: 'i3d_r50', arch: 'I3D', depth: 'R50', builder: 'createResnet',
    options: { stemConvKernelSize: [5, 7, 7], stage1Pool: f('MaxPool3d'), stageConvAKernelSize: I3D_CONV_A },
    frames: 8, sampleRate: 8, sideSize: 256, cropSize: 224, ckpt: 'kinetics/I3D_8x8_R50.pyth',
    metrics: { top1: 73.27, top5: 90.70 }, gflops: 37.53, views: '3 x 10', paramsM: 28.04 }),
  k400({ name: 'slow_r50_4x16', hub: 'slow_r50_4x16', arch: 'Slow', depth: 'R50', builder: 'createResnet',
    options: { stemConvKernelSize: [1, 7, 7], headPoolKernelSize: [4, 7, 7], modelDepth: 50 },
    frames: 4, sampleRate: 16, sideSize: 256, cropSize: 224, ckpt: 'kinetics/SLOW_4x16_R50.pyth',
    metrics: { top1: 72.40, top5: 90.18 }, gflops: 27.55, views: '3 x 10', paramsM: 32.45 }),
  k400({ name: 'slow_r50', hub: 'slow_r50', arch: 'Slow', depth: 'R50', builder: 'createResnet',
    options: { stemConvKernelSize: [1, 7, 7], headPoolKernelSize: [8, 7, 7], modelDepth: 50 },
    frames: 8, sampleRate: 8, sideSize: 256, cropSize: 224, ckpt: 'kinetics/SLOW_8x8_R50.pyth',
    metrics: { top1: 74.58, top5: 91.63 }, gflops: 54.52, views: '3 x 10', paramsM: 32.45 }),
  k400({ name: 'slowfast_r50_4x16', hub: null, arch: 'SlowFast', depth: 'R50', builder: 'createSlowfast',
    options: { modelDepth: 50, slowfastFusionConvKernelSize: [5, 1, 1], headPoolKernelSizes: [[4, 7, 7], [32, 7, 7]] },
    frames: 4, sampleRate: 16, pathwayFrames: [4, 32], sideSize: 256, cropSize: 224, ckpt: 'kinetics/SLOWFAST_4x16_R50.pyth',
    metrics: { top1: 75.34, top5: 91.89 }, gflops: 36.69, views: '3 x 10', paramsM: 34.48,
    notes: 'Not a hub function: options follow PySlowFast SLOWFAST_4x16_R50 (fusion kernel 5, alpha 8); the 0.09 M parameter gap to the 8x8 model is that fusion kernel.' }),
  k400({ name: 'slowfast_r50', hub: 'slowfast_r50', arch: 'SlowFast', depth: 'R50', builder: 'createSlowfast',
    options: { modelDepth: 50, slowfastFusionConvKernelSize: [7, 1, 1] },
    frames: 8, sampleRate: 8, pathwayFrames: [8, 32], sideSize: 256, cropSize: 224, ckpt: 'kinetics/SLOWFAST_8x8_R50.pyth',
    metrics: { top1: 76.94, top5: 92.69 }, gflops: 65.71, views: '3 x 10', paramsM: 34.57 }),
  k400({ name: 'slowfast_r101', hub: 'slowfast_r101', arch: 'SlowFast', depth: 'R101', builder: 'createSlowfast',
    options: { modelDepth: 101, slowfastFusionConvKernelSize: [5, 1, 1] },
    frames: 8, sampleRate: 8, pathwayFrames: [8, 32], sideSize: 256, cropSize: 224, ckpt: 'kinetics/SLOWFAST_8x8_R101.pyth',
    metrics: { top1: 77.90, top5: 93.27 }, gflops: 127.20, views: '3 x 10', paramsM: 62.83 }),
  k400({ name: 'slowfast_16x8_r101_50_50', hub: 'slowfast_16x8_r101_50_50', arch: 'SlowFast', depth: 'R101', builder: 'createSlowfast',
    options: {
      modelDepth: 101, slowfastFusionConvKernelSize: [5, 1, 1],
      stageConvAKernelSizes: [[[1, 1, 1], [1, 1, 1], R101_50_50_RES4, [3, 1, 1]], [[3, 1, 1], [3, 1, 1], R101_50_50_RES4, [3, 1, 1]]],
      headPoolKernelSizes: [[16, 7, 7], [64, 7, 7]],
    },
    frames: 16, sampleRate: 8, pathwayFrames: [16, 64], sideSize: 256, cropSize: 224, ckpt: 'kinetics/SLOWFAST_16x8_R101_50_50.pyth',
    metrics: { top1: 78.70, top5: 93.61 }, gflops: 215.61, views: '3 x 10', paramsM: 53.77 }),
  k400({ name: 'csn_r101', hub: 'csn_r101', arch: 'CSN', depth: 'R101', builder: 'createCsn',
    options: { modelDepth: 101, stemPool: f('MaxPool3d'), headPoolKernelSize: [4, 7, 7] },
    frames: 32, sampleRate: 2, sideSize: 256, cropSize: 224, ckpt: 'kinetics/CSN_32x2_R101.pyth',
    metrics: { top1: 77.00, top5: 92.90 }, gflops: 75.62, views: '3 x 10', paramsM: 22.21 }),
  k400({ name: 'r2plus1d_r50', hub: 'r2plus1d_r50', arch: 'R(2+1)D', depth: 'R50', builder: 'createR2plus1d',
    options: { dropoutRate: 0.5 },
    frames: 16, sampleRate: 4, sideSize: 256, cropSize: 224, ckpt: 'kinetics/R2PLUS1D_16x4_R50.pyth',
    metrics: { top1: 76.01, top5: 92.23 }, gflops: 76.45, views: '3 x 10', paramsM: 28.11 }),
  k400({ name: 'x3d_xs', hub: 'x3d_xs', arch: 'X3D', depth: 'XS', builder: 'createX3d',
    options: { inputClipLength: 4, inputCropSize: 160 },
    frames: 4, sampleRate: 12, sideSize: 182, cropSize: 160, ckpt: 'kinetics/X3D_XS.pyth',
    metrics: { top1: 69.12, top5: 88.63 }, gflops: 0.91, views: '3 x 10', paramsM: 3.79 }),
  k400({ name: 'x3d_s', hub: 'x3d_s', arch: 'X3D', depth: 'S', builder: 'createX3d',
    options: { inputClipLength: 13, inputCropSize: 160 },
    frames: 13, sampleRate: 6, sideSize: 182, cropSize: 160, ckpt: 'kinetics/X3D_S.pyth',
    metrics: { top1: 73.33, top5: 91.27 }, gflops: 2.96, views: '3 x 10', paramsM: 3.79 }),
  k400({ name: 'x3d_m', hub: 'x3d_m', arch: 'X3D', depth: 'M', builder: 'createX3d',
    options: { inputClipLength: 16, inputCropSize: 224 },
    frames: 16, sampleRate: 5, sideSize: 256, cropSize: 224, ckpt: 'kinetics/X3D_M.pyth',
    metrics: { top1: 75.94, top5: 92.72 }, gflops: 6.72, views: '3 x 10', paramsM: 3.79 }),
  k400({ name: 'x3d_l', hub: 'x3d_l', arch: 'X3D', depth: 'L', builder: 'createX3d',
    options: { inputClipLength: 16, inputCropSize: 312, depthFactor: 5.0 },
    frames: 16, sampleRate: 5, sideSize: 356, cropSize: 312, ckpt: 'kinetics/X3D_L.pyth',
    metrics: { top1: 77.44, top5: 93.31 }, gflops: 26.64, views: '3 x 10', paramsM: 6.15 }),
  k400({ name: 'mvit_base_16x4', hub: 'mvit_base_16x4', arch: 'MViT', depth: 'B', builder: 'createMultiscaleVisionTransformers',
    options: { ...MVIT_B, temporalSize: 16 },
    frames: 16, sampleRate: 4, sideSize: 256, cropSize: 224, ckpt: 'kinetics/MVIT_B_16x4.pyth',
    metrics: { top1: 78.85, top5: 93.85 }, gflops: 70.80, views: '1 x 5', paramsM: 36.61 }),
  k400({ name: 'mvit_base_32x3', hub: 'mvit_base_32x3', arch: 'MViT', depth: 'B', builder: 'createMultiscaleVisionTransformers',
    options: { ...MVIT_B, temporalSize: 32 },
    frames: 32, sampleRate: 3, sideSize: 256, cropSize: 224, ckpt: 'kinetics/MVIT_B_32x3_f294077834.pyth',
    metrics: { top1: 80.30, top5: 94.69 }, gflops: 170.37, views: '1 x 5', paramsM: 36.61 }),

  // ---- Something-Something V2 (fine-tuned from Kinetics-400; not hub functions: PySlowFast SSv2 configs) ----
  { name: 'slow_r50_ssv2', hub: null, arch: 'Slow', depth: 'R50', dataset: 'Something-Something V2', task: 'classification', pretrain: 'Kinetics-400',
    builder: 'createResnet', options: { stemConvKernelSize: [1, 7, 7], headPoolKernelSize: [8, 7, 7], modelDepth: 50, modelNumClass: 174 },
    numClasses: 174, frames: 8, sampleRate: 8, sideSize: 256, cropSize: 224, ckpt: 'ssv2/SLOW_8x8_R50.pyth',
    metrics: { top1: 60.04, top5: 85.19 }, gflops: 55.10, views: '3 x 1', paramsM: 31.96 },
  { name: 'slowfast_r50_ssv2', hub: null, arch: 'SlowFast', depth: 'R50', dataset: 'Something-Something V2', task: 'classification', pretrain: 'Kinetics-400',
    builder: 'createSlowfast', options: { modelDepth: 50, slowfastFusionConvKernelSize: [7, 1, 1], modelNumClass: 174 },
    numClasses: 174, frames: 8, sampleRate: 8, pathwayFrames: [8, 32], sideSize: 256, cropSize: 224, ckpt: 'ssv2/SLOWFAST_8x8_R50.pyth',
    metrics: { top1: 61.68, top5: 86.92 }, gflops: 66.60, views: '3 x 1', paramsM: 34.04 },

  // ---- Charades (multi-label: sigmoid outputs, as PySlowFast's Charades head) ----
  { name: 'slow_r50_charades', hub: null, arch: 'Slow', depth: 'R50', dataset: 'Charades', task: 'classification', pretrain: 'Kinetics-400',
    builder: 'createResnet', options: { stemConvKernelSize: [1, 7, 7], headPoolKernelSize: [8, 7, 7], modelDepth: 50, modelNumClass: 157, headActivation: f('Sigmoid') },
    numClasses: 157, frames: 8, sampleRate: 8, sideSize: 256, cropSize: 224, ckpt: 'charades/SLOW_8x8_R50.pyth',
    metrics: { mAP: 34.72 }, gflops: 55.10, views: '3 x 10', paramsM: 31.96 },
  { name: 'slowfast_r50_charades', hub: null, arch: 'SlowFast', depth: 'R50', dataset: 'Charades', task: 'classification', pretrain: 'Kinetics-400',
    builder: 'createSlowfast', options: { modelDepth: 50, slowfastFusionConvKernelSize: [7, 1, 1], modelNumClass: 157, headActivation: f('Sigmoid') },
    numClasses: 157, frames: 8, sampleRate: 8, pathwayFrames: [8, 32], sideSize: 256, cropSize: 224, ckpt: 'charades/SLOWFAST_8x8_R50.pyth',
    metrics: { mAP: 37.24 }, gflops: 66.60, views: '3 x 10', paramsM: 34.00 },

  // ---- AVA v2.2 (detection: backbone + RoI head over boxes [K, 5], 80 classes) ----
  { name: 'slow_r50_detection', hub: 'slow_r50_detection', arch: 'Slow', depth: 'R50', dataset: 'AVA v2.2', task: 'detection', pretrain: 'Kinetics-400',
    builder: 'createResnetWithRoiHead', options: {}, classNames: 'ava',
    numClasses: 80, frames: 4, sampleRate: 16, sideSize: 256, cropSize: 256, ckpt: 'ava/SLOW_4x16_R50_DETECTION.pyth',
    metrics: { mAP: 19.5 }, gflops: null, views: null, paramsM: 31.78 },
  { name: 'slowfast_r50_detection', hub: 'slowfast_r50_detection', arch: 'SlowFast', depth: 'R50', dataset: 'AVA v2.2', task: 'detection', pretrain: 'Kinetics-400',
    builder: 'createSlowfastWithRoiHead', options: {}, classNames: 'ava',
    numClasses: 80, frames: 8, sampleRate: 8, pathwayFrames: [8, 32], sideSize: 256, cropSize: 256, ckpt: 'ava/SLOWFAST_8x8_R50_DETECTION.pyth',
    metrics: { mAP: 24.67 }, gflops: null, views: null, paramsM: 33.82 },

  // ---- Accelerator model zoo (mobile CPU; 10-clip accuracy, latency on a Samsung S8, 1 s clip) ----
  k400({ name: 'efficient_x3d_xs', hub: 'efficient_x3d_xs', arch: 'EfficientX3D', depth: 'XS', builder: 'createEfficientX3d',
    options: { expansion: 'XS' }, frames: 4, sampleRate: 12, sideSize: 182, cropSize: 160, ckpt: 'kinetics/efficient_x3d_xs_original_form.pyth', key: null,
    metrics: { top1: 68.5, top5: 88.0 }, gflops: null, views: '1 x 10', paramsM: 3.8, latencyMs: 233,
    notes: 'pytorchvideo.models.accelerator.mobile_cpu.efficient_x3d (expansion "XS"); the checkpoint is a bare state dict.' }),
  k400({ name: 'x3d_xs_int8_qnnpack', hub: null, arch: 'EfficientX3D', depth: 'XS (int8)', builder: null,
    options: {}, frames: 4, sampleRate: 12, sideSize: 182, cropSize: 160, ckpt: 'kinetics/x3d_xs_efficient_converted_qnnpack.pt', format: 'torchscript', key: null,
    metrics: { top1: 66.9, top5: 87.2 }, gflops: null, views: '1 x 10', paramsM: 3.8, latencyMs: 165,
    notes: 'Published only as a TorchScript (QNNPACK int8) file, not a state dict: listed for completeness, not loadable.' }),
  k400({ name: 'efficient_x3d_s', hub: 'efficient_x3d_s', arch: 'EfficientX3D', depth: 'S', builder: 'createEfficientX3d',
    options: { expansion: 'S' }, frames: 13, sampleRate: 6, sideSize: 182, cropSize: 160, ckpt: 'kinetics/efficient_x3d_s_original_form.pyth', key: null,
    metrics: { top1: 73.0, top5: 90.6 }, gflops: null, views: '1 x 10', paramsM: 3.8, latencyMs: 764,
    notes: 'pytorchvideo.models.accelerator.mobile_cpu.efficient_x3d (expansion "S"); the checkpoint is a bare state dict.' }),
];

const REGISTRY: ReadonlyMap<string, ModelInfo> = new Map(ENTRIES.map((e) => {
  const { ckpt, format = 'pyth', key = 'model_state', ...rest } = e;
  const info: ModelInfo = {
    pretrain: null, classNames: null, mean: MEAN, std: STD, ...rest,
    checkpoint: { file: ckpt.slice(ckpt.lastIndexOf('/') + 1), url: `${ZOO_BASE_URL}/${ckpt}`, format, key },
  };
  return [e.name, deepFreeze(info)];
}));

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') { for (const x of Object.values(v)) deepFreeze(x); Object.freeze(v); }
  return v;
}

/** A name that is not in the zoo; `suggestions` are the closest registered names. */
export class UnknownModelError extends VidwasmError {
  constructor(readonly modelName: string, readonly suggestions: string[]) {
    super('E_UNKNOWN_MODEL', `zoo: no model named '${modelName}'${suggestions.length ? `; did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?` : ''} (zoo.listModels() lists all ${REGISTRY.size})`);
  }
}

/** The registry names a builder that ts/models does not export (yet), or none at all. */
export class BuilderUnavailableError extends VidwasmError {
  constructor(readonly modelName: string, readonly builder: string | null, detail = '') {
    super('E_BUILDER_UNAVAILABLE', builder
      ? `zoo: builder ${builder} not available (needed by '${modelName}'): ts/models does not export it${detail}`
      : `zoo: '${modelName}' has no builder${detail}`);
  }
}

/** Every registered name, in the zoo tables' order; optionally one dataset's. */
export function listModels(filter: { dataset?: ZooDataset; task?: ModelInfo['task'] } = {}): string[] {
  return [...REGISTRY.values()].filter((m) => (!filter.dataset || m.dataset === filter.dataset) && (!filter.task || m.task === filter.task)).map((m) => m.name);
}

/** The metadata of a registered model (frozen); UnknownModelError with close names otherwise. */
export function modelInfo(name: string): ModelInfo {
  const info = REGISTRY.get(name);
  if (!info) throw new UnknownModelError(name, closeNames(name));
  return info;
}

/** Up to three registered names nearest `name` (edit distance, plus substring matches). */
export function closeNames(name: string, max = 3): string[] {
  const q = String(name).toLowerCase().replace(/[-\s]/g, '_');
  const scored = [...REGISTRY.keys()].map((k) => {
    let d = editDistance(q, k);
    if (q.length >= 3 && (k.includes(q) || q.includes(k))) d = Math.min(d, 1);
    return { k, d };
  }).filter((s) => s.d <= Math.max(3, Math.floor(q.length / 2))).sort((a, b) => a.d - b.d || a.k.localeCompare(b.k));
  return scored.slice(0, max).map((s) => s.k);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
