// Scalar twin of depthwise.c: the same loop nest (depthwise_impl.h), one channel at a time, in
// the same summation order, so it matches the SIMD kernel.
#include "vw.h"

static inline void dw_axpy_run(int C, float *dst, size_t ds, const float *src, size_t ss, int n, const float *w) {
  for (int i = 0; i < n; i++)
    for (int c = 0; c < C; c++) dst[i * ds + c] += src[i * ss + c] * w[c];
}

static inline void dw_bwd_weight_run(int C, float *acc, const float *gy, const float *x, size_t xs, int n) {
  for (int c = 0; c < C; c++) {
    float s = 0.0f;
    for (int i = 0; i < n; i++) s += gy[(size_t)i * C + c] * x[i * xs + c];
    acc[c] += s;
  }
}

// gx += gy * w and acc += sum over the run of gy * x, per channel (fused backward; gx and x
// positions ds floats apart).
static inline void dw_fused_run(int C, float *gx, const float *x, size_t ds, const float *gy, int n, const float *w, float *acc) {
  for (int i = 0; i < n; i++)
    for (int c = 0; c < C; c++) gx[i * ds + c] += gy[(size_t)i * C + c] * w[c];
  for (int c = 0; c < C; c++) {
    float s = 0.0f;
    for (int i = 0; i < n; i++) s += gy[(size_t)i * C + c] * x[i * ds + c];
    acc[c] += s;
  }
}

#define VW_DW_NAME(x) vw_f32_##x##_scalar
#include "depthwise_impl.h"
