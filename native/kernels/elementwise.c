// SIMD elementwise kernels: broadcast binary ops, unary activations, fill and axis reductions.
#include "vw.h"
#include "elementwise.h"

float vw_f32_unary1_scalar(int op, float x);
float vw_f32_unary_grad1_scalar(int op, float x, float y);
void vw_f32_reduce_max_scalar(const float *x, float *y, int32_t *arg, int outer, int r, int inner);

static inline v128_t bin4(int op, v128_t a, v128_t b) {
  switch (op) {
    case VW_ADD: return wasm_f32x4_add(a, b);
    case VW_SUB: return wasm_f32x4_sub(a, b);
    case VW_MUL: return wasm_f32x4_mul(a, b);
    case VW_DIV: return wasm_f32x4_div(a, b);
    case VW_MAX: return wasm_f32x4_max(a, b);
    case VW_MIN: return wasm_f32x4_min(a, b);
    case VW_RSUB: return wasm_f32x4_sub(b, a);
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

VW_EXPORT void vw_f32_unary(int op, const float *x, float *y, int n) {
  int i = 0;
  const v128_t zero = wasm_f32x4_splat(0.f);
  switch (op) {
    case VW_RELU: for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, wasm_f32x4_pmax(zero, wasm_v128_load(x + i))); break;
    case VW_NEG: for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, wasm_f32x4_neg(wasm_v128_load(x + i))); break;
    case VW_ABS: for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, wasm_f32x4_abs(wasm_v128_load(x + i))); break;
    case VW_SQRT: for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, wasm_f32x4_sqrt(wasm_v128_load(x + i))); break;
    case VW_SQUARE:
      for (; i + 4 <= n; i += 4) { v128_t v = wasm_v128_load(x + i); wasm_v128_store(y + i, wasm_f32x4_mul(v, v)); }
      break;
    default: break;  // transcendental ops: lane by lane below
  }
  for (; i < n; i++) y[i] = vw_f32_unary1_scalar(op, x[i]);
}

VW_EXPORT void vw_f32_unary_grad(int op, const float *x, const float *y, const float *gy, float *gx, int n) {
  int i = 0;
  if (op == VW_RELU) {
    const v128_t zero = wasm_f32x4_splat(0.f);
    for (; i + 4 <= n; i += 4) {
      const v128_t m = wasm_f32x4_gt(wasm_v128_load(x + i), zero);
      wasm_v128_store(gx + i, wasm_v128_and(m, wasm_v128_load(gy + i)));
    }
  }
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
