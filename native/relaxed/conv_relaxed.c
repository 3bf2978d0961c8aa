// conv3d forward (and its backward passes) over the relaxed GEMM: conv_impl.h's lowerings bound
// to vw_f32_gemm_relaxed. Packing and the packed-size queries are the kernel module's own
// (imported: the packed layout is shared), as is the general matmul of the weight gradient.
#include "relaxed.h"
#include "../kernels/gemm.h"

// conv_impl.h's helpers; plain loops, which clang vectorises.
static inline void conv_copy(float *dst, const float *src, int n) { for (int i = 0; i < n; i++) dst[i] = src[i]; }
static inline void conv_zero(float *dst, int n) { for (int i = 0; i < n; i++) dst[i] = 0.0f; }
static inline void conv_add(float *dst, const float *src, int n) { for (int i = 0; i < n; i++) dst[i] += src[i]; }

void vw_f32_gemm_gather_relaxed(int M, int N, int K, vw_gemm_gather_fn gather, void *ctx, const float *packed, float *C,
                                int ldc, float minv, float maxv, int accumulate);  // gemm_relaxed.c

#define VW_CONV_NAME(x) vw_f32_##x##_relaxed
#define VW_CONV_GEMM vw_f32_gemm_relaxed
#define VW_CONV_GEMM_GATHER vw_f32_gemm_gather_relaxed
#define VW_CONV_PACK vw_f32_gemm_pack
#define VW_CONV_PF vw_f32_gemm_packed_floats
#define VW_CONV_MATMUL vw_f32_matmul
#include "../kernels/conv_impl.h"
