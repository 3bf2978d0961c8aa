// RoIAlign forward/backward (torchvision.ops.roi_align semantics), SIMD over channels when the
// channel stride of x and y is 1 (channels_last storage); other layouts take a strided loop.
// Geometry in roi_align.h; the per-channel arithmetic keeps torchvision's order:
//   out = sum over samples of (((w1*v1 + w2*v2) + w3*v3) + w4*v4), then / count;
//   grad at each corner += (gy * w) / count.
#include "roi_align.h"

VW_EXPORT void vw_f32_roi_align(const float *x, const float *rois, float *y, const int32_t *p, float spatial_scale) {
  const int32_t C = p[1], K = p[4], PH = p[5], PW = p[6];
  const int32_t xsN = p[9], xsC = p[10], ysK = p[13], ysC = p[14], ysH = p[15], ysW = p[16];
  const int vec = xsC == 1 && ysC == 1;
  for (int32_t k = 0; k < K; k++) {
    const vw_roi_t g = vw_roi_geometry(rois + 5 * k, p, spatial_scale);
    const float *xb = x + (size_t)g.b * xsN;
    const int32_t cnt = g.grid_h * g.grid_w;
    const float count = (float)(cnt > 1 ? cnt : 1);
    for (int32_t ph = 0; ph < PH; ph++)
      for (int32_t pw = 0; pw < PW; pw++) {
        float *out = y + (size_t)k * ysK + (size_t)ph * ysH + (size_t)pw * ysW;
        for (int32_t c = 0; c < C; c++) out[(size_t)c * ysC] = 0.f;
        for (int32_t iy = 0; iy < g.grid_h; iy++) {
          const float yy = vw_roi_y(&g, ph, iy);
          for (int32_t ix = 0; ix < g.grid_w; ix++) {
            float w[4];
            int32_t off[4];
            if (!vw_roi_sample(yy, vw_roi_x(&g, pw, ix), p, w, off)) continue;
            const float *s0 = xb + off[0], *s1 = xb + off[1], *s2 = xb + off[2], *s3 = xb + off[3];
            int32_t c = 0;
            if (vec) {
              const v128_t w0 = wasm_f32x4_splat(w[0]), w1 = wasm_f32x4_splat(w[1]);
              const v128_t w2 = wasm_f32x4_splat(w[2]), w3 = wasm_f32x4_splat(w[3]);
              for (; c + 4 <= C; c += 4) {
                v128_t v = wasm_f32x4_add(wasm_f32x4_mul(w0, wasm_v128_load(s0 + c)), wasm_f32x4_mul(w1, wasm_v128_load(s1 + c)));
                v = wasm_f32x4_add(v, wasm_f32x4_mul(w2, wasm_v128_load(s2 + c)));
                v = wasm_f32x4_add(v, wasm_f32x4_mul(w3, wasm_v128_load(s3 + c)));
                wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c), v));
              }
            }
            for (; c < C; c++) {
              const size_t o = (size_t)c * xsC;
              out[(size_t)c * ysC] += w[0] * s0[o] + w[1] * s1[o] + w[2] * s2[o] + w[3] * s3[o];
            }
          }
        }
        int32_t c = 0;
        if (vec) {
          const v128_t cv = wasm_f32x4_splat(count);
          for (; c + 4 <= C; c += 4) wasm_v128_store(out + c, wasm_f32x4_div(wasm_v128_load(out + c), cv));
        }
        for (; c < C; c++) out[(size_t)c * ysC] /= count;
      }
  }
}

// gx (zeroed by the caller) += d(sum(y * gy))/dx.
VW_EXPORT void vw_f32_roi_align_backward(const float *gy, const float *rois, float *gx, const int32_t *p, float spatial_scale) {
  const int32_t C = p[1], K = p[4], PH = p[5], PW = p[6];
  const int32_t xsN = p[9], xsC = p[10], ysK = p[13], ysC = p[14], ysH = p[15], ysW = p[16];
  const int vec = xsC == 1 && ysC == 1;
  for (int32_t k = 0; k < K; k++) {
    const vw_roi_t g = vw_roi_geometry(rois + 5 * k, p, spatial_scale);
    float *gb = gx + (size_t)g.b * xsN;
    const float count = (float)(g.grid_h * g.grid_w);
    for (int32_t ph = 0; ph < PH; ph++)
      for (int32_t pw = 0; pw < PW; pw++) {
        const float *go = gy + (size_t)k * ysK + (size_t)ph * ysH + (size_t)pw * ysW;
        for (int32_t iy = 0; iy < g.grid_h; iy++) {
          const float yy = vw_roi_y(&g, ph, iy);
          for (int32_t ix = 0; ix < g.grid_w; ix++) {
            float w[4];
            int32_t off[4];
            if (!vw_roi_sample(yy, vw_roi_x(&g, pw, ix), p, w, off)) continue;
            for (int q = 0; q < 4; q++) {
              float *d = gb + off[q];
              int32_t c = 0;
              if (vec) {
                const v128_t wv = wasm_f32x4_splat(w[q]), cv = wasm_f32x4_splat(count);
                for (; c + 4 <= C; c += 4)
                  wasm_v128_store(d + c, wasm_f32x4_add(wasm_v128_load(d + c), wasm_f32x4_div(wasm_f32x4_mul(wasm_v128_load(go + c), wv), cv)));
              }
              for (; c < C; c++) d[(size_t)c * xsC] += go[(size_t)c * ysC] * w[q] / count;
            }
          }
        }
      }
  }
}
