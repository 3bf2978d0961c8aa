// f32 <-> int8 quantisation, wasm SIMD. Semantics are PyTorch's (see vw_qs8_quant1 in qs8.h):
//   quantize:   q = clamp(rint(x * f32(1 / scale)) + zero, -128, 127)
//   dequantize: x = (f32(q) - f32(zero)) * scale
// Per-channel forms take a parameter block [outer, channels, inner] and one scale / zero per
// channel (PyTorch's quantize_per_channel along an axis).
#include "qs8.h"

// 16 floats -> 16 int8: scale, clamp (pmax/pmin map NaN to the low bound like the scalar
// twin), magic-bias round half to even, then two saturating narrows.
static inline v128_t quant16(const float *x, v128_t vinv, v128_t vlo, v128_t vhi, v128_t vmagic, v128_t vsub) {
  v128_t f0 = wasm_f32x4_mul(wasm_v128_load(x), vinv);
  v128_t f1 = wasm_f32x4_mul(wasm_v128_load(x + 4), vinv);
  v128_t f2 = wasm_f32x4_mul(wasm_v128_load(x + 8), vinv);
  v128_t f3 = wasm_f32x4_mul(wasm_v128_load(x + 12), vinv);
  f0 = wasm_f32x4_pmin(vhi, wasm_f32x4_pmax(vlo, f0));
  f1 = wasm_f32x4_pmin(vhi, wasm_f32x4_pmax(vlo, f1));
  f2 = wasm_f32x4_pmin(vhi, wasm_f32x4_pmax(vlo, f2));
  f3 = wasm_f32x4_pmin(vhi, wasm_f32x4_pmax(vlo, f3));
  const v128_t q0 = wasm_i32x4_sub(wasm_f32x4_add(f0, vmagic), vsub);
  const v128_t q1 = wasm_i32x4_sub(wasm_f32x4_add(f1, vmagic), vsub);
  const v128_t q2 = wasm_i32x4_sub(wasm_f32x4_add(f2, vmagic), vsub);
  const v128_t q3 = wasm_i32x4_sub(wasm_f32x4_add(f3, vmagic), vsub);
  return wasm_i8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(q0, q1), wasm_i16x8_narrow_i32x4(q2, q3));
}

static void quantize(const float *x, int8_t *y, int n, float scale, int32_t zero) {
  const float inv = 1.0f / scale;
  const float lo = (float)(-128 - zero), hi = (float)(127 - zero);
  const v128_t vinv = wasm_f32x4_splat(inv), vlo = wasm_f32x4_splat(lo), vhi = wasm_f32x4_splat(hi);
  const v128_t vmagic = wasm_f32x4_splat(12582912.0f), vsub = wasm_i32x4_splat(0x4B400000 - zero);
  int i = 0;
  for (; i + 16 <= n; i += 16) wasm_v128_store(y + i, quant16(x + i, vinv, vlo, vhi, vmagic, vsub));
  for (; i < n; i++) y[i] = vw_qs8_quant1(x[i], inv, lo, hi, zero);
}

static void dequantize(const int8_t *q, float *y, int n, float scale, int32_t zero) {
  const v128_t vs = wasm_f32x4_splat(scale), vz = wasm_i32x4_splat(zero);
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    const v128_t v = wasm_v128_load(q + i);
    const v128_t lo = wasm_i16x8_extend_low_i8x16(v), hi = wasm_i16x8_extend_high_i8x16(v);
    // q - zero is exact in int32 and in f32, so this equals (f32(q) - f32(zero)) * scale.
    wasm_v128_store(y + i, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_sub(wasm_i32x4_extend_low_i16x8(lo), vz)), vs));
    wasm_v128_store(y + i + 4, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_sub(wasm_i32x4_extend_high_i16x8(lo), vz)), vs));
    wasm_v128_store(y + i + 8, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_sub(wasm_i32x4_extend_low_i16x8(hi), vz)), vs));
    wasm_v128_store(y + i + 12, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_sub(wasm_i32x4_extend_high_i16x8(hi), vz)), vs));
  }
  for (; i < n; i++) y[i] = ((float)q[i] - (float)zero) * scale;
}

VW_EXPORT void vw_qs8_quantize(const float *x, int8_t *y, int n, float scale, int zero) {
  quantize(x, y, n, scale, zero);
}

VW_EXPORT void vw_qs8_dequantize(const int8_t *q, float *y, int n, float scale, int zero) {
  dequantize(q, y, n, scale, zero);
}

VW_EXPORT void vw_qs8_quantize_channels(const int32_t *p, const float *x, const float *scales, const int32_t *zeros,
                                        int8_t *y) {
  const int outer = p[0], C = p[1], inner = p[2];
  if (inner == 1) {
    // Channels innermost (e.g. channels-last activations): vectorise across channels with
    // per-lane scales; the reciprocal is a correctly rounded f32 divide, as in the scalar form.
    const v128_t one = wasm_f32x4_splat(1.0f), vmagic = wasm_f32x4_splat(12582912.0f);
    for (int o = 0; o < outer; o++) {
      const float *xo = x + (size_t)o * C;
      int8_t *yo = y + (size_t)o * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        const v128_t vz = wasm_v128_load(zeros + c);
        const v128_t vlo = wasm_f32x4_convert_i32x4(wasm_i32x4_sub(wasm_i32x4_splat(-128), vz));
        const v128_t vhi = wasm_f32x4_convert_i32x4(wasm_i32x4_sub(wasm_i32x4_splat(127), vz));
        v128_t f = wasm_f32x4_mul(wasm_v128_load(xo + c), wasm_f32x4_div(one, wasm_v128_load(scales + c)));
        f = wasm_f32x4_pmin(vhi, wasm_f32x4_pmax(vlo, f));
        const v128_t q = wasm_i32x4_sub(wasm_f32x4_add(f, vmagic), wasm_i32x4_sub(wasm_i32x4_splat(0x4B400000), vz));
        const v128_t q16 = wasm_i16x8_narrow_i32x4(q, q);
        wasm_v128_store32_lane(yo + c, wasm_i8x16_narrow_i16x8(q16, q16), 0);
      }
      for (; c < C; c++) {
        const float lo = (float)(-128 - zeros[c]), hi = (float)(127 - zeros[c]);
        yo[c] = vw_qs8_quant1(xo[c], 1.0f / scales[c], lo, hi, zeros[c]);
      }
    }
    return;
  }
  for (int o = 0; o < outer; o++)
    for (int c = 0; c < C; c++) {
      const size_t off = ((size_t)o * C + c) * inner;
      quantize(x + off, y + off, inner, scales[c], zeros[c]);
    }
}

VW_EXPORT void vw_qs8_dequantize_channels(const int32_t *p, const int8_t *q, const float *scales,
                                          const int32_t *zeros, float *y) {
  const int outer = p[0], C = p[1], inner = p[2];
  for (int o = 0; o < outer; o++)
    for (int c = 0; c < C; c++) {
      const size_t off = ((size_t)o * C + c) * inner;
      dequantize(q + off, y + off, inner, scales[c], zeros[c]);
    }
}
