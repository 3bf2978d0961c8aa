// SIMD loss kernels (semantics in loss_scalar.c): fused softmax cross-entropy, 4 classes per
// vector along each row, and BCE-with-logits, 4 elements per vector.
#include "vw.h"
#include "vmath.h"

static inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}
static inline float hmax(v128_t v) {
  v = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}
// Loads n < 4 floats, padding with `pad`.
static inline v128_t load_part(const float *p, int n, float pad) {
  float b[4] = {pad, pad, pad, pad};
  for (int k = 0; k < n; k++) b[k] = p[k];
  return wasm_v128_load(b);
}
static inline void store_part(float *p, v128_t v, int n) {
  float b[4];
  wasm_v128_store(b, v);
  for (int k = 0; k < n; k++) p[k] = b[k];
}
static inline v128_t loadw(const float *w, int c, int n) {  // class weights (1 when absent)
  return w ? (n == 4 ? wasm_v128_load(w + c) : load_part(w + c, n, 0.f)) : wasm_f32x4_splat(1.f);
}
static inline v128_t loadx(const float *x, int c, int n, float pad) {
  return n == 4 ? wasm_v128_load(x + c) : load_part(x + c, n, pad);
}
// w[c] * (keep * t[c] + spread): the label-smoothed soft target, weighted (padded lanes: t = 0)
static inline v128_t weighted_target(const float *t, const float *w, int c, int n, float keep, float spread) {
  return wasm_f32x4_mul(loadw(w, c, n), wasm_f32x4_add(wasm_f32x4_mul(loadx(t, c, n, 0.f), wasm_f32x4_splat(keep)), wasm_f32x4_splat(spread)));
}

static float row_lse(const float *x, int C) {
  const float ninf = -__builtin_inff();
  v128_t vm = wasm_f32x4_splat(ninf);
  int c = 0;
  for (; c + 4 <= C; c += 4) vm = wasm_f32x4_max(vm, wasm_v128_load(x + c));
  if (c < C) vm = wasm_f32x4_max(vm, load_part(x + c, C - c, ninf));
  const v128_t mv = wasm_f32x4_splat(hmax(vm));
  // two independent sums: exp is a long dependency chain
  v128_t s0 = wasm_f32x4_splat(0.f), s1 = s0;
  for (c = 0; c + 8 <= C; c += 8) {
    s0 = wasm_f32x4_add(s0, vw_v_exp(wasm_f32x4_sub(wasm_v128_load(x + c), mv)));
    s1 = wasm_f32x4_add(s1, vw_v_exp(wasm_f32x4_sub(wasm_v128_load(x + c + 4), mv)));
  }
  for (; c + 4 <= C; c += 4) s0 = wasm_f32x4_add(s0, vw_v_exp(wasm_f32x4_sub(wasm_v128_load(x + c), mv)));
  if (c < C) s1 = wasm_f32x4_add(s1, vw_v_exp(wasm_f32x4_sub(load_part(x + c, C - c, ninf), mv)));  // exp(-inf) = 0
  return wasm_f32x4_extract_lane(mv, 0) + wasm_f32x4_extract_lane(vw_v_log(wasm_f32x4_splat(hsum(wasm_f32x4_add(s0, s1)))), 0);
}

VW_EXPORT void vw_f32_xent(const float *x, const int32_t *ti, const float *ts, const float *w, float *lse, float *loss,
                           int rows, int C, float eps, int ignore) {
  float wsum = 0.f;
  for (int c = 0; c < C; c++) wsum += w ? w[c] : 1.f;
  const float keep = 1.f - eps, spread = eps / C;
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * C;
    const float l = row_lse(xr, C);
    lse[r] = l;
    const v128_t lv = wasm_f32x4_splat(l);
    if (ti) {
      const int y = ti[r];
      if (y == ignore) { loss[r] = 0.f; continue; }
      float smooth = 0.f;
      if (eps != 0.f) {
        v128_t acc = wasm_f32x4_splat(0.f);
        for (int c = 0; c < C; c += 4) {
          const int n = VW_MIN(4, C - c);
          acc = wasm_f32x4_add(acc, wasm_f32x4_mul(loadw(w, c, n), loadx(xr, c, n, 0.f)));
        }
        smooth = spread * (l * wsum - hsum(acc));
      }
      loss[r] = keep * (w ? w[y] : 1.f) * (l - xr[y]) + smooth;
    } else {
      const float *tr = ts + (size_t)r * C;
      v128_t acc = wasm_f32x4_splat(0.f);
      for (int c = 0; c < C; c += 4) {
        const int n = VW_MIN(4, C - c);
        const v128_t wt = weighted_target(tr, w, c, n, keep, spread);
        // padded lanes: w = 0 with weights, else x = l so (l - x) = 0
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wt, wasm_f32x4_sub(lv, loadx(xr, c, n, l))));
      }
      loss[r] = hsum(acc);
    }
  }
}

VW_EXPORT void vw_f32_xent_grad(const float *x, const int32_t *ti, const float *ts, const float *w, const float *lse,
                                const float *g, float *gx, int rows, int C, float eps, int ignore) {
  float wsum = 0.f;
  for (int c = 0; c < C; c++) wsum += w ? w[c] : 1.f;
  const float keep = 1.f - eps, spread = eps / C;
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * C;
    float *gr = gx + (size_t)r * C;
    const v128_t lv = wasm_f32x4_splat(lse[r]), gv = wasm_f32x4_splat(g[r]);
    if (ti) {
      const int y = ti[r];
      if (y == ignore) { memset(gr, 0, (size_t)C * sizeof(float)); continue; }
      const float wy = w ? w[y] : 1.f;
      const v128_t a = wasm_f32x4_splat(keep * wy + spread * wsum), sp = wasm_f32x4_splat(spread);
      for (int c = 0; c < C; c += 4) {
        const int n = VW_MIN(4, C - c);
        const v128_t p = vw_v_exp(wasm_f32x4_sub(loadx(xr, c, n, 0.f), lv));
        const v128_t v = wasm_f32x4_mul(gv, wasm_f32x4_sub(wasm_f32x4_mul(p, a), wasm_f32x4_mul(sp, loadw(w, c, n))));
        if (n == 4) wasm_v128_store(gr + c, v); else store_part(gr + c, v, n);
      }
      gr[y] -= g[r] * keep * wy;
    } else {
      const float *tr = ts + (size_t)r * C;
      v128_t acc = wasm_f32x4_splat(0.f);
      for (int c = 0; c < C; c += 4) {
        const int n = VW_MIN(4, C - c);
        const v128_t wt = weighted_target(tr, w, c, n, keep, spread);
        acc = wasm_f32x4_add(acc, n == 4 ? wt : wasm_v128_and(wt, wasm_i32x4_gt(wasm_i32x4_splat(n), wasm_i32x4_make(0, 1, 2, 3))));
      }
      const v128_t a = wasm_f32x4_splat(hsum(acc));
      for (int c = 0; c < C; c += 4) {
        const int n = VW_MIN(4, C - c);
        const v128_t wt = weighted_target(tr, w, c, n, keep, spread);
        const v128_t p = vw_v_exp(wasm_f32x4_sub(loadx(xr, c, n, 0.f), lv));
        const v128_t v = wasm_f32x4_mul(gv, wasm_f32x4_sub(wasm_f32x4_mul(p, a), wt));
        if (n == 4) wasm_v128_store(gr + c, v); else store_part(gr + c, v, n);
      }
    }
  }
}

static inline v128_t bce4(v128_t x, v128_t t, v128_t lw) {
  const v128_t sp = vw_v_softplus(wasm_f32x4_neg(x));
  return wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sub(wasm_f32x4_splat(1.f), t), x), wasm_f32x4_mul(lw, sp));
}
static inline v128_t lw4(const float *pw, v128_t t, int i, int n) {
  if (!pw) return wasm_f32x4_splat(1.f);
  return wasm_f32x4_add(wasm_f32x4_splat(1.f), wasm_f32x4_mul(wasm_f32x4_sub(loadx(pw, i, n, 1.f), wasm_f32x4_splat(1.f)), t));
}

VW_EXPORT void vw_f32_bce_logits(const float *x, const float *t, const float *pw, float *loss, int n) {
  for (int i = 0; i < n; i += 4) {
    const int k = VW_MIN(4, n - i);
    const v128_t tv = loadx(t, i, k, 0.f);
    const v128_t v = bce4(loadx(x, i, k, 0.f), tv, lw4(pw, tv, i, k));
    if (k == 4) wasm_v128_store(loss + i, v); else store_part(loss + i, v, k);
  }
}

VW_EXPORT void vw_f32_bce_logits_grad(const float *x, const float *t, const float *pw, const float *g, float *gx, float *gt, int n) {
  const v128_t one = wasm_f32x4_splat(1.f);
  for (int i = 0; i < n; i += 4) {
    const int k = VW_MIN(4, n - i);
    const v128_t xv = loadx(x, i, k, 0.f), tv = loadx(t, i, k, 0.f), gv = loadx(g, i, k, 0.f);
    if (gx) {
      const v128_t v = wasm_f32x4_mul(gv, wasm_f32x4_sub(wasm_f32x4_sub(one, tv), wasm_f32x4_mul(lw4(pw, tv, i, k), vw_v_sigmoid(wasm_f32x4_neg(xv)))));
      if (k == 4) wasm_v128_store(gx + i, v); else store_part(gx + i, v, k);
    }
    if (gt) {
      v128_t d = wasm_f32x4_neg(xv);
      if (pw) d = wasm_f32x4_add(d, wasm_f32x4_mul(wasm_f32x4_sub(loadx(pw, i, k, 1.f), one), vw_v_softplus(wasm_f32x4_neg(xv))));
      const v128_t v = wasm_f32x4_mul(gv, d);
      if (k == 4) wasm_v128_store(gt + i, v); else store_part(gt + i, v, k);
    }
  }
}
