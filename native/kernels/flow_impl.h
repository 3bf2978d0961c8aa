// Dense optical flow by polynomial expansion (G. Farnebäck, "Two-Frame Motion Estimation Based on
// Polynomial Expansion", SCIA 2003), with the semantics of OpenCV's calcOpticalFlowFarneback:
//
//  - luma of each RGB frame as cv2.cvtColor(RGB2GRAY) computes it on u8 (BT.601, 15-bit fixed point);
//  - a pyramid of `levels` + 1 resolutions, scale pyrScale^k, dropping levels whose image would be
//    under 32 px; level k is the full-resolution image blurred by a Gaussian of sigma
//    (1/scale - 1) / 2 (size round(5 sigma) | 1, at least 3, reflect-101 border; the 3-tap
//    [1/4 1/2 1/4] at level 0), then resized bilinearly (half-pixel centres) to round(W scale);
//  - per level, each pixel's neighbourhood is fitted by a quadratic polynomial (a Gaussian-weighted
//    least-squares fit over (2 polyN + 1)^2 pixels, polyN 5 or 7, polySigma; replicate border),
//    giving r = (y, x, yy, xx, xy) coefficients; the flow d solves, in a window of winsize
//    (box, or Gaussian with sigma 0.3 winsize/2 under FLAG_FARNEBACK_GAUSSIAN), the least-squares
//    system sum(A^T A) d = sum(A^T b) built from the average of both frames' quadratic terms and
//    the linear terms of frame 1 minus those of frame 2 sampled at x + d; `iterations` times,
//    re-sampling with the new d, from the coarsest level down, each level starting from the
//    coarser level's flow resized bilinearly and multiplied by 1 / pyrScale.
//  - the edges: a 5-px frame of the system is down-weighted, and the windows replicate the edge.
//
// Written from the paper and OpenCV's observed behaviour; the arithmetic (float sums, double
// accumulations where cancellations are large, orders of summation) is this file's own, so the
// result agrees with OpenCV to a tolerance, not bit for bit (see test/data/flow_compute.test.ts).
//
// The includer defines FL_SIMD (flow.c) or not (flow_scalar.c, the portable twin). Every SIMD block
// computes each element with the same operations in the same order as the scalar loop after it
// (wasm has no fused multiply-add), so both builds give the same bits.
#ifndef FLOW_IMPL_H
#define FLOW_IMPL_H
#include "vw.h"
#include <math.h>

#define FL_MIN_SIZE 32   // levels whose image would be smaller than this are dropped (OpenCV's rule)
#define FL_MAX_R 400     // largest pre-resize smoothing radius (fl_scratch refuses more)
#define FL_MAX_M 256     // largest window half-size (winsize 513)
#define FL_ALIGN(n) (((size_t)(n) + 3) & ~(size_t)3)  // 16-byte alignment of every scratch segment

// ---------------------------------------------------------------------------------------------
// Geometry

// Effective number of pyramid levels above level 0.
static int fl_levels(int W, int H, int levels, double pyr_scale) {
  double scale = 1.0;
  int k = 0;
  for (; k < levels; k++) {
    scale *= pyr_scale;
    if (W * scale < FL_MIN_SIZE || H * scale < FL_MIN_SIZE) break;
  }
  return k;
}

static double fl_scale(int k, double pyr_scale) {
  double s = 1.0;
  for (int i = 0; i < k; i++) s *= pyr_scale;
  return s;
}

// Half-radius of the pre-resize smoothing of level k (kernel size 2 r + 1) and its sigma.
static int fl_smooth_radius(double scale, double *sigma) {
  *sigma = (1.0 / scale - 1.0) * 0.5;
  int size = (int)rint(*sigma * 5.0) | 1;  // rint: round half to even, like OpenCV's cvRound
  if (size < 3) size = 3;
  return size / 2;
}

typedef struct {
  int levels, W, H, n, m, rmax;
  size_t r_floats;                  // one frame's expansions, all levels
  size_t r_prev, r_cur, gray, tmp, blur, img, pad, rows, xtab, M, flow_a, flow_b, win, total;
} fl_layout;

static void fl_dims(int W, int H, int k, double pyr_scale, int *w, int *h) {
  const double s = fl_scale(k, pyr_scale);
  *w = (int)rint(W * s);
  *h = (int)rint(H * s);
  if (*w < 1) *w = 1;
  if (*h < 1) *h = 1;
}

static fl_layout fl_plan(const int32_t *p, double pyr_scale) {
  fl_layout L;
  L.W = p[VW_FLOW_W];
  L.H = p[VW_FLOW_H];
  L.n = p[VW_FLOW_POLY_N];  // OpenCV's polyN is the fit's half-size: (2 polyN + 1)^2 pixels
  L.levels = fl_levels(L.W, L.H, p[VW_FLOW_LEVELS], pyr_scale);
  L.m = p[VW_FLOW_WINSIZE] / 2;
  L.r_floats = 0;
  L.rmax = 1;
  for (int k = 0; k <= L.levels; k++) {
    int w, h;
    double sigma;
    fl_dims(L.W, L.H, k, pyr_scale, &w, &h);
    L.r_floats += FL_ALIGN((size_t)5 * w * h);
    const int r = fl_smooth_radius(fl_scale(k, pyr_scale), &sigma);
    if (r > L.rmax) L.rmax = r;
  }
  const size_t WH = FL_ALIGN((size_t)L.W * L.H), big = (size_t)VW_MAX(L.W, L.H);
  size_t o = 0;
  L.r_prev = o; o += L.r_floats;
  L.r_cur = o; o += L.r_floats;
  L.gray = o; o += WH;
  L.tmp = o; o += WH;
  L.blur = o; o += WH;
  L.img = o; o += WH;
  L.pad = o; o += FL_ALIGN(big + 2 * (size_t)L.rmax + 8);          // one reflect-padded line
  L.rows = o; o += FL_ALIGN(3 * ((size_t)L.W + 2 * L.n + 8));      // expansion's vertical pass; resize rows
  L.xtab = o; o += FL_ALIGN(2 * (size_t)L.W + 8);                   // resize: source column, weight
  L.M = o; o += 5 * WH;
  L.flow_a = o; o += 2 * WH;
  L.flow_b = o; o += 2 * WH;
  // window filter: box needs 5 double lines of W + 2m + 2 (10 floats per pixel); the Gaussian
  // window 5 float lines of W + 2m plus 5 of W
  L.win = o; o += FL_ALIGN(10 * ((size_t)L.W + 2 * (size_t)L.m + 4));
  L.total = o;
  return L;
}

// ---------------------------------------------------------------------------------------------
// Pre-resize smoothing: separable Gaussian, reflect-101 border

static inline int fl_reflect101(int i, int n) {
  if (n == 1) return 0;
  while (i < 0 || i >= n) {
    if (i < 0) i = -i;
    if (i >= n) i = 2 * (n - 1) - i;
  }
  return i;
}

// kernel k[0..2r] (float, normalised in double as OpenCV's getGaussianKernel)
static void fl_gauss_kernel(float *k, int r, double sigma) {
  const int n = 2 * r + 1;
  if (sigma <= 0 && n == 3) { k[0] = 0.25f; k[1] = 0.5f; k[2] = 0.25f; return; }
  const double s2 = -0.5 / (sigma * sigma);
  double sum = 0;
  for (int i = 0; i < n; i++) {
    const double x = i - r;
    k[i] = (float)exp(s2 * x * x);
    sum += k[i];
  }
  sum = 1.0 / sum;
  for (int i = 0; i < n; i++) k[i] = (float)(k[i] * sum);
}

// dst[x] = sum_i k[i] src[x + i], i = 0..2r, in i order (src padded by r on the left).
static void fl_row_filter(const float *src, float *dst, int w, const float *k, int r) {
  int x = 0;
#ifdef FL_SIMD
  for (; x + 4 <= w; x += 4) {
    v128_t s = wasm_f32x4_splat(0.f);
    for (int i = 0; i <= 2 * r; i++) s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_f32x4_splat(k[i]), wasm_v128_load(src + x + i)));
    wasm_v128_store(dst + x, s);
  }
#endif
  for (; x < w; x++) {
    float s = 0.f;
    for (int i = 0; i <= 2 * r; i++) s = s + k[i] * src[x + i];
    dst[x] = s;
  }
}

// dst[x] = c[r] row_0[x] + sum_{i>=1} c[r+i] (row_{+i}[x] + row_{-i}[x]) (symmetric kernel c).
static void fl_col_filter(const float *const *rows, float *dst, int w, const float *c, int r) {
  int x = 0;
#ifdef FL_SIMD
  for (; x + 4 <= w; x += 4) {
    v128_t s = wasm_f32x4_mul(wasm_v128_load(rows[r] + x), wasm_f32x4_splat(c[r]));
    for (int i = 1; i <= r; i++) {
      const v128_t t = wasm_f32x4_add(wasm_v128_load(rows[r + i] + x), wasm_v128_load(rows[r - i] + x));
      s = wasm_f32x4_add(s, wasm_f32x4_mul(t, wasm_f32x4_splat(c[r + i])));
    }
    wasm_v128_store(dst + x, s);
  }
#endif
  for (; x < w; x++) {
    float s = rows[r][x] * c[r];
    for (int i = 1; i <= r; i++) s = s + (rows[r + i][x] + rows[r - i][x]) * c[r + i];
    dst[x] = s;
  }
}

static void fl_gaussian_blur(const float *src, float *tmp, float *dst, int W, int H, int r, double sigma, float *pad) {
  float k[2 * FL_MAX_R + 1];
  const float *rows[2 * FL_MAX_R + 1];
  fl_gauss_kernel(k, r, sigma);
  for (int y = 0; y < H; y++) {
    const float *s = src + (size_t)y * W;
    for (int i = -r; i < W + r; i++) pad[i + r] = s[fl_reflect101(i, W)];
    fl_row_filter(pad, tmp + (size_t)y * W, W, k, r);
  }
  for (int y = 0; y < H; y++) {
    for (int i = -r; i <= r; i++) rows[i + r] = tmp + (size_t)fl_reflect101(y + i, H) * W;
    fl_col_filter(rows, dst + (size_t)y * W, W, k, r);
  }
}

// ---------------------------------------------------------------------------------------------
// Bilinear resize with half-pixel centres (cv::resize INTER_LINEAR on float images)

static void fl_vlerp(const float *a, const float *b, float *dst, int w, float wa, float wb) {
  int x = 0;
#ifdef FL_SIMD
  const v128_t va = wasm_f32x4_splat(wa), vb = wasm_f32x4_splat(wb);
  for (; x + 4 <= w; x += 4) {
    wasm_v128_store(dst + x, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(a + x), va), wasm_f32x4_mul(wasm_v128_load(b + x), vb)));
  }
#endif
  for (; x < w; x++) dst[x] = a[x] * wa + b[x] * wb;
}

// Source coordinate of destination index d: cell s and weight f of s + 1.
static inline void fl_src_coord(int d, double scale, int n, int clamp_weight, int *s, float *f) {
  float fx = (float)((d + 0.5) * scale - 0.5);
  int sx = (int)floorf(fx);
  fx -= (float)sx;
  if (sx < 0) { sx = 0; if (clamp_weight) fx = 0.f; }
  if (sx >= n - 1) { sx = n - 1; if (clamp_weight) fx = 0.f; }
  *s = sx;
  *f = fx;
}

// src [sh, sw] -> dst [dh, dw]; rows: 2 dw floats; xtab: 2 dw floats (column as int bits, weight).
static void fl_resize(const float *src, int sw, int sh, float *dst, int dw, int dh, float *rows, float *xtab) {
  if (sw == dw && sh == dh) { memcpy(dst, src, sizeof(float) * (size_t)sw * sh); return; }
  if (sw == 2 * dw && sh == 2 * dh) {
    // an exact halving is a 2x2 mean (OpenCV turns INTER_LINEAR into INTER_AREA there)
    for (int y = 0; y < dh; y++) {
      const float *a = src + (size_t)2 * y * sw, *b = a + sw;
      for (int x = 0; x < dw; x++) dst[(size_t)y * dw + x] = (a[2 * x] + a[2 * x + 1] + b[2 * x] + b[2 * x + 1]) * 0.25f;
    }
    return;
  }
  const double sx_scale = 1.0 / ((double)dw / sw), sy_scale = 1.0 / ((double)dh / sh);
  int32_t *xs = (int32_t *)xtab;
  float *xf = xtab + dw;
  for (int x = 0; x < dw; x++) fl_src_coord(x, sx_scale, sw, 1, &xs[x], &xf[x]);
  float *r0 = rows, *r1 = rows + dw;
  for (int y = 0; y < dh; y++) {
    int sy;
    float fy;
    float fyv = (float)((y + 0.5) * sy_scale - 0.5);
    sy = (int)floorf(fyv);
    fy = fyv - (float)sy;
    const int y0 = VW_MIN(VW_MAX(sy, 0), sh - 1), y1 = VW_MIN(VW_MAX(sy + 1, 0), sh - 1);
    const float *a = src + (size_t)y0 * sw, *b = src + (size_t)y1 * sw;
    for (int x = 0; x < dw; x++) {
      const int s = xs[x];
      const float f = xf[x];
      r0[x] = s + 1 < sw ? a[s] * (1.f - f) + a[s + 1] * f : a[s];
      r1[x] = s + 1 < sw ? b[s] * (1.f - f) + b[s + 1] * f : b[s];
    }
    fl_vlerp(r0, r1, dst + (size_t)y * dw, dw, 1.f - fy, fy);
  }
}

// ---------------------------------------------------------------------------------------------
// Polynomial expansion

typedef struct { float g[8], xg[8], xxg[8]; double i11, i03, i33, i55; } fl_poly;

// Gaussian applicability g (normalised), x g, x^2 g, and the entries of the inverse of the
// 6x6 normal-equation matrix G of the basis (1, x, y, x^2, y^2, xy) that the fit needs. G's
// structure (only 1/x^2/y^2 couple) leaves a 3x3 block [[G00 a a][a b c][a c b]] to invert.
static void fl_poly_setup(fl_poly *P, int n, double sigma) {
  if (sigma < 1.1920929e-07) sigma = n * 0.3;
  double s = 0;
  float g[8];
  for (int x = 0; x <= n; x++) { g[x] = (float)exp(-x * x / (2 * sigma * sigma)); s += x ? 2.0 * g[x] : g[x]; }
  s = 1.0 / s;
  for (int x = 0; x <= n; x++) {
    P->g[x] = (float)(g[x] * s);
    P->xg[x] = (float)(x * P->g[x]);
    P->xxg[x] = (float)(x * x * P->g[x]);
  }
  double G00 = 0, a = 0, b = 0, c = 0;
  for (int y = -n; y <= n; y++) {
    for (int x = -n; x <= n; x++) {
      const double w = (double)P->g[y < 0 ? -y : y] * P->g[x < 0 ? -x : x];
      G00 += w; a += w * x * x; b += w * x * x * x * x; c += w * x * x * y * y;
    }
  }
  // inverse of [[G00 a a][a b c][a c b]]: by symmetry in the last two, with D = G00 (b + c) - 2 a^2
  const double D = G00 * (b + c) - 2 * a * a;
  P->i03 = -a / D;
  // entry (3,3) of the inverse: cofactor G00 b - a^2 over det; det = (b - c) D
  P->i33 = (G00 * b - a * a) / ((b - c) * D);
  P->i11 = 1.0 / a;
  P->i55 = 1.0 / c;
}

// Vertical pass of row y (replicate border): t0 = sum g I, t1 = sum x g I (x along the column),
// t2 = sum x^2 g I, each into a line padded by n on both sides.
static void fl_poly_vert(const float *img, int w, int h, int y, int n, const fl_poly *P, float *t0, float *t1, float *t2) {
  const float *c = img + (size_t)y * w;
  int x = 0;
#ifdef FL_SIMD
  for (; x + 4 <= w; x += 4) {
    const v128_t v = wasm_v128_load(c + x);
    v128_t a0 = wasm_f32x4_mul(v, wasm_f32x4_splat(P->g[0])), a1 = wasm_f32x4_splat(0.f), a2 = a1;
    for (int k = 1; k <= n; k++) {
      const v128_t up = wasm_v128_load(img + (size_t)VW_MAX(y - k, 0) * w + x);
      const v128_t dn = wasm_v128_load(img + (size_t)VW_MIN(y + k, h - 1) * w + x);
      const v128_t s = wasm_f32x4_add(up, dn);
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_f32x4_splat(P->g[k]), s));
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_f32x4_splat(P->xg[k]), wasm_f32x4_sub(dn, up)));
      a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_f32x4_splat(P->xxg[k]), s));
    }
    wasm_v128_store(t0 + x, a0); wasm_v128_store(t1 + x, a1); wasm_v128_store(t2 + x, a2);
  }
#endif
  for (; x < w; x++) {
    float a0 = c[x] * P->g[0], a1 = 0.f, a2 = 0.f;
    for (int k = 1; k <= n; k++) {
      const float up = img[(size_t)VW_MAX(y - k, 0) * w + x], dn = img[(size_t)VW_MIN(y + k, h - 1) * w + x];
      const float s = up + dn;
      a0 = a0 + P->g[k] * s;
      a1 = a1 + P->xg[k] * (dn - up);
      a2 = a2 + P->xxg[k] * s;
    }
    t0[x] = a0; t1[x] = a1; t2[x] = a2;
  }
  for (int i = 1; i <= n; i++) {
    t0[-i] = t0[0]; t1[-i] = t1[0]; t2[-i] = t2[0];
    t0[w - 1 + i] = t0[w - 1]; t1[w - 1 + i] = t1[w - 1]; t2[w - 1 + i] = t2[w - 1];
  }
}

// Horizontal pass: the six moments in double (b1 ~ sum g I is large next to the curvature terms
// it is subtracted from), then r = (y, x, yy, xx, xy) = G^-1 moments into 5 planes.
static void fl_poly_horiz(const float *t0, const float *t1, const float *t2, int w, int n, const fl_poly *P, float *R) {
  int x = 0;
#ifdef FL_SIMD
  const v128_t i11 = wasm_f64x2_splat(P->i11), i03 = wasm_f64x2_splat(P->i03), i33 = wasm_f64x2_splat(P->i33), i55 = wasm_f64x2_splat(P->i55);
  for (; x + 2 <= w; x += 2) {
#define LD(p) wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(p))
    const v128_t g0 = wasm_f64x2_splat(P->g[0]);
    v128_t b1 = wasm_f64x2_mul(LD(t0 + x), g0), b2 = wasm_f64x2_splat(0.0), b3 = wasm_f64x2_mul(LD(t1 + x), g0);
    v128_t b4 = b2, b5 = wasm_f64x2_mul(LD(t2 + x), g0), b6 = b2;
    for (int k = 1; k <= n; k++) {
      const v128_t p0 = wasm_v128_load64_zero(t0 + x + k), m0 = wasm_v128_load64_zero(t0 + x - k);
      const v128_t p1 = wasm_v128_load64_zero(t1 + x + k), m1 = wasm_v128_load64_zero(t1 + x - k);
      const v128_t p2 = wasm_v128_load64_zero(t2 + x + k), m2 = wasm_v128_load64_zero(t2 + x - k);
      const v128_t g = wasm_f64x2_splat(P->g[k]), xg = wasm_f64x2_splat(P->xg[k]), xxg = wasm_f64x2_splat(P->xxg[k]);
      const v128_t s0 = wasm_f64x2_promote_low_f32x4(wasm_f32x4_add(p0, m0));
      b1 = wasm_f64x2_add(b1, wasm_f64x2_mul(s0, g));
      b4 = wasm_f64x2_add(b4, wasm_f64x2_mul(s0, xxg));
      b2 = wasm_f64x2_add(b2, wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(wasm_f32x4_sub(p0, m0)), xg));
      b3 = wasm_f64x2_add(b3, wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(wasm_f32x4_add(p1, m1)), g));
      b6 = wasm_f64x2_add(b6, wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(wasm_f32x4_sub(p1, m1)), xg));
      b5 = wasm_f64x2_add(b5, wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(wasm_f32x4_add(p2, m2)), g));
    }
#undef LD
    const v128_t c = wasm_f64x2_mul(b1, i03);
    const v128_t r[5] = {
      wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(b3, i11)), wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(b2, i11)),
      wasm_f32x4_demote_f64x2_zero(wasm_f64x2_add(c, wasm_f64x2_mul(b5, i33))),
      wasm_f32x4_demote_f64x2_zero(wasm_f64x2_add(c, wasm_f64x2_mul(b4, i33))), wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(b6, i55)),
    };
    for (int k = 0; k < 5; k++) { R[5 * x + k] = wasm_f32x4_extract_lane(r[k], 0); R[5 * x + 5 + k] = wasm_f32x4_extract_lane(r[k], 1); }
  }
#endif
  for (; x < w; x++) {
    const double g0 = P->g[0];
    double b1 = t0[x] * g0, b2 = 0, b3 = t1[x] * g0, b4 = 0, b5 = t2[x] * g0, b6 = 0;
    for (int k = 1; k <= n; k++) {
      const double g = P->g[k], xg = P->xg[k], xxg = P->xxg[k];
      const double s0 = (double)(t0[x + k] + t0[x - k]);
      b1 = b1 + s0 * g;
      b4 = b4 + s0 * xxg;
      b2 = b2 + (double)(t0[x + k] - t0[x - k]) * xg;
      b3 = b3 + (double)(t1[x + k] + t1[x - k]) * g;
      b6 = b6 + (double)(t1[x + k] - t1[x - k]) * xg;
      b5 = b5 + (double)(t2[x + k] + t2[x - k]) * g;
    }
    const double c = b1 * P->i03;
    R[5 * x] = (float)(b3 * P->i11);
    R[5 * x + 1] = (float)(b2 * P->i11);
    R[5 * x + 2] = (float)(c + b5 * P->i33);
    R[5 * x + 3] = (float)(c + b4 * P->i33);
    R[5 * x + 4] = (float)(b6 * P->i55);
  }
}

// R: [h, w, 5] (ry, rx, ryy, rxx, rxy per pixel: the flow update reads a pixel's five together);
// rows: 3 (w + 2n + 8) floats.
static void fl_poly_exp(const float *img, int w, int h, const fl_poly *P, int n, float *R, float *rows) {
  const size_t line = (size_t)w + 2 * n + 8;
  float *t0 = rows + n, *t1 = t0 + line, *t2 = t1 + line;
  for (int y = 0; y < h; y++) {
    fl_poly_vert(img, w, h, y, n, P, t0, t1, t2);
    fl_poly_horiz(t0, t1, t2, w, n, P, R + (size_t)5 * y * w);
  }
}

// ---------------------------------------------------------------------------------------------
// The per-pixel system: M = (A^T A entries g11 g12 g22, A^T b entries h1 h2), in (y, x) order

static const float fl_border[5] = {0.14f, 0.14f, 0.4472f, 0.4472f, 0.4472f};  // down-weights the 5-px frame

static void fl_update_matrices(const float *R0, const float *R1, const float *fx, const float *fy, float *M, int w, int h) {
  const size_t plane = (size_t)w * h;
  for (int y = 0; y < h; y++) {
    for (int x = 0; x < w; x++) {
      const size_t i = (size_t)y * w + x;
      const float dx = fx[i], dy = fy[i];
      float px = x + dx, py = y + dy;
      const int x1 = (int)floorf(px), y1 = (int)floorf(py);
      float sy, sx, ayy, axx, axy;
      if ((unsigned)x1 < (unsigned)(w - 1) && (unsigned)y1 < (unsigned)(h - 1)) {
        px -= (float)x1; py -= (float)y1;
        const float a00 = (1.f - px) * (1.f - py), a01 = px * (1.f - py), a10 = (1.f - px) * py, a11 = px * py;
        const float *r = R1 + 5 * ((size_t)y1 * w + x1), *q = r + (size_t)5 * w;
        float s[5];
        int c = 0;
#ifdef FL_SIMD
        // channels 0-3 of the four corners in one lane group each
        const v128_t v = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(
          wasm_f32x4_mul(wasm_f32x4_splat(a00), wasm_v128_load(r)), wasm_f32x4_mul(wasm_f32x4_splat(a01), wasm_v128_load(r + 5))),
          wasm_f32x4_mul(wasm_f32x4_splat(a10), wasm_v128_load(q))), wasm_f32x4_mul(wasm_f32x4_splat(a11), wasm_v128_load(q + 5)));
        wasm_v128_store(s, v);
        c = 4;
#endif
        for (; c < 5; c++) s[c] = a00 * r[c] + a01 * r[5 + c] + a10 * q[c] + a11 * q[5 + c];
        sy = s[0]; sx = s[1];
        ayy = (R0[5 * i + 2] + s[2]) * 0.5f;
        axx = (R0[5 * i + 3] + s[3]) * 0.5f;
        axy = (R0[5 * i + 4] + s[4]) * 0.25f;
      } else {
        // displaced outside frame 2: only frame 1's quadratic terms, no linear ones from frame 2
        sy = sx = 0.f;
        ayy = R0[5 * i + 2];
        axx = R0[5 * i + 3];
        axy = R0[5 * i + 4] * 0.5f;
      }
      float by = (R0[5 * i] - sy) * 0.5f, bx = (R0[5 * i + 1] - sx) * 0.5f;
      by += ayy * dy + axy * dx;
      bx += axy * dy + axx * dx;
      if (x < 5 || y < 5 || x >= w - 5 || y >= h - 5) {
        const float sc = (x < 5 ? fl_border[x] : 1.f) * (x >= w - 5 ? fl_border[w - x - 1] : 1.f) *
                         (y < 5 ? fl_border[y] : 1.f) * (y >= h - 5 ? fl_border[h - y - 1] : 1.f);
        by *= sc; bx *= sc; ayy *= sc; axx *= sc; axy *= sc;
      }
      M[i] = ayy * ayy + axy * axy;
      M[plane + i] = (ayy + axx) * axy;
      M[2 * plane + i] = axx * axx + axy * axy;
      M[3 * plane + i] = ayy * by + axy * bx;
      M[4 * plane + i] = axy * by + axx * bx;
    }
  }
}

static inline void fl_solve(double g11, double g12, double g22, double h1, double h2, float *fx, float *fy) {
  const double idet = 1.0 / (g11 * g22 - g12 * g12 + 1e-3);
  *fx = (float)((g11 * h2 - g12 * h1) * idet);
  *fy = (float)((g22 * h1 - g12 * h2) * idet);
}

// vs[x] += (double)(a[x] - b[x]): the box filter's running column sums.
static void fl_vsum_step(double *vs, const float *a, const float *b, int w) {
  int x = 0;
#ifdef FL_SIMD
  for (; x + 4 <= w; x += 4) {
    const v128_t d = wasm_f32x4_sub(wasm_v128_load(a + x), wasm_v128_load(b + x));
    wasm_v128_store(vs + x, wasm_f64x2_add(wasm_v128_load(vs + x), wasm_f64x2_promote_low_f32x4(d)));
    wasm_v128_store(vs + x + 2, wasm_f64x2_add(wasm_v128_load(vs + x + 2), wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(d, d, 2, 3, 0, 1))));
  }
#endif
  for (; x < w; x++) vs[x] = vs[x] + (double)(a[x] - b[x]);
}

// One iteration with a (2m+1)^2 box window (replicate border; sums scaled by 1 / winsize^2).
static void fl_flow_box(const float *M, float *fx, float *fy, int w, int h, int m, int winsize, double *win) {
  const size_t plane = (size_t)w * h, line = (size_t)w + 2 * m + 4;
  const double scale = 1.0 / ((double)winsize * winsize);
  double *vs[5];
  for (int c = 0; c < 5; c++) vs[c] = win + c * line + m + 2;
  // Running sums seeded with row 0 counted m + 2 times plus rows 1 .. m - 1, then each step adds
  // row y + m and drops row y - m - 1: a (2m+1) window with replicated edges for m >= 1. For
  // winsize 1 (m = 0) the seed counts the row twice, as OpenCV's does, so the sums are 4x.
  for (int c = 0; c < 5; c++) {
    const float *P = M + c * plane;
    for (int x = 0; x < w; x++) {
      double s = (double)P[x] * (m + 2);
      for (int j = 1; j <= m - 1; j++) s += P[(size_t)VW_MIN(j, h - 1) * w + x];
      vs[c][x] = s;
    }
  }
  for (int y = 0; y < h; y++) {
    for (int c = 0; c < 5; c++) {
      const float *P = M + c * plane;
      fl_vsum_step(vs[c], P + (size_t)VW_MIN(y + m, h - 1) * w, P + (size_t)VW_MAX(y - m - 1, 0) * w, w);
      for (int i = 1; i <= m + 1; i++) { vs[c][-i] = vs[c][0]; vs[c][w - 1 + i] = vs[c][w - 1]; }
    }
    double g[5];
    for (int c = 0; c < 5; c++) {
      double s = vs[c][0] * (m + 2);
      for (int j = 1; j <= m - 1; j++) s += vs[c][j];
      g[c] = s;
    }
    for (int x = 0; x < w; x++) {
      for (int c = 0; c < 5; c++) g[c] += vs[c][x + m] - vs[c][x - m - 1];
      fl_solve(g[0] * scale, g[1] * scale, g[2] * scale, g[3] * scale, g[4] * scale, fx + (size_t)y * w + x, fy + (size_t)y * w + x);
    }
  }
}

// One iteration with a Gaussian window of sigma 0.3 m (replicate border), in float.
static void fl_flow_gauss(const float *M, float *fx, float *fy, int w, int h, int m, float *win) {
  const size_t plane = (size_t)w * h, line = (size_t)w + 2 * m + 4;
  float k[2 * FL_MAX_M + 1];
  const float *rows[2 * FL_MAX_M + 1];
  const double sigma = m * 0.3;
  double s = 1;
  k[m] = 1.f;
  for (int i = 1; i <= m; i++) { const float t = (float)exp(-i * i / (2 * sigma * sigma)); k[m + i] = t; s += 2.0 * t; }
  s = 1.0 / s;
  for (int i = 0; i <= m; i++) k[m + i] = k[m - i] = (float)(k[m + i] * s);
  float *vs[5], *hs = win + 5 * line;
  for (int c = 0; c < 5; c++) vs[c] = win + c * line + m;
  for (int y = 0; y < h; y++) {
    for (int c = 0; c < 5; c++) {
      const float *P = M + c * plane;
      for (int i = -m; i <= m; i++) rows[m + i] = P + (size_t)VW_MIN(VW_MAX(y + i, 0), h - 1) * w;
      fl_col_filter(rows, vs[c], w, k, m);
      for (int i = 1; i <= m; i++) { vs[c][-i] = vs[c][0]; vs[c][w - 1 + i] = vs[c][w - 1]; }
      fl_row_filter(vs[c] - m, hs + c * (size_t)w, w, k, m);
    }
    for (int x = 0; x < w; x++) {
      fl_solve(hs[x], hs[w + x], hs[2 * w + x], hs[3 * w + x], hs[4 * w + x], fx + (size_t)y * w + x, fy + (size_t)y * w + x);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Driver

// Luma as cv2.cvtColor(RGB2GRAY) gives it on u8 (OpenCV 4's 15-bit BT.601 weights, equal on
// every byte triple): (9798 R + 19235 G + 3735 B + 2^14) >> 15, as float.
static void fl_luma(const uint8_t *video, int C, int T, int t, size_t HW, float *gray) {
  const uint8_t *r = video + (size_t)t * HW;
  if (C == 1) { for (size_t i = 0; i < HW; i++) gray[i] = r[i]; return; }
  const uint8_t *g = r + (size_t)T * HW, *b = g + (size_t)T * HW;
  for (size_t i = 0; i < HW; i++) gray[i] = (float)((9798 * r[i] + 19235 * g[i] + 3735 * b[i] + (1 << 14)) >> 15);
}

// The expansions of frame t at every level into R (laid out as fl_plan's r_floats).
static void fl_expand_frame(const uint8_t *video, const int32_t *p, const fl_layout *L, double pyr_scale,
                            const fl_poly *P, int t, float *R, float *S) {
  fl_luma(video, p[VW_FLOW_C], p[VW_FLOW_T], t, (size_t)L->W * L->H, S + L->gray);
  size_t off = 0;
  for (int k = 0; k <= L->levels; k++) {
    const double scale = fl_scale(k, pyr_scale);
    double sigma;
    const int r = fl_smooth_radius(scale, &sigma);
    int w, h;
    fl_dims(L->W, L->H, k, pyr_scale, &w, &h);
    fl_gaussian_blur(S + L->gray, S + L->tmp, S + L->blur, L->W, L->H, r, k == 0 ? 0.0 : sigma, S + L->pad);
    fl_resize(S + L->blur, L->W, L->H, S + L->img, w, h, S + L->rows, S + L->xtab);
    fl_poly_exp(S + L->img, w, h, P, L->n, R + off, S + L->rows);
    off += FL_ALIGN((size_t)5 * w * h);
  }
}

// Scratch floats fl_farneback needs, or -1 when the geometry is beyond the kernel's limits.
static int fl_scratch(const int32_t *p, double pyr_scale) {
  const fl_layout L = fl_plan(p, pyr_scale);
  if (L.rmax > FL_MAX_R || L.m > FL_MAX_M || L.total > (size_t)(INT32_MAX / 4)) return -1;
  return (int)L.total;
}

// video u8 [C, T, H, W] (C 1 or 3), flow f32 [2, T - 1, H, W] (x then y, pixels).
static void fl_farneback(const uint8_t *video, float *flow, float *S, const int32_t *p, double pyr_scale, double poly_sigma) {
  const fl_layout L = fl_plan(p, pyr_scale);
  const int T = p[VW_FLOW_T], iters = p[VW_FLOW_ITERATIONS], winsize = p[VW_FLOW_WINSIZE];
  const int gauss = (p[VW_FLOW_FLAGS] & VW_FLOW_FLAG_FARNEBACK_GAUSSIAN) != 0;
  const size_t HW = (size_t)L.W * L.H;
  fl_poly P;
  fl_poly_setup(&P, L.n, poly_sigma);
  float *Rp = S + L.r_prev, *Rc = S + L.r_cur;
  if (T < 2) return;
  fl_expand_frame(video, p, &L, pyr_scale, &P, 0, Rp, S);
  for (int t = 0; t + 1 < T; t++) {
    fl_expand_frame(video, p, &L, pyr_scale, &P, t + 1, Rc, S);
    float *prev = 0, *cur = 0;
    int pw = 0, ph = 0;
    for (int k = L.levels; k >= 0; k--) {
      int w, h;
      fl_dims(L.W, L.H, k, pyr_scale, &w, &h);
      size_t off = 0;
      for (int j = 0; j < k; j++) { int wj, hj; fl_dims(L.W, L.H, j, pyr_scale, &wj, &hj); off += FL_ALIGN((size_t)5 * wj * hj); }
      const size_t plane = (size_t)w * h;
      cur = S + (k % 2 ? L.flow_a : L.flow_b);
      if (!prev) {
        memset(cur, 0, sizeof(float) * 2 * plane);
      } else {
        // the coarser level's flow, upsampled and rescaled to this level's pixels
        const float up = (float)(1.0 / pyr_scale);
        for (int c = 0; c < 2; c++) {
          float *d = cur + c * plane;
          fl_resize(prev + c * (size_t)pw * ph, pw, ph, d, w, h, S + L.rows, S + L.xtab);
          for (size_t i = 0; i < plane; i++) d[i] *= up;
        }
      }
      float *fx = cur, *fy = cur + plane, *M = S + L.M;
      fl_update_matrices(Rp + off, Rc + off, fx, fy, M, w, h);
      for (int it = 0; it < iters; it++) {
        if (gauss) fl_flow_gauss(M, fx, fy, w, h, L.m, S + L.win);
        else fl_flow_box(M, fx, fy, w, h, L.m, winsize, (double *)(S + L.win));
        if (it + 1 < iters) fl_update_matrices(Rp + off, Rc + off, fx, fy, M, w, h);
      }
      prev = cur; pw = w; ph = h;
    }
    memcpy(flow + (size_t)t * HW, cur, sizeof(float) * HW);
    memcpy(flow + ((size_t)(T - 1) + t) * HW, cur + HW, sizeof(float) * HW);
    float *sw = Rp; Rp = Rc; Rc = sw;
  }
}

#endif
