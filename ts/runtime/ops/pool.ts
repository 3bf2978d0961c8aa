// Pooling with torch.nn.functional semantics: maxPool3d/2d (dilation, ceilMode, argmax for
// backward), avgPool3d/2d (countIncludePad, divisorOverride, ceilMode), adaptiveAvgPool3d/2d
// (PyTorch's floor/ceil window rule). Kernels run on channels-last storage (native/kernels/
// pool.c): inputs of any layout are converted, outputs are channels_last. 2-D pools are the 3-D
// kernels with T = 1; unbatched inputs ([C, T, H, W] / [C, H, W]) get a batch dim of 1.
import { Tensor } from '../tensor.js';
import { params } from '../wasm.js';
import * as vw from '../kernels.gen.js';
import { PoolParam as P } from '../kernels.gen.js';
import { record, gradRules } from '../tape.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { expectTensor, tuple } from './util.js';
import { toLayout, reshape } from './shape.js';

export type Size = number | readonly number[];
export interface MaxPoolOptions { kernelSize: Size; stride?: Size | null; padding?: Size; dilation?: Size; ceilMode?: boolean }
export interface AvgPoolOptions {
  kernelSize: Size; stride?: Size | null; padding?: Size; ceilMode?: boolean;
  countIncludePad?: boolean; divisorOverride?: number | null;
}

type PoolKernel = 'f32_maxpool3d' | 'f32_avgpool3d' | 'f32_adaptive_avgpool3d';

/** PyTorch's pooling_output_shape for one axis. */
function outSize(inp: number, k: number, s: number, pad: number, d: number, ceil: boolean): number {
  const num = inp + 2 * pad - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
  let o = Math.floor(num / s) + 1;
  // with ceil_mode the last window must start inside the input or its left padding
  if (ceil && (o - 1) * s >= inp + pad) o--;
  return o;
}

/** A pooling call as the kernels see it: the parameter block (PoolParam offsets) and the output shape. */
export interface PoolGeometry { p: number[]; batched: boolean; outShape: number[] }

/** The parameter block of a pool over [N, C, T, H, W] (2-D pools: T = 1). */
function poolBlock(nc: number[], sp: number[], out: number[], k: number[], s: number[], pad: number[], dil: number[]): number[] {
  const p = new Array<number>(P.COUNT).fill(0);
  [p[P.N], p[P.C], p[P.T], p[P.H], p[P.W], p[P.OT], p[P.OH], p[P.OW]] = [...nc, ...sp, ...out];
  [p[P.KT], p[P.KH], p[P.KW], p[P.ST], p[P.SH], p[P.SW]] = [...k, ...s];
  [p[P.PT], p[P.PH], p[P.PW], p[P.DT], p[P.DH], p[P.DW]] = [...pad, ...dil];
  p[P.INCLUDE_PAD] = 1;
  return p;
}

/** Validates a pooling call on an input of `shape` (spatial rank nd = 3 or 2) and builds the kernel parameters. */
function geometry(op: string, shape: readonly number[], nd: number, k: number[], s: number[], pad: number[], dil: number[], ceil: boolean): PoolGeometry {
  if (shape.length !== nd + 2 && shape.length !== nd + 1) {
    throw new ShapeError(`${op}: input must be [N, C, ${nd === 3 ? 'T, ' : ''}H, W] or unbatched [C, ${nd === 3 ? 'T, ' : ''}H, W], got ${fmtShape(shape)}`);
  }
  const batched = shape.length === nd + 2;
  const [N, C] = batched ? [shape[0], shape[1]] : [1, shape[0]];
  const sp = shape.slice(batched ? 2 : 1);
  const fmt = (a: number[]) => fmtShape(a);
  if (k.some((v) => v <= 0)) throw new ArgumentError(`${op}: kernelSize must be positive, got ${fmt(k)}`);
  if (s.some((v) => v <= 0)) throw new ArgumentError(`${op}: stride must be positive, got ${fmt(s)}`);
  if (dil.some((v) => v <= 0)) throw new ArgumentError(`${op}: dilation must be positive, got ${fmt(dil)}`);
  if (pad.some((v, i) => v < 0 || v > Math.floor(k[i] / 2))) {
    throw new ArgumentError(`${op}: padding ${fmt(pad)} must be non-negative and at most half of kernelSize ${fmt(k)}`);
  }
  const out = sp.map((v, i) => outSize(v, k[i], s[i], pad[i], dil[i], ceil));
  if (out.some((v) => v < 1) || sp.some((v) => v < 1)) {
    throw new ShapeError(`${op}: kernelSize ${fmt(k)} (dilation ${fmt(dil)}, padding ${fmt(pad)}) does not fit input ` +
      `${fmtShape(shape)}: the output would be ${fmt(out)}`);
  }
  const three = (a: number[], fill: number) => (nd === 3 ? a : [fill, ...a]);
  const p = poolBlock([N, C], three(sp, 1), three(out, 1), three(k, 1), three(s, 1), three(pad, 0), three(dil, 1));
  return { p, batched, outShape: batched ? [N, C, ...out] : [C, ...out] };
}

/**
 * Runs a pooling kernel on x (made batched and channels-last) and records `op` on the result.
 * The recorded node's input is the channels-last batched view, so autograd converts gradients
 * back through toLayout/reshape on its own.
 */
function runPool(op: string, x: Tensor, g: PoolGeometry, name: PoolKernel, indicesOut?: Tensor[]): Tensor {
  const xb = g.batched ? x : reshape(x, [1, ...x.shape]);
  const xc = toLayout(xb, 'channels_last');
  const N = g.p[P.N], C = g.p[P.C];
  const yShape = g.batched ? g.outShape : [1, ...g.outShape];
  const y = Tensor.empty(yShape, 'f32', 'channels_last');
  const arg = name === 'f32_maxpool3d' ? Tensor.empty(yShape, 'i32', 'channels_last') : null;
  if (y.size > 0 && N * C > 0) {
    if (name === 'f32_maxpool3d') vw.f32_maxpool3d(xc.ptr, y.ptr, arg!.ptr, params(g.p));
    else vw[name](xc.ptr, y.ptr, params(g.p));
  }
  if (arg && indicesOut) indicesOut.push(g.batched ? arg.clone() : reshape(arg, g.outShape));  // (a view shares refcounted storage)
  const out = record(op, [xc], y, { p: g.p, arg, shape: xc.shape }, arg ? [arg] : []);
  // Backward needs only the parameters and argmax, never these intermediates' values.
  if (xc !== x && xc !== xb) xc.dispose();
  if (xb !== x) xb.dispose();
  if (g.batched) return out;
  const r = reshape(out, g.outShape);
  out.dispose();
  return r;
}

/** Validates a max pool on an input of `shape` and returns its kernel parameters (plans reuse it). */
export function maxPoolGeometry(op: string, shape: readonly number[], nd: number, opts: MaxPoolOptions): PoolGeometry {
  if (!opts || opts.kernelSize === undefined) throw new ArgumentError(`${op}: kernelSize is required`);
  const k = tuple(op, 'kernelSize', opts.kernelSize, nd, 1);
  const s = opts.stride == null ? k : tuple(op, 'stride', opts.stride, nd, 1);
  const pad = tuple(op, 'padding', opts.padding, nd, 0), dil = tuple(op, 'dilation', opts.dilation, nd, 1);
  return geometry(op, shape, nd, k, s, pad, dil, !!opts.ceilMode);
}

function maxPool(op: string, x: Tensor, nd: number, opts: MaxPoolOptions, indicesOut?: Tensor[]): Tensor {
  expectTensor(op, 'input', x);
  return runPool(op, x, maxPoolGeometry(op, x.shape, nd, opts), 'f32_maxpool3d', indicesOut);
}

function avgPool(op: string, x: Tensor, nd: number, opts: AvgPoolOptions): Tensor {
  expectTensor(op, 'input', x);
  if (!opts || opts.kernelSize === undefined) throw new ArgumentError(`${op}: kernelSize is required`);
  const k = tuple(op, 'kernelSize', opts.kernelSize, nd, 1);
  const s = opts.stride == null ? k : tuple(op, 'stride', opts.stride, nd, 1);
  const pad = tuple(op, 'padding', opts.padding, nd, 0);
  const div = opts.divisorOverride ?? 0;
  if (!Number.isInteger(div) || div < 0 || (opts.divisorOverride != null && div === 0)) {
    throw new ArgumentError(`${op}: divisorOverride must be a positive integer, got ${opts.divisorOverride}`);
  }
  const g = geometry(op, x.shape, nd, k, s, pad, new Array(nd).fill(1), !!opts.ceilMode);
  g.p[P.INCLUDE_PAD] = opts.countIncludePad === false ? 0 : 1;
  g.p[P.DIVISOR] = div;
  return runPool(op, x, g, 'f32_avgpool3d');
}

function adaptiveAvgPool(op: string, x: Tensor, nd: number, outputSize: Size | readonly (number | null)[]): Tensor {
  expectTensor(op, 'input', x);
  return runPool(op, x, adaptiveAvgPoolGeometry(op, x.shape, nd, outputSize), 'f32_adaptive_avgpool3d');
}

/** Validates an adaptive average pool on an input of `shape` and returns its kernel parameters (plans reuse it). */
export function adaptiveAvgPoolGeometry(op: string, shape: readonly number[], nd: number, outputSize: Size | readonly (number | null)[]): PoolGeometry {
  if (shape.length !== nd + 2 && shape.length !== nd + 1) {
    throw new ShapeError(`${op}: input must be [N, C, ${nd === 3 ? 'T, ' : ''}H, W] or unbatched, got ${fmtShape(shape)}`);
  }
  const sp = shape.slice(shape.length - nd);
  const raw = typeof outputSize === 'number' ? new Array(nd).fill(outputSize) : [...(outputSize as (number | null)[])];
  if (raw.length !== nd) throw new ArgumentError(`${op}: outputSize must be a number or ${nd} numbers, got ${JSON.stringify(outputSize)}`);
  const out = raw.map((v, i) => (v === null || v === undefined ? sp[i] : v));
  if (out.some((v) => !Number.isInteger(v) || v < 1)) throw new ArgumentError(`${op}: outputSize must be positive integers, got ${JSON.stringify(outputSize)}`);
  if (sp.some((v) => v < 1)) throw new ShapeError(`${op}: input ${fmtShape(shape)} has an empty spatial dim`);
  const batched = shape.length === nd + 2;
  const [N, C] = batched ? [shape[0], shape[1]] : [1, shape[0]];
  const three = (a: number[]) => (nd === 3 ? a : [1, ...a]);
  const zeros = [0, 0, 0];
  const p = poolBlock([N, C], three(sp), three(out), zeros, zeros, zeros, zeros);
  p[P.INCLUDE_PAD] = 0;
  return { p, batched, outShape: batched ? [N, C, ...out] : [C, ...out] };
}

/** torch.nn.functional.max_pool3d; stride defaults to kernelSize. */
export const maxPool3d = (x: Tensor, opts: MaxPoolOptions): Tensor => maxPool('maxPool3d', x, 3, opts);
/** torch.nn.functional.max_pool2d; stride defaults to kernelSize. */
export const maxPool2d = (x: Tensor, opts: MaxPoolOptions): Tensor => maxPool('maxPool2d', x, 2, opts);
/**
 * max_pool3d with return_indices=True: indices (i32) are flat positions t*H*W + h*W + w within
 * each sample and channel, as PyTorch's.
 */
export function maxPool3dWithIndices(x: Tensor, opts: MaxPoolOptions): { values: Tensor; indices: Tensor } {
  const idx: Tensor[] = [];
  const values = maxPool('maxPool3d', x, 3, opts, idx);
  return { values, indices: idx[0] };
}
export function maxPool2dWithIndices(x: Tensor, opts: MaxPoolOptions): { values: Tensor; indices: Tensor } {
  const idx: Tensor[] = [];
  const values = maxPool('maxPool2d', x, 2, opts, idx);
  return { values, indices: idx[0] };
}
/** torch.nn.functional.avg_pool3d (countIncludePad defaults to true). */
export const avgPool3d = (x: Tensor, opts: AvgPoolOptions): Tensor => avgPool('avgPool3d', x, 3, opts);
/** torch.nn.functional.avg_pool2d. */
export const avgPool2d = (x: Tensor, opts: AvgPoolOptions): Tensor => avgPool('avgPool2d', x, 2, opts);
/** torch.nn.functional.adaptive_avg_pool3d; null in outputSize keeps that input size. */
export const adaptiveAvgPool3d = (x: Tensor, outputSize: Size | readonly (number | null)[]): Tensor => adaptiveAvgPool('adaptiveAvgPool3d', x, 3, outputSize);
export const adaptiveAvgPool2d = (x: Tensor, outputSize: Size | readonly (number | null)[]): Tensor => adaptiveAvgPool('adaptiveAvgPool2d', x, 2, outputSize);

function poolGrad(name: 'f32_maxpool3d_grad' | 'f32_avgpool3d_grad' | 'f32_adaptive_avgpool3d_grad') {
  return (gy: Tensor, node: { saved: Record<string, unknown> }): Tensor[] => {
    const { p, arg, shape } = node.saved as { p: number[]; arg: Tensor | null; shape: number[] };
    const g = toLayout(gy, 'channels_last');
    const gx = Tensor.empty(shape, 'f32', 'channels_last');
    if (gx.size > 0) {
      if (name === 'f32_maxpool3d_grad') vw.f32_maxpool3d_grad(g.ptr, arg!.ptr, gx.ptr, params(p));
      else vw[name](g.ptr, gx.ptr, params(p));
    }
    if (g !== gy) g.dispose();
    return [gx];
  };
}
for (const op of ['maxPool3d', 'maxPool2d']) gradRules[op] = poolGrad('f32_maxpool3d_grad');
for (const op of ['avgPool3d', 'avgPool2d']) gradRules[op] = poolGrad('f32_avgpool3d_grad');
for (const op of ['adaptiveAvgPool3d', 'adaptiveAvgPool2d']) gradRules[op] = poolGrad('f32_adaptive_avgpool3d_grad');
