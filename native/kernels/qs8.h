// int8 (qs8 / qc8) GEMM and quantisation: shared layout, parameter blocks and the packing routine.
//
// Conventions follow XNNPACK's qs8/qc8 operators: activations are asymmetric int8 (a zero
// point), weights are symmetric int8 (zero point 0) with one scale per tensor (qs8) or per
// output channel (qc8), the bias is int32 in units of input_scale * weight_scale[n].
//
//   acc[m][n] = bias[n] + sum_k (a[m][k] - a_zero) * w[n][k]        (exact int32)
//   y[m][n]   = clamp(rint(f32(acc) * scale[n]), qmin - y_zero, qmax - y_zero) + y_zero
//   scale[n]  = f32(f32(input_scale * weight_scale[n]) / output_scale)   (computed by the caller)
//
// rint is round-half-to-even (the IEEE default), clamping happens in float before rounding
// (the bounds are integers, so this equals clamping after rounding). The SIMD kernel and the
// scalar twin evaluate exactly this in f32, so they agree bit for bit.
//
// Packed weights ("packed once" at model load): N is cut into panels of NR columns; each panel is
//   int32 bias'[NR]               bias[n] - a_zero * sum_k w[n][k]   (zero-point term folded in)
//   int8  w[KC / KR][NR][KR]      KR consecutive k of one column, zero padded up to KC
// with KC = K rounded up to KR. Columns past N are zero. The zero padding lets the kernel read
// whole KR blocks; padded A values only ever meet zero weights.
#ifndef VW_QS8_H
#define VW_QS8_H
#include "vw.h"

#define VW_QS8_NR 4
#define VW_QS8_KR 8

// GEMM parameter block (int32): [M, N, K, lda, ldc, y_zero, qmin, qmax, scale_stride]
//   lda: bytes between rows of A; ldc: elements between rows of C (int8 or f32);
//   scale_stride: 1 for per-channel scales (qc8), 0 for one scale for every column (qs8).
enum { VW_QS8_M = 0, VW_QS8_N, VW_QS8_K, VW_QS8_LDA, VW_QS8_LDC, VW_QS8_YZERO, VW_QS8_QMIN, VW_QS8_QMAX, VW_QS8_SSTRIDE };
// Pack parameter block (int32): [N, K, ldw, a_zero]; ldw: bytes between rows of W ([N, K]).
enum { VW_QS8P_N = 0, VW_QS8P_K, VW_QS8P_LDW, VW_QS8P_AZERO };
// Per-channel quantise parameter block (int32): [outer, channels, inner].

static inline int vw_qs8_kc(int K) { return (K + VW_QS8_KR - 1) / VW_QS8_KR * VW_QS8_KR; }

static inline size_t vw_qs8_panel_bytes(int K) {
  return (size_t)VW_QS8_NR * 4 + (size_t)VW_QS8_NR * (size_t)vw_qs8_kc(K);
}

static inline size_t vw_qs8_packed_bytes_impl(int N, int K) {
  return (size_t)((N + VW_QS8_NR - 1) / VW_QS8_NR) * vw_qs8_panel_bytes(K);
}

// Packs W [N, K] (int8, row stride ldw) and an optional int32 bias (0 = none). Plain scalar code:
// it runs once per weight, and both the SIMD and scalar builds must produce the same bytes.
static inline void vw_qs8_pack_impl(const int32_t *p, const int8_t *w, const int32_t *bias, uint8_t *packed) {
  const int N = p[VW_QS8P_N], K = p[VW_QS8P_K], ldw = p[VW_QS8P_LDW], a_zero = p[VW_QS8P_AZERO];
  const int KC = vw_qs8_kc(K);
  const size_t panel = vw_qs8_panel_bytes(K);
  for (int n0 = 0; n0 < N; n0 += VW_QS8_NR) {
    uint8_t *dst = packed + (size_t)(n0 / VW_QS8_NR) * panel;
    int32_t b[VW_QS8_NR];
    int8_t *wd = (int8_t *)(dst + VW_QS8_NR * 4);
    for (int j = 0; j < VW_QS8_NR; j++) {
      const int n = n0 + j;
      int32_t sum = 0;
      for (int k = 0; k < KC; k++) {
        const int8_t v = (n < N && k < K) ? w[(size_t)n * ldw + k] : 0;
        sum += v;
        wd[(size_t)(k / VW_QS8_KR) * (VW_QS8_NR * VW_QS8_KR) + j * VW_QS8_KR + k % VW_QS8_KR] = v;
      }
      b[j] = n < N ? (bias ? bias[n] : 0) - a_zero * sum : 0;
    }
    memcpy(dst, b, sizeof b);
  }
}

// The one requantisation formula, scalar form (the SIMD kernel's epilogue computes the same).
static inline int8_t vw_qs8_requant(int32_t acc, float scale, float lo, float hi, int32_t y_zero) {
  float f = (float)acc * scale;
  f = lo < f ? f : lo;
  f = f < hi ? f : hi;
  return (int8_t)((int32_t)__builtin_rintf(f) + y_zero);
}

// f32 -> int8 quantisation exactly as PyTorch's quantize_per_tensor / quantize_per_channel do it:
// q = clamp(rint(x * f32(1 / scale)) + zero, -128, 127), with the reciprocal taken in f32.
// NaN maps to -128 (both implementations).
static inline int8_t vw_qs8_quant1(float x, float inv, float lo, float hi, int32_t zero) {
  float f = x * inv;
  f = lo < f ? f : lo;
  f = f < hi ? f : hi;
  return (int8_t)((int32_t)__builtin_rintf(f) + zero);
}

#endif
