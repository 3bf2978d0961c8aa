// Fast wasm SIMD transcendental math, 4 lanes at a time: exp, log, log1p, tanh, sigmoid, erf,
// the normal CDF (for exact GELU) and softplus.
//
// Method (the classic one, as in Cephes, fdlibm and XNNPACK): reduce the argument to a small
// interval with an exact or twice-split step, evaluate a short polynomial there, and undo the
// reduction. The polynomial coefficients were fitted for this file (weighted least squares on
// Chebyshev nodes, iterated toward minimax) and give results within ~1-3 ulp of the correctly
// rounded value over the whole float range; test/ops/vmath.test.ts measures it on 100k points.
//
// Special values: exp(+big) = +inf, exp(-big) = 0 (with gradual underflow), exp(NaN) = NaN,
// log(0) = -inf, log(x<0) = NaN, log(+inf) = +inf; tanh/sigmoid/erf saturate cleanly, never NaN.
#ifndef VW_VMATH_H
#define VW_VMATH_H
#include "vw.h"

static inline v128_t vw_v_horner(v128_t x, const float *c, int n) {  // c[0] + c[1] x + ... + c[n-1] x^(n-1)
  v128_t p = wasm_f32x4_splat(c[n - 1]);
  for (int k = n - 2; k >= 0; k--) p = wasm_f32x4_add(wasm_f32x4_mul(p, x), wasm_f32x4_splat(c[k]));
  return p;
}

// exp(big + small) = 2^n * exp(r), n = round((big + small) / ln2), r = big + small - n ln2 in
// [-ln2/2, ln2/2]. The argument may come in two parts (|small| << |big|, big with few significant
// bits) so callers can pass -a^2 exactly; plain exp passes small = 0.
static inline v128_t vw_v_exp2part(v128_t big, v128_t small) {
  static const float P[5] = {4.999999955e-01f, 1.666657732e-01f, 4.166685354e-02f, 8.363140354e-03f, 1.390126900e-03f};
  // Clamping keeps n within what two power-of-two factors can express; NaN passes through min/max.
  big = wasm_f32x4_min(wasm_f32x4_max(big, wasm_f32x4_splat(-110.f)), wasm_f32x4_splat(89.f));
  // n by the magic-number trick: adding 1.5 * 2^23 rounds to an integer and leaves it in the
  // low mantissa bits, so the integer n costs one subtract (no float->int conversion).
  const v128_t magic = wasm_f32x4_splat(12582912.f);
  const v128_t nm = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_add(big, small), wasm_f32x4_splat(1.44269504088896341f)), magic);
  const v128_t n = wasm_f32x4_sub(nm, magic);
  // ln2 split in two: ln2_hi has 12 significant bits, so n * ln2_hi is exact for |n| < 2^12 and
  // big - n ln2_hi is exact too (the two are within a factor of 2).
  v128_t r = wasm_f32x4_add(wasm_f32x4_sub(big, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693145751953125f))), small);
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(1.428606765330187e-06f)));
  const v128_t p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_splat(1.f), r),
                                  wasm_f32x4_mul(wasm_f32x4_mul(r, r), vw_v_horner(r, P, 5)));
  // 2^n as two factors 2^n1 * 2^n2 (n in [-159, 128]): each factor is a normal float, so the
  // product overflows to inf or underflows gradually with a single final rounding.
  const v128_t ni = wasm_i32x4_sub(nm, magic);
  const v128_t n1 = wasm_i32x4_shr(ni, 1), n2 = wasm_i32x4_sub(ni, n1);
  const v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, wasm_i32x4_splat(127)), 23);
  const v128_t s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(wasm_f32x4_mul(p, s1), s2);
}

// exp(x): the two-part form with small = 0 (x + 0 and r + 0 change no result).
static inline v128_t vw_v_exp(v128_t x) { return vw_v_exp2part(x, wasm_f32x4_splat(0.f)); }

// log(x) = e ln2 + log(m), m in [sqrt(1/2), sqrt(2)); log(1+f) through s = f / (2 + f)
// (log(1+f) = 2 atanh(s)), arranged so the big terms f and e*ln2 are added last.
static inline v128_t vw_v_log(v128_t x) {
  static const float P[4] = {6.666665949e-01f, 4.000439766e-01f, 2.816251785e-01f, 3.214406438e-01f};
  const v128_t tiny = wasm_f32x4_lt(x, wasm_f32x4_splat(1.17549435e-38f));  // subnormals (and <= 0)
  const v128_t xs = wasm_v128_bitselect(wasm_f32x4_mul(x, wasm_f32x4_splat(8388608.f)), x, tiny);
  const v128_t eadj = wasm_v128_and(tiny, wasm_f32x4_splat(23.f));
  // Offsetting the bits by (1 - sqrt(1/2)) puts the exponent boundary at sqrt(2).
  const v128_t ix = wasm_i32x4_add(xs, wasm_i32x4_splat(0x3f800000 - 0x3f3504f3));
  const v128_t e = wasm_f32x4_sub(wasm_f32x4_convert_i32x4(wasm_i32x4_sub(wasm_i32x4_shr(ix, 23), wasm_i32x4_splat(127))), eadj);
  const v128_t m = wasm_i32x4_add(wasm_v128_and(ix, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f3504f3));
  const v128_t f = wasm_f32x4_sub(m, wasm_f32x4_splat(1.f));
  const v128_t s = wasm_f32x4_div(f, wasm_f32x4_add(f, wasm_f32x4_splat(2.f)));
  const v128_t z = wasm_f32x4_mul(s, s);
  const v128_t R = wasm_f32x4_mul(z, vw_v_horner(z, P, 4));
  const v128_t hfsq = wasm_f32x4_mul(wasm_f32x4_splat(0.5f), wasm_f32x4_mul(f, f));
  v128_t t = wasm_f32x4_add(wasm_f32x4_mul(s, wasm_f32x4_add(hfsq, R)), wasm_f32x4_mul(e, wasm_f32x4_splat(1.428606765330187e-06f)));
  v128_t y = wasm_f32x4_add(wasm_f32x4_mul(e, wasm_f32x4_splat(0.693145751953125f)), wasm_f32x4_sub(f, wasm_f32x4_sub(hfsq, t)));
  // Special inputs: +inf -> +inf, 0 -> -inf, negative or NaN -> NaN.
  const v128_t inf = wasm_f32x4_splat(__builtin_inff());
  y = wasm_v128_bitselect(inf, y, wasm_f32x4_eq(x, inf));
  y = wasm_v128_bitselect(wasm_f32x4_neg(inf), y, wasm_f32x4_eq(x, wasm_f32x4_splat(0.f)));
  y = wasm_v128_bitselect(wasm_f32x4_splat(__builtin_nanf("")), y, wasm_v128_not(wasm_f32x4_ge(x, wasm_f32x4_splat(0.f))));
  return y;
}

// log(1 + u) for u >= -1: log(w) with w = 1 + u, corrected by the rounding error of that sum.
static inline v128_t vw_v_log1p(v128_t u) {
  const v128_t w = wasm_f32x4_add(wasm_f32x4_splat(1.f), u);
  const v128_t err = wasm_f32x4_div(wasm_f32x4_sub(wasm_f32x4_sub(w, wasm_f32x4_splat(1.f)), u), w);
  const v128_t y = wasm_f32x4_sub(vw_v_log(w), err);
  // when w rounded to exactly 1, log1p(u) = u to full precision
  return wasm_v128_bitselect(u, y, wasm_f32x4_eq(w, wasm_f32x4_splat(1.f)));
}

static inline v128_t vw_v_copysign(v128_t mag, v128_t sign) {
  const v128_t sbit = wasm_i32x4_splat((int32_t)0x80000000);
  return wasm_v128_or(wasm_v128_andnot(mag, sbit), wasm_v128_and(sign, sbit));
}

// tanh: odd polynomial near 0, 1 - 2 / (exp(2|x|) + 1) elsewhere.
static inline v128_t vw_v_tanh(v128_t x) {
  static const float P[6] = {-3.333333290e-01f, 1.333326723e-01f, -5.395133529e-02f, 2.170898527e-02f,
                             -8.160659699e-03f, 2.098122036e-03f};
  const v128_t a = wasm_f32x4_abs(x);
  const v128_t z = wasm_f32x4_mul(x, x);
  // x (1 + z P(z)) rather than x + x z P(z), so tanh(-0) = -0
  const v128_t small = wasm_f32x4_mul(x, wasm_f32x4_add(wasm_f32x4_splat(1.f), wasm_f32x4_mul(z, vw_v_horner(z, P, 6))));
  // Beyond |x| = 9.1, tanh rounds to 1; the clamp at 10 keeps exp finite and still gives exactly 1.
  const v128_t e = vw_v_exp(wasm_f32x4_add(wasm_f32x4_min(a, wasm_f32x4_splat(10.f)), wasm_f32x4_min(a, wasm_f32x4_splat(10.f))));
  const v128_t big = wasm_f32x4_sub(wasm_f32x4_splat(1.f), wasm_f32x4_div(wasm_f32x4_splat(2.f), wasm_f32x4_add(e, wasm_f32x4_splat(1.f))));
  return wasm_v128_bitselect(small, vw_v_copysign(big, x), wasm_f32x4_lt(a, wasm_f32x4_splat(0.625f)));
}

// sigmoid with e = exp(-|x|) <= 1: 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, so the
// lower tail underflows gradually instead of overflowing exp(-x) to inf.
static inline v128_t vw_v_sigmoid(v128_t x) {
  const v128_t e = vw_v_exp(wasm_f32x4_neg(wasm_f32x4_abs(x)));
  const v128_t num = wasm_v128_bitselect(e, wasm_f32x4_splat(1.f), wasm_f32x4_lt(x, wasm_f32x4_splat(0.f)));
  return wasm_f32x4_div(num, wasm_f32x4_add(wasm_f32x4_splat(1.f), e));
}

// erfc(a) for a >= 0 (a_lo: the caller's rounding error of a, or 0):
//   erfc(a) = t exp(-a^2 + Q(t)),  t = 1 / (1 + a / 2),
// with Q a degree-9 polynomial fitted for a in [0, 10] (relative error 5e-8 there; beyond, the
// result underflows to 0 anyway). -a^2 goes to the exponential in two parts: a = hi + lo with hi
// holding 12 bits, so -hi^2 is exact, and the small rest (and Q) join the reduced argument.
// Near a = 9 one ulp of a^2 would already be a 1e-5 relative error, so this matters in the tail.
static inline v128_t vw_v_erfc2(v128_t a, v128_t a_lo) {
  static const float Q[10] = {-1.265441448e+00f, 9.984927366e-01f, 3.878977692e-01f, 2.836673231e-02f, 2.016705636e-02f,
                              -1.167321839e-01f, -6.513161355e-01f, 1.122452200e+00f, -6.660849570e-01f, 1.421982752e-01f};
  const v128_t t = wasm_f32x4_div(wasm_f32x4_splat(1.f), wasm_f32x4_add(wasm_f32x4_splat(1.f), wasm_f32x4_mul(a, wasm_f32x4_splat(0.5f))));
  const v128_t hi = wasm_v128_and(a, wasm_i32x4_splat((int32_t)0xfffff000));
  const v128_t lo = wasm_f32x4_sub(a, hi);
  const v128_t d = wasm_f32x4_add(wasm_f32x4_mul(lo, wasm_f32x4_add(a, hi)), wasm_f32x4_mul(wasm_f32x4_add(a, a), a_lo));
  const v128_t small = wasm_f32x4_sub(vw_v_horner(t, Q, 10), d);
  return wasm_f32x4_mul(t, vw_v_exp2part(wasm_f32x4_neg(wasm_f32x4_mul(hi, hi)), small));
}

// erf(x) = x P(x^2) for |x| < 1.
static inline v128_t vw_v_erf_small(v128_t x) {
  static const float P[7] = {1.128379166e+00f, -3.761262582e-01f, 1.128358514e-01f, -2.685381168e-02f,
                             5.188327195e-03f, -8.010189317e-04f, 7.853847133e-05f};
  return wasm_f32x4_mul(x, vw_v_horner(wasm_f32x4_mul(x, x), P, 7));
}

// erf: x P(x^2) for |x| < 1, else sign(x) (1 - erfc(|x|)).
static inline v128_t vw_v_erf(v128_t x) {
  const v128_t a = wasm_f32x4_abs(x);
  const v128_t big = vw_v_copysign(wasm_f32x4_sub(wasm_f32x4_splat(1.f), vw_v_erfc2(a, wasm_f32x4_splat(0.f))), x);
  return wasm_v128_bitselect(vw_v_erf_small(x), big, wasm_f32x4_lt(a, wasm_f32x4_splat(1.f)));
}

// Standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2 (x < 0) or 1 - erfc(x / sqrt 2) / 2: no
// cancellation in the lower tail, one erfc for every lane. Exact GELU is x Phi(x).
static inline v128_t vw_v_ncdf(v128_t x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_splat(-30.f)), wasm_f32x4_splat(30.f));  // Phi is 0 or 1 there
  // z = x / sqrt 2 as zh + zl: with 1/sqrt2 = ch + cl and x = xh + xl (ch, xh, xl of 12 bits),
  // xh ch and xl ch are exact, and a two-sum collects the rounding error of zh.
  const v128_t ch = wasm_f32x4_splat(0.70703125f), cl = wasm_f32x4_splat(7.5531185e-05f);
  const v128_t xh = wasm_v128_and(x, wasm_i32x4_splat((int32_t)0xfffff000));
  const v128_t p1 = wasm_f32x4_mul(xh, ch);
  const v128_t p23 = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sub(x, xh), ch), wasm_f32x4_mul(x, cl));
  const v128_t z = wasm_f32x4_add(p1, p23);
  const v128_t zl = wasm_f32x4_add(wasm_f32x4_sub(p1, z), p23);
  const v128_t a = wasm_f32x4_abs(z), a_lo = vw_v_copysign(zl, wasm_f32x4_mul(zl, z));  // zl * sign(z)
  const v128_t hc = wasm_f32x4_mul(wasm_f32x4_splat(0.5f), vw_v_erfc2(a, a_lo));  // erfc(|z|) / 2
  return wasm_v128_bitselect(hc, wasm_f32x4_sub(wasm_f32x4_splat(1.f), hc), wasm_f32x4_lt(z, wasm_f32x4_splat(0.f)));
}

// softplus(x) = log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), never overflows.
static inline v128_t vw_v_softplus(v128_t x) {
  const v128_t l = vw_v_log1p(vw_v_exp(wasm_f32x4_neg(wasm_f32x4_abs(x))));
  return wasm_f32x4_add(wasm_f32x4_max(x, wasm_f32x4_splat(0.f)), l);
}
#endif
