// Generated from native/kernels/kernels.def by native/kernels/gen_kernels.ts (make gen): do not edit.

// The typed kernel bindings: `import { f32_unary } from './kernels.gen.js'` and call it. wasm.ts
// rebinds every function when the module loads and on setBackend/setIsa, so a call goes straight
// to the chosen export (SIMD, its ISA variant or the scalar twin) with no lookup.
import { VidwasmError } from './errors.js';

export const MAX_DIMS = 8;
export const QS8_DW_CR = 16;
/** C enum VW_BIN_* */
export const BinaryOp = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, rsub: 6, rdiv: 7, COUNT: 8,
} as const;
/** C enum VW_UN_* */
export const UnaryOp = {
  relu: 0, sigmoid: 1, tanh: 2, exp: 3, log: 4, sqrt: 5, neg: 6, abs: 7, gelu: 8, silu: 9,
  square: 10, rsqrt: 11, reciprocal: 12, gelu_tanh: 13, hardsigmoid: 14, hardswish: 15, COUNT: 16,
} as const;
/** offsets of the int32 parameter block VW_CP_* */
export const ConvParam = {
  N: 0, CIN: 1, T: 2, H: 3, W: 4, COUT: 5, KT: 6, KH: 7, KW: 8, ST: 9, SH: 10, SW: 11, PT: 12,
  PH: 13, PW: 14, DT: 15, DH: 16, DW: 17, GROUPS: 18, TO: 19, HO: 20, WO: 21, MODE: 22, COUNT: 23,
} as const;
/** C enum VW_CONV_* */
export const ConvMode = {
  general: 0, pointwise: 1, temporal: 2, depthwise: 3, COUNT: 4,
} as const;
/** C enum VW_CONV_SCRATCH_* */
export const ConvScratch = {
  pack: 0, fwd: 1, bwd_data: 2, bwd_weight: 3, COUNT: 4,
} as const;
/** offsets of the int32 parameter block VW_POOL_* */
export const PoolParam = {
  N: 0, C: 1, T: 2, H: 3, W: 4, OT: 5, OH: 6, OW: 7, KT: 8, KH: 9, KW: 10, ST: 11, SH: 12, SW: 13,
  PT: 14, PH: 15, PW: 16, DT: 17, DH: 18, DW: 19, INCLUDE_PAD: 20, DIVISOR: 21, COUNT: 22,
} as const;
/** bit flags VW_OPT_* */
export const OptFlag = {
  nesterov: 1, first: 2, maximize: 4, amsgrad: 8, decay: 16,
} as const;
/** offsets of the int32 parameter block VW_QP_* */
export const QuantParam = {
  XZERO: 0, YZERO: 1, QMIN: 2, QMAX: 3, COUNT: 4,
} as const;
/** offsets of the int32 parameter block VW_FLOW_* */
export const FlowParam = {
  C: 0, T: 1, H: 2, W: 3, LEVELS: 4, WINSIZE: 5, ITERATIONS: 6, POLY_N: 7, FLAGS: 8, COUNT: 9,
} as const;
/** bit flags VW_FLOW_FLAG_* */
export const FlowFlag = {
  farneback_gaussian: 256,
} as const;

export interface KernelInfo {
  /** Wasm argument types: i = i32 or pointer, f = f32. */
  readonly sig: string;
  /** Which exports exist: vw_<name>, vw_<name>_x86/_arm (ISA variants), vw_<name>_scalar. */
  readonly base: boolean; readonly x86: boolean; readonly arm: boolean; readonly scalar: boolean;
  /** vw_<name>_relaxed exists in vidwasm-relaxed.wasm (loaded where the host has relaxed SIMD). */
  readonly relaxed: boolean;
  /** SIMD vs scalar twin: 0 = bitwise equal, r > 0 = relative tolerance, null = nothing to compare. */
  readonly tol: number | null;
  readonly params: readonly string[];
  /** One letter per parameter: r = const pointer (read), w = pointer the kernel writes (and may read), - = a value. */
  readonly access: string;
}
/** Every kernel of vidwasm.wasm. */
export const KERNELS = {
  f32_binary: { sig: 'iiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['op', 'a', 'b', 'y', 'p'], access: '-rrwr' },
  f32_binary_const: { sig: 'iifii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['op', 'a', 's', 'y', 'n'], access: '-r-w-' },
  f32_unary: { sig: 'iiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.000004, params: ['op', 'x', 'y', 'n'], access: '-rw-' },
  f32_unary_grad: { sig: 'iiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.000004, params: ['op', 'x', 'y', 'gy', 'gx', 'n'], access: '-rrrw-' },
  f32_unary1: { sig: 'if', base: false, x86: false, arm: false, scalar: true, relaxed: false, tol: null, params: ['op', 'x'], access: '--' },
  f32_unary_grad1: { sig: 'iff', base: false, x86: false, arm: false, scalar: true, relaxed: false, tol: null, params: ['op', 'x', 'y'], access: '---' },
  f32_fill: { sig: 'iif', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['y', 'n', 'v'], access: 'w--' },
  f32_reduce_sum: { sig: 'iiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 'y', 'outer', 'r', 'inner'], access: 'rw---' },
  f32_reduce_max: { sig: 'iiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['x', 'y', 'arg', 'outer', 'r', 'inner'], access: 'rww---' },
  x32_permute: { sig: 'iii', base: true, x86: false, arm: false, scalar: false, relaxed: false, tol: null, params: ['x', 'y', 'p'], access: 'rwr' },
  x16_permute: { sig: 'iii', base: true, x86: false, arm: false, scalar: false, relaxed: false, tol: null, params: ['x', 'y', 'p'], access: 'rwr' },
  x8_permute: { sig: 'iii', base: true, x86: false, arm: false, scalar: false, relaxed: false, tol: null, params: ['x', 'y', 'p'], access: 'rwr' },
  x32_expand: { sig: 'iii', base: true, x86: false, arm: false, scalar: false, relaxed: false, tol: null, params: ['x', 'y', 'p'], access: 'rwr' },
  f32_gemm_packed_floats: { sig: 'ii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['K', 'N'], access: '--' },
  f32_gemm_pack: { sig: 'iiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['K', 'N', 'B', 'sbk', 'sbn', 'bias', 'packed'], access: '--r--rw' },
  f32_gemm: { sig: 'iiiiiiiiffi', base: true, x86: true, arm: true, scalar: true, relaxed: true, tol: 0.00001, params: ['M', 'N', 'K', 'A', 'lda', 'packed', 'C', 'ldc', 'minv', 'maxv', 'accumulate'], access: '---r-rw----' },
  f32_matmul: { sig: 'iiiiiiiiiiif', base: true, x86: true, arm: true, scalar: true, relaxed: false, tol: 0.00001, params: ['transA', 'transB', 'M', 'N', 'K', 'A', 'lda', 'B', 'ldb', 'C', 'ldc', 'beta'], access: '-----r-r-w--' },
  f32_conv3d_packed_floats: { sig: 'i', base: true, x86: true, arm: true, scalar: true, relaxed: false, tol: 0, params: ['p'], access: 'r' },
  f32_conv3d_scratch_floats: { sig: 'ii', base: true, x86: true, arm: true, scalar: true, relaxed: false, tol: 0, params: ['p', 'which'], access: 'r-' },
  f32_conv3d_pack: { sig: 'iiiii', base: true, x86: true, arm: true, scalar: true, relaxed: false, tol: 0, params: ['p', 'w', 'bias', 'packed', 'scratch'], access: 'rrrww' },
  f32_conv3d: { sig: 'iiiiiiff', base: true, x86: true, arm: true, scalar: true, relaxed: true, tol: 0.00001, params: ['p', 'x', 'packed', 'bias', 'y', 'scratch', 'minv', 'maxv'], access: 'rrrrww--' },
  f32_conv3d_bwd_data: { sig: 'iiiii', base: true, x86: true, arm: true, scalar: true, relaxed: true, tol: 0.00001, params: ['p', 'gy', 'w', 'gx', 'scratch'], access: 'rrrww' },
  f32_conv3d_bwd_weight: { sig: 'iiiii', base: true, x86: true, arm: true, scalar: true, relaxed: false, tol: 0.00001, params: ['p', 'x', 'gy', 'gw', 'scratch'], access: 'rrrww' },
  f32_conv3d_bwd_bias: { sig: 'iiii', base: true, x86: true, arm: true, scalar: true, relaxed: false, tol: 0.00001, params: ['M', 'C', 'gy', 'gb'], access: '--rw' },
  f32_depthwise3d_pack: { sig: 'iiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['p', 'w', 'bias', 'packed'], access: 'rrrw' },
  f32_depthwise3d: { sig: 'iiiiff', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['p', 'x', 'packed', 'y', 'minv', 'maxv'], access: 'rrrw--' },
  f32_depthwise3d_bwd_data: { sig: 'iiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['p', 'gy', 'packed', 'gx', 'scratch'], access: 'rrrww' },
  f32_depthwise3d_bwd_weight: { sig: 'iiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['p', 'x', 'gy', 'gw', 'scratch'], access: 'rrrww' },
  f32_depthwise3d_bwd_fused: { sig: 'iiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['p', 'x', 'gy', 'packed', 'gx', 'gw', 'scratch'], access: 'rrrrwww' },
  f32_depthwise3d_expand: { sig: 'iii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['p', 'x', 'xe'], access: 'rrw' },
  f32_depthwise3d_fold: { sig: 'iii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['p', 'gxe', 'gx'], access: 'rrw' },
  f32_maxpool3d: { sig: 'iiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['x', 'y', 'arg', 'p'], access: 'rwwr' },
  f32_maxpool3d_grad: { sig: 'iiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['gy', 'arg', 'gx', 'p'], access: 'rrwr' },
  f32_avgpool3d: { sig: 'iii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 'y', 'p'], access: 'rwr' },
  f32_avgpool3d_grad: { sig: 'iii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['gy', 'gx', 'p'], access: 'rwr' },
  f32_adaptive_avgpool3d: { sig: 'iii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 'y', 'p'], access: 'rwr' },
  f32_adaptive_avgpool3d_grad: { sig: 'iii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['gy', 'gx', 'p'], access: 'rwr' },
  f32_interp_linear: { sig: 'iiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 'y', 'p', 'it', 'ft'], access: 'rwrrr' },
  f32_interp_linear_backward: { sig: 'iiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['gy', 'gx', 'p', 'it', 'ft'], access: 'rwrrr' },
  f32_interp_nearest: { sig: 'iiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['x', 'y', 'p', 'it'], access: 'rwrr' },
  f32_interp_nearest_backward: { sig: 'iiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['gy', 'gx', 'p', 'it'], access: 'rwrr' },
  f32_xent: { sig: 'iiiiiiiifi', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 'ti', 'ts', 'w', 'lse', 'loss', 'rows', 'C', 'eps', 'ignore'], access: 'rrrrww----' },
  f32_xent_grad: { sig: 'iiiiiiiiifi', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 'ti', 'ts', 'w', 'lse', 'g', 'gx', 'rows', 'C', 'eps', 'ignore'], access: 'rrrrrrw----' },
  f32_bce_logits: { sig: 'iiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 't', 'pw', 'loss', 'n'], access: 'rrrw-' },
  f32_bce_logits_grad: { sig: 'iiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 't', 'pw', 'g', 'gx', 'gt', 'n'], access: 'rrrrww-' },
  f32_softmax: { sig: 'iiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 'y', 'outer', 'r', 'inner', 'log'], access: 'rw----' },
  f32_softmax_grad: { sig: 'iiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['y', 'gy', 'gx', 'outer', 'r', 'inner', 'log'], access: 'rrw----' },
  f32_spectrogram: { sig: 'i', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.0001, params: ['p'], access: 'r' },
  f32_melspec_apply: { sig: 'i', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.0001, params: ['p'], access: 'r' },
  f32_bn_stats: { sig: 'iiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 'mean', 'variance', 'scratch', 'M', 'C'], access: 'rwww--' },
  f32_channel_affine: { sig: 'iiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['x', 'y', 'a', 'b', 'M', 'C'], access: 'rwrr--' },
  f32_bn_grad_reduce: { sig: 'iiiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 'gy', 'mean', 'sgy', 'sgyx', 'scratch', 'M', 'C'], access: 'rrrwww--' },
  f32_bn_grad_apply: { sig: 'iiiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['gy', 'x', 'gx', 'a', 'b', 'd', 'M', 'C'], access: 'rrwrrr--' },
  f32_layernorm: { sig: 'iiiiiiiif', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 'y', 'w', 'b', 'mean', 'rstd', 'rows', 'D', 'eps'], access: 'rwrrww---' },
  f32_layernorm_grad: { sig: 'iiiiiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 'gy', 'w', 'mean', 'rstd', 'gx', 'gw', 'gb', 'rows', 'D'], access: 'rrrrrwww--' },
  f32_sgd_step: { sig: 'iiiiffffi', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['p', 'g', 'buf', 'n', 'lr', 'momentum', 'one_minus_dampening', 'wd', 'flags'], access: 'wrw------' },
  f32_adamw_step: { sig: 'iiiiiiffffffffi', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['p', 'g', 'm', 'v', 'vmax', 'n', 'decay', 'beta1', 'one_minus_beta1', 'beta2', 'one_minus_beta2', 'neg_step_size', 'bc2_sqrt', 'eps', 'flags'], access: 'wrwww----------' },
  f32_sumsq: { sig: 'ii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.000001, params: ['x', 'n'], access: 'r-' },
  f32_absmax: { sig: 'ii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['x', 'n'], access: 'r-' },
  f32_scale_inplace: { sig: 'iif', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['x', 'n', 's'], access: 'w--' },
  qs8_gemm_packed_bytes: { sig: 'ii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['N', 'K'], access: '--' },
  qs8_gemm_pack: { sig: 'iiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['p', 'w', 'bias', 'packed'], access: 'rrrw' },
  qs8_gemm: { sig: 'iiiii', base: true, x86: false, arm: false, scalar: true, relaxed: true, tol: 0, params: ['p', 'A', 'packed', 'scale', 'C'], access: 'rrrrw' },
  qs8_gemm_f32out: { sig: 'iiiii', base: true, x86: false, arm: false, scalar: true, relaxed: true, tol: 0, params: ['p', 'A', 'packed', 'scale', 'C'], access: 'rrrrw' },
  qs8_quantize: { sig: 'iiifi', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['x', 'y', 'n', 'scale', 'zero'], access: 'rw---' },
  qs8_dequantize: { sig: 'iiifi', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['q', 'y', 'n', 'scale', 'zero'], access: 'rw---' },
  qs8_quantize_channels: { sig: 'iiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['p', 'x', 'scales', 'zeros', 'y'], access: 'rrrrw' },
  qs8_dequantize_channels: { sig: 'iiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['p', 'q', 'scales', 'zeros', 'y'], access: 'rrrrw' },
  qs8_vol2col: { sig: 'iiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['p', 'x', 'col', 'x_zero'], access: 'rrw-' },
  qs8_depthwise3d: { sig: 'iiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['p', 'q', 'x', 'w', 'bias', 'scale', 'y'], access: 'rrrrrrw' },
  qs8_lut: { sig: 'iiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['x', 'y', 'n', 'table'], access: 'rw-r' },
  qs8_add: { sig: 'iiiiififiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['a', 'b', 'y', 'n', 'a_zero', 'a_scale', 'b_zero', 'b_scale', 'y_zero', 'qmin', 'qmax'], access: 'rrw--------' },
  qs8_global_avgpool: { sig: 'iiiiiifi', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['x', 'y', 'N', 'M', 'C', 'x_zero', 'scale', 'y_zero'], access: 'rw------' },
  qs8_channel_mul: { sig: 'iiiiiiifi', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['x', 'gate', 'y', 'N', 'M', 'C', 'x_zero', 'scale', 'y_zero'], access: 'rrw------' },
  f32_roi_align: { sig: 'iiiif', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['x', 'rois', 'y', 'p', 'spatial_scale'], access: 'rrwr-' },
  f32_roi_align_backward: { sig: 'iiiif', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0.00001, params: ['gy', 'rois', 'gx', 'p', 'spatial_scale'], access: 'rrwr-' },
  x32_strided_copy: { sig: 'iii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['src', 'dst', 'p'], access: 'rwr' },
  x16_strided_copy: { sig: 'iii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['src', 'dst', 'p'], access: 'rwr' },
  x8_strided_copy: { sig: 'iii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['src', 'dst', 'p'], access: 'rwr' },
  x32_index_select: { sig: 'iiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['src', 'dst', 'idx', 'outer', 'ms', 'md', 'inner'], access: 'rwr----' },
  x16_index_select: { sig: 'iiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['src', 'dst', 'idx', 'outer', 'ms', 'md', 'inner'], access: 'rwr----' },
  x8_index_select: { sig: 'iiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['src', 'dst', 'idx', 'outer', 'ms', 'md', 'inner'], access: 'rwr----' },
  x32_gather: { sig: 'iiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['x', 'y', 'idx', 'outer', 'm', 'k', 'inner'], access: 'rwr----' },
  f32_scatter_add: { sig: 'iiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['gy', 'gx', 'idx', 'outer', 'm', 'k', 'inner'], access: 'rwr----' },
  f32_index_add: { sig: 'iiiiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['gy', 'gx', 'idx', 'outer', 'my', 'mx', 'inner'], access: 'rwr----' },
  f32_farneback_scratch_floats: { sig: 'ii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['p', 'd'], access: 'rr' },
  f32_farneback: { sig: 'iiiii', base: true, x86: false, arm: false, scalar: true, relaxed: false, tol: 0, params: ['video', 'flow', 'scratch', 'p', 'd'], access: 'rwwrr' },
  abi_version: { sig: '', base: true, x86: false, arm: false, scalar: false, relaxed: false, tol: null, params: [], access: '' },
} as const satisfies Record<string, KernelInfo>;
export type KernelName = keyof typeof KERNELS;

const notLoaded = (): never => {
  throw new VidwasmError('E_NOT_READY', 'the vidwasm kernel module is not loaded: import vidwasm through its package entry (which loads it) or call init() first');
};

/** void vw_f32_binary(int op, const float *a, const float *b, float *y, const int32_t *p); variants: scalar */
export let f32_binary: (op: number, a: number, b: number, y: number, p: number) => void = notLoaded;
/** void vw_f32_binary_const(int op, const float *a, float s, float *y, int n); variants: scalar */
export let f32_binary_const: (op: number, a: number, s: number, y: number, n: number) => void = notLoaded;
/** void vw_f32_unary(int op, const float *x, float *y, int n); variants: scalar */
export let f32_unary: (op: number, x: number, y: number, n: number) => void = notLoaded;
/** void vw_f32_unary_grad(int op, const float *x, const float *y, const float *gy, float *gx, int n); variants: scalar */
export let f32_unary_grad: (op: number, x: number, y: number, gy: number, gx: number, n: number) => void = notLoaded;
/** float vw_f32_unary1(int op, float x); variants: scalar */
export let f32_unary1: (op: number, x: number) => number = notLoaded;
/** float vw_f32_unary_grad1(int op, float x, float y); variants: scalar */
export let f32_unary_grad1: (op: number, x: number, y: number) => number = notLoaded;
/** void vw_f32_fill(float *y, int n, float v); variants: scalar */
export let f32_fill: (y: number, n: number, v: number) => void = notLoaded;
/** void vw_f32_reduce_sum(const float *x, float *y, int outer, int r, int inner); variants: scalar */
export let f32_reduce_sum: (x: number, y: number, outer: number, r: number, inner: number) => void = notLoaded;
/** void vw_f32_reduce_max(const float *x, float *y, int32_t *arg, int outer, int r, int inner); variants: scalar */
export let f32_reduce_max: (x: number, y: number, arg: number, outer: number, r: number, inner: number) => void = notLoaded;
/** void vw_x32_permute(const uint32_t *x, uint32_t *y, const int32_t *p) */
export let x32_permute: (x: number, y: number, p: number) => void = notLoaded;
/** void vw_x16_permute(const uint16_t *x, uint16_t *y, const int32_t *p) */
export let x16_permute: (x: number, y: number, p: number) => void = notLoaded;
/** void vw_x8_permute(const uint8_t *x, uint8_t *y, const int32_t *p) */
export let x8_permute: (x: number, y: number, p: number) => void = notLoaded;
/** void vw_x32_expand(const uint32_t *x, uint32_t *y, const int32_t *p) */
export let x32_expand: (x: number, y: number, p: number) => void = notLoaded;
/** int vw_f32_gemm_packed_floats(int K, int N); variants: scalar */
export let f32_gemm_packed_floats: (K: number, N: number) => number = notLoaded;
/** void vw_f32_gemm_pack(int K, int N, const float *B, int sbk, int sbn, const float *bias, float *packed); variants: scalar */
export let f32_gemm_pack: (K: number, N: number, B: number, sbk: number, sbn: number, bias: number, packed: number) => void = notLoaded;
/** void vw_f32_gemm(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate); variants: x86, arm, scalar, relaxed */
export let f32_gemm: (M: number, N: number, K: number, A: number, lda: number, packed: number, C: number, ldc: number, minv: number, maxv: number, accumulate: number) => void = notLoaded;
/** void vw_f32_matmul(int transA, int transB, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc, float beta); variants: x86, arm, scalar */
export let f32_matmul: (transA: number, transB: number, M: number, N: number, K: number, A: number, lda: number, B: number, ldb: number, C: number, ldc: number, beta: number) => void = notLoaded;
/** int vw_f32_conv3d_packed_floats(const int32_t *p); variants: x86, arm, scalar */
export let f32_conv3d_packed_floats: (p: number) => number = notLoaded;
/** int vw_f32_conv3d_scratch_floats(const int32_t *p, int which); variants: x86, arm, scalar */
export let f32_conv3d_scratch_floats: (p: number, which: number) => number = notLoaded;
/** void vw_f32_conv3d_pack(const int32_t *p, const float *w, const float *bias, float *packed, float *scratch); variants: x86, arm, scalar */
export let f32_conv3d_pack: (p: number, w: number, bias: number, packed: number, scratch: number) => void = notLoaded;
/** void vw_f32_conv3d(const int32_t *p, const float *x, const float *packed, const float *bias, float *y, float *scratch, float minv, float maxv); variants: x86, arm, scalar, relaxed */
export let f32_conv3d: (p: number, x: number, packed: number, bias: number, y: number, scratch: number, minv: number, maxv: number) => void = notLoaded;
/** void vw_f32_conv3d_bwd_data(const int32_t *p, const float *gy, const float *w, float *gx, float *scratch); variants: x86, arm, scalar, relaxed */
export let f32_conv3d_bwd_data: (p: number, gy: number, w: number, gx: number, scratch: number) => void = notLoaded;
/** void vw_f32_conv3d_bwd_weight(const int32_t *p, const float *x, const float *gy, float *gw, float *scratch); variants: x86, arm, scalar */
export let f32_conv3d_bwd_weight: (p: number, x: number, gy: number, gw: number, scratch: number) => void = notLoaded;
/** void vw_f32_conv3d_bwd_bias(int M, int C, const float *gy, float *gb); variants: x86, arm, scalar */
export let f32_conv3d_bwd_bias: (M: number, C: number, gy: number, gb: number) => void = notLoaded;
/** void vw_f32_depthwise3d_pack(const int32_t *p, const float *w, const float *bias, float *packed); variants: scalar */
export let f32_depthwise3d_pack: (p: number, w: number, bias: number, packed: number) => void = notLoaded;
/** void vw_f32_depthwise3d(const int32_t *p, const float *x, const float *packed, float *y, float minv, float maxv); variants: scalar */
export let f32_depthwise3d: (p: number, x: number, packed: number, y: number, minv: number, maxv: number) => void = notLoaded;
/** void vw_f32_depthwise3d_bwd_data(const int32_t *p, const float *gy, const float *packed, float *gx, float *scratch); variants: scalar */
export let f32_depthwise3d_bwd_data: (p: number, gy: number, packed: number, gx: number, scratch: number) => void = notLoaded;
/** void vw_f32_depthwise3d_bwd_weight(const int32_t *p, const float *x, const float *gy, float *gw, float *scratch); variants: scalar */
export let f32_depthwise3d_bwd_weight: (p: number, x: number, gy: number, gw: number, scratch: number) => void = notLoaded;
/** void vw_f32_depthwise3d_bwd_fused(const int32_t *p, const float *x, const float *gy, const float *packed, float *gx, float *gw, float *scratch); variants: scalar */
export let f32_depthwise3d_bwd_fused: (p: number, x: number, gy: number, packed: number, gx: number, gw: number, scratch: number) => void = notLoaded;
/** void vw_f32_depthwise3d_expand(const int32_t *p, const float *x, float *xe); variants: scalar */
export let f32_depthwise3d_expand: (p: number, x: number, xe: number) => void = notLoaded;
/** void vw_f32_depthwise3d_fold(const int32_t *p, const float *gxe, float *gx); variants: scalar */
export let f32_depthwise3d_fold: (p: number, gxe: number, gx: number) => void = notLoaded;
/** void vw_f32_maxpool3d(const float *x, float *y, int32_t *arg, const int32_t *p); variants: scalar */
export let f32_maxpool3d: (x: number, y: number, arg: number, p: number) => void = notLoaded;
/** void vw_f32_maxpool3d_grad(const float *gy, const int32_t *arg, float *gx, const int32_t *p); variants: scalar */
export let f32_maxpool3d_grad: (gy: number, arg: number, gx: number, p: number) => void = notLoaded;
/** void vw_f32_avgpool3d(const float *x, float *y, const int32_t *p); variants: scalar */
export let f32_avgpool3d: (x: number, y: number, p: number) => void = notLoaded;
/** void vw_f32_avgpool3d_grad(const float *gy, float *gx, const int32_t *p); variants: scalar */
export let f32_avgpool3d_grad: (gy: number, gx: number, p: number) => void = notLoaded;
/** void vw_f32_adaptive_avgpool3d(const float *x, float *y, const int32_t *p); variants: scalar */
export let f32_adaptive_avgpool3d: (x: number, y: number, p: number) => void = notLoaded;
/** void vw_f32_adaptive_avgpool3d_grad(const float *gy, float *gx, const int32_t *p); variants: scalar */
export let f32_adaptive_avgpool3d_grad: (gy: number, gx: number, p: number) => void = notLoaded;
/** void vw_f32_interp_linear(const float *x, float *y, const int32_t *p, const int32_t *it, const float *ft); variants: scalar */
export let f32_interp_linear: (x: number, y: number, p: number, it: number, ft: number) => void = notLoaded;
/** void vw_f32_interp_linear_backward(const float *gy, float *gx, const int32_t *p, const int32_t *it, const float *ft); variants: scalar */
export let f32_interp_linear_backward: (gy: number, gx: number, p: number, it: number, ft: number) => void = notLoaded;
/** void vw_f32_interp_nearest(const float *x, float *y, const int32_t *p, const int32_t *it); variants: scalar */
export let f32_interp_nearest: (x: number, y: number, p: number, it: number) => void = notLoaded;
/** void vw_f32_interp_nearest_backward(const float *gy, float *gx, const int32_t *p, const int32_t *it); variants: scalar */
export let f32_interp_nearest_backward: (gy: number, gx: number, p: number, it: number) => void = notLoaded;
/** void vw_f32_xent(const float *x, const int32_t *ti, const float *ts, const float *w, float *lse, float *loss, int rows, int C, float eps, int ignore); variants: scalar */
export let f32_xent: (x: number, ti: number, ts: number, w: number, lse: number, loss: number, rows: number, C: number, eps: number, ignore: number) => void = notLoaded;
/** void vw_f32_xent_grad(const float *x, const int32_t *ti, const float *ts, const float *w, const float *lse, const float *g, float *gx, int rows, int C, float eps, int ignore); variants: scalar */
export let f32_xent_grad: (x: number, ti: number, ts: number, w: number, lse: number, g: number, gx: number, rows: number, C: number, eps: number, ignore: number) => void = notLoaded;
/** void vw_f32_bce_logits(const float *x, const float *t, const float *pw, float *loss, int n); variants: scalar */
export let f32_bce_logits: (x: number, t: number, pw: number, loss: number, n: number) => void = notLoaded;
/** void vw_f32_bce_logits_grad(const float *x, const float *t, const float *pw, const float *g, float *gx, float *gt, int n); variants: scalar */
export let f32_bce_logits_grad: (x: number, t: number, pw: number, g: number, gx: number, gt: number, n: number) => void = notLoaded;
/** void vw_f32_softmax(const float *x, float *y, int outer, int r, int inner, int log); variants: scalar */
export let f32_softmax: (x: number, y: number, outer: number, r: number, inner: number, log: number) => void = notLoaded;
/** void vw_f32_softmax_grad(const float *y, const float *gy, float *gx, int outer, int r, int inner, int log); variants: scalar */
export let f32_softmax_grad: (y: number, gy: number, gx: number, outer: number, r: number, inner: number, log: number) => void = notLoaded;
/** void vw_f32_spectrogram(const int32_t *p); variants: scalar */
export let f32_spectrogram: (p: number) => void = notLoaded;
/** void vw_f32_melspec_apply(const int32_t *p); variants: scalar */
export let f32_melspec_apply: (p: number) => void = notLoaded;
/** void vw_f32_bn_stats(const float *x, float *mean, float *variance, float *scratch, int M, int C); variants: scalar */
export let f32_bn_stats: (x: number, mean: number, variance: number, scratch: number, M: number, C: number) => void = notLoaded;
/** void vw_f32_channel_affine(const float *x, float *y, const float *a, const float *b, int M, int C); variants: scalar */
export let f32_channel_affine: (x: number, y: number, a: number, b: number, M: number, C: number) => void = notLoaded;
/** void vw_f32_bn_grad_reduce(const float *x, const float *gy, const float *mean, float *sgy, float *sgyx, float *scratch, int M, int C); variants: scalar */
export let f32_bn_grad_reduce: (x: number, gy: number, mean: number, sgy: number, sgyx: number, scratch: number, M: number, C: number) => void = notLoaded;
/** void vw_f32_bn_grad_apply(const float *gy, const float *x, float *gx, const float *a, const float *b, const float *d, int M, int C); variants: scalar */
export let f32_bn_grad_apply: (gy: number, x: number, gx: number, a: number, b: number, d: number, M: number, C: number) => void = notLoaded;
/** void vw_f32_layernorm(const float *x, float *y, const float *w, const float *b, float *mean, float *rstd, int rows, int D, float eps); variants: scalar */
export let f32_layernorm: (x: number, y: number, w: number, b: number, mean: number, rstd: number, rows: number, D: number, eps: number) => void = notLoaded;
/** void vw_f32_layernorm_grad(const float *x, const float *gy, const float *w, const float *mean, const float *rstd, float *gx, float *gw, float *gb, int rows, int D); variants: scalar */
export let f32_layernorm_grad: (x: number, gy: number, w: number, mean: number, rstd: number, gx: number, gw: number, gb: number, rows: number, D: number) => void = notLoaded;
/** void vw_f32_sgd_step(float *p, const float *g, float *buf, int32_t n, float lr, float momentum, float one_minus_dampening, float wd, int32_t flags); variants: scalar */
export let f32_sgd_step: (p: number, g: number, buf: number, n: number, lr: number, momentum: number, one_minus_dampening: number, wd: number, flags: number) => void = notLoaded;
/** void vw_f32_adamw_step(float *p, const float *g, float *m, float *v, float *vmax, int32_t n, float decay, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2, float neg_step_size, float bc2_sqrt, float eps, int32_t flags); variants: scalar */
export let f32_adamw_step: (p: number, g: number, m: number, v: number, vmax: number, n: number, decay: number, beta1: number, one_minus_beta1: number, beta2: number, one_minus_beta2: number, neg_step_size: number, bc2_sqrt: number, eps: number, flags: number) => void = notLoaded;
/** double vw_f32_sumsq(const float *x, int32_t n); variants: scalar */
export let f32_sumsq: (x: number, n: number) => number = notLoaded;
/** float vw_f32_absmax(const float *x, int32_t n); variants: scalar */
export let f32_absmax: (x: number, n: number) => number = notLoaded;
/** void vw_f32_scale_inplace(float *x, int32_t n, float s); variants: scalar */
export let f32_scale_inplace: (x: number, n: number, s: number) => void = notLoaded;
/** int vw_qs8_gemm_packed_bytes(int N, int K); variants: scalar */
export let qs8_gemm_packed_bytes: (N: number, K: number) => number = notLoaded;
/** void vw_qs8_gemm_pack(const int32_t *p, const int8_t *w, const int32_t *bias, uint8_t *packed); variants: scalar */
export let qs8_gemm_pack: (p: number, w: number, bias: number, packed: number) => void = notLoaded;
/** void vw_qs8_gemm(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale, int8_t *C); variants: scalar, relaxed */
export let qs8_gemm: (p: number, A: number, packed: number, scale: number, C: number) => void = notLoaded;
/** void vw_qs8_gemm_f32out(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale, float *C); variants: scalar, relaxed */
export let qs8_gemm_f32out: (p: number, A: number, packed: number, scale: number, C: number) => void = notLoaded;
/** void vw_qs8_quantize(const float *x, int8_t *y, int n, float scale, int zero); variants: scalar */
export let qs8_quantize: (x: number, y: number, n: number, scale: number, zero: number) => void = notLoaded;
/** void vw_qs8_dequantize(const int8_t *q, float *y, int n, float scale, int zero); variants: scalar */
export let qs8_dequantize: (q: number, y: number, n: number, scale: number, zero: number) => void = notLoaded;
/** void vw_qs8_quantize_channels(const int32_t *p, const float *x, const float *scales, const int32_t *zeros, int8_t *y); variants: scalar */
export let qs8_quantize_channels: (p: number, x: number, scales: number, zeros: number, y: number) => void = notLoaded;
/** void vw_qs8_dequantize_channels(const int32_t *p, const int8_t *q, const float *scales, const int32_t *zeros, float *y); variants: scalar */
export let qs8_dequantize_channels: (p: number, q: number, scales: number, zeros: number, y: number) => void = notLoaded;
/** void vw_qs8_vol2col(const int32_t *p, const int8_t *x, int8_t *col, int x_zero); variants: scalar */
export let qs8_vol2col: (p: number, x: number, col: number, x_zero: number) => void = notLoaded;
/** void vw_qs8_depthwise3d(const int32_t *p, const int32_t *q, const int8_t *x, const int16_t *w, const int32_t *bias, const float *scale, int8_t *y); variants: scalar */
export let qs8_depthwise3d: (p: number, q: number, x: number, w: number, bias: number, scale: number, y: number) => void = notLoaded;
/** void vw_qs8_lut(const int8_t *x, int8_t *y, int n, const int8_t *table); variants: scalar */
export let qs8_lut: (x: number, y: number, n: number, table: number) => void = notLoaded;
/** void vw_qs8_add(const int8_t *a, const int8_t *b, int8_t *y, int n, int a_zero, float a_scale, int b_zero, float b_scale, int y_zero, int qmin, int qmax); variants: scalar */
export let qs8_add: (a: number, b: number, y: number, n: number, a_zero: number, a_scale: number, b_zero: number, b_scale: number, y_zero: number, qmin: number, qmax: number) => void = notLoaded;
/** void vw_qs8_global_avgpool(const int8_t *x, int8_t *y, int N, int M, int C, int x_zero, float scale, int y_zero); variants: scalar */
export let qs8_global_avgpool: (x: number, y: number, N: number, M: number, C: number, x_zero: number, scale: number, y_zero: number) => void = notLoaded;
/** void vw_qs8_channel_mul(const int8_t *x, const float *gate, int8_t *y, int N, int M, int C, int x_zero, float scale, int y_zero); variants: scalar */
export let qs8_channel_mul: (x: number, gate: number, y: number, N: number, M: number, C: number, x_zero: number, scale: number, y_zero: number) => void = notLoaded;
/** void vw_f32_roi_align(const float *x, const float *rois, float *y, const int32_t *p, float spatial_scale); variants: scalar */
export let f32_roi_align: (x: number, rois: number, y: number, p: number, spatial_scale: number) => void = notLoaded;
/** void vw_f32_roi_align_backward(const float *gy, const float *rois, float *gx, const int32_t *p, float spatial_scale); variants: scalar */
export let f32_roi_align_backward: (gy: number, rois: number, gx: number, p: number, spatial_scale: number) => void = notLoaded;
/** void vw_x32_strided_copy(const uint32_t *src, uint32_t *dst, const int32_t *p); variants: scalar */
export let x32_strided_copy: (src: number, dst: number, p: number) => void = notLoaded;
/** void vw_x16_strided_copy(const uint16_t *src, uint16_t *dst, const int32_t *p); variants: scalar */
export let x16_strided_copy: (src: number, dst: number, p: number) => void = notLoaded;
/** void vw_x8_strided_copy(const uint8_t *src, uint8_t *dst, const int32_t *p); variants: scalar */
export let x8_strided_copy: (src: number, dst: number, p: number) => void = notLoaded;
/** void vw_x32_index_select(const uint32_t *src, uint32_t *dst, const int32_t *idx, int32_t outer, int32_t ms, int32_t md, int32_t inner); variants: scalar */
export let x32_index_select: (src: number, dst: number, idx: number, outer: number, ms: number, md: number, inner: number) => void = notLoaded;
/** void vw_x16_index_select(const uint16_t *src, uint16_t *dst, const int32_t *idx, int32_t outer, int32_t ms, int32_t md, int32_t inner); variants: scalar */
export let x16_index_select: (src: number, dst: number, idx: number, outer: number, ms: number, md: number, inner: number) => void = notLoaded;
/** void vw_x8_index_select(const uint8_t *src, uint8_t *dst, const int32_t *idx, int32_t outer, int32_t ms, int32_t md, int32_t inner); variants: scalar */
export let x8_index_select: (src: number, dst: number, idx: number, outer: number, ms: number, md: number, inner: number) => void = notLoaded;
/** void vw_x32_gather(const uint32_t *x, uint32_t *y, const int32_t *idx, int32_t outer, int32_t m, int32_t k, int32_t inner); variants: scalar */
export let x32_gather: (x: number, y: number, idx: number, outer: number, m: number, k: number, inner: number) => void = notLoaded;
/** void vw_f32_scatter_add(const float *gy, float *gx, const int32_t *idx, int32_t outer, int32_t m, int32_t k, int32_t inner); variants: scalar */
export let f32_scatter_add: (gy: number, gx: number, idx: number, outer: number, m: number, k: number, inner: number) => void = notLoaded;
/** void vw_f32_index_add(const float *gy, float *gx, const int32_t *idx, int32_t outer, int32_t my, int32_t mx, int32_t inner); variants: scalar */
export let f32_index_add: (gy: number, gx: number, idx: number, outer: number, my: number, mx: number, inner: number) => void = notLoaded;
/** int vw_f32_farneback_scratch_floats(const int32_t *p, const double *d); variants: scalar */
export let f32_farneback_scratch_floats: (p: number, d: number) => number = notLoaded;
/** void vw_f32_farneback(const uint8_t *video, float *flow, float *scratch, const int32_t *p, const double *d); variants: scalar */
export let f32_farneback: (video: number, flow: number, scratch: number, p: number, d: number) => void = notLoaded;
/** int vw_abi_version(void) */
export let abi_version: () => number = notLoaded;

/** Rebinds every kernel function to what pick(name) returns (wasm.ts calls it). */
export function bindKernels(pick: (name: KernelName) => (...args: number[]) => number): void {
  f32_binary = pick('f32_binary');
  f32_binary_const = pick('f32_binary_const');
  f32_unary = pick('f32_unary');
  f32_unary_grad = pick('f32_unary_grad');
  f32_unary1 = pick('f32_unary1');
  f32_unary_grad1 = pick('f32_unary_grad1');
  f32_fill = pick('f32_fill');
  f32_reduce_sum = pick('f32_reduce_sum');
  f32_reduce_max = pick('f32_reduce_max');
  x32_permute = pick('x32_permute');
  x16_permute = pick('x16_permute');
  x8_permute = pick('x8_permute');
  x32_expand = pick('x32_expand');
  f32_gemm_packed_floats = pick('f32_gemm_packed_floats');
  f32_gemm_pack = pick('f32_gemm_pack');
  f32_gemm = pick('f32_gemm');
  f32_matmul = pick('f32_matmul');
  f32_conv3d_packed_floats = pick('f32_conv3d_packed_floats');
  f32_conv3d_scratch_floats = pick('f32_conv3d_scratch_floats');
  f32_conv3d_pack = pick('f32_conv3d_pack');
  f32_conv3d = pick('f32_conv3d');
  f32_conv3d_bwd_data = pick('f32_conv3d_bwd_data');
  f32_conv3d_bwd_weight = pick('f32_conv3d_bwd_weight');
  f32_conv3d_bwd_bias = pick('f32_conv3d_bwd_bias');
  f32_depthwise3d_pack = pick('f32_depthwise3d_pack');
  f32_depthwise3d = pick('f32_depthwise3d');
  f32_depthwise3d_bwd_data = pick('f32_depthwise3d_bwd_data');
  f32_depthwise3d_bwd_weight = pick('f32_depthwise3d_bwd_weight');
  f32_depthwise3d_bwd_fused = pick('f32_depthwise3d_bwd_fused');
  f32_depthwise3d_expand = pick('f32_depthwise3d_expand');
  f32_depthwise3d_fold = pick('f32_depthwise3d_fold');
  f32_maxpool3d = pick('f32_maxpool3d');
  f32_maxpool3d_grad = pick('f32_maxpool3d_grad');
  f32_avgpool3d = pick('f32_avgpool3d');
  f32_avgpool3d_grad = pick('f32_avgpool3d_grad');
  f32_adaptive_avgpool3d = pick('f32_adaptive_avgpool3d');
  f32_adaptive_avgpool3d_grad = pick('f32_adaptive_avgpool3d_grad');
  f32_interp_linear = pick('f32_interp_linear');
  f32_interp_linear_backward = pick('f32_interp_linear_backward');
  f32_interp_nearest = pick('f32_interp_nearest');
  f32_interp_nearest_backward = pick('f32_interp_nearest_backward');
  f32_xent = pick('f32_xent');
  f32_xent_grad = pick('f32_xent_grad');
  f32_bce_logits = pick('f32_bce_logits');
  f32_bce_logits_grad = pick('f32_bce_logits_grad');
  f32_softmax = pick('f32_softmax');
  f32_softmax_grad = pick('f32_softmax_grad');
  f32_spectrogram = pick('f32_spectrogram');
  f32_melspec_apply = pick('f32_melspec_apply');
  f32_bn_stats = pick('f32_bn_stats');
  f32_channel_affine = pick('f32_channel_affine');
  f32_bn_grad_reduce = pick('f32_bn_grad_reduce');
  f32_bn_grad_apply = pick('f32_bn_grad_apply');
  f32_layernorm = pick('f32_layernorm');
  f32_layernorm_grad = pick('f32_layernorm_grad');
  f32_sgd_step = pick('f32_sgd_step');
  f32_adamw_step = pick('f32_adamw_step');
  f32_sumsq = pick('f32_sumsq');
  f32_absmax = pick('f32_absmax');
  f32_scale_inplace = pick('f32_scale_inplace');
  qs8_gemm_packed_bytes = pick('qs8_gemm_packed_bytes');
  qs8_gemm_pack = pick('qs8_gemm_pack');
  qs8_gemm = pick('qs8_gemm');
  qs8_gemm_f32out = pick('qs8_gemm_f32out');
  qs8_quantize = pick('qs8_quantize');
  qs8_dequantize = pick('qs8_dequantize');
  qs8_quantize_channels = pick('qs8_quantize_channels');
  qs8_dequantize_channels = pick('qs8_dequantize_channels');
  qs8_vol2col = pick('qs8_vol2col');
  qs8_depthwise3d = pick('qs8_depthwise3d');
  qs8_lut = pick('qs8_lut');
  qs8_add = pick('qs8_add');
  qs8_global_avgpool = pick('qs8_global_avgpool');
  qs8_channel_mul = pick('qs8_channel_mul');
  f32_roi_align = pick('f32_roi_align');
  f32_roi_align_backward = pick('f32_roi_align_backward');
  x32_strided_copy = pick('x32_strided_copy');
  x16_strided_copy = pick('x16_strided_copy');
  x8_strided_copy = pick('x8_strided_copy');
  x32_index_select = pick('x32_index_select');
  x16_index_select = pick('x16_index_select');
  x8_index_select = pick('x8_index_select');
  x32_gather = pick('x32_gather');
  f32_scatter_add = pick('f32_scatter_add');
  f32_index_add = pick('f32_index_add');
  f32_farneback_scratch_floats = pick('f32_farneback_scratch_floats');
  f32_farneback = pick('f32_farneback');
  abi_version = pick('abi_version');
}
