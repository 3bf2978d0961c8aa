// Lowers a small 3D CNN, layer by layer, to a plan (plan.ts): the kernel calls, parameter
// blocks and scratch buffers the runtime's ops would use for the same layers. Activations stay
// in channels-last storage ([N][T][H][W][C]), as the conv/pool/norm ops keep them.
//
// The builder asks the loaded module for packed-weight and scratch sizes (the kernels own those
// formulas), so it needs an initialised runtime; the resulting plan bytes do not.
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { kernel, params } from '../wasm.js';
import type { Plan, PlanArg, PlanBuffer, PlanCall } from './plan.js';

export type Size3 = number | readonly [number, number, number];
export interface Conv3dPlanOptions { stride?: Size3; padding?: Size3; dilation?: Size3; groups?: number }

const triple = (what: string, v: Size3 | undefined, d: number): [number, number, number] => {
  const t = v === undefined ? [d, d, d] : typeof v === 'number' ? [v, v, v] : [...v];
  if (t.length !== 3 || t.some((x) => !Number.isInteger(x) || x < 0)) throw new ArgumentError(`plan: ${what} must be an integer or 3 integers, got ${JSON.stringify(v)}`);
  return t as [number, number, number];
};
const bytesOf = (a: Float32Array | Int32Array) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
const NEG_INF = -Infinity, POS_INF = Infinity;

// conv.h's modes and scratch requests (keep in sync with native/kernels/conv.h).
const CONV_GENERAL = 0, CONV_POINTWISE = 1, CONV_TEMPORAL = 2, CONV_DEPTHWISE = 3;
const CONV_SCRATCH_PACK = 0, CONV_SCRATCH_FWD = 1;
const DW_MAX_TAPS = 4096;

type V3 = readonly [number, number, number];
/** The lowering ops.conv3d picks by default (chooseMode in ts/runtime/ops/conv.ts). */
export function convMode(Cin: number, Cout: number, G: number, k: V3, s: V3, p: V3, inp: V3, out: V3): number {
  const [kt, kh, kw] = k, [st, sh, sw] = s, [pt, ph, pw] = p;
  if (G === Cin && Cout === Cin && kt * kh * kw <= DW_MAX_TAPS) return CONV_DEPTHWISE;
  if (kh === 1 && kw === 1 && sh === 1 && sw === 1 && ph === 0 && pw === 0 && out[1] === inp[1] && out[2] === inp[2]) {
    return kt === 1 && st === 1 && pt === 0 && out[0] === inp[0] ? CONV_POINTWISE : CONV_TEMPORAL;
  }
  return CONV_GENERAL;
}

export class PlanBuilder {
  private buffers: PlanBuffer[] = [];
  private calls: PlanCall[] = [];
  /** current activation: buffer index and PyTorch shape [N, C, T, H, W] (or [N, F] after pooling to 1). */
  private cur: number;
  private shape: number[];

  /** The plan's input is an f32 tensor of `shape` [N, C, T, H, W] in PyTorch (contiguous) order. */
  constructor(inputShape: readonly number[]) {
    if (inputShape.length !== 5 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new ShapeError(`plan: input shape must be [N, C, T, H, W], got ${fmtShape(inputShape)}`);
    }
    const [N, C, T, H, W] = inputShape;
    const x = this.buffer({ nbytes: 4 * N * C * T * H * W, kind: 'input', label: 'input' });
    // NCDHW -> channels-last, the x32_permute call ops.toLayout makes.
    this.cur = this.zeros(N * C * T * H * W, 'input (channels-last)');
    this.call('x32_permute', 'iii', [{ buf: x }, { buf: this.cur }, this.ints([5, N, C, T, H, W, 0, 2, 3, 4, 1])]);
    this.shape = [...inputShape];
  }

  private buffer(b: PlanBuffer): number { this.buffers.push(b); return this.buffers.length - 1; }
  private zeros(floats: number, label: string): number { return this.buffer({ nbytes: 4 * floats, kind: 'zero', label }); }
  private floats(data: Float32Array, label: string): PlanArg {
    return { buf: this.buffer({ nbytes: data.byteLength, kind: 'data', data: bytesOf(data), label }) };
  }
  private ints(values: number[]): PlanArg {
    const a = Int32Array.from(values);
    return { buf: this.buffer({ nbytes: a.byteLength, kind: 'data', data: bytesOf(a), label: 'params' }) };
  }
  private call(k: string, sig: string, args: PlanArg[]): void { this.calls.push({ kernel: k, sig, args }); }

  private expect5(op: string): number[] {
    if (this.shape.length !== 5) throw new ShapeError(`plan ${op}: needs a [N, C, T, H, W] activation, got ${fmtShape(this.shape)}`);
    return this.shape;
  }

  /** F.conv3d(x, w, b, opts): weight [Cout, Cin/groups, kt, kh, kw] in PyTorch order. */
  conv3d(weight: Float32Array, weightShape: readonly number[], bias: Float32Array | null, opts: Conv3dPlanOptions = {}): this {
    const [N, Cin, T, H, W] = this.expect5('conv3d');
    const [Cout, Cg, kt, kh, kw] = weightShape;
    const G = opts.groups ?? 1;
    const [st, sh, sw] = triple('stride', opts.stride, 1), [pt, ph, pw] = triple('padding', opts.padding, 0);
    const [dt, dh, dw] = triple('dilation', opts.dilation, 1);
    if (weightShape.length !== 5 || Cin !== Cg * G || Cout % G !== 0 || weight.length !== Cout * Cg * kt * kh * kw) {
      throw new ShapeError(`plan conv3d: weight ${fmtShape(weightShape)} (groups ${G}) does not fit input ${fmtShape(this.shape)}`);
    }
    if (bias && bias.length !== Cout) throw new ShapeError(`plan conv3d: bias has ${bias.length} values, expected ${Cout}`);
    const out = (n: number, k: number, s: number, p: number, d: number) => Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
    const To = out(T, kt, st, pt, dt), Ho = out(H, kh, sh, ph, dh), Wo = out(W, kw, sw, pw, dw);
    if (To < 1 || Ho < 1 || Wo < 1) throw new ShapeError(`plan conv3d: output would be empty for input ${fmtShape(this.shape)}`);
    const mode = convMode(Cin, Cout, G, [kt, kh, kw], [st, sh, sw], [pt, ph, pw], [T, H, W], [To, Ho, Wo]);
    const p = [N, Cin, T, H, W, Cout, kt, kh, kw, st, sh, sw, pt, ph, pw, dt, dh, dw, G, To, Ho, Wo, mode];
    const block = this.ints(p);
    const w = this.floats(weight, 'conv3d weight');
    const b = bias ? this.floats(bias, 'conv3d bias') : null;
    const y = this.zeros(N * Cout * To * Ho * Wo, 'conv3d output');
    if (mode === CONV_DEPTHWISE) {
      // ops.conv3d: depthwise weights packed as Cout * (1 + taps) floats, then the direct kernel
      const packed = this.zeros(Cout * (1 + kt * kh * kw), 'depthwise packed weight');
      this.call('f32_depthwise3d_pack', 'iiii', [block, w, b, { buf: packed }]);
      this.call('f32_depthwise3d', 'iiiiff', [block, { buf: this.cur }, { buf: packed }, { buf: y }, { f: NEG_INF }, { f: POS_INF }]);
    } else {
      // ops.conv3d: pack (bias folded in), then the lowering, sharing one scratch buffer
      const pp = params(p);
      const packedFloats = kernel('f32_conv3d_packed_floats')(pp);
      const scratchFloats = Math.max(kernel('f32_conv3d_scratch_floats')(pp, CONV_SCRATCH_PACK), kernel('f32_conv3d_scratch_floats')(pp, CONV_SCRATCH_FWD));
      const packed = this.zeros(packedFloats, 'conv3d packed weight');
      const scratch = this.zeros(Math.max(scratchFloats, 1), 'conv3d scratch');
      this.call('f32_conv3d_pack', 'iiiii', [block, w, b, { buf: packed }, { buf: scratch }]);
      this.call('f32_conv3d', 'iiiiiiff', [block, { buf: this.cur }, { buf: packed }, b, { buf: y }, { buf: scratch }, { f: NEG_INF }, { f: POS_INF }]);
    }
    this.cur = y;
    this.shape = [N, Cout, To, Ho, Wo];
    return this;
  }

  /**
   * F.batch_norm(x, runningMean, runningVar, weight, bias, training=false, eps): as ops.batchNorm
   * in eval mode, the per-channel scale a = w / sqrt(var + eps) and shift s = b - mean * a are
   * computed here in double precision and rounded to f32 exactly as the op does, then
   * vw_f32_channel_affine applies y = x * a + s.
   */
  batchNorm3d(runningMean: Float32Array, runningVar: Float32Array, weight: Float32Array | null, bias: Float32Array | null, eps = 1e-5): this {
    const [N, C, T, H, W] = this.expect5('batchNorm3d');
    for (const [what, v] of [['runningMean', runningMean], ['runningVar', runningVar], ['weight', weight], ['bias', bias]] as const) {
      if (v && v.length !== C) throw new ShapeError(`plan batchNorm3d: ${what} has ${v.length} values, expected ${C}`);
    }
    if (!(eps > 0)) throw new ArgumentError(`plan batchNorm3d: eps must be positive, got ${eps}`);
    const a = new Float32Array(C), sh = new Float32Array(C);
    for (let c = 0; c < C; c++) {
      const mean = runningMean[c], invstd = 1 / Math.sqrt(runningVar[c] + eps);
      a[c] = (weight ? weight[c] : 1) * invstd;
      sh[c] = (bias ? bias[c] : 0) - mean * a[c];
    }
    const M = N * T * H * W;
    const y = this.zeros(M * C, 'batchNorm3d output');
    this.call('f32_channel_affine', 'iiiiii', [{ buf: this.cur }, { buf: y }, this.floats(a, 'bn scale'), this.floats(sh, 'bn shift'), { i: M }, { i: C }]);
    this.cur = y;
    return this;
  }

  /** F.max_pool3d(x, kernelSize, stride = kernelSize, padding, dilation): vw_f32_maxpool3d (with its argmax buffer). */
  maxPool3d(opts: { kernelSize: Size3; stride?: Size3; padding?: Size3; dilation?: Size3 }): this {
    const [N, C, T, H, W] = this.expect5('maxPool3d');
    const k = triple('kernelSize', opts.kernelSize, 1), s = opts.stride === undefined ? k : triple('stride', opts.stride, 1);
    const pad = triple('padding', opts.padding, 0), d = triple('dilation', opts.dilation, 1);
    if (k.some((v) => v < 1) || s.some((v) => v < 1) || d.some((v) => v < 1) || pad.some((v, i) => v > Math.floor(k[i] / 2))) {
      throw new ArgumentError(`plan maxPool3d: bad kernel ${fmtShape(k)} / stride ${fmtShape(s)} / padding ${fmtShape(pad)} / dilation ${fmtShape(d)}`);
    }
    const sp = [T, H, W];
    const out = sp.map((v, i) => Math.floor((v + 2 * pad[i] - d[i] * (k[i] - 1) - 1) / s[i]) + 1);
    if (out.some((v) => v < 1)) throw new ShapeError(`plan maxPool3d: kernel ${fmtShape(k)} does not fit ${fmtShape(this.shape)}`);
    const p = [N, C, T, H, W, ...out, ...k, ...s, ...pad, ...d, 1, 0];
    const n = N * C * out[0] * out[1] * out[2];
    const y = this.zeros(n, 'maxPool3d output'), arg = this.zeros(n, 'maxPool3d argmax (i32)');
    this.call('f32_maxpool3d', 'iiii', [{ buf: this.cur }, { buf: y }, { buf: arg }, this.ints(p)]);
    this.cur = y;
    this.shape = [N, C, ...out];
    return this;
  }

  /** F.adaptive_avg_pool3d(x, outputSize): vw_f32_adaptive_avgpool3d (PyTorch's window rule). */
  adaptiveAvgPool3d(outputSize: Size3): this {
    const [N, C, T, H, W] = this.expect5('adaptiveAvgPool3d');
    const out = triple('outputSize', outputSize, 1);
    if (out.some((v) => v < 1)) throw new ArgumentError(`plan adaptiveAvgPool3d: outputSize must be positive, got ${fmtShape(out)}`);
    const p = [N, C, T, H, W, ...out, ...new Array(14).fill(0)];
    const y = this.zeros(N * C * out[0] * out[1] * out[2], 'adaptiveAvgPool3d output');
    this.call('f32_adaptive_avgpool3d', 'iii', [{ buf: this.cur }, { buf: y }, this.ints(p)]);
    this.cur = y;
    this.shape = [N, C, ...out];
    return this;
  }

  /** F.relu(x): vw_f32_unary(RELU). */
  relu(): this {
    const n = this.shape.reduce((a, b) => a * b, 1);
    const y = this.zeros(n, 'relu output');
    this.call('f32_unary', 'iiii', [{ i: 0 }, { buf: this.cur }, { buf: y }, { i: n }]);
    this.cur = y;
    return this;
  }

  /**
   * F.linear(x, w, b) over the last (channel) dim: weight [out, in] in PyTorch order, packed with
   * vw_f32_gemm_pack (B = W^T) then one vw_f32_gemm, the calls ops.linear makes. A 5-D
   * activation whose T, H, W are 1 (after adaptive pooling) is read as [N, C].
   */
  linear(weight: Float32Array, bias: Float32Array | null, outFeatures: number): this {
    const C = this.shape[1];
    const rows = this.shape.reduce((a, b) => a * b, 1) / C;
    if (this.shape.length === 5 && rows !== this.shape[0]) {
      throw new ShapeError(`plan linear: expects [N, C] or [N, C, 1, 1, 1], got ${fmtShape(this.shape)} (pool first)`);
    }
    if (weight.length !== outFeatures * C) throw new ShapeError(`plan linear: weight has ${weight.length} values, expected [${outFeatures}, ${C}]`);
    if (bias && bias.length !== outFeatures) throw new ShapeError(`plan linear: bias has ${bias.length} values, expected ${outFeatures}`);
    const packedFloats = kernel('f32_gemm_packed_floats')(C, outFeatures);
    const w = this.floats(weight, 'linear weight');
    const b = bias ? this.floats(bias, 'linear bias') : null;
    const packed = this.zeros(packedFloats, 'linear packed weight');
    this.call('f32_gemm_pack', 'iiiiiii', [{ i: C }, { i: outFeatures }, w, { i: 1 }, { i: C }, b, { buf: packed }]);
    const y = this.zeros(rows * outFeatures, 'linear output');
    this.call('f32_gemm', 'iiiiiiiiffi', [{ i: rows }, { i: outFeatures }, { i: C }, { buf: this.cur }, { i: C }, { buf: packed },
      { buf: y }, { i: outFeatures }, { f: NEG_INF }, { f: POS_INF }, { i: 0 }]);
    this.cur = y;
    this.shape = [rows, outFeatures];
    return this;
  }

  /** The current activation's shape (PyTorch order). */
  get outputShape(): readonly number[] { return this.shape; }

  build(): Plan {
    const n = this.shape.reduce((a, b) => a * b, 1);
    return { buffers: this.buffers, calls: this.calls, output: { buf: this.cur, off: 0, nbytes: 4 * n, shape: [...this.shape] } };
  }
}
