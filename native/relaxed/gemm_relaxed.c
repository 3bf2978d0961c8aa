// f32 GEMM with relaxed SIMD: the packed-B GEMM of gemm.h (same packed layout, same arguments,
// so vw_f32_gemm_pack's buffer feeds either kernel) with f32x4.relaxed_madd in the inner loop
// and relaxed min/max in the clamp. Where the engine fuses (x86 with FMA3: vfmadd231ps; arm:
// fmla) one instruction replaces a mul and an add. Tile: MR=4 rows x 8 columns. Measured on V8
// 11.3 / x86-64 (bench/kernels_relaxed.ts): MR=4 is 1.08-1.23x the tuned _x86 GEMM, while
// MR=5 and 6 (which would fit 16 xmm on paper) spill and fall to 0.6-0.9x.
// Results differ from mul+add rounding (one rounding per step instead of two): see the
// tolerance in kernels.def. Rows past M alias the last valid row, as in gemm.c.
#include "relaxed.h"
#include "../kernels/gemm.h"

#define MR 4
#define KC 256  // K block: MR*KC + 8*KC floats (14 KiB) stay in L1
#define MC 64   // M block (a multiple of MR): MC*KC floats of A (64 KiB) stay in L2
_Static_assert(MC * KC <= VW_GEMM_GATHER_FLOATS, "a gathered A block is at most MC x KC");

static inline void load8(const float *c, int nr, v128_t *v0, v128_t *v1) {
  if (nr == VW_GEMM_NR) { *v0 = wasm_v128_load(c); *v1 = wasm_v128_load(c + 4); return; }
  float t[VW_GEMM_NR] = {0};
  for (int j = 0; j < nr; j++) t[j] = c[j];
  *v0 = wasm_v128_load(t); *v1 = wasm_v128_load(t + 4);
}
static inline void store8(float *c, int nr, v128_t v0, v128_t v1) {
  if (nr == VW_GEMM_NR) { wasm_v128_store(c, v0); wasm_v128_store(c + 4, v1); return; }
  float t[VW_GEMM_NR];
  wasm_v128_store(t, v0); wasm_v128_store(t + 4, v1);
  for (int j = 0; j < nr; j++) c[j] = t[j];
}

// One R x 8 tile over kc steps (R a compile-time constant at every call site). init: 8 start
// values (the bias) or NULL to continue from C; addc: also add C; clamp: apply [lo, hi].
static inline __attribute__((always_inline)) void tile(const int R, int mr, int nr, int kc, const float *a, size_t lda,
    const float *w, const float *init, int addc, int clamp, float *c, size_t ldc, v128_t lo, v128_t hi) {
  const float *ar[MR];
  float *cr[MR];
  v128_t acc0[MR], acc1[MR];
  ar[0] = a; cr[0] = c;
  for (int r = 1; r < R; r++) {
    ar[r] = r < mr ? ar[r - 1] + lda : ar[r - 1];
    cr[r] = r < mr ? cr[r - 1] + ldc : cr[r - 1];
  }
  for (int r = 0; r < R; r++) {
    if (init) {
      acc0[r] = wasm_v128_load(init); acc1[r] = wasm_v128_load(init + 4);
      if (addc) {
        v128_t c0, c1;
        load8(cr[r], nr, &c0, &c1);
        acc0[r] = wasm_f32x4_add(acc0[r], c0); acc1[r] = wasm_f32x4_add(acc1[r], c1);
      }
    } else load8(cr[r], nr, &acc0[r], &acc1[r]);
  }
  for (int k = 0; k < kc; k++, w += 8) {
    const v128_t w0 = wasm_v128_load(w), w1 = wasm_v128_load(w + 4);
    for (int r = 0; r < R; r++) {
      const v128_t s = wasm_v128_load32_splat(ar[r] + k);
      acc0[r] = vw_relaxed_madd(s, w0, acc0[r]);
      acc1[r] = vw_relaxed_madd(s, w1, acc1[r]);
    }
  }
  if (clamp) {
    for (int r = 0; r < R; r++) {
      acc0[r] = vw_relaxed_min(vw_relaxed_max(acc0[r], lo), hi);
      acc1[r] = vw_relaxed_min(vw_relaxed_max(acc1[r], lo), hi);
    }
  }
  for (int r = R - 1; r >= 0; r--) store8(cr[r], nr, acc0[r], acc1[r]);  // aliased rows: the real one last
}

// A is either a row-major matrix (gather == NULL) or produced block by block by gather (gemm.h).
static void gemm_relaxed(int M, int N, int K, const float *A, int lda, vw_gemm_gather_fn gather, void *ctx,
                         const float *packed, float *C, int ldc, float minv, float maxv, int accumulate) {
  const size_t panel = (size_t)VW_GEMM_NR * (K + 1);
  const v128_t lo = wasm_f32x4_splat(minv), hi = wasm_f32x4_splat(maxv);
  int k0 = 0;
  do {  // K blocks; runs once when K == 0 (C = bias)
    const int kc = VW_MIN(KC, K - k0), first = k0 == 0, last = k0 + kc == K, addc = first && accumulate;
    for (int m0 = 0; m0 < M; m0 += MC) {  // the MC x kc block of A stays in L2 while the panels pass
      const int me = VW_MIN(M, m0 + MC);
      const float *ab = gather ? gather(ctx, m0, me - m0, k0, kc) : A + (size_t)m0 * lda + k0;
      const size_t ald = gather ? (size_t)kc : (size_t)lda;
      for (int n0 = 0; n0 < N; n0 += VW_GEMM_NR) {
        const float *wp = packed + (size_t)(n0 / VW_GEMM_NR) * panel;
        const float *wk = wp + VW_GEMM_NR * (1 + (size_t)k0), *init = first ? wp : NULL;
        const int nr = VW_MIN(VW_GEMM_NR, N - n0);
        int m = m0;
        for (; m + MR <= me; m += MR) {
          tile(MR, MR, nr, kc, ab + (size_t)(m - m0) * ald, ald, wk, init, addc, last, C + (size_t)m * ldc + n0, ldc, lo, hi);
        }
        // The remainder gets a tile of its own size, so M = 1 (a linear layer) computes one row.
        const int mr = me - m;
        const float *am = ab + (size_t)(m - m0) * ald;
        float *cm = C + (size_t)m * ldc + n0;
        if (mr == 1) tile(1, 1, nr, kc, am, ald, wk, init, addc, last, cm, ldc, lo, hi);
        else if (mr == 2) tile(2, 2, nr, kc, am, ald, wk, init, addc, last, cm, ldc, lo, hi);
        else if (mr == 3) tile(MR, 3, nr, kc, am, ald, wk, init, addc, last, cm, ldc, lo, hi);  // one aliased row
      }
    }
    k0 += kc;
  } while (k0 < K);
}

VW_EXPORT void vw_f32_gemm_relaxed(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc,
                                   float minv, float maxv, int accumulate) {
  gemm_relaxed(M, N, K, A, lda, NULL, NULL, packed, C, ldc, minv, maxv, accumulate);
}

// conv_impl.h's implicit-GEMM lowering (not exported: its callback lives in this module).
void vw_f32_gemm_gather_relaxed(int M, int N, int K, vw_gemm_gather_fn gather, void *ctx, const float *packed, float *C,
                                int ldc, float minv, float maxv, int accumulate) {
  gemm_relaxed(M, N, K, NULL, 0, gather, ctx, packed, C, ldc, minv, maxv, accumulate);
}
