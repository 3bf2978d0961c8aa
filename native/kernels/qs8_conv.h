// int8 (qs8 activations, qc8 per-channel weights) conv3d pieces, elementwise ops and the
// lookup-table activation, shared by qs8_conv.c (wasm SIMD) and qs8_conv_scalar.c (the twin).
//
// Layouts are channels-last like the f32 conv (conv.h): x [N][T][H][W][C], y [N][To][Ho][Wo][C].
// Every op requantises exactly as the qs8 GEMM does (qs8.h): an f32 value f in output units is
//   y = clamp(rint(f), qmin - y_zero, qmax - y_zero) + y_zero        (rint: half to even)
// and both builds compute f with the same f32 operations in the same order, so they agree bit for
// bit. Dense convs are vol2col (below) + the qs8 GEMM; depthwise convs are direct kernels.
#ifndef VW_QS8_CONV_H
#define VW_QS8_CONV_H
#include "qs8.h"
#include "conv.h"

// Depthwise weights (packed once, ts/runtime/ops/quant_conv.ts): channels padded with zeros to
// Cs = vw_qs8_dw_cstride(C), a multiple of VW_QS8_DW_CR, so the SIMD kernel loads whole vectors;
// taps ((kt, kh, kw) row-major, padded with a zero tap to an even count) in pairs, interleaved
// per channel as int16: w[pair][c][2] = { w[2 pair][c], w[2 pair + 1][c] }, so one
// i32x4.dot_i16x8_s adds two taps of four channels. The input zero point is folded into the bias:
//   bias'[c] = bias[c] - x_zero * sum_taps w[tap][c]        (int32)
//   acc[c]   = bias'[c] + sum_taps x'[tap][c] * w[tap][c],  x' = x inside the input, x_zero in the padding
// which is the same integer as bias + sum (x - x_zero) * w over the taps inside the input.
// scale f32 [Cs]; quantisation block VW_QP_* (x_zero, y_zero, qmin, qmax).
static inline int vw_qs8_dw_cstride(int C) { return (C + VW_QS8_DW_CR - 1) / VW_QS8_DW_CR * VW_QS8_DW_CR; }
static inline int vw_qs8_dw_pairs(int taps) { return (taps + 1) / 2; }

// The scalar requantisation of an f32 value already in output units (see qs8.h's vw_qs8_requant).
static inline int8_t vw_qs8_requantf(float f, float lo, float hi, int32_t y_zero) {
  f = lo < f ? f : lo;
  f = f < hi ? f : hi;
  return (int8_t)((int32_t)__builtin_rintf(f) + y_zero);
}

// vol2col for groups = 1: one row per output position (n, to, ho, wo), tap-major and
// channel-minor ([kt][kh][kw][Cin], the order of the packed GEMM weights), taps that fall in the
// padding filled with x_zero (the int8 code of 0). A pure copy, the same in both builds.
static inline void vw_qs8_vol2col_impl(const int32_t *p, const int8_t *x, int8_t *col, int x_zero) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const size_t C = (size_t)g.Cin;
  int8_t *dst = col;
  for (int n = 0; n < g.N; n++)
    for (int to = 0; to < g.To; to++)
      for (int ho = 0; ho < g.Ho; ho++)
        for (int wo = 0; wo < g.Wo; wo++)
          for (int a = 0; a < g.kt; a++) {
            const int t = to * g.st - g.pt + a * g.dt;
            for (int b = 0; b < g.kh; b++) {
              const int h = ho * g.sh - g.ph + b * g.dh;
              for (int c = 0; c < g.kw; c++, dst += C) {
                const int w = wo * g.sw - g.pw + c * g.dw;
                if (t < 0 || t >= g.T || h < 0 || h >= g.H || w < 0 || w >= g.W) memset(dst, x_zero, C);
                else memcpy(dst, x + ((((size_t)n * g.T + t) * g.H + h) * g.W + w) * C, C);
              }
            }
          }
}

#endif
