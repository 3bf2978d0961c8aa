// SIMD conv3d lowerings (channels-last): the template in conv_impl.h bound to the SIMD GEMM,
// once per GEMM flavour: vw_f32_conv3d* (generic GEMM), vw_f32_conv3d*_x86 and *_arm (the ISA
// variants of the GEMM, which the runtime picks by host like it picks vw_f32_gemm_x86/_arm).
// Scalar twin: conv_scalar.c. Depthwise convs have their own direct kernel (depthwise.c).
#include "vw.h"
#include "gemm.h"

// dst[0..n) = src[0..n): v128 moves, the last one overlapping the previous when n % 4 != 0
// (n is a channel count or kw*Cin, often small and odd: 3, 9, 21, 54).
static inline void conv_copy(float *dst, const float *src, int n) {
  int i = 0;
  if (n < 4) { for (; i < n; i++) dst[i] = src[i]; return; }
  for (; i + 8 <= n; i += 8) {
    const v128_t a = wasm_v128_load(src + i), b = wasm_v128_load(src + i + 4);
    wasm_v128_store(dst + i, a);
    wasm_v128_store(dst + i + 4, b);
  }
  if (i + 4 <= n) { wasm_v128_store(dst + i, wasm_v128_load(src + i)); i += 4; }
  if (i < n) wasm_v128_store(dst + n - 4, wasm_v128_load(src + n - 4));
}

// dst[0..n) = 0
static inline void conv_zero(float *dst, int n) {
  int i = 0;
  const v128_t z = wasm_f32x4_splat(0.0f);
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, z);
  for (; i < n; i++) dst[i] = 0.0f;
}

// dst[0..n) += src[0..n); when n % 4 != 0 the last vector overlaps the previous one with the
// lanes already added masked to zero.
static inline void conv_add(float *dst, const float *src, int n) {
  int i = 0;
  if (n < 4) { for (; i < n; i++) dst[i] += src[i]; return; }
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_f32x4_add(wasm_v128_load(dst + i), wasm_v128_load(src + i)));
  if (i < n) {
    const v128_t keep = wasm_i32x4_ge(wasm_i32x4_make(0, 1, 2, 3), wasm_i32x4_splat(4 - (n - i)));
    wasm_v128_store(dst + n - 4, wasm_f32x4_add(wasm_v128_load(dst + n - 4), wasm_v128_and(wasm_v128_load(src + n - 4), keep)));
  }
}

#define VW_CONV_NAME(x) vw_f32_##x
#define VW_CONV_GEMM vw_f32_gemm
#define VW_CONV_GEMM_GATHER vw_f32_gemm_gather
#define VW_CONV_PACK vw_f32_gemm_pack
#define VW_CONV_PF vw_f32_gemm_packed_floats
#define VW_CONV_MATMUL vw_f32_matmul
#include "conv_impl.h"
#undef VW_CONV_NAME
#undef VW_CONV_GEMM
#undef VW_CONV_GEMM_GATHER
#undef VW_CONV_MATMUL

#define VW_CONV_NAME(x) vw_f32_##x##_x86
#define VW_CONV_GEMM vw_f32_gemm_x86
#define VW_CONV_GEMM_GATHER vw_f32_gemm_gather_x86
#define VW_CONV_MATMUL vw_f32_matmul_x86
#include "conv_impl.h"
#undef VW_CONV_NAME
#undef VW_CONV_GEMM
#undef VW_CONV_GEMM_GATHER
#undef VW_CONV_MATMUL

#define VW_CONV_NAME(x) vw_f32_##x##_arm
#define VW_CONV_GEMM vw_f32_gemm_arm
#define VW_CONV_GEMM_GATHER vw_f32_gemm_gather_arm
#define VW_CONV_MATMUL vw_f32_matmul_arm
#include "conv_impl.h"
