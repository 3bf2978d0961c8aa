// Scalar twins of the loss kernels: fused softmax cross-entropy and BCE-with-logits.
//
// Cross-entropy (torch.nn.functional.cross_entropy semantics, PyTorch >= 1.10), logits x as
// [rows, C] (classes contiguous), per-row outputs; the TS op does the reduction:
//  - class targets ti (i32, one per row), optional class weights w, label smoothing eps:
//      loss = (1 - eps) w[y] (lse - x[y]) + eps / C * sum_c w[c] (lse - x[c]);  0 when y == ignore
//  - soft targets ts (f32 [rows, C]): t' = (1 - eps) t + eps / C,
//      loss = sum_c w[c] t'[c] (lse - x[c])
// lse (log-sum-exp of each row) is saved for the backward kernel.
#include "vw.h"
#include <math.h>

static float row_lse(const float *x, int C) {
  float m = -INFINITY;
  for (int c = 0; c < C; c++) m = x[c] > m || x[c] != x[c] ? x[c] : m;
  float s = 0.f;
  for (int c = 0; c < C; c++) s += expf(x[c] - m);
  return m + logf(s);
}

VW_EXPORT void vw_f32_xent_scalar(const float *x, const int32_t *ti, const float *ts, const float *w, float *lse, float *loss,
                                  int rows, int C, float eps, int ignore) {
  float wsum = 0.f;
  for (int c = 0; c < C; c++) wsum += w ? w[c] : 1.f;
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * C;
    const float l = row_lse(xr, C);
    lse[r] = l;
    if (ti) {
      const int y = ti[r];
      if (y == ignore) { loss[r] = 0.f; continue; }
      float swx = 0.f;
      if (eps != 0.f) for (int c = 0; c < C; c++) swx += (w ? w[c] : 1.f) * xr[c];
      const float wy = w ? w[y] : 1.f;
      loss[r] = (1.f - eps) * wy * (l - xr[y]) + (eps != 0.f ? eps / C * (l * wsum - swx) : 0.f);
    } else {
      const float *tr = ts + (size_t)r * C;
      float s = 0.f;
      for (int c = 0; c < C; c++) s += (w ? w[c] : 1.f) * ((1.f - eps) * tr[c] + eps / C) * (l - xr[c]);
      loss[r] = s;
    }
  }
}

// gx = g[r] * d loss[r] / d x, with p = softmax(x) = exp(x - lse).
VW_EXPORT void vw_f32_xent_grad_scalar(const float *x, const int32_t *ti, const float *ts, const float *w, const float *lse,
                                       const float *g, float *gx, int rows, int C, float eps, int ignore) {
  float wsum = 0.f;
  for (int c = 0; c < C; c++) wsum += w ? w[c] : 1.f;
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * C;
    float *gr = gx + (size_t)r * C;
    if (ti) {
      const int y = ti[r];
      if (y == ignore) { for (int c = 0; c < C; c++) gr[c] = 0.f; continue; }
      const float wy = w ? w[y] : 1.f;
      const float a = (1.f - eps) * wy + eps / C * wsum;
      for (int c = 0; c < C; c++) gr[c] = g[r] * (expf(xr[c] - lse[r]) * a - eps / C * (w ? w[c] : 1.f));
      gr[y] -= g[r] * (1.f - eps) * wy;
    } else {
      const float *tr = ts + (size_t)r * C;
      float a = 0.f;
      for (int c = 0; c < C; c++) a += (w ? w[c] : 1.f) * ((1.f - eps) * tr[c] + eps / C);
      for (int c = 0; c < C; c++) {
        const float wt = (w ? w[c] : 1.f) * ((1.f - eps) * tr[c] + eps / C);
        gr[c] = g[r] * (expf(xr[c] - lse[r]) * a - wt);
      }
    }
  }
}

// BCE with logits, elementwise and numerically stable:
//   loss = (1 - t) x + lw softplus(-x),  lw = 1 + (pos_weight - 1) t  (lw = 1 without pos_weight)
// with softplus(-x) = max(-x, 0) + log1p(exp(-|x|)).
static float softplus_neg(float x) { return fmaxf(-x, 0.f) + log1pf(expf(-fabsf(x))); }

VW_EXPORT void vw_f32_bce_logits_scalar(const float *x, const float *t, const float *pw, float *loss, int n) {
  for (int i = 0; i < n; i++) {
    const float lw = pw ? 1.f + (pw[i] - 1.f) * t[i] : 1.f;
    loss[i] = (1.f - t[i]) * x[i] + lw * softplus_neg(x[i]);
  }
}

// gx = g ((1 - t) - lw sigmoid(-x)); gt (optional) = g (-x + (pos_weight - 1) softplus(-x)).
VW_EXPORT void vw_f32_bce_logits_grad_scalar(const float *x, const float *t, const float *pw, const float *g, float *gx, float *gt, int n) {
  for (int i = 0; i < n; i++) {
    const float lw = pw ? 1.f + (pw[i] - 1.f) * t[i] : 1.f;
    const float sneg = 1.f / (1.f + expf(x[i]));  // sigmoid(-x)
    if (gx) gx[i] = g[i] * ((1.f - t[i]) - lw * sneg);
    if (gt) gt[i] = g[i] * (-x[i] + (pw ? (pw[i] - 1.f) * softplus_neg(x[i]) : 0.f));
  }
}
