// int8 conv pieces, elementwise ops and the LUT activation: portable scalar twins of qs8_conv.c
// (compiled without auto-vectorisation). Formulas and layouts: qs8_conv.h.
#include "qs8_conv.h"

VW_EXPORT void vw_qs8_vol2col_scalar(const int32_t *p, const int8_t *x, int8_t *col, int x_zero) {
  vw_qs8_vol2col_impl(p, x, col, x_zero);
}

// The input rows of the taps of one output position, in tap order (padded to an even count);
// taps in the padding (and the extra tap) point at zrow, a row of x_zero. Returns the pair count.
static int dw_rows(const vw_conv_geo *g, const int8_t *x, const int8_t *zrow, int n, int to, int ho, int wo,
                   const int8_t **rows) {
  int i = 0;
  for (int a = 0; a < g->kt; a++) {
    const int t = to * g->st - g->pt + a * g->dt;
    for (int b = 0; b < g->kh; b++) {
      const int h = ho * g->sh - g->ph + b * g->dh;
      for (int d = 0; d < g->kw; d++) {
        const int w = wo * g->sw - g->pw + d * g->dw;
        const int in = t >= 0 && t < g->T && h >= 0 && h < g->H && w >= 0 && w < g->W;
        rows[i++] = in ? x + ((((size_t)n * g->T + t) * g->H + h) * g->W + w) * g->Cin : zrow;
      }
    }
  }
  if (i % 2) rows[i++] = zrow;
  return i / 2;
}

// acc[c] = bias'[c] + sum over taps of x' * w (qs8_conv.h); y = requant(acc * scale[c]).
VW_EXPORT void vw_qs8_depthwise3d_scalar(const int32_t *p, const int32_t *q, const int8_t *x, const int16_t *w,
                                         const int32_t *bias, const float *scale, int8_t *y) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const int C = g.Cin, Cs = vw_qs8_dw_cstride(C);
  const int32_t yz = q[VW_QP_YZERO];
  const float lo = (float)(q[VW_QP_QMIN] - yz), hi = (float)(q[VW_QP_QMAX] - yz);
  int8_t zrow[Cs];
  memset(zrow, q[VW_QP_XZERO], (size_t)Cs);
  const int8_t *rows[2 * vw_qs8_dw_pairs(g.kt * g.kh * g.kw)];
  int8_t *out = y;
  for (int n = 0; n < g.N; n++)
    for (int to = 0; to < g.To; to++)
      for (int ho = 0; ho < g.Ho; ho++)
        for (int wo = 0; wo < g.Wo; wo++, out += C) {
          const int pairs = dw_rows(&g, x, zrow, n, to, ho, wo, rows);
          for (int c = 0; c < C; c++) {
            int32_t acc = bias[c];
            for (int i = 0; i < pairs; i++) {
              const int16_t *wp = w + ((size_t)i * Cs + c) * 2;
              acc += (int32_t)rows[2 * i][c] * wp[0] + (int32_t)rows[2 * i + 1][c] * wp[1];
            }
            out[c] = vw_qs8_requant(acc, scale[c], lo, hi, yz);
          }
        }
}

VW_EXPORT void vw_qs8_lut_scalar(const int8_t *x, int8_t *y, int n, const int8_t *table) {
  for (int i = 0; i < n; i++) y[i] = table[(uint8_t)(x[i] + 128)];
}

VW_EXPORT void vw_qs8_add_scalar(const int8_t *a, const int8_t *b, int8_t *y, int n, int a_zero, float a_scale,
                                 int b_zero, float b_scale, int y_zero, int qmin, int qmax) {
  const float lo = (float)(qmin - y_zero), hi = (float)(qmax - y_zero);
  for (int i = 0; i < n; i++) {
    const float f = (float)(a[i] - a_zero) * a_scale + (float)(b[i] - b_zero) * b_scale;
    y[i] = vw_qs8_requantf(f, lo, hi, y_zero);
  }
}

VW_EXPORT void vw_qs8_global_avgpool_scalar(const int8_t *x, int8_t *y, int N, int M, int C, int x_zero, float scale,
                                            int y_zero) {
  const float lo = (float)(-128 - y_zero), hi = (float)(127 - y_zero);
  for (int n = 0; n < N; n++)
    for (int c = 0; c < C; c++) {
      int32_t s = 0;
      for (int m = 0; m < M; m++) s += x[((size_t)n * M + m) * C + c];
      y[(size_t)n * C + c] = vw_qs8_requant(s - M * x_zero, scale, lo, hi, y_zero);
    }
}

VW_EXPORT void vw_qs8_channel_mul_scalar(const int8_t *x, const float *gate, int8_t *y, int N, int M, int C,
                                         int x_zero, float scale, int y_zero) {
  const float lo = (float)(-128 - y_zero), hi = (float)(127 - y_zero);
  for (int n = 0; n < N; n++)
    for (int m = 0; m < M; m++) {
      const size_t row = ((size_t)n * M + m) * C;
      for (int c = 0; c < C; c++) {
        const float mult = gate[(size_t)n * C + c] * scale;
        y[row + c] = vw_qs8_requantf((float)(x[row + c] - x_zero) * mult, lo, hi, y_zero);
      }
    }
}
