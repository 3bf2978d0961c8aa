// Scalar twins of slicing.c. The copies share slicing_copy.h with the SIMD side (pure data
// movement has no SIMD form here); the accumulating kernels are plain loops.
#include "vw.h"
#include "slicing_copy.h"

VW_EXPORT_COPIES(_scalar)

VW_EXPORT void vw_f32_strided_add_scalar(const float *src, float *dst, const int32_t *p) {
  const int nd = p[0];
  if (nd <= 0) { dst[0] += src[0]; return; }
  const int32_t *n = p + 1, *ss = p + 1 + nd, *ds = p + 1 + 2 * nd;
  const int32_t inner = n[nd - 1], si = ss[nd - 1], di = ds[nd - 1];
  int32_t idx[8] = {0};
  for (;;) {
    for (int32_t i = 0; i < inner; i++) dst[(ptrdiff_t)i * di] += src[(ptrdiff_t)i * si];
    int d = nd - 2;
    for (; d >= 0; d--) {
      src += ss[d]; dst += ds[d];
      if (++idx[d] < n[d]) break;
      src -= (ptrdiff_t)ss[d] * n[d]; dst -= (ptrdiff_t)ds[d] * n[d]; idx[d] = 0;
    }
    if (d < 0) return;
  }
}

VW_EXPORT void vw_f32_index_add_scalar(const float *gy, float *gx, const int32_t *idx, int32_t outer, int32_t my,
                                       int32_t mx, int32_t inner) {
  for (int32_t o = 0; o < outer; o++) {
    const float *s = gy + (size_t)o * my * inner;
    float *d = gx + (size_t)o * mx * inner;
    for (int32_t j = 0; j < my; j++) {
      float *dr = d + (size_t)idx[j] * inner;
      const float *sr = s + (size_t)j * inner;
      for (int32_t i = 0; i < inner; i++) dr[i] += sr[i];
    }
  }
}
