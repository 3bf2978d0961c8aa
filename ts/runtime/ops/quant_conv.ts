// int8 convolutions and the int8 elementwise ops between them (kernels: native/kernels/qs8_conv.h,
// qs8.h). Activations are channels-last int8 with one (scale, zeroPoint) per tensor; weights are
// per-output-channel symmetric int8. Static quantisation: a layer's input and output parameters
// are fixed when its weights are quantised, so every forward is kernel calls on prepared buffers
// (nothing is computed from the data in JS).
import { Tensor } from '../tensor.js';
import { params } from '../wasm.js';
import { keep, track, type Disposable } from '../memory.js';
import { ArgumentError, DisposedError, ShapeError, fmtShape } from '../errors.js';
import { expectTensor } from './util.js';
import { convBlock, convGeometry, type ConvOptions } from './conv.js';
import { toLayout, permute } from './shape.js';
import { QLinearWeights, quantizePerChannel, roundHalfEven, roundInt32, symmetricScales, type QParams } from './quant.js';
import * as vw from '../kernels.gen.js';

/** Output parameters of an int8 layer; qmin/qmax narrow the range (qmin = zeroPoint is a fused ReLU). */
export interface QOut extends QParams { qmin?: number; qmax?: number }

function checkQ(op: string, what: string, q: QParams | undefined): QParams {
  if (!q || !(Number.isFinite(q.scale) && Math.fround(q.scale) > 0) || !Number.isInteger(q.zeroPoint) || q.zeroPoint < -128 || q.zeroPoint > 127) {
    throw new ArgumentError(`${op}: ${what} needs a finite positive scale and an integer zeroPoint in [-128, 127], got ${JSON.stringify(q)}`);
  }
  return { scale: Math.fround(q.scale), zeroPoint: q.zeroPoint };
}

function bounds(op: string, out: QOut): [number, number] {
  const lo = out.qmin ?? -128, hi = out.qmax ?? 127;
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < -128 || hi > 127 || lo > hi) {
    throw new ArgumentError(`${op}: need integers -128 <= qmin <= qmax <= 127, got [${lo}, ${hi}]`);
  }
  return [lo, hi];
}

/** x as channels-last int8 [N, C, T, H, W] (a copy only when it is stored otherwise). */
function channelsLast(op: string, x: Tensor): Tensor {
  expectTensor(op, 'input', x, ['i8']);
  if (x.rank !== 5) throw new ShapeError(`${op}: input must be [N, C, T, H, W], got ${fmtShape(x.shape)}`);
  return toLayout(x, 'channels_last');
}

/**
 * An f32 conv3d weight [Cout, Cin/groups, kt, kh, kw] (+ bias) quantised per output channel for
 * fixed input and output parameters. Dense convs (groups 1) run as vol2col + the qs8 GEMM (a
 * pointwise stride-1 conv reads its input as the GEMM's A directly); depthwise convs (groups =
 * Cin = Cout) on the direct kernel. Owns wasm memory: dispose() it.
 */
export class QConv3dWeights implements Disposable {
  readonly depthwise: boolean;
  readonly outChannels: number;
  readonly inChannels: number;
  readonly kernelSize: readonly number[];
  readonly opts: ConvOptions;
  readonly input: QParams;
  readonly output: QOut;
  /** Per-output-channel weight scales. */
  readonly scales: Float32Array;
  kept = false;
  private readonly gemm: QLinearWeights | null = null;
  private readonly bufs: Tensor[] = [];  // depthwise: [weights, bias, scales, quant block] (packDepthwise)
  private disposed = false;

  constructor(weight: Tensor, bias: Tensor | null, opts: ConvOptions, input: QParams, output: QOut) {
    const op = 'QConv3dWeights';
    expectTensor(op, 'weight', weight);
    if (weight.rank !== 5) throw new ShapeError(`${op}: weight must be [Cout, Cin/groups, kt, kh, kw], got ${fmtShape(weight.shape)}`);
    const [cout, cg, ...k] = weight.shape;
    const groups = opts.groups ?? 1;
    this.input = checkQ(op, 'input', input);
    this.output = { ...checkQ(op, 'output', output), qmin: output.qmin, qmax: output.qmax };
    bounds(op, this.output);
    this.depthwise = groups > 1 && cg === 1 && groups === cout;
    if (groups !== 1 && !this.depthwise) throw new ArgumentError(`${op}: only dense (groups 1) and depthwise (groups = Cin = Cout) convs have int8 kernels, got groups ${groups} for ${fmtShape(weight.shape)}`);
    this.outChannels = cout;
    this.inChannels = cg * groups;
    this.kernelSize = k;
    this.opts = { stride: opts.stride, padding: opts.padding, dilation: opts.dilation, groups };
    if (this.depthwise) {
      this.scales = symmetricScales(weight, 0);
      this.bufs = packDepthwise(weight, bias, this.scales, this.input, this.output);
    } else {
      // [Cout, Cin, kt, kh, kw] -> [Cout, kt*kh*kw*Cin]: the tap-major rows vol2col writes.
      const rows = permute(weight, [0, 2, 3, 4, 1]);
      const flat = Tensor.from(rows.toArray() as Float32Array, [cout, rows.size / cout]);
      rows.dispose();
      try {
        this.gemm = keep(QLinearWeights.fromFloat(flat, bias));
      } finally {
        flat.dispose();
      }
      this.scales = this.gemm.scales;
      // Pack now for the fixed input parameters (the GEMM caches it): forward only runs kernels.
      this.gemm.packedFor_(op, this.input.scale, this.input.zeroPoint);
      this.gemm.scalesFor_(this.input.scale, this.output.scale);
    }
    track(this);
  }

  get isDisposed(): boolean { return this.disposed; }

  /** The dense weights (packed GEMM panels). @internal */
  gemm_(op: string): QLinearWeights {
    this.check(op);
    return this.gemm!;
  }

  /** Depthwise [weights, bias, scales, quant block]. @internal */
  dw_(op: string): Tensor[] {
    this.check(op);
    return this.bufs;
  }

  private check(op: string): void {
    if (this.disposed) throw new DisposedError(`${op}: the QConv3dWeights ${fmtShape([this.outChannels, this.inChannels, ...this.kernelSize])} was used after dispose()`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.gemm?.dispose();
    for (const t of this.bufs) t.dispose();
  }
}

/**
 * Depthwise weights as the kernel reads them (qs8_conv.h): int16 tap pairs interleaved per channel
 * [pairs][Cs][2], the bias int32 [Cs] with the input zero point folded in, scale f32 [Cs].
 */
function packDepthwise(weight: Tensor, bias: Tensor | null, scales: Float32Array, input: QParams, output: QOut): Tensor[] {
  const C = weight.shape[0], taps = weight.size / C;
  const cs = Math.ceil(C / vw.QS8_DW_CR) * vw.QS8_DW_CR, pairs = Math.ceil(taps / 2);
  const q8 = quantizePerChannel(weight, scales, new Array(C).fill(0), 0);
  const w = q8.toArray() as Int8Array, b = bias ? bias.toArray() as Float32Array : null;
  q8.dispose();
  const wq = new Int16Array(pairs * cs * 2), bq = new Int32Array(cs), sq = new Float32Array(cs);
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let t = 0; t < taps; t++) {
      wq[(Math.floor(t / 2) * cs + c) * 2 + (t % 2)] = w[c * taps + t];
      sum += w[c * taps + t];
    }
    const accScale = Math.fround(input.scale * scales[c]);
    // |bias| <= 2^30 and |x_zero * sum| <= 128 * 127 * taps: the int32 accumulator cannot overflow for taps < 2^15.
    bq[c] = (b ? roundInt32(b[c] / accScale) : 0) - input.zeroPoint * sum;
    sq[c] = Math.fround(accScale / output.scale);
  }
  const [qmin, qmax] = bounds('QConv3dWeights', output);
  const q = new Int32Array(vw.QuantParam.COUNT);
  q[vw.QuantParam.XZERO] = input.zeroPoint;
  q[vw.QuantParam.YZERO] = output.zeroPoint;
  q[vw.QuantParam.QMIN] = qmin;
  q[vw.QuantParam.QMAX] = qmax;
  return [Tensor.from(new Uint8Array(wq.buffer), [wq.byteLength]), Tensor.from(bq, [cs]), Tensor.from(sq, [cs]), Tensor.from(q, [q.length])].map(keep);
}

/**
 * int8 conv3d: xq int8 [N, Cin, T, H, W] quantised with w.input -> int8 channels-last
 * [N, Cout, To, Ho, Wo] quantised with w.output (clamped to its qmin/qmax).
 */
export function qconv3d(xq: Tensor, w: QConv3dWeights): Tensor {
  const op = 'qconv3d';
  if (!(w instanceof QConv3dWeights)) throw new ArgumentError(`${op}: weight must be a QConv3dWeights`);
  const x = channelsLast(op, xq);
  const g = convGeometry(op, 3, x.shape, [w.outChannels, w.depthwise ? 1 : w.inChannels, ...w.kernelSize], null, w.opts);
  const y = Tensor.empty([g.N, g.Cout, g.To, g.Ho, g.Wo], 'i8', 'channels_last');
  try {
    if (y.size === 0) return y;
    if (w.depthwise) {
      const [wq, bq, sq, q] = w.dw_(op);
      vw.qs8_depthwise3d(params(convBlock(g)), q.ptr, x.ptr, wq.ptr, bq.ptr, sq.ptr, y.ptr);
      return y;
    }
    const gw = w.gemm_(op);
    const M = g.N * g.To * g.Ho * g.Wo, K = gw.inFeatures;
    const direct = K === g.Cin && g.s.every((s) => s === 1) && g.p.every((p) => p === 0);
    const col = direct ? x : Tensor.empty([M, K], 'i8');
    try {
      if (!direct) vw.qs8_vol2col(params(convBlock(g)), x.ptr, col.ptr, w.input.zeroPoint);
      gemmInto(gw, col.ptr, M, w.input, w.output, y.ptr);
    } finally {
      if (col !== x) col.dispose();
    }
    return y;
  } catch (e) {
    y.dispose();
    throw e;
  } finally {
    if (x !== xq) x.dispose();
  }
}

/** y[M, N] = requant(A[M, K] @ W^T + b) with the GEMM packed for `input`. */
function gemmInto(w: QLinearWeights, a: number, M: number, input: QParams, out: QOut, y: number): void {
  const [qmin, qmax] = bounds('qconv3d', out);
  const K = w.inFeatures, N = w.outFeatures;
  const packed = w.packedFor_('qconv3d', input.scale, input.zeroPoint);
  const scales = w.scalesFor_(input.scale, out.scale);
  vw.qs8_gemm(params([M, N, K, K, N, out.zeroPoint, qmin, qmax, 1]), a, packed.ptr, scales.ptr, y);
}

/**
 * The int8 table of f: table[q + 128] = quantize(f(dequantize(q, input)), output), f evaluated
 * in f64 and rounded half to even. Applying it (qlut) is an activation on int8 data.
 */
export function lutTable(f: (x: number) => number, input: QParams, output: QParams): Tensor {
  const i = checkQ('lutTable', 'input', input), o = checkQ('lutTable', 'output', output);
  const t = new Int8Array(256);
  for (let q = -128; q < 128; q++) {
    const v = f((q - i.zeroPoint) * i.scale) / o.scale;
    t[q + 128] = Number.isNaN(v) ? -128 : Math.max(-128, Math.min(127, roundHalfEven(v) + o.zeroPoint));
  }
  return Tensor.from(t, [256]);
}

/** y = table[x + 128] elementwise (int8 -> int8, same shape and layout). */
export function qlut(xq: Tensor, table: Tensor): Tensor {
  const op = 'qlut';
  expectTensor(op, 'input', xq, ['i8']);
  expectTensor(op, 'table', table, ['i8']);
  if (table.size !== 256) throw new ShapeError(`${op}: table must have 256 entries, got ${fmtShape(table.shape)}`);
  const y = Tensor.empty(xq.shape, 'i8', xq.layout);
  if (y.size > 0) vw.qs8_lut(xq.ptr, y.ptr, xq.size, table.ptr);
  return y;
}

/** int8 a + b (same shape; b is brought to a's layout) requantised to `out` (qmin = zeroPoint fuses a ReLU). */
export function qadd(a: Tensor, aq: QParams, b: Tensor, bq: QParams, out: QOut): Tensor {
  const op = 'qadd';
  expectTensor(op, 'a', a, ['i8']);
  expectTensor(op, 'b', b, ['i8']);
  if (a.shape.join() !== b.shape.join()) throw new ShapeError(`${op}: a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)} must have one shape`);
  const A = checkQ(op, 'a', aq), B = checkQ(op, 'b', bq), o = checkQ(op, 'out', out);
  const [qmin, qmax] = bounds(op, out);
  const bl = toLayout(b, a.layout);
  const y = Tensor.empty(a.shape, 'i8', a.layout);
  if (y.size > 0) {
    vw.qs8_add(a.ptr, bl.ptr, y.ptr, a.size, A.zeroPoint, Math.fround(A.scale / o.scale), B.zeroPoint, Math.fround(B.scale / o.scale), o.zeroPoint, qmin, qmax);
  }
  if (bl !== b) bl.dispose();
  return y;
}

/** Global average pool of int8 [N, C, ...] -> int8 [N, C], requantised to `out`. */
export function qglobalAvgPool(xq: Tensor, input: QParams, out: QParams): Tensor {
  const op = 'qglobalAvgPool';
  const x = channelsLast(op, xq);
  const i = checkQ(op, 'input', input), o = checkQ(op, 'out', out);
  const [N, C] = x.shape, M = x.size / Math.max(1, N * C);
  const y = Tensor.empty([N, C], 'i8');
  if (y.size > 0) vw.qs8_global_avgpool(x.ptr, y.ptr, N, M, C, i.zeroPoint, Math.fround(i.scale / (M * o.scale)), o.zeroPoint);
  if (x !== xq) x.dispose();
  return y;
}

/** x * gate per (sample, channel): int8 [N, C, ...] times f32 gate [N, C] -> int8 like x, requantised to `out`. */
export function qchannelMul(xq: Tensor, input: QParams, gate: Tensor, out: QParams): Tensor {
  const op = 'qchannelMul';
  const x = channelsLast(op, xq);
  expectTensor(op, 'gate', gate);
  const i = checkQ(op, 'input', input), o = checkQ(op, 'out', out);
  const [N, C] = x.shape;
  if (gate.size !== N * C) throw new ShapeError(`${op}: gate must be [${N}, ${C}] for input ${fmtShape(x.shape)}, got ${fmtShape(gate.shape)}`);
  const g = toLayout(gate, 'contiguous');
  const y = Tensor.empty(x.shape, 'i8', 'channels_last');
  if (y.size > 0) vw.qs8_channel_mul(x.ptr, g.ptr, y.ptr, N, x.size / (N * C), C, i.zeroPoint, Math.fround(i.scale / o.scale), o.zeroPoint);
  if (g !== gate) g.dispose();
  if (x !== xq) x.dispose();
  return y;
}
