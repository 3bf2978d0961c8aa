// f32 GEMM, SIMD (first simple version: one row x 8 columns per step; to be tuned).
#include "gemm.h"

VW_EXPORT int vw_f32_gemm_packed_floats(int K, int N) { return vw_f32_gemm_packed_floats_scalar(K, N); }

VW_EXPORT void vw_f32_gemm_pack(int K, int N, const float *B, int sbk, int sbn, const float *bias, float *packed) {
  vw_f32_gemm_pack_scalar(K, N, B, sbk, sbn, bias, packed);
}

VW_EXPORT void vw_f32_gemm(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc,
                           float minv, float maxv, int accumulate) {
  const size_t panel = (size_t)VW_GEMM_NR * (K + 1);
  const v128_t vmin = wasm_f32x4_splat(minv), vmax = wasm_f32x4_splat(maxv);
  for (int n0 = 0; n0 < N; n0 += VW_GEMM_NR) {
    const float *wp = packed + (size_t)(n0 / VW_GEMM_NR) * panel;
    const int nr = VW_MIN(VW_GEMM_NR, N - n0);
    for (int m = 0; m < M; m++) {
      const float *a = A + (size_t)m * lda;
      v128_t c0 = wasm_v128_load(wp), c1 = wasm_v128_load(wp + 4);
      const float *w = wp + VW_GEMM_NR;
      for (int k = 0; k < K; k++, w += VW_GEMM_NR) {
        const v128_t av = wasm_v128_load32_splat(a + k);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(av, wasm_v128_load(w)));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(av, wasm_v128_load(w + 4)));
      }
      float *c = C + (size_t)m * ldc + n0;
      float t[8];
      wasm_v128_store(t, c0); wasm_v128_store(t + 4, c1);
      for (int j = 0; j < nr; j++) {
        float v = accumulate ? t[j] + c[j] : t[j];
        v = v < minv ? minv : v;
        c[j] = maxv < v ? maxv : v;
      }
      (void)vmin; (void)vmax;
    }
  }
}

VW_EXPORT void vw_f32_matmul(int transA, int transB, int M, int N, int K, const float *A, int lda, const float *B,
                             int ldb, float *C, int ldc, float beta) {
  vw_f32_matmul_scalar(transA, transB, M, N, K, A, lda, B, ldb, C, ldc, beta);
}
