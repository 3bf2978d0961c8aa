// Op codes shared by the elementwise kernels and ts/runtime/ops/elementwise.ts.
#ifndef VW_ELEMENTWISE_H
#define VW_ELEMENTWISE_H
enum { VW_ADD = 0, VW_SUB, VW_MUL, VW_DIV, VW_MAX, VW_MIN, VW_RSUB, VW_RDIV };
enum {
  VW_RELU = 0, VW_SIGMOID, VW_TANH, VW_EXP, VW_LOG, VW_SQRT, VW_NEG, VW_ABS, VW_GELU, VW_SILU, VW_SQUARE,
  VW_RSQRT, VW_RECIPROCAL, VW_GELU_TANH, VW_UNARY_COUNT
};
// Binary broadcast parameter block: [ndim, shape[ndim], stride_a[ndim], stride_b[ndim]],
// dims in output storage order (innermost last), element strides (0 = broadcast).
#define VW_MAX_DIMS 8
#endif
