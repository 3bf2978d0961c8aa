// The kernel manifest (native/kernels/kernels.def) against the module and against itself:
//  - the generated files are what kernels.def gives (no hand edits, no stale generation);
//  - the wasm module exports exactly the kernels the manifest lists, variants included;
//  - every kernel with a scalar twin runs on random inputs of awkward sizes (1, odd, not a
//    multiple of the SIMD width) under the SIMD kernel (each ISA variant) and under its twin, and
//    every buffer it touches must agree within the manifest's tolerance (bitwise when `exact`);
//    relaxed variants too where vidwasm-relaxed.wasm is loaded (test/accelerator/device.test.ts
//    runs this file under Node's relaxed-SIMD flag with VIDWASM_TEST_RELAXED_ONLY=1).
// INPUTS says, per kernel, how to build valid inputs; it must cover every kernel with a twin.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Tensor, ops, tidy, setBackend, setIsa, getIsa, kernelNames, type IsaFlavour, type KernelBackend } from '../../ts/node.js';
import { melSpectrogram } from '../../ts/data/audio.js';
import { malloc, free, heapU8, hasRelaxed, setRelaxedPolicy } from '../../ts/runtime/wasm.js';
import * as vw from '../../ts/runtime/kernels.gen.js';
import { convBlock, convGeometry, expanded } from '../../ts/runtime/ops/conv.js';
import { maxPoolGeometry, adaptiveAvgPoolGeometry } from '../../ts/runtime/ops/pool.js';
import { exportsOf, parse, staleFiles, DEF_PATH } from '../../native/kernels/gen_kernels.js';

type Name = vw.KernelName;
type Kind = 'f32' | 'i32' | 'u8' | 'scratch';
interface Buf { ptr: number; bytes: number; kind: Kind }

/** Allocates the buffers of one case (their initial bytes are restored before every run). */
class Bufs {
  readonly all: Buf[] = [];
  private seed: number;
  constructor(seed: number) { this.seed = seed; }
  rand(): number { this.seed = (Math.imul(this.seed, 1664525) + 1013904223) >>> 0; return this.seed / 4294967296; }
  private alloc(bytes: number, kind: Kind): Buf {
    const b = { ptr: malloc(Math.max(16, bytes), 'manifest test'), bytes, kind };
    heapU8().fill(0, b.ptr, b.ptr + Math.max(16, bytes));
    this.all.push(b);
    return b;
  }
  /** n floats uniform in [lo, hi). */
  f32(n: number, lo = -2, hi = 2): number {
    const b = this.alloc(4 * n, 'f32');
    const v = new Float32Array(heapU8().buffer, b.ptr, n);
    for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * this.rand();
    return b.ptr;
  }
  i32(values: ArrayLike<number>): number {
    const b = this.alloc(4 * values.length, 'i32');
    new Int32Array(heapU8().buffer, b.ptr, values.length).set(values);
    return b.ptr;
  }
  /** n integers in [0, max). */
  index(n: number, max: number): number { return this.i32(Array.from({ length: n }, () => Math.floor(this.rand() * max))); }
  bytes(n: number): number {
    const b = this.alloc(n, 'u8');
    const v = heapU8().subarray(b.ptr, b.ptr + n);
    for (let i = 0; i < n; i++) v[i] = Math.floor(this.rand() * 256);
    return b.ptr;
  }
  /** Work space whose contents are the kernel's own business (not compared). */
  scratch(floats: number): number { return this.alloc(4 * Math.max(1, floats), 'scratch').ptr; }
  out(n: number): number { return this.alloc(4 * n, 'f32').ptr; }
  dispose(): void { for (const b of this.all) free(b.ptr); }
}

/** One case: the kernel's arguments (buffers come from b). */
type Gen = (b: Bufs, n: number) => number[];
/** Or, for kernels whose inputs only their op knows how to lay out: the op, run on both backends. */
type ViaOp = { op: (n: number) => Tensor[] };

/** Doubles as the int32 words of their little-endian bytes (a kernel's f64 argument block). */
const f64Bits = (...v: number[]) => Array.from(new Int32Array(new Float64Array(v).buffer));
const flat = (b: Bufs, n: number) => b.i32([1, n, 1, 1]);  // f32_binary block: one dim, both strides 1
/** A conv the op lowers to `mode` (vol2col, 1x1x1 GEMM, temporal shifted GEMMs), on odd sizes. */
const geoOf = (n: number, mode: 'general' | 'pointwise' | 'temporal') => {
  const x = [2, 3, 3, n + 2, n + 1];
  if (mode === 'general') return convGeometry('test', 3, x, [5, 3, 3, 2, 3], [5], { stride: [1, 2, 1], padding: [1, 0, 1] });
  if (mode === 'pointwise') return convGeometry('test', 3, x, [n + 2, 3, 1, 1, 1], [n + 2], {});
  return convGeometry('test', 3, x, [6, 3, 3, 1, 1], [6], { padding: [1, 0, 0] });
};
const dwGeo = (n: number, m: number) => convGeometry('test', 3, [1, n + 1, 3, 5, n + 2], [m * (n + 1), 1, 3, 3, 3], [m * (n + 1)], { padding: 1, groups: n + 1 });
const size = (g: ReturnType<typeof dwGeo>) => ({ x: g.N * g.T * g.H * g.W * g.Cin, y: g.N * g.To * g.Ho * g.Wo * g.Cout, w: g.Cout * (g.Cin / g.G) * g.k[0] * g.k[1] * g.k[2] });
const poolP = (n: number) => maxPoolGeometry('test', [2, n + 2, 3, n + 4, 5], 3, { kernelSize: [2, 3, 2], stride: [1, 2, 1], padding: [1, 1, 0] }).p;
const avgP = (n: number) => { const p = poolP(n).slice(); p[vw.PoolParam.DT] = p[vw.PoolParam.DH] = p[vw.PoolParam.DW] = 1; p[vw.PoolParam.INCLUDE_PAD] = n % 2; return p; };
const adaptP = (n: number) => adaptiveAvgPoolGeometry('test', [2, n + 2, 3, n + 4, 5], 3, [2, 3, 2]).p;
const poolSizes = (p: number[]) => { const P = vw.PoolParam; const nc = p[P.N] * p[P.C]; return { x: nc * p[P.T] * p[P.H] * p[P.W], y: nc * p[P.OT] * p[P.OH] * p[P.OW] }; };
/** Copies a [2, n] window with source strides [2(n+2), 2] into a dense [2, n]: p = [nd, sizes, src strides, dst strides]. */
const strided = (b: Bufs, n: number, bytes: number) => [b.bytes(bytes * 4 * (n + 2)), b.bytes(bytes * 2 * n), b.i32([2, 2, n, 2 * (n + 2), 2, n, 1])];

const INPUTS: Record<string, Gen | ViaOp> = {
  f32_binary: (b, n) => [n % vw.BinaryOp.COUNT, b.f32(3 * n), b.f32(n, 0.5, 2), b.out(3 * n), b.i32([2, 3, n, n, 1, 0, 1])],
  f32_binary_const: (b, n) => [n % vw.BinaryOp.COUNT, b.f32(n), 0.75, b.out(n), n],
  f32_unary: { op: (n) => Object.keys(vw.UnaryOp).filter((k) => k !== 'COUNT').map((k) => unaryOp(k, n, false)) },
  f32_unary_grad: { op: (n) => Object.keys(vw.UnaryOp).filter((k) => k !== 'COUNT').map((k) => unaryOp(k, n, true)) },
  f32_fill: (b, n) => [b.out(n), n, -1.25],
  f32_reduce_sum: (b, n) => [b.f32(2 * n * 3), b.out(2 * 3), 2, n, 3],
  f32_reduce_max: (b, n) => [b.f32(2 * n * 3), b.out(2 * 3), b.i32(new Array(6).fill(0)), 2, n, 3],
  f32_gemm_packed_floats: (_b, n) => [2 * n + 1, n + 2],
  f32_gemm_pack: (b, n) => [2 * n + 1, n + 2, b.f32((2 * n + 1) * (n + 2)), n + 2, 1, b.f32(n + 2), b.out(vw.f32_gemm_packed_floats(2 * n + 1, n + 2))],
  f32_gemm: (b, n) => {
    const K = 2 * n + 1, N = n + 2, packed = b.out(vw.f32_gemm_packed_floats(K, N));
    vw.f32_gemm_pack(K, N, b.f32(K * N), N, 1, b.f32(N), packed);
    return [n + 3, N, K, b.f32((n + 3) * K), K, packed, b.f32((n + 3) * N), N, -1.5, 1.5, n % 2];
  },
  f32_matmul: (b, n) => [n % 2, 1 - (n % 2), n + 3, n + 2, 2 * n + 1, b.f32((n + 3) * (2 * n + 1)), n % 2 ? n + 3 : 2 * n + 1,
    b.f32((2 * n + 1) * (n + 2)), n % 2 ? n + 2 : 2 * n + 1, b.f32((n + 3) * (n + 2)), n + 2, 0.5],
  f32_conv3d_packed_floats: (b, n) => [b.i32(convBlock(geoOf(n, 'general')))],
  f32_conv3d_scratch_floats: (b, n) => [b.i32(convBlock(geoOf(n, (['general', 'pointwise', 'temporal'] as const)[n % 3]))), n % 4],
  f32_conv3d_pack: (b, n) => convForward(b, n, false),
  f32_conv3d: (b, n) => convForward(b, n, true),
  f32_conv3d_bwd_data: (b, n) => convBackward(b, n, vw.ConvScratch.bwd_data),
  f32_conv3d_bwd_weight: (b, n) => convBackward(b, n, vw.ConvScratch.bwd_weight),
  f32_conv3d_bwd_bias: (b, n) => [3 * n + 1, n + 2, b.f32((3 * n + 1) * (n + 2)), b.out(n + 2)],
  f32_depthwise3d_pack: (b, n) => { const g = dwGeo(n, 1); return [b.i32(convBlock(g)), b.f32(size(g).w), b.f32(g.Cout), b.out(g.Cout * 28)]; },
  f32_depthwise3d: (b, n) => {
    const g = dwGeo(n, 1), p = b.i32(convBlock(g)), packed = b.out(g.Cout * 28);
    vw.f32_depthwise3d_pack(p, b.f32(size(g).w), b.f32(g.Cout), packed);
    return [p, b.f32(size(g).x), packed, b.out(size(g).y), -1, 1.5];
  },
  f32_depthwise3d_bwd_data: (b, n) => {
    const g = dwGeo(n, 1), p = b.i32(convBlock(g)), packed = b.out(g.Cout * 28);
    vw.f32_depthwise3d_pack(p, b.f32(size(g).w), 0, packed);
    return [p, b.f32(size(g).y), packed, b.out(size(g).x), b.scratch(g.Cout * 28)];
  },
  f32_depthwise3d_bwd_weight: (b, n) => { const g = dwGeo(n, 1); return [b.i32(convBlock(g)), b.f32(size(g).x), b.f32(size(g).y), b.out(size(g).w), b.scratch(g.Cout * 28 * 2)]; },
  f32_depthwise3d_bwd_fused: (b, n) => {
    const g = dwGeo(n, 1), p = b.i32(convBlock(g)), packed = b.out(g.Cout * 28);
    vw.f32_depthwise3d_pack(p, b.f32(size(g).w), 0, packed);
    return [p, b.f32(size(g).x), b.f32(size(g).y), packed, b.out(size(g).x), b.out(size(g).w), b.scratch(g.Cout * 28 + g.Cout * 27)];
  },
  f32_depthwise3d_expand: (b, n) => { const g = dwGeo(n, 2); return [b.i32(convBlock(g)), b.f32(size(g).x), b.out(size(expanded(g)).x)]; },
  f32_depthwise3d_fold: (b, n) => { const g = dwGeo(n, 3); return [b.i32(convBlock(g)), b.f32(size(expanded(g)).x), b.out(size(g).x)]; },
  f32_maxpool3d: (b, n) => { const p = poolP(n), s = poolSizes(p); return [b.f32(s.x), b.out(s.y), b.i32(new Array(s.y).fill(0)), b.i32(p)]; },
  f32_maxpool3d_grad: (b, n) => {
    const p = poolP(n), s = poolSizes(p), arg = b.i32(new Array(s.y).fill(0)), pp = b.i32(p);
    vw.f32_maxpool3d(b.f32(s.x), b.out(s.y), arg, pp);
    return [b.f32(s.y), arg, b.out(s.x), pp];
  },
  f32_avgpool3d: (b, n) => { const p = avgP(n), s = poolSizes(p); return [b.f32(s.x), b.out(s.y), b.i32(p)]; },
  f32_avgpool3d_grad: (b, n) => { const p = avgP(n), s = poolSizes(p); return [b.f32(s.y), b.out(s.x), b.i32(p)]; },
  f32_adaptive_avgpool3d: (b, n) => { const p = adaptP(n), s = poolSizes(p); return [b.f32(s.x), b.out(s.y), b.i32(p)]; },
  f32_adaptive_avgpool3d_grad: (b, n) => { const p = adaptP(n), s = poolSizes(p); return [b.f32(s.y), b.out(s.x), b.i32(p)]; },
  f32_interp_linear: { op: (n) => [ops.interpolate(tensor([2, n + 1, 3, n + 2, 5]), { size: [4, 2 * n + 3, 3], mode: 'trilinear' })] },
  f32_interp_linear_backward: { op: (n) => gradOf(tensor([1, n + 2, n + 3, 4]), (x) => ops.interpolate(x, { size: [2 * n + 1, 7], mode: 'bilinear', alignCorners: true })) },
  f32_interp_nearest: { op: (n) => [ops.interpolate(tensor([2, n + 1, n + 4, 5]), { size: [n + 2, 9] })] },
  f32_interp_nearest_backward: { op: (n) => gradOf(tensor([1, n + 2, n + 4, 5]), (x) => ops.interpolate(x, { size: [n + 2, 9] })) },
  f32_xent: (b, n) => [b.f32(3 * (n + 2)), b.index(3, n + 2), 0, b.f32(n + 2, 0.1, 1), b.out(3), b.out(3), 3, n + 2, 0.1, -100],
  f32_xent_grad: (b, n) => [b.f32(3 * (n + 2)), b.index(3, n + 2), 0, 0, b.f32(3, 0.5, 2), b.f32(3), b.out(3 * (n + 2)), 3, n + 2, 0, 1],
  f32_bce_logits: (b, n) => [b.f32(n, -6, 6), b.f32(n, 0, 1), b.f32(n, 0.5, 2), b.out(n), n],
  f32_bce_logits_grad: (b, n) => [b.f32(n, -6, 6), b.f32(n, 0, 1), b.f32(n, 0.5, 2), b.f32(n), b.out(n), b.out(n), n],
  f32_softmax: (b, n) => [b.f32(2 * (n + 2) * (n % 3 + 1)), b.out(2 * (n + 2) * (n % 3 + 1)), 2, n + 2, n % 3 + 1, n % 2],
  f32_softmax_grad: (b, n) => [b.f32(2 * (n + 2) * (n % 3 + 1), 0, 1), b.f32(2 * (n + 2) * (n % 3 + 1)), b.out(2 * (n + 2) * (n % 3 + 1)), 2, n + 2, n % 3 + 1, n % 2],
  f32_spectrogram: { op: (n) => [melSpectrogram(tensor([400 + 37 * n]), { nFft: 64 + 2 * n, hopLength: 17, nMels: 12 })] },
  f32_melspec_apply: { op: (n) => [melSpectrogram(tensor([300 + 11 * n]), { nFft: 48, nMels: n + 3 })] },
  f32_farneback_scratch_floats: (b, n) => [b.i32([3, 2, 40 + n, 35 + 2 * n, 2, 5, 2, 5, 0]), b.i32(f64Bits(0.5, 1.1))],
  f32_farneback: (b, n) => {
    // random frames of odd sizes, one pyramid level above the full one; the Gaussian window on odd n
    const p = b.i32([3, 3, 40 + n, 35 + 2 * n, 2, 5 + 2 * n, 2, n % 2 ? 7 : 5, n % 2 ? vw.FlowFlag.farneback_gaussian : 0]), d = b.i32(f64Bits(0.6, 1.3));
    const hw = (40 + n) * (35 + 2 * n);
    return [b.bytes(9 * hw), b.out(4 * hw), b.scratch(vw.f32_farneback_scratch_floats(p, d)), p, d];
  },
  f32_bn_stats: (b, n) => [b.f32(3 * n * (n + 2)), b.out(n + 2), b.out(n + 2), b.scratch(4 * (n + 2) * 64), 3 * n, n + 2],
  f32_channel_affine: (b, n) => [b.f32(3 * n * (n + 2)), b.out(3 * n * (n + 2)), b.f32(n + 2), b.f32(n + 2), 3 * n, n + 2],
  f32_bn_grad_reduce: (b, n) => [b.f32(3 * n * (n + 2)), b.f32(3 * n * (n + 2)), b.f32(n + 2), b.out(n + 2), b.out(n + 2), b.scratch(8 * (n + 2) * 64), 3 * n, n + 2],
  f32_bn_grad_apply: (b, n) => [b.f32(3 * n * (n + 2)), b.f32(3 * n * (n + 2)), b.out(3 * n * (n + 2)), b.f32(n + 2), b.f32(n + 2), b.f32(n + 2), 3 * n, n + 2],
  f32_layernorm: (b, n) => [b.f32(3 * (n + 4)), b.out(3 * (n + 4)), b.f32(n + 4), b.f32(n + 4), b.out(3), b.out(3), 3, n + 4, 1e-5],
  f32_layernorm_grad: (b, n) => [b.f32(3 * (n + 4)), b.f32(3 * (n + 4)), b.f32(n + 4), b.f32(3), b.f32(3, 0.5, 2), b.out(3 * (n + 4)), b.out(n + 4), b.out(n + 4), 3, n + 4],
  f32_sgd_step: (b, n) => [b.f32(n), b.f32(n), b.f32(n), n, 0.1, 0.9, 0.75, 0.01, n % 32],
  f32_adamw_step: (b, n) => [b.f32(n), b.f32(n), b.f32(n), b.f32(n, 0, 1), b.f32(n, 0, 1), n, 0.999, 0.9, 0.1, 0.99, 0.01, -0.001, 0.3, 1e-8, n % 2 ? vw.OptFlag.amsgrad : 0],
  f32_sumsq: (b, n) => [b.f32(n), n],
  f32_absmax: (b, n) => [b.f32(n), n],
  f32_scale_inplace: (b, n) => [b.f32(n), n, 0.3],
  qs8_gemm_packed_bytes: (_b, n) => [n + 2, 2 * n + 1],
  qs8_gemm_pack: (b, n) => [b.i32([n + 2, 2 * n + 1, 2 * n + 1, 3]), b.bytes((n + 2) * (2 * n + 1)), b.i32(new Array(n + 2).fill(7)), b.out(vw.qs8_gemm_packed_bytes(n + 2, 2 * n + 1) / 4 + 1)],
  qs8_gemm: (b, n) => qs8Case(b, n, false),
  qs8_gemm_f32out: (b, n) => qs8Case(b, n, true),
  qs8_quantize: (b, n) => [b.f32(n, -3, 3), b.out(n), n, 0.02, 3],
  qs8_dequantize: (b, n) => [b.bytes(n), b.out(n), n, 0.02, -5],
  qs8_quantize_channels: (b, n) => [b.i32([2, n + 1, 3]), b.f32(2 * (n + 1) * 3), b.f32(n + 1, 0.01, 0.05), b.index(n + 1, 9), b.out(2 * (n + 1) * 3)],
  qs8_dequantize_channels: (b, n) => [b.i32([2, n + 1, 3]), b.bytes(2 * (n + 1) * 3), b.f32(n + 1, 0.01, 0.05), b.index(n + 1, 9), b.out(2 * (n + 1) * 3)],
  qs8_vol2col: (b, n) => { const g = geoOf(n, 'general'); return [b.i32(convBlock(g)), b.bytes(size(g).x), b.out(g.N * g.To * g.Ho * g.Wo * g.k[0] * g.k[1] * g.k[2] * g.Cin), n % 7 - 3]; },
  qs8_depthwise3d: (b, n) => {
    const g = convGeometry('test', 3, [2, 8 * n + 3, 3, 5, n + 2], [8 * n + 3, 1, 3, 3, 3], null, { padding: 1, stride: [1, 1 + (n % 2), 2], groups: 8 * n + 3 });
    const cs = Math.ceil(g.Cout / vw.QS8_DW_CR) * vw.QS8_DW_CR;
    return [b.i32(convBlock(g)), b.i32([n % 5 - 2, 3, -100 + n, 127 - n]), b.bytes(size(g).x), b.bytes(2 * 28 * cs),
      b.index(cs, 5000), b.f32(cs, 0.0005, 0.003), b.out(size(g).y)];
  },
  qs8_lut: (b, n) => [b.bytes(3 * n + 1), b.out(3 * n + 1), 3 * n + 1, b.bytes(256)],
  qs8_add: (b, n) => [b.bytes(3 * n + 1), b.bytes(3 * n + 1), b.out(3 * n + 1), 3 * n + 1, 5, 0.7, -9, 1.3, 2, -128 + n, 127],
  qs8_global_avgpool: (b, n) => [b.bytes(2 * (n + 3) * (8 * n + 5)), b.out(2 * (8 * n + 5)), 2, n + 3, 8 * n + 5, -4, 1 / (3 * (n + 3)), 7],
  qs8_channel_mul: (b, n) => [b.bytes(2 * (n + 3) * (8 * n + 5)), b.f32(2 * (8 * n + 5), 0, 1), b.out(2 * (n + 3) * (8 * n + 5)), 2, n + 3, 8 * n + 5, 6, 1.7, -3],
  f32_roi_align: { op: (n) => [ops.roiAlign(tensor([2, n + 1, 7, 9]), rois(n), { outputSize: [n + 1, 3], spatialScale: 0.5, samplingRatio: n % 3, aligned: n % 2 === 1 })] },
  f32_roi_align_backward: { op: (n) => gradOf(tensor([2, n + 1, 7, 9]), (x) => ops.roiAlign(x, rois(n), { outputSize: [3, n + 1], spatialScale: 0.5, samplingRatio: 2 })) },
  x32_strided_copy: (b, n) => strided(b, n, 4),
  x16_strided_copy: (b, n) => strided(b, n, 2),
  x8_strided_copy: (b, n) => strided(b, n, 1),
  x32_index_select: (b, n) => [b.bytes(4 * 2 * 5 * (n + 1)), b.out(2 * (n + 2) * (n + 1)), b.index(n + 2, 5), 2, 5, n + 2, n + 1],
  x16_index_select: (b, n) => [b.bytes(2 * 2 * 5 * (n + 1)), b.out(2 * (n + 2) * (n + 1)), b.index(n + 2, 5), 2, 5, n + 2, n + 1],
  x8_index_select: (b, n) => [b.bytes(2 * 5 * (n + 1)), b.out(2 * (n + 2) * (n + 1)), b.index(n + 2, 5), 2, 5, n + 2, n + 1],
  x32_gather: (b, n) => [b.bytes(4 * 2 * 5 * (n + 1)), b.out(2 * 3 * (n + 1)), b.index(2 * 3 * (n + 1), 5), 2, 5, 3, n + 1],
  f32_scatter_add: (b, n) => [b.f32(2 * 3 * (n + 1)), b.out(2 * 5 * (n + 1)), b.index(2 * 3 * (n + 1), 5), 2, 5, 3, n + 1],
  f32_index_add: (b, n) => [b.f32(2 * (n + 2) * (n + 1)), b.out(2 * 5 * (n + 1)), b.index(n + 2, 5), 2, n + 2, 5, n + 1],
};

function convForward(b: Bufs, n: number, run: boolean): number[] {
  const g = geoOf(n, (['general', 'pointwise', 'temporal'] as const)[n % 3]), pv = convBlock(g), p = b.i32(pv);
  const pf = vw.f32_conv3d_packed_floats(p);
  const scr = Math.max(vw.f32_conv3d_scratch_floats(p, vw.ConvScratch.pack), vw.f32_conv3d_scratch_floats(p, vw.ConvScratch.fwd));
  const w = b.f32(size(g).w), bias = b.f32(g.Cout), packed = b.out(pf), scratch = b.scratch(scr);
  if (!run) return [p, w, bias, packed, scratch];
  vw.f32_conv3d_pack(p, w, bias, packed, scratch);
  return [p, b.f32(size(g).x), packed, bias, b.out(size(g).y), scratch, -1, 2];
}
function convBackward(b: Bufs, n: number, which: number): number[] {
  const g = geoOf(n, (['general', 'pointwise', 'temporal'] as const)[n % 3]), p = b.i32(convBlock(g));
  const scr = b.scratch(vw.f32_conv3d_scratch_floats(p, which));
  return which === vw.ConvScratch.bwd_data
    ? [p, b.f32(size(g).y), b.f32(size(g).w), b.out(size(g).x), scr]
    : [p, b.f32(size(g).x), b.f32(size(g).y), b.out(size(g).w), scr];
}
function qs8Case(b: Bufs, n: number, f32out: boolean): number[] {
  const M = n + 3, N = n + 2, K = 2 * n + 1, packed = b.out(vw.qs8_gemm_packed_bytes(N, K) / 4 + 1);
  vw.qs8_gemm_pack(b.i32([N, K, K, 3]), b.bytes(N * K), b.i32(new Array(N).fill(-11)), packed);
  return [b.i32([M, N, K, K, N, f32out ? 0 : 2, f32out ? -128 : -100, 127, n % 2]), b.bytes(M * K), packed, b.f32(N, 0.001, 0.01), b.out(M * N)];
}

let seed = 1;
/** Uniform values in [-2, 2) from a seed that runOp resets, so both backends see the same inputs. */
function tensor(shape: number[], lo = -2, hi = 2): Tensor {
  const b = new Bufs(seed++), v = new Float32Array(shape.reduce((a, c) => a * c, 1));
  for (let i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * b.rand();
  return Tensor.from(v, shape);
}
const rois = (n: number) => Tensor.from([0, 1, 1.5, 12, 9, 1, 0.5, 2, 5 + n, 13], [2, 5]);
/** The gradient of sum(f(x) * gy) with respect to x. */
function gradOf(x: Tensor, f: (x: Tensor) => Tensor): Tensor[] {
  const xg = x.requiresGrad_();
  const y = f(xg);
  y.backward(tensor([...y.shape]));
  return [xg.grad!];
}
function unaryOp(name: string, n: number, grad: boolean): Tensor {
  const fn = name === 'gelu_tanh' ? (x: Tensor) => ops.gelu(x, { approximate: 'tanh' }) : (ops as unknown as Record<string, (x: Tensor) => Tensor>)[name];
  const positive = ['log', 'sqrt', 'rsqrt', 'reciprocal'].includes(name);
  const x = positive ? tensor([3 * n + 2], 0.2, 3) : tensor([3 * n + 2], -5, 5);
  return grad ? gradOf(x, fn)[0] : fn(x);
}

// ---- the comparison ----
const SIZES = [1, 3, 5, 17];
type Variant = IsaFlavour | 'relaxed';
const isas = (k: vw.KernelInfo): Variant[] => [...(k.x86 || k.arm ? ['x86', 'arm'] as const : [getIsa()]), ...(k.relaxed && hasRelaxed() ? ['relaxed' as const] : [])];
/** Binds the SIMD kernels to one variant (the ISA flavour stays as it is for 'relaxed'). */
function setVariant(v: Variant): void {
  setRelaxedPolicy(v === 'relaxed' ? 'relaxed' : 'none');
  if (v !== 'relaxed') setIsa(v);
}
const relaxedOnly = process.env.VIDWASM_TEST_RELAXED_ONLY === '1';

function within(name: string, tol: number, a: Float32Array, e: Float32Array, what: string): void {
  const ab = new Uint32Array(a.buffer, a.byteOffset, a.length), eb = new Uint32Array(e.buffer, e.byteOffset, e.length);
  for (let i = 0; i < a.length; i++) {
    if (ab[i] === eb[i] || (Number.isNaN(a[i]) && Number.isNaN(e[i]))) continue;
    if (tol > 0 && Math.abs(a[i] - e[i]) <= tol * Math.max(1, Math.abs(e[i]))) continue;
    assert.unreachable(`${name} ${what}: element ${i} is ${a[i]} with the SIMD kernel, ${e[i]} with the scalar twin (${tol ? `rel ${tol}` : 'bitwise'})`);
  }
}

function runGen(name: Name, gen: Gen, k: vw.KernelInfo): void {
  for (const n of SIZES) {
    for (const isa of isas(k)) {
      setVariant(isa);
      const b = new Bufs(1000 + n);
      try {
        setBackend('simd');
        const args = gen(b, n);
        const initial = b.all.map((x) => heapU8().slice(x.ptr, x.ptr + x.bytes));
        const runOn = (backend: KernelBackend) => {
          b.all.forEach((x, i) => heapU8().set(initial[i], x.ptr));
          setBackend(backend);
          const r = (vw[name] as (...a: number[]) => number | void)(...args);
          return { r, bufs: b.all.map((x) => heapU8().slice(x.ptr, x.ptr + x.bytes)) };
        };
        const simd = runOn('simd'), scalar = runOn('scalar');
        const what = `n=${n} isa=${isa}`;
        const [rs, rt] = [simd.r, scalar.r] as number[];
        if (typeof rs === 'number' && rs !== rt && !(Math.abs(rs - rt) <= k.tol! * Math.max(1, Math.abs(rt)))) {
          assert.unreachable(`${name} ${what}: returns ${rs} with the SIMD kernel, ${rt} with the scalar twin`);
        }
        b.all.forEach((x, i) => {
          if (x.kind === 'scratch') return;
          if (x.kind === 'f32') within(name, k.tol!, new Float32Array(simd.bufs[i].buffer), new Float32Array(scalar.bufs[i].buffer), `${what} buffer ${i}`);
          else assert.ok(simd.bufs[i].every((v, j) => v === scalar.bufs[i][j]), `${name} ${what}: buffer ${i} differs`);
        });
      } finally {
        b.dispose();
        setBackend('simd');
      }
    }
  }
}

function runOp(name: Name, via: ViaOp, k: vw.KernelInfo): void {
  for (const n of SIZES) {
    for (const isa of isas(k)) {
      setVariant(isa);
      tidy(() => {
        const out: Float32Array[][] = [];
        for (const backend of ['simd', 'scalar'] as KernelBackend[]) {
          setBackend(backend);
          seed = 1;
          out.push(via.op(n).map((t) => t.toArray() as Float32Array));
        }
        setBackend('simd');
        out[0].forEach((a, i) => within(name, k.tol!, a, out[1][i], `n=${n} isa=${isa} output ${i}`));
      });
    }
  }
}

test('the generated files are what kernels.def gives (run `make gen` after editing it)', () => {
  assert.equal(staleFiles(), []);
});

test('the wasm module exports exactly the kernels the manifest lists', () => {
  const listed = new Set(parse(readFileSync(DEF_PATH, 'utf8')).kernels.flatMap(exportsOf));
  const exported = new Set(kernelNames());
  assert.equal([...exported].filter((e) => !listed.has(e)), [], 'exported but not in kernels.def');
  assert.equal([...listed].filter((e) => !exported.has(e)), [], 'in kernels.def but not exported');
});

test('every kernel with a scalar twin has an input generator, and only those', () => {
  const twinned = Object.entries(vw.KERNELS).filter(([, k]) => k.tol !== null).map(([n]) => n).sort();
  assert.equal(Object.keys(INPUTS).sort(), twinned);
});

if (relaxedOnly) {
  test('the relaxed kernels are loaded (VIDWASM_TEST_RELAXED_ONLY needs relaxed SIMD and vidwasm-relaxed.wasm)', () => {
    assert.ok(hasRelaxed());
  });
}

for (const [name, k] of Object.entries(vw.KERNELS) as [Name, vw.KernelInfo][]) {
  if (k.tol === null || (relaxedOnly && !k.relaxed)) continue;
  const variants = [k.x86 && 'x86 and arm variants', k.relaxed && hasRelaxed() && 'relaxed'].filter(Boolean).join(', ');
  test(`${name}: SIMD${variants ? ` (${variants})` : ''} vs scalar twin, ${k.tol ? `rel ${k.tol}` : 'bitwise'}`, () => {
    const prevIsa = getIsa();
    try {
      const g = INPUTS[name];
      if (typeof g === 'function') runGen(name, g, k);
      else runOp(name, g, k);
    } finally { setIsa(prevIsa); setRelaxedPolicy('none'); }
  });
}

test.run();
