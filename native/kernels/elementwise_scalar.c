// Scalar twins of the elementwise kernels; also the reference for their semantics.
#include "vw.h"
#include <math.h>

static float bin(int op, float a, float b) {
  switch (op) {
    case VW_BIN_ADD: return a + b;
    case VW_BIN_SUB: return a - b;
    case VW_BIN_MUL: return a * b;
    case VW_BIN_DIV: return a / b;
    case VW_BIN_MAXIMUM: return a > b || a != a ? a : b;  // NaN propagates, as in torch.maximum
    case VW_BIN_MINIMUM: return a < b || a != a ? a : b;
    case VW_BIN_RSUB: return b - a;
    case VW_BIN_RDIV: return b / a;
  }
  return 0.f;
}

// x < 0 ? 0 : x, NaN and -0 passing through as in PyTorch. On the bits: clang turns the plain
// select into f32.max, which returns +0 for -0.
static float relu(float x) {
  uint32_t u;
  memcpy(&u, &x, 4);
  return (u >> 31) && (u & 0x7fffffffu) - 1u < 0x7f800000u ? 0.f : x;
}

// min(max(v, 0), 6), NaN passing through (fminf/fmaxf would drop it).
static float relu6(float v) {
  v = v < 0.f ? 0.f : v;
  return v > 6.f ? 6.f : v;
}

VW_EXPORT float vw_f32_unary1_scalar(int op, float x) {
  switch (op) {
    case VW_UN_RELU: return relu(x);
    case VW_UN_SIGMOID: return 1.f / (1.f + expf(-x));
    case VW_UN_TANH: return tanhf(x);
    case VW_UN_EXP: return expf(x);
    case VW_UN_LOG: return logf(x);
    case VW_UN_SQRT: return sqrtf(x);
    case VW_UN_NEG: return -x;
    case VW_UN_ABS: return fabsf(x);
    case VW_UN_GELU: return 0.5f * x * (1.f + erff(x * 0.70710678118654752f));
    case VW_UN_SILU: return x / (1.f + expf(-x));
    case VW_UN_SQUARE: return x * x;
    case VW_UN_RSQRT: return 1.f / sqrtf(x);
    case VW_UN_RECIPROCAL: return 1.f / x;
    case VW_UN_GELU_TANH: return 0.5f * x * (1.f + tanhf(0.7978845608028654f * (x + 0.044715f * x * x * x)));
    case VW_UN_HARDSIGMOID: return relu6(x + 3.f) / 6.f;
    case VW_UN_HARDSWISH: return x * relu6(x + 3.f) / 6.f;
  }
  return 0.f;
}

// d(op)/dx at x (y = op(x) is given too, so sigmoid/tanh/exp reuse it).
VW_EXPORT float vw_f32_unary_grad1_scalar(int op, float x, float y) {
  switch (op) {
    case VW_UN_RELU: return x <= 0.f ? 0.f : 1.f;  // 1 at NaN, as PyTorch's threshold_backward
    case VW_UN_SIGMOID: return y * (1.f - y);
    case VW_UN_TANH: return 1.f - y * y;
    case VW_UN_EXP: return y;
    case VW_UN_LOG: return 1.f / x;
    case VW_UN_SQRT: return 0.5f / y;
    case VW_UN_NEG: return -1.f;
    case VW_UN_ABS: return x > 0.f ? 1.f : (x < 0.f ? -1.f : 0.f);
    case VW_UN_GELU: {
      const float cdf = 0.5f * (1.f + erff(x * 0.70710678118654752f));
      const float pdf = expf(-0.5f * x * x) * 0.3989422804014327f;
      return cdf + x * pdf;
    }
    case VW_UN_SILU: {
      const float s = 1.f / (1.f + expf(-x));
      return s * (1.f + x * (1.f - s));
    }
    case VW_UN_SQUARE: return 2.f * x;
    case VW_UN_RSQRT: return -0.5f * y * y * y;
    case VW_UN_RECIPROCAL: return -y * y;
    case VW_UN_GELU_TANH: {
      const float k = 0.7978845608028654f, u = k * (x + 0.044715f * x * x * x);
      const float t = tanhf(u);
      return 0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * k * (1.f + 3.f * 0.044715f * x * x);
    }
    case VW_UN_HARDSIGMOID: return x > -3.f && x < 3.f ? 1.f / 6.f : 0.f;
    case VW_UN_HARDSWISH: return x < -3.f ? 0.f : x <= 3.f ? x / 3.f + 0.5f : 1.f;
  }
  return 0.f;
}

VW_EXPORT void vw_f32_unary_scalar(int op, const float *x, float *y, int n) {
  for (int i = 0; i < n; i++) y[i] = vw_f32_unary1_scalar(op, x[i]);
}

VW_EXPORT void vw_f32_unary_grad_scalar(int op, const float *x, const float *y, const float *gy, float *gx, int n) {
  for (int i = 0; i < n; i++) gx[i] = gy[i] * vw_f32_unary_grad1_scalar(op, x ? x[i] : 0.f, y ? y[i] : 0.f);
}

VW_EXPORT void vw_f32_binary_scalar(int op, const float *a, const float *b, float *y, const int32_t *p) {
  const int nd = p[0];
  const int32_t *shape = p + 1, *sa = p + 1 + nd, *sb = p + 1 + 2 * nd;
  int idx[VW_MAX_DIMS] = {0};
  int total = 1;
  for (int d = 0; d < nd; d++) total *= shape[d];
  int oa = 0, ob = 0;
  for (int i = 0; i < total; i++) {
    y[i] = bin(op, a[oa], b[ob]);
    for (int d = nd - 1; d >= 0; d--) {  // odometer increment
      oa += sa[d]; ob += sb[d];
      if (++idx[d] < shape[d]) break;
      oa -= sa[d] * shape[d]; ob -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
}

VW_EXPORT void vw_f32_binary_const_scalar(int op, const float *a, float s, float *y, int n) {
  for (int i = 0; i < n; i++) y[i] = bin(op, a[i], s);
}

VW_EXPORT void vw_f32_fill_scalar(float *y, int n, float v) {
  for (int i = 0; i < n; i++) y[i] = v;
}

// x viewed as [outer, r, inner] -> y [outer, inner]
VW_EXPORT void vw_f32_reduce_sum_scalar(const float *x, float *y, int outer, int r, int inner) {
  for (int o = 0; o < outer; o++) {
    float *yo = y + (size_t)o * inner;
    for (int i = 0; i < inner; i++) yo[i] = 0.f;
    for (int k = 0; k < r; k++) {
      const float *xk = x + ((size_t)o * r + k) * inner;
      for (int i = 0; i < inner; i++) yo[i] += xk[i];
    }
  }
}

// Max over the middle axis, with the index of the first maximum (NaN wins, as in PyTorch).
VW_EXPORT void vw_f32_reduce_max_scalar(const float *x, float *y, int32_t *arg, int outer, int r, int inner) {
  for (int o = 0; o < outer; o++) {
    for (int i = 0; i < inner; i++) {
      const float *xo = x + (size_t)o * r * inner + i;
      float m = xo[0];
      int best = 0;
      for (int k = 1; k < r && m == m; k++) {
        const float v = xo[(size_t)k * inner];
        if (v > m || v != v) { m = v; best = k; }
      }
      y[(size_t)o * inner + i] = m;
      if (arg) arg[(size_t)o * inner + i] = best;
    }
  }
}
