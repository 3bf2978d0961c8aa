// roiAlign: torchvision.ops.roi_align on [N, C, H, W] features, gradient to the features
// (boxes get none, as in torchvision). The kernels (native/kernels/roi_align*.c) reproduce
// torchvision's float arithmetic: adaptive sampling grid ceil(roi / bins) when
// samplingRatio <= 0, the aligned -0.5 pixel shift, roi sizes clamped to >= 1 when not
// aligned, samples outside [-1, H] x [-1, W] contributing 0, empty bins giving 0.
// Kernels take element strides, so any layout works; channels_last is the fast one (SIMD over
// C), so contiguous inputs with C >= 4 are computed in channels_last and converted back (the
// per-channel arithmetic is identical either way). The output keeps the input's layout.
import { Tensor, stridesOf } from '../tensor.js';
import { params } from '../wasm.js';
import { record, gradRules, needsGrad, noGrad } from '../tape.js';
import { toLayout } from './shape.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { expectTensor, tuple } from './util.js';
import * as vw from '../kernels.gen.js';

export interface RoiAlignOptions {
  /** Bins per RoI: [height, width] or one number. */
  outputSize: number | readonly [number, number];
  /** Multiplies box coordinates to reach feature-map pixels (e.g. 1/16). Default 1. */
  spatialScale?: number;
  /** Samples per bin side; <= 0 means adaptive, ceil(roi size / bins). Default -1. */
  samplingRatio?: number;
  /** Shift boxes by -0.5 px so that pixel centres align (Detectron2's RoIAlignV2). Default false. */
  aligned?: boolean;
}

/** Boxes as [K, 5] (batch index, x1, y1, x2, y2), or torchvision's list of per-image [L, 4]. */
function boxesTensor(boxes: Tensor | readonly Tensor[]): { t: Tensor; owned: boolean } {
  if (!Array.isArray(boxes)) {
    expectTensor('roiAlign', 'boxes', boxes);
    return { t: boxes as Tensor, owned: false };
  }
  const list = boxes as readonly Tensor[];
  list.forEach((b, i) => {
    expectTensor('roiAlign', `boxes[${i}]`, b);
    if (b.rank !== 2 || b.shape[1] !== 4) throw new ShapeError(`roiAlign: boxes[${i}] must be [L, 4], got ${fmtShape(b.shape)}`);
  });
  const K = list.reduce((s, b) => s + b.shape[0], 0);
  const data = new Float32Array(K * 5);
  let k = 0;
  list.forEach((b, i) => {
    const v = b.toArray();
    for (let j = 0; j < b.shape[0]; j++, k++) {
      data[k * 5] = i;
      for (let q = 0; q < 4; q++) data[k * 5 + 1 + q] = v[j * 4 + q];
    }
  });
  return { t: Tensor.from(data, [K, 5]), owned: true };
}

export function roiAlign(x: Tensor, boxes: Tensor | readonly Tensor[], opts: RoiAlignOptions): Tensor {
  expectTensor('roiAlign', 'input', x);
  if (x.rank !== 4) throw new ShapeError(`roiAlign: input must be [N, C, H, W], got ${fmtShape(x.shape)}`);
  if (!opts || opts.outputSize === undefined) throw new ArgumentError('roiAlign: outputSize is required');
  const [PH, PW] = tuple('roiAlign', 'outputSize', opts.outputSize as number | number[], 2, 1);
  if (PH < 1 || PW < 1) throw new ArgumentError(`roiAlign: outputSize must be positive, got ${JSON.stringify(opts.outputSize)}`);
  const spatialScale = opts.spatialScale ?? 1, samplingRatio = opts.samplingRatio ?? -1, aligned = opts.aligned ?? false;
  if (!Number.isFinite(spatialScale)) throw new ArgumentError(`roiAlign: spatialScale must be a finite number, got ${spatialScale}`);
  if (!Number.isInteger(samplingRatio)) throw new ArgumentError(`roiAlign: samplingRatio must be an integer, got ${samplingRatio}`);

  const { t: rois, owned } = boxesTensor(boxes);
  let y: Tensor, p: number[];
  try {
    if (rois.rank !== 2 || rois.shape[1] !== 5) {
      throw new ShapeError(`roiAlign: boxes must be [K, 5] (batch index, x1, y1, x2, y2), got ${fmtShape(rois.shape)} for input ${fmtShape(x.shape)}`);
    }
    const [N, C, H, W] = x.shape;
    const K = rois.shape[0];
    const r = rois.data();
    for (let k = 0; k < K; k++) {
      const b = Math.trunc(r[k * 5]); // torchvision casts the index to int
      if (!(b >= 0 && b < N)) {
        throw new ShapeError(`roiAlign: box ${k} has batch index ${r[k * 5]}, out of range for input ${fmtShape(x.shape)} (batch ${N})`);
      }
      for (let q = 1; q < 5; q++) {
        if (!Number.isFinite(r[k * 5 + q])) throw new ArgumentError(`roiAlign: box ${k} has a non-finite coordinate ${r[k * 5 + q]}`);
      }
    }
    const work = workLayout(x);
    y = Tensor.empty([K, C, PH, PW], 'f32', work);
    p = [N, C, H, W, K, PH, PW, samplingRatio, aligned ? 1 : 0, ...stridesOf(x.shape, work), ...stridesOf(y.shape, work)];
    if (y.size > 0) {
      const xw = noGrad(() => toLayout(x, work));
      vw.f32_roi_align(xw.ptr, rois.ptr, y.ptr, params(p), spatialScale);
      if (xw !== x) xw.dispose();
    }
    if (work !== x.layout) {
      const yl = toLayout(y, x.layout);
      y.dispose();
      y = yl;
    }
  } catch (e) {
    if (owned) rois.dispose();
    throw e;
  }
  if (!needsGrad(x)) {
    if (owned) rois.dispose();
    return y;
  }
  const saved = owned ? rois : rois.detach(); // the caller may dispose or reuse its boxes
  return record('roiAlign', [x], y, { rois: saved, head: p.slice(0, 9), spatialScale }, [saved]);
}

/** Layout the kernels run in: channels_last whenever SIMD over channels pays for a conversion. */
function workLayout(x: Tensor): 'channels_last' | 'contiguous' {
  return x.layout === 'channels_last' || x.shape[1] >= 4 ? 'channels_last' : 'contiguous';
}

gradRules.roiAlign = (gy, n) => {
  const x = n.inputs[0]!;
  const rois = n.saved.rois as Tensor;
  const work = workLayout(x);
  const gx = Tensor.zeros(x.shape, { layout: work });
  const g = toLayout(gy, work);
  const p = [...(n.saved.head as number[]), ...stridesOf(x.shape, work), ...stridesOf(gy.shape, work)];
  if (g.size > 0) vw.f32_roi_align_backward(g.ptr, rois.ptr, gx.ptr, params(p), n.saved.spatialScale as number);
  if (g !== gy) g.dispose();
  if (work === x.layout) return [gx];
  const r = toLayout(gx, x.layout);
  gx.dispose();
  return [r];
};
