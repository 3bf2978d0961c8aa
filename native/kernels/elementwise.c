// SIMD elementwise kernels: broadcast binary ops, unary activations, fill and axis reductions.
#include "vw.h"
#include "vmath.h"

float vw_f32_unary1_scalar(int op, float x);
float vw_f32_unary_grad1_scalar(int op, float x, float y);
void vw_f32_reduce_max_scalar(const float *x, float *y, int32_t *arg, int outer, int r, int inner);

static inline v128_t bin4(int op, v128_t a, v128_t b) {
  switch (op) {
    case VW_BIN_ADD: return wasm_f32x4_add(a, b);
    case VW_BIN_SUB: return wasm_f32x4_sub(a, b);
    case VW_BIN_MUL: return wasm_f32x4_mul(a, b);
    case VW_BIN_DIV: return wasm_f32x4_div(a, b);
    case VW_BIN_MAXIMUM: return wasm_f32x4_max(a, b);
    case VW_BIN_MINIMUM: return wasm_f32x4_min(a, b);
    case VW_BIN_RSUB: return wasm_f32x4_sub(b, a);
    default: return wasm_f32x4_div(b, a);
  }
}
static inline float bin1(int op, float a, float b) {
  return wasm_f32x4_extract_lane(bin4(op, wasm_f32x4_splat(a), wasm_f32x4_splat(b)), 0);
}

// One innermost row: y[i] = a[i*sa] op b[i*sb], with SIMD when a stride is 1 or 0.
static void row(int op, const float *a, int sa, const float *b, int sb, float *y, int n) {
  int i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, bin4(op, wasm_v128_load(a + i), wasm_v128_load(b + i)));
  } else if (sa == 1 && sb == 0) {
    const v128_t vb = wasm_f32x4_splat(b[0]);
    for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, bin4(op, wasm_v128_load(a + i), vb));
  } else if (sa == 0 && sb == 1) {
    const v128_t va = wasm_f32x4_splat(a[0]);
    for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, bin4(op, va, wasm_v128_load(b + i)));
  }
  for (; i < n; i++) y[i] = bin1(op, a[(size_t)i * sa], b[(size_t)i * sb]);
}

VW_EXPORT void vw_f32_binary(int op, const float *a, const float *b, float *y, const int32_t *p) {
  const int nd = p[0];
  const int32_t *shape = p + 1, *sa = p + 1 + nd, *sb = p + 1 + 2 * nd;
  if (nd == 0) { y[0] = bin1(op, a[0], b[0]); return; }
  const int n = shape[nd - 1];
  int rows = 1;
  for (int d = 0; d < nd - 1; d++) rows *= shape[d];
  int idx[VW_MAX_DIMS] = {0};
  int oa = 0, ob = 0;
  for (int r = 0; r < rows; r++) {
    row(op, a + oa, sa[nd - 1], b + ob, sb[nd - 1], y + (size_t)r * n, n);
    for (int d = nd - 2; d >= 0; d--) {
      oa += sa[d]; ob += sb[d];
      if (++idx[d] < shape[d]) break;
      oa -= sa[d] * shape[d]; ob -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
}

VW_EXPORT void vw_f32_binary_const(int op, const float *a, float s, float *y, int n) {
  row(op, a, 1, &s, 0, y, n);
}

// min(max(v, 0), 6) with pmin/pmax, which pass NaN through as PyTorch's hardsigmoid/hardswish do.
static inline v128_t relu6(v128_t v) {
  return wasm_f32x4_pmin(wasm_f32x4_pmax(v, wasm_f32x4_splat(0.f)), wasm_f32x4_splat(6.f));
}

// One SIMD vector of a unary op (vmath.h for the transcendental ones).
static inline v128_t un4(int op, v128_t x) {
  const v128_t one = wasm_f32x4_splat(1.f);
  switch (op) {
    case VW_UN_RELU: return wasm_f32x4_pmax(x, wasm_f32x4_splat(0.f));  // x < 0 ? 0 : x (NaN and -0 pass, as in PyTorch)
    case VW_UN_NEG: return wasm_f32x4_neg(x);
    case VW_UN_ABS: return wasm_f32x4_abs(x);
    case VW_UN_SQRT: return wasm_f32x4_sqrt(x);
    case VW_UN_SQUARE: return wasm_f32x4_mul(x, x);
    case VW_UN_SIGMOID: return vw_v_sigmoid(x);
    case VW_UN_TANH: return vw_v_tanh(x);
    case VW_UN_EXP: return vw_v_exp(x);
    case VW_UN_LOG: return vw_v_log(x);
    case VW_UN_GELU: return wasm_f32x4_mul(x, vw_v_ncdf(x));
    case VW_UN_SILU: return wasm_f32x4_div(x, wasm_f32x4_add(one, vw_v_exp(wasm_f32x4_neg(x))));
    case VW_UN_RSQRT: return wasm_f32x4_div(one, wasm_f32x4_sqrt(x));
    case VW_UN_RECIPROCAL: return wasm_f32x4_div(one, x);
    case VW_UN_HARDSIGMOID: return wasm_f32x4_div(relu6(wasm_f32x4_add(x, wasm_f32x4_splat(3.f))), wasm_f32x4_splat(6.f));
    case VW_UN_HARDSWISH:
      return wasm_f32x4_div(wasm_f32x4_mul(x, relu6(wasm_f32x4_add(x, wasm_f32x4_splat(3.f)))), wasm_f32x4_splat(6.f));
    default: {  // VW_UN_GELU_TANH: 0.5 x (1 + tanh(u)) = x sigmoid(2u), which has no cancellation for x << 0
      const v128_t u = wasm_f32x4_mul(wasm_f32x4_splat(0.7978845608028654f),
                                      wasm_f32x4_add(x, wasm_f32x4_mul(wasm_f32x4_splat(0.044715f), wasm_f32x4_mul(x, wasm_f32x4_mul(x, x)))));
      return wasm_f32x4_mul(x, vw_v_sigmoid(wasm_f32x4_add(u, u)));
    }
  }
}

VW_EXPORT void vw_f32_unary(int op, const float *x, float *y, int n) {
  int i = 0;
  if (op >= 0 && op < VW_UN_COUNT) {
    // One loop per op (straight-line bodies), 4 independent vectors per iteration: the
    // transcendental ones are long dependency chains, and interleaving four hides their latency
    // (measured 1.5x on exp).
#define UNARY_LOOP(OP) case OP:                                                                            \
      for (; i + 16 <= n; i += 16) {                                                                      \
        const v128_t a = un4(OP, wasm_v128_load(x + i)), b = un4(OP, wasm_v128_load(x + i + 4));           \
        const v128_t c = un4(OP, wasm_v128_load(x + i + 8)), d = un4(OP, wasm_v128_load(x + i + 12));      \
        wasm_v128_store(y + i, a); wasm_v128_store(y + i + 4, b);                                          \
        wasm_v128_store(y + i + 8, c); wasm_v128_store(y + i + 12, d);                                     \
      }                                                                                                    \
      for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, un4(OP, wasm_v128_load(x + i)));                  \
      break;
    switch (op) {
      VW_UN_FOREACH(UNARY_LOOP)
      default: break;
    }
#undef UNARY_LOOP
    if (i < n) {  // tail through the same SIMD code, so every element sees one implementation
      float bx[4] = {0.f, 0.f, 0.f, 0.f}, by[4];
      for (int k = 0; i + k < n; k++) bx[k] = x[i + k];
      wasm_v128_store(by, un4(op, wasm_v128_load(bx)));
      for (int k = 0; i + k < n; k++) y[i + k] = by[k];
      i = n;
    }
  }
  for (; i < n; i++) y[i] = vw_f32_unary1_scalar(op, x[i]);
}

// d(op)/dx for one vector; y = op(x) is given so sigmoid/tanh/exp/sqrt/rsqrt/reciprocal reuse it.
static inline v128_t ungrad4(int op, v128_t x, v128_t y) {
  const v128_t one = wasm_f32x4_splat(1.f), zero = wasm_f32x4_splat(0.f), half = wasm_f32x4_splat(0.5f);
  switch (op) {
    case VW_UN_RELU: return wasm_v128_andnot(one, wasm_f32x4_le(x, zero));  // 1 at NaN, as PyTorch's threshold_backward
    case VW_UN_SIGMOID: return wasm_f32x4_mul(y, wasm_f32x4_sub(one, y));
    case VW_UN_TANH: return wasm_f32x4_sub(one, wasm_f32x4_mul(y, y));
    case VW_UN_EXP: return y;
    case VW_UN_LOG: return wasm_f32x4_div(one, x);
    case VW_UN_SQRT: return wasm_f32x4_div(half, y);
    case VW_UN_NEG: return wasm_f32x4_splat(-1.f);
    case VW_UN_ABS: return wasm_v128_or(wasm_v128_and(wasm_f32x4_gt(x, zero), one), wasm_v128_and(wasm_f32x4_lt(x, zero), wasm_f32x4_splat(-1.f)));
    case VW_UN_GELU: {  // Phi(x) + x phi(x)
      const v128_t pdf = wasm_f32x4_mul(vw_v_exp(wasm_f32x4_mul(wasm_f32x4_splat(-0.5f), wasm_f32x4_mul(x, x))), wasm_f32x4_splat(0.3989422804014327f));
      return wasm_f32x4_add(vw_v_ncdf(x), wasm_f32x4_mul(x, pdf));
    }
    case VW_UN_SILU: {  // s (1 + x (1 - s))
      const v128_t s = vw_v_sigmoid(x);
      return wasm_f32x4_mul(s, wasm_f32x4_add(one, wasm_f32x4_mul(x, wasm_f32x4_sub(one, s))));
    }
    case VW_UN_SQUARE: return wasm_f32x4_add(x, x);
    case VW_UN_RSQRT: return wasm_f32x4_mul(wasm_f32x4_splat(-0.5f), wasm_f32x4_mul(y, wasm_f32x4_mul(y, y)));
    case VW_UN_RECIPROCAL: return wasm_f32x4_neg(wasm_f32x4_mul(y, y));
    case VW_UN_HARDSIGMOID:  // 1/6 on the open interval (-3, 3), else 0 (PyTorch's hardsigmoid_backward)
      return wasm_v128_and(wasm_v128_and(wasm_f32x4_gt(x, wasm_f32x4_splat(-3.f)), wasm_f32x4_lt(x, wasm_f32x4_splat(3.f))),
                           wasm_f32x4_splat(1.f / 6.f));
    case VW_UN_HARDSWISH: {  // 0 below -3, x/3 + 1/2 on [-3, 3], else 1 (NaN included: PyTorch's hardswish_backward)
      const v128_t mid = wasm_f32x4_add(wasm_f32x4_div(x, wasm_f32x4_splat(3.f)), half);
      const v128_t r = wasm_v128_bitselect(mid, one, wasm_f32x4_le(x, wasm_f32x4_splat(3.f)));
      return wasm_v128_andnot(r, wasm_f32x4_lt(x, wasm_f32x4_splat(-3.f)));
    }
    default: {  // VW_UN_GELU_TANH with s = sigmoid(2u) = (1 + tanh u) / 2: s + 2 x s (1 - s) u'(x)
      const float k = 0.7978845608028654f;
      const v128_t x2 = wasm_f32x4_mul(x, x);
      const v128_t u = wasm_f32x4_mul(wasm_f32x4_splat(k), wasm_f32x4_add(x, wasm_f32x4_mul(wasm_f32x4_splat(0.044715f), wasm_f32x4_mul(x, x2))));
      const v128_t s = vw_v_sigmoid(wasm_f32x4_add(u, u));
      const v128_t du = wasm_f32x4_mul(wasm_f32x4_splat(k), wasm_f32x4_add(one, wasm_f32x4_mul(wasm_f32x4_splat(3.f * 0.044715f), x2)));
      const v128_t xs = wasm_f32x4_mul(wasm_f32x4_add(x, x), wasm_f32x4_mul(s, wasm_f32x4_sub(one, s)));
      return wasm_f32x4_add(s, wasm_f32x4_mul(xs, du));
    }
  }
}

static inline v128_t grad4(int op, const float *x, const float *y, const float *gy, int i) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  const v128_t vx = x ? wasm_v128_load(x + i) : zero, vy = y ? wasm_v128_load(y + i) : zero, g = wasm_v128_load(gy + i);
  if (op == VW_UN_RELU) return wasm_v128_andnot(g, wasm_f32x4_le(vx, zero));  // select, so 0 * inf is never NaN
  return wasm_f32x4_mul(g, ungrad4(op, vx, vy));
}

VW_EXPORT void vw_f32_unary_grad(int op, const float *x, const float *y, const float *gy, float *gx, int n) {
  int i = 0;
  // one loop per op, two independent vectors per iteration (see vw_f32_unary)
#define GRAD_LOOP(OP) case OP:                                                                             \
      for (; i + 8 <= n; i += 8) {                                                                        \
        const v128_t a = grad4(OP, x, y, gy, i), b = grad4(OP, x, y, gy, i + 4);                           \
        wasm_v128_store(gx + i, a); wasm_v128_store(gx + i + 4, b);                                        \
      }                                                                                                    \
      for (; i + 4 <= n; i += 4) wasm_v128_store(gx + i, grad4(OP, x, y, gy, i));                         \
      break;
  switch (op) {
    VW_UN_FOREACH(GRAD_LOOP)
    default: break;
  }
#undef GRAD_LOOP
  for (; i < n; i++) gx[i] = gy[i] * vw_f32_unary_grad1_scalar(op, x ? x[i] : 0.f, y ? y[i] : 0.f);
}

VW_EXPORT void vw_f32_fill(float *y, int n, float v) {
  const v128_t vv = wasm_f32x4_splat(v);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, vv);
  for (; i < n; i++) y[i] = v;
}

VW_EXPORT void vw_f32_reduce_sum(const float *x, float *y, int outer, int r, int inner) {
  for (int o = 0; o < outer; o++) {
    float *yo = y + (size_t)o * inner;
    if (inner == 1) {  // reduce a contiguous row: 4 partial sums
      const float *xo = x + (size_t)o * r;
      v128_t acc = wasm_f32x4_splat(0.f);
      int k = 0;
      for (; k + 4 <= r; k += 4) acc = wasm_f32x4_add(acc, wasm_v128_load(xo + k));
      float s = (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) +
                (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
      for (; k < r; k++) s += xo[k];
      yo[0] = s;
      continue;
    }
    vw_f32_fill(yo, inner, 0.f);
    for (int k = 0; k < r; k++) {
      const float *xk = x + ((size_t)o * r + k) * inner;
      int i = 0;
      for (; i + 4 <= inner; i += 4) wasm_v128_store(yo + i, wasm_f32x4_add(wasm_v128_load(yo + i), wasm_v128_load(xk + i)));
      for (; i < inner; i++) yo[i] += xk[i];
    }
  }
}

VW_EXPORT void vw_f32_reduce_max(const float *x, float *y, int32_t *arg, int outer, int r, int inner) {
  vw_f32_reduce_max_scalar(x, y, arg, outer, r, inner);
}

// Generic permute for 1-, 2- and 4-byte elements. p: [ndim, in_shape[ndim], perm[ndim]];
// output dim i is input dim perm[i]. Output is written contiguously.
#define PERMUTE(NAME, T)                                                                   \
  VW_EXPORT void NAME(const T *x, T *y, const int32_t *p) {                                \
    const int nd = p[0];                                                                   \
    const int32_t *in = p + 1, *perm = p + 1 + nd;                                         \
    int32_t istr[VW_MAX_DIMS], oshape[VW_MAX_DIMS], ostr[VW_MAX_DIMS], idx[VW_MAX_DIMS];   \
    int s = 1, total = 1;                                                                  \
    for (int d = nd - 1; d >= 0; d--) { istr[d] = s; s *= in[d]; }                         \
    for (int d = 0; d < nd; d++) { oshape[d] = in[perm[d]]; ostr[d] = istr[perm[d]]; idx[d] = 0; total *= oshape[d]; } \
    if (total == 0) return;                                                                \
    const int n = oshape[nd - 1], sn = ostr[nd - 1];                                       \
    size_t off = 0;                                                                        \
    for (int o = 0; o < total; o += n) {                                                   \
      T *yo = y + o;                                                                       \
      for (int i = 0; i < n; i++) yo[i] = x[off + (size_t)i * sn];                         \
      for (int d = nd - 2; d >= 0; d--) {                                                  \
        off += ostr[d];                                                                    \
        if (++idx[d] < oshape[d]) break;                                                   \
        off -= (size_t)ostr[d] * oshape[d];                                                \
        idx[d] = 0;                                                                        \
      }                                                                                    \
    }                                                                                      \
  }
PERMUTE(vw_x32_permute, uint32_t)
PERMUTE(vw_x16_permute, uint16_t)
PERMUTE(vw_x8_permute, uint8_t)

// Strided gather of 4-byte elements (expand / broadcast materialisation).
// p: [ndim, shape[ndim], stride[ndim]] in output order; output is contiguous.
VW_EXPORT void vw_x32_expand(const uint32_t *x, uint32_t *y, const int32_t *p) {
  const int nd = p[0];
  const int32_t *shape = p + 1, *st = p + 1 + nd;
  int idx[VW_MAX_DIMS] = {0};
  int total = 1;
  for (int d = 0; d < nd; d++) total *= shape[d];
  size_t off = 0;
  for (int i = 0; i < total; i++) {
    y[i] = x[off];
    for (int d = nd - 1; d >= 0; d--) {
      off += st[d];
      if (++idx[d] < shape[d]) break;
      off -= (size_t)st[d] * shape[d];
      idx[d] = 0;
    }
  }
}
