// Pooling parameter block shared by pool.c, pool_scalar.c and ts/runtime/ops/pool.ts.
// Tensors are channels-last: x [N, T, H, W, C], y / argmax [N, OT, OH, OW, C].
#ifndef VW_POOL_H
#define VW_POOL_H
#include "vw.h"
enum {
  P_N, P_C, P_T, P_H, P_W, P_OT, P_OH, P_OW,  // sizes
  P_KT, P_KH, P_KW, P_ST, P_SH, P_SW,         // kernel, stride
  P_PT, P_PH, P_PW, P_DT, P_DH, P_DW,         // padding, dilation (max pool only)
  P_INCLUDE_PAD, P_DIVISOR,                   // avg pool: count_include_pad, divisor_override (0 = none)
  P_COUNT
};

// Window of output o along one axis of avg pooling, PyTorch's rule: the divisor with padding
// counts the window clipped to [-pad, in + pad), the sum only the part inside [0, in).
static inline void vw_avg_window(int o, int k, int s, int pad, int in, int *lo, int *hi, int *padded) {
  int a = o * s - pad, b = a + k;
  if (b > in + pad) b = in + pad;
  *padded = b - a;
  *lo = a < 0 ? 0 : a;
  *hi = b > in ? in : b;
}
// Adaptive pooling window: [floor(o * in / out), ceil((o + 1) * in / out)).
static inline void vw_adaptive_window(int o, int out, int in, int *lo, int *hi) {
  *lo = (int)(((int64_t)o * in) / out);
  *hi = (int)((((int64_t)o + 1) * in + out - 1) / out);
}
// Avg-pool divisor of one output position.
static inline int vw_avg_divisor(const int32_t *p, int pt, int ph, int pw, int t0, int t1, int h0, int h1, int w0, int w1) {
  if (p[P_DIVISOR] > 0) return p[P_DIVISOR];
  return p[P_INCLUDE_PAD] ? pt * ph * pw : (t1 - t0) * (h1 - h0) * (w1 - w0);
}
#endif
