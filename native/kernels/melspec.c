// Spectrogram (framing, periodic window, real FFT, power) and mel filterbank + log, SIMD:
// FFT butterflies 4 at a time from the stage of half-span 4 on, and the filterbank product
// 4 mel bins at a time. Same arithmetic per element as the scalar twin (wasm has no fused
// multiply-add), so spectrograms are bit-identical; only the SIMD log differs (a few ulp).
#include "vw.h"
#include "vmath.h"

static void ms_stage(float *re, float *im, int m, int h, const float *twr, const float *twi) {
  if (h < 4) {
    for (int b = 0; b < m; b += 2 * h) {
      for (int j = 0; j < h; j++) {
        const int u = b + j, v = u + h;
        const float tr = re[v] * twr[j] - im[v] * twi[j];
        const float ti = re[v] * twi[j] + im[v] * twr[j];
        const float ur = re[u], ui = im[u];
        re[u] = ur + tr; im[u] = ui + ti;
        re[v] = ur - tr; im[v] = ui - ti;
      }
    }
    return;
  }
  for (int b = 0; b < m; b += 2 * h) {
    for (int j = 0; j < h; j += 4) {
      const int u = b + j, v = u + h;
      const v128_t wr = wasm_v128_load(twr + j), wi = wasm_v128_load(twi + j);
      const v128_t vr = wasm_v128_load(re + v), vi = wasm_v128_load(im + v);
      const v128_t tr = wasm_f32x4_sub(wasm_f32x4_mul(vr, wr), wasm_f32x4_mul(vi, wi));
      const v128_t ti = wasm_f32x4_add(wasm_f32x4_mul(vr, wi), wasm_f32x4_mul(vi, wr));
      const v128_t ur = wasm_v128_load(re + u), ui = wasm_v128_load(im + u);
      wasm_v128_store(re + u, wasm_f32x4_add(ur, tr)); wasm_v128_store(im + u, wasm_f32x4_add(ui, ti));
      wasm_v128_store(re + v, wasm_f32x4_sub(ur, tr)); wasm_v128_store(im + v, wasm_f32x4_sub(ui, ti));
    }
  }
}

// Recombination 4 bins at a time: with p a multiple of 4, k..k+3 never wrap around p.
static void ms_combine(const float *yr, const float *yi, int p, int q, int nf, int nfp,
                       const float *wr, const float *wi, float *xr, float *xi) {
  if (p % 4 != 0) {
    for (int k = 0; k < nf; k++) { xr[k] = 0.f; xi[k] = 0.f; }
    for (int r = 0; r < q; r++) {
      const float *Yr = yr + (size_t)r * p, *Yi = yi + (size_t)r * p;
      const float *Wr = wr + (size_t)r * nfp, *Wi = wi + (size_t)r * nfp;
      for (int k = 0; k < nf; k++) {
        const int j = k % p;
        xr[k] = xr[k] + (Yr[j] * Wr[k] - Yi[j] * Wi[k]);
        xi[k] = xi[k] + (Yr[j] * Wi[k] + Yi[j] * Wr[k]);
      }
    }
    return;
  }
  for (int k = 0; k < nfp; k += 4) {
    v128_t ar = wasm_f32x4_splat(0.f), ai = wasm_f32x4_splat(0.f);
    const int j = k % p;
    for (int r = 0; r < q; r++) {
      const v128_t y0 = wasm_v128_load(yr + (size_t)r * p + j), y1 = wasm_v128_load(yi + (size_t)r * p + j);
      const v128_t w0 = wasm_v128_load(wr + (size_t)r * nfp + k), w1 = wasm_v128_load(wi + (size_t)r * nfp + k);
      ar = wasm_f32x4_add(ar, wasm_f32x4_sub(wasm_f32x4_mul(y0, w0), wasm_f32x4_mul(y1, w1)));
      ai = wasm_f32x4_add(ai, wasm_f32x4_add(wasm_f32x4_mul(y0, w1), wasm_f32x4_mul(y1, w0)));
    }
    wasm_v128_store(xr + k, ar);
    wasm_v128_store(xi + k, ai);
  }
}

static inline v128_t ms_vlog(v128_t acc, int logmode, float eps) {
  const v128_t e = wasm_f32x4_splat(eps);
  if (logmode == 1) return vw_v_log(wasm_f32x4_add(acc, e));
  if (logmode >= 2) return vw_v_log(wasm_v128_bitselect(acc, e, wasm_f32x4_gt(acc, e)));
  return acc;
}

static void ms_mel_row(const float *s, int nf, const float *fb, int nm, float *o, int logmode, float eps) {
  int k = 0;
  for (; k + 4 <= nm; k += 4) {
    v128_t acc = wasm_f32x4_splat(0.f);
    for (int f = 0; f < nf; f++) {
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(s[f]), wasm_v128_load(fb + (size_t)f * nm + k)));
    }
    wasm_v128_store(o + k, ms_vlog(acc, logmode, eps));
  }
  if (k < nm) {
    // the last 1-3 bins through a padded lane group
    float acc[4] = {0.f, 0.f, 0.f, 0.f}, tmp[4];
    for (int f = 0; f < nf; f++) {
      for (int q = 0; k + q < nm; q++) acc[q] += s[f] * fb[(size_t)f * nm + k + q];
    }
    for (int q = nm - k; q < 4; q++) acc[q] = 1.f;
    wasm_v128_store(tmp, ms_vlog(wasm_v128_load(acc), logmode, eps));
    for (int q = 0; k + q < nm; q++) o[k + q] = tmp[q];
  }
}

#include "melspec_impl.h"

VW_EXPORT void vw_f32_spectrogram(const int32_t *p) { ms_spectrogram(p); }
VW_EXPORT void vw_f32_melspec_apply(const int32_t *p) { ms_mel(p); }
