// f32 GEMM interface shared by linear, matmul and conv3d (im2col / 1x1x1 / channels_last).
//
// Packed layout (identical for the SIMD and scalar backends, so a layer packs once and either
// backend can consume the buffer): B is split into panels of VW_GEMM_NR = 8 columns. Each panel
// stores its 8 bias values first, then K rows of 8 weights (zero padded past N):
//   panel p (columns 8p..8p+7): [bias x8][B[0][8p..8p+7]][B[1][...]] ... [B[K-1][...]]
// so a panel is 8*(K+1) floats and the buffer is ceil(N/8) panels.
#ifndef VW_GEMM_H
#define VW_GEMM_H

#include "vw.h"

#define VW_GEMM_NR 8

// Packed-B GEMM: C[M,N] = clamp(A[M,K]·B[K,N] + bias[N] (+ C if accumulate), minv, maxv)
// A row-major (row stride lda), C row-major (row stride ldc). B packed once (weights).
int  vw_f32_gemm_packed_floats(int K, int N);   // floats needed by the packed buffer
// B[k][n] is read at B[k*sbk + n*sbn]: a row-major B is (sbk=N, sbn=1); a PyTorch weight
// W[N][K] used as B = W^T is (sbk=1, sbn=K). bias may be NULL (0).
void vw_f32_gemm_pack(int K, int N, const float *B, int sbk, int sbn, const float *bias, float *packed);
void vw_f32_gemm(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate);
// Implicit-A GEMM (convolution without a materialised vol2col): the same product as vw_f32_gemm,
// with the block of A rows [m0, m0+mc) x columns [k0, k0+kc) produced on demand by gather, which
// returns it row-major with row stride kc (in a buffer of its own of at least
// VW_GEMM_GATHER_FLOATS floats: blocks are at most 64 rows x 256 columns, gemm.c's MC x KC).
typedef const float *(*vw_gemm_gather_fn)(void *ctx, int m0, int mc, int k0, int kc);
#define VW_GEMM_GATHER_FLOATS (64 * 256)
void vw_f32_gemm_gather(int M, int N, int K, vw_gemm_gather_fn gather, void *ctx, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate);
// General GEMM with no pre-packing (backward passes): C = op(A)·op(B) + beta*C, op = transpose if flag.
// op(A) is MxK, op(B) is KxN; lda/ldb/ldc are row strides of the stored matrices.
void vw_f32_matmul(int transA, int transB, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc, float beta);

// ISA variants (same semantics; the runtime picks one by host) and scalar twins.
void vw_f32_gemm_x86(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate);
void vw_f32_gemm_arm(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate);
void vw_f32_matmul_x86(int transA, int transB, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc, float beta);
void vw_f32_matmul_arm(int transA, int transB, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc, float beta);
void vw_f32_gemm_gather_x86(int M, int N, int K, vw_gemm_gather_fn gather, void *ctx, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate);
void vw_f32_gemm_gather_arm(int M, int N, int K, vw_gemm_gather_fn gather, void *ctx, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate);
void vw_f32_gemm_gather_scalar(int M, int N, int K, vw_gemm_gather_fn gather, void *ctx, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate);
int  vw_f32_gemm_packed_floats_scalar(int K, int N);
void vw_f32_gemm_pack_scalar(int K, int N, const float *B, int sbk, int sbn, const float *bias, float *packed);
void vw_f32_gemm_scalar(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate);
void vw_f32_matmul_scalar(int transA, int transB, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc, float beta);

#endif
