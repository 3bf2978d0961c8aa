// interpolate (nearest / linear / bilinear / trilinear), forward and backward, SIMD over channels.
//
// Storage is [B, D, H, W, C] with C innermost: channels_last tensors pass (N, C); contiguous
// ones pass (N*C, 1), whose storage is the same bytes. 1-D/2-D inputs use D = H = 1.
// The TS side computes, per axis, source indices and weights with PyTorch's float rules
// (so all the rounding-sensitive arithmetic lives in one place) and passes them as tables:
//   p  = [B, C, ID, IH, IW, OD, OH, OW, nd, nh, nw]   (n* = taps per axis: 1 or 2)
//   it = int32 [i0_d[OD], i1_d[OD], i0_h[OH], i1_h[OH], i0_w[OW], i1_w[OW]]  (linear)
//        int32 [i_d[OD], i_h[OH], i_w[OW]]                                    (nearest)
//   ft = f32 weights in the same layout as the linear `it`.
// A backward kernel accumulates into gx, which the caller zeroes.
#include "vw.h"

typedef struct { const int32_t *i0, *i1; const float *l0, *l1; } axis_t;

static void axes(const int32_t *p, const int32_t *it, const float *ft, axis_t a[3]) {
  const int32_t od = p[5], oh = p[6];
  const int32_t off[3] = {0, 2 * od, 2 * (od + oh)};
  const int32_t n[3] = {p[5], p[6], p[7]};
  for (int k = 0; k < 3; k++) {
    a[k].i0 = it + off[k]; a[k].i1 = it + off[k] + n[k];
    a[k].l0 = ft + off[k]; a[k].l1 = ft + off[k] + n[k];
  }
}

// The (up to 8) taps of one output pixel: offsets (in pixels) and weights.
static int taps(const int32_t *p, const axis_t a[3], int32_t od, int32_t oh, int32_t ow, int32_t *pix, float *w) {
  const int32_t ih = p[3], iw = p[4];
  int k = 0;
  for (int td = 0; td < p[8]; td++) {
    const int32_t d = td ? a[0].i1[od] : a[0].i0[od];
    const float wd = td ? a[0].l1[od] : a[0].l0[od];
    for (int th = 0; th < p[9]; th++) {
      const int32_t h = th ? a[1].i1[oh] : a[1].i0[oh];
      const float wh = wd * (th ? a[1].l1[oh] : a[1].l0[oh]);
      for (int tw = 0; tw < p[10]; tw++) {
        pix[k] = (d * ih + h) * iw + (tw ? a[2].i1[ow] : a[2].i0[ow]);
        w[k++] = wh * (tw ? a[2].l1[ow] : a[2].l0[ow]);
      }
    }
  }
  return k;
}

// C == 1 (contiguous storage): an output row (od, oh) reads up to 4 input rows (the d x h
// taps, row offsets in elements) with weights wd*wh, then 1-2 taps along W per column:
//   out = sum_k w_k * (l0*row_k[i0] + l1*row_k[i1]), k in order (the scalar twin does the same).
static int row_taps(const int32_t *p, const axis_t a[3], int32_t od, int32_t oh, int32_t *row, float *w) {
  int k = 0;
  for (int td = 0; td < p[8]; td++)
    for (int th = 0; th < p[9]; th++) {
      row[k] = ((td ? a[0].i1[od] : a[0].i0[od]) * p[3] + (th ? a[1].i1[oh] : a[1].i0[oh])) * p[4];
      w[k++] = (td ? a[0].l1[od] : a[0].l0[od]) * (th ? a[1].l1[oh] : a[1].l0[oh]);
    }
  return k;
}

static void linear_c1(const float *x, float *y, const int32_t *p, const axis_t a[3]) {
  const int32_t B = p[0], in_px = p[2] * p[3] * p[4], OD = p[5], OH = p[6], OW = p[7], two = p[10] == 2;
  const int32_t *i0 = a[2].i0, *i1 = a[2].i1;
  const float *l0 = a[2].l0, *l1 = a[2].l1;
  int32_t row[4];
  float w[4];
  for (int32_t b = 0; b < B; b++) {
    const float *xb = x + (size_t)b * in_px;
    for (int32_t od = 0; od < OD; od++)
      for (int32_t oh = 0; oh < OH; oh++, y += OW) {
        const int nr = row_taps(p, a, od, oh, row, w);
        int32_t ow = 0;
        for (; ow + 4 <= OW; ow += 4) {
          const v128_t L0 = wasm_v128_load(l0 + ow), L1 = wasm_v128_load(l1 + ow);
          v128_t acc = wasm_f32x4_splat(0.f);
          for (int k = 0; k < nr; k++) {
            const float *r = xb + row[k];
            v128_t v = wasm_f32x4_mul(L0, wasm_f32x4_make(r[i0[ow]], r[i0[ow + 1]], r[i0[ow + 2]], r[i0[ow + 3]]));
            if (two) v = wasm_f32x4_add(v, wasm_f32x4_mul(L1, wasm_f32x4_make(r[i1[ow]], r[i1[ow + 1]], r[i1[ow + 2]], r[i1[ow + 3]])));
            v = wasm_f32x4_mul(wasm_f32x4_splat(w[k]), v);
            acc = k ? wasm_f32x4_add(acc, v) : v;
          }
          wasm_v128_store(y + ow, acc);
        }
        for (; ow < OW; ow++) {
          float acc = 0.f;
          for (int k = 0; k < nr; k++) {
            const float *r = xb + row[k];
            float v = l0[ow] * r[i0[ow]];
            if (two) v += l1[ow] * r[i1[ow]];
            acc = k ? acc + w[k] * v : w[k] * v;
          }
          y[ow] = acc;
        }
      }
  }
}

static void linear_c1_backward(const float *gy, float *gx, const int32_t *p, const axis_t a[3]) {
  const int32_t B = p[0], in_px = p[2] * p[3] * p[4], OD = p[5], OH = p[6], OW = p[7], two = p[10] == 2;
  int32_t row[4];
  float w[4];
  for (int32_t b = 0; b < B; b++) {
    float *gb = gx + (size_t)b * in_px;
    for (int32_t od = 0; od < OD; od++)
      for (int32_t oh = 0; oh < OH; oh++, gy += OW) {
        const int nr = row_taps(p, a, od, oh, row, w);
        for (int k = 0; k < nr; k++) {
          float *r = gb + row[k];
          for (int32_t ow = 0; ow < OW; ow++) {
            const float g = w[k] * gy[ow];
            r[a[2].i0[ow]] += a[2].l0[ow] * g;
            if (two) r[a[2].i1[ow]] += a[2].l1[ow] * g;
          }
        }
      }
  }
}

VW_EXPORT void vw_f32_interp_linear(const float *x, float *y, const int32_t *p, const int32_t *it, const float *ft) {
  const int32_t B = p[0], C = p[1], in_px = p[2] * p[3] * p[4], OD = p[5], OH = p[6], OW = p[7];
  axis_t a[3];
  axes(p, it, ft, a);
  if (C == 1) { linear_c1(x, y, p, a); return; }
  int32_t pix[8];
  float w[8];
  for (int32_t b = 0; b < B; b++) {
    const float *xb = x + (size_t)b * in_px * C;
    for (int32_t od = 0; od < OD; od++)
      for (int32_t oh = 0; oh < OH; oh++)
        for (int32_t ow = 0; ow < OW; ow++, y += C) {
          const int nt = taps(p, a, od, oh, ow, pix, w);
          const float *src[8];
          for (int k = 0; k < nt; k++) src[k] = xb + (size_t)pix[k] * C;
          int32_t c = 0;
          for (; c + 4 <= C; c += 4) {
            v128_t acc = wasm_f32x4_mul(wasm_f32x4_splat(w[0]), wasm_v128_load(src[0] + c));
            for (int k = 1; k < nt; k++) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(w[k]), wasm_v128_load(src[k] + c)));
            wasm_v128_store(y + c, acc);
          }
          for (; c < C; c++) {
            float acc = w[0] * src[0][c];
            for (int k = 1; k < nt; k++) acc += w[k] * src[k][c];
            y[c] = acc;
          }
        }
  }
}

VW_EXPORT void vw_f32_interp_linear_backward(const float *gy, float *gx, const int32_t *p, const int32_t *it, const float *ft) {
  const int32_t B = p[0], C = p[1], in_px = p[2] * p[3] * p[4], OD = p[5], OH = p[6], OW = p[7];
  axis_t a[3];
  axes(p, it, ft, a);
  if (C == 1) { linear_c1_backward(gy, gx, p, a); return; }  // a scatter: no SIMD form
  int32_t pix[8];
  float w[8];
  for (int32_t b = 0; b < B; b++) {
    float *gb = gx + (size_t)b * in_px * C;
    for (int32_t od = 0; od < OD; od++)
      for (int32_t oh = 0; oh < OH; oh++)
        for (int32_t ow = 0; ow < OW; ow++, gy += C) {
          const int nt = taps(p, a, od, oh, ow, pix, w);
          for (int k = 0; k < nt; k++) {
            float *dst = gb + (size_t)pix[k] * C;
            const v128_t wk = wasm_f32x4_splat(w[k]);
            int32_t c = 0;
            for (; c + 4 <= C; c += 4)
              wasm_v128_store(dst + c, wasm_f32x4_add(wasm_v128_load(dst + c), wasm_f32x4_mul(wk, wasm_v128_load(gy + c))));
            for (; c < C; c++) dst[c] += w[k] * gy[c];
          }
        }
  }
}

VW_EXPORT void vw_f32_interp_nearest(const float *x, float *y, const int32_t *p, const int32_t *it) {
  const int32_t B = p[0], C = p[1], IH = p[3], IW = p[4], in_px = p[2] * IH * IW, OD = p[5], OH = p[6], OW = p[7];
  const int32_t *id = it, *ih = it + OD, *iw = it + OD + OH;
  for (int32_t b = 0; b < B; b++) {
    const float *xb = x + (size_t)b * in_px * C;
    for (int32_t od = 0; od < OD; od++)
      for (int32_t oh = 0; oh < OH; oh++) {
        const float *row = xb + (size_t)(id[od] * IH + ih[oh]) * IW * C;
        if (C == 1) {
          for (int32_t ow = 0; ow < OW; ow++) y[ow] = row[iw[ow]];
          y += OW;
          continue;
        }
        for (int32_t ow = 0; ow < OW; ow++, y += C) {
          const float *s = row + (size_t)iw[ow] * C;
          int32_t c = 0;
          for (; c + 4 <= C; c += 4) wasm_v128_store(y + c, wasm_v128_load(s + c));
          for (; c < C; c++) y[c] = s[c];
        }
      }
  }
}

VW_EXPORT void vw_f32_interp_nearest_backward(const float *gy, float *gx, const int32_t *p, const int32_t *it) {
  const int32_t B = p[0], C = p[1], IH = p[3], IW = p[4], in_px = p[2] * IH * IW, OD = p[5], OH = p[6], OW = p[7];
  const int32_t *id = it, *ih = it + OD, *iw = it + OD + OH;
  for (int32_t b = 0; b < B; b++) {
    float *gb = gx + (size_t)b * in_px * C;
    for (int32_t od = 0; od < OD; od++)
      for (int32_t oh = 0; oh < OH; oh++) {
        float *row = gb + (size_t)(id[od] * IH + ih[oh]) * IW * C;
        for (int32_t ow = 0; ow < OW; ow++, gy += C) {
          float *d = row + (size_t)iw[ow] * C;
          int32_t c = 0;
          for (; c + 4 <= C; c += 4) wasm_v128_store(d + c, wasm_f32x4_add(wasm_v128_load(d + c), wasm_v128_load(gy + c)));
          for (; c < C; c++) d[c] += gy[c];
        }
      }
  }
}
