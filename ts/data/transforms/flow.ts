// Flow-aware video transforms on f32 flow [2, T, H, W] (x then y displacement in pixels): the
// geometry of a flow field changes with the frames it describes, so
//  - a horizontal flip mirrors the field AND negates its x component;
//  - resizing by (sy, sx) scales the y and x components by sy and sx (pixels become bigger or
//    smaller); a resized crop scales by the crop's output / window size;
//  - crops and temporal subsampling leave the vectors as they are (the generic CenterCrop,
//    RandomCrop, UniformTemporalSubsample apply unchanged);
//  - normalisation is per flow channel (Normalize with 2 means and 2 stds).
// Forms as transforms.ts: functional forms keep their input, transform forms consume it.
// createFlowTransform is createVideoTransform's counterpart for a clip dict's `flow`.
import { Tensor } from '../../runtime/tensor.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../../runtime/errors.js';
import { random } from '../../runtime/random.js';
import * as ops from '../../runtime/ops/index.js';
import * as F from './functional_video.js';
import { ApplyTransformToKey, CenterCrop, Compose, Normalize, RandomCrop, RemoveKey, UniformTemporalSubsample, type Transform } from './transforms.js';

function checkFlow(op: string, x: Tensor): void {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: expected a flow Tensor [2, T, H, W]`);
  if (x.dtype !== 'f32') throw new DTypeError(`${op}: flow must be f32, got ${x.dtype}`);
  if (x.rank !== 4 || x.shape[0] !== 2) throw new ShapeError(`${op}: flow must be [2, T, H, W] (x, y), got ${fmtShape(x.shape)}`);
}

/** A new flow with channel x times sx and channel y times sy. */
function scaleComponents(x: Tensor, sx: number, sy: number): Tensor {
  const s = Tensor.from(new Float32Array([sx, sy]), [2, 1, 1, 1], { dtype: 'f32' });
  try { return ops.mul(x, s); } finally { s.dispose(); }
}

/** Mirrors the field left-right and negates x: a rightward motion becomes a leftward one. */
export function flowHorizontalFlip(x: Tensor): Tensor {
  checkFlow('flowHorizontalFlip', x);
  const m = F.horizontalFlip(x);
  try { return scaleComponents(m, -1, 1); } finally { m.dispose(); }
}

/** Bilinear resize to [outH, outW] (PyTorch's interpolate, align_corners false) with the vectors scaled. */
export function flowResize(x: Tensor, outH: number, outW: number, interpolation: F.Interpolation = 'bilinear', window?: F.Window): Tensor {
  checkFlow('flowResize', x);
  const win = window ?? { top: 0, left: 0, height: x.shape[2], width: x.shape[3] };
  const r = F.resizeVideo(x, outH, outW, interpolation, window, 'flowResize');
  try { return scaleComponents(r, outW / win.width, outH / win.height); } finally { r.dispose(); }
}

/** short_side_scale for flow: the shorter side becomes `size`, vectors scaled with it. */
export function flowShortSideScale(x: Tensor, size: number, interpolation: F.Interpolation = 'bilinear'): Tensor {
  checkFlow('flowShortSideScale', x);
  if (!(Number.isInteger(size) && size > 0)) throw new ArgumentError(`flowShortSideScale: size must be a positive integer, got ${size}`);
  const [nh, nw] = F.shortSideSize(x.shape[2], x.shape[3], size);
  return flowResize(x, nh, nw, interpolation);
}

/** random_resized_crop for flow (pytorchvideo's parameters, no shift): vectors scaled by output / window. */
export function flowRandomResizedCrop(x: Tensor, targetHeight: number, targetWidth: number, scale: readonly [number, number] = [0.08, 1],
  aspectRatio: readonly [number, number] = [3 / 4, 4 / 3], logUniformRatio = true, interpolation: F.Interpolation = 'bilinear', numTries = 10): Tensor {
  checkFlow('flowRandomResizedCrop', x);
  const [top, left, height, width] = F.getParamSpatialCrop(scale, aspectRatio, x.shape[2], x.shape[3], logUniformRatio, numTries);
  return flowResize(x, targetHeight, targetWidth, interpolation, { top, left, height, width });
}

const consuming = (name: string, fn: (x: Tensor) => Tensor): Transform<Tensor, Tensor> => {
  const t = (x: Tensor) => { const y = fn(x); if (y !== x) x.dispose(); return y; };
  Object.defineProperty(t, 'name', { value: name });
  return t;
};

export function FlowHorizontalFlip(): Transform<Tensor, Tensor> { return consuming('FlowHorizontalFlip', flowHorizontalFlip); }

/** With probability p, flowHorizontalFlip (else x itself). */
export function FlowRandomHorizontalFlip(p = 0.5): Transform<Tensor, Tensor> {
  return consuming('FlowRandomHorizontalFlip', (x) => { checkFlow('FlowRandomHorizontalFlip', x); return random.uniform() < p ? flowHorizontalFlip(x) : x; });
}

export function FlowShortSideScale(size: number, interpolation: F.Interpolation = 'bilinear'): Transform<Tensor, Tensor> {
  return consuming('FlowShortSideScale', (x) => flowShortSideScale(x, size, interpolation));
}

/** RandomShortSideScale for flow: a size drawn in [minSize, maxSize] per call. */
export function FlowRandomShortSideScale(minSize: number, maxSize: number, interpolation: F.Interpolation = 'bilinear'): Transform<Tensor, Tensor> {
  if (!(Number.isInteger(minSize) && Number.isInteger(maxSize) && minSize > 0 && maxSize >= minSize)) {
    throw new ArgumentError(`FlowRandomShortSideScale: need integers 0 < minSize <= maxSize, got ${minSize}, ${maxSize}`);
  }
  return consuming('FlowRandomShortSideScale', (x) => flowShortSideScale(x, minSize + random.int(maxSize - minSize + 1), interpolation));
}

export function FlowRandomResizedCrop(targetHeight: number, targetWidth: number, scale: readonly [number, number] = [0.08, 1],
  aspectRatio: readonly [number, number] = [3 / 4, 4 / 3]): Transform<Tensor, Tensor> {
  return consuming('FlowRandomResizedCrop', (x) => flowRandomResizedCrop(x, targetHeight, targetWidth, scale, aspectRatio));
}

export interface FlowTransformOptions {
  /** Apply to this key of a clip dict (e.g. 'flow'); null: the transform takes the flow tensor. */
  flowKey?: string | null;
  removeKey?: string[] | null;
  numSamples?: number | null;
  /** Per-channel (x, y) normalisation, applied last. Default mean [0, 0], std [20, 20]: [-1, 1] for the usual +-20 px bound. */
  flowMean?: readonly number[];
  flowStd?: readonly number[];
  minSize?: number;
  maxSize?: number;
  cropSize?: number | readonly [number, number];
  horizontalFlipProb?: number;
  randomResizedCropParas?: { scale?: [number, number]; aspectRatio?: [number, number] } | null;
}

/**
 * createVideoTransform's pipeline for flow: train [UniformTemporalSubsample] -> RandomResizedCrop |
 * (RandomShortSideScale -> RandomCrop -> RandomHorizontalFlip), val [UniformTemporalSubsample] ->
 * ShortSideScale -> CenterCrop, then Normalize per flow channel (last: scaling and negating the
 * vectors must act on pixels, not on normalised values). Random draws are the transform's own:
 * to augment video and flow alike, seed both or use val mode.
 */
export function createFlowTransform(mode: 'train' | 'val', opts: FlowTransformOptions = {}): Transform {
  if (mode !== 'train' && mode !== 'val') throw new ArgumentError(`createFlowTransform: mode must be 'train' or 'val', got '${String(mode)}'`);
  const numSamples = opts.numSamples === undefined ? 8 : opts.numSamples;
  const mean = opts.flowMean ?? [0, 0], std = opts.flowStd ?? [20, 20];
  const minSize = opts.minSize ?? 256, maxSize = opts.maxSize ?? 320;
  const cropSize = opts.cropSize ?? 224, flipProb = opts.horizontalFlipProb ?? 0.5;
  const [ch, cw] = typeof cropSize === 'number' ? [cropSize, cropSize] : cropSize;
  if (Math.max(ch, cw) > minSize) throw new ArgumentError(`createFlowTransform: cropSize ${JSON.stringify(cropSize)} must be <= minSize ${minSize}`);
  if (!opts.flowKey && opts.removeKey) throw new ArgumentError('createFlowTransform: removeKey needs a flowKey');
  const steps: Transform[] = [];
  if (numSamples !== null) steps.push(UniformTemporalSubsample(numSamples));
  if (mode === 'train') {
    const rrc = opts.randomResizedCropParas;
    if (rrc) steps.push(FlowRandomResizedCrop(ch, cw, rrc.scale ?? [0.08, 1.0], rrc.aspectRatio ?? [3 / 4, 4 / 3]));
    else steps.push(FlowRandomShortSideScale(minSize, maxSize), RandomCrop([ch, cw]), FlowRandomHorizontalFlip(flipProb));
  } else {
    steps.push(FlowShortSideScale(minSize), CenterCrop([ch, cw]));
  }
  steps.push(Normalize(mean, std));
  const flow = Compose(steps);
  if (!opts.flowKey) return flow;
  return Compose([ApplyTransformToKey(opts.flowKey, flow), ...(opts.removeKey ?? []).map((k) => RemoveKey(k))]);
}
