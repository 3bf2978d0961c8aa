// Scalar twins of the softmax kernels: the reference for their semantics.
// x is viewed as [outer, r, inner] and normalised over r (so a channels-last tensor normalised
// over C is inner = 1, and a contiguous one over a middle dim has inner > 1).
#include "vw.h"
#include <math.h>

// y = softmax(x) (or log_softmax when log != 0) over the middle axis.
VW_EXPORT void vw_f32_softmax_scalar(const float *x, float *y, int outer, int r, int inner, int log) {
  for (int o = 0; o < outer; o++) {
    for (int i = 0; i < inner; i++) {
      const float *xo = x + (size_t)o * r * inner + i;
      float *yo = y + (size_t)o * r * inner + i;
      float m = -INFINITY;
      for (int k = 0; k < r; k++) m = fmaxf(m, xo[(size_t)k * inner]);
      float s = 0.f;
      for (int k = 0; k < r; k++) s += expf(xo[(size_t)k * inner] - m);
      if (log) {
        const float lse = m + logf(s);
        for (int k = 0; k < r; k++) yo[(size_t)k * inner] = xo[(size_t)k * inner] - lse;
      } else {
        const float inv = 1.f / s;
        for (int k = 0; k < r; k++) yo[(size_t)k * inner] = expf(xo[(size_t)k * inner] - m) * inv;
      }
    }
  }
}

// Backward from the output y: softmax gx = y (gy - sum(gy y)); log_softmax gx = gy - exp(y) sum(gy).
VW_EXPORT void vw_f32_softmax_grad_scalar(const float *y, const float *gy, float *gx, int outer, int r, int inner, int log) {
  for (int o = 0; o < outer; o++) {
    for (int i = 0; i < inner; i++) {
      const size_t base = (size_t)o * r * inner + i;
      float s = 0.f;
      for (int k = 0; k < r; k++) {
        const size_t j = base + (size_t)k * inner;
        s += log ? gy[j] : gy[j] * y[j];
      }
      for (int k = 0; k < r; k++) {
        const size_t j = base + (size_t)k * inner;
        gx[j] = log ? gy[j] - expf(y[j]) * s : y[j] * (gy[j] - s);
      }
    }
  }
}
