// Farnebäck optical flow, SIMD build: flow_impl.h with its FL_SIMD blocks (4 floats or 2 doubles
// per step, each element computed as in the scalar loops, so the result equals the twin's bit for bit).
#define FL_SIMD 1
#include "flow_impl.h"

VW_EXPORT int vw_f32_farneback_scratch_floats(const int32_t *p, const double *d) { return fl_scratch(p, d[0]); }
VW_EXPORT void vw_f32_farneback(const uint8_t *video, float *flow, float *scratch, const int32_t *p, const double *d) {
  fl_farneback(video, flow, scratch, p, d[0], d[1]);
}
