// Scalar twins of the spectrogram and mel kernels (the reference; see melspec_impl.h).
#include "vw.h"
#include <math.h>

static void ms_stage(float *re, float *im, int m, int h, const float *twr, const float *twi) {
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
}

static void ms_combine(const float *yr, const float *yi, int p, int q, int nf, int nfp,
                       const float *wr, const float *wi, float *xr, float *xi) {
  (void)nfp;
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
}

static void ms_mel_row(const float *s, int nf, const float *fb, int nm, float *o, int logmode, float eps) {
  for (int k = 0; k < nm; k++) {
    float acc = 0.f;
    for (int f = 0; f < nf; f++) acc += s[f] * fb[(size_t)f * nm + k];
    if (logmode == 1) acc = logf(acc + eps);
    else if (logmode >= 2) acc = logf(acc > eps ? acc : eps);
    o[k] = acc;
  }
}

#include "melspec_impl.h"

VW_EXPORT void vw_f32_spectrogram_scalar(const int32_t *p) { ms_spectrogram(p); }
VW_EXPORT void vw_f32_melspec_apply_scalar(const int32_t *p) { ms_mel(p); }
