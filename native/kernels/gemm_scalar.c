// Scalar twins of the f32 GEMM kernels: the portable reference for their semantics.
// They consume the same packed layout as the SIMD kernels (see gemm.h), so a layer that packed
// its weights once can run on either backend.
#include "gemm.h"

VW_EXPORT int vw_f32_gemm_packed_floats_scalar(int K, int N) {
  return ((N + VW_GEMM_NR - 1) / VW_GEMM_NR) * VW_GEMM_NR * (K + 1);
}

VW_EXPORT void vw_f32_gemm_pack_scalar(int K, int N, const float *B, int sbk, int sbn, const float *bias, float *packed) {
  float *w = packed;
  for (int n0 = 0; n0 < N; n0 += VW_GEMM_NR) {
    for (int j = 0; j < VW_GEMM_NR; j++) *w++ = (bias && n0 + j < N) ? bias[n0 + j] : 0.f;
    for (int k = 0; k < K; k++) {
      for (int j = 0; j < VW_GEMM_NR; j++) {
        *w++ = n0 + j < N ? B[(size_t)k * sbk + (size_t)(n0 + j) * sbn] : 0.f;
      }
    }
  }
}

// Clamp that keeps NaN (as torch does for linear + clamp); the SIMD kernels match this.
static inline float clampf(float v, float lo, float hi) {
  v = v < lo ? lo : v;
  return hi < v ? hi : v;
}

VW_EXPORT void vw_f32_gemm_scalar(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc,
                                  float minv, float maxv, int accumulate) {
  const size_t panel = (size_t)VW_GEMM_NR * (K + 1);
  for (int n0 = 0; n0 < N; n0 += VW_GEMM_NR) {
    const float *wp = packed + (size_t)(n0 / VW_GEMM_NR) * panel;
    const int nr = VW_MIN(VW_GEMM_NR, N - n0);
    for (int m = 0; m < M; m++) {
      const float *a = A + (size_t)m * lda;
      float acc[VW_GEMM_NR];
      for (int j = 0; j < VW_GEMM_NR; j++) acc[j] = wp[j];
      const float *w = wp + VW_GEMM_NR;
      for (int k = 0; k < K; k++, w += VW_GEMM_NR) {
        const float av = a[k];
        for (int j = 0; j < VW_GEMM_NR; j++) acc[j] += av * w[j];
      }
      float *c = C + (size_t)m * ldc + n0;
      for (int j = 0; j < nr; j++) c[j] = clampf(accumulate ? acc[j] + c[j] : acc[j], minv, maxv);
    }
  }
}

// C = op(A)·op(B) + beta*C. With beta == 0, C is only written (BLAS convention: NaN in C is ignored).
// Loop orders keep the innermost loop contiguous: dot products when op(B) = B^T (rows of B run
// along k), row updates (c[n] += a*b[n]) otherwise.
VW_EXPORT void vw_f32_matmul_scalar(int transA, int transB, int M, int N, int K, const float *A, int lda,
                                    const float *B, int ldb, float *C, int ldc, float beta) {
  const size_t am = transA ? 1 : (size_t)lda, ak = transA ? (size_t)lda : 1;  // op(A)[m][k] = A[m*am + k*ak]
  for (int m = 0; m < M; m++) {
    float *c = C + (size_t)m * ldc;
    const float *a = A + m * am;
    for (int n = 0; n < N; n++) c[n] = beta == 0.f ? 0.f : beta * c[n];
    if (transB) {
      for (int n = 0; n < N; n++) {
        const float *b = B + (size_t)n * ldb;
        float acc = 0.f;
        for (int k = 0; k < K; k++) acc += a[k * ak] * b[k];
        c[n] += acc;
      }
    } else {
      for (int k = 0; k < K; k++) {
        const float av = a[k * ak], *b = B + (size_t)k * ldb;
        for (int n = 0; n < N; n++) c[n] += av * b[n];
      }
    }
  }
}
