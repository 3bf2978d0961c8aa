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

// Blocks of 64 rows x 256 columns from gather (gemm.h); each C element starts from the bias
// (+ C), adds its K blocks in order and is clamped after the last.
void vw_f32_gemm_gather_scalar(int M, int N, int K, vw_gemm_gather_fn gather, void *ctx, const float *packed, float *C,
                               int ldc, float minv, float maxv, int accumulate) {
  const size_t panel = (size_t)VW_GEMM_NR * (K + 1);
  const int MB = 64, KB = VW_GEMM_GATHER_FLOATS / 64;
  for (int m0 = 0; m0 < M; m0 += MB) {
    const int mc = VW_MIN(MB, M - m0);
    for (int m = m0; m < m0 + mc; m++)
      for (int n = 0; n < N; n++) {
        const float b = packed[(size_t)(n / VW_GEMM_NR) * panel + n % VW_GEMM_NR];
        C[(size_t)m * ldc + n] = accumulate ? C[(size_t)m * ldc + n] + b : b;
      }
    for (int k0 = 0; k0 < K; k0 += KB) {
      const int kc = VW_MIN(KB, K - k0);
      const float *a = gather(ctx, m0, mc, k0, kc);
      for (int i = 0; i < mc; i++)
        for (int n = 0; n < N; n++) {
          const float *w = packed + (size_t)(n / VW_GEMM_NR) * panel + VW_GEMM_NR * (1 + (size_t)k0) + n % VW_GEMM_NR;
          float acc = 0.f;
          for (int k = 0; k < kc; k++) acc += a[(size_t)i * kc + k] * w[(size_t)k * VW_GEMM_NR];
          C[(size_t)(m0 + i) * ldc + n] += acc;
        }
    }
    for (int m = m0; m < m0 + mc; m++)
      for (int n = 0; n < N; n++) C[(size_t)m * ldc + n] = clampf(C[(size_t)m * ldc + n], minv, maxv);
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
