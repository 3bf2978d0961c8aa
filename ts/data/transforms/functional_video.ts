// Functional video transforms on [C, T, H, W] tensors (pytorchvideo.transforms.functional and
// the torchvision functions its transforms use), running the pixel kernels of pixels.wasm.
// Functional forms never dispose their input; they return a new tensor (u8 stays u8 through
// crop/flip/subsample; resizing and normalising produce f32, as in PyTorch).
import { Tensor } from '../../runtime/tensor.js';
import { heapU8 } from '../../runtime/wasm.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../../runtime/errors.js';
import { random } from '../../runtime/random.js';
import * as ops from '../../runtime/ops/index.js';
import { pixelKernel, scratch } from '../pixels.js';

export type Interpolation = 'bilinear' | 'nearest';
export type Backend = 'pytorch';

/** A contiguous u8/f32 [C, T, H, W] video, or a typed error naming the op. */
export function checkVideo(op: string, x: Tensor, dtypes: readonly string[] = ['u8', 'f32']): void {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: expected a video Tensor [C, T, H, W], got ${typeof x}`);
  if (x.rank !== 4) throw new ShapeError(`${op}: expected a video of shape [C, T, H, W], got ${fmtShape(x.shape)}`);
  if (!dtypes.includes(x.dtype)) throw new DTypeError(`${op}: expected a ${dtypes.join(' or ')} video, got ${x.dtype} ${fmtShape(x.shape)}`);
}

/** Contiguous storage (ours are contiguous unless a user hands us a channels_last tensor). */
function contiguous(x: Tensor): Tensor {
  return x.layout === 'contiguous' ? x : ops.toLayout(x, 'contiguous');
}
function withContiguous<R>(x: Tensor, fn: (c: Tensor) => R): R {
  const c = contiguous(x);
  try { return fn(c); } finally { if (c !== x) c.dispose(); }
}

function esz(x: Tensor): number { return x.dtype === 'u8' ? 1 : 4; }

/**
 * torch.linspace(start, end, steps) in float32, bit for bit as PyTorch's CPU kernel computes it
 * (AVX2 build; checked against torch over 480 (start, end, steps)): the two-sided formula
 * (start + step * i below half, end - step * (steps - 1 - i) above) with the multiply-add fused
 * (one rounding: 2 - step * 7 with step = f32(2 / 14) is 0.99999994, not 1); runs of 16 elements
 * go as two 8-lane vectors, base (that formula at the vector's first index) + f32(j * step); the
 * tail element by element. step * i is exact in a double, so rounding the double sum once is
 * the fused result.
 */
export function linspaceF32(start: number, end: number, steps: number): number[] {
  const f = Math.fround;
  if (steps === 1) return [f(start)];
  const [s, e] = [f(start), f(end)];
  const step = f(f(e - s) / (steps - 1));
  const half = Math.floor(steps / 2);
  const at = (i: number) => (i < half ? f(s + step * i) : f(e - step * (steps - 1 - i)));
  const LANES = 8;
  const out: number[] = [];
  let i = 0;
  for (; i + 2 * LANES <= steps; i += 2 * LANES) {
    for (const v of [i, i + LANES]) {
      const base = at(v);
      for (let j = 0; j < LANES; j++) out.push(f(base + f(step * j)));
    }
  }
  for (; i < steps; i++) out.push(at(i));
  return out;
}

/** Indices of uniform_temporal_subsample: linspace(0, t-1, n), clamped, truncated. */
export function uniformTemporalIndices(t: number, numSamples: number): number[] {
  return linspaceF32(0, t - 1, numSamples).map((v) => Math.trunc(Math.min(Math.max(v, 0), t - 1)));
}

/** Frames at the given T indices (index_select along dim 1 of [C, T, H, W]). */
export function selectFrames(x: Tensor, indices: readonly number[], op = 'selectFrames'): Tensor {
  checkVideo(op, x, ['u8', 'f32', 'i32', 'i8']);
  const [c, t, h, w] = x.shape;
  for (const i of indices) if (!(Number.isInteger(i) && i >= 0 && i < t)) throw new ArgumentError(`${op}: frame index ${i} outside [0, ${t}) of ${fmtShape(x.shape)}`);
  return withContiguous(x, (xc) => {
    const out = Tensor.empty([c, indices.length, h, w], x.dtype);
    const plane = h * w * (x.dtype === 'u8' || x.dtype === 'i8' ? 1 : 4);
    const heap = heapU8();
    for (let ci = 0; ci < c; ci++) {
      for (let k = 0; k < indices.length; k++) {
        const s = xc.ptr + (ci * t + indices[k]) * plane;
        heap.copyWithin(out.ptr + (ci * indices.length + k) * plane, s, s + plane);
      }
    }
    return out;
  });
}

/**
 * pytorchvideo uniform_temporal_subsample along temporalDim (default -3: T of [C, T, H, W], or
 * of [B, C, T, H, W]). Rank-4 videos take the plane-copy path; other ranks use indexSelect.
 */
export function uniformTemporalSubsample(x: Tensor, numSamples: number, temporalDim = -3): Tensor {
  if (!(Number.isInteger(numSamples) && numSamples > 0)) throw new ArgumentError(`uniformTemporalSubsample: numSamples must be a positive integer, got ${numSamples}`);
  if (!(x instanceof Tensor)) throw new ArgumentError('uniformTemporalSubsample: expected a Tensor');
  if (x.rank < 1) throw new ShapeError(`uniformTemporalSubsample: expected a tensor with a temporal dim, got ${fmtShape(x.shape)}`);
  const d = temporalDim < 0 ? temporalDim + x.rank : temporalDim;
  if (!(d >= 0 && d < x.rank)) throw new ShapeError(`uniformTemporalSubsample: temporalDim ${temporalDim} is out of range for ${fmtShape(x.shape)}`);
  if (x.shape[d] === 0) throw new ShapeError(`uniformTemporalSubsample: the video ${fmtShape(x.shape)} has no frames`);
  const idx = uniformTemporalIndices(x.shape[d], numSamples);
  if (x.rank === 4 && d === 1) return selectFrames(x, idx, 'uniformTemporalSubsample');
  const index = Tensor.from(Int32Array.from(idx), [idx.length], { dtype: 'i32' });
  try { return ops.indexSelect(x, d, index); } finally { index.dispose(); }
}

/** pytorchvideo uniform_temporal_subsample_repeated: one subsampled copy per frame ratio. */
export function uniformTemporalSubsampleRepeated(x: Tensor, frameRatios: readonly number[], temporalDim = -3): Tensor[] {
  if (!(x instanceof Tensor) || x.rank < 1) throw new ShapeError('uniformTemporalSubsampleRepeated: expected a tensor with a temporal dim');
  const t = x.shape[temporalDim < 0 ? temporalDim + x.rank : temporalDim];
  return frameRatios.map((r) => {
    if (!(Number.isInteger(r) && r > 0 && Math.floor(t / r) > 0)) {
      throw new ArgumentError(`uniformTemporalSubsampleRepeated: frame ratio ${r} leaves no frames of a ${t}-frame video`);
    }
    return uniformTemporalSubsample(x, Math.floor(t / r), temporalDim);
  });
}

export interface Window { top: number; left: number; height: number; width: number }

/**
 * F.interpolate(x, size=[outH, outW], mode, align_corners=False) on [C, T, H, W] (C is the batch,
 * T the channels), optionally from a window (top, left, height, width) of each frame: the crop
 * is read in place, no copy. u8 input reads as if converted to float first. Output f32.
 * `outWindow` computes only that window of the [outH, outW] result (resize + crop in one pass,
 * the same values as resizing fully and cropping).
 */
export function resizeVideo(x: Tensor, outH: number, outW: number, interpolation: Interpolation = 'bilinear',
  window?: Window, op = 'resize', outWindow?: Window): Tensor {
  checkVideo(op, x);
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') {
    throw new ArgumentError(`${op}: interpolation '${String(interpolation)}' is not supported (use 'bilinear' or 'nearest')`);
  }
  if (!(Number.isInteger(outH) && Number.isInteger(outW) && outH > 0 && outW > 0)) {
    throw new ArgumentError(`${op}: output size must be positive integers, got ${outH}x${outW}`);
  }
  const [c, t, h, w] = x.shape;
  const win = window ?? { top: 0, left: 0, height: h, width: w };
  if (!(win.top >= 0 && win.left >= 0 && win.height > 0 && win.width > 0 && win.top + win.height <= h && win.left + win.width <= w)) {
    throw new ShapeError(`${op}: window ${win.height}x${win.width} at (${win.top}, ${win.left}) does not fit frames of ${fmtShape(x.shape)}`);
  }
  if (h === 0 || w === 0) throw new ShapeError(`${op}: empty frames ${fmtShape(x.shape)}`);
  const ow = outWindow ?? { top: 0, left: 0, height: outH, width: outW };
  if (!(ow.top >= 0 && ow.left >= 0 && ow.height > 0 && ow.width > 0 && ow.top + ow.height <= outH && ow.left + ow.width <= outW)) {
    throw new ShapeError(`${op}: crop ${ow.height}x${ow.width} at (${ow.top}, ${ow.left}) does not fit the ${outH}x${outW} resized frames`);
  }
  return withContiguous(x, (xc) => {
    const out = Tensor.empty([c, t, ow.height, ow.width], 'f32');
    const work = scratch(6 * ow.width * 4);
    const src = xc.ptr + (win.top * w + win.left) * esz(x);
    const name = `resize_${interpolation}_${x.dtype === 'u8' ? 'u8_f32' : 'f32'}`;
    pixelKernel(name)(src, h * w, w, win.height, win.width, out.ptr, ow.height, ow.width, c * t, work, outH, outW, ow.top, ow.left);
    return out;
  });
}

/** The (new_h, new_w) of pytorchvideo short_side_scale. */
export function shortSideSize(h: number, w: number, size: number): [number, number] {
  if (w < h) return [Math.floor((h / w) * size), size];
  return [size, Math.floor((w / h) * size)];
}

/** pytorchvideo short_side_scale: the shorter side becomes `size`, aspect ratio kept. */
export function shortSideScale(x: Tensor, size: number, interpolation: Interpolation = 'bilinear', backend: Backend = 'pytorch'): Tensor {
  checkVideo('shortSideScale', x);
  if (backend !== 'pytorch') throw new ArgumentError(`shortSideScale: backend '${String(backend)}' is not supported (only 'pytorch'; there is no OpenCV here)`);
  if (!(Number.isInteger(size) && size > 0)) throw new ArgumentError(`shortSideScale: size must be a positive integer, got ${size}`);
  const [, , h, w] = x.shape;
  if (h === 0 || w === 0) throw new ShapeError(`shortSideScale: empty frames ${fmtShape(x.shape)}`);
  const [nh, nw] = shortSideSize(h, w, size);
  return resizeVideo(x, nh, nw, interpolation, undefined, 'shortSideScale');
}

/** shortSideScale then centerCrop, computing only the cropped window (same values). */
export function shortSideScaleCenterCrop(x: Tensor, size: number, crop: number | readonly number[], interpolation: Interpolation = 'bilinear'): Tensor {
  checkVideo('shortSideScale', x);
  if (!(Number.isInteger(size) && size > 0)) throw new ArgumentError(`shortSideScale: size must be a positive integer, got ${size}`);
  const [nh, nw] = shortSideSize(x.shape[2], x.shape[3], size);
  const [ch, cw] = cropSize(crop, 'centerCrop');
  if (ch > nh || cw > nw) throw new ShapeError(`centerCrop: crop ${ch}x${cw} is larger than the frames of ${fmtShape([x.shape[0], x.shape[1], nh, nw])}`);
  const win = { top: roundHalfEven((nh - ch) / 2), left: roundHalfEven((nw - cw) / 2), height: ch, width: cw };
  return resizeVideo(x, nh, nw, interpolation, undefined, 'shortSideScale', win);
}

/** RandomShortSideScale then RandomCrop with the same draws in the same order, computing only the crop. */
export function randomShortSideScaleRandomCrop(x: Tensor, minSize: number, maxSize: number, crop: number | readonly number[],
  interpolation: Interpolation = 'bilinear'): Tensor {
  checkVideo('randomShortSideScale', x);
  const size = minSize + random.int(maxSize - minSize + 1);
  const [nh, nw] = shortSideSize(x.shape[2], x.shape[3], size);
  const [th, tw] = cropSize(crop, 'randomCrop');
  const [i, j] = randomCropParams(nh, nw, th, tw);
  return resizeVideo(x, nh, nw, interpolation, undefined, 'shortSideScale', { top: i, left: j, height: th, width: tw });
}

/** x[:, :, top:top+height, left:left+width] as a new tensor (same dtype). */
export function crop(x: Tensor, top: number, left: number, height: number, width: number, op = 'crop'): Tensor {
  checkVideo(op, x);
  const [c, t, h, w] = x.shape;
  if (!(height > 0 && width > 0 && height <= h && width <= w)) {
    throw new ShapeError(`${op}: crop ${height}x${width} is larger than the frames of ${fmtShape(x.shape)}`);
  }
  if (!(Number.isInteger(top) && Number.isInteger(left) && top >= 0 && left >= 0 && top + height <= h && left + width <= w)) {
    throw new ShapeError(`${op}: crop ${height}x${width} at (${top}, ${left}) does not fit frames of ${fmtShape(x.shape)}`);
  }
  return withContiguous(x, (xc) => {
    const out = Tensor.empty([c, t, height, width], x.dtype);
    pixelKernel('crop_planes')(xc.ptr + (top * w + left) * esz(x), h * w, w, out.ptr, height, width, c * t, esz(x));
    return out;
  });
}

function cropSize(size: number | readonly number[], op: string): [number, number] {
  const [sh, sw] = typeof size === 'number' ? [size, size] : size.length === 1 ? [size[0], size[0]] : [size[0], size[1]];
  if (!(Number.isInteger(sh) && Number.isInteger(sw) && sh > 0 && sw > 0)) throw new ArgumentError(`${op}: crop size must be positive integers, got ${JSON.stringify(size)}`);
  return [sh, sw];
}

/** Python's round() (half to even), which torchvision's center_crop uses. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torchvision center_crop (no padding: a crop larger than the frame is an error). */
export function centerCrop(x: Tensor, size: number | readonly number[]): Tensor {
  checkVideo('centerCrop', x);
  const [ch, cw] = cropSize(size, 'centerCrop');
  const [, , h, w] = x.shape;
  if (ch > h || cw > w) throw new ShapeError(`centerCrop: crop ${ch}x${cw} is larger than the frames of ${fmtShape(x.shape)}`);
  return crop(x, roundHalfEven((h - ch) / 2), roundHalfEven((w - cw) / 2), ch, cw, 'centerCrop');
}

/** Offsets of pytorchvideo's _uniform_crop_helper. */
export function uniformCropOffsets(h: number, w: number, size: number, spatialIdx: number): [number, number] {
  let y = Math.ceil((h - size) / 2), x = Math.ceil((w - size) / 2);
  if (h > w) { if (spatialIdx === 0) y = 0; else if (spatialIdx === 2) y = h - size; }
  else { if (spatialIdx === 0) x = 0; else if (spatialIdx === 2) x = w - size; }
  return [y, x];
}

/** pytorchvideo uniform_crop: left/center/right (or top/center/bottom) square crop. */
export function uniformCrop(x: Tensor, size: number, spatialIdx: number): Tensor {
  checkVideo('uniformCrop', x);
  if (![0, 1, 2].includes(spatialIdx)) throw new ArgumentError(`uniformCrop: spatialIdx must be 0, 1 or 2, got ${spatialIdx}`);
  const [, , h, w] = x.shape;
  if (size > h || size > w) throw new ShapeError(`uniformCrop: crop ${size}x${size} is larger than the frames of ${fmtShape(x.shape)}`);
  const [y, xo] = uniformCropOffsets(h, w, size, spatialIdx);
  return crop(x, y, xo, size, size, 'uniformCrop');
}

/** torchvision RandomCrop.get_params with vidwasm's generator. */
export function randomCropParams(h: number, w: number, th: number, tw: number, op = 'randomCrop'): [number, number] {
  if (th > h || tw > w) throw new ShapeError(`${op}: crop ${th}x${tw} is larger than the frames (${h}x${w})`);
  if (h === th && w === tw) return [0, 0];
  return [random.int(h - th + 1), random.int(w - tw + 1)];
}

export function randomCrop(x: Tensor, size: number | readonly number[]): Tensor {
  checkVideo('randomCrop', x);
  const [th, tw] = cropSize(size, 'randomCrop');
  const [i, j] = randomCropParams(x.shape[2], x.shape[3], th, tw);
  return crop(x, i, j, th, tw, 'randomCrop');
}

/** torchvision hflip: reverses the last (W) dim. */
export function horizontalFlip(x: Tensor): Tensor {
  checkVideo('horizontalFlip', x);
  const [c, t, h, w] = x.shape;
  return withContiguous(x, (xc) => {
    const out = Tensor.empty(x.shape, x.dtype);
    pixelKernel('hflip')(xc.ptr, out.ptr, c * t * h, w, esz(x));
    return out;
  });
}

/** x / div as f32 (ConvertImageDtype(float32) divides u8 by 255; div255 divides anything by 255). */
function divide(x: Tensor, div: number, op: string): Tensor {
  return withContiguous(x, (xc) => {
    const out = Tensor.empty(x.shape, 'f32');
    if (x.dtype === 'u8') pixelKernel('u8_to_f32')(xc.ptr, out.ptr, x.size, div);
    else pixelKernel('normalize_f32')(xc.ptr, out.ptr, x.size, 0, div);
    void op;
    return out;
  });
}

/** torchvision convert_image_dtype(u8 -> float32): x / 255. */
export function convertUint8ToFloat(x: Tensor): Tensor {
  checkVideo('convertUint8ToFloat', x, ['u8']);
  return divide(x, 255, 'convertUint8ToFloat');
}

/** pytorchvideo div_255: x / 255.0 (u8 or f32 in, f32 out). */
export function div255(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError('div255: expected a Tensor');
  if (x.dtype !== 'u8' && x.dtype !== 'f32') throw new DTypeError(`div255: expected u8 or f32, got ${x.describe()}`);
  return divide(x, 255, 'div255');
}

function channelStats(op: string, v: readonly number[], c: number, what: string): number[] {
  if (!Array.isArray(v) && !(v as unknown as ArrayLike<number>).length) throw new ArgumentError(`${op}: ${what} must be a list of numbers`);
  const a = Array.from(v);
  if (a.length !== 1 && a.length !== c) throw new ShapeError(`${op}: ${what} has ${a.length} values, the video has ${c} channels`);
  return a.length === 1 ? new Array(c).fill(a[0]) : a;
}

/** pytorchvideo Normalize: (x - mean[c]) / std[c] per channel of [C, T, H, W] (f32 in and out). */
export function normalize(x: Tensor, mean: readonly number[], std: readonly number[]): Tensor {
  checkVideo('normalize', x, ['f32']);
  const c = x.shape[0];
  const m = channelStats('normalize', mean, c, 'mean'), s = channelStats('normalize', std, c, 'std');
  if (s.some((v) => v === 0)) throw new ArgumentError(`normalize: std ${JSON.stringify(std)} has a zero, which would divide by zero`);
  const n = x.size / Math.max(c, 1);
  return withContiguous(x, (xc) => {
    const out = Tensor.empty(x.shape, 'f32');
    const k = pixelKernel('normalize_f32');
    for (let ci = 0; ci < c; ci++) k(xc.ptr + ci * n * 4, out.ptr + ci * n * 4, n, m[ci], s[ci]);
    return out;
  });
}

/** convertUint8ToFloat then normalize in one pass (same arithmetic, one memory sweep). */
export function uint8Normalize(x: Tensor, mean: readonly number[], std: readonly number[], op = 'uint8Normalize'): Tensor {
  checkVideo(op, x, ['u8']);
  const c = x.shape[0];
  const m = channelStats(op, mean, c, 'mean'), s = channelStats(op, std, c, 'std');
  if (s.some((v) => v === 0)) throw new ArgumentError(`${op}: std ${JSON.stringify(std)} has a zero, which would divide by zero`);
  const n = x.size / Math.max(c, 1);
  return withContiguous(x, (xc) => {
    const out = Tensor.empty(x.shape, 'f32');
    const k = pixelKernel('u8_normalize_f32');
    for (let ci = 0; ci < c; ci++) k(xc.ptr + ci * n, out.ptr + ci * n * 4, n, 255, m[ci], s[ci]);
    return out;
  });
}

/** pytorchvideo _get_param_spatial_crop: (top, left, height, width) of an Inception-style crop. */
export function getParamSpatialCrop(scale: readonly [number, number], ratio: readonly [number, number], height: number, width: number,
  logUniformRatio = true, numTries = 10): [number, number, number, number] {
  if (!(numTries >= 1)) throw new ArgumentError(`randomResizedCrop: numTries must be at least 1, got ${numTries}`);
  let [s0, s1] = scale, [r0, r1] = ratio;
  if (s0 > s1) [s0, s1] = [s1, s0];
  if (r0 > r1) [r0, r1] = [r1, r0];
  for (let k = 0; k < numTries; k++) {
    const target = height * width * (s0 + random.uniform() * (s1 - s0));
    const ar = logUniformRatio ? Math.exp(Math.log(r0) + random.uniform() * (Math.log(r1) - Math.log(r0)))
      : r0 + random.uniform() * (r1 - r0);
    const w = roundHalfEven(Math.sqrt(target * ar)), h = roundHalfEven(Math.sqrt(target / ar));
    if (w > 0 && w <= width && h > 0 && h <= height) return [random.int(height - h + 1), random.int(width - w + 1), h, w];
  }
  const inRatio = width / height;
  let w: number, h: number;
  if (inRatio < r0) { w = width; h = roundHalfEven(w / r0); }
  else if (inRatio > r1) { h = height; w = roundHalfEven(h * r1); }
  else { w = width; h = height; }
  return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
}

/** pytorchvideo random_resized_crop (crop + resize in one kernel pass per frame window). */
export function randomResizedCrop(x: Tensor, targetHeight: number, targetWidth: number,
  scale: readonly [number, number], aspectRatio: readonly [number, number], shift = false,
  logUniformRatio = true, interpolation: Interpolation = 'bilinear', numTries = 10): Tensor {
  checkVideo('randomResizedCrop', x);
  if (!(scale[0] > 0 && scale[1] > 0)) throw new ArgumentError(`randomResizedCrop: min and max of scale must be > 0, got ${JSON.stringify(scale)}`);
  if (!(aspectRatio[0] > 0 && aspectRatio[1] > 0)) throw new ArgumentError(`randomResizedCrop: min and max of aspectRatio must be > 0, got ${JSON.stringify(aspectRatio)}`);
  const [c, t, height, width] = x.shape;
  const [i, j, h, w] = getParamSpatialCrop(scale, aspectRatio, height, width, logUniformRatio, numTries);
  if (!shift) return resizeVideo(x, targetHeight, targetWidth, interpolation, { top: i, left: j, height: h, width: w }, 'randomResizedCrop');
  const [i2, j2, h2, w2] = getParamSpatialCrop(scale, aspectRatio, height, width, logUniformRatio, numTries);
  const is = linspaceF32(i, i2, t).map(Math.trunc), js = linspaceF32(j, j2, t).map(Math.trunc);
  const hs = linspaceF32(h, h2, t).map(Math.trunc), ws = linspaceF32(w, w2, t).map(Math.trunc);
  return withContiguous(x, (xc) => {
    const out = Tensor.empty([c, t, targetHeight, targetWidth], 'f32');
    const work = scratch(6 * targetWidth * 4);
    const k = pixelKernel(`resize_${interpolation}_${x.dtype === 'u8' ? 'u8_f32' : 'f32'}`);
    const plane = height * width, oplane = targetHeight * targetWidth;
    for (let ci = 0; ci < c; ci++) {
      for (let ti = 0; ti < t; ti++) {
        const src = xc.ptr + ((ci * t + ti) * plane + is[ti] * width + js[ti]) * esz(x);
        k(src, plane, width, hs[ti], ws[ti], out.ptr + (ci * t + ti) * oplane * 4, targetHeight, targetWidth, 1, work, targetHeight, targetWidth, 0, 0);
      }
    }
    return out;
  });
}
