// Scalar twins of interp.c (same tables and storage conventions; see the comment there).
#include "vw.h"

static int taps(const int32_t *p, const int32_t *it, const float *ft, int32_t od, int32_t oh, int32_t ow,
                int32_t *pix, float *w) {
  const int32_t OD = p[5], OH = p[6], OW = p[7], ih = p[3], iw = p[4];
  const int32_t *d0 = it, *d1 = it + OD, *h0 = it + 2 * OD, *h1 = h0 + OH, *w0 = it + 2 * (OD + OH), *w1 = w0 + OW;
  const float *ld0 = ft, *ld1 = ft + OD, *lh0 = ft + 2 * OD, *lh1 = lh0 + OH, *lw0 = ft + 2 * (OD + OH), *lw1 = lw0 + OW;
  int k = 0;
  for (int td = 0; td < p[8]; td++) {
    const int32_t d = td ? d1[od] : d0[od];
    const float wd = td ? ld1[od] : ld0[od];
    for (int th = 0; th < p[9]; th++) {
      const int32_t h = th ? h1[oh] : h0[oh];
      const float wh = wd * (th ? lh1[oh] : lh0[oh]);
      for (int tw = 0; tw < p[10]; tw++) {
        pix[k] = (d * ih + h) * iw + (tw ? w1[ow] : w0[ow]);
        w[k++] = wh * (tw ? lw1[ow] : lw0[ow]);
      }
    }
  }
  return k;
}

// C == 1 (contiguous storage): row taps (d x h) then W taps, in the SIMD kernel's order.
static int row_taps(const int32_t *p, const int32_t *it, const float *ft, int32_t od, int32_t oh, int32_t *row, float *w) {
  const int32_t OD = p[5], OH = p[6];
  const int32_t *d0 = it, *d1 = it + OD, *h0 = it + 2 * OD, *h1 = h0 + OH;
  const float *ld0 = ft, *ld1 = ft + OD, *lh0 = ft + 2 * OD, *lh1 = lh0 + OH;
  int k = 0;
  for (int td = 0; td < p[8]; td++)
    for (int th = 0; th < p[9]; th++) {
      row[k] = ((td ? d1[od] : d0[od]) * p[3] + (th ? h1[oh] : h0[oh])) * p[4];
      w[k++] = (td ? ld1[od] : ld0[od]) * (th ? lh1[oh] : lh0[oh]);
    }
  return k;
}

static void linear_c1(const float *x, float *y, const int32_t *p, const int32_t *it, const float *ft, int backward) {
  const int32_t B = p[0], in_px = p[2] * p[3] * p[4], OD = p[5], OH = p[6], OW = p[7], two = p[10] == 2;
  const int32_t *i0 = it + 2 * (OD + OH), *i1 = i0 + OW;
  const float *l0 = ft + 2 * (OD + OH), *l1 = l0 + OW;
  int32_t row[4];
  float w[4];
  for (int32_t b = 0; b < B; b++)
    for (int32_t od = 0; od < OD; od++)
      for (int32_t oh = 0; oh < OH; oh++) {
        const int nr = row_taps(p, it, ft, od, oh, row, w);
        if (backward) {  // x is gy, y is gx here
          float *gb = y + (size_t)b * in_px;
          for (int k = 0; k < nr; k++)
            for (int32_t ow = 0; ow < OW; ow++) {
              const float g = w[k] * x[ow];
              gb[row[k] + i0[ow]] += l0[ow] * g;
              if (two) gb[row[k] + i1[ow]] += l1[ow] * g;
            }
          x += OW;
          continue;
        }
        const float *xb = x + (size_t)b * in_px;
        for (int32_t ow = 0; ow < OW; ow++) {
          float acc = 0.f;
          for (int k = 0; k < nr; k++) {
            const float *r = xb + row[k];
            float v = l0[ow] * r[i0[ow]];
            if (two) v += l1[ow] * r[i1[ow]];
            acc = k ? acc + w[k] * v : w[k] * v;
          }
          y[ow] = acc;
        }
        y += OW;
      }
}

VW_EXPORT void vw_f32_interp_linear_scalar(const float *x, float *y, const int32_t *p, const int32_t *it, const float *ft) {
  const int32_t B = p[0], C = p[1], in_px = p[2] * p[3] * p[4];
  if (C == 1) { linear_c1(x, y, p, it, ft, 0); return; }
  int32_t pix[8];
  float w[8];
  for (int32_t b = 0; b < B; b++) {
    const float *xb = x + (size_t)b * in_px * C;
    for (int32_t od = 0; od < p[5]; od++)
      for (int32_t oh = 0; oh < p[6]; oh++)
        for (int32_t ow = 0; ow < p[7]; ow++, y += C) {
          const int nt = taps(p, it, ft, od, oh, ow, pix, w);
          for (int32_t c = 0; c < C; c++) {
            float acc = w[0] * xb[(size_t)pix[0] * C + c];
            for (int k = 1; k < nt; k++) acc += w[k] * xb[(size_t)pix[k] * C + c];
            y[c] = acc;
          }
        }
  }
}

VW_EXPORT void vw_f32_interp_linear_backward_scalar(const float *gy, float *gx, const int32_t *p, const int32_t *it, const float *ft) {
  const int32_t B = p[0], C = p[1], in_px = p[2] * p[3] * p[4];
  if (C == 1) { linear_c1(gy, gx, p, it, ft, 1); return; }
  int32_t pix[8];
  float w[8];
  for (int32_t b = 0; b < B; b++) {
    float *gb = gx + (size_t)b * in_px * C;
    for (int32_t od = 0; od < p[5]; od++)
      for (int32_t oh = 0; oh < p[6]; oh++)
        for (int32_t ow = 0; ow < p[7]; ow++, gy += C) {
          const int nt = taps(p, it, ft, od, oh, ow, pix, w);
          for (int k = 0; k < nt; k++)
            for (int32_t c = 0; c < C; c++) gb[(size_t)pix[k] * C + c] += w[k] * gy[c];
        }
  }
}

// Nearest: forward copies the source pixel, backward (gx zeroed by the caller) adds gy to it.
static void nearest_walk_scalar(const float *in, float *out, const int32_t *p, const int32_t *it, int backward) {
  const int32_t B = p[0], C = p[1], IH = p[3], IW = p[4], in_px = p[2] * IH * IW, OD = p[5], OH = p[6], OW = p[7];
  const int32_t *id = it, *ih = it + OD, *iw = it + OD + OH;
  size_t o = 0;
  for (int32_t b = 0; b < B; b++)
    for (int32_t od = 0; od < OD; od++)
      for (int32_t oh = 0; oh < OH; oh++)
        for (int32_t ow = 0; ow < OW; ow++, o += C) {
          const size_t src = ((size_t)b * in_px + (size_t)(id[od] * IH + ih[oh]) * IW + iw[ow]) * C;
          for (int32_t c = 0; c < C; c++) {
            if (backward) out[src + c] += in[o + c]; else out[o + c] = in[src + c];
          }
        }
}

VW_EXPORT void vw_f32_interp_nearest_scalar(const float *x, float *y, const int32_t *p, const int32_t *it) { nearest_walk_scalar(x, y, p, it, 0); }
VW_EXPORT void vw_f32_interp_nearest_backward_scalar(const float *gy, float *gx, const int32_t *p, const int32_t *it) { nearest_walk_scalar(gy, gx, p, it, 1); }
