// f32 GEMM with WebAssembly SIMD, designed the way XNNPACK designs its wasmsimd microkernels:
//  - an MR x 8 register tile (MR rows of A times one 8-wide panel of packed B) with A
//    broadcast into all lanes, accumulators kept in registers for a whole K block;
//  - weights packed once into 8-wide panels with the bias first (layout in gemm.h);
//  - cache blocking: K in blocks of at most KC so the MR rows of A plus the panel slice stay
//    in L1, N in blocks of NC columns so a K block of them stays in L2 over all M blocks, and M
//    in blocks of MC rows, each packed once per (N block, K block);
//  - `_x86` and `_arm` variants, because the engine lowers some wasm SIMD very differently:
//      x86: f32x4.min/max must honour NaN and -0 (~8 instructions on SSE/AVX) while
//           f32x4.pmin/pmax are one minps/maxps, so the clamp uses pmin/pmax. Only 16 xmm
//           registers: a 4x8 tile (8 accumulators + 2 weights + 1 broadcast) with
//           v128.load32_splat (one vbroadcastss) per row and k. The loop is issue-bound, not
//           FP-bound, so the A block is repacked into MR-interleaved tiles (one pointer with
//           constant offsets per k instead of MR address computations). The K loop is
//           deliberately NOT unrolled: clang then interleaves the steps and keeps all weight
//           vectors live, and V8 spills; 5x8 and 6x8 tiles are slower too (figures:
//           bench/README.md, "Kernel design measurements").
//      arm: min/max are single fmin/fmax; 32 vector registers allow a 6x8 tile, and A is
//           read 4 k at a time with one load per row, lanes broadcast by shuffles (dup),
//           K unrolled by 4. (Not measurable on this x86 machine; correctness is tested.)
// Rows past M alias the last valid row (the tile computes and stores them twice, identically),
// so a tile handles any mr <= MR without a scalar tail (1..3 rows get their own smaller tile).
// Nothing is static or allocated: scratch lives on the stack (< 80 KiB), so worker threads
// sharing one memory can run the kernels concurrently on disjoint outputs.
#include "gemm.h"

#define KC 256     // K block: MR*KC + 8*KC floats (<= 14 KiB) stay in L1
#define MC 64      // M block of gemm: MC*KC floats of A (64 KiB, packed on the stack) stay in L2
#define NC 256     // N block of gemm: KC*NC floats of packed B (256 KiB) stay in L2 over all of M
#define MR_MAX 6
_Static_assert(MC * KC <= VW_GEMM_GATHER_FLOATS, "a gathered A block is at most MC x KC");

enum { ISA_X86 = 0, ISA_ARM = 1 };
#define MR_X86 4
#define MR_ARM 6

static inline v128_t clamp4(v128_t v, v128_t lo, v128_t hi, int isa) {
  // pmax(v, lo) = v < lo ? lo : v and pmin(v, hi) = hi < v ? hi : v: a NaN v stays NaN,
  // as with min/max and in the scalar twin.
  if (isa == ISA_X86) return wasm_f32x4_pmin(wasm_f32x4_pmax(v, lo), hi);
  return wasm_f32x4_min(wasm_f32x4_max(v, lo), hi);
}

// Loads 8 floats of a C row of which only nr are valid (the rest read as 0).
static inline void load_row(const float *c, int nr, v128_t *v0, v128_t *v1) {
  if (nr == VW_GEMM_NR) { *v0 = wasm_v128_load(c); *v1 = wasm_v128_load(c + 4); return; }
  float t[VW_GEMM_NR] = {0};
  for (int j = 0; j < nr; j++) t[j] = c[j];
  *v0 = wasm_v128_load(t); *v1 = wasm_v128_load(t + 4);
}
static inline void store_row(float *c, int nr, v128_t v0, v128_t v1) {
  if (nr == VW_GEMM_NR) { wasm_v128_store(c, v0); wasm_v128_store(c + 4, v1); return; }
  float t[VW_GEMM_NR];
  wasm_v128_store(t, v0); wasm_v128_store(t + 4, v1);
  for (int j = 0; j < nr; j++) c[j] = t[j];
}

#define FMA4(acc, a, b) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(a, b))

// One MR x 8 tile over a K slice of kc: w points at kc rows of 8 packed weights.
// Start value: init (8 floats: bias or zeros) when init != NULL, plus C when addc; or C alone
// when init == NULL (a later K block continuing partial sums). clamp: apply [lo, hi] at the end.
// MR and isa are compile-time constants at every call site (always_inline), so the arrays
// below become registers.
static inline __attribute__((always_inline)) void tile(
    const int MR, const int isa, int mr, int nr, int kc, const float *a, size_t lda, const float *w,
    const float *init, int addc, int clamp, float *c, size_t ldc, v128_t lo, v128_t hi) {
  const float *ar[MR_MAX];
  float *cr[MR_MAX];
  v128_t acc0[MR_MAX], acc1[MR_MAX];
  ar[0] = a; cr[0] = c;
  for (int r = 1; r < MR; r++) {
    ar[r] = r < mr ? ar[r - 1] + lda : ar[r - 1];
    cr[r] = r < mr ? cr[r - 1] + ldc : cr[r - 1];
  }
  if (init) {
    const v128_t b0 = wasm_v128_load(init), b1 = wasm_v128_load(init + 4);
    for (int r = 0; r < MR; r++) { acc0[r] = b0; acc1[r] = b1; }
    if (addc) {
      for (int r = 0; r < MR; r++) {
        v128_t c0, c1;
        load_row(cr[r], nr, &c0, &c1);
        acc0[r] = wasm_f32x4_add(acc0[r], c0); acc1[r] = wasm_f32x4_add(acc1[r], c1);
      }
    }
  } else {
    for (int r = 0; r < MR; r++) load_row(cr[r], nr, &acc0[r], &acc1[r]);
  }
  int k = 0;
  if (isa == ISA_ARM) {
    for (; k + 4 <= kc; k += 4) {
      v128_t av[MR_MAX];
      for (int r = 0; r < MR; r++) av[r] = wasm_v128_load(ar[r] + k);
#define VW_STEP(L)                                                                          \
      {                                                                                     \
        const v128_t w0 = wasm_v128_load(w + 8 * (L)), w1 = wasm_v128_load(w + 8 * (L) + 4); \
        for (int r = 0; r < MR; r++) {                                                      \
          const v128_t s = wasm_i32x4_shuffle(av[r], av[r], L, L, L, L);                    \
          FMA4(acc0[r], s, w0);                                                             \
          FMA4(acc1[r], s, w1);                                                             \
        }                                                                                   \
      }
      VW_STEP(0) VW_STEP(1) VW_STEP(2) VW_STEP(3)
#undef VW_STEP
      w += 32;
    }
  }
  for (; k < kc; k++) {
    const v128_t w0 = wasm_v128_load(w), w1 = wasm_v128_load(w + 4);
    for (int r = 0; r < MR; r++) {
      const v128_t s = wasm_v128_load32_splat(ar[r] + k);
      FMA4(acc0[r], s, w0);
      FMA4(acc1[r], s, w1);
    }
    w += 8;
  }
  if (clamp) {
    for (int r = 0; r < MR; r++) { acc0[r] = clamp4(acc0[r], lo, hi, isa); acc1[r] = clamp4(acc1[r], lo, hi, isa); }
  }
  // Store from the last row down: an aliased row then holds the value of its real row.
  for (int r = MR - 1; r >= 0; r--) store_row(cr[r], nr, acc0[r], acc1[r]);
}

// The x86 tile over A packed for it: kc steps of MR floats (row r of step k at a[k*MR + r]), so
// all MR broadcasts share one pointer with constant offsets: per k one pointer bump instead of
// MR address computations (the loop is issue-bound, not FP-bound, on x86).
static inline __attribute__((always_inline)) void tile_packed_a(
    const int MR, const int isa, int nr, int kc, const float *a, const float *w,
    const float *init, int addc, int clamp, float *c, size_t ldc, v128_t lo, v128_t hi) {
  float *cr[MR_MAX];
  v128_t acc0[MR_MAX], acc1[MR_MAX];
  cr[0] = c;
  for (int r = 1; r < MR; r++) cr[r] = cr[r - 1] + ldc;
  if (init) {
    const v128_t b0 = wasm_v128_load(init), b1 = wasm_v128_load(init + 4);
    for (int r = 0; r < MR; r++) { acc0[r] = b0; acc1[r] = b1; }
    if (addc) {
      for (int r = 0; r < MR; r++) {
        v128_t c0, c1;
        load_row(cr[r], nr, &c0, &c1);
        acc0[r] = wasm_f32x4_add(acc0[r], c0); acc1[r] = wasm_f32x4_add(acc1[r], c1);
      }
    }
  } else {
    for (int r = 0; r < MR; r++) load_row(cr[r], nr, &acc0[r], &acc1[r]);
  }
  const float *const wend = w + (size_t)kc * 8;
  for (; w < wend; w += 8, a += MR) {
    const v128_t w0 = wasm_v128_load(w), w1 = wasm_v128_load(w + 4);
    for (int r = 0; r < MR; r++) {
      const v128_t s = wasm_v128_load32_splat(a + r);
      FMA4(acc0[r], s, w0);
      FMA4(acc1[r], s, w1);
    }
  }
  if (clamp) {
    for (int r = 0; r < MR; r++) { acc0[r] = clamp4(acc0[r], lo, hi, isa); acc1[r] = clamp4(acc1[r], lo, hi, isa); }
  }
  for (int r = 0; r < MR; r++) store_row(cr[r], nr, acc0[r], acc1[r]);
}

// Full tiles use MR rows; a remainder of mr < MR rows gets a tile of exactly mr rows, so M = 1
// (a linear layer at batch 1) does not pay for MR - 1 aliased rows.
static inline __attribute__((always_inline)) void tile_mr(
    const int MR, const int isa, int mr, int nr, int kc, const float *a, size_t lda, const float *w,
    const float *init, int addc, int clamp, float *c, size_t ldc, v128_t lo, v128_t hi) {
  if (mr >= MR) { tile(MR, isa, MR, nr, kc, a, lda, w, init, addc, clamp, c, ldc, lo, hi); return; }
  switch (mr) {
    case 1: tile(1, isa, 1, nr, kc, a, lda, w, init, addc, clamp, c, ldc, lo, hi); break;
    case 2: tile(2, isa, 2, nr, kc, a, lda, w, init, addc, clamp, c, ldc, lo, hi); break;
    case 3: tile(3, isa, 3, nr, kc, a, lda, w, init, addc, clamp, c, ldc, lo, hi); break;
    default: tile(MR, isa, mr, nr, kc, a, lda, w, init, addc, clamp, c, ldc, lo, hi); break;  // 4..MR-1: alias rows
  }
}

// K split into near-equal blocks of at most KC, multiples of 4 (except the last).
static inline int kblock(int K) {
  if (K <= KC) return K;
  const int nb = (K + KC - 1) / KC;
  const int kb = (K + nb - 1) / nb;
  return (kb + 3) & ~3;
}

// Packs rows [m0, m0 + mfull) x cols [k0, k0 + kc) of op(A) (mfull a multiple of MR) into
// MR-interleaved tiles for tile_packed_a: tile t holds kc steps of MR floats.
static inline __attribute__((always_inline)) void pack_a_tiles(const int MR, int transA, const float *A, size_t lda,
    int m0, int mfull, int k0, int kc, float *dst) {
  for (int t = 0; t < mfull; t += MR, dst += (size_t)MR * kc) {
    if (MR == 4) {  // one v128 per step: a copy (transA) or 4x4 transposes in registers
      int k = 0;
      if (transA) {
        for (; k < kc; k++) wasm_v128_store(dst + 4 * k, wasm_v128_load(A + (size_t)(k0 + k) * lda + m0 + t));
      } else {
        const float *s0 = A + (size_t)(m0 + t) * lda + k0;
        for (; k + 4 <= kc; k += 4) {
          const v128_t v0 = wasm_v128_load(s0 + k), v1 = wasm_v128_load(s0 + lda + k);
          const v128_t v2 = wasm_v128_load(s0 + 2 * lda + k), v3 = wasm_v128_load(s0 + 3 * lda + k);
          const v128_t t0 = wasm_i32x4_shuffle(v0, v1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(v0, v1, 2, 6, 3, 7);
          const v128_t t2 = wasm_i32x4_shuffle(v2, v3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(v2, v3, 2, 6, 3, 7);
          wasm_v128_store(dst + 4 * k, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
          wasm_v128_store(dst + 4 * k + 4, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
          wasm_v128_store(dst + 4 * k + 8, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
          wasm_v128_store(dst + 4 * k + 12, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
        }
        for (; k < kc; k++) {
          for (int r = 0; r < 4; r++) dst[4 * k + r] = s0[(size_t)r * lda + k];
        }
      }
    } else if (transA) {  // op(A)[m][k] = A[k][m]: the MR values of a step are contiguous
      for (int k = 0; k < kc; k++) {
        const float *src = A + (size_t)(k0 + k) * lda + m0 + t;
        for (int r = 0; r < MR; r++) dst[k * MR + r] = src[r];
      }
    } else {
      for (int r = 0; r < MR; r++) {
        const float *src = A + (size_t)(m0 + t + r) * lda + k0;
        for (int k = 0; k < kc; k++) dst[k * MR + r] = src[k];
      }
    }
  }
}

// A is either a row-major matrix (gather == NULL) or produced block by block by gather (gemm.h).
static inline __attribute__((always_inline)) void gemm_impl(const int MR, const int isa, int M, int N, int K,
    const float *A, int lda, vw_gemm_gather_fn gather, void *ctx, const float *packed, float *C, int ldc,
    float minv, float maxv, int accumulate) {
  const size_t panel = (size_t)VW_GEMM_NR * (K + 1);
  const v128_t lo = wasm_f32x4_splat(minv), hi = wasm_f32x4_splat(maxv);
  const int kb = kblock(K);
  const int packa = isa == ISA_X86 && N > 2 * VW_GEMM_NR;
  float abuf[MC * KC] __attribute__((aligned(16)));
  // Loop order N block -> K block -> M block: the kc x NC slice of packed B (<= 256 KiB) stays
  // in L2 while every M block passes over it, so B is read from memory once per N block whatever
  // K is (with M outermost, a K in the thousands streamed all of B again for every 64 rows).
  // Each C element still sums its K blocks in order, so the result does not depend on the order.
  for (int nb = 0; nb < N; nb += NC) {
    const int nend = VW_MIN(N, nb + NC);
    int k0 = 0;
    do {  // runs once when K == 0 (C = bias)
      const int kc = VW_MIN(kb, K - k0);
      const int first = k0 == 0, last = k0 + kc == K;
      for (int m0 = 0; m0 < M; m0 += MC) {
        const int mc = VW_MIN(MC, M - m0);
        // this block of A: rows m0.., columns k0.. at a[m * ald + k]
        const float *a = gather ? gather(ctx, m0, mc, k0, kc) : A + (size_t)m0 * lda + k0;
        const size_t ald = gather ? (size_t)kc : (size_t)lda;
        // Pack the full MR-row tiles of this A block (x86, enough panels to repay the copy).
        const int mfull = packa ? mc / MR * MR : 0;
        pack_a_tiles(MR, 0, a, ald, 0, mfull, 0, kc, abuf);
        for (int n0 = nb; n0 < nend; n0 += VW_GEMM_NR) {
          const float *wp = packed + (size_t)(n0 / VW_GEMM_NR) * panel;
          const int nr = VW_MIN(VW_GEMM_NR, N - n0);
          for (int t = 0; t < mfull; t += MR) {
            tile_packed_a(MR, isa, nr, kc, abuf + (size_t)t * kc, wp + VW_GEMM_NR * (1 + (size_t)k0),
                          first ? wp : NULL, first && accumulate, last, C + (size_t)(m0 + t) * ldc + n0, ldc, lo, hi);
          }
          for (int m = mfull; m < mc; m += MR) {
            tile_mr(MR, isa, VW_MIN(MR, mc - m), nr, kc, a + (size_t)m * ald, ald,
                 wp + VW_GEMM_NR * (1 + (size_t)k0), first ? wp : NULL, first && accumulate, last,
                 C + (size_t)(m0 + m) * ldc + n0, ldc, lo, hi);
          }
        }
      }
      k0 += kc;
    } while (k0 < K);
  }
}

// w[k*8 + j] = src[j*ld + k] for j < 8, k < kc: 8 rows that run along k become kc packed rows
// of 8 (a PyTorch weight W[N][K] used as B = W^T, or op(B) = B^T). 4x4 blocks are transposed
// in registers with shuffles.
static void transpose_rows8(const float *src, size_t ld, int kc, float *w) {
  int k = 0;
  for (; k + 4 <= kc; k += 4) {
    for (int g = 0; g < 2; g++) {
      const float *s0 = src + (size_t)(4 * g) * ld + k;
      const v128_t v0 = wasm_v128_load(s0), v1 = wasm_v128_load(s0 + ld);
      const v128_t v2 = wasm_v128_load(s0 + 2 * ld), v3 = wasm_v128_load(s0 + 3 * ld);
      const v128_t t0 = wasm_i32x4_shuffle(v0, v1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(v0, v1, 2, 6, 3, 7);
      const v128_t t2 = wasm_i32x4_shuffle(v2, v3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(v2, v3, 2, 6, 3, 7);
      float *d = w + (size_t)k * 8 + 4 * g;
      wasm_v128_store(d, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
      wasm_v128_store(d + 8, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
      wasm_v128_store(d + 16, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
      wasm_v128_store(d + 24, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
    }
  }
  for (; k < kc; k++) {
    for (int j = 0; j < 8; j++) w[(size_t)k * 8 + j] = src[(size_t)j * ld + k];
  }
}

VW_EXPORT int vw_f32_gemm_packed_floats(int K, int N) { return vw_f32_gemm_packed_floats_scalar(K, N); }

VW_EXPORT void vw_f32_gemm_pack(int K, int N, const float *B, int sbk, int sbn, const float *bias, float *packed) {
  float *w = packed;
  for (int n0 = 0; n0 < N; n0 += VW_GEMM_NR) {
    const int nr = VW_MIN(VW_GEMM_NR, N - n0);
    for (int j = 0; j < VW_GEMM_NR; j++) w[j] = bias && j < nr ? bias[n0 + j] : 0.f;
    w += VW_GEMM_NR;
    if (sbn == 1 && nr == VW_GEMM_NR) {  // row-major B: each packed row is one 8-float copy
      for (int k = 0; k < K; k++, w += VW_GEMM_NR) {
        const float *b = B + (size_t)k * sbk + n0;
        wasm_v128_store(w, wasm_v128_load(b));
        wasm_v128_store(w + 4, wasm_v128_load(b + 4));
      }
    } else if (sbk == 1 && nr == VW_GEMM_NR) {  // PyTorch weight W[N][K] as B = W^T
      transpose_rows8(B + (size_t)n0 * sbn, (size_t)sbn, K, w);
      w += (size_t)K * VW_GEMM_NR;
    } else {
      for (int k = 0; k < K; k++, w += VW_GEMM_NR) {
        for (int j = 0; j < VW_GEMM_NR; j++) w[j] = j < nr ? B[(size_t)k * sbk + (size_t)(n0 + j) * sbn] : 0.f;
      }
    }
  }
}

VW_EXPORT void vw_f32_gemm_x86(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc,
                               float minv, float maxv, int accumulate) {
  gemm_impl(MR_X86, ISA_X86, M, N, K, A, lda, NULL, NULL, packed, C, ldc, minv, maxv, accumulate);
}
VW_EXPORT void vw_f32_gemm_arm(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc,
                               float minv, float maxv, int accumulate) {
  gemm_impl(MR_ARM, ISA_ARM, M, N, K, A, lda, NULL, NULL, packed, C, ldc, minv, maxv, accumulate);
}
// Flavour-less entry (the loader prefers _x86/_arm): both variants are correct on every host.
VW_EXPORT void vw_f32_gemm(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc,
                           float minv, float maxv, int accumulate) {
  vw_f32_gemm_x86(M, N, K, A, lda, packed, C, ldc, minv, maxv, accumulate);
}
void vw_f32_gemm_gather_x86(int M, int N, int K, vw_gemm_gather_fn gather, void *ctx, const float *packed, float *C, int ldc,
                            float minv, float maxv, int accumulate) {
  gemm_impl(MR_X86, ISA_X86, M, N, K, NULL, 0, gather, ctx, packed, C, ldc, minv, maxv, accumulate);
}
void vw_f32_gemm_gather_arm(int M, int N, int K, vw_gemm_gather_fn gather, void *ctx, const float *packed, float *C, int ldc,
                            float minv, float maxv, int accumulate) {
  gemm_impl(MR_ARM, ISA_ARM, M, N, K, NULL, 0, gather, ctx, packed, C, ldc, minv, maxv, accumulate);
}
void vw_f32_gemm_gather(int M, int N, int K, vw_gemm_gather_fn gather, void *ctx, const float *packed, float *C, int ldc,
                        float minv, float maxv, int accumulate) {
  vw_f32_gemm_gather_x86(M, N, K, gather, ctx, packed, C, ldc, minv, maxv, accumulate);
}

// ---- General matmul: panels of op(B) are packed on the fly into a stack buffer. ----

// Packs rows k0..k0+kc of columns n0..n0+7 of op(B) into w (kc rows of 8, zero padded).
static void pack_panel(int transB, const float *B, int ldb, int k0, int kc, int n0, int nr, float *w) {
  if (!transB) {
    const float *b = B + (size_t)k0 * ldb + n0;
    if (nr == VW_GEMM_NR) {
      for (int k = 0; k < kc; k++, b += ldb, w += 8) {
        wasm_v128_store(w, wasm_v128_load(b));
        wasm_v128_store(w + 4, wasm_v128_load(b + 4));
      }
    } else {
      for (int k = 0; k < kc; k++, b += ldb, w += 8) {
        for (int j = 0; j < 8; j++) w[j] = j < nr ? b[j] : 0.f;
      }
    }
  } else if (nr == VW_GEMM_NR) {  // op(B)[k][n] = B[n][k]: each stored row is contiguous along k
    transpose_rows8(B + (size_t)n0 * ldb + k0, (size_t)ldb, kc, w);
  } else {
    for (int j = 0; j < 8; j++) {
      if (j < nr) {
        const float *b = B + (size_t)(n0 + j) * ldb + k0;
        for (int k = 0; k < kc; k++) w[k * 8 + j] = b[k];
      } else {
        for (int k = 0; k < kc; k++) w[k * 8 + j] = 0.f;
      }
    }
  }
}

static inline __attribute__((always_inline)) void matmul_impl(const int MR, const int isa, int transA, int transB,
    int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc, float beta) {
  if (M <= 0 || N <= 0) return;
  if (beta != 0.f && beta != 1.f) {  // fold beta into C once; the tiles then add C as is
    const v128_t vb = wasm_f32x4_splat(beta);
    for (int m = 0; m < M; m++) {
      float *c = C + (size_t)m * ldc;
      int n = 0;
      for (; n + 4 <= N; n += 4) wasm_v128_store(c + n, wasm_f32x4_mul(wasm_v128_load(c + n), vb));
      for (; n < N; n++) c[n] *= beta;
    }
  }
  static const float zeros[VW_GEMM_NR] = {0};
  float w[KC * VW_GEMM_NR] __attribute__((aligned(16)));
  float abuf[MC * KC] __attribute__((aligned(16)));  // x86: MR-interleaved tiles; arm + transA: row-major block
  float rbuf[MR_MAX * KC] __attribute__((aligned(16)));  // x86 + transA: the < MR remainder rows, row-major
  const v128_t none = wasm_f32x4_splat(0.f);
  const int kb = kblock(K), packa = isa == ISA_X86;
  for (int m0 = 0; m0 < M; m0 += MC) {
    const int mc = VW_MIN(MC, M - m0);
    int k0 = 0;
    do {
      const int kc = VW_MIN(kb, K - k0);
      const int first = k0 == 0;
      const int mfull = packa ? mc / MR * MR : 0;
      pack_a_tiles(MR, transA, A, (size_t)lda, m0, mfull, k0, kc, abuf);
      // Rows [mfull, mc) go through the row-major tile: A itself, or gathered when transposed.
      const float *ap = A + (size_t)(m0 + mfull) * lda + k0;
      size_t alda = (size_t)lda;
      if (transA && mfull < mc) {
        float *dst = packa ? rbuf : abuf;
        for (int k = 0; k < kc; k++) {
          const float *src = A + (size_t)(k0 + k) * lda + m0 + mfull;
          for (int i = 0; i < mc - mfull; i++) dst[(size_t)i * kc + k] = src[i];
        }
        ap = dst; alda = (size_t)kc;
      }
      for (int n0 = 0; n0 < N; n0 += VW_GEMM_NR) {
        const int nr = VW_MIN(VW_GEMM_NR, N - n0);
        pack_panel(transB, B, ldb, k0, kc, n0, nr, w);
        for (int t = 0; t < mfull; t += MR) {
          tile_packed_a(MR, isa, nr, kc, abuf + (size_t)t * kc, w, first ? zeros : NULL, first && beta != 0.f, 0,
                        C + (size_t)(m0 + t) * ldc + n0, ldc, none, none);
        }
        for (int m = mfull; m < mc; m += MR) {
          tile_mr(MR, isa, VW_MIN(MR, mc - m), nr, kc, ap + (size_t)(m - mfull) * alda, alda, w,
                  first ? zeros : NULL, first && beta != 0.f, 0, C + (size_t)(m0 + m) * ldc + n0, ldc, none, none);
        }
      }
      k0 += kc;
    } while (k0 < K);
  }
}

VW_EXPORT void vw_f32_matmul_x86(int transA, int transB, int M, int N, int K, const float *A, int lda, const float *B,
                                 int ldb, float *C, int ldc, float beta) {
  matmul_impl(MR_X86, ISA_X86, transA, transB, M, N, K, A, lda, B, ldb, C, ldc, beta);
}
VW_EXPORT void vw_f32_matmul_arm(int transA, int transB, int M, int N, int K, const float *A, int lda, const float *B,
                                 int ldb, float *C, int ldc, float beta) {
  matmul_impl(MR_ARM, ISA_ARM, transA, transB, M, N, K, A, lda, B, ldb, C, ldc, beta);
}
VW_EXPORT void vw_f32_matmul(int transA, int transB, int M, int N, int K, const float *A, int lda, const float *B,
                             int ldb, float *C, int ldc, float beta) {
  vw_f32_matmul_x86(transA, transB, M, N, K, A, lda, B, ldb, C, ldc, beta);
}
