// SIMD bodies of the depthwise conv3d (loop nest in depthwise_impl.h), vectorised over
// channels: blocks of 16 channels (4 weight vectors held in registers over a run of positions),
// then 4, then the last C % 4 channels as one overlapping vector whose already-done lanes are
// masked to zero (no scalar tail when C >= 4). Scalar twin: depthwise_scalar.c (same order,
// except that grad-weight reductions split even and odd positions into two partial sums).
#include "vw.h"

#define DW_MAC(acc, a, b) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(a, b))

// Lanes >= 4 - rem set: selects the last rem channels of the vector at C-4.
static inline v128_t dw_tail_mask(int rem) {
  const int32_t k = 4 - rem;
  return wasm_i32x4_ge(wasm_i32x4_make(0, 1, 2, 3), wasm_i32x4_splat(k));
}

// A run of n positions of one tap: dst[i*ds + c] += src[i*ss + c] * w[c] for c < C.
static inline void dw_axpy_run(int C, float *dst, size_t ds, const float *src, size_t ss, int n, const float *w) {
  int c = 0;
  for (; c + 16 <= C; c += 16) {
    const v128_t w0 = wasm_v128_load(w + c), w1 = wasm_v128_load(w + c + 4);
    const v128_t w2 = wasm_v128_load(w + c + 8), w3 = wasm_v128_load(w + c + 12);
    float *d = dst + c;
    const float *s = src + c;
    for (int i = 0; i < n; i++, d += ds, s += ss) {
      v128_t a0 = wasm_v128_load(d), a1 = wasm_v128_load(d + 4), a2 = wasm_v128_load(d + 8), a3 = wasm_v128_load(d + 12);
      DW_MAC(a0, wasm_v128_load(s), w0); DW_MAC(a1, wasm_v128_load(s + 4), w1);
      DW_MAC(a2, wasm_v128_load(s + 8), w2); DW_MAC(a3, wasm_v128_load(s + 12), w3);
      wasm_v128_store(d, a0); wasm_v128_store(d + 4, a1); wasm_v128_store(d + 8, a2); wasm_v128_store(d + 12, a3);
    }
  }
  for (; c + 4 <= C; c += 4) {
    const v128_t w0 = wasm_v128_load(w + c);
    float *d = dst + c;
    const float *s = src + c;
    for (int i = 0; i < n; i++, d += ds, s += ss) {
      v128_t a0 = wasm_v128_load(d);
      DW_MAC(a0, wasm_v128_load(s), w0);
      wasm_v128_store(d, a0);
    }
  }
  if (c == C) return;
  if (C >= 4) {
    const v128_t m = dw_tail_mask(C - c), w0 = wasm_v128_load(w + C - 4);
    float *d = dst + C - 4;
    const float *s = src + C - 4;
    for (int i = 0; i < n; i++, d += ds, s += ss)
      wasm_v128_store(d, wasm_f32x4_add(wasm_v128_load(d), wasm_v128_and(wasm_f32x4_mul(wasm_v128_load(s), w0), m)));
    return;
  }
  for (; c < C; c++)
    for (int i = 0; i < n; i++) dst[i * ds + c] += src[i * ss + c] * w[c];
}

// One vector of sum_i gy[i*C] * x[i*xs] over a run: two positions per step into two
// accumulators, so the adds of consecutive positions do not wait on each other.
static inline v128_t dw_dot_run(const float *gp, size_t gs, const float *xp, size_t xs, int n) {
  v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0;
  int i = 0;
  for (; i + 2 <= n; i += 2, gp += 2 * gs, xp += 2 * xs) {
    DW_MAC(s0, wasm_v128_load(gp), wasm_v128_load(xp));
    DW_MAC(s1, wasm_v128_load(gp + gs), wasm_v128_load(xp + xs));
  }
  if (i < n) DW_MAC(s0, wasm_v128_load(gp), wasm_v128_load(xp));
  return wasm_f32x4_add(s0, s1);
}

// A run of n positions of one tap: acc[c] += sum_i gy[i*C + c] * x[i*xs + c].
static inline void dw_bwd_weight_run(int C, float *acc, const float *gy, const float *x, size_t xs, int n) {
  int c = 0;
  for (; c + 8 <= C; c += 8) {
    // 4 independent accumulators: 2 channel vectors x 2 positions
    v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
    const float *gp = gy + c, *xp = x + c;
    int i = 0;
    for (; i + 2 <= n; i += 2, gp += 2 * (size_t)C, xp += 2 * xs) {
      DW_MAC(s0, wasm_v128_load(gp), wasm_v128_load(xp));
      DW_MAC(s1, wasm_v128_load(gp + 4), wasm_v128_load(xp + 4));
      DW_MAC(s2, wasm_v128_load(gp + C), wasm_v128_load(xp + xs));
      DW_MAC(s3, wasm_v128_load(gp + C + 4), wasm_v128_load(xp + xs + 4));
    }
    if (i < n) { DW_MAC(s0, wasm_v128_load(gp), wasm_v128_load(xp)); DW_MAC(s1, wasm_v128_load(gp + 4), wasm_v128_load(xp + 4)); }
    wasm_v128_store(acc + c, wasm_f32x4_add(wasm_v128_load(acc + c), wasm_f32x4_add(s0, s2)));
    wasm_v128_store(acc + c + 4, wasm_f32x4_add(wasm_v128_load(acc + c + 4), wasm_f32x4_add(s1, s3)));
  }
  for (; c + 4 <= C; c += 4)
    wasm_v128_store(acc + c, wasm_f32x4_add(wasm_v128_load(acc + c), dw_dot_run(gy + c, C, x + c, xs, n)));
  if (c == C) return;
  if (C >= 4) {
    const v128_t s = wasm_v128_and(dw_dot_run(gy + C - 4, C, x + C - 4, xs, n), dw_tail_mask(C - c));
    wasm_v128_store(acc + C - 4, wasm_f32x4_add(wasm_v128_load(acc + C - 4), s));
    return;
  }
  for (; c < C; c++) {
    float s = 0.0f;
    for (int i = 0; i < n; i++) s += gy[(size_t)i * C + c] * x[i * xs + c];
    acc[c] += s;
  }
}

// A run of n positions of one tap, grad input and grad weight together: gx[i*ds + c] +=
// gy[i*C + c] * w[c] and acc[c] += sum_i gy[i*C + c] * x[i*ds + c] (gx and x at the same
// positions, ds = stride * C in the scatter form, C in the gather form). The sums use the
// accumulators of dw_bwd_weight_run / dw_dot_run (even and odd positions apart, same blocks)
// and the gx updates are those of dw_axpy_run, so with the runs in the same order the results
// are bit-identical to the separate kernels (the threaded path relies on that).
static inline void dw_fused_run(int C, float *gx, const float *x, size_t ds, const float *gy, int n, const float *w, float *acc) {
  const size_t C2 = 2 * (size_t)C, D2 = 2 * ds;
  int c = 0;
  for (; c + 8 <= C; c += 8) {
    const v128_t w0 = wasm_v128_load(w + c), w1 = wasm_v128_load(w + c + 4);
    v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
    float *d = gx + c;
    const float *g = gy + c, *xp = x + c;
    int i = 0;
    for (; i + 2 <= n; i += 2, d += D2, g += C2, xp += D2) {
      const v128_t g0 = wasm_v128_load(g), g1 = wasm_v128_load(g + 4), g2 = wasm_v128_load(g + C), g3 = wasm_v128_load(g + C + 4);
      v128_t a0 = wasm_v128_load(d), a1 = wasm_v128_load(d + 4), a2 = wasm_v128_load(d + ds), a3 = wasm_v128_load(d + ds + 4);
      DW_MAC(a0, g0, w0); DW_MAC(a1, g1, w1); DW_MAC(a2, g2, w0); DW_MAC(a3, g3, w1);
      wasm_v128_store(d, a0); wasm_v128_store(d + 4, a1); wasm_v128_store(d + ds, a2); wasm_v128_store(d + ds + 4, a3);
      DW_MAC(s0, g0, wasm_v128_load(xp)); DW_MAC(s1, g1, wasm_v128_load(xp + 4));
      DW_MAC(s2, g2, wasm_v128_load(xp + ds)); DW_MAC(s3, g3, wasm_v128_load(xp + ds + 4));
    }
    if (i < n) {
      const v128_t g0 = wasm_v128_load(g), g1 = wasm_v128_load(g + 4);
      v128_t a0 = wasm_v128_load(d), a1 = wasm_v128_load(d + 4);
      DW_MAC(a0, g0, w0); DW_MAC(a1, g1, w1);
      wasm_v128_store(d, a0); wasm_v128_store(d + 4, a1);
      DW_MAC(s0, g0, wasm_v128_load(xp)); DW_MAC(s1, g1, wasm_v128_load(xp + 4));
    }
    wasm_v128_store(acc + c, wasm_f32x4_add(wasm_v128_load(acc + c), wasm_f32x4_add(s0, s2)));
    wasm_v128_store(acc + c + 4, wasm_f32x4_add(wasm_v128_load(acc + c + 4), wasm_f32x4_add(s1, s3)));
  }
  // 4 channels, then the masked overlapping tail: products on done lanes are masked for gx (as
  // in dw_axpy_run) and the sum is masked at the end (as for dw_dot_run in dw_bwd_weight_run)
  for (int tail = 0; c < C && C >= 4; c += 4) {
    const int c0 = c + 4 <= C ? c : C - 4;
    tail = c + 4 > C;
    const v128_t m = tail ? dw_tail_mask(C - c) : wasm_i32x4_splat(-1), w0 = wasm_v128_load(w + c0);
    v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0;
    float *d = gx + c0;
    const float *g = gy + c0, *xp = x + c0;
    int i = 0;
    for (; i + 2 <= n; i += 2, d += D2, g += C2, xp += D2) {
      const v128_t g0 = wasm_v128_load(g), g1 = wasm_v128_load(g + C);
      if (tail) {
        wasm_v128_store(d, wasm_f32x4_add(wasm_v128_load(d), wasm_v128_and(wasm_f32x4_mul(g0, w0), m)));
        wasm_v128_store(d + ds, wasm_f32x4_add(wasm_v128_load(d + ds), wasm_v128_and(wasm_f32x4_mul(g1, w0), m)));
      } else {
        v128_t a0 = wasm_v128_load(d), a1 = wasm_v128_load(d + ds);
        DW_MAC(a0, g0, w0); DW_MAC(a1, g1, w0);
        wasm_v128_store(d, a0); wasm_v128_store(d + ds, a1);
      }
      DW_MAC(s0, g0, wasm_v128_load(xp)); DW_MAC(s1, g1, wasm_v128_load(xp + ds));
    }
    if (i < n) {
      const v128_t g0 = wasm_v128_load(g);
      if (tail) wasm_v128_store(d, wasm_f32x4_add(wasm_v128_load(d), wasm_v128_and(wasm_f32x4_mul(g0, w0), m)));
      else { v128_t a0 = wasm_v128_load(d); DW_MAC(a0, g0, w0); wasm_v128_store(d, a0); }
      DW_MAC(s0, g0, wasm_v128_load(xp));
    }
    const v128_t sum = wasm_f32x4_add(s0, s1);
    wasm_v128_store(acc + c0, wasm_f32x4_add(wasm_v128_load(acc + c0), tail ? wasm_v128_and(sum, m) : sum));
  }
  if (C >= 4) return;
  for (; c < C; c++) {
    for (int i = 0; i < n; i++) gx[i * ds + c] += gy[(size_t)i * C + c] * w[c];
    float s = 0.0f;
    for (int i = 0; i < n; i++) s += gy[(size_t)i * C + c] * x[i * ds + c];
    acc[c] += s;
  }
}

#define VW_DW_NAME(x) vw_f32_##x
#include "depthwise_impl.h"
