// qs8 / qc8 GEMM, wasm SIMD. Layout, formula and packing: qs8.h.
//
// Microkernel design (the "c8" scheme): a tile is MR rows x NR=4 columns. For every block of
// KR=8 k, each row of A and each packed column is loaded with one widening load
// (i16x8.load8x8_s, a single pmovsxbw / sxtl), and every (row, column) pair gets one
// i32x4.dot_i16x8_s (pmaddwd on x86; smull + smull2 + addp on arm) added into its own i32x4 accumulator: four
// partial sums per pair, reduced once per tile after the k loop. No shuffles in the hot loop;
// MR=2 keeps 8 accumulators + 2 rows + 1 column in registers with room to spare; measured here
// (V8, x86-64 Zen 3) it beat MR=1, 3 and 4 (which spill) and a 2x-unrolled k loop.
// No _x86 / _arm variants: both lowerings of these three instructions are already the natural
// ones, so there is nothing to pick at run time.
// Loop order: the packed panel (NR * K bytes) stays in L1 while row tiles stream over it, and
// rows are blocked so the A block stays in L2.
#include "qs8.h"

#define MR 2  // the full-tile epilogue below narrows rows 0 and 1 together
#define NR VW_QS8_NR
#define KR VW_QS8_KR
// Rows of A per outer block: about 96 KiB of A, so it stays in L2 across the panels.
#define A_BLOCK_BYTES (96 * 1024)

VW_EXPORT int vw_qs8_gemm_packed_bytes(int N, int K) { return (int)vw_qs8_packed_bytes_impl(N, K); }

VW_EXPORT void vw_qs8_gemm_pack(const int32_t *p, const int8_t *w, const int32_t *bias, uint8_t *packed) {
  vw_qs8_pack_impl(p, w, bias, packed);
}

// Sums the four lanes of each accumulator and returns [sum(c0), sum(c1), sum(c2), sum(c3)].
static inline v128_t hsum4(v128_t c0, v128_t c1, v128_t c2, v128_t c3) {
  const v128_t t01 = wasm_i32x4_add(wasm_i32x4_shuffle(c0, c1, 0, 4, 1, 5), wasm_i32x4_shuffle(c0, c1, 2, 6, 3, 7));
  const v128_t t23 = wasm_i32x4_add(wasm_i32x4_shuffle(c2, c3, 0, 4, 1, 5), wasm_i32x4_shuffle(c2, c3, 2, 6, 3, 7));
  return wasm_i32x4_add(wasm_i32x4_shuffle(t01, t23, 0, 1, 4, 5), wasm_i32x4_shuffle(t01, t23, 2, 3, 6, 7));
}

// One MR x NR tile: out[r] = bias' + A[r] . W for the NR columns of the panel (int32).
// a[r] are row pointers (rows past M alias a valid row); K is the true depth; a_end is one
// past the last byte of A. The loops over
// r and j have constant bounds: clang unrolls them and keeps every v128 in a register.
static inline void tile_acc(const int8_t *a[MR], int K, const int8_t *a_end, const uint8_t *panel, v128_t out[MR]) {
  const int8_t *w = (const int8_t *)(panel + NR * 4);
  v128_t c[MR][NR];
  for (int r = 0; r < MR; r++)
    for (int j = 0; j < NR; j++) c[r][j] = wasm_i32x4_const(0, 0, 0, 0);
  int k = 0;
  for (; k + KR <= K; k += KR, w += NR * KR) {
    v128_t x[MR];
    for (int r = 0; r < MR; r++) x[r] = wasm_i16x8_load8x8(a[r] + k);
    for (int j = 0; j < NR; j++) {
      const v128_t y = wasm_i16x8_load8x8(w + KR * j);
      for (int r = 0; r < MR; r++) c[r][j] = wasm_i32x4_add(c[r][j], wasm_i32x4_dot_i16x8(x[r], y));
    }
  }
  if (k < K) {
    // Last partial block (K % 8 bytes). Reading the whole 8 bytes is fine inside A (the extra
    // bytes only meet zero-padded weights); only where that would pass a_end (the last row)
    // do we copy the tail into zeroed scratch, so we never read outside A.
    v128_t x[MR];
    for (int r = 0; r < MR; r++) {
      if (a[r] + k + KR <= a_end) x[r] = wasm_i16x8_load8x8(a[r] + k);
      else {
        int8_t t[KR] = {0};
        for (int i = 0; i < K - k; i++) t[i] = a[r][k + i];
        x[r] = wasm_i16x8_load8x8(t);
      }
    }
    for (int j = 0; j < NR; j++) {
      const v128_t y = wasm_i16x8_load8x8(w + KR * j);
      for (int r = 0; r < MR; r++) c[r][j] = wasm_i32x4_add(c[r][j], wasm_i32x4_dot_i16x8(x[r], y));
    }
  }
  const v128_t bias = wasm_v128_load(panel);
  for (int r = 0; r < MR; r++) out[r] = wasm_i32x4_add(bias, hsum4(c[r][0], c[r][1], c[r][2], c[r][3]));
}

// Walks the tiles of C and requantises them (int8 out) or scales them (f32 out). Always inlined
// into the two exports, so the mode flag is a constant and each gets its own specialised loop.
static inline __attribute__((always_inline)) void gemm_driver(const int32_t *p, const int8_t *A,
                                                              const uint8_t *packed, const float *scale, void *C,
                                                              int f32out) {
  const int M = p[VW_QS8_M], N = p[VW_QS8_N], K = p[VW_QS8_K];
  const int lda = p[VW_QS8_LDA], ldc = p[VW_QS8_LDC], sstride = p[VW_QS8_SSTRIDE] ? 1 : 0;
  const int32_t y_zero = p[VW_QS8_YZERO];
  if (M <= 0 || N <= 0) return;
  const size_t panel = vw_qs8_panel_bytes(K);
  // Requantisation with the magic-bias trick: adding 1.5 * 2^23 to f rounds it to an integer
  // (half to even, the IEEE default) held in the low mantissa bits, and the bit pattern of
  // f + magic grows monotonically with f for every f > -magic. So: clamp the low end in float
  // (pmax with magic + qmin - y_zero), subtract the magic's bits minus y_zero as an int, and let
  // the saturating narrows plus an i8 min apply the high end (for f > 2^22 the bits are no
  // longer f's integer value, but they are still larger than any int8, so they saturate).
  // Equal to clamp(rint(f), qmin - y_zero, qmax - y_zero) + y_zero, as the scalar twin computes.
  const v128_t vmagic = wasm_f32x4_splat(12582912.0f);
  const v128_t vmagic_min = wasm_f32x4_splat(12582912.0f + (float)(p[VW_QS8_QMIN] - y_zero));
  const v128_t vmagic_less_zero = wasm_i32x4_splat(0x4B400000 - y_zero);
  const v128_t vqmax = wasm_i8x16_splat((int8_t)p[VW_QS8_QMAX]);
  const int8_t *a_end = A + (size_t)(M - 1) * lda + K;
  int mblock = A_BLOCK_BYTES / (K > 0 ? K : 1);
  mblock = mblock < MR ? MR : mblock / MR * MR;
  for (int mb = 0; mb < M; mb += mblock) {
    const int me = VW_MIN(M, mb + mblock);
    for (int n0 = 0; n0 < N; n0 += NR) {
      const uint8_t *pp = packed + (size_t)(n0 / NR) * panel;
      const int nc = VW_MIN(NR, N - n0);
      v128_t vscale;
      if (sstride && nc == NR) vscale = wasm_v128_load(scale + n0);
      else if (sstride) {
        float s[NR] = {0};
        for (int j = 0; j < nc; j++) s[j] = scale[n0 + j];
        vscale = wasm_v128_load(s);
      } else vscale = wasm_v128_load32_splat(scale);
      for (int m = mb; m < me; m += MR) {
        const int mr = VW_MIN(MR, me - m);
        // a row past M (last tile of an odd block) aliases row 0 of the tile: computed, not stored
        const int8_t *a[MR];
        a[0] = A + (size_t)m * lda;
        a[1] = mr > 1 ? a[0] + lda : a[0];
        v128_t acc[MR];
        tile_acc(a, K, a_end, pp, acc);
        if (!f32out && mr == MR && nc == NR) {
          // Full tile, int8 out (the common case): both rows requantised and narrowed together.
          v128_t q[MR];
          for (int r = 0; r < MR; r++) {
            const v128_t f = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(acc[r]), vscale);
            q[r] = wasm_i32x4_sub(wasm_f32x4_pmax(vmagic_min, wasm_f32x4_add(f, vmagic)), vmagic_less_zero);
          }
          const v128_t q16 = wasm_i16x8_narrow_i32x4(q[0], q[1]);
          const v128_t q8 = wasm_i8x16_min(wasm_i8x16_narrow_i16x8(q16, q16), vqmax);
          int8_t *c = (int8_t *)C + (size_t)m * ldc + n0;
          wasm_v128_store32_lane(c, q8, 0);
          wasm_v128_store32_lane(c + ldc, q8, 1);
          continue;
        }
        for (int r = 0; r < mr; r++) {
          v128_t f = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(acc[r]), vscale);
          if (f32out) {
            float *c = (float *)C + (size_t)(m + r) * ldc + n0;
            if (nc == NR) wasm_v128_store(c, f);
            else {
              float t[NR];
              wasm_v128_store(t, f);
              for (int j = 0; j < nc; j++) c[j] = t[j];
            }
            continue;
          }
          const v128_t q = wasm_i32x4_sub(wasm_f32x4_pmax(vmagic_min, wasm_f32x4_add(f, vmagic)), vmagic_less_zero);
          const v128_t q16 = wasm_i16x8_narrow_i32x4(q, q);
          const v128_t q8 = wasm_i8x16_min(wasm_i8x16_narrow_i16x8(q16, q16), vqmax);
          int8_t *c = (int8_t *)C + (size_t)(m + r) * ldc + n0;
          if (nc == NR) wasm_v128_store32_lane(c, q8, 0);
          else {
            int8_t t[16];
            wasm_v128_store(t, q8);
            for (int j = 0; j < nc; j++) c[j] = t[j];
          }
        }
      }
    }
  }
}

VW_EXPORT void vw_qs8_gemm(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale, int8_t *C) {
  gemm_driver(p, A, packed, scale, C, 0);
}

// Dequantised output: C[m][n] = f32(acc) * scale[n] with scale = input_scale * weight_scale[n]
// (y_zero, qmin and qmax are ignored).
VW_EXPORT void vw_qs8_gemm_f32out(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale,
                                  float *C) {
  gemm_driver(p, A, packed, scale, C, 1);
}
