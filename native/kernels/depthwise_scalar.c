// Scalar twin of depthwise.c: the same loop nest (depthwise_impl.h), one channel at a time, in
// the same summation order (bias first, then taps in order), so it matches the SIMD kernel.
#include "vw.h"

static inline void dw_fwd_pos(int C, float *yr, const float *bias, const float *x, const size_t *xo, const int *tap,
                              int nt, const float *wts, float minv, float maxv) {
  for (int c = 0; c < C; c++) {
    float s = bias[c];
    for (int t = 0; t < nt; t++) s += x[xo[t] + c] * wts[(size_t)tap[t] * C + c];
    yr[c] = s < minv ? minv : s > maxv ? maxv : s;
  }
}

static inline void dw_bwd_data_pos(int C, const float *gyr, float *gx, const size_t *xo, const int *tap, int nt,
                                   const float *wts) {
  for (int t = 0; t < nt; t++)
    for (int c = 0; c < C; c++) gx[xo[t] + c] += gyr[c] * wts[(size_t)tap[t] * C + c];
}

static inline void dw_bwd_weight_pos(int C, const float *gyr, const float *x, const size_t *xo, const int *tap, int nt,
                                     float *acc) {
  for (int t = 0; t < nt; t++)
    for (int c = 0; c < C; c++) acc[(size_t)tap[t] * C + c] += gyr[c] * x[xo[t] + c];
}

#define VW_DW_NAME(x) vw_f32_##x##_scalar
#include "depthwise_impl.h"
