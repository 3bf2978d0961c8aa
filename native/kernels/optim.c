// Fused optimizer updates (SIMD): one pass over a parameter, its gradient and its state, in
// place, with the exact operation order of torch.optim's single-tensor CPU path (1.13), so a
// trajectory matches PyTorch to rounding. Scalars that PyTorch computes in double (bias
// corrections, 1 - beta) are computed by the caller in double and passed rounded to f32, as
// PyTorch's CPU kernels round their Python scalars. Scalar twins: optim_scalar.c.
#include "vw.h"

// Flags (kernels.def: OptFlag): VW_OPT_NESTEROV (SGD: d_p += momentum * buf), VW_OPT_FIRST (SGD:
// the momentum buffer is uninitialised: buf = d_p, no dampening), VW_OPT_MAXIMIZE (use -grad),
// VW_OPT_AMSGRAD (AdamW: normalise by the running max of exp_avg_sq), VW_OPT_DECAY (SGD:
// weight_decay != 0; PyTorch skips the add entirely when 0).

/**
 * SGD with momentum/dampening/nesterov/weight decay (torch.optim.SGD):
 *   d = (maximize ? -g : g) [+ wd * p];  buf = first ? d : momentum * buf + (1 - dampening) * d
 *   d = nesterov ? d + momentum * buf : buf   (when momentum != 0);   p = p + (-lr) * d
 * buf is unused (may be 0) when momentum == 0.
 */
VW_EXPORT void vw_f32_sgd_step(float *p, const float *g, float *buf, int32_t n, float lr, float momentum,
                               float one_minus_dampening, float wd, int32_t flags) {
  const int use_mom = momentum != 0.f, nesterov = flags & VW_OPT_NESTEROV, first = flags & VW_OPT_FIRST;
  const int decay = flags & VW_OPT_DECAY;
  const float gsign = (flags & VW_OPT_MAXIMIZE) ? -1.f : 1.f;
  const v128_t vgs = wasm_f32x4_splat(gsign), vwd = wasm_f32x4_splat(wd), vm = wasm_f32x4_splat(momentum);
  const v128_t vdamp = wasm_f32x4_splat(one_minus_dampening), vnlr = wasm_f32x4_splat(-lr);
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t d = wasm_f32x4_mul(wasm_v128_load(g + i), vgs);
    const v128_t vp = wasm_v128_load(p + i);
    if (decay) d = wasm_f32x4_add(d, wasm_f32x4_mul(vp, vwd));
    if (use_mom) {
      v128_t b = first ? d : wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(buf + i), vm), wasm_f32x4_mul(d, vdamp));
      wasm_v128_store(buf + i, b);
      d = nesterov ? wasm_f32x4_add(d, wasm_f32x4_mul(b, vm)) : b;
    }
    wasm_v128_store(p + i, wasm_f32x4_add(vp, wasm_f32x4_mul(d, vnlr)));
  }
  for (; i < n; i++) {
    float d = g[i] * gsign;
    if (decay) d = d + p[i] * wd;
    if (use_mom) {
      const float b = first ? d : buf[i] * momentum + d * one_minus_dampening;
      buf[i] = b;
      d = nesterov ? d + b * momentum : b;
    }
    p[i] = p[i] + d * -lr;
  }
}

/**
 * AdamW (torch.optim.AdamW, decoupled weight decay), one step:
 *   p *= decay (= 1 - lr*wd);  m = m*beta1 + g*(1-beta1);  v = v*beta2 + ((1-beta2)*g)*g
 *   [vmax = max(vmax, v)];  denom = sqrt(v or vmax) / bc2_sqrt + eps;  p = p + (-step_size) * (m / denom)
 * vmax is unused (may be 0) without VW_OPT_AMSGRAD.
 */
VW_EXPORT void vw_f32_adamw_step(float *p, const float *g, float *m, float *v, float *vmax, int32_t n,
                                 float decay, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2,
                                 float neg_step_size, float bc2_sqrt, float eps, int32_t flags) {
  const int ams = flags & VW_OPT_AMSGRAD;
  const float gsign = (flags & VW_OPT_MAXIMIZE) ? -1.f : 1.f;
  const v128_t vgs = wasm_f32x4_splat(gsign), vdec = wasm_f32x4_splat(decay);
  const v128_t vb1 = wasm_f32x4_splat(beta1), vc1 = wasm_f32x4_splat(one_minus_beta1);
  const v128_t vb2 = wasm_f32x4_splat(beta2), vc2 = wasm_f32x4_splat(one_minus_beta2);
  const v128_t vss = wasm_f32x4_splat(neg_step_size), vbc = wasm_f32x4_splat(bc2_sqrt), veps = wasm_f32x4_splat(eps);
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t gi = wasm_f32x4_mul(wasm_v128_load(g + i), vgs);
    const v128_t pi = wasm_f32x4_mul(wasm_v128_load(p + i), vdec);
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1), wasm_f32x4_mul(gi, vc1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2), wasm_f32x4_mul(wasm_f32x4_mul(vc2, gi), gi));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    v128_t s = vi;
    if (ams) {
      // f32x4.max propagates NaN, like torch.maximum (pmax would not).
      s = wasm_f32x4_max(wasm_v128_load(vmax + i), vi);
      wasm_v128_store(vmax + i, s);
    }
    const v128_t denom = wasm_f32x4_add(wasm_f32x4_div(wasm_f32x4_sqrt(s), vbc), veps);
    wasm_v128_store(p + i, wasm_f32x4_add(pi, wasm_f32x4_mul(vss, wasm_f32x4_div(mi, denom))));
  }
  for (; i < n; i++) {
    const float gi = g[i] * gsign;
    const float pi = p[i] * decay;
    const float mi = m[i] * beta1 + gi * one_minus_beta1;
    const float vi = v[i] * beta2 + (one_minus_beta2 * gi) * gi;
    m[i] = mi;
    v[i] = vi;
    float s = vi;
    if (ams) {
      const float old = vmax[i];
      s = (old != old || vi != vi) ? old + vi : (old > vi ? old : vi);
      vmax[i] = s;
    }
    const float denom = __builtin_sqrtf(s) / bc2_sqrt + eps;
    p[i] = pi + neg_step_size * (mi / denom);
  }
}

/** Sum of squares of x[0..n) (for clip_grad_norm_): f32 SIMD partial sums folded into a double per block. */
VW_EXPORT double vw_f32_sumsq(const float *x, int32_t n) {
  double total = 0.0;
  int32_t i = 0;
  while (i < n) {
    const int32_t end = VW_MIN(n, i + 1024);
    v128_t acc = wasm_f32x4_splat(0.f);
    for (; i + 4 <= end; i += 4) {
      const v128_t v = wasm_v128_load(x + i);
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(v, v));
    }
    float part = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) +
                 wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
    for (; i < end; i++) part += x[i] * x[i];
    total += part;
  }
  return total;
}

/** Max of |x[i]| (inf-norm for clip_grad_norm_); NaN if any element is NaN. */
VW_EXPORT float vw_f32_absmax(const float *x, int32_t n) {
  v128_t acc = wasm_f32x4_splat(0.f), nan = wasm_i32x4_splat(0);
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t v = wasm_f32x4_abs(wasm_v128_load(x + i));
    nan = wasm_v128_or(nan, wasm_f32x4_ne(v, v));
    acc = wasm_f32x4_max(acc, v);
  }
  float r = VW_MAX(VW_MAX(wasm_f32x4_extract_lane(acc, 0), wasm_f32x4_extract_lane(acc, 1)),
                   VW_MAX(wasm_f32x4_extract_lane(acc, 2), wasm_f32x4_extract_lane(acc, 3)));
  int has_nan = wasm_v128_any_true(nan);
  for (; i < n; i++) {
    const float a = x[i] < 0.f ? -x[i] : x[i];
    if (a != a) has_nan = 1;
    r = a > r ? a : r;
  }
  return has_nan ? __builtin_nanf("") : r;
}

/** x[i] *= s, in place (gradient clipping). */
VW_EXPORT void vw_f32_scale_inplace(float *x, int32_t n, float s) {
  const v128_t vs = wasm_f32x4_splat(s);
  int32_t i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(x + i, wasm_f32x4_mul(wasm_v128_load(x + i), vs));
  for (; i < n; i++) x[i] *= s;
}
