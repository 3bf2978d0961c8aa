// Farnebäck optical flow, the portable twin: flow_impl.h without its SIMD blocks, compiled
// without auto-vectorisation (see the Makefile).
#include "flow_impl.h"

VW_EXPORT int vw_f32_farneback_scratch_floats_scalar(const int32_t *p, const double *d) { return fl_scratch(p, d[0]); }
VW_EXPORT void vw_f32_farneback_scalar(const uint8_t *video, float *flow, float *scratch, const int32_t *p, const double *d) {
  fl_farneback(video, flow, scratch, p, d[0], d[1]);
}
