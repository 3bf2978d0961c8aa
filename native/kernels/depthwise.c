// SIMD depthwise conv3d on channels-last tensors: each output position is a sum over its taps
// of x[tap position][c] * w[tap][c], vectorised over channels in blocks of 16 (4 accumulators
// to hide add latency), then 4, then one at a time. Scalar twin: depthwise_scalar.c.
#include "vw.h"

static inline v128_t dw_clamp(v128_t v, v128_t lo, v128_t hi) {
  // pmax/pmin: one instruction each on x86; a NaN input stays NaN
  return wasm_f32x4_pmin(wasm_f32x4_pmax(v, lo), hi);
}

// yr[c] = clamp(bias[c] + sum_t x[xo[t] + c] * wts[tap[t]*C + c])
static inline void dw_fwd_pos(int C, float *yr, const float *bias, const float *x, const size_t *xo, const int *tap,
                              int nt, const float *wts, float minv, float maxv) {
  const v128_t lo = wasm_f32x4_splat(minv), hi = wasm_f32x4_splat(maxv);
  int c = 0;
  for (; c + 16 <= C; c += 16) {
    v128_t a0 = wasm_v128_load(bias + c), a1 = wasm_v128_load(bias + c + 4);
    v128_t a2 = wasm_v128_load(bias + c + 8), a3 = wasm_v128_load(bias + c + 12);
    for (int t = 0; t < nt; t++) {
      const float *xp = x + xo[t] + c, *wp = wts + (size_t)tap[t] * C + c;
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(xp), wasm_v128_load(wp)));
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(xp + 4), wasm_v128_load(wp + 4)));
      a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load(xp + 8), wasm_v128_load(wp + 8)));
      a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load(xp + 12), wasm_v128_load(wp + 12)));
    }
    wasm_v128_store(yr + c, dw_clamp(a0, lo, hi));
    wasm_v128_store(yr + c + 4, dw_clamp(a1, lo, hi));
    wasm_v128_store(yr + c + 8, dw_clamp(a2, lo, hi));
    wasm_v128_store(yr + c + 12, dw_clamp(a3, lo, hi));
  }
  for (; c + 4 <= C; c += 4) {
    v128_t a0 = wasm_v128_load(bias + c);
    for (int t = 0; t < nt; t++)
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(x + xo[t] + c), wasm_v128_load(wts + (size_t)tap[t] * C + c)));
    wasm_v128_store(yr + c, dw_clamp(a0, lo, hi));
  }
  for (; c < C; c++) {
    float s = bias[c];
    for (int t = 0; t < nt; t++) s += x[xo[t] + c] * wts[(size_t)tap[t] * C + c];
    yr[c] = s < minv ? minv : s > maxv ? maxv : s;
  }
}

// gx[xo[t] + c] += gy[c] * w[tap[t]][c]
static inline void dw_bwd_data_pos(int C, const float *gyr, float *gx, const size_t *xo, const int *tap, int nt,
                                   const float *wts) {
  for (int t = 0; t < nt; t++) {
    float *xp = gx + xo[t];
    const float *wp = wts + (size_t)tap[t] * C;
    int c = 0;
    for (; c + 4 <= C; c += 4)
      wasm_v128_store(xp + c, wasm_f32x4_add(wasm_v128_load(xp + c),
                                             wasm_f32x4_mul(wasm_v128_load(gyr + c), wasm_v128_load(wp + c))));
    for (; c < C; c++) xp[c] += gyr[c] * wp[c];
  }
}

// acc[tap[t]][c] += gy[c] * x[xo[t] + c]
static inline void dw_bwd_weight_pos(int C, const float *gyr, const float *x, const size_t *xo, const int *tap, int nt,
                                     float *acc) {
  for (int t = 0; t < nt; t++) {
    float *ap = acc + (size_t)tap[t] * C;
    const float *xp = x + xo[t];
    int c = 0;
    for (; c + 4 <= C; c += 4)
      wasm_v128_store(ap + c, wasm_f32x4_add(wasm_v128_load(ap + c),
                                             wasm_f32x4_mul(wasm_v128_load(gyr + c), wasm_v128_load(xp + c))));
    for (; c < C; c++) ap[c] += gyr[c] * xp[c];
  }
}

#define VW_DW_NAME(x) vw_f32_##x
#include "depthwise_impl.h"
