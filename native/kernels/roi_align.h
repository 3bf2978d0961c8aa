// RoIAlign geometry shared by roi_align.c and roi_align_scalar.c: exactly torchvision's
// float arithmetic (roi_align_kernel.cpp), so sampling positions and weights are bit-identical
// to torchvision on CPU. Only the per-channel loops differ between the SIMD kernel and its twin.
//
// Param block p = [N, C, H, W, K, PH, PW, sampling_ratio, aligned,
//                  xsN, xsC, xsH, xsW, ysK, ysC, ysH, ysW]   (element strides of x and y)
// rois: [K, 5] f32 (batch index, x1, y1, x2, y2); the TS side has validated batch indices.
#ifndef VW_ROI_ALIGN_H
#define VW_ROI_ALIGN_H
#include "vw.h"
#include <math.h>

typedef struct {
  int32_t b;           // batch index
  float start_h, start_w, bin_h, bin_w;
  int32_t grid_h, grid_w;
} vw_roi_t;

static inline vw_roi_t vw_roi_geometry(const float *r, const int32_t *p, float spatial_scale) {
  const int aligned = p[8], sr = p[7];
  const float offset = aligned ? 0.5f : 0.f;
  vw_roi_t g;
  g.b = (int32_t)r[0];
  g.start_w = r[1] * spatial_scale - offset;
  g.start_h = r[2] * spatial_scale - offset;
  const float end_w = r[3] * spatial_scale - offset;
  const float end_h = r[4] * spatial_scale - offset;
  float rw = end_w - g.start_w, rh = end_h - g.start_h;
  if (!aligned) {  // legacy mode: force malformed boxes to be 1x1
    rw = rw > 1.f ? rw : 1.f;
    rh = rh > 1.f ? rh : 1.f;
  }
  g.bin_h = rh / (float)p[5];
  g.bin_w = rw / (float)p[6];
  // adaptive grid: ceil(roi_size / pooled_size) samples per bin side
  g.grid_h = sr > 0 ? sr : (int32_t)ceilf(rh / (float)p[5]);
  g.grid_w = sr > 0 ? sr : (int32_t)ceilf(rw / (float)p[6]);
  return g;
}

// Bilinear weights and the 4 source offsets of one sampling point; 0 when it lies outside
// [-1, H] x [-1, W] (torchvision then contributes nothing).
static inline int vw_roi_sample(float y, float x, const int32_t *p, float w[4], int32_t off[4]) {
  const int32_t H = p[2], W = p[3], sH = p[11], sW = p[12];
  if (y < -1.0f || y > (float)H || x < -1.0f || x > (float)W) return 0;
  if (y <= 0) y = 0;
  if (x <= 0) x = 0;
  int32_t yl = (int32_t)y, xl = (int32_t)x, yh, xh;
  if (yl >= H - 1) { yh = yl = H - 1; y = (float)yl; } else yh = yl + 1;
  if (xl >= W - 1) { xh = xl = W - 1; x = (float)xl; } else xh = xl + 1;
  const float ly = y - (float)yl, lx = x - (float)xl, hy = 1.f - ly, hx = 1.f - lx;
  w[0] = hy * hx; w[1] = hy * lx; w[2] = ly * hx; w[3] = ly * lx;
  off[0] = yl * sH + xl * sW; off[1] = yl * sH + xh * sW;
  off[2] = yh * sH + xl * sW; off[3] = yh * sH + xh * sW;
  return 1;
}

// Sampling point (iy, ix) of bin (ph, pw), as torchvision computes it.
static inline float vw_roi_y(const vw_roi_t *g, int32_t ph, int32_t iy) {
  return g->start_h + (float)ph * g->bin_h + ((float)iy + .5f) * g->bin_h / (float)g->grid_h;
}
static inline float vw_roi_x(const vw_roi_t *g, int32_t pw, int32_t ix) {
  return g->start_w + (float)pw * g->bin_w + ((float)ix + .5f) * g->bin_w / (float)g->grid_w;
}

#endif
