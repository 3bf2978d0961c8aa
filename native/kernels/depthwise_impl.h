// Depthwise conv3d (groups == Cin == Cout) on channels-last tensors, written once for the SIMD
// file (depthwise.c) and its scalar twin (depthwise_scalar.c). For each output position the
// loop nest lists the taps that land inside the input (x offset, weight offset), then a per-file
// body runs over the channels: vectorised over C in depthwise.c, one channel at a time in the
// twin. The includer defines VW_DW_NAME(x) and the three bodies dw_fwd_pos, dw_bwd_data_pos,
// dw_bwd_weight_pos.
//
// Packed weights: [C] bias (zeros when none) then [KK][C] taps, so every tap is a contiguous
// vector over channels. Parameter block: conv.h (Cin == Cout == groups).
#include "conv.h"

// Largest kernel volume the direct kernel takes (the TS op sends bigger ones to the GEMM path).
#define VW_DW_MAX_TAPS 4096

// Lists the taps of output position (n, to, ho, wo): x offsets (floats) and tap indices.
static inline int dw_taps(const vw_conv_geo *g, int n, int to, int ho, int wo, size_t *xo, int *tap) {
  const int ti0 = to * g->st - g->pt, hi0 = ho * g->sh - g->ph, wi0 = wo * g->sw - g->pw;
  int a0, a1, b0, b1, c0, c1, nt = 0;
  vw_conv_tap_range(ti0, g->dt, g->kt, g->T, &a0, &a1);
  vw_conv_tap_range(hi0, g->dh, g->kh, g->H, &b0, &b1);
  vw_conv_tap_range(wi0, g->dw, g->kw, g->W, &c0, &c1);
  for (int a = a0; a < a1; a++)
    for (int b = b0; b < b1; b++) {
      const size_t row = (((size_t)n * g->T + ti0 + a * g->dt) * g->H + hi0 + b * g->dh) * g->W;
      for (int c = c0; c < c1; c++) {
        xo[nt] = (row + wi0 + c * g->dw) * g->Cin;
        tap[nt++] = (a * g->kh + b) * g->kw + c;
      }
    }
  return nt;
}

#define DW_FOR_EACH_POSITION(g, body)                                                   \
  do {                                                                                  \
    size_t xo[VW_DW_MAX_TAPS];                                                          \
    int tap[VW_DW_MAX_TAPS];                                                            \
    size_t pos = 0;                                                                     \
    for (int n = 0; n < (g).N; n++)                                                     \
      for (int to = 0; to < (g).To; to++)                                               \
        for (int ho = 0; ho < (g).Ho; ho++)                                             \
          for (int wo = 0; wo < (g).Wo; wo++, pos++) {                                  \
            const int nt = dw_taps(&(g), n, to, ho, wo, xo, tap);                       \
            body;                                                                       \
          }                                                                             \
  } while (0)

// w [C][1][kt][kh][kw] (PyTorch) and bias [C] (or NULL) -> packed [C] bias + [KK][C].
VW_EXPORT void VW_DW_NAME(depthwise3d_pack)(const int32_t *p, const float *w, const float *bias, float *packed) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const int C = g.Cout;
  for (int c = 0; c < C; c++) packed[c] = bias ? bias[c] : 0.0f;
  for (int t = 0; t < g.KK; t++)
    for (int c = 0; c < C; c++) packed[C + (size_t)t * C + c] = w[(size_t)c * g.KK + t];
}

// y = depthwise(x) + bias, clamped to [minv, maxv].
VW_EXPORT void VW_DW_NAME(depthwise3d)(const int32_t *p, const float *x, const float *packed, float *y, float minv, float maxv) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const int C = g.Cout;
  DW_FOR_EACH_POSITION(g, dw_fwd_pos(C, y + pos * C, packed, x, xo, tap, nt, packed + C, minv, maxv));
}

// gx = dL/dx (overwritten): each output position scatters gy * w into the inputs it read.
VW_EXPORT void VW_DW_NAME(depthwise3d_bwd_data)(const int32_t *p, const float *gy, const float *packed, float *gx) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const int C = g.Cout;
  memset(gx, 0, sizeof(float) * (size_t)g.N * g.T * g.H * g.W * C);
  DW_FOR_EACH_POSITION(g, dw_bwd_data_pos(C, gy + pos * C, gx, xo, tap, nt, packed + C));
}

// gw = dL/dw in PyTorch layout [C][1][kt][kh][kw] (overwritten); scratch holds KK*C floats.
VW_EXPORT void VW_DW_NAME(depthwise3d_bwd_weight)(const int32_t *p, const float *x, const float *gy, float *gw, float *scratch) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const int C = g.Cout;
  memset(scratch, 0, sizeof(float) * (size_t)g.KK * C);
  DW_FOR_EACH_POSITION(g, dw_bwd_weight_pos(C, gy + pos * C, x, xo, tap, nt, scratch));
  for (int c = 0; c < C; c++)
    for (int t = 0; t < g.KK; t++) gw[(size_t)c * g.KK + t] = scratch[(size_t)t * C + c];
}
