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

static inline v128_t ms_vlog(v128_t acc, int logmode, float eps) {
  const v128_t e = wasm_f32x4_splat(eps);
  if (logmode == 1) return vw_v_log(wasm_f32x4_add(acc, e));
  if (logmode == 2) return vw_v_log(wasm_v128_bitselect(acc, e, wasm_f32x4_gt(acc, e)));
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
