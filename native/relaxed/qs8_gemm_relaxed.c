// qs8 / qc8 GEMM with the relaxed int8 dot product (i32x4.relaxed_dot_i8x16_i7x16_add_s: sums of
// 4 adjacent i8 x i7 products, one instruction on arm's sdot and x86's VNNI). Same arguments,
// packed layout and requantisation as qs8_gemm.c (qs8.h), and bit-identical results.
//
// The dot product is deterministic only when its second operand is 7-bit ([0, 127]): weights
// and activations are both full int8, so each activation byte is split as
//   a = (a & 0x7f) - 128 * (a < 0)        lo in [0, 127], hi = a >>> 7 in {0, 1}
// and sum_k a*w = dot(w, lo) - 128 * dot(w, hi): two deterministic dots, exact in int32.
// The packed panel holds KR=8 consecutive k of each column, so one 16-byte load covers two
// columns; the row's 8 bytes are splatted to both halves (v128.load64_splat). A tile is 2 rows x
// 4 columns: 8 accumulators (lo and hi per row and column pair), 4 split rows, 2 weight vectors.
#include "relaxed.h"
#include "../kernels/qs8.h"

#define MR 2
#define NR VW_QS8_NR
#define KR VW_QS8_KR

// int32 sums of one MR x NR tile, as qs8_gemm.c's tile_acc computes them.
static inline void tile_acc(const int8_t *a[MR], int K, const int8_t *a_end, const uint8_t *panel, v128_t out[MR]) {
  const int8_t *w = (const int8_t *)(panel + NR * 4);
  const v128_t low7 = wasm_i8x16_splat(0x7f);
  v128_t lo[MR][2], hi[MR][2];
  for (int r = 0; r < MR; r++)
    for (int j = 0; j < 2; j++) lo[r][j] = hi[r][j] = wasm_i32x4_const(0, 0, 0, 0);
  for (int k = 0; k < K; k += KR, w += NR * KR) {
    v128_t x[MR];
    for (int r = 0; r < MR; r++) {
      if (a[r] + k + KR <= a_end) x[r] = wasm_v128_load64_splat(a[r] + k);
      else {  // the last row's partial block: never read past A (padded weights are zero)
        int8_t t[KR] = {0};
        for (int i = 0; i < K - k && i < KR; i++) t[i] = a[r][k + i];
        x[r] = wasm_v128_load64_splat(t);
      }
    }
    const v128_t w01 = wasm_v128_load(w), w23 = wasm_v128_load(w + 16);
    for (int r = 0; r < MR; r++) {
      const v128_t xl = wasm_v128_and(x[r], low7), xh = wasm_u8x16_shr(x[r], 7);
      lo[r][0] = vw_relaxed_dot_add(w01, xl, lo[r][0]);
      lo[r][1] = vw_relaxed_dot_add(w23, xl, lo[r][1]);
      hi[r][0] = vw_relaxed_dot_add(w01, xh, hi[r][0]);
      hi[r][1] = vw_relaxed_dot_add(w23, xh, hi[r][1]);
    }
  }
  const v128_t bias = wasm_v128_load(panel);
  for (int r = 0; r < MR; r++) {
    // lanes of pair j: [col 2j (k 0-3), col 2j (k 4-7), col 2j+1 (k 0-3), col 2j+1 (k 4-7)]
    const v128_t p0 = wasm_i32x4_sub(lo[r][0], wasm_i32x4_shl(hi[r][0], 7));
    const v128_t p1 = wasm_i32x4_sub(lo[r][1], wasm_i32x4_shl(hi[r][1], 7));
    const v128_t s = wasm_i32x4_add(wasm_i32x4_shuffle(p0, p1, 0, 2, 4, 6), wasm_i32x4_shuffle(p0, p1, 1, 3, 5, 7));
    out[r] = wasm_i32x4_add(bias, s);
  }
}

// Walks the tiles; int8 out with qs8.h's requantisation (the magic-bias form of qs8_gemm.c,
// equal to vw_qs8_requant), or f32 out (acc * scale).
static inline __attribute__((always_inline)) void driver(const int32_t *p, const int8_t *A, const uint8_t *packed,
                                                         const float *scale, void *C, int f32out) {
  const int M = p[VW_QS8_M], N = p[VW_QS8_N], K = p[VW_QS8_K];
  const int lda = p[VW_QS8_LDA], ldc = p[VW_QS8_LDC], sstride = p[VW_QS8_SSTRIDE] ? 1 : 0;
  const int32_t y_zero = p[VW_QS8_YZERO];
  if (M <= 0 || N <= 0) return;
  const size_t panel = vw_qs8_panel_bytes(K);
  const v128_t vmagic = wasm_f32x4_splat(12582912.0f);
  const v128_t vmagic_min = wasm_f32x4_splat(12582912.0f + (float)(p[VW_QS8_QMIN] - y_zero));
  const v128_t vmagic_less_zero = wasm_i32x4_splat(0x4B400000 - y_zero);
  const v128_t vqmax = wasm_i8x16_splat((int8_t)p[VW_QS8_QMAX]);
  const int8_t *a_end = A + (size_t)(M - 1) * lda + K;
  for (int n0 = 0; n0 < N; n0 += NR) {
    const uint8_t *pp = packed + (size_t)(n0 / NR) * panel;
    const int nc = VW_MIN(NR, N - n0);
    float s[NR] = {0};
    for (int j = 0; j < nc; j++) s[j] = scale[sstride * (n0 + j)];
    const v128_t vscale = wasm_v128_load(s);
    for (int m = 0; m < M; m += MR) {
      const int mr = VW_MIN(MR, M - m);
      const int8_t *a[MR] = {A + (size_t)m * lda, mr > 1 ? A + (size_t)(m + 1) * lda : A + (size_t)m * lda};
      v128_t acc[MR];
      tile_acc(a, K, a_end, pp, acc);
      for (int r = 0; r < mr; r++) {
        const v128_t f = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(acc[r]), vscale);
        if (f32out) {
          float t[NR], *c = (float *)C + (size_t)(m + r) * ldc + n0;
          wasm_v128_store(t, f);
          for (int j = 0; j < nc; j++) c[j] = t[j];
          continue;
        }
        const v128_t q = wasm_i32x4_sub(wasm_f32x4_pmax(vmagic_min, wasm_f32x4_add(f, vmagic)), vmagic_less_zero);
        const v128_t q16 = wasm_i16x8_narrow_i32x4(q, q);
        const v128_t q8 = wasm_i8x16_min(wasm_i8x16_narrow_i16x8(q16, q16), vqmax);
        int8_t t[16], *c = (int8_t *)C + (size_t)(m + r) * ldc + n0;
        wasm_v128_store(t, q8);
        for (int j = 0; j < nc; j++) c[j] = t[j];
      }
    }
  }
}

VW_EXPORT void vw_qs8_gemm_relaxed(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale, int8_t *C) {
  driver(p, A, packed, scale, C, 0);
}
VW_EXPORT void vw_qs8_gemm_f32out_relaxed(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale,
                                          float *C) {
  driver(p, A, packed, scale, C, 1);
}
