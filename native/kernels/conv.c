// SIMD conv3d lowerings (channels-last): the template in conv_impl.h bound to the SIMD GEMM,
// once per GEMM flavour: vw_f32_conv3d* (generic GEMM), vw_f32_conv3d*_x86 and *_arm (the ISA
// variants of the GEMM, which the runtime picks by host like it picks vw_f32_gemm_x86/_arm).
// Scalar twin: conv_scalar.c. Depthwise convs have their own direct kernel (depthwise.c).
#include "vw.h"
#include "gemm.h"

// dst[0..n) = src[0..n): v128 moves, then the tail (n is a channel count, often < 8).
static inline void conv_copy(float *dst, const float *src, int n) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    wasm_v128_store(dst + i, wasm_v128_load(src + i));
    wasm_v128_store(dst + i + 4, wasm_v128_load(src + i + 4));
  }
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_v128_load(src + i));
  for (; i < n; i++) dst[i] = src[i];
}

// dst[0..n) += src[0..n)
static inline void conv_add(float *dst, const float *src, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_f32x4_add(wasm_v128_load(dst + i), wasm_v128_load(src + i)));
  for (; i < n; i++) dst[i] += src[i];
}

#define VW_CONV_NAME(x) vw_f32_##x
#define VW_CONV_GEMM vw_f32_gemm
#define VW_CONV_PACK vw_f32_gemm_pack
#define VW_CONV_PF vw_f32_gemm_packed_floats
#define VW_CONV_MATMUL vw_f32_matmul
#include "conv_impl.h"
#undef VW_CONV_NAME
#undef VW_CONV_GEMM
#undef VW_CONV_MATMUL

#define VW_CONV_NAME(x) vw_f32_##x##_x86
#define VW_CONV_GEMM vw_f32_gemm_x86
#define VW_CONV_MATMUL vw_f32_matmul_x86
#include "conv_impl.h"
#undef VW_CONV_NAME
#undef VW_CONV_GEMM
#undef VW_CONV_MATMUL

#define VW_CONV_NAME(x) vw_f32_##x##_arm
#define VW_CONV_GEMM vw_f32_gemm_arm
#define VW_CONV_MATMUL vw_f32_matmul_arm
#include "conv_impl.h"
