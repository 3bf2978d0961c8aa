// The transform (class) forms of pytorchvideo.transforms, as factories returning callables:
// `T.Compose([T.UniformTemporalSubsample(8), T.ShortSideScale(256)])(video)`.
//
// Ownership: a video transform CONSUMES its input: when it returns a new tensor it disposes the
// one it replaced, so a Compose chain (and a dataset applying it to every clip) keeps memory
// flat. Dict transforms replace (and dispose) the value under their key. Use the functional
// forms (T.functional) to keep inputs alive.
import { Tensor } from '../../runtime/tensor.js';
import { ArgumentError, ShapeError } from '../../runtime/errors.js';
import { random } from '../../runtime/random.js';
import * as ops from '../../runtime/ops/index.js';
import * as F from './functional_video.js';
import type { Interpolation, Backend } from './functional_video.js';

/** Anything callable on one value. */
export type Transform<I = any, O = any> = (x: I) => O;
/** A clip dict (video, audio, label, video_name, video_index, clip_index, aug_index, ...). */
export type ClipDict = Record<string, any>;

/** Runs fn(x) and disposes x when fn returned something else (the consuming convention). */
function consume(x: Tensor, y: Tensor): Tensor {
  if (y !== x && x instanceof Tensor && !x.isDisposed) x.dispose();
  return y;
}
function videoTransform(name: string, fn: (x: Tensor) => Tensor): Transform<Tensor, Tensor> {
  const t = (x: Tensor) => consume(x, fn(x));
  Object.defineProperty(t, 'name', { value: name });
  return t;
}

/** Disposes any tensors in a value being dropped (a tensor, or an array of them). */
function disposeValue(v: unknown): void {
  if (v instanceof Tensor) { if (!v.isDisposed) v.dispose(); }
  else if (Array.isArray(v)) v.forEach(disposeValue);
}

/** What a built-in transform is, so Compose can fuse neighbours (see fuse()). */
interface Tagged { kind?: string; params?: Record<string, any> }
function tag<F extends Transform>(t: F, kind: string, params: Record<string, any>): F & Tagged {
  return Object.assign(t, { kind, params });
}

/**
 * Resize-then-crop pairs become one pass that computes only the cropped window (the values are
 * the same: every output pixel samples the same source coordinates, and random draws happen in
 * the same order). ShortSideScale+CenterCrop and RandomShortSideScale+RandomCrop; likewise
 * ConvertUint8ToFloat+Normalize becomes one u8 -> normalised f32 sweep (same two roundings).
 */
function fuse(list: readonly Transform[]): Transform[] {
  const out: Transform[] = [];
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as Transform & Tagged, b = list[i + 1] as (Transform & Tagged) | undefined;
    if (a.kind === 'ShortSideScale' && b?.kind === 'CenterCrop') {
      const { size, interpolation } = a.params!, crop = b.params!.size;
      out.push(videoTransform('ShortSideScale+CenterCrop', (x) => F.shortSideScaleCenterCrop(x, size, crop, interpolation)));
      i++;
    } else if (a.kind === 'RandomShortSideScale' && b?.kind === 'RandomCrop') {
      const { minSize, maxSize, interpolation } = a.params!, crop = b.params!.size;
      out.push(videoTransform('RandomShortSideScale+RandomCrop', (x) => F.randomShortSideScaleRandomCrop(x, minSize, maxSize, crop, interpolation)));
      i++;
    } else if (a.kind === 'ConvertUint8ToFloat' && b?.kind === 'Normalize') {
      const { mean, std } = b.params!;
      out.push(videoTransform('ConvertUint8ToFloat+Normalize', (x) => F.uint8Normalize(x, mean, std, 'convertUint8ToFloat')));
      i++;
    } else out.push(a);
  }
  return out;
}

/** Applies transforms in order. `fuse: false` keeps every step separate (for debugging). */
export function Compose(transforms: readonly Transform[], opts: { fuse?: boolean } = {}): Transform & { transforms: readonly Transform[] } {
  if (!Array.isArray(transforms)) throw new ArgumentError('Compose: expected a list of transforms');
  transforms.forEach((t, i) => { if (typeof t !== 'function') throw new ArgumentError(`Compose: transform ${i} is not callable`); });
  const run = opts.fuse === false ? [...transforms] : fuse(transforms);
  const fn = (x: any) => run.reduce((v, t) => t(v), x);
  fn.transforms = transforms;
  return fn;
}

export function ApplyTransformToKey(key: string, transform: Transform): Transform<ClipDict, ClipDict> {
  if (typeof transform !== 'function') throw new ArgumentError(`ApplyTransformToKey('${key}'): transform is not callable`);
  return (x: ClipDict) => {
    if (!(key in x)) throw new ArgumentError(`ApplyTransformToKey: the clip has no key '${key}' (keys: ${Object.keys(x).join(', ')})`);
    const before = x[key];
    const after = transform(before);
    // a transform that does not consume (a user's function) would leak what it replaced
    if (after !== before && before instanceof Tensor && !before.isDisposed) before.dispose();
    x[key] = after;
    return x;
  };
}

export function RemoveKey(key: string): Transform<ClipDict, ClipDict> {
  return (x: ClipDict) => {
    if (key in x) { disposeValue(x[key]); delete x[key]; }
    return x;
  };
}

export function UniformTemporalSubsample(numSamples: number, temporalDim = -3): Transform<Tensor, Tensor> {
  if (!(Number.isInteger(numSamples) && numSamples > 0)) throw new ArgumentError(`UniformTemporalSubsample: numSamples must be a positive integer, got ${numSamples}`);
  return videoTransform('UniformTemporalSubsample', (x) => F.uniformTemporalSubsample(x, numSamples, temporalDim));
}

export function UniformTemporalSubsampleRepeated(frameRatios: readonly number[], temporalDim = -3): Transform<Tensor, Tensor[]> {
  return (x: Tensor) => {
    const out = F.uniformTemporalSubsampleRepeated(x, frameRatios, temporalDim);
    x.dispose();
    return out;
  };
}

export function ShortSideScale(size: number, interpolation: Interpolation = 'bilinear', backend: Backend = 'pytorch'): Transform<Tensor, Tensor> {
  if (backend !== 'pytorch') throw new ArgumentError(`ShortSideScale: backend '${String(backend)}' is not supported (only 'pytorch'; there is no OpenCV here)`);
  return tag(videoTransform('ShortSideScale', (x) => F.shortSideScale(x, size, interpolation, backend)), 'ShortSideScale', { size, interpolation });
}

export function RandomShortSideScale(minSize: number, maxSize: number, interpolation: Interpolation = 'bilinear', backend: Backend = 'pytorch'): Transform<Tensor, Tensor> {
  if (!(Number.isInteger(minSize) && Number.isInteger(maxSize) && minSize > 0 && maxSize >= minSize)) {
    throw new ArgumentError(`RandomShortSideScale: need integers 0 < minSize <= maxSize, got ${minSize}, ${maxSize}`);
  }
  if (backend !== 'pytorch') throw new ArgumentError(`RandomShortSideScale: backend '${String(backend)}' is not supported (only 'pytorch'; there is no OpenCV here)`);
  return tag(videoTransform('RandomShortSideScale', (x) => F.shortSideScale(x, minSize + random.int(maxSize - minSize + 1), interpolation, backend)),
    'RandomShortSideScale', { minSize, maxSize, interpolation });
}

/** Dict transform: crops x[videoKey] by x[augIndexKey] (0, 1, 2 = left/top, center, right/bottom). */
export function UniformCropVideo(size: number, videoKey = 'video', augIndexKey = 'aug_index'): Transform<ClipDict, ClipDict> {
  return (x: ClipDict) => {
    if (!(videoKey in x)) throw new ArgumentError(`UniformCropVideo: the clip has no key '${videoKey}'`);
    if (!(augIndexKey in x)) throw new ArgumentError(`UniformCropVideo: the clip has no key '${augIndexKey}'`);
    const v = x[videoKey] as Tensor;
    x[videoKey] = consume(v, F.uniformCrop(v, size, Number(x[augIndexKey])));
    return x;
  };
}

export function CenterCrop(size: number | readonly number[]): Transform<Tensor, Tensor> {
  return tag(videoTransform('CenterCrop', (x) => F.centerCrop(x, size)), 'CenterCrop', { size });
}

export function RandomCrop(size: number | readonly number[]): Transform<Tensor, Tensor> {
  return tag(videoTransform('RandomCrop', (x) => F.randomCrop(x, size)), 'RandomCrop', { size });
}

export interface RandomResizedCropOptions {
  shift?: boolean; logUniformRatio?: boolean; interpolation?: Interpolation; numTries?: number;
}
export function RandomResizedCrop(targetHeight: number, targetWidth: number, scale: readonly [number, number],
  aspectRatio: readonly [number, number], shift = false, logUniformRatio = true, interpolation: Interpolation = 'bilinear', numTries = 10): Transform<Tensor, Tensor> {
  return videoTransform('RandomResizedCrop', (x) => F.randomResizedCrop(x, targetHeight, targetWidth, scale, aspectRatio, shift, logUniformRatio, interpolation, numTries));
}

/** torchvision RandomHorizontalFlip(p): flips W with probability p (else returns x itself). */
export function RandomHorizontalFlip(p = 0.5): Transform<Tensor, Tensor> {
  return videoTransform('RandomHorizontalFlip', (x) => {
    F.checkVideo('RandomHorizontalFlip', x);
    return random.uniform() < p ? F.horizontalFlip(x) : x;
  });
}

/** pytorchvideo Normalize(mean, std, inplace=false) on f32 [C, T, H, W]. */
export function Normalize(mean: readonly number[], std: readonly number[], inplace = false): Transform<Tensor, Tensor> {
  void inplace; // the kernel writes a new tensor either way and the input is consumed
  return tag(videoTransform('Normalize', (x) => F.normalize(x, mean, std)), 'Normalize', { mean, std });
}

export function ConvertUint8ToFloat(): Transform<Tensor, Tensor> {
  return tag(videoTransform('ConvertUint8ToFloat', (x) => F.convertUint8ToFloat(x)), 'ConvertUint8ToFloat', {});
}

export function Div255(): Transform<Tensor, Tensor> {
  return videoTransform('Div255', (x) => F.div255(x));
}

/** torch.permute as a transform (e.g. Permute([1, 0, 2, 3]) for C,T <-> T,C). */
export function Permute(dims: readonly number[]): Transform<Tensor, Tensor> {
  return videoTransform('Permute', (x) => {
    if (!(x instanceof Tensor)) throw new ArgumentError('Permute: expected a Tensor');
    if (dims.length !== x.rank) throw new ShapeError(`Permute: ${JSON.stringify(dims)} does not match a rank-${x.rank} tensor`);
    return ops.permute(x, dims);
  });
}

/**
 * Weighted sampling of numSampleOp transforms (torch.multinomial semantics), applied in order.
 * randomlySampleDepth (pytorchvideo's newer 4th argument, here 5th to keep the documented order)
 * draws the number of ops uniformly in [1, numSampleOp] per call.
 */
export function OpSampler(transformsList: readonly Transform[], transformsProb: readonly number[] | null = null, numSampleOp = 1,
  replacement = false, randomlySampleDepth = false): Transform & { lastIndices: number[] } {
  if (!transformsList.length) throw new ArgumentError('OpSampler: transformsList cannot be empty');
  if (!(numSampleOp > 0)) throw new ArgumentError('OpSampler: need to sample at least one transform');
  if (numSampleOp > transformsList.length && !replacement) throw new ArgumentError('OpSampler: numSampleOp cannot be greater than the number of transforms');
  if (transformsProb) {
    if (transformsProb.length !== transformsList.length) throw new ArgumentError('OpSampler: transformsProb must have the same length as transformsList');
    if (!(Math.min(...transformsProb) > 0)) throw new ArgumentError('OpSampler: transformsProb must be > 0');
  }
  const probs = transformsProb ? [...transformsProb] : transformsList.map(() => 1);
  const fn = (x: any) => {
    const n = randomlySampleDepth ? 1 + random.int(numSampleOp) : numSampleOp;
    const idx = sampleIndices(probs, n, replacement);
    fn.lastIndices = idx;
    return idx.reduce((v, i) => transformsList[i](v), x);
  };
  fn.lastIndices = [] as number[];
  return fn;
}

/** Indices drawn with weights `w` (without replacement: a drawn weight drops out). */
export function sampleIndices(w: readonly number[], n: number, replacement: boolean): number[] {
  const weights = [...w], out: number[] = [];
  for (let k = 0; k < n; k++) {
    const total = weights.reduce((a, b) => a + b, 0);
    let r = random.uniform() * total, i = 0;
    while (i < weights.length - 1 && (r >= weights[i] || weights[i] === 0)) { r -= weights[i]; i++; }
    out.push(i);
    if (!replacement) weights[i] = 0;
  }
  return out;
}
