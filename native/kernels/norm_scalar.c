// Scalar twins of the normalisation kernels.
//
// Batch norm works on channels-last rows: x is [M, C] (M = N * T * H * W, or N for [N, C]) and
// every statistic is per channel. Sums run over blocks of VW_NORM_BLOCK rows whose partial sums
// are then added, so the float rounding error grows with BLOCK + M / BLOCK, not with M.
// Layer norm works on contiguous rows: x is [rows, D], normalised over D.
#include "vw.h"
#include <math.h>

#define VW_NORM_BLOCK 256

// mean[c] and biased var[c] over the M rows; scratch holds C floats.
VW_EXPORT void vw_f32_bn_stats_scalar(const float *x, float *mean, float *var, float *scratch, int M, int C) {
  for (int pass = 0; pass < 2; pass++) {
    float *acc = pass ? var : mean;
    for (int c = 0; c < C; c++) acc[c] = 0.f;
    for (int r0 = 0; r0 < M; r0 += VW_NORM_BLOCK) {
      for (int c = 0; c < C; c++) scratch[c] = 0.f;
      for (int r = r0; r < VW_MIN(M, r0 + VW_NORM_BLOCK); r++) {
        const float *xr = x + (size_t)r * C;
        for (int c = 0; c < C; c++) {
          const float v = pass ? (xr[c] - mean[c]) * (xr[c] - mean[c]) : xr[c];
          scratch[c] += v;
        }
      }
      for (int c = 0; c < C; c++) acc[c] += scratch[c];
    }
    for (int c = 0; c < C; c++) acc[c] /= (float)M;
  }
}

// y = x * a[c] + b[c]
VW_EXPORT void vw_f32_channel_affine_scalar(const float *x, float *y, const float *a, const float *b, int M, int C) {
  for (int r = 0; r < M; r++)
    for (int c = 0; c < C; c++) y[(size_t)r * C + c] = x[(size_t)r * C + c] * a[c] + b[c];
}

// sgy[c] = sum gy, sgyx[c] = sum gy * (x - mean[c]); scratch holds 2C floats.
VW_EXPORT void vw_f32_bn_grad_reduce_scalar(const float *x, const float *gy, const float *mean, float *sgy, float *sgyx,
                                            float *scratch, int M, int C) {
  for (int c = 0; c < C; c++) { sgy[c] = 0.f; sgyx[c] = 0.f; }
  for (int r0 = 0; r0 < M; r0 += VW_NORM_BLOCK) {
    for (int c = 0; c < 2 * C; c++) scratch[c] = 0.f;
    for (int r = r0; r < VW_MIN(M, r0 + VW_NORM_BLOCK); r++) {
      const float *xr = x + (size_t)r * C, *gr = gy + (size_t)r * C;
      for (int c = 0; c < C; c++) {
        scratch[c] += gr[c];
        scratch[C + c] += gr[c] * (xr[c] - mean[c]);
      }
    }
    for (int c = 0; c < C; c++) { sgy[c] += scratch[c]; sgyx[c] += scratch[C + c]; }
  }
}

// gx = gy * a[c] + x * b[c] + d[c]
VW_EXPORT void vw_f32_bn_grad_apply_scalar(const float *gy, const float *x, float *gx, const float *a, const float *b, const float *d,
                                           int M, int C) {
  for (int r = 0; r < M; r++)
    for (int c = 0; c < C; c++) {
      const size_t i = (size_t)r * C + c;
      gx[i] = gy[i] * a[c] + x[i] * b[c] + d[c];
    }
}

// y = (x - mean) * rstd * w + b per row; w, b optional (null). mean / rstd saved per row.
VW_EXPORT void vw_f32_layernorm_scalar(const float *x, float *y, const float *w, const float *b, float *mean, float *rstd,
                                       int rows, int D, float eps) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * D;
    float *yr = y + (size_t)r * D;
    float s = 0.f;
    for (int i = 0; i < D; i++) s += xr[i];
    const float m = s / (float)D;
    float v = 0.f;
    for (int i = 0; i < D; i++) v += (xr[i] - m) * (xr[i] - m);
    const float rs = 1.f / sqrtf(v / (float)D + eps);
    mean[r] = m;
    rstd[r] = rs;
    for (int i = 0; i < D; i++) yr[i] = (xr[i] - m) * rs * (w ? w[i] : 1.f) + (b ? b[i] : 0.f);
  }
}

// gx = rstd (g - mean(g) - xhat mean(g xhat)) with g = gy w; gw = sum_rows gy xhat, gb = sum_rows gy
// (gw / gb optional, overwritten).
VW_EXPORT void vw_f32_layernorm_grad_scalar(const float *x, const float *gy, const float *w, const float *mean, const float *rstd,
                                            float *gx, float *gw, float *gb, int rows, int D) {
  if (gw) for (int i = 0; i < D; i++) gw[i] = 0.f;
  if (gb) for (int i = 0; i < D; i++) gb[i] = 0.f;
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * D, *gr = gy + (size_t)r * D;
    float *out = gx + (size_t)r * D;
    const float m = mean[r], rs = rstd[r];
    float sg = 0.f, sgx = 0.f;
    for (int i = 0; i < D; i++) {
      const float g = gr[i] * (w ? w[i] : 1.f), xh = (xr[i] - m) * rs;
      sg += g;
      sgx += g * xh;
      if (gw) gw[i] += gr[i] * xh;
      if (gb) gb[i] += gr[i];
    }
    sg /= (float)D;
    sgx /= (float)D;
    for (int i = 0; i < D; i++) {
      const float g = gr[i] * (w ? w[i] : 1.f), xh = (xr[i] - m) * rs;
      out[i] = rs * (g - sg - xh * sgx);
    }
  }
}
