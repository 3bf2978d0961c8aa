// Scalar twin of roi_align.c: the same geometry (roi_align.h), one channel at a time.
#include "roi_align.h"

// Forward (y = the mean of the bilinear samples in each bin) and backward (gx, zeroed by the
// caller, += gy * w / count at each sample's corners) walk the same bins and samples.
static void roi_walk_scalar(const float *in, const float *rois, float *out, const int32_t *p, float spatial_scale, int backward) {
  const int32_t C = p[1], K = p[4], PH = p[5], PW = p[6];
  const int32_t xsN = p[9], xsC = p[10], ysK = p[13], ysC = p[14], ysH = p[15], ysW = p[16];
  for (int32_t k = 0; k < K; k++) {
    const vw_roi_t g = vw_roi_geometry(rois + 5 * k, p, spatial_scale);
    const int32_t cnt = g.grid_h * g.grid_w;
    const float count = (float)(cnt > 1 || backward ? cnt : 1);
    for (int32_t c = 0; c < C; c++) {
      const size_t xo = (size_t)g.b * xsN + (size_t)c * xsC;
      for (int32_t ph = 0; ph < PH; ph++)
        for (int32_t pw = 0; pw < PW; pw++) {
          const size_t yo = (size_t)k * ysK + (size_t)c * ysC + (size_t)ph * ysH + (size_t)pw * ysW;
          float acc = 0.f;
          for (int32_t iy = 0; iy < g.grid_h; iy++) {
            const float yy = vw_roi_y(&g, ph, iy);
            for (int32_t ix = 0; ix < g.grid_w; ix++) {
              float w[4];
              int32_t off[4];
              if (!vw_roi_sample(yy, vw_roi_x(&g, pw, ix), p, w, off)) continue;
              if (backward) {
                for (int q = 0; q < 4; q++) out[xo + off[q]] += in[yo] * w[q] / count;
              } else {
                const float *xc = in + xo;
                acc += w[0] * xc[off[0]] + w[1] * xc[off[1]] + w[2] * xc[off[2]] + w[3] * xc[off[3]];
              }
            }
          }
          if (!backward) out[yo] = acc / count;
        }
    }
  }
}

VW_EXPORT void vw_f32_roi_align_scalar(const float *x, const float *rois, float *y, const int32_t *p, float spatial_scale) {
  roi_walk_scalar(x, rois, y, p, spatial_scale, 0);
}
VW_EXPORT void vw_f32_roi_align_backward_scalar(const float *gy, const float *rois, float *gx, const int32_t *p, float spatial_scale) {
  roi_walk_scalar(gy, rois, gx, p, spatial_scale, 1);
}
