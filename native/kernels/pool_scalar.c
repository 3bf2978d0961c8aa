// Scalar twins of the pooling kernels (max, avg, adaptive avg; forward and backward), the
// reference for their semantics (PyTorch's max_pool3d / avg_pool3d / adaptive_avg_pool3d).
// Layout and parameter block: pool.h. Max-pool indices are flat t*H*W + h*W + w within a
// sample and channel, as PyTorch's return_indices gives them.
#include "pool.h"

VW_EXPORT void vw_f32_maxpool3d_scalar(const float *x, float *y, int32_t *arg, const int32_t *p) {
  const int N = p[VW_POOL_N], C = p[VW_POOL_C], T = p[VW_POOL_T], H = p[VW_POOL_H], W = p[VW_POOL_W], OT = p[VW_POOL_OT], OH = p[VW_POOL_OH], OW = p[VW_POOL_OW];
  size_t o = 0;
  for (int n = 0; n < N; n++)
    for (int ot = 0; ot < OT; ot++)
      for (int oh = 0; oh < OH; oh++)
        for (int ow = 0; ow < OW; ow++, o++) {
          const int t0 = ot * p[VW_POOL_ST] - p[VW_POOL_PT], h0 = oh * p[VW_POOL_SH] - p[VW_POOL_PH], w0 = ow * p[VW_POOL_SW] - p[VW_POOL_PW];
          for (int c = 0; c < C; c++) {
            float m = -__builtin_inff();
            int best = -1;
            for (int a = 0; a < p[VW_POOL_KT]; a++) {
              const int t = t0 + a * p[VW_POOL_DT];
              if (t < 0 || t >= T) continue;
              for (int b = 0; b < p[VW_POOL_KH]; b++) {
                const int h = h0 + b * p[VW_POOL_DH];
                if (h < 0 || h >= H) continue;
                for (int d = 0; d < p[VW_POOL_KW]; d++) {
                  const int w = w0 + d * p[VW_POOL_DW];
                  if (w < 0 || w >= W) continue;
                  const int pos = (t * H + h) * W + w;
                  const float v = x[((size_t)n * T * H * W + pos) * C + c];
                  if (best < 0) best = pos;  // the first tap in the window, as PyTorch initialises it
                  if (v > m || v != v) { m = v; best = pos; }
                }
              }
            }
            y[o * C + c] = m;
            arg[o * C + c] = best < 0 ? 0 : best;
          }
        }
}

// gx (zeroed here) += gy at each output's argmax.
VW_EXPORT void vw_f32_maxpool3d_grad_scalar(const float *gy, const int32_t *arg, float *gx, const int32_t *p) {
  const int N = p[VW_POOL_N], C = p[VW_POOL_C], S = p[VW_POOL_T] * p[VW_POOL_H] * p[VW_POOL_W], OS = p[VW_POOL_OT] * p[VW_POOL_OH] * p[VW_POOL_OW];
  for (size_t i = 0; i < (size_t)N * S * C; i++) gx[i] = 0.f;
  for (int n = 0; n < N; n++)
    for (int o = 0; o < OS; o++)
      for (int c = 0; c < C; c++) {
        const size_t j = ((size_t)n * OS + o) * C + c;
        gx[((size_t)n * S + arg[j]) * C + c] += gy[j];
      }
}

// The four average-pool kernels in one walk: the window is PyTorch's avg_pool3d window (padding,
// ceil mode, count_include_pad, divisor_override) or adaptive_avg_pool3d's; forward sums the window
// and divides, backward (gx zeroed here) adds gy / divisor to every element of the window.
static void avg_walk_scalar(const float *in, float *out, const int32_t *p, int adaptive, int backward) {
  const int N = p[VW_POOL_N], C = p[VW_POOL_C], T = p[VW_POOL_T], H = p[VW_POOL_H], W = p[VW_POOL_W], OT = p[VW_POOL_OT], OH = p[VW_POOL_OH], OW = p[VW_POOL_OW];
  if (backward)
    for (size_t i = 0; i < (size_t)N * T * H * W * C; i++) out[i] = 0.f;
  size_t o = 0;
  for (int n = 0; n < N; n++)
    for (int ot = 0; ot < OT; ot++)
      for (int oh = 0; oh < OH; oh++)
        for (int ow = 0; ow < OW; ow++, o++) {
          int t0, t1, h0, h1, w0, w1;
          float div;
          if (adaptive) {
            vw_adaptive_window(ot, OT, T, &t0, &t1);
            vw_adaptive_window(oh, OH, H, &h0, &h1);
            vw_adaptive_window(ow, OW, W, &w0, &w1);
            div = (float)((t1 - t0) * (h1 - h0) * (w1 - w0));
          } else {
            int pt, ph, pw;
            vw_avg_window(ot, p[VW_POOL_KT], p[VW_POOL_ST], p[VW_POOL_PT], T, &t0, &t1, &pt);
            vw_avg_window(oh, p[VW_POOL_KH], p[VW_POOL_SH], p[VW_POOL_PH], H, &h0, &h1, &ph);
            vw_avg_window(ow, p[VW_POOL_KW], p[VW_POOL_SW], p[VW_POOL_PW], W, &w0, &w1, &pw);
            div = (float)vw_avg_divisor(p, pt, ph, pw, t0, t1, h0, h1, w0, w1);
          }
          for (int c = 0; c < C; c++) {
            const float g = backward ? in[o * C + c] / div : 0.f;
            float s = 0.f;
            for (int t = t0; t < t1; t++)
              for (int h = h0; h < h1; h++)
                for (int w = w0; w < w1; w++) {
                  const size_t i = ((((size_t)n * T + t) * H + h) * W + w) * C + c;
                  if (backward) out[i] += g; else s += in[i];
                }
            if (!backward) out[o * C + c] = s / div;
          }
        }
}

VW_EXPORT void vw_f32_avgpool3d_scalar(const float *x, float *y, const int32_t *p) { avg_walk_scalar(x, y, p, 0, 0); }
VW_EXPORT void vw_f32_avgpool3d_grad_scalar(const float *gy, float *gx, const int32_t *p) { avg_walk_scalar(gy, gx, p, 0, 1); }
VW_EXPORT void vw_f32_adaptive_avgpool3d_scalar(const float *x, float *y, const int32_t *p) { avg_walk_scalar(x, y, p, 1, 0); }
VW_EXPORT void vw_f32_adaptive_avgpool3d_grad_scalar(const float *gy, float *gx, const int32_t *p) { avg_walk_scalar(gy, gx, p, 1, 1); }
