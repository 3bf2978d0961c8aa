// Scalar twin of conv.c: the same lowerings (conv_impl.h) on the scalar GEMM twins, with plain
// loops; the Makefile compiles this file without auto-vectorisation.
#include "vw.h"
#include "gemm.h"

static inline void conv_copy(float *dst, const float *src, int n) {
  for (int i = 0; i < n; i++) dst[i] = src[i];
}

static inline void conv_zero(float *dst, int n) {
  for (int i = 0; i < n; i++) dst[i] = 0.0f;
}

static inline void conv_add(float *dst, const float *src, int n) {
  for (int i = 0; i < n; i++) dst[i] += src[i];
}

#define VW_CONV_NAME(x) vw_f32_##x##_scalar
#define VW_CONV_GEMM vw_f32_gemm_scalar
#define VW_CONV_GEMM_GATHER vw_f32_gemm_gather_scalar
#define VW_CONV_PACK vw_f32_gemm_pack_scalar
#define VW_CONV_PF vw_f32_gemm_packed_floats_scalar
#define VW_CONV_MATMUL vw_f32_matmul_scalar
#include "conv_impl.h"
