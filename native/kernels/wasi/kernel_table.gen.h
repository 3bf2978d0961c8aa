// Generated from native/kernels/kernels.def by native/kernels/gen_kernels.ts (make gen): do not edit.

// Included by main.c only: pointers are declared as int32_t, which is exact at the wasm level.
#include <stdint.h>
#include <string.h>

typedef void (*anyfn)(void);

void vw_f32_binary(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_binary_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_binary_const(int32_t, int32_t, float, int32_t, int32_t);
void vw_f32_binary_const_scalar(int32_t, int32_t, float, int32_t, int32_t);
void vw_f32_unary(int32_t, int32_t, int32_t, int32_t);
void vw_f32_unary_scalar(int32_t, int32_t, int32_t, int32_t);
void vw_f32_unary_grad(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_unary_grad_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
float vw_f32_unary1_scalar(int32_t, float);
float vw_f32_unary_grad1_scalar(int32_t, float, float);
void vw_f32_fill(int32_t, int32_t, float);
void vw_f32_fill_scalar(int32_t, int32_t, float);
void vw_f32_reduce_sum(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_reduce_sum_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_reduce_max(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_reduce_max_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_x32_permute(int32_t, int32_t, int32_t);
void vw_x16_permute(int32_t, int32_t, int32_t);
void vw_x8_permute(int32_t, int32_t, int32_t);
void vw_x32_expand(int32_t, int32_t, int32_t);
int32_t vw_f32_gemm_packed_floats(int32_t, int32_t);
int32_t vw_f32_gemm_packed_floats_scalar(int32_t, int32_t);
void vw_f32_gemm_pack(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_gemm_pack_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_gemm(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, float, int32_t);
void vw_f32_gemm_x86(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, float, int32_t);
void vw_f32_gemm_arm(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, float, int32_t);
void vw_f32_gemm_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, float, int32_t);
void vw_f32_matmul(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float);
void vw_f32_matmul_x86(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float);
void vw_f32_matmul_arm(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float);
void vw_f32_matmul_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float);
int32_t vw_f32_conv3d_packed_floats(int32_t);
int32_t vw_f32_conv3d_packed_floats_x86(int32_t);
int32_t vw_f32_conv3d_packed_floats_arm(int32_t);
int32_t vw_f32_conv3d_packed_floats_scalar(int32_t);
int32_t vw_f32_conv3d_scratch_floats(int32_t, int32_t);
int32_t vw_f32_conv3d_scratch_floats_x86(int32_t, int32_t);
int32_t vw_f32_conv3d_scratch_floats_arm(int32_t, int32_t);
int32_t vw_f32_conv3d_scratch_floats_scalar(int32_t, int32_t);
void vw_f32_conv3d_pack(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_pack_x86(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_pack_arm(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_pack_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, float);
void vw_f32_conv3d_x86(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, float);
void vw_f32_conv3d_arm(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, float);
void vw_f32_conv3d_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, float);
void vw_f32_conv3d_bwd_data(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_bwd_data_x86(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_bwd_data_arm(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_bwd_data_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_bwd_weight(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_bwd_weight_x86(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_bwd_weight_arm(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_bwd_weight_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_bwd_bias(int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_bwd_bias_x86(int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_bwd_bias_arm(int32_t, int32_t, int32_t, int32_t);
void vw_f32_conv3d_bwd_bias_scalar(int32_t, int32_t, int32_t, int32_t);
void vw_f32_depthwise3d_pack(int32_t, int32_t, int32_t, int32_t);
void vw_f32_depthwise3d_pack_scalar(int32_t, int32_t, int32_t, int32_t);
void vw_f32_depthwise3d(int32_t, int32_t, int32_t, int32_t, float, float);
void vw_f32_depthwise3d_scalar(int32_t, int32_t, int32_t, int32_t, float, float);
void vw_f32_depthwise3d_bwd_data(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_depthwise3d_bwd_data_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_depthwise3d_bwd_weight(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_depthwise3d_bwd_weight_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_depthwise3d_bwd_fused(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_depthwise3d_bwd_fused_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_depthwise3d_expand(int32_t, int32_t, int32_t);
void vw_f32_depthwise3d_expand_scalar(int32_t, int32_t, int32_t);
void vw_f32_depthwise3d_fold(int32_t, int32_t, int32_t);
void vw_f32_depthwise3d_fold_scalar(int32_t, int32_t, int32_t);
void vw_f32_maxpool3d(int32_t, int32_t, int32_t, int32_t);
void vw_f32_maxpool3d_scalar(int32_t, int32_t, int32_t, int32_t);
void vw_f32_maxpool3d_grad(int32_t, int32_t, int32_t, int32_t);
void vw_f32_maxpool3d_grad_scalar(int32_t, int32_t, int32_t, int32_t);
void vw_f32_avgpool3d(int32_t, int32_t, int32_t);
void vw_f32_avgpool3d_scalar(int32_t, int32_t, int32_t);
void vw_f32_avgpool3d_grad(int32_t, int32_t, int32_t);
void vw_f32_avgpool3d_grad_scalar(int32_t, int32_t, int32_t);
void vw_f32_adaptive_avgpool3d(int32_t, int32_t, int32_t);
void vw_f32_adaptive_avgpool3d_scalar(int32_t, int32_t, int32_t);
void vw_f32_adaptive_avgpool3d_grad(int32_t, int32_t, int32_t);
void vw_f32_adaptive_avgpool3d_grad_scalar(int32_t, int32_t, int32_t);
void vw_f32_interp_linear(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_interp_linear_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_interp_linear_backward(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_interp_linear_backward_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_interp_nearest(int32_t, int32_t, int32_t, int32_t);
void vw_f32_interp_nearest_scalar(int32_t, int32_t, int32_t, int32_t);
void vw_f32_interp_nearest_backward(int32_t, int32_t, int32_t, int32_t);
void vw_f32_interp_nearest_backward_scalar(int32_t, int32_t, int32_t, int32_t);
void vw_f32_xent(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t);
void vw_f32_xent_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t);
void vw_f32_xent_grad(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t);
void vw_f32_xent_grad_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t);
void vw_f32_bce_logits(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_bce_logits_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_bce_logits_grad(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_bce_logits_grad_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_softmax(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_softmax_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_softmax_grad(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_softmax_grad_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_spectrogram(int32_t);
void vw_f32_spectrogram_scalar(int32_t);
void vw_f32_melspec_apply(int32_t);
void vw_f32_melspec_apply_scalar(int32_t);
void vw_f32_bn_stats(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_bn_stats_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_channel_affine(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_channel_affine_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_bn_grad_reduce(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_bn_grad_reduce_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_bn_grad_apply(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_bn_grad_apply_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_layernorm(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float);
void vw_f32_layernorm_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float);
void vw_f32_layernorm_grad(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_layernorm_grad_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_sgd_step(int32_t, int32_t, int32_t, int32_t, float, float, float, float, int32_t);
void vw_f32_sgd_step_scalar(int32_t, int32_t, int32_t, int32_t, float, float, float, float, int32_t);
void vw_f32_adamw_step(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, float, float, float, float, float, float, float, int32_t);
void vw_f32_adamw_step_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, float, float, float, float, float, float, float, int32_t);
double vw_f32_sumsq(int32_t, int32_t);
double vw_f32_sumsq_scalar(int32_t, int32_t);
float vw_f32_absmax(int32_t, int32_t);
float vw_f32_absmax_scalar(int32_t, int32_t);
void vw_f32_scale_inplace(int32_t, int32_t, float);
void vw_f32_scale_inplace_scalar(int32_t, int32_t, float);
int32_t vw_qs8_gemm_packed_bytes(int32_t, int32_t);
int32_t vw_qs8_gemm_packed_bytes_scalar(int32_t, int32_t);
void vw_qs8_gemm_pack(int32_t, int32_t, int32_t, int32_t);
void vw_qs8_gemm_pack_scalar(int32_t, int32_t, int32_t, int32_t);
void vw_qs8_gemm(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_qs8_gemm_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_qs8_gemm_f32out(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_qs8_gemm_f32out_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_qs8_quantize(int32_t, int32_t, int32_t, float, int32_t);
void vw_qs8_quantize_scalar(int32_t, int32_t, int32_t, float, int32_t);
void vw_qs8_dequantize(int32_t, int32_t, int32_t, float, int32_t);
void vw_qs8_dequantize_scalar(int32_t, int32_t, int32_t, float, int32_t);
void vw_qs8_quantize_channels(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_qs8_quantize_channels_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_qs8_dequantize_channels(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_qs8_dequantize_channels_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_qs8_vol2col(int32_t, int32_t, int32_t, int32_t);
void vw_qs8_vol2col_scalar(int32_t, int32_t, int32_t, int32_t);
void vw_qs8_depthwise3d(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_qs8_depthwise3d_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_qs8_lut(int32_t, int32_t, int32_t, int32_t);
void vw_qs8_lut_scalar(int32_t, int32_t, int32_t, int32_t);
void vw_qs8_add(int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t, float, int32_t, int32_t, int32_t);
void vw_qs8_add_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t, float, int32_t, int32_t, int32_t);
void vw_qs8_global_avgpool(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t);
void vw_qs8_global_avgpool_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t);
void vw_qs8_channel_mul(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t);
void vw_qs8_channel_mul_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t);
void vw_f32_roi_align(int32_t, int32_t, int32_t, int32_t, float);
void vw_f32_roi_align_scalar(int32_t, int32_t, int32_t, int32_t, float);
void vw_f32_roi_align_backward(int32_t, int32_t, int32_t, int32_t, float);
void vw_f32_roi_align_backward_scalar(int32_t, int32_t, int32_t, int32_t, float);
void vw_x32_strided_copy(int32_t, int32_t, int32_t);
void vw_x32_strided_copy_scalar(int32_t, int32_t, int32_t);
void vw_x16_strided_copy(int32_t, int32_t, int32_t);
void vw_x16_strided_copy_scalar(int32_t, int32_t, int32_t);
void vw_x8_strided_copy(int32_t, int32_t, int32_t);
void vw_x8_strided_copy_scalar(int32_t, int32_t, int32_t);
void vw_x32_index_select(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_x32_index_select_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_x16_index_select(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_x16_index_select_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_x8_index_select(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_x8_index_select_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_x32_gather(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_x32_gather_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_scatter_add(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_scatter_add_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_index_add(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_index_add_scalar(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t);
int32_t vw_f32_farneback_scratch_floats(int32_t, int32_t);
int32_t vw_f32_farneback_scratch_floats_scalar(int32_t, int32_t);
void vw_f32_farneback(int32_t, int32_t, int32_t, int32_t, int32_t);
void vw_f32_farneback_scalar(int32_t, int32_t, int32_t, int32_t, int32_t);
int32_t vw_abi_version(void);

typedef struct {
  const char *name, *sig;  // sig: argument types, i = i32 or pointer, f = f32
  const char *access;       // per argument: r = read pointer, w = written pointer, - = a value
  int shape;               // index of the caller in invoke()
  anyfn base, x86, arm, scalar;
} Kernel;

static const Kernel kernels[] = {
  {"f32_binary", "iiiii", "-rrwr", 0, (anyfn)vw_f32_binary, 0, 0, (anyfn)vw_f32_binary_scalar},
  {"f32_binary_const", "iifii", "-r-w-", 1, (anyfn)vw_f32_binary_const, 0, 0, (anyfn)vw_f32_binary_const_scalar},
  {"f32_unary", "iiii", "-rw-", 2, (anyfn)vw_f32_unary, 0, 0, (anyfn)vw_f32_unary_scalar},
  {"f32_unary_grad", "iiiiii", "-rrrw-", 3, (anyfn)vw_f32_unary_grad, 0, 0, (anyfn)vw_f32_unary_grad_scalar},
  {"f32_unary1", "if", "--", 4, 0, 0, 0, (anyfn)vw_f32_unary1_scalar},
  {"f32_unary_grad1", "iff", "---", 5, 0, 0, 0, (anyfn)vw_f32_unary_grad1_scalar},
  {"f32_fill", "iif", "w--", 6, (anyfn)vw_f32_fill, 0, 0, (anyfn)vw_f32_fill_scalar},
  {"f32_reduce_sum", "iiiii", "rw---", 0, (anyfn)vw_f32_reduce_sum, 0, 0, (anyfn)vw_f32_reduce_sum_scalar},
  {"f32_reduce_max", "iiiiii", "rww---", 3, (anyfn)vw_f32_reduce_max, 0, 0, (anyfn)vw_f32_reduce_max_scalar},
  {"x32_permute", "iii", "rwr", 7, (anyfn)vw_x32_permute, 0, 0, 0},
  {"x16_permute", "iii", "rwr", 7, (anyfn)vw_x16_permute, 0, 0, 0},
  {"x8_permute", "iii", "rwr", 7, (anyfn)vw_x8_permute, 0, 0, 0},
  {"x32_expand", "iii", "rwr", 7, (anyfn)vw_x32_expand, 0, 0, 0},
  {"f32_gemm_packed_floats", "ii", "--", 8, (anyfn)vw_f32_gemm_packed_floats, 0, 0, (anyfn)vw_f32_gemm_packed_floats_scalar},
  {"f32_gemm_pack", "iiiiiii", "--r--rw", 9, (anyfn)vw_f32_gemm_pack, 0, 0, (anyfn)vw_f32_gemm_pack_scalar},
  {"f32_gemm", "iiiiiiiiffi", "---r-rw----", 10, (anyfn)vw_f32_gemm, (anyfn)vw_f32_gemm_x86, (anyfn)vw_f32_gemm_arm, (anyfn)vw_f32_gemm_scalar},
  {"f32_matmul", "iiiiiiiiiiif", "-----r-r-w--", 11, (anyfn)vw_f32_matmul, (anyfn)vw_f32_matmul_x86, (anyfn)vw_f32_matmul_arm, (anyfn)vw_f32_matmul_scalar},
  {"f32_conv3d_packed_floats", "i", "r", 12, (anyfn)vw_f32_conv3d_packed_floats, (anyfn)vw_f32_conv3d_packed_floats_x86, (anyfn)vw_f32_conv3d_packed_floats_arm, (anyfn)vw_f32_conv3d_packed_floats_scalar},
  {"f32_conv3d_scratch_floats", "ii", "r-", 8, (anyfn)vw_f32_conv3d_scratch_floats, (anyfn)vw_f32_conv3d_scratch_floats_x86, (anyfn)vw_f32_conv3d_scratch_floats_arm, (anyfn)vw_f32_conv3d_scratch_floats_scalar},
  {"f32_conv3d_pack", "iiiii", "rrrww", 0, (anyfn)vw_f32_conv3d_pack, (anyfn)vw_f32_conv3d_pack_x86, (anyfn)vw_f32_conv3d_pack_arm, (anyfn)vw_f32_conv3d_pack_scalar},
  {"f32_conv3d", "iiiiiiff", "rrrrww--", 13, (anyfn)vw_f32_conv3d, (anyfn)vw_f32_conv3d_x86, (anyfn)vw_f32_conv3d_arm, (anyfn)vw_f32_conv3d_scalar},
  {"f32_conv3d_bwd_data", "iiiii", "rrrww", 0, (anyfn)vw_f32_conv3d_bwd_data, (anyfn)vw_f32_conv3d_bwd_data_x86, (anyfn)vw_f32_conv3d_bwd_data_arm, (anyfn)vw_f32_conv3d_bwd_data_scalar},
  {"f32_conv3d_bwd_weight", "iiiii", "rrrww", 0, (anyfn)vw_f32_conv3d_bwd_weight, (anyfn)vw_f32_conv3d_bwd_weight_x86, (anyfn)vw_f32_conv3d_bwd_weight_arm, (anyfn)vw_f32_conv3d_bwd_weight_scalar},
  {"f32_conv3d_bwd_bias", "iiii", "--rw", 2, (anyfn)vw_f32_conv3d_bwd_bias, (anyfn)vw_f32_conv3d_bwd_bias_x86, (anyfn)vw_f32_conv3d_bwd_bias_arm, (anyfn)vw_f32_conv3d_bwd_bias_scalar},
  {"f32_depthwise3d_pack", "iiii", "rrrw", 2, (anyfn)vw_f32_depthwise3d_pack, 0, 0, (anyfn)vw_f32_depthwise3d_pack_scalar},
  {"f32_depthwise3d", "iiiiff", "rrrw--", 14, (anyfn)vw_f32_depthwise3d, 0, 0, (anyfn)vw_f32_depthwise3d_scalar},
  {"f32_depthwise3d_bwd_data", "iiiii", "rrrww", 0, (anyfn)vw_f32_depthwise3d_bwd_data, 0, 0, (anyfn)vw_f32_depthwise3d_bwd_data_scalar},
  {"f32_depthwise3d_bwd_weight", "iiiii", "rrrww", 0, (anyfn)vw_f32_depthwise3d_bwd_weight, 0, 0, (anyfn)vw_f32_depthwise3d_bwd_weight_scalar},
  {"f32_depthwise3d_bwd_fused", "iiiiiii", "rrrrwww", 9, (anyfn)vw_f32_depthwise3d_bwd_fused, 0, 0, (anyfn)vw_f32_depthwise3d_bwd_fused_scalar},
  {"f32_depthwise3d_expand", "iii", "rrw", 7, (anyfn)vw_f32_depthwise3d_expand, 0, 0, (anyfn)vw_f32_depthwise3d_expand_scalar},
  {"f32_depthwise3d_fold", "iii", "rrw", 7, (anyfn)vw_f32_depthwise3d_fold, 0, 0, (anyfn)vw_f32_depthwise3d_fold_scalar},
  {"f32_maxpool3d", "iiii", "rwwr", 2, (anyfn)vw_f32_maxpool3d, 0, 0, (anyfn)vw_f32_maxpool3d_scalar},
  {"f32_maxpool3d_grad", "iiii", "rrwr", 2, (anyfn)vw_f32_maxpool3d_grad, 0, 0, (anyfn)vw_f32_maxpool3d_grad_scalar},
  {"f32_avgpool3d", "iii", "rwr", 7, (anyfn)vw_f32_avgpool3d, 0, 0, (anyfn)vw_f32_avgpool3d_scalar},
  {"f32_avgpool3d_grad", "iii", "rwr", 7, (anyfn)vw_f32_avgpool3d_grad, 0, 0, (anyfn)vw_f32_avgpool3d_grad_scalar},
  {"f32_adaptive_avgpool3d", "iii", "rwr", 7, (anyfn)vw_f32_adaptive_avgpool3d, 0, 0, (anyfn)vw_f32_adaptive_avgpool3d_scalar},
  {"f32_adaptive_avgpool3d_grad", "iii", "rwr", 7, (anyfn)vw_f32_adaptive_avgpool3d_grad, 0, 0, (anyfn)vw_f32_adaptive_avgpool3d_grad_scalar},
  {"f32_interp_linear", "iiiii", "rwrrr", 0, (anyfn)vw_f32_interp_linear, 0, 0, (anyfn)vw_f32_interp_linear_scalar},
  {"f32_interp_linear_backward", "iiiii", "rwrrr", 0, (anyfn)vw_f32_interp_linear_backward, 0, 0, (anyfn)vw_f32_interp_linear_backward_scalar},
  {"f32_interp_nearest", "iiii", "rwrr", 2, (anyfn)vw_f32_interp_nearest, 0, 0, (anyfn)vw_f32_interp_nearest_scalar},
  {"f32_interp_nearest_backward", "iiii", "rwrr", 2, (anyfn)vw_f32_interp_nearest_backward, 0, 0, (anyfn)vw_f32_interp_nearest_backward_scalar},
  {"f32_xent", "iiiiiiiifi", "rrrrww----", 15, (anyfn)vw_f32_xent, 0, 0, (anyfn)vw_f32_xent_scalar},
  {"f32_xent_grad", "iiiiiiiiifi", "rrrrrrw----", 16, (anyfn)vw_f32_xent_grad, 0, 0, (anyfn)vw_f32_xent_grad_scalar},
  {"f32_bce_logits", "iiiii", "rrrw-", 0, (anyfn)vw_f32_bce_logits, 0, 0, (anyfn)vw_f32_bce_logits_scalar},
  {"f32_bce_logits_grad", "iiiiiii", "rrrrww-", 9, (anyfn)vw_f32_bce_logits_grad, 0, 0, (anyfn)vw_f32_bce_logits_grad_scalar},
  {"f32_softmax", "iiiiii", "rw----", 3, (anyfn)vw_f32_softmax, 0, 0, (anyfn)vw_f32_softmax_scalar},
  {"f32_softmax_grad", "iiiiiii", "rrw----", 9, (anyfn)vw_f32_softmax_grad, 0, 0, (anyfn)vw_f32_softmax_grad_scalar},
  {"f32_spectrogram", "i", "r", 17, (anyfn)vw_f32_spectrogram, 0, 0, (anyfn)vw_f32_spectrogram_scalar},
  {"f32_melspec_apply", "i", "r", 17, (anyfn)vw_f32_melspec_apply, 0, 0, (anyfn)vw_f32_melspec_apply_scalar},
  {"f32_bn_stats", "iiiiii", "rwww--", 3, (anyfn)vw_f32_bn_stats, 0, 0, (anyfn)vw_f32_bn_stats_scalar},
  {"f32_channel_affine", "iiiiii", "rwrr--", 3, (anyfn)vw_f32_channel_affine, 0, 0, (anyfn)vw_f32_channel_affine_scalar},
  {"f32_bn_grad_reduce", "iiiiiiii", "rrrwww--", 18, (anyfn)vw_f32_bn_grad_reduce, 0, 0, (anyfn)vw_f32_bn_grad_reduce_scalar},
  {"f32_bn_grad_apply", "iiiiiiii", "rrwrrr--", 18, (anyfn)vw_f32_bn_grad_apply, 0, 0, (anyfn)vw_f32_bn_grad_apply_scalar},
  {"f32_layernorm", "iiiiiiiif", "rwrrww---", 19, (anyfn)vw_f32_layernorm, 0, 0, (anyfn)vw_f32_layernorm_scalar},
  {"f32_layernorm_grad", "iiiiiiiiii", "rrrrrwww--", 20, (anyfn)vw_f32_layernorm_grad, 0, 0, (anyfn)vw_f32_layernorm_grad_scalar},
  {"f32_sgd_step", "iiiiffffi", "wrw------", 21, (anyfn)vw_f32_sgd_step, 0, 0, (anyfn)vw_f32_sgd_step_scalar},
  {"f32_adamw_step", "iiiiiiffffffffi", "wrwww----------", 22, (anyfn)vw_f32_adamw_step, 0, 0, (anyfn)vw_f32_adamw_step_scalar},
  {"f32_sumsq", "ii", "r-", 23, (anyfn)vw_f32_sumsq, 0, 0, (anyfn)vw_f32_sumsq_scalar},
  {"f32_absmax", "ii", "r-", 24, (anyfn)vw_f32_absmax, 0, 0, (anyfn)vw_f32_absmax_scalar},
  {"f32_scale_inplace", "iif", "w--", 6, (anyfn)vw_f32_scale_inplace, 0, 0, (anyfn)vw_f32_scale_inplace_scalar},
  {"qs8_gemm_packed_bytes", "ii", "--", 8, (anyfn)vw_qs8_gemm_packed_bytes, 0, 0, (anyfn)vw_qs8_gemm_packed_bytes_scalar},
  {"qs8_gemm_pack", "iiii", "rrrw", 2, (anyfn)vw_qs8_gemm_pack, 0, 0, (anyfn)vw_qs8_gemm_pack_scalar},
  {"qs8_gemm", "iiiii", "rrrrw", 0, (anyfn)vw_qs8_gemm, 0, 0, (anyfn)vw_qs8_gemm_scalar},
  {"qs8_gemm_f32out", "iiiii", "rrrrw", 0, (anyfn)vw_qs8_gemm_f32out, 0, 0, (anyfn)vw_qs8_gemm_f32out_scalar},
  {"qs8_quantize", "iiifi", "rw---", 25, (anyfn)vw_qs8_quantize, 0, 0, (anyfn)vw_qs8_quantize_scalar},
  {"qs8_dequantize", "iiifi", "rw---", 25, (anyfn)vw_qs8_dequantize, 0, 0, (anyfn)vw_qs8_dequantize_scalar},
  {"qs8_quantize_channels", "iiiii", "rrrrw", 0, (anyfn)vw_qs8_quantize_channels, 0, 0, (anyfn)vw_qs8_quantize_channels_scalar},
  {"qs8_dequantize_channels", "iiiii", "rrrrw", 0, (anyfn)vw_qs8_dequantize_channels, 0, 0, (anyfn)vw_qs8_dequantize_channels_scalar},
  {"qs8_vol2col", "iiii", "rrw-", 2, (anyfn)vw_qs8_vol2col, 0, 0, (anyfn)vw_qs8_vol2col_scalar},
  {"qs8_depthwise3d", "iiiiiii", "rrrrrrw", 9, (anyfn)vw_qs8_depthwise3d, 0, 0, (anyfn)vw_qs8_depthwise3d_scalar},
  {"qs8_lut", "iiii", "rw-r", 2, (anyfn)vw_qs8_lut, 0, 0, (anyfn)vw_qs8_lut_scalar},
  {"qs8_add", "iiiiififiii", "rrw--------", 26, (anyfn)vw_qs8_add, 0, 0, (anyfn)vw_qs8_add_scalar},
  {"qs8_global_avgpool", "iiiiiifi", "rw------", 27, (anyfn)vw_qs8_global_avgpool, 0, 0, (anyfn)vw_qs8_global_avgpool_scalar},
  {"qs8_channel_mul", "iiiiiiifi", "rrw------", 28, (anyfn)vw_qs8_channel_mul, 0, 0, (anyfn)vw_qs8_channel_mul_scalar},
  {"f32_roi_align", "iiiif", "rrwr-", 29, (anyfn)vw_f32_roi_align, 0, 0, (anyfn)vw_f32_roi_align_scalar},
  {"f32_roi_align_backward", "iiiif", "rrwr-", 29, (anyfn)vw_f32_roi_align_backward, 0, 0, (anyfn)vw_f32_roi_align_backward_scalar},
  {"x32_strided_copy", "iii", "rwr", 7, (anyfn)vw_x32_strided_copy, 0, 0, (anyfn)vw_x32_strided_copy_scalar},
  {"x16_strided_copy", "iii", "rwr", 7, (anyfn)vw_x16_strided_copy, 0, 0, (anyfn)vw_x16_strided_copy_scalar},
  {"x8_strided_copy", "iii", "rwr", 7, (anyfn)vw_x8_strided_copy, 0, 0, (anyfn)vw_x8_strided_copy_scalar},
  {"x32_index_select", "iiiiiii", "rwr----", 9, (anyfn)vw_x32_index_select, 0, 0, (anyfn)vw_x32_index_select_scalar},
  {"x16_index_select", "iiiiiii", "rwr----", 9, (anyfn)vw_x16_index_select, 0, 0, (anyfn)vw_x16_index_select_scalar},
  {"x8_index_select", "iiiiiii", "rwr----", 9, (anyfn)vw_x8_index_select, 0, 0, (anyfn)vw_x8_index_select_scalar},
  {"x32_gather", "iiiiiii", "rwr----", 9, (anyfn)vw_x32_gather, 0, 0, (anyfn)vw_x32_gather_scalar},
  {"f32_scatter_add", "iiiiiii", "rwr----", 9, (anyfn)vw_f32_scatter_add, 0, 0, (anyfn)vw_f32_scatter_add_scalar},
  {"f32_index_add", "iiiiiii", "rwr----", 9, (anyfn)vw_f32_index_add, 0, 0, (anyfn)vw_f32_index_add_scalar},
  {"f32_farneback_scratch_floats", "ii", "rr", 8, (anyfn)vw_f32_farneback_scratch_floats, 0, 0, (anyfn)vw_f32_farneback_scratch_floats_scalar},
  {"f32_farneback", "iiiii", "rwwrr", 0, (anyfn)vw_f32_farneback, 0, 0, (anyfn)vw_f32_farneback_scalar},
  {"abi_version", "", "", 30, (anyfn)vw_abi_version, 0, 0, 0},
};
#define NKERNELS (sizeof kernels / sizeof kernels[0])

static float vw_bits_f(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}

// Calls fn with the arguments a[] (i32 values or f32 bit patterns); a result is dropped.
static void invoke(int shape, anyfn fn, const uint32_t *a) {
  switch (shape) {
    case 0: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4]); break;
    case 1: ((void (*)(int32_t, int32_t, float, int32_t, int32_t))fn)((int32_t)a[0], (int32_t)a[1], vw_bits_f(a[2]), (int32_t)a[3], (int32_t)a[4]); break;
    case 2: ((void (*)(int32_t, int32_t, int32_t, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3]); break;
    case 3: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], (int32_t)a[5]); break;
    case 4: ((float (*)(int32_t, float))fn)((int32_t)a[0], vw_bits_f(a[1])); break;
    case 5: ((float (*)(int32_t, float, float))fn)((int32_t)a[0], vw_bits_f(a[1]), vw_bits_f(a[2])); break;
    case 6: ((void (*)(int32_t, int32_t, float))fn)((int32_t)a[0], (int32_t)a[1], vw_bits_f(a[2])); break;
    case 7: ((void (*)(int32_t, int32_t, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2]); break;
    case 8: ((int32_t (*)(int32_t, int32_t))fn)((int32_t)a[0], (int32_t)a[1]); break;
    case 9: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], (int32_t)a[5], (int32_t)a[6]); break;
    case 10: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, float, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], (int32_t)a[5], (int32_t)a[6], (int32_t)a[7], vw_bits_f(a[8]), vw_bits_f(a[9]), (int32_t)a[10]); break;
    case 11: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], (int32_t)a[5], (int32_t)a[6], (int32_t)a[7], (int32_t)a[8], (int32_t)a[9], (int32_t)a[10], vw_bits_f(a[11])); break;
    case 12: ((int32_t (*)(int32_t))fn)((int32_t)a[0]); break;
    case 13: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, float))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], (int32_t)a[5], vw_bits_f(a[6]), vw_bits_f(a[7])); break;
    case 14: ((void (*)(int32_t, int32_t, int32_t, int32_t, float, float))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], vw_bits_f(a[4]), vw_bits_f(a[5])); break;
    case 15: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], (int32_t)a[5], (int32_t)a[6], (int32_t)a[7], vw_bits_f(a[8]), (int32_t)a[9]); break;
    case 16: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], (int32_t)a[5], (int32_t)a[6], (int32_t)a[7], (int32_t)a[8], vw_bits_f(a[9]), (int32_t)a[10]); break;
    case 17: ((void (*)(int32_t))fn)((int32_t)a[0]); break;
    case 18: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], (int32_t)a[5], (int32_t)a[6], (int32_t)a[7]); break;
    case 19: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], (int32_t)a[5], (int32_t)a[6], (int32_t)a[7], vw_bits_f(a[8])); break;
    case 20: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], (int32_t)a[5], (int32_t)a[6], (int32_t)a[7], (int32_t)a[8], (int32_t)a[9]); break;
    case 21: ((void (*)(int32_t, int32_t, int32_t, int32_t, float, float, float, float, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], vw_bits_f(a[4]), vw_bits_f(a[5]), vw_bits_f(a[6]), vw_bits_f(a[7]), (int32_t)a[8]); break;
    case 22: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, float, float, float, float, float, float, float, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], (int32_t)a[5], vw_bits_f(a[6]), vw_bits_f(a[7]), vw_bits_f(a[8]), vw_bits_f(a[9]), vw_bits_f(a[10]), vw_bits_f(a[11]), vw_bits_f(a[12]), vw_bits_f(a[13]), (int32_t)a[14]); break;
    case 23: ((double (*)(int32_t, int32_t))fn)((int32_t)a[0], (int32_t)a[1]); break;
    case 24: ((float (*)(int32_t, int32_t))fn)((int32_t)a[0], (int32_t)a[1]); break;
    case 25: ((void (*)(int32_t, int32_t, int32_t, float, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], vw_bits_f(a[3]), (int32_t)a[4]); break;
    case 26: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t, float, int32_t, int32_t, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], vw_bits_f(a[5]), (int32_t)a[6], vw_bits_f(a[7]), (int32_t)a[8], (int32_t)a[9], (int32_t)a[10]); break;
    case 27: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], (int32_t)a[5], vw_bits_f(a[6]), (int32_t)a[7]); break;
    case 28: ((void (*)(int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, int32_t, float, int32_t))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], (int32_t)a[4], (int32_t)a[5], (int32_t)a[6], vw_bits_f(a[7]), (int32_t)a[8]); break;
    case 29: ((void (*)(int32_t, int32_t, int32_t, int32_t, float))fn)((int32_t)a[0], (int32_t)a[1], (int32_t)a[2], (int32_t)a[3], vw_bits_f(a[4])); break;
    case 30: ((int32_t (*)(void))fn)(); break;
  }
}
