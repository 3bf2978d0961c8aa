// int8 quantisation ops: quantize / dequantize (per tensor and per channel, PyTorch's rounding
// and saturation), and the int8 linear layer (qs8 / qc8 GEMM) with weights packed once.
//
// Conventions (XNNPACK's qs8/qc8, which PyTorch's qnnpack and fbgemm also follow):
//  - activations are asymmetric int8: real = (q - zeroPoint) * scale;
//  - weights are symmetric int8 (zero point 0), one scale per tensor or per output channel;
//  - the int8 GEMM accumulates exactly in int32 and requantises in f32 (native/kernels/qs8.h).
// Nothing here records autograd: int8 tensors carry no gradient, and quantize() of an f32
// tensor that requires grad simply returns an int8 tensor without history.
import { Tensor, layoutPerm, type Shape } from '../tensor.js';
import { params, heapU8, malloc, free } from '../wasm.js';
import { track, keep, type Disposable } from '../memory.js';
import { ArgumentError, DisposedError, ShapeError, DTypeError, fmtShape } from '../errors.js';
import { expectTensor, normDim } from './util.js';
import * as vw from '../kernels.gen.js';

/** Affine quantisation parameters of one int8 tensor. */
export interface QParams { scale: number; zeroPoint: number }

/**
 * Largest in_features: |x - zero| <= 255 and |w| <= 128, so 255 * 128 * 32768 < 2^30 and, with
 * the int32 bias clamped to +-2^30, the int32 accumulator can never overflow.
 */
export const QLINEAR_MAX_K = 32768;
const BIAS_LIMIT = 2 ** 30;

/** Smallest weight scale (f32 epsilon, as PyTorch's observers): an all-zero channel stays exact. */
const MIN_SCALE = 1.1920928955078125e-7;

function checkScale(op: string, what: string, s: unknown): number {
  if (typeof s !== 'number' || !Number.isFinite(s) || !(Math.fround(s) > 0)) {
    throw new ArgumentError(`${op}: ${what} must be a finite positive number, got ${String(s)}`);
  }
  return Math.fround(s);
}

function checkZero(op: string, what: string, z: unknown): number {
  if (typeof z !== 'number' || !Number.isInteger(z) || z < -128 || z > 127) {
    throw new ArgumentError(`${op}: ${what} must be an integer in [-128, 127] for int8, got ${String(z)}`);
  }
  return z;
}

function checkDtype(op: string, dtype: unknown): void {
  if (dtype !== undefined && dtype !== 'i8') {
    throw new DTypeError(`${op}: only dtype 'i8' (signed int8, PyTorch's qint8) is supported, got ${String(dtype)}`);
  }
}

/**
 * f32 -> int8: q = clamp(round_half_even(x * f32(1 / scale)) + zeroPoint, -128, 127), bit for bit
 * torch.quantize_per_tensor(x, scale, zeroPoint, torch.qint8).int_repr(). Keeps x's layout.
 */
export function quantize(x: Tensor, opts: QParams & { dtype?: 'i8' }): Tensor {
  const op = 'quantize';
  expectTensor(op, 'input', x);
  checkDtype(op, opts?.dtype);
  const scale = checkScale(op, 'scale', opts?.scale), zero = checkZero(op, 'zeroPoint', opts?.zeroPoint);
  const y = Tensor.empty(x.shape, 'i8', x.layout);
  vw.qs8_quantize(x.ptr, y.ptr, x.size, scale, zero);
  return y;
}

/** int8 -> f32: x = (q - zeroPoint) * scale, as PyTorch's dequantize(). Keeps q's layout. */
export function dequantize(q: Tensor, opts: QParams): Tensor {
  const op = 'dequantize';
  expectTensor(op, 'input', q, ['i8']);
  const scale = checkScale(op, 'scale', opts?.scale), zero = checkZero(op, 'zeroPoint', opts?.zeroPoint);
  const y = Tensor.empty(q.shape, 'f32', q.layout);
  vw.qs8_dequantize(q.ptr, y.ptr, q.size, scale, zero);
  return y;
}

type Numbers = ArrayLike<number> | Tensor;

function numbersOf(op: string, what: string, v: Numbers, n: number, axis: number, shape: Shape): number[] {
  const arr = v instanceof Tensor ? Array.from(v.toArray()) : Array.from(v ?? []);
  if (arr.length !== n) {
    throw new ShapeError(`${op}: ${what} has ${arr.length} values but the input ${fmtShape(shape)} has ${n} channels along axis ${axis}`);
  }
  return arr;
}

/** [outer, channels, inner] of the channel axis in storage order (works for any layout). */
function channelSplit(t: Tensor, axis: number): [number, number, number] {
  const perm = layoutPerm(t.rank, t.layout);
  const pos = perm.indexOf(axis);
  let outer = 1, inner = 1;
  perm.forEach((d, i) => { if (i < pos) outer *= t.shape[d]; else if (i > pos) inner *= t.shape[d]; });
  return [outer, t.shape[axis], inner];
}

/** Copies scales (as f32) and zero points (int32) into one scratch block; returns [block, zerosPtr]. */
function channelParams(scales: number[], zeros: number[]): [number, number] {
  const n = scales.length;
  const block = malloc(Math.max(8 * n, 16), 'per-channel quantisation parameters');
  const buf = heapU8().buffer;
  new Float32Array(buf, block, n).set(scales);
  new Int32Array(buf, block + 4 * n, n).set(zeros);
  return [block, block + 4 * n];
}

function perChannel(op: string, x: Tensor, scales: Numbers, zeroPoints: Numbers, axis: number, toI8: boolean): Tensor {
  expectTensor(op, 'input', x, [toI8 ? 'f32' : 'i8']);
  if (x.rank === 0) throw new ShapeError(`${op}: per-channel quantisation needs at least one dim, got ${fmtShape(x.shape)}`);
  const ax = normDim(op, axis, x.rank);
  const C = x.shape[ax];
  const s = numbersOf(op, 'scales', scales, C, ax, x.shape).map((v, i) => checkScale(op, `scales[${i}]`, v));
  const z = numbersOf(op, 'zeroPoints', zeroPoints, C, ax, x.shape).map((v, i) => checkZero(op, `zeroPoints[${i}]`, v));
  const y = Tensor.empty(x.shape, toI8 ? 'i8' : 'f32', x.layout);
  if (x.size === 0) return y;
  const [block, zerosPtr] = channelParams(s, z);
  try {
    const p = params(channelSplit(x, ax));
    (toI8 ? vw.qs8_quantize_channels : vw.qs8_dequantize_channels)(p, x.ptr, block, zerosPtr, y.ptr);
  } finally {
    free(block);
  }
  return y;
}

/** torch.quantize_per_channel(x, scales, zeroPoints, axis, torch.qint8).int_repr(), bit for bit. */
export function quantizePerChannel(x: Tensor, scales: Numbers, zeroPoints: Numbers, axis: number): Tensor {
  return perChannel('quantizePerChannel', x, scales, zeroPoints, axis, true);
}

/** The inverse of quantizePerChannel: (q - zeroPoints[c]) * scales[c] along axis. */
export function dequantizePerChannel(q: Tensor, scales: Numbers, zeroPoints: Numbers, axis: number): Tensor {
  return perChannel('dequantizePerChannel', q, scales, zeroPoints, axis, false);
}

/**
 * Symmetric int8 scales, max|w| / 127 (zero point 0), per channel along `axis` or for the whole
 * tensor when axis is undefined; never below f32 epsilon, so an all-zero channel stays exact.
 */
export function symmetricScales(w: Tensor, axis?: number): Float32Array {
  const op = 'symmetricScales';
  expectTensor(op, 'input', w);
  const v = w.toArray();
  if (axis === undefined) {
    let m = 0;
    for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
    return Float32Array.of(Math.max(Math.fround(m / 127), MIN_SCALE));
  }
  const ax = normDim(op, axis, w.rank);
  const C = w.shape[ax];
  let inner = 1;
  for (let d = ax + 1; d < w.rank; d++) inner *= w.shape[d];
  const m = new Float64Array(C);
  for (let i = 0; i < v.length; i++) {
    const c = Math.floor(i / inner) % C;
    m[c] = Math.max(m[c], Math.abs(v[i]));
  }
  return Float32Array.from(m, (x) => Math.max(Math.fround(x / 127), MIN_SCALE));
}


/**
 * Asymmetric int8 parameters for values in [min, max] (the range is widened to contain 0, so
 * 0 is exact), computed in f32 exactly as torch.ao.quantization.MinMaxObserver(dtype=qint8,
 * qscheme=per_tensor_affine).calculate_qparams(): scale = (max - min) / 255 (at least f32
 * epsilon), zeroPoint = clamp(-128 - round(min / scale), -128, 127). For activation calibration.
 */
export function affineQParams(min: number, max: number): QParams {
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new ArgumentError(`affineQParams: need finite min <= max, got [${min}, ${max}]`);
  }
  const lo = Math.fround(Math.min(min, 0)), hi = Math.fround(Math.max(max, 0));
  const scale = Math.max(Math.fround(Math.fround(hi - lo) / 255), MIN_SCALE);
  const zeroPoint = Math.min(127, Math.max(-128, -128 - roundHalfEven(Math.fround(lo / scale))));
  return { scale, zeroPoint };
}

/** Round half to even (f64), as the kernels' rint. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// ---------------------------------------------------------------------------------------------
// int8 linear layer.

export interface QLinearOptions {
  /** Per-output-channel weight scales (qc8, default) or one scale for the whole weight (qs8). */
  perChannel?: boolean;
}

/** Output quantisation of qlinear; qmin/qmax narrow the range (e.g. qmin = zeroPoint fuses ReLU). */
export interface QOutParams { outputScale: number; outputZeroPoint: number; qmin?: number; qmax?: number }
export interface QInParams { inputScale: number; inputZeroPoint: number }

/**
 * An f32 Linear weight [out, in] (and optional bias [out]) quantised to symmetric int8 once,
 * per output channel (max|w| / 127) or per tensor, and packed for the qs8 GEMM kernel.
 *
 * The packed form folds the bias (quantised to int32 at scale inputScale * weightScale[n], as
 * PyTorch's quantized linear does) and the input zero-point term into the int32 column heads,
 * so it is specific to the input quantisation; it is rebuilt only when qlinear() is called with
 * different input parameters (static post-training quantisation fixes them, so: once).
 * Owns wasm memory: dispose() it (tidy() scopes track it like a tensor).
 */
export class QLinearWeights implements Disposable {
  readonly outFeatures: number;
  readonly inFeatures: number;
  readonly perChannel: boolean;
  /** Weight scales: outFeatures values (per channel) or one (per tensor). */
  readonly scales: Float32Array;
  /** The int8 weight [out, in] (zero point 0). */
  readonly weight: Tensor;
  readonly bias: Float32Array | null;
  kept = false;
  private packed: Tensor | null = null;
  private packedFor = '';
  private scaleBuf: Tensor | null = null;
  private scaleFor = '';
  private disposed = false;

  private constructor(weight: Tensor, scales: Float32Array, bias: Float32Array | null, perChannel: boolean) {
    this.weight = keep(weight);
    [this.outFeatures, this.inFeatures] = weight.shape;
    this.scales = scales;
    this.bias = bias;
    this.perChannel = perChannel;
    track(this);
  }

  /** Quantises an f32 weight [out, in] (+ bias [out]) to int8. */
  static fromFloat(weight: Tensor, bias?: Tensor | null, opts: QLinearOptions = {}): QLinearWeights {
    const op = 'QLinearWeights.fromFloat';
    expectTensor(op, 'weight', weight);
    if (weight.rank !== 2) throw new ShapeError(`${op}: weight must be [out, in], got ${fmtShape(weight.shape)}`);
    checkK(op, weight.shape);
    const b = checkBias(op, bias, weight.shape[0]);
    const perCh = opts.perChannel ?? true;
    const scales = symmetricScales(weight, perCh ? 0 : undefined);
    const q = perCh
      ? quantizePerChannel(weight, scales, new Array(scales.length).fill(0), 0)
      : quantize(weight, { scale: scales[0], zeroPoint: 0 });
    return new QLinearWeights(q, scales, b, perCh);
  }

  /** Wraps an already quantised int8 weight [out, in] with its scale(s) (zero point 0). */
  static fromInt8(weight: Tensor, scales: ArrayLike<number>, bias?: Tensor | null): QLinearWeights {
    const op = 'QLinearWeights.fromInt8';
    expectTensor(op, 'weight', weight, ['i8']);
    if (weight.rank !== 2) throw new ShapeError(`${op}: weight must be [out, in], got ${fmtShape(weight.shape)}`);
    const out = weight.shape[0];
    checkK(op, weight.shape);
    if (scales.length !== 1 && scales.length !== out) {
      throw new ShapeError(`${op}: scales must have 1 or ${out} values for weight ${fmtShape(weight.shape)}, got ${scales.length}`);
    }
    const s = Float32Array.from(scales, (v, i) => checkScale(op, `scales[${i}]`, v));
    const b = checkBias(op, bias, out);
    const copy = Tensor.empty(weight.shape, 'i8');
    heapU8().copyWithin(copy.ptr, weight.ptr, weight.ptr + weight.nbytes);
    return new QLinearWeights(copy, s, b, s.length !== 1);
  }

  get isDisposed(): boolean { return this.disposed; }

  /** Scale of output channel n's weights. */
  weightScale(n: number): number { return this.perChannel ? this.scales[n] : this.scales[0]; }

  /** The packed weight for these input parameters (cached). @internal */
  packedFor_(op: string, inputScale: number, inputZero: number): Tensor {
    if (this.disposed) throw new DisposedError(`${op}: the QLinearWeights [${this.outFeatures}, ${this.inFeatures}] was used after dispose()`);
    const key = `${inputScale}|${inputZero}`;
    if (this.packed && this.packedFor === key) return this.packed;
    const N = this.outFeatures, K = this.inFeatures;
    if (!this.packed) {
      this.packed = keep(Tensor.empty([vw.qs8_gemm_packed_bytes(N, K)], 'u8'));
    }
    let biasPtr = 0;
    let qb: Tensor | null = null;
    if (this.bias) {
      // Bias in units of inputScale * weightScale[n], rounded half to even (PyTorch: fbgemm/qnnpack).
      qb = Tensor.empty([N], 'i32');
      const v = qb.data() as Int32Array;
      for (let n = 0; n < N; n++) v[n] = roundInt32(this.bias[n] / Math.fround(inputScale * this.weightScale(n)));
      biasPtr = qb.ptr;
    }
    vw.qs8_gemm_pack(params([N, K, K, inputZero]), this.weight.ptr, biasPtr, this.packed.ptr);
    qb?.dispose();
    this.packedFor = key;
    return this.packed;
  }

  /** f32 requantisation multipliers for these scales (cached): one per channel, or one. @internal */
  scalesFor_(inputScale: number, outputScale: number | null): Tensor {
    const key = `${inputScale}|${outputScale}`;
    if (this.scaleBuf && this.scaleFor === key) return this.scaleBuf;
    if (!this.scaleBuf) this.scaleBuf = keep(Tensor.empty([this.scales.length], 'f32'));
    const v = this.scaleBuf.data() as Float32Array;
    for (let i = 0; i < v.length; i++) {
      const s = Math.fround(inputScale * this.scales[i]);
      v[i] = outputScale === null ? s : Math.fround(s / outputScale);
    }
    this.scaleFor = key;
    return this.scaleBuf;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.weight.dispose();
    this.packed?.dispose();
    this.scaleBuf?.dispose();
    this.packed = this.scaleBuf = null;
  }
}

/** An int32 bias: x rounded half to even, saturated to +-2^30 (see QLINEAR_MAX_K). */
export function roundInt32(x: number): number {
  return Math.max(-BIAS_LIMIT, Math.min(BIAS_LIMIT, roundHalfEven(x)));
}

function checkK(op: string, shape: Shape): void {
  if (shape[1] > QLINEAR_MAX_K) {
    throw new ArgumentError(`${op}: in_features ${shape[1]} of weight ${fmtShape(shape)} exceeds ${QLINEAR_MAX_K}, beyond which the int32 accumulator could overflow`);
  }
}

function checkBias(op: string, bias: Tensor | null | undefined, out: number): Float32Array | null {
  if (bias === undefined || bias === null) return null;
  expectTensor(op, 'bias', bias);
  if (bias.rank !== 1 || bias.shape[0] !== out) {
    throw new ShapeError(`${op}: bias must be [${out}], got ${fmtShape(bias.shape)}`);
  }
  return bias.toArray() as Float32Array;
}

function qlinearCommon(op: string, xq: Tensor, inp: QInParams, w: QLinearWeights) {
  expectTensor(op, 'input', xq, ['i8']);
  if (!(w instanceof QLinearWeights)) throw new ArgumentError(`${op}: weight must be a QLinearWeights`);
  if (xq.rank < 1 || xq.shape[xq.rank - 1] !== w.inFeatures) {
    throw new ShapeError(`${op}: input ${fmtShape(xq.shape)} does not end in in_features ${w.inFeatures} of weight [${w.outFeatures}, ${w.inFeatures}]`);
  }
  if (xq.layout !== 'contiguous') throw new ArgumentError(`${op}: input ${fmtShape(xq.shape)} must be contiguous, not ${xq.layout}`);
  const inputScale = checkScale(op, 'inputScale', inp?.inputScale);
  const inputZero = checkZero(op, 'inputZeroPoint', inp?.inputZeroPoint);
  const K = w.inFeatures, N = w.outFeatures;
  const M = numelPrefix(xq.shape);
  const packed = w.packedFor_(op, inputScale, inputZero);
  return { inputScale, inputZero, K, N, M, packed, outShape: [...xq.shape.slice(0, -1), N] };
}

function numelPrefix(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length - 1; i++) n *= shape[i];
  return n;
}

/**
 * int8 linear: y = requant(xq @ W^T + b) with int32 accumulation and f32 requantisation
 * (round half to even, clamp to [qmin, qmax], default [-128, 127]). xq is int8 [..., in];
 * returns int8 [..., out] with the given output scale and zero point.
 */
export function qlinear(xq: Tensor, inp: QInParams, w: QLinearWeights, out: QOutParams): Tensor {
  const op = 'qlinear';
  const c = qlinearCommon(op, xq, inp, w);
  const outputScale = checkScale(op, 'outputScale', out?.outputScale);
  const yZero = checkZero(op, 'outputZeroPoint', out?.outputZeroPoint);
  const qmin = checkZero(op, 'qmin', out.qmin ?? -128), qmax = checkZero(op, 'qmax', out.qmax ?? 127);
  if (qmin > qmax) throw new ArgumentError(`${op}: qmin ${qmin} > qmax ${qmax}`);
  const scales = w.scalesFor_(c.inputScale, outputScale);
  const y = Tensor.empty(c.outShape, 'i8');
  if (y.size === 0) return y;
  vw.qs8_gemm(params([c.M, c.N, c.K, c.K, c.N, yZero, qmin, qmax, w.perChannel ? 1 : 0]),
    xq.ptr, c.packed.ptr, scales.ptr, y.ptr);
  return y;
}

/** int8 linear with a dequantised f32 output: y = (xq @ W^T + b) * inputScale * weightScale[n]. */
export function qlinearF32(xq: Tensor, inp: QInParams, w: QLinearWeights): Tensor {
  const op = 'qlinearF32';
  const c = qlinearCommon(op, xq, inp, w);
  const scales = w.scalesFor_(c.inputScale, null);
  const y = Tensor.empty(c.outShape, 'f32');
  if (y.size === 0) return y;
  vw.qs8_gemm_f32out(params([c.M, c.N, c.K, c.K, c.N, 0, -128, 127, w.perChannel ? 1 : 0]),
    xq.ptr, c.packed.ptr, scales.ptr, y.ptr);
  return y;
}
