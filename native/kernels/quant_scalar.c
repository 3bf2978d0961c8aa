// f32 <-> int8 quantisation, portable scalar twins of quant.c (same PyTorch semantics).
#include "qs8.h"

static void quantize(const float *x, int8_t *y, int n, float scale, int32_t zero) {
  const float inv = 1.0f / scale;
  const float lo = (float)(-128 - zero), hi = (float)(127 - zero);
  for (int i = 0; i < n; i++) y[i] = vw_qs8_quant1(x[i], inv, lo, hi, zero);
}

static void dequantize(const int8_t *q, float *y, int n, float scale, int32_t zero) {
  for (int i = 0; i < n; i++) y[i] = ((float)q[i] - (float)zero) * scale;
}

VW_EXPORT void vw_qs8_quantize_scalar(const float *x, int8_t *y, int n, float scale, int zero) {
  quantize(x, y, n, scale, zero);
}

VW_EXPORT void vw_qs8_dequantize_scalar(const int8_t *q, float *y, int n, float scale, int zero) {
  dequantize(q, y, n, scale, zero);
}

VW_EXPORT void vw_qs8_quantize_channels_scalar(const int32_t *p, const float *x, const float *scales,
                                               const int32_t *zeros, int8_t *y) {
  const int outer = p[0], C = p[1], inner = p[2];
  for (int o = 0; o < outer; o++)
    for (int c = 0; c < C; c++) {
      const size_t off = ((size_t)o * C + c) * inner;
      quantize(x + off, y + off, inner, scales[c], zeros[c]);
    }
}

VW_EXPORT void vw_qs8_dequantize_channels_scalar(const int32_t *p, const int8_t *q, const float *scales,
                                                 const int32_t *zeros, float *y) {
  const int outer = p[0], C = p[1], inner = p[2];
  for (int o = 0; o < outer; o++)
    for (int c = 0; c < C; c++) {
      const size_t off = ((size_t)o * C + c) * inner;
      dequantize(q + off, y + off, inner, scales[c], zeros[c]);
    }
}
