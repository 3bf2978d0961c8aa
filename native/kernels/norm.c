// SIMD normalisation kernels (semantics and layouts: norm_scalar.c). Batch norm rows are
// channels-last [M, C]: per-channel statistics accumulate 4 channels per vector along each row.
// Layer norm rows are [rows, D]: 4 elements per vector along the row.
#include "vw.h"

#define VW_NORM_BLOCK 256

static inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

// Rows per sub-block of the per-channel sums below: about 16 KB of each array, so the passes
// over the channel chunks of a sub-block read it from L1.
#define VW_NORM_SUB_FLOATS 4096

// Per-channel sums over rows [r0, r1) of x [., C] added into s: mode 0 adds x, mode 1 adds
// (x - mean)^2. Chunks of channels keep their sums in registers over the rows of a sub-block;
// every channel still receives its terms one row after another, the same float operations in
// the same order as a row-by-row loop over a memory accumulator (the same bits).
// (Measured on cache-cold data: faster for these one-array sums; the two-array grad reduce
// and the elementwise grad apply got slower this way, so they stay row by row.)
static inline void bn_chan_sums(int mode, const float *x, const float *mean, float *s, int r0, int r1, int C) {
  int R = VW_NORM_SUB_FLOATS / C;
  if (R < 1) R = 1;
  for (int a = r0; a < r1; a += R) {
    const int b = VW_MIN(r1, a + R);
    int c = 0;
    for (; c + 16 <= C; c += 16) {
      v128_t a0 = wasm_v128_load(s + c), a1 = wasm_v128_load(s + c + 4), a2 = wasm_v128_load(s + c + 8), a3 = wasm_v128_load(s + c + 12);
      const v128_t m0 = wasm_v128_load(mean + c), m1 = wasm_v128_load(mean + c + 4);
      const v128_t m2 = wasm_v128_load(mean + c + 8), m3 = wasm_v128_load(mean + c + 12);
      const float *xr = x + (size_t)a * C + c;
      for (int r = a; r < b; r++, xr += C) {
        v128_t v0 = wasm_v128_load(xr), v1 = wasm_v128_load(xr + 4), v2 = wasm_v128_load(xr + 8), v3 = wasm_v128_load(xr + 12);
        if (mode == 1) {
          v0 = wasm_f32x4_sub(v0, m0); v1 = wasm_f32x4_sub(v1, m1); v2 = wasm_f32x4_sub(v2, m2); v3 = wasm_f32x4_sub(v3, m3);
          v0 = wasm_f32x4_mul(v0, v0); v1 = wasm_f32x4_mul(v1, v1); v2 = wasm_f32x4_mul(v2, v2); v3 = wasm_f32x4_mul(v3, v3);
        }
        a0 = wasm_f32x4_add(a0, v0); a1 = wasm_f32x4_add(a1, v1); a2 = wasm_f32x4_add(a2, v2); a3 = wasm_f32x4_add(a3, v3);
      }
      wasm_v128_store(s + c, a0); wasm_v128_store(s + c + 4, a1); wasm_v128_store(s + c + 8, a2); wasm_v128_store(s + c + 12, a3);
    }
    for (; c + 4 <= C; c += 4) {
      v128_t a0 = wasm_v128_load(s + c);
      const v128_t m0 = wasm_v128_load(mean + c);
      const float *xr = x + (size_t)a * C + c;
      for (int r = a; r < b; r++, xr += C) {
        v128_t v0 = wasm_v128_load(xr);
        if (mode == 1) { v0 = wasm_f32x4_sub(v0, m0); v0 = wasm_f32x4_mul(v0, v0); }
        a0 = wasm_f32x4_add(a0, v0);
      }
      wasm_v128_store(s + c, a0);
    }
    for (; c < C; c++) {
      float t = s[c];
      for (int r = a; r < b; r++) {
        const float v = x[(size_t)r * C + c];
        t += mode == 1 ? (v - mean[c]) * (v - mean[c]) : v;
      }
      s[c] = t;
    }
  }
}

VW_EXPORT void vw_f32_bn_stats(const float *x, float *mean, float *var, float *scratch, int M, int C) {
  for (int pass = 0; pass < 2; pass++) {
    float *acc = pass ? var : mean;
    memset(acc, 0, (size_t)C * sizeof(float));
    for (int r0 = 0; r0 < M; r0 += VW_NORM_BLOCK) {
      memset(scratch, 0, (size_t)C * sizeof(float));
      const int r1 = VW_MIN(M, r0 + VW_NORM_BLOCK);
      if (pass) bn_chan_sums(1, x, mean, scratch, r0, r1, C);
      else bn_chan_sums(0, x, mean, scratch, r0, r1, C);
      int c = 0;
      for (; c + 4 <= C; c += 4) wasm_v128_store(acc + c, wasm_f32x4_add(wasm_v128_load(acc + c), wasm_v128_load(scratch + c)));
      for (; c < C; c++) acc[c] += scratch[c];
    }
    const v128_t m = wasm_f32x4_splat((float)M);
    int c = 0;
    for (; c + 4 <= C; c += 4) wasm_v128_store(acc + c, wasm_f32x4_div(wasm_v128_load(acc + c), m));
    for (; c < C; c++) acc[c] /= (float)M;
  }
}

VW_EXPORT void vw_f32_channel_affine(const float *x, float *y, const float *a, const float *b, int M, int C) {
  if (C == 1) {  // one channel: the rows are a flat vector
    const v128_t va = wasm_f32x4_splat(a[0]), vb = wasm_f32x4_splat(b[0]);
    int i = 0;
    for (; i + 4 <= M; i += 4) wasm_v128_store(y + i, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(x + i), va), vb));
    for (; i < M; i++) y[i] = x[i] * a[0] + b[0];
    return;
  }
  for (int r = 0; r < M; r++) {
    const float *xr = x + (size_t)r * C;
    float *yr = y + (size_t)r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4)
      wasm_v128_store(yr + c, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(xr + c), wasm_v128_load(a + c)), wasm_v128_load(b + c)));
    for (; c < C; c++) yr[c] = xr[c] * a[c] + b[c];
  }
}

VW_EXPORT void vw_f32_bn_grad_reduce(const float *x, const float *gy, const float *mean, float *sgy, float *sgyx,
                                     float *scratch, int M, int C) {
  memset(sgy, 0, (size_t)C * sizeof(float));
  memset(sgyx, 0, (size_t)C * sizeof(float));
  float *s1 = scratch, *s2 = scratch + C;
  for (int r0 = 0; r0 < M; r0 += VW_NORM_BLOCK) {
    memset(scratch, 0, (size_t)2 * C * sizeof(float));
    const int r1 = VW_MIN(M, r0 + VW_NORM_BLOCK);
    for (int r = r0; r < r1; r++) {
      const float *xr = x + (size_t)r * C, *gr = gy + (size_t)r * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        const v128_t g = wasm_v128_load(gr + c);
        wasm_v128_store(s1 + c, wasm_f32x4_add(wasm_v128_load(s1 + c), g));
        const v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c));
        wasm_v128_store(s2 + c, wasm_f32x4_add(wasm_v128_load(s2 + c), wasm_f32x4_mul(g, d)));
      }
      for (; c < C; c++) { s1[c] += gr[c]; s2[c] += gr[c] * (xr[c] - mean[c]); }
    }
    for (int c = 0; c < C; c++) { sgy[c] += s1[c]; sgyx[c] += s2[c]; }
  }
}

VW_EXPORT void vw_f32_bn_grad_apply(const float *gy, const float *x, float *gx, const float *a, const float *b, const float *d,
                                    int M, int C) {
  for (int r = 0; r < M; r++) {
    const size_t o = (size_t)r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      const v128_t v = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(gy + o + c), wasm_v128_load(a + c)),
                                                     wasm_f32x4_mul(wasm_v128_load(x + o + c), wasm_v128_load(b + c))),
                                      wasm_v128_load(d + c));
      wasm_v128_store(gx + o + c, v);
    }
    for (; c < C; c++) gx[o + c] = gy[o + c] * a[c] + x[o + c] * b[c] + d[c];
  }
}

VW_EXPORT void vw_f32_layernorm(const float *x, float *y, const float *w, const float *b, float *mean, float *rstd,
                                int rows, int D, float eps) {
  const v128_t one = wasm_f32x4_splat(1.f), zero = wasm_f32x4_splat(0.f);
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * D;
    float *yr = y + (size_t)r * D;
    v128_t vs = zero;
    int i = 0;
    for (; i + 4 <= D; i += 4) vs = wasm_f32x4_add(vs, wasm_v128_load(xr + i));
    float s = hsum(vs);
    for (; i < D; i++) s += xr[i];
    const float m = s / (float)D;
    const v128_t mv = wasm_f32x4_splat(m);
    v128_t vv = zero;
    for (i = 0; i + 4 <= D; i += 4) { const v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + i), mv); vv = wasm_f32x4_add(vv, wasm_f32x4_mul(d, d)); }
    float v = hsum(vv);
    for (; i < D; i++) v += (xr[i] - m) * (xr[i] - m);
    const float rs = 1.f / __builtin_sqrtf(v / (float)D + eps);
    mean[r] = m;
    rstd[r] = rs;
    const v128_t rv = wasm_f32x4_splat(rs);
    for (i = 0; i + 4 <= D; i += 4) {
      const v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + i), mv), rv);
      wasm_v128_store(yr + i, wasm_f32x4_add(wasm_f32x4_mul(xh, w ? wasm_v128_load(w + i) : one), b ? wasm_v128_load(b + i) : zero));
    }
    for (; i < D; i++) yr[i] = (xr[i] - m) * rs * (w ? w[i] : 1.f) + (b ? b[i] : 0.f);
  }
}

VW_EXPORT void vw_f32_layernorm_grad(const float *x, const float *gy, const float *w, const float *mean, const float *rstd,
                                     float *gx, float *gw, float *gb, int rows, int D) {
  const v128_t one = wasm_f32x4_splat(1.f), zero = wasm_f32x4_splat(0.f);
  if (gw) memset(gw, 0, (size_t)D * sizeof(float));
  if (gb) memset(gb, 0, (size_t)D * sizeof(float));
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * D, *gr = gy + (size_t)r * D;
    float *out = gx + (size_t)r * D;
    const v128_t mv = wasm_f32x4_splat(mean[r]), rv = wasm_f32x4_splat(rstd[r]);
    v128_t vsg = zero, vsgx = zero;
    int i = 0;
    for (; i + 4 <= D; i += 4) {
      const v128_t gyv = wasm_v128_load(gr + i);
      const v128_t g = wasm_f32x4_mul(gyv, w ? wasm_v128_load(w + i) : one);
      const v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + i), mv), rv);
      vsg = wasm_f32x4_add(vsg, g);
      vsgx = wasm_f32x4_add(vsgx, wasm_f32x4_mul(g, xh));
      if (gw) wasm_v128_store(gw + i, wasm_f32x4_add(wasm_v128_load(gw + i), wasm_f32x4_mul(gyv, xh)));
      if (gb) wasm_v128_store(gb + i, wasm_f32x4_add(wasm_v128_load(gb + i), gyv));
    }
    float sg = hsum(vsg), sgx = hsum(vsgx);
    for (; i < D; i++) {
      const float g = gr[i] * (w ? w[i] : 1.f), xh = (xr[i] - mean[r]) * rstd[r];
      sg += g;
      sgx += g * xh;
      if (gw) gw[i] += gr[i] * xh;
      if (gb) gb[i] += gr[i];
    }
    sg /= (float)D;
    sgx /= (float)D;
    const v128_t sgv = wasm_f32x4_splat(sg), sgxv = wasm_f32x4_splat(sgx);
    for (i = 0; i + 4 <= D; i += 4) {
      const v128_t g = wasm_f32x4_mul(wasm_v128_load(gr + i), w ? wasm_v128_load(w + i) : one);
      const v128_t xh = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + i), mv), rv);
      wasm_v128_store(out + i, wasm_f32x4_mul(rv, wasm_f32x4_sub(wasm_f32x4_sub(g, sgv), wasm_f32x4_mul(xh, sgxv))));
    }
    for (; i < D; i++) {
      const float g = gr[i] * (w ? w[i] : 1.f), xh = (xr[i] - mean[r]) * rstd[r];
      out[i] = rstd[r] * (g - sg - xh * sgx);
    }
  }
}
