// conv3d on channels-last (NDHWC) tensors: the parameter block and the lowering modes shared by
// conv.c / conv_scalar.c (GEMM lowerings), depthwise.c / depthwise_scalar.c (direct kernel) and
// ts/runtime/ops/conv.ts, which validates shapes, picks the mode (chooseMode) and fills the block.
//
// Layouts: x is [N][T][H][W][Cin], y is [N][To][Ho][Wo][Cout] (channels-last storage of
// PyTorch's [N, C, T, H, W]); weights arrive in PyTorch's layout [Cout][Cin/groups][kt][kh][kw].
// Padding: pt/ph/pw are the padding *before* each dim; the padding after is implied by
// To/Ho/Wo (so asymmetric 'same' padding needs nothing extra here).
#ifndef VW_CONV_H
#define VW_CONV_H
#include "vw.h"

// The parameter block (VW_CP_*), the modes (VW_CONV_GENERAL ...) and the scratch requests
// (VW_CONV_SCRATCH_*) are declared in kernels.def. How a conv is lowered (chosen by the TS op;
// every mode is correct for the shapes it accepts, GENERAL for all of them):
//  GENERAL   : implicit GEMM: the packed GEMM gathers its A blocks (vol2col rows: tap-major,
//              channel-minor) straight from x, one cache block at a time; the backward passes
//              use vol2col / col2vol tiles of output positions
//  POINTWISE : 1x1x1 kernel, stride 1, no padding -> one GEMM over [N*T*H*W, Cin] per group
//  TEMPORAL  : (kt,1,1) kernel, spatial stride 1, no spatial padding -> kt shifted GEMMs per frame
//  DEPTHWISE : groups == Cin, Cout = m*Cin -> direct kernel vectorised over channels (depthwise*.c)

// Budget of the backward's vol2col tile (floats, 384 KiB): most of the 512 KiB L2. Measured (CPU time) on
// X3D/R50 shapes: 12K-48K floats were up to 1.6x slower in grad weight (its GEMM runs over the tile
// rows, so short tiles mean many small GEMMs) and no faster elsewhere.
#define VW_CONV_TILE_FLOATS (96 * 1024)

// Decoded parameter block.
typedef struct {
  int N, Cin, T, H, W, Cout, kt, kh, kw, st, sh, sw, pt, ph, pw, dt, dh, dw, G, To, Ho, Wo, mode;
  int Cg, Coutg, KK, K;  // channels per group in / out, taps, GEMM depth KK*Cg
  int M;                 // output positions N*To*Ho*Wo
} vw_conv_geo;

static inline vw_conv_geo vw_conv_geo_of(const int32_t *p) {
  vw_conv_geo g;
  g.N = p[VW_CP_N]; g.Cin = p[VW_CP_CIN]; g.T = p[VW_CP_T]; g.H = p[VW_CP_H]; g.W = p[VW_CP_W];
  g.Cout = p[VW_CP_COUT]; g.kt = p[VW_CP_KT]; g.kh = p[VW_CP_KH]; g.kw = p[VW_CP_KW];
  g.st = p[VW_CP_ST]; g.sh = p[VW_CP_SH]; g.sw = p[VW_CP_SW];
  g.pt = p[VW_CP_PT]; g.ph = p[VW_CP_PH]; g.pw = p[VW_CP_PW];
  g.dt = p[VW_CP_DT]; g.dh = p[VW_CP_DH]; g.dw = p[VW_CP_DW];
  g.G = p[VW_CP_GROUPS]; g.To = p[VW_CP_TO]; g.Ho = p[VW_CP_HO]; g.Wo = p[VW_CP_WO]; g.mode = p[VW_CP_MODE];
  g.Cg = g.Cin / g.G; g.Coutg = g.Cout / g.G;
  g.KK = g.kt * g.kh * g.kw; g.K = g.KK * g.Cg;
  g.M = g.N * g.To * g.Ho * g.Wo;
  return g;
}

// Rows of output positions per vol2col tile.
static inline int vw_conv_tile_rows(const vw_conv_geo *g) {
  int rows = VW_CONV_TILE_FLOATS / (g->K > 0 ? g->K : 1);
  if (rows < 16) rows = 16;  // below this the GEMM's row tiles starve
  return rows < g->M ? rows : g->M;
}

// Valid range [*lo, *hi) of kernel taps i with 0 <= base + i*d < n.
static inline void vw_conv_tap_range(int base, int d, int k, int n, int *lo, int *hi) {
  int a = 0, b = k;
  while (a < b && base + a * d < 0) a++;
  while (b > a && base + (b - 1) * d >= n) b--;
  *lo = a; *hi = b;
}

#endif
