// Scalar twin of depthwise.c: the same loop nest (depthwise_impl.h), one channel at a time, in
// the same summation order, so it matches the SIMD kernel.
#include "vw.h"

static inline void dw_fwd_pos(int C, float *yr, const float *bias, const float *const *row, const int *tap, int nr,
                              int wi, int dw, int c0, int nc, const float *wts, float minv, float maxv) {
  const size_t xs = (size_t)dw * C;
  for (int c = 0; c < C; c++) {
    float s = bias[c];
    for (int r = 0; r < nr; r++) {
      const float *xp = row[r] + (size_t)wi * C + c, *wp = wts + (size_t)(tap[r] + c0) * C + c;
      for (int j = 0; j < nc; j++, xp += xs, wp += C) s += *xp * *wp;
    }
    yr[c] = s < minv ? minv : s > maxv ? maxv : s;
  }
}

static inline void dw_bwd_data_run(int C, float *gx, size_t gxs, const float *gy, int n, const float *w) {
  for (int c = 0; c < C; c++)
    for (int i = 0; i < n; i++) gx[i * gxs + c] += gy[(size_t)i * C + c] * w[c];
}

static inline void dw_bwd_weight_run(int C, float *acc, const float *gy, const float *x, size_t xs, int n) {
  for (int c = 0; c < C; c++) {
    float s = 0.0f;
    for (int i = 0; i < n; i++) s += gy[(size_t)i * C + c] * x[i * xs + c];
    acc[c] += s;
  }
}

#define VW_DW_NAME(x) vw_f32_##x##_scalar
#include "depthwise_impl.h"
