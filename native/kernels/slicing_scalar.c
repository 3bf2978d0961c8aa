// Scalar twins of slicing.c. The copies share slicing_copy.h with the SIMD side (pure data
// movement has no SIMD form here); index_add is a plain loop.
#include "vw.h"
#include "slicing_copy.h"

VW_EXPORT_COPIES(_scalar)

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
