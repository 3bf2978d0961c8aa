// Lowers a small 3D CNN, layer by layer, to a plan (plan.ts): the kernel calls, parameter
// blocks and scratch buffers the runtime's ops would use for the same layers. Activations stay
// in channels-last storage ([N][T][H][W][C]), as the conv/pool/norm ops keep them.
//
// Geometry, validation and the lowering mode come from the ops themselves (convGeometry and
// chooseMode in ops/conv.ts, the pool geometries in ops/pool.ts), so a plan lowers a layer
// exactly as the op it reproduces. The builder asks the loaded module for packed-weight and
// scratch sizes (the kernels own those formulas), so it needs an initialised runtime; the
// resulting plan bytes do not.
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { params } from '../wasm.js';
import * as vw from '../kernels.gen.js';
import { convBlock, convGeometry, expanded } from '../ops/conv.js';
import { adaptiveAvgPoolGeometry, maxPoolGeometry } from '../ops/pool.js';
import type { Plan, PlanArg, PlanBuffer, PlanCall } from './plan.js';

export type Size3 = number | readonly [number, number, number];
export interface Conv3dPlanOptions { stride?: Size3; padding?: Size3; dilation?: Size3; groups?: number }

const bytesOf = (a: Float32Array | Int32Array) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
const NEG_INF = -Infinity, POS_INF = Infinity;

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
    this.call('x32_permute', [{ buf: x }, { buf: this.cur }, this.ints([5, N, C, T, H, W, 0, 2, 3, 4, 1])]);
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
  private call(k: vw.KernelName, args: PlanArg[]): void { this.calls.push({ kernel: k, sig: vw.KERNELS[k].sig, args }); }

  private expect5(op: string): number[] {
    if (this.shape.length !== 5) throw new ShapeError(`plan ${op}: needs a [N, C, T, H, W] activation, got ${fmtShape(this.shape)}`);
    return this.shape;
  }

  /** F.conv3d(x, w, b, opts): weight [Cout, Cin/groups, kt, kh, kw] in PyTorch order; the calls ops.conv3d makes. */
  conv3d(weight: Float32Array, weightShape: readonly number[], bias: Float32Array | null, opts: Conv3dPlanOptions = {}): this {
    const g = convGeometry('plan conv3d', 3, this.expect5('conv3d'), weightShape, bias && [bias.length], opts);
    if (weight.length !== weightShape.reduce((a, b) => a * b, 1)) {
      throw new ShapeError(`plan conv3d: weight has ${weight.length} values, its shape ${fmtShape(weightShape)} says otherwise`);
    }
    const block = this.ints(convBlock(g));
    const w = this.floats(weight, 'conv3d weight');
    const b = bias ? this.floats(bias, 'conv3d bias') : null;
    const y = this.zeros(g.N * g.Cout * g.To * g.Ho * g.Wo, 'conv3d output');
    if (g.mode === vw.ConvMode.depthwise) {
      // depthwise: with a channel multiplier the input is first expanded to Cout channels; the
      // weights are packed as Cout * (1 + taps) floats, then the direct kernel runs
      let x = this.cur, eblock = block;
      if (g.Cout !== g.Cin) {
        x = this.zeros(g.N * g.T * g.H * g.W * g.Cout, 'depthwise expanded input');
        this.call('f32_depthwise3d_expand', [block, { buf: this.cur }, { buf: x }]);
        eblock = this.ints(convBlock(expanded(g)));
      }
      const packed = this.zeros(g.Cout * (1 + g.k[0] * g.k[1] * g.k[2]), 'depthwise packed weight');
      this.call('f32_depthwise3d_pack', [eblock, w, b, { buf: packed }]);
      this.call('f32_depthwise3d', [eblock, { buf: x }, { buf: packed }, { buf: y }, { f: NEG_INF }, { f: POS_INF }]);
    } else {
      // pack (bias folded in), then the lowering, sharing one scratch buffer
      const pp = params(convBlock(g));
      const packedFloats = vw.f32_conv3d_packed_floats(pp);
      const scratchFloats = Math.max(vw.f32_conv3d_scratch_floats(pp, vw.ConvScratch.pack), vw.f32_conv3d_scratch_floats(pp, vw.ConvScratch.fwd));
      const packed = this.zeros(packedFloats, 'conv3d packed weight');
      const scratch = this.zeros(Math.max(scratchFloats, 1), 'conv3d scratch');
      this.call('f32_conv3d_pack', [block, w, b, { buf: packed }, { buf: scratch }]);
      this.call('f32_conv3d', [block, { buf: this.cur }, { buf: packed }, b, { buf: y }, { buf: scratch }, { f: NEG_INF }, { f: POS_INF }]);
    }
    this.cur = y;
    this.shape = [g.N, g.Cout, g.To, g.Ho, g.Wo];
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
    this.call('f32_channel_affine', [{ buf: this.cur }, { buf: y }, this.floats(a, 'bn scale'), this.floats(sh, 'bn shift'), { i: M }, { i: C }]);
    this.cur = y;
    return this;
  }

  /** F.max_pool3d(x, kernelSize, stride = kernelSize, padding, dilation): vw_f32_maxpool3d (with its argmax buffer). */
  maxPool3d(opts: { kernelSize: Size3; stride?: Size3; padding?: Size3; dilation?: Size3 }): this {
    const g = maxPoolGeometry('plan maxPool3d', this.expect5('maxPool3d'), 3, opts);
    const n = g.outShape.reduce((a, b) => a * b, 1);
    const y = this.zeros(n, 'maxPool3d output'), arg = this.zeros(n, 'maxPool3d argmax (i32)');
    this.call('f32_maxpool3d', [{ buf: this.cur }, { buf: y }, { buf: arg }, this.ints(g.p)]);
    this.cur = y;
    this.shape = g.outShape;
    return this;
  }

  /** F.adaptive_avg_pool3d(x, outputSize): vw_f32_adaptive_avgpool3d (PyTorch's window rule). */
  adaptiveAvgPool3d(outputSize: Size3): this {
    const g = adaptiveAvgPoolGeometry('plan adaptiveAvgPool3d', this.expect5('adaptiveAvgPool3d'), 3, outputSize);
    const y = this.zeros(g.outShape.reduce((a, b) => a * b, 1), 'adaptiveAvgPool3d output');
    this.call('f32_adaptive_avgpool3d', [{ buf: this.cur }, { buf: y }, this.ints(g.p)]);
    this.cur = y;
    this.shape = g.outShape;
    return this;
  }

  /** F.relu(x): vw_f32_unary(RELU). */
  relu(): this {
    const n = this.shape.reduce((a, b) => a * b, 1);
    const y = this.zeros(n, 'relu output');
    this.call('f32_unary', [{ i: vw.UnaryOp.relu }, { buf: this.cur }, { buf: y }, { i: n }]);
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
    const packedFloats = vw.f32_gemm_packed_floats(C, outFeatures);
    const w = this.floats(weight, 'linear weight');
    const b = bias ? this.floats(bias, 'linear bias') : null;
    const packed = this.zeros(packedFloats, 'linear packed weight');
    this.call('f32_gemm_pack', [{ i: C }, { i: outFeatures }, w, { i: 1 }, { i: C }, b, { buf: packed }]);
    const y = this.zeros(rows * outFeatures, 'linear output');
    this.call('f32_gemm', [{ i: rows }, { i: outFeatures }, { i: C }, { buf: this.cur }, { i: C }, { buf: packed },
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
