// int8 conv pieces, elementwise ops and the LUT activation, wasm SIMD. Formulas and layouts:
// qs8_conv.h. Every kernel works on 16 channels (or elements) at a time; a row's last partial
// block goes through a zeroed 16-byte buffer, so no load or store ever leaves its tensor.
#include "qs8_conv.h"

#define CR VW_QS8_DW_CR

// Requantisation of f32 lanes already in output units (the magic-bias form of qs8_gemm.c):
// returns int32 lanes clamped below; the saturating narrows and an i8 min clamp above.
typedef struct { v128_t magic, magic_min, magic_less_zero, qmax; } requant_t;

static inline requant_t requant_of(int32_t y_zero, int qmin, int qmax) {
  requant_t r;
  r.magic = wasm_f32x4_splat(12582912.0f);
  r.magic_min = wasm_f32x4_splat(12582912.0f + (float)(qmin - y_zero));
  r.magic_less_zero = wasm_i32x4_splat(0x4B400000 - y_zero);
  r.qmax = wasm_i8x16_splat((int8_t)qmax);
  return r;
}

static inline v128_t requant_lanes(v128_t f, const requant_t *r) {
  return wasm_i32x4_sub(wasm_f32x4_pmax(r->magic_min, wasm_f32x4_add(f, r->magic)), r->magic_less_zero);
}

// Four f32x4 (16 values in output units) -> 16 int8.
static inline v128_t requant16(v128_t f0, v128_t f1, v128_t f2, v128_t f3, const requant_t *r) {
  const v128_t a = wasm_i16x8_narrow_i32x4(requant_lanes(f0, r), requant_lanes(f1, r));
  const v128_t b = wasm_i16x8_narrow_i32x4(requant_lanes(f2, r), requant_lanes(f3, r));
  return wasm_i8x16_min(wasm_i8x16_narrow_i16x8(a, b), r->qmax);
}

// 16 bytes at p, or the first n of them (n < 16) followed by zeros.
static inline v128_t load16(const int8_t *p, int n) {
  if (n >= 16) return wasm_v128_load(p);
  int8_t t[16] = {0};
  memcpy(t, p, (size_t)n);
  return wasm_v128_load(t);
}

static inline void store16(int8_t *p, v128_t v, int n) {
  if (n >= 16) { wasm_v128_store(p, v); return; }
  int8_t t[16];
  wasm_v128_store(t, v);
  memcpy(p, t, (size_t)n);
}

static inline v128_t to_f32(v128_t i32) { return wasm_f32x4_convert_i32x4(i32); }

VW_EXPORT void vw_qs8_vol2col(const int32_t *p, const int8_t *x, int8_t *col, int x_zero) {
  vw_qs8_vol2col_impl(p, x, col, x_zero);
}

// One block of 16 channels of one output position: four i32x4 accumulators; per pair of taps the
// two rows' 16 bytes interleaved (two shuffles, punpck{l,h}bw), widened to int16, and four
// i32x4.dot_i16x8_s with the interleaved weights: 32 multiply-adds in 20 instructions.
// `tail` (the last, partial block of a row): loads that would pass the end of x go through a
// copy (other lanes past C only meet zero weights), and the store writes only the C - c lanes
// when a full store would pass the end of y (elsewhere the extra lanes land on the next
// position, which is computed later).
static inline __attribute__((always_inline)) void dw_block(const int8_t *const *rows, int pairs, int c, int C, int Cs,
                                                           const int16_t *w, const int32_t *bias, const float *scale,
                                                           const requant_t *r, int8_t *out, int tail, const int8_t *x_end,
                                                           const int8_t *y_end) {
  v128_t acc0 = wasm_v128_load(bias + c), acc1 = wasm_v128_load(bias + c + 4);
  v128_t acc2 = wasm_v128_load(bias + c + 8), acc3 = wasm_v128_load(bias + c + 12);
  const int16_t *wp = w + (size_t)c * 2;
  for (int i = 0; i < pairs; i++, wp += (size_t)Cs * 2) {
    const int8_t *pa = rows[2 * i] + c, *pb = rows[2 * i + 1] + c;
    const v128_t va = !tail || pa + 16 <= x_end ? wasm_v128_load(pa) : load16(pa, C - c);
    const v128_t vb = !tail || pb + 16 <= x_end ? wasm_v128_load(pb) : load16(pb, C - c);
    const v128_t lo = wasm_i8x16_shuffle(va, vb, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const v128_t hi = wasm_i8x16_shuffle(va, vb, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    acc0 = wasm_i32x4_add(acc0, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(lo), wasm_v128_load(wp)));
    acc1 = wasm_i32x4_add(acc1, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(lo), wasm_v128_load(wp + 8)));
    acc2 = wasm_i32x4_add(acc2, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(hi), wasm_v128_load(wp + 16)));
    acc3 = wasm_i32x4_add(acc3, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(hi), wasm_v128_load(wp + 24)));
  }
  const float *s = scale + c;
  const v128_t v = requant16(wasm_f32x4_mul(to_f32(acc0), wasm_v128_load(s)), wasm_f32x4_mul(to_f32(acc1), wasm_v128_load(s + 4)),
                             wasm_f32x4_mul(to_f32(acc2), wasm_v128_load(s + 8)), wasm_f32x4_mul(to_f32(acc3), wasm_v128_load(s + 12)), r);
  store16(out + c, v, !tail || out + c + 16 <= y_end ? 16 : C - c);
}

// Per output row (n, to, ho): each tap's input row (or none, in the temporal / vertical padding)
// once; per position only the horizontal offset, then the channel blocks (qs8_conv.h's layout).
VW_EXPORT void vw_qs8_depthwise3d(const int32_t *p, const int32_t *q, const int8_t *x, const int16_t *w,
                                  const int32_t *bias, const float *scale, int8_t *y) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const int C = g.Cin, Cs = vw_qs8_dw_cstride(C), full = C / CR * CR;
  const int taps = g.kt * g.kh * g.kw, pairs = vw_qs8_dw_pairs(taps);
  const requant_t r = requant_of(q[VW_QP_YZERO], q[VW_QP_QMIN], q[VW_QP_QMAX]);
  int8_t zrow[Cs];
  memset(zrow, q[VW_QP_XZERO], (size_t)Cs);
  const int8_t *base[2 * pairs], *rows[2 * pairs];
  int wofs[2 * pairs];
  const int8_t *x_end = x + (size_t)g.N * g.T * g.H * g.W * C;
  const int8_t *y_end = y + (size_t)g.N * g.To * g.Ho * g.Wo * C;
  int8_t *out = y;
  for (int n = 0; n < g.N; n++)
    for (int to = 0; to < g.To; to++)
      for (int ho = 0; ho < g.Ho; ho++) {
        int i = 0;
        for (int a = 0; a < g.kt; a++) {
          const int t = to * g.st - g.pt + a * g.dt;
          for (int b = 0; b < g.kh; b++) {
            const int h = ho * g.sh - g.ph + b * g.dh;
            const int in = t >= 0 && t < g.T && h >= 0 && h < g.H;
            for (int d = 0; d < g.kw; d++, i++) {
              base[i] = in ? x + (((size_t)n * g.T + t) * g.H + h) * g.W * C : NULL;
              wofs[i] = d * g.dw - g.pw;
            }
          }
        }
        if (i % 2) { base[i] = NULL; wofs[i] = 0; }
        for (int wo = 0; wo < g.Wo; wo++, out += C) {
          for (int k = 0; k < 2 * pairs; k++) {
            const int wi = wo * g.sw + wofs[k];
            rows[k] = base[k] && wi >= 0 && wi < g.W ? base[k] + (size_t)wi * C : zrow;
          }
          for (int c = 0; c < full; c += CR) dw_block(rows, pairs, c, C, Cs, w, bias, scale, &r, out, 0, x_end, y_end);
          if (full < C) dw_block(rows, pairs, full, C, Cs, w, bias, scale, &r, out, 1, x_end, y_end);
        }
      }
}

// 256-entry table lookup with 16 swizzles of its 16-byte slices: swizzle gives 0 for an index
// >= 16, and subtracting 16 per slice (wrapping) moves each byte's index into range exactly once.
VW_EXPORT void vw_qs8_lut(const int8_t *x, int8_t *y, int n, const int8_t *table) {
  v128_t t[16];
  for (int k = 0; k < 16; k++) t[k] = wasm_v128_load(table + 16 * k);
  const v128_t bias = wasm_i8x16_splat(-128), sixteen = wasm_i8x16_splat(16);
  for (int i = 0; i < n; i += 16) {
    v128_t idx = wasm_i8x16_sub(load16(x + i, n - i), bias);  // x + 128 as an unsigned byte
    v128_t v = wasm_i8x16_swizzle(t[0], idx);
    for (int k = 1; k < 16; k++) {
      idx = wasm_i8x16_sub(idx, sixteen);
      v = wasm_v128_or(v, wasm_i8x16_swizzle(t[k], idx));
    }
    store16(y + i, v, n - i);
  }
}

// Widens 16 int8 minus a zero point to four f32x4.
static inline void widen16(v128_t v, v128_t vz, v128_t f[4]) {
  const v128_t lo = wasm_i16x8_sub(wasm_i16x8_extend_low_i8x16(v), vz);
  const v128_t hi = wasm_i16x8_sub(wasm_i16x8_extend_high_i8x16(v), vz);
  f[0] = to_f32(wasm_i32x4_extend_low_i16x8(lo));
  f[1] = to_f32(wasm_i32x4_extend_high_i16x8(lo));
  f[2] = to_f32(wasm_i32x4_extend_low_i16x8(hi));
  f[3] = to_f32(wasm_i32x4_extend_high_i16x8(hi));
}

VW_EXPORT void vw_qs8_add(const int8_t *a, const int8_t *b, int8_t *y, int n, int a_zero, float a_scale, int b_zero,
                          float b_scale, int y_zero, int qmin, int qmax) {
  const requant_t r = requant_of(y_zero, qmin, qmax);
  const v128_t za = wasm_i16x8_splat((int16_t)a_zero), zb = wasm_i16x8_splat((int16_t)b_zero);
  const v128_t sa = wasm_f32x4_splat(a_scale), sb = wasm_f32x4_splat(b_scale);
  for (int i = 0; i < n; i += 16) {
    v128_t fa[4], fb[4];
    widen16(load16(a + i, n - i), za, fa);
    widen16(load16(b + i, n - i), zb, fb);
    for (int k = 0; k < 4; k++) fa[k] = wasm_f32x4_add(wasm_f32x4_mul(fa[k], sa), wasm_f32x4_mul(fb[k], sb));
    store16(y + i, requant16(fa[0], fa[1], fa[2], fa[3], &r), n - i);
  }
}

VW_EXPORT void vw_qs8_global_avgpool(const int8_t *x, int8_t *y, int N, int M, int C, int x_zero, float scale,
                                     int y_zero) {
  const requant_t r = requant_of(y_zero, -128, 127);
  const v128_t vs = wasm_f32x4_splat(scale), vmz = wasm_i32x4_splat(M * x_zero);
  for (int n = 0; n < N; n++)
    for (int c = 0; c < C; c += 16) {
      const int nc = C - c;
      v128_t s0 = wasm_i32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
      for (int m = 0; m < M; m++) {
        const v128_t v = load16(x + ((size_t)n * M + m) * C + c, nc);
        const v128_t lo = wasm_i16x8_extend_low_i8x16(v), hi = wasm_i16x8_extend_high_i8x16(v);
        s0 = wasm_i32x4_add(s0, wasm_i32x4_extend_low_i16x8(lo));
        s1 = wasm_i32x4_add(s1, wasm_i32x4_extend_high_i16x8(lo));
        s2 = wasm_i32x4_add(s2, wasm_i32x4_extend_low_i16x8(hi));
        s3 = wasm_i32x4_add(s3, wasm_i32x4_extend_high_i16x8(hi));
      }
      store16(y + (size_t)n * C + c,
              requant16(wasm_f32x4_mul(to_f32(wasm_i32x4_sub(s0, vmz)), vs), wasm_f32x4_mul(to_f32(wasm_i32x4_sub(s1, vmz)), vs),
                        wasm_f32x4_mul(to_f32(wasm_i32x4_sub(s2, vmz)), vs), wasm_f32x4_mul(to_f32(wasm_i32x4_sub(s3, vmz)), vs), &r),
              nc);
    }
}

VW_EXPORT void vw_qs8_channel_mul(const int8_t *x, const float *gate, int8_t *y, int N, int M, int C, int x_zero,
                                  float scale, int y_zero) {
  const requant_t r = requant_of(y_zero, -128, 127);
  const v128_t vz = wasm_i16x8_splat((int16_t)x_zero), vs = wasm_f32x4_splat(scale);
  for (int n = 0; n < N; n++)
    for (int c = 0; c < C; c += 16) {
      const int nc = C - c;
      float g[16] = {0};
      memcpy(g, gate + (size_t)n * C + c, sizeof(float) * (size_t)(nc < 16 ? nc : 16));
      v128_t mult[4];
      for (int k = 0; k < 4; k++) mult[k] = wasm_f32x4_mul(wasm_v128_load(g + 4 * k), vs);
      for (int m = 0; m < M; m++) {
        const size_t row = ((size_t)n * M + m) * C + c;
        v128_t f[4];
        widen16(load16(x + row, nc), vz, f);
        store16(y + row, requant16(wasm_f32x4_mul(f[0], mult[0]), wasm_f32x4_mul(f[1], mult[1]),
                                   wasm_f32x4_mul(f[2], mult[2]), wasm_f32x4_mul(f[3], mult[3]), &r),
                nc);
      }
    }
}
