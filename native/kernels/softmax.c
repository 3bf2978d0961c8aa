// SIMD softmax / log-softmax over the middle axis of x viewed as [outer, r, inner].
// inner == 1 (normalising the contiguous last axis, e.g. channels of a channels-last tensor or
// classes of logits): 4 lanes along the row. inner > 1: 4 neighbouring columns at a time, each
// lane its own softmax, so loads stay contiguous.
#include "vw.h"
#include "vmath.h"

void vw_f32_softmax_scalar(const float *x, float *y, int outer, int r, int inner, int log);

static inline float hmax(v128_t v) {
  v = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}
static inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}
// exp of a partial vector (n < 4 lanes), padded lanes ignored.
static inline void exp_tail(const float *x, float *y, int n, float sub) {
  float b[4] = {0.f, 0.f, 0.f, 0.f};
  for (int k = 0; k < n; k++) b[k] = x[k] - sub;
  wasm_v128_store(b, vw_v_exp(wasm_v128_load(b)));
  for (int k = 0; k < n; k++) y[k] = b[k];
}
static inline float log1(float v) { return wasm_f32x4_extract_lane(vw_v_log(wasm_f32x4_splat(v)), 0); }
static inline float exp1(float v) { return wasm_f32x4_extract_lane(vw_v_exp(wasm_f32x4_splat(v)), 0); }

static void rows(const float *x, float *y, int outer, int r, int log) {
  for (int o = 0; o < outer; o++) {
    const float *xo = x + (size_t)o * r;
    float *yo = y + (size_t)o * r;
    v128_t vm = wasm_f32x4_splat(-__builtin_inff());
    int k = 0;
    for (; k + 4 <= r; k += 4) vm = wasm_f32x4_max(vm, wasm_v128_load(xo + k));
    float m = hmax(vm);
    for (; k < r; k++) m = xo[k] > m || xo[k] != xo[k] ? xo[k] : m;
    const v128_t mv = wasm_f32x4_splat(m);
    // exp(x - m) into y (also for log-softmax, where y is overwritten below), summed
    v128_t vs = wasm_f32x4_splat(0.f), vs2 = vs;
    for (k = 0; k + 8 <= r; k += 8) {  // two vectors per step: exp is a long dependency chain
      const v128_t e = vw_v_exp(wasm_f32x4_sub(wasm_v128_load(xo + k), mv));
      const v128_t e2 = vw_v_exp(wasm_f32x4_sub(wasm_v128_load(xo + k + 4), mv));
      wasm_v128_store(yo + k, e);
      wasm_v128_store(yo + k + 4, e2);
      vs = wasm_f32x4_add(vs, e);
      vs2 = wasm_f32x4_add(vs2, e2);
    }
    for (; k + 4 <= r; k += 4) {
      const v128_t e = vw_v_exp(wasm_f32x4_sub(wasm_v128_load(xo + k), mv));
      wasm_v128_store(yo + k, e);
      vs = wasm_f32x4_add(vs, e);
    }
    float s = hsum(wasm_f32x4_add(vs, vs2));
    if (k < r) { exp_tail(xo + k, yo + k, r - k, m); for (; k < r; k++) s += yo[k]; }
    if (log) {
      const v128_t lse = wasm_f32x4_splat(m + log1(s));
      for (k = 0; k + 4 <= r; k += 4) wasm_v128_store(yo + k, wasm_f32x4_sub(wasm_v128_load(xo + k), lse));
      const float l = m + log1(s);
      for (; k < r; k++) yo[k] = xo[k] - l;
    } else {
      const v128_t inv = wasm_f32x4_splat(1.f / s);
      for (k = 0; k + 4 <= r; k += 4) wasm_v128_store(yo + k, wasm_f32x4_mul(wasm_v128_load(yo + k), inv));
      for (; k < r; k++) yo[k] *= 1.f / s;
    }
  }
}

static void columns(const float *x, float *y, int outer, int r, int inner, int log) {
  for (int o = 0; o < outer; o++) {
    const float *xo = x + (size_t)o * r * inner;
    float *yo = y + (size_t)o * r * inner;
    int i = 0;
    for (; i + 4 <= inner; i += 4) {
      v128_t m = wasm_f32x4_splat(-__builtin_inff());
      for (int k = 0; k < r; k++) m = wasm_f32x4_max(m, wasm_v128_load(xo + (size_t)k * inner + i));
      v128_t s = wasm_f32x4_splat(0.f);
      for (int k = 0; k < r; k++) {
        const size_t j = (size_t)k * inner + i;
        const v128_t e = vw_v_exp(wasm_f32x4_sub(wasm_v128_load(xo + j), m));
        wasm_v128_store(yo + j, e);
        s = wasm_f32x4_add(s, e);
      }
      if (log) {
        const v128_t lse = wasm_f32x4_add(m, vw_v_log(s));
        for (int k = 0; k < r; k++) {
          const size_t j = (size_t)k * inner + i;
          wasm_v128_store(yo + j, wasm_f32x4_sub(wasm_v128_load(xo + j), lse));
        }
      } else {
        const v128_t inv = wasm_f32x4_div(wasm_f32x4_splat(1.f), s);
        for (int k = 0; k < r; k++) {
          const size_t j = (size_t)k * inner + i;
          wasm_v128_store(yo + j, wasm_f32x4_mul(wasm_v128_load(yo + j), inv));
        }
      }
    }
    for (; i < inner; i++) {  // leftover columns (odd spatial sizes): one at a time
      float m = -__builtin_inff(), sum = 0.f;
      for (int k = 0; k < r; k++) { const float v = xo[(size_t)k * inner + i]; m = v > m || v != v ? v : m; }
      for (int k = 0; k < r; k++) sum += (yo[(size_t)k * inner + i] = exp1(xo[(size_t)k * inner + i] - m));
      const float l = m + log1(sum), inv = 1.f / sum;
      for (int k = 0; k < r; k++) {
        const size_t j = (size_t)k * inner + i;
        yo[j] = log ? xo[j] - l : yo[j] * inv;
      }
    }
  }
}

VW_EXPORT void vw_f32_softmax(const float *x, float *y, int outer, int r, int inner, int log) {
  if (inner == 1) rows(x, y, outer, r, log);
  else columns(x, y, outer, r, inner, log);
}

VW_EXPORT void vw_f32_softmax_grad(const float *y, const float *gy, float *gx, int outer, int r, int inner, int log) {
  if (inner != 1) {  // 4 neighbouring columns at a time, leftover columns through the twin's formula
    for (int o = 0; o < outer; o++) {
      const size_t base = (size_t)o * r * inner;
      int i = 0;
      for (; i + 4 <= inner; i += 4) {
        v128_t s = wasm_f32x4_splat(0.f);
        for (int k = 0; k < r; k++) {
          const size_t j = base + (size_t)k * inner + i;
          const v128_t g = wasm_v128_load(gy + j);
          s = wasm_f32x4_add(s, log ? g : wasm_f32x4_mul(g, wasm_v128_load(y + j)));
        }
        for (int k = 0; k < r; k++) {
          const size_t j = base + (size_t)k * inner + i;
          const v128_t yv = wasm_v128_load(y + j), g = wasm_v128_load(gy + j);
          wasm_v128_store(gx + j, log ? wasm_f32x4_sub(g, wasm_f32x4_mul(vw_v_exp(yv), s)) : wasm_f32x4_mul(yv, wasm_f32x4_sub(g, s)));
        }
      }
      for (; i < inner; i++) {
        float s = 0.f;
        for (int k = 0; k < r; k++) { const size_t j = base + (size_t)k * inner + i; s += log ? gy[j] : gy[j] * y[j]; }
        for (int k = 0; k < r; k++) {
          const size_t j = base + (size_t)k * inner + i;
          gx[j] = log ? gy[j] - exp1(y[j]) * s : y[j] * (gy[j] - s);
        }
      }
    }
    return;
  }
  for (int o = 0; o < outer; o++) {
    const float *yo = y + (size_t)o * r, *go = gy + (size_t)o * r;
    float *xo = gx + (size_t)o * r;
    v128_t vs = wasm_f32x4_splat(0.f);
    int k = 0;
    for (; k + 4 <= r; k += 4) {
      const v128_t g = wasm_v128_load(go + k);
      vs = wasm_f32x4_add(vs, log ? g : wasm_f32x4_mul(g, wasm_v128_load(yo + k)));
    }
    float s = hsum(vs);
    for (; k < r; k++) s += log ? go[k] : go[k] * yo[k];
    const v128_t sv = wasm_f32x4_splat(s);
    for (k = 0; k + 4 <= r; k += 4) {
      const v128_t yv = wasm_v128_load(yo + k), g = wasm_v128_load(go + k);
      wasm_v128_store(xo + k, log ? wasm_f32x4_sub(g, wasm_f32x4_mul(vw_v_exp(yv), sv)) : wasm_f32x4_mul(yv, wasm_f32x4_sub(g, sv)));
    }
    if (k < r) {
      float e[4];
      if (log) exp_tail(yo + k, e, r - k, 0.f);
      for (int t = 0; k < r; k++, t++) xo[k] = log ? go[k] - e[t] * s : yo[k] * (go[k] - s);
    }
  }
}
