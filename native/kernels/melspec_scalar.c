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

static void ms_mel_row(const float *s, int nf, const float *fb, int nm, float *o, int logmode, float eps) {
  for (int k = 0; k < nm; k++) {
    float acc = 0.f;
    for (int f = 0; f < nf; f++) acc += s[f] * fb[(size_t)f * nm + k];
    if (logmode == 1) acc = logf(acc + eps);
    else if (logmode == 2) acc = logf(acc > eps ? acc : eps);
    o[k] = acc;
  }
}

#include "melspec_impl.h"

VW_EXPORT void vw_f32_spectrogram_scalar(const int32_t *p) { ms_spectrogram(p); }
VW_EXPORT void vw_f32_melspec_apply_scalar(const int32_t *p) { ms_mel(p); }
