// SIMD bodies of the depthwise conv3d (loop nest in depthwise_impl.h), vectorised over
// channels: blocks of 16 (4 independent accumulators hide the add latency), then 8, 4 and a
// scalar tail. Scalar twin: depthwise_scalar.c (same summation order).
#include "vw.h"

static inline v128_t dw_clamp(v128_t v, v128_t lo, v128_t hi) {
  // pmax/pmin: one instruction each on x86; a NaN input stays NaN
  return wasm_f32x4_pmin(wasm_f32x4_pmax(v, lo), hi);
}
#define DW_MAC(acc, xp, wp) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(xp), wasm_v128_load(wp)))

// One output position: yr[c] = clamp(bias[c] + sum over rows r and kw taps j of
// row[r][(wi + j*dw)*C + c] * w[tap[r] + c0 + j][c]).
static inline void dw_fwd_pos(int C, float *yr, const float *bias, const float *const *row, const int *tap, int nr,
                              int wi, int dw, int c0, int nc, const float *wts, float minv, float maxv) {
  const v128_t lo = wasm_f32x4_splat(minv), hi = wasm_f32x4_splat(maxv);
  const size_t xs = (size_t)dw * C;
  int c = 0;
  for (; c + 16 <= C; c += 16) {
    v128_t a0 = wasm_v128_load(bias + c), a1 = wasm_v128_load(bias + c + 4);
    v128_t a2 = wasm_v128_load(bias + c + 8), a3 = wasm_v128_load(bias + c + 12);
    for (int r = 0; r < nr; r++) {
      const float *xp = row[r] + (size_t)wi * C + c, *wp = wts + (size_t)(tap[r] + c0) * C + c;
      for (int j = 0; j < nc; j++, xp += xs, wp += C) {
        DW_MAC(a0, xp, wp); DW_MAC(a1, xp + 4, wp + 4); DW_MAC(a2, xp + 8, wp + 8); DW_MAC(a3, xp + 12, wp + 12);
      }
    }
    wasm_v128_store(yr + c, dw_clamp(a0, lo, hi));
    wasm_v128_store(yr + c + 4, dw_clamp(a1, lo, hi));
    wasm_v128_store(yr + c + 8, dw_clamp(a2, lo, hi));
    wasm_v128_store(yr + c + 12, dw_clamp(a3, lo, hi));
  }
  for (; c + 8 <= C; c += 8) {
    v128_t a0 = wasm_v128_load(bias + c), a1 = wasm_v128_load(bias + c + 4);
    for (int r = 0; r < nr; r++) {
      const float *xp = row[r] + (size_t)wi * C + c, *wp = wts + (size_t)(tap[r] + c0) * C + c;
      for (int j = 0; j < nc; j++, xp += xs, wp += C) { DW_MAC(a0, xp, wp); DW_MAC(a1, xp + 4, wp + 4); }
    }
    wasm_v128_store(yr + c, dw_clamp(a0, lo, hi));
    wasm_v128_store(yr + c + 4, dw_clamp(a1, lo, hi));
  }
  for (; c + 4 <= C; c += 4) {
    v128_t a0 = wasm_v128_load(bias + c);
    for (int r = 0; r < nr; r++) {
      const float *xp = row[r] + (size_t)wi * C + c, *wp = wts + (size_t)(tap[r] + c0) * C + c;
      for (int j = 0; j < nc; j++, xp += xs, wp += C) DW_MAC(a0, xp, wp);
    }
    wasm_v128_store(yr + c, dw_clamp(a0, lo, hi));
  }
  for (; c < C; c++) {
    float s = bias[c];
    for (int r = 0; r < nr; r++) {
      const float *xp = row[r] + (size_t)wi * C + c, *wp = wts + (size_t)(tap[r] + c0) * C + c;
      for (int j = 0; j < nc; j++, xp += xs, wp += C) s += *xp * *wp;
    }
    yr[c] = s < minv ? minv : s > maxv ? maxv : s;
  }
}

// A run of n output positions of one tap: gx[i*gxs + c] += gy[i*C + c] * w[c].
static inline void dw_bwd_data_run(int C, float *gx, size_t gxs, const float *gy, int n, const float *w) {
  int c = 0;
  for (; c + 4 <= C; c += 4) {
    const v128_t wv = wasm_v128_load(w + c);
    float *xp = gx + c;
    const float *gp = gy + c;
    for (int i = 0; i < n; i++, xp += gxs, gp += C)
      wasm_v128_store(xp, wasm_f32x4_add(wasm_v128_load(xp), wasm_f32x4_mul(wasm_v128_load(gp), wv)));
  }
  for (; c < C; c++)
    for (int i = 0; i < n; i++) gx[i * gxs + c] += gy[(size_t)i * C + c] * w[c];
}

// A run of n output positions of one tap: acc[c] += sum_i gy[i*C + c] * x[i*xs + c].
static inline void dw_bwd_weight_run(int C, float *acc, const float *gy, const float *x, size_t xs, int n) {
  int c = 0;
  for (; c + 8 <= C; c += 8) {
    v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0;
    const float *gp = gy + c, *xp = x + c;
    for (int i = 0; i < n; i++, gp += C, xp += xs) { DW_MAC(s0, gp, xp); DW_MAC(s1, gp + 4, xp + 4); }
    wasm_v128_store(acc + c, wasm_f32x4_add(wasm_v128_load(acc + c), s0));
    wasm_v128_store(acc + c + 4, wasm_f32x4_add(wasm_v128_load(acc + c + 4), s1));
  }
  for (; c + 4 <= C; c += 4) {
    v128_t s0 = wasm_f32x4_splat(0.0f);
    const float *gp = gy + c, *xp = x + c;
    for (int i = 0; i < n; i++, gp += C, xp += xs) DW_MAC(s0, gp, xp);
    wasm_v128_store(acc + c, wasm_f32x4_add(wasm_v128_load(acc + c), s0));
  }
  for (; c < C; c++) {
    float s = 0.0f;
    for (int i = 0; i < n; i++) s += gy[(size_t)i * C + c] * x[i * xs + c];
    acc[c] += s;
  }
}

#define VW_DW_NAME(x) vw_f32_##x
#include "depthwise_impl.h"
