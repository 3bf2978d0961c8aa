// Scalar twins of the fused optimizer kernels (optim.c); also the readable reference for their
// semantics. Compiled without auto-vectorisation (see the Makefile).
#include "vw.h"
#include <math.h>

VW_EXPORT void vw_f32_sgd_step_scalar(float *p, const float *g, float *buf, int32_t n, float lr, float momentum,
                                      float one_minus_dampening, float wd, int32_t flags) {
  const float gsign = (flags & VW_OPT_MAXIMIZE) ? -1.f : 1.f;
  for (int32_t i = 0; i < n; i++) {
    float d = g[i] * gsign;
    if (flags & VW_OPT_DECAY) d = d + p[i] * wd;
    if (momentum != 0.f) {
      const float b = (flags & VW_OPT_FIRST) ? d : buf[i] * momentum + d * one_minus_dampening;
      buf[i] = b;
      d = (flags & VW_OPT_NESTEROV) ? d + b * momentum : b;
    }
    p[i] = p[i] + d * -lr;
  }
}

VW_EXPORT void vw_f32_adamw_step_scalar(float *p, const float *g, float *m, float *v, float *vmax, int32_t n,
                                        float decay, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
                                        float neg_step_size, float bc2_sqrt, float eps, int32_t flags) {
  const float gsign = (flags & VW_OPT_MAXIMIZE) ? -1.f : 1.f;
  for (int32_t i = 0; i < n; i++) {
    const float gi = g[i] * gsign;
    const float pi = p[i] * decay;
    const float mi = m[i] * beta1 + gi * one_minus_beta1;
    const float vi = v[i] * beta2 + (one_minus_beta2 * gi) * gi;
    m[i] = mi;
    v[i] = vi;
    float s = vi;
    if (flags & VW_OPT_AMSGRAD) {
      const float old = vmax[i];
      s = (isnan(old) || isnan(vi)) ? old + vi : (old > vi ? old : vi);  // NaN propagates like torch.maximum
      vmax[i] = s;
    }
    const float denom = sqrtf(s) / bc2_sqrt + eps;
    p[i] = pi + neg_step_size * (mi / denom);
  }
}

VW_EXPORT double vw_f32_sumsq_scalar(const float *x, int32_t n) {
  double total = 0.0;
  for (int32_t i = 0; i < n;) {
    const int32_t end = VW_MIN(n, i + 1024);
    float part = 0.f;
    for (; i < end; i++) part += x[i] * x[i];
    total += part;
  }
  return total;
}

VW_EXPORT float vw_f32_absmax_scalar(const float *x, int32_t n) {
  float r = 0.f;
  for (int32_t i = 0; i < n; i++) {
    const float a = fabsf(x[i]);
    if (isnan(a)) return a;
    if (a > r) r = a;
  }
  return r;
}

VW_EXPORT void vw_f32_scale_inplace_scalar(float *x, int32_t n, float s) {
  for (int32_t i = 0; i < n; i++) x[i] *= s;
}
