// qs8 / qc8 GEMM, portable scalar twin (compiled without auto-vectorisation). Same packed
// layout and the same f32 requantisation as qs8_gemm.c (see qs8.h), so results agree bit for bit.
#include "qs8.h"

VW_EXPORT int vw_qs8_gemm_packed_bytes_scalar(int N, int K) { return (int)vw_qs8_packed_bytes_impl(N, K); }

VW_EXPORT void vw_qs8_gemm_pack_scalar(const int32_t *p, const int8_t *w, const int32_t *bias, uint8_t *packed) {
  vw_qs8_pack_impl(p, w, bias, packed);
}

// acc[j] for the NR columns of one panel and one row of A.
static void row_panel(const int8_t *a, int K, const uint8_t *panel, int32_t acc[VW_QS8_NR]) {
  const int8_t *w = (const int8_t *)(panel + VW_QS8_NR * 4);
  memcpy(acc, panel, VW_QS8_NR * 4);
  for (int k0 = 0; k0 < K; k0 += VW_QS8_KR, w += VW_QS8_NR * VW_QS8_KR) {
    const int kn = VW_MIN(VW_QS8_KR, K - k0);
    for (int j = 0; j < VW_QS8_NR; j++) {
      int32_t s = 0;
      for (int kk = 0; kk < kn; kk++) s += (int32_t)a[k0 + kk] * (int32_t)w[j * VW_QS8_KR + kk];
      acc[j] += s;
    }
  }
}

static void gemm(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale, void *C, int f32out) {
  const int M = p[VW_QS8_M], N = p[VW_QS8_N], K = p[VW_QS8_K];
  const int lda = p[VW_QS8_LDA], ldc = p[VW_QS8_LDC], sstride = p[VW_QS8_SSTRIDE] ? 1 : 0;
  const int32_t y_zero = p[VW_QS8_YZERO];
  const float lo = (float)(p[VW_QS8_QMIN] - y_zero), hi = (float)(p[VW_QS8_QMAX] - y_zero);
  const size_t panel = vw_qs8_panel_bytes(K);
  for (int n0 = 0; n0 < N; n0 += VW_QS8_NR) {
    const uint8_t *pp = packed + (size_t)(n0 / VW_QS8_NR) * panel;
    const int nc = VW_MIN(VW_QS8_NR, N - n0);
    for (int m = 0; m < M; m++) {
      int32_t acc[VW_QS8_NR];
      row_panel(A + (size_t)m * lda, K, pp, acc);
      for (int j = 0; j < nc; j++) {
        const float s = scale[(n0 + j) * sstride];
        if (f32out) ((float *)C)[(size_t)m * ldc + n0 + j] = (float)acc[j] * s;
        else ((int8_t *)C)[(size_t)m * ldc + n0 + j] = vw_qs8_requant(acc[j], s, lo, hi, y_zero);
      }
    }
  }
}

VW_EXPORT void vw_qs8_gemm_scalar(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale,
                                  int8_t *C) {
  gemm(p, A, packed, scale, C, 0);
}

VW_EXPORT void vw_qs8_gemm_f32out_scalar(const int32_t *p, const int8_t *A, const uint8_t *packed,
                                         const float *scale, float *C) {
  gemm(p, A, packed, scale, C, 1);
}
