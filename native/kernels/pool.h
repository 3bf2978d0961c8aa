// Pooling helpers shared by pool.c and pool_scalar.c (the block is filled by ts/runtime/ops/pool.ts).
// Tensors are channels-last: x [N, T, H, W, C], y / argmax [N, OT, OH, OW, C].
#ifndef VW_POOL_HELPERS_H
#define VW_POOL_HELPERS_H
#include "vw.h"
// The block's offsets (VW_POOL_N ... VW_POOL_DIVISOR) are declared in kernels.def:
// sizes N C T H W OT OH OW, kernel KT KH KW, stride, padding, dilation (max pool only), then
// INCLUDE_PAD (avg pool: count_include_pad) and DIVISOR (divisor_override, 0 = none).

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
  if (p[VW_POOL_DIVISOR] > 0) return p[VW_POOL_DIVISOR];
  return p[VW_POOL_INCLUDE_PAD] ? pt * ph * pw : (t1 - t0) * (h1 - h0) * (w1 - w0);
}
#endif
