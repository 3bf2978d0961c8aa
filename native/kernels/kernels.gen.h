// Generated from native/kernels/kernels.def by native/kernels/gen_kernels.ts (make gen): do not edit.

#ifndef VW_KERNELS_GEN_H
#define VW_KERNELS_GEN_H
#include <stdint.h>

#define VW_MAX_DIMS 8
#define VW_QS8_DW_CR 16
// BinaryOp
enum {
  VW_BIN_ADD = 0, VW_BIN_SUB = 1, VW_BIN_MUL = 2, VW_BIN_DIV = 3, VW_BIN_MAXIMUM = 4,
  VW_BIN_MINIMUM = 5, VW_BIN_RSUB = 6, VW_BIN_RDIV = 7, VW_BIN_COUNT = 8
};
#define VW_BIN_FOREACH(X) \
  X(VW_BIN_ADD) X(VW_BIN_SUB) X(VW_BIN_MUL) X(VW_BIN_DIV) X(VW_BIN_MAXIMUM) X(VW_BIN_MINIMUM) \
  X(VW_BIN_RSUB) X(VW_BIN_RDIV)
// UnaryOp
enum {
  VW_UN_RELU = 0, VW_UN_SIGMOID = 1, VW_UN_TANH = 2, VW_UN_EXP = 3, VW_UN_LOG = 4, VW_UN_SQRT = 5,
  VW_UN_NEG = 6, VW_UN_ABS = 7, VW_UN_GELU = 8, VW_UN_SILU = 9, VW_UN_SQUARE = 10,
  VW_UN_RSQRT = 11, VW_UN_RECIPROCAL = 12, VW_UN_GELU_TANH = 13, VW_UN_HARDSIGMOID = 14,
  VW_UN_HARDSWISH = 15, VW_UN_COUNT = 16
};
#define VW_UN_FOREACH(X) \
  X(VW_UN_RELU) X(VW_UN_SIGMOID) X(VW_UN_TANH) X(VW_UN_EXP) X(VW_UN_LOG) X(VW_UN_SQRT) \
  X(VW_UN_NEG) X(VW_UN_ABS) X(VW_UN_GELU) X(VW_UN_SILU) X(VW_UN_SQUARE) X(VW_UN_RSQRT) \
  X(VW_UN_RECIPROCAL) X(VW_UN_GELU_TANH) X(VW_UN_HARDSIGMOID) X(VW_UN_HARDSWISH)
// ConvParam
enum {
  VW_CP_N = 0, VW_CP_CIN = 1, VW_CP_T = 2, VW_CP_H = 3, VW_CP_W = 4, VW_CP_COUT = 5, VW_CP_KT = 6,
  VW_CP_KH = 7, VW_CP_KW = 8, VW_CP_ST = 9, VW_CP_SH = 10, VW_CP_SW = 11, VW_CP_PT = 12,
  VW_CP_PH = 13, VW_CP_PW = 14, VW_CP_DT = 15, VW_CP_DH = 16, VW_CP_DW = 17, VW_CP_GROUPS = 18,
  VW_CP_TO = 19, VW_CP_HO = 20, VW_CP_WO = 21, VW_CP_MODE = 22, VW_CP_COUNT = 23
};
// ConvMode
enum {
  VW_CONV_GENERAL = 0, VW_CONV_POINTWISE = 1, VW_CONV_TEMPORAL = 2, VW_CONV_DEPTHWISE = 3,
  VW_CONV_COUNT = 4
};
#define VW_CONV_FOREACH(X) \
  X(VW_CONV_GENERAL) X(VW_CONV_POINTWISE) X(VW_CONV_TEMPORAL) X(VW_CONV_DEPTHWISE)
// ConvScratch
enum {
  VW_CONV_SCRATCH_PACK = 0, VW_CONV_SCRATCH_FWD = 1, VW_CONV_SCRATCH_BWD_DATA = 2,
  VW_CONV_SCRATCH_BWD_WEIGHT = 3, VW_CONV_SCRATCH_COUNT = 4
};
#define VW_CONV_SCRATCH_FOREACH(X) \
  X(VW_CONV_SCRATCH_PACK) X(VW_CONV_SCRATCH_FWD) X(VW_CONV_SCRATCH_BWD_DATA) \
  X(VW_CONV_SCRATCH_BWD_WEIGHT)
// PoolParam
enum {
  VW_POOL_N = 0, VW_POOL_C = 1, VW_POOL_T = 2, VW_POOL_H = 3, VW_POOL_W = 4, VW_POOL_OT = 5,
  VW_POOL_OH = 6, VW_POOL_OW = 7, VW_POOL_KT = 8, VW_POOL_KH = 9, VW_POOL_KW = 10, VW_POOL_ST = 11,
  VW_POOL_SH = 12, VW_POOL_SW = 13, VW_POOL_PT = 14, VW_POOL_PH = 15, VW_POOL_PW = 16,
  VW_POOL_DT = 17, VW_POOL_DH = 18, VW_POOL_DW = 19, VW_POOL_INCLUDE_PAD = 20,
  VW_POOL_DIVISOR = 21, VW_POOL_COUNT = 22
};
// OptFlag
enum {
  VW_OPT_NESTEROV = 1, VW_OPT_FIRST = 2, VW_OPT_MAXIMIZE = 4, VW_OPT_AMSGRAD = 8,
  VW_OPT_DECAY = 16
};
// QuantParam
enum {
  VW_QP_XZERO = 0, VW_QP_YZERO = 1, VW_QP_QMIN = 2, VW_QP_QMAX = 3, VW_QP_COUNT = 4
};
// FlowParam
enum {
  VW_FLOW_C = 0, VW_FLOW_T = 1, VW_FLOW_H = 2, VW_FLOW_W = 3, VW_FLOW_LEVELS = 4,
  VW_FLOW_WINSIZE = 5, VW_FLOW_ITERATIONS = 6, VW_FLOW_POLY_N = 7, VW_FLOW_FLAGS = 8,
  VW_FLOW_COUNT = 9
};
// FlowFlag
enum {
  VW_FLOW_FLAG_FARNEBACK_GAUSSIAN = 256
};

// Every exported kernel (definitions are marked VW_EXPORT).
void vw_f32_binary(int op, const float *a, const float *b, float *y, const int32_t *p);
void vw_f32_binary_scalar(int op, const float *a, const float *b, float *y, const int32_t *p);
void vw_f32_binary_const(int op, const float *a, float s, float *y, int n);
void vw_f32_binary_const_scalar(int op, const float *a, float s, float *y, int n);
void vw_f32_unary(int op, const float *x, float *y, int n);
void vw_f32_unary_scalar(int op, const float *x, float *y, int n);
void vw_f32_unary_grad(int op, const float *x, const float *y, const float *gy, float *gx, int n);
void vw_f32_unary_grad_scalar(int op, const float *x, const float *y, const float *gy, float *gx, int n);
float vw_f32_unary1_scalar(int op, float x);
float vw_f32_unary_grad1_scalar(int op, float x, float y);
void vw_f32_fill(float *y, int n, float v);
void vw_f32_fill_scalar(float *y, int n, float v);
void vw_f32_reduce_sum(const float *x, float *y, int outer, int r, int inner);
void vw_f32_reduce_sum_scalar(const float *x, float *y, int outer, int r, int inner);
void vw_f32_reduce_max(const float *x, float *y, int32_t *arg, int outer, int r, int inner);
void vw_f32_reduce_max_scalar(const float *x, float *y, int32_t *arg, int outer, int r, int inner);
void vw_x32_permute(const uint32_t *x, uint32_t *y, const int32_t *p);
void vw_x16_permute(const uint16_t *x, uint16_t *y, const int32_t *p);
void vw_x8_permute(const uint8_t *x, uint8_t *y, const int32_t *p);
void vw_x32_expand(const uint32_t *x, uint32_t *y, const int32_t *p);
int vw_f32_gemm_packed_floats(int K, int N);
int vw_f32_gemm_packed_floats_scalar(int K, int N);
void vw_f32_gemm_pack(int K, int N, const float *B, int sbk, int sbn, const float *bias, float *packed);
void vw_f32_gemm_pack_scalar(int K, int N, const float *B, int sbk, int sbn, const float *bias, float *packed);
void vw_f32_gemm(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate);
void vw_f32_gemm_x86(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate);
void vw_f32_gemm_arm(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate);
void vw_f32_gemm_scalar(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate);
void vw_f32_gemm_relaxed(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc, float minv, float maxv, int accumulate);
void vw_f32_matmul(int transA, int transB, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc, float beta);
void vw_f32_matmul_x86(int transA, int transB, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc, float beta);
void vw_f32_matmul_arm(int transA, int transB, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc, float beta);
void vw_f32_matmul_scalar(int transA, int transB, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc, float beta);
int vw_f32_conv3d_packed_floats(const int32_t *p);
int vw_f32_conv3d_packed_floats_x86(const int32_t *p);
int vw_f32_conv3d_packed_floats_arm(const int32_t *p);
int vw_f32_conv3d_packed_floats_scalar(const int32_t *p);
int vw_f32_conv3d_scratch_floats(const int32_t *p, int which);
int vw_f32_conv3d_scratch_floats_x86(const int32_t *p, int which);
int vw_f32_conv3d_scratch_floats_arm(const int32_t *p, int which);
int vw_f32_conv3d_scratch_floats_scalar(const int32_t *p, int which);
void vw_f32_conv3d_pack(const int32_t *p, const float *w, const float *bias, float *packed, float *scratch);
void vw_f32_conv3d_pack_x86(const int32_t *p, const float *w, const float *bias, float *packed, float *scratch);
void vw_f32_conv3d_pack_arm(const int32_t *p, const float *w, const float *bias, float *packed, float *scratch);
void vw_f32_conv3d_pack_scalar(const int32_t *p, const float *w, const float *bias, float *packed, float *scratch);
void vw_f32_conv3d(const int32_t *p, const float *x, const float *packed, const float *bias, float *y, float *scratch, float minv, float maxv);
void vw_f32_conv3d_x86(const int32_t *p, const float *x, const float *packed, const float *bias, float *y, float *scratch, float minv, float maxv);
void vw_f32_conv3d_arm(const int32_t *p, const float *x, const float *packed, const float *bias, float *y, float *scratch, float minv, float maxv);
void vw_f32_conv3d_scalar(const int32_t *p, const float *x, const float *packed, const float *bias, float *y, float *scratch, float minv, float maxv);
void vw_f32_conv3d_relaxed(const int32_t *p, const float *x, const float *packed, const float *bias, float *y, float *scratch, float minv, float maxv);
void vw_f32_conv3d_bwd_data(const int32_t *p, const float *gy, const float *w, float *gx, float *scratch);
void vw_f32_conv3d_bwd_data_x86(const int32_t *p, const float *gy, const float *w, float *gx, float *scratch);
void vw_f32_conv3d_bwd_data_arm(const int32_t *p, const float *gy, const float *w, float *gx, float *scratch);
void vw_f32_conv3d_bwd_data_scalar(const int32_t *p, const float *gy, const float *w, float *gx, float *scratch);
void vw_f32_conv3d_bwd_data_relaxed(const int32_t *p, const float *gy, const float *w, float *gx, float *scratch);
void vw_f32_conv3d_bwd_weight(const int32_t *p, const float *x, const float *gy, float *gw, float *scratch);
void vw_f32_conv3d_bwd_weight_x86(const int32_t *p, const float *x, const float *gy, float *gw, float *scratch);
void vw_f32_conv3d_bwd_weight_arm(const int32_t *p, const float *x, const float *gy, float *gw, float *scratch);
void vw_f32_conv3d_bwd_weight_scalar(const int32_t *p, const float *x, const float *gy, float *gw, float *scratch);
void vw_f32_conv3d_bwd_bias(int M, int C, const float *gy, float *gb);
void vw_f32_conv3d_bwd_bias_x86(int M, int C, const float *gy, float *gb);
void vw_f32_conv3d_bwd_bias_arm(int M, int C, const float *gy, float *gb);
void vw_f32_conv3d_bwd_bias_scalar(int M, int C, const float *gy, float *gb);
void vw_f32_depthwise3d_pack(const int32_t *p, const float *w, const float *bias, float *packed);
void vw_f32_depthwise3d_pack_scalar(const int32_t *p, const float *w, const float *bias, float *packed);
void vw_f32_depthwise3d(const int32_t *p, const float *x, const float *packed, float *y, float minv, float maxv);
void vw_f32_depthwise3d_scalar(const int32_t *p, const float *x, const float *packed, float *y, float minv, float maxv);
void vw_f32_depthwise3d_bwd_data(const int32_t *p, const float *gy, const float *packed, float *gx, float *scratch);
void vw_f32_depthwise3d_bwd_data_scalar(const int32_t *p, const float *gy, const float *packed, float *gx, float *scratch);
void vw_f32_depthwise3d_bwd_weight(const int32_t *p, const float *x, const float *gy, float *gw, float *scratch);
void vw_f32_depthwise3d_bwd_weight_scalar(const int32_t *p, const float *x, const float *gy, float *gw, float *scratch);
void vw_f32_depthwise3d_bwd_fused(const int32_t *p, const float *x, const float *gy, const float *packed, float *gx, float *gw, float *scratch);
void vw_f32_depthwise3d_bwd_fused_scalar(const int32_t *p, const float *x, const float *gy, const float *packed, float *gx, float *gw, float *scratch);
void vw_f32_depthwise3d_expand(const int32_t *p, const float *x, float *xe);
void vw_f32_depthwise3d_expand_scalar(const int32_t *p, const float *x, float *xe);
void vw_f32_depthwise3d_fold(const int32_t *p, const float *gxe, float *gx);
void vw_f32_depthwise3d_fold_scalar(const int32_t *p, const float *gxe, float *gx);
void vw_f32_maxpool3d(const float *x, float *y, int32_t *arg, const int32_t *p);
void vw_f32_maxpool3d_scalar(const float *x, float *y, int32_t *arg, const int32_t *p);
void vw_f32_maxpool3d_grad(const float *gy, const int32_t *arg, float *gx, const int32_t *p);
void vw_f32_maxpool3d_grad_scalar(const float *gy, const int32_t *arg, float *gx, const int32_t *p);
void vw_f32_avgpool3d(const float *x, float *y, const int32_t *p);
void vw_f32_avgpool3d_scalar(const float *x, float *y, const int32_t *p);
void vw_f32_avgpool3d_grad(const float *gy, float *gx, const int32_t *p);
void vw_f32_avgpool3d_grad_scalar(const float *gy, float *gx, const int32_t *p);
void vw_f32_adaptive_avgpool3d(const float *x, float *y, const int32_t *p);
void vw_f32_adaptive_avgpool3d_scalar(const float *x, float *y, const int32_t *p);
void vw_f32_adaptive_avgpool3d_grad(const float *gy, float *gx, const int32_t *p);
void vw_f32_adaptive_avgpool3d_grad_scalar(const float *gy, float *gx, const int32_t *p);
void vw_f32_interp_linear(const float *x, float *y, const int32_t *p, const int32_t *it, const float *ft);
void vw_f32_interp_linear_scalar(const float *x, float *y, const int32_t *p, const int32_t *it, const float *ft);
void vw_f32_interp_linear_backward(const float *gy, float *gx, const int32_t *p, const int32_t *it, const float *ft);
void vw_f32_interp_linear_backward_scalar(const float *gy, float *gx, const int32_t *p, const int32_t *it, const float *ft);
void vw_f32_interp_nearest(const float *x, float *y, const int32_t *p, const int32_t *it);
void vw_f32_interp_nearest_scalar(const float *x, float *y, const int32_t *p, const int32_t *it);
void vw_f32_interp_nearest_backward(const float *gy, float *gx, const int32_t *p, const int32_t *it);
void vw_f32_interp_nearest_backward_scalar(const float *gy, float *gx, const int32_t *p, const int32_t *it);
void vw_f32_xent(const float *x, const int32_t *ti, const float *ts, const float *w, float *lse, float *loss, int rows, int C, float eps, int ignore);
void vw_f32_xent_scalar(const float *x, const int32_t *ti, const float *ts, const float *w, float *lse, float *loss, int rows, int C, float eps, int ignore);
void vw_f32_xent_grad(const float *x, const int32_t *ti, const float *ts, const float *w, const float *lse, const float *g, float *gx, int rows, int C, float eps, int ignore);
void vw_f32_xent_grad_scalar(const float *x, const int32_t *ti, const float *ts, const float *w, const float *lse, const float *g, float *gx, int rows, int C, float eps, int ignore);
void vw_f32_bce_logits(const float *x, const float *t, const float *pw, float *loss, int n);
void vw_f32_bce_logits_scalar(const float *x, const float *t, const float *pw, float *loss, int n);
void vw_f32_bce_logits_grad(const float *x, const float *t, const float *pw, const float *g, float *gx, float *gt, int n);
void vw_f32_bce_logits_grad_scalar(const float *x, const float *t, const float *pw, const float *g, float *gx, float *gt, int n);
void vw_f32_softmax(const float *x, float *y, int outer, int r, int inner, int log);
void vw_f32_softmax_scalar(const float *x, float *y, int outer, int r, int inner, int log);
void vw_f32_softmax_grad(const float *y, const float *gy, float *gx, int outer, int r, int inner, int log);
void vw_f32_softmax_grad_scalar(const float *y, const float *gy, float *gx, int outer, int r, int inner, int log);
void vw_f32_spectrogram(const int32_t *p);
void vw_f32_spectrogram_scalar(const int32_t *p);
void vw_f32_melspec_apply(const int32_t *p);
void vw_f32_melspec_apply_scalar(const int32_t *p);
void vw_f32_bn_stats(const float *x, float *mean, float *variance, float *scratch, int M, int C);
void vw_f32_bn_stats_scalar(const float *x, float *mean, float *variance, float *scratch, int M, int C);
void vw_f32_channel_affine(const float *x, float *y, const float *a, const float *b, int M, int C);
void vw_f32_channel_affine_scalar(const float *x, float *y, const float *a, const float *b, int M, int C);
void vw_f32_bn_grad_reduce(const float *x, const float *gy, const float *mean, float *sgy, float *sgyx, float *scratch, int M, int C);
void vw_f32_bn_grad_reduce_scalar(const float *x, const float *gy, const float *mean, float *sgy, float *sgyx, float *scratch, int M, int C);
void vw_f32_bn_grad_apply(const float *gy, const float *x, float *gx, const float *a, const float *b, const float *d, int M, int C);
void vw_f32_bn_grad_apply_scalar(const float *gy, const float *x, float *gx, const float *a, const float *b, const float *d, int M, int C);
void vw_f32_layernorm(const float *x, float *y, const float *w, const float *b, float *mean, float *rstd, int rows, int D, float eps);
void vw_f32_layernorm_scalar(const float *x, float *y, const float *w, const float *b, float *mean, float *rstd, int rows, int D, float eps);
void vw_f32_layernorm_grad(const float *x, const float *gy, const float *w, const float *mean, const float *rstd, float *gx, float *gw, float *gb, int rows, int D);
void vw_f32_layernorm_grad_scalar(const float *x, const float *gy, const float *w, const float *mean, const float *rstd, float *gx, float *gw, float *gb, int rows, int D);
void vw_f32_sgd_step(float *p, const float *g, float *buf, int32_t n, float lr, float momentum, float one_minus_dampening, float wd, int32_t flags);
void vw_f32_sgd_step_scalar(float *p, const float *g, float *buf, int32_t n, float lr, float momentum, float one_minus_dampening, float wd, int32_t flags);
void vw_f32_adamw_step(float *p, const float *g, float *m, float *v, float *vmax, int32_t n, float decay, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2, float neg_step_size, float bc2_sqrt, float eps, int32_t flags);
void vw_f32_adamw_step_scalar(float *p, const float *g, float *m, float *v, float *vmax, int32_t n, float decay, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2, float neg_step_size, float bc2_sqrt, float eps, int32_t flags);
double vw_f32_sumsq(const float *x, int32_t n);
double vw_f32_sumsq_scalar(const float *x, int32_t n);
float vw_f32_absmax(const float *x, int32_t n);
float vw_f32_absmax_scalar(const float *x, int32_t n);
void vw_f32_scale_inplace(float *x, int32_t n, float s);
void vw_f32_scale_inplace_scalar(float *x, int32_t n, float s);
int vw_qs8_gemm_packed_bytes(int N, int K);
int vw_qs8_gemm_packed_bytes_scalar(int N, int K);
void vw_qs8_gemm_pack(const int32_t *p, const int8_t *w, const int32_t *bias, uint8_t *packed);
void vw_qs8_gemm_pack_scalar(const int32_t *p, const int8_t *w, const int32_t *bias, uint8_t *packed);
void vw_qs8_gemm(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale, int8_t *C);
void vw_qs8_gemm_scalar(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale, int8_t *C);
void vw_qs8_gemm_relaxed(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale, int8_t *C);
void vw_qs8_gemm_f32out(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale, float *C);
void vw_qs8_gemm_f32out_scalar(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale, float *C);
void vw_qs8_gemm_f32out_relaxed(const int32_t *p, const int8_t *A, const uint8_t *packed, const float *scale, float *C);
void vw_qs8_quantize(const float *x, int8_t *y, int n, float scale, int zero);
void vw_qs8_quantize_scalar(const float *x, int8_t *y, int n, float scale, int zero);
void vw_qs8_dequantize(const int8_t *q, float *y, int n, float scale, int zero);
void vw_qs8_dequantize_scalar(const int8_t *q, float *y, int n, float scale, int zero);
void vw_qs8_quantize_channels(const int32_t *p, const float *x, const float *scales, const int32_t *zeros, int8_t *y);
void vw_qs8_quantize_channels_scalar(const int32_t *p, const float *x, const float *scales, const int32_t *zeros, int8_t *y);
void vw_qs8_dequantize_channels(const int32_t *p, const int8_t *q, const float *scales, const int32_t *zeros, float *y);
void vw_qs8_dequantize_channels_scalar(const int32_t *p, const int8_t *q, const float *scales, const int32_t *zeros, float *y);
void vw_qs8_vol2col(const int32_t *p, const int8_t *x, int8_t *col, int x_zero);
void vw_qs8_vol2col_scalar(const int32_t *p, const int8_t *x, int8_t *col, int x_zero);
void vw_qs8_depthwise3d(const int32_t *p, const int32_t *q, const int8_t *x, const int16_t *w, const int32_t *bias, const float *scale, int8_t *y);
void vw_qs8_depthwise3d_scalar(const int32_t *p, const int32_t *q, const int8_t *x, const int16_t *w, const int32_t *bias, const float *scale, int8_t *y);
void vw_qs8_lut(const int8_t *x, int8_t *y, int n, const int8_t *table);
void vw_qs8_lut_scalar(const int8_t *x, int8_t *y, int n, const int8_t *table);
void vw_qs8_add(const int8_t *a, const int8_t *b, int8_t *y, int n, int a_zero, float a_scale, int b_zero, float b_scale, int y_zero, int qmin, int qmax);
void vw_qs8_add_scalar(const int8_t *a, const int8_t *b, int8_t *y, int n, int a_zero, float a_scale, int b_zero, float b_scale, int y_zero, int qmin, int qmax);
void vw_qs8_global_avgpool(const int8_t *x, int8_t *y, int N, int M, int C, int x_zero, float scale, int y_zero);
void vw_qs8_global_avgpool_scalar(const int8_t *x, int8_t *y, int N, int M, int C, int x_zero, float scale, int y_zero);
void vw_qs8_channel_mul(const int8_t *x, const float *gate, int8_t *y, int N, int M, int C, int x_zero, float scale, int y_zero);
void vw_qs8_channel_mul_scalar(const int8_t *x, const float *gate, int8_t *y, int N, int M, int C, int x_zero, float scale, int y_zero);
void vw_f32_roi_align(const float *x, const float *rois, float *y, const int32_t *p, float spatial_scale);
void vw_f32_roi_align_scalar(const float *x, const float *rois, float *y, const int32_t *p, float spatial_scale);
void vw_f32_roi_align_backward(const float *gy, const float *rois, float *gx, const int32_t *p, float spatial_scale);
void vw_f32_roi_align_backward_scalar(const float *gy, const float *rois, float *gx, const int32_t *p, float spatial_scale);
void vw_x32_strided_copy(const uint32_t *src, uint32_t *dst, const int32_t *p);
void vw_x32_strided_copy_scalar(const uint32_t *src, uint32_t *dst, const int32_t *p);
void vw_x16_strided_copy(const uint16_t *src, uint16_t *dst, const int32_t *p);
void vw_x16_strided_copy_scalar(const uint16_t *src, uint16_t *dst, const int32_t *p);
void vw_x8_strided_copy(const uint8_t *src, uint8_t *dst, const int32_t *p);
void vw_x8_strided_copy_scalar(const uint8_t *src, uint8_t *dst, const int32_t *p);
void vw_x32_index_select(const uint32_t *src, uint32_t *dst, const int32_t *idx, int32_t outer, int32_t ms, int32_t md, int32_t inner);
void vw_x32_index_select_scalar(const uint32_t *src, uint32_t *dst, const int32_t *idx, int32_t outer, int32_t ms, int32_t md, int32_t inner);
void vw_x16_index_select(const uint16_t *src, uint16_t *dst, const int32_t *idx, int32_t outer, int32_t ms, int32_t md, int32_t inner);
void vw_x16_index_select_scalar(const uint16_t *src, uint16_t *dst, const int32_t *idx, int32_t outer, int32_t ms, int32_t md, int32_t inner);
void vw_x8_index_select(const uint8_t *src, uint8_t *dst, const int32_t *idx, int32_t outer, int32_t ms, int32_t md, int32_t inner);
void vw_x8_index_select_scalar(const uint8_t *src, uint8_t *dst, const int32_t *idx, int32_t outer, int32_t ms, int32_t md, int32_t inner);
void vw_x32_gather(const uint32_t *x, uint32_t *y, const int32_t *idx, int32_t outer, int32_t m, int32_t k, int32_t inner);
void vw_x32_gather_scalar(const uint32_t *x, uint32_t *y, const int32_t *idx, int32_t outer, int32_t m, int32_t k, int32_t inner);
void vw_f32_scatter_add(const float *gy, float *gx, const int32_t *idx, int32_t outer, int32_t m, int32_t k, int32_t inner);
void vw_f32_scatter_add_scalar(const float *gy, float *gx, const int32_t *idx, int32_t outer, int32_t m, int32_t k, int32_t inner);
void vw_f32_index_add(const float *gy, float *gx, const int32_t *idx, int32_t outer, int32_t my, int32_t mx, int32_t inner);
void vw_f32_index_add_scalar(const float *gy, float *gx, const int32_t *idx, int32_t outer, int32_t my, int32_t mx, int32_t inner);
int vw_f32_farneback_scratch_floats(const int32_t *p, const double *d);
int vw_f32_farneback_scratch_floats_scalar(const int32_t *p, const double *d);
void vw_f32_farneback(const uint8_t *video, float *flow, float *scratch, const int32_t *p, const double *d);
void vw_f32_farneback_scalar(const uint8_t *video, float *flow, float *scratch, const int32_t *p, const double *d);
int vw_abi_version(void);

#endif
