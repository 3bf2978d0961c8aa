// SIMD pooling kernels on channels-last storage (semantics: pool_scalar.c; layout: pool.h).
// Every output position owns a contiguous row of C outputs: the kernels sweep the window's
// taps and update that row 4 channels at a time, so every load and store is contiguous.
#include "pool.h"

VW_EXPORT void vw_f32_maxpool3d(const float *x, float *y, int32_t *arg, const int32_t *p) {
  const int N = p[VW_POOL_N], C = p[VW_POOL_C], T = p[VW_POOL_T], H = p[VW_POOL_H], W = p[VW_POOL_W], OT = p[VW_POOL_OT], OH = p[VW_POOL_OH], OW = p[VW_POOL_OW];
  size_t o = 0;
  for (int n = 0; n < N; n++) {
    const float *xn = x + (size_t)n * T * H * W * C;
    for (int ot = 0; ot < OT; ot++)
      for (int oh = 0; oh < OH; oh++)
        for (int ow = 0; ow < OW; ow++, o++) {
          const int t0 = ot * p[VW_POOL_ST] - p[VW_POOL_PT], h0 = oh * p[VW_POOL_SH] - p[VW_POOL_PH], w0 = ow * p[VW_POOL_SW] - p[VW_POOL_PW];
          float *yo = y + o * C;
          int32_t *ao = arg + o * C;
          int first = 1;
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
                const float *xp = xn + (size_t)pos * C;
                const v128_t vpos = wasm_i32x4_splat(pos);
                int c = 0;
                if (first) {  // the first tap in the window initialises value and index
                  for (; c + 4 <= C; c += 4) { wasm_v128_store(yo + c, wasm_v128_load(xp + c)); wasm_v128_store(ao + c, vpos); }
                  for (; c < C; c++) { yo[c] = xp[c]; ao[c] = pos; }
                  first = 0;
                  continue;
                }
                for (; c + 4 <= C; c += 4) {
                  const v128_t v = wasm_v128_load(xp + c), m = wasm_v128_load(yo + c);
                  // take v when larger, or NaN (NaN propagates, pointing at the last NaN as PyTorch)
                  const v128_t take = wasm_v128_or(wasm_f32x4_gt(v, m), wasm_f32x4_ne(v, v));
                  wasm_v128_store(yo + c, wasm_v128_bitselect(v, m, take));
                  wasm_v128_store(ao + c, wasm_v128_bitselect(vpos, wasm_v128_load(ao + c), take));
                }
                for (; c < C; c++) if (xp[c] > yo[c] || xp[c] != xp[c]) { yo[c] = xp[c]; ao[c] = pos; }
              }
            }
          }
          if (first) for (int c = 0; c < C; c++) { yo[c] = -__builtin_inff(); ao[c] = 0; }  // empty window
        }
  }
}

VW_EXPORT void vw_f32_maxpool3d_grad(const float *gy, const int32_t *arg, float *gx, const int32_t *p) {
  const int N = p[VW_POOL_N], C = p[VW_POOL_C], S = p[VW_POOL_T] * p[VW_POOL_H] * p[VW_POOL_W], OS = p[VW_POOL_OT] * p[VW_POOL_OH] * p[VW_POOL_OW];
  memset(gx, 0, (size_t)N * S * C * sizeof(float));
  // a scatter: lanes go to different rows, so this stays scalar (it is memory bound anyway)
  for (int n = 0; n < N; n++) {
    float *gn = gx + (size_t)n * S * C;
    for (int o = 0; o < OS; o++) {
      const size_t j = ((size_t)n * OS + o) * C;
      for (int c = 0; c < C; c++) gn[(size_t)arg[j + c] * C + c] += gy[j + c];
    }
  }
}

static inline void row_add(float *acc, const float *src, int C) {
  int c = 0;
  for (; c + 4 <= C; c += 4) wasm_v128_store(acc + c, wasm_f32x4_add(wasm_v128_load(acc + c), wasm_v128_load(src + c)));
  for (; c < C; c++) acc[c] += src[c];
}
static inline void row_scale(float *row, int C, float div) {
  // divide (not multiply by 1/div) so results match the twin bit for bit in the common cases
  const v128_t d = wasm_f32x4_splat(div);
  int c = 0;
  for (; c + 4 <= C; c += 4) wasm_v128_store(row + c, wasm_f32x4_div(wasm_v128_load(row + c), d));
  for (; c < C; c++) row[c] /= div;
}
static inline void row_axpy(float *dst, const float *src, int C, float div) {  // dst += src / div
  const v128_t d = wasm_f32x4_splat(div);
  int c = 0;
  for (; c + 4 <= C; c += 4) wasm_v128_store(dst + c, wasm_f32x4_add(wasm_v128_load(dst + c), wasm_f32x4_div(wasm_v128_load(src + c), d)));
  for (; c < C; c++) dst[c] += src[c] / div;
}

// Shared walk over output windows for avg / adaptive avg, forward (acc = y row) or backward.
static void avg_walk(const float *x, float *y, const int32_t *p, int adaptive, int backward) {
  const int N = p[VW_POOL_N], C = p[VW_POOL_C], T = p[VW_POOL_T], H = p[VW_POOL_H], W = p[VW_POOL_W], OT = p[VW_POOL_OT], OH = p[VW_POOL_OH], OW = p[VW_POOL_OW];
  if (backward) memset(y, 0, (size_t)N * T * H * W * C * sizeof(float));
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
          if (!backward) {
            // forward: x = input, y = output; sum the window's rows into the output row
            float *yo = y + o * C;
            memset(yo, 0, (size_t)C * sizeof(float));
            for (int t = t0; t < t1; t++)
              for (int h = h0; h < h1; h++)
                for (int w = w0; w < w1; w++) row_add(yo, x + ((((size_t)n * T + t) * H + h) * W + w) * C, C);
            row_scale(yo, C, div);
          } else {
            // backward: x = gy, y = gx; spread gy / div over the window
            const float *go = x + o * C;
            for (int t = t0; t < t1; t++)
              for (int h = h0; h < h1; h++)
                for (int w = w0; w < w1; w++) row_axpy(y + ((((size_t)n * T + t) * H + h) * W + w) * C, go, C, div);
          }
        }
}

VW_EXPORT void vw_f32_avgpool3d(const float *x, float *y, const int32_t *p) { avg_walk(x, y, p, 0, 0); }
VW_EXPORT void vw_f32_avgpool3d_grad(const float *gy, float *gx, const int32_t *p) { avg_walk(gy, gx, p, 0, 1); }
VW_EXPORT void vw_f32_adaptive_avgpool3d(const float *x, float *y, const int32_t *p) { avg_walk(x, y, p, 1, 0); }
VW_EXPORT void vw_f32_adaptive_avgpool3d_grad(const float *gy, float *gx, const int32_t *p) { avg_walk(gy, gx, p, 1, 1); }
