// The conv3d GEMM lowerings, written once and instantiated twice: conv.c binds them to the SIMD
// GEMM (vw_f32_gemm / vw_f32_matmul) and SIMD copy/add helpers, conv_scalar.c to the scalar GEMM
// twins and plain loops. The includer defines:
//   VW_CONV_NAME(x)   exported name of kernel x (vw_f32_x or vw_f32_x_scalar)
//   VW_CONV_GEMM, VW_CONV_GEMM_GATHER, VW_CONV_PACK, VW_CONV_PF, VW_CONV_MATMUL   the GEMM entry points (gemm.h)
//   conv_copy(dst, src, n), conv_zero(dst, n), conv_add(dst, src, n) (dst += src): inline, because
//   the gather moves a few floats per tap and a libc memcpy/memset call per tap costs more than that
// See conv.h for the parameter block, the layouts and the modes. Weights are packed per call
// (vw_f32_conv3d_pack) by the TS op; the cost is O(Cout*K), 1/M of the conv.
// conv.c includes this file once per GEMM flavour (generic, _x86, _arm); the static helpers
// below are defined on the first inclusion only.
#include "conv.h"

#ifndef VW_CONV_IMPL_HELPERS
#define VW_CONV_IMPL_HELPERS
#define VW_CONV_INF __builtin_inff()

// ---- vol2col / col2vol ------------------------------------------------------------------------
// Column row of output position m: for each tap (a,b,c) in tap-major order, the Cg channels of
// group gi at the input position the tap reads (zeros where the tap falls in the padding).
// Channels-last makes every tap a contiguous run of Cg floats, and when the group is all the
// channels and dw == 1, the kw taps of one (a,b) row are one contiguous run of kw*Cin floats.

typedef struct { const vw_conv_geo *g; const float *x; int gi; float *buf; } conv_gather_ctx;

// Columns [k0, k0+kc) of the column rows [m0, m0+mc) of group gi, row-major with row stride kc,
// into ctx->buf: the GEMM's gather (vw_f32_gemm_gather packs A one cache block at a time, so the
// column matrix is never materialised), and with k0 = 0, kc = K a vol2col tile.
static const float *conv_gather(void *vctx, int m0, int mc, int k0, int kc) {
  const conv_gather_ctx *cx = (const conv_gather_ctx *)vctx;
  const vw_conv_geo *g = cx->g;
  const int Cg = g->Cg, kwc = g->kw * Cg, k1 = k0 + kc;
  const int adjacent = Cg == g->Cin && g->dw == 1;
  const float *xg = cx->x + (size_t)cx->gi * Cg;
  int wo = m0 % g->Wo, r = m0 / g->Wo;
  int ho = r % g->Ho; r /= g->Ho;
  int to = r % g->To, n = r / g->To;
  for (int i = 0; i < mc; i++) {
    float *dst = cx->buf + (size_t)i * kc;  // column k of the row at dst[k - k0]
    const int ti0 = to * g->st - g->pt, hi0 = ho * g->sh - g->ph, wi0 = wo * g->sw - g->pw;
    const int inside = adjacent && wi0 >= 0 && wi0 + g->kw - 1 < g->W;  // all kw taps in the input
    for (int k = k0; k < k1;) {
      const int ab = k / kwc, within = k - ab * kwc;  // (a, b) tap row of k, offset in it
      const int ti = ti0 + ab / g->kh * g->dt, hi = hi0 + ab % g->kh * g->dh;
      const int rowEnd = VW_MIN(k1, k - within + kwc);
      if (ti < 0 || ti >= g->T || hi < 0 || hi >= g->H) { conv_zero(dst + (k - k0), rowEnd - k); k = rowEnd; continue; }
      const float *xr = xg + (((size_t)n * g->T + ti) * g->H + hi) * g->W * g->Cin;
      if (inside) { conv_copy(dst + (k - k0), xr + (size_t)wi0 * g->Cin + within, rowEnd - k); k = rowEnd; continue; }
      const int c = within / Cg, ch = within - c * Cg, end = VW_MIN(rowEnd, k + Cg - ch);
      const int wi = wi0 + c * g->dw;
      if (wi < 0 || wi >= g->W) conv_zero(dst + (k - k0), end - k);
      else conv_copy(dst + (k - k0), xr + (size_t)wi * g->Cin + ch, end - k);
      k = end;
    }
    if (++wo == g->Wo) { wo = 0; if (++ho == g->Ho) { ho = 0; if (++to == g->To) { to = 0; n++; } } }
  }
  return cx->buf;
}

// The adjoint of conv_gather over whole rows (k0 = 0, kc = K): adds each column row back into
// gx (which the caller zeroed).
static void conv_col2vol(const vw_conv_geo *g, const float *col, int gi, int m0, int mt, float *gx) {
  const int Cg = g->Cg, K = g->K, kwc = g->kw * Cg;
  const int adjacent = Cg == g->Cin && g->dw == 1;
  for (int m = m0; m < m0 + mt;) {
    int wo = m % g->Wo, r = m / g->Wo;
    const int ho = r % g->Ho; r /= g->Ho;
    const int to = r % g->To, n = r / g->To;
    const int run = VW_MIN(g->Wo - wo, m0 + mt - m);
    const float *row0 = col + (size_t)(m - m0) * K;
    const int ti0 = to * g->st - g->pt, hi0 = ho * g->sh - g->ph;
    int a0, a1, b0, b1;
    vw_conv_tap_range(ti0, g->dt, g->kt, g->T, &a0, &a1);
    vw_conv_tap_range(hi0, g->dh, g->kh, g->H, &b0, &b1);
    int wlo = wo, whi = wo + run;  // positions whose kw taps are all inside
    while (wlo < whi && wlo * g->sw - g->pw < 0) wlo++;
    while (whi > wlo && (whi - 1) * g->sw - g->pw + (g->kw - 1) * g->dw >= g->W) whi--;
    for (int a = a0; a < a1; a++) {
      for (int b = b0; b < b1; b++) {
        float *xr = gx + (((size_t)n * g->T + ti0 + a * g->dt) * g->H + hi0 + b * g->dh) * g->W * g->Cin + (size_t)gi * Cg;
        const float *rb = row0 + ((size_t)a * g->kh + b) * kwc;
        for (int i = 0; i < run; i++, rb += K) {
          const int w = wo + i, wi0 = w * g->sw - g->pw;
          if (adjacent && w >= wlo && w < whi) { conv_add(xr + (size_t)wi0 * g->Cin, rb, kwc); continue; }
          int c0, c1;
          vw_conv_tap_range(wi0, g->dw, g->kw, g->W, &c0, &c1);
          if (adjacent) {  // adjacent pixels: one add over the valid taps
            if (c1 > c0) conv_add(xr + (size_t)(wi0 + c0) * g->Cin, rb + (size_t)c0 * Cg, (c1 - c0) * Cg);
            continue;
          }
          for (int c = c0; c < c1; c++) conv_add(xr + (size_t)(wi0 + c * g->dw) * g->Cin, rb + (size_t)c * Cg, Cg);
        }
      }
    }
    m += run;
  }
}

#endif  // VW_CONV_IMPL_HELPERS

// ---- sizes -----------------------------------------------------------------------------------

// Floats of the packed forward weights (all groups; per tap too in TEMPORAL mode).
VW_EXPORT int VW_CONV_NAME(conv3d_packed_floats)(const int32_t *p) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  if (g.mode == VW_CONV_TEMPORAL) return g.G * g.kt * VW_CONV_PF(g.Cg, g.Coutg);
  return g.G * VW_CONV_PF(g.K, g.Coutg);
}

// Floats of scratch memory a kernel needs (`which` from conv.h's VW_CONV_SCRATCH_*).
VW_EXPORT int VW_CONV_NAME(conv3d_scratch_floats)(const int32_t *p, int which) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const int tile = g.mode == VW_CONV_GENERAL ? vw_conv_tile_rows(&g) * g.K : 0;
  switch (which) {
    case VW_CONV_SCRATCH_PACK: return 0;
    case VW_CONV_SCRATCH_FWD: return g.mode == VW_CONV_GENERAL ? VW_GEMM_GATHER_FLOATS : 0;
    case VW_CONV_SCRATCH_BWD_DATA:
      // transposed packed weights (+ the reorder buffer and a dcol tile in GENERAL mode)
      if (g.mode == VW_CONV_TEMPORAL) return g.G * g.kt * VW_CONV_PF(g.Coutg, g.Cg);
      if (g.mode == VW_CONV_POINTWISE) return VW_CONV_PF(g.Coutg, g.Cg);
      return VW_CONV_PF(g.Coutg, g.K) + g.Coutg * g.K + tile;
    default:  // BWD_WEIGHT: the [G][Coutg][K] accumulator (+ a column tile in GENERAL mode)
      return g.G * g.Coutg * g.K + tile;
  }
}

// ---- forward ---------------------------------------------------------------------------------

// Packs PyTorch weights w [Cout][Cg][kt][kh][kw] (and bias, may be NULL) for the forward GEMMs:
// per group the matrix B[k][o] with k = tap*Cg + c (the column order of conv_gather).
VW_EXPORT void VW_CONV_NAME(conv3d_pack)(const int32_t *p, const float *w, const float *bias, float *packed, float *scratch) {
  (void)scratch;  // (unused: kept so that callers and compiled plans need not change)
  const vw_conv_geo g = vw_conv_geo_of(p);
  for (int gi = 0; gi < g.G; gi++) {
    const float *wg = w + (size_t)gi * g.Coutg * g.K;
    const float *bg = bias ? bias + (size_t)gi * g.Coutg : NULL;
    if (g.mode == VW_CONV_TEMPORAL) {
      // One packed matrix per tap, without bias (the forward pre-fills the bias instead).
      const int pf = VW_CONV_PF(g.Cg, g.Coutg);
      for (int a = 0; a < g.kt; a++)
        VW_CONV_PACK(g.Cg, g.Coutg, wg + a, g.kt, g.Cg * g.kt, NULL, packed + ((size_t)gi * g.kt + a) * pf);
    } else if (g.KK == 1) {
      VW_CONV_PACK(g.K, g.Coutg, wg, 1, g.K, bg, packed + (size_t)gi * VW_CONV_PF(g.K, g.Coutg));
    } else {
      // Straight into gemm.h's panel layout, B[k][o] = w[o][c][tap] with k = tap*Cg + c: a
      // panel (8 x K floats) is written while w is read in order, so the scattered writes stay
      // in cache (a [tap][c][o] reorder first wrote with a stride of Coutg floats over all of K x
      // Coutg, which for Slow-R50's 4608 x 512 cost more than a third of the conv).
      float *pk = packed + (size_t)gi * VW_CONV_PF(g.K, g.Coutg);
      for (int o0 = 0; o0 < g.Coutg; o0 += VW_GEMM_NR, pk += (size_t)VW_GEMM_NR * (g.K + 1)) {
        for (int j = 0; j < VW_GEMM_NR; j++) {
          const int o = o0 + j;
          pk[j] = bg && o < g.Coutg ? bg[o] : 0.0f;
          float *col = pk + VW_GEMM_NR + j;
          if (o >= g.Coutg) { for (int k = 0; k < g.K; k++) col[(size_t)k * VW_GEMM_NR] = 0.0f; continue; }
          const float *wo = wg + (size_t)o * g.K;
          for (int c = 0; c < g.Cg; c++)
            for (int t = 0; t < g.KK; t++) col[((size_t)t * g.Cg + c) * VW_GEMM_NR] = wo[(size_t)c * g.KK + t];
        }
      }
    }
  }
}

// y = conv(x, w) + bias, clamped to [minv, maxv] (a fused ReLU/ReLU6; pass -inf/inf for none).
// bias is only read in TEMPORAL mode (other modes carry it in `packed`).
VW_EXPORT void VW_CONV_NAME(conv3d)(const int32_t *p, const float *x, const float *packed, const float *bias,
                                    float *y, float *scratch, float minv, float maxv) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  if (g.M == 0 || g.Cout == 0) return;
  if (g.mode == VW_CONV_POINTWISE) {
    const int pf = VW_CONV_PF(g.Cg, g.Coutg);
    for (int gi = 0; gi < g.G; gi++)
      VW_CONV_GEMM(g.M, g.Coutg, g.Cg, x + (size_t)gi * g.Cg, g.Cin, packed + (size_t)gi * pf,
                   y + (size_t)gi * g.Coutg, g.Cout, minv, maxv, 0);
  } else if (g.mode == VW_CONV_TEMPORAL) {
    const int HW = g.H * g.W, pf = VW_CONV_PF(g.Cg, g.Coutg);
    for (int n = 0; n < g.N; n++) {
      for (int to = 0; to < g.To; to++) {
        float *yf = y + ((size_t)n * g.To + to) * HW * g.Cout;
        int a0, a1;
        vw_conv_tap_range(to * g.st - g.pt, g.dt, g.kt, g.T, &a0, &a1);
        // start from the bias, then accumulate each tap's GEMM; clamp on the last one
        for (int i = 0; i < HW; i++) {
          float *yr = yf + (size_t)i * g.Cout;
          if (bias) conv_copy(yr, bias, g.Cout); else conv_zero(yr, g.Cout);
          if (a0 == a1) for (int o = 0; o < g.Cout; o++) yr[o] = VW_MIN(VW_MAX(yr[o], minv), maxv);
        }
        for (int a = a0; a < a1; a++) {
          const int ti = to * g.st - g.pt + a * g.dt;
          const float *xf = x + ((size_t)n * g.T + ti) * HW * g.Cin;
          const float lo = a == a1 - 1 ? minv : -VW_CONV_INF, hi = a == a1 - 1 ? maxv : VW_CONV_INF;
          for (int gi = 0; gi < g.G; gi++)
            VW_CONV_GEMM(HW, g.Coutg, g.Cg, xf + (size_t)gi * g.Cg, g.Cin, packed + ((size_t)gi * g.kt + a) * pf,
                         yf + (size_t)gi * g.Coutg, g.Cout, lo, hi, 1);
        }
      }
    }
  } else {
    // A 1x1x1 kernel at stride 1 without padding reads x itself; anything else gathers its
    // column blocks as the GEMM asks for them (implicit GEMM).
    const int pf = VW_CONV_PF(g.K, g.Coutg);
    const int direct = g.KK == 1 && g.st == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.ph == 0 && g.pw == 0 &&
                       g.To == g.T && g.Ho == g.H && g.Wo == g.W;
    for (int gi = 0; gi < g.G; gi++) {
      float *yg = y + (size_t)gi * g.Coutg;
      if (direct) {
        VW_CONV_GEMM(g.M, g.Coutg, g.K, x + (size_t)gi * g.Cg, g.Cin, packed + (size_t)gi * pf, yg, g.Cout, minv, maxv, 0);
      } else {
        conv_gather_ctx cx = {&g, x, gi, scratch};
        VW_CONV_GEMM_GATHER(g.M, g.Coutg, g.K, conv_gather, &cx, packed + (size_t)gi * pf, yg, g.Cout, minv, maxv, 0);
      }
    }
  }
}

// ---- backward --------------------------------------------------------------------------------

// gx = dL/dx for gy = dL/dy (both channels-last); w in PyTorch layout. gx is overwritten.
VW_EXPORT void VW_CONV_NAME(conv3d_bwd_data)(const int32_t *p, const float *gy, const float *w, float *gx, float *scratch) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const size_t nx = (size_t)g.N * g.T * g.H * g.W * g.Cin;
  if (g.M == 0 || g.Cout == 0) { memset(gx, 0, sizeof(float) * nx); return; }
  if (g.mode == VW_CONV_POINTWISE) {
    // gx[:, group] = gy[:, group] . W_g with B[o][c] = w[o][c]
    for (int gi = 0; gi < g.G; gi++) {
      VW_CONV_PACK(g.Coutg, g.Cg, w + (size_t)gi * g.Coutg * g.Cg, g.Cg, 1, NULL, scratch);
      VW_CONV_GEMM(g.M, g.Cg, g.Coutg, gy + (size_t)gi * g.Coutg, g.Cout, scratch, gx + (size_t)gi * g.Cg, g.Cin,
                   -VW_CONV_INF, VW_CONV_INF, 0);
    }
  } else if (g.mode == VW_CONV_TEMPORAL) {
    const int HW = g.H * g.W, pf = VW_CONV_PF(g.Coutg, g.Cg);
    for (int gi = 0; gi < g.G; gi++)
      for (int a = 0; a < g.kt; a++)  // B[o][c] = w[o][c][a]
        VW_CONV_PACK(g.Coutg, g.Cg, w + (size_t)gi * g.Coutg * g.K + a, g.Cg * g.kt, g.kt, NULL,
                     scratch + ((size_t)gi * g.kt + a) * pf);
    memset(gx, 0, sizeof(float) * nx);
    for (int n = 0; n < g.N; n++) {
      for (int to = 0; to < g.To; to++) {
        const float *gyf = gy + ((size_t)n * g.To + to) * HW * g.Cout;
        int a0, a1;
        vw_conv_tap_range(to * g.st - g.pt, g.dt, g.kt, g.T, &a0, &a1);
        for (int a = a0; a < a1; a++) {
          float *gxf = gx + ((size_t)n * g.T + to * g.st - g.pt + a * g.dt) * HW * g.Cin;
          for (int gi = 0; gi < g.G; gi++)
            VW_CONV_GEMM(HW, g.Cg, g.Coutg, gyf + (size_t)gi * g.Coutg, g.Cout, scratch + ((size_t)gi * g.kt + a) * pf,
                         gxf + (size_t)gi * g.Cg, g.Cin, -VW_CONV_INF, VW_CONV_INF, 1);
        }
      }
    }
  } else {
    // dcol = gy_g . W_g (W_g as [Coutg][K], k = tap*Cg + c), then col2vol adds dcol into gx.
    const int rows = vw_conv_tile_rows(&g), pf = VW_CONV_PF(g.Coutg, g.K);
    float *packT = scratch, *reorder = scratch + pf, *dcol = reorder + (size_t)g.Coutg * g.K;
    memset(gx, 0, sizeof(float) * nx);
    for (int gi = 0; gi < g.G; gi++) {
      const float *wg = w + (size_t)gi * g.Coutg * g.K;
      for (int o = 0; o < g.Coutg; o++)
        for (int c = 0; c < g.Cg; c++)
          for (int t = 0; t < g.KK; t++)
            reorder[(size_t)o * g.K + (size_t)t * g.Cg + c] = wg[((size_t)o * g.Cg + c) * g.KK + t];
      VW_CONV_PACK(g.Coutg, g.K, reorder, g.K, 1, NULL, packT);
      for (int m0 = 0; m0 < g.M; m0 += rows) {
        const int mt = VW_MIN(rows, g.M - m0);
        VW_CONV_GEMM(mt, g.K, g.Coutg, gy + (size_t)m0 * g.Cout + (size_t)gi * g.Coutg, g.Cout, packT, dcol, g.K,
                     -VW_CONV_INF, VW_CONV_INF, 0);
        conv_col2vol(&g, dcol, gi, m0, mt, gx);
      }
    }
  }
}

// gw = dL/dw in PyTorch layout [Cout][Cg][kt][kh][kw] (overwritten), from x and gy (channels-last).
VW_EXPORT void VW_CONV_NAME(conv3d_bwd_weight)(const int32_t *p, const float *x, const float *gy, float *gw, float *scratch) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  // acc[gi][o][k], k = tap*Cg + c: gy_g^T . col_g summed over output positions
  float *acc = scratch, *col = scratch + (size_t)g.G * g.Coutg * g.K;
  memset(acc, 0, sizeof(float) * g.G * g.Coutg * g.K);
  if (g.M > 0 && g.Cout > 0) {
    if (g.mode == VW_CONV_POINTWISE) {
      for (int gi = 0; gi < g.G; gi++)
        VW_CONV_MATMUL(1, 0, g.Coutg, g.Cg, g.M, gy + (size_t)gi * g.Coutg, g.Cout, x + (size_t)gi * g.Cg, g.Cin,
                       acc + (size_t)gi * g.Coutg * g.K, g.K, 0.0f);
    } else if (g.mode == VW_CONV_TEMPORAL) {
      const int HW = g.H * g.W;
      for (int n = 0; n < g.N; n++) {
        for (int to = 0; to < g.To; to++) {
          const float *gyf = gy + ((size_t)n * g.To + to) * HW * g.Cout;
          int a0, a1;
          vw_conv_tap_range(to * g.st - g.pt, g.dt, g.kt, g.T, &a0, &a1);
          for (int a = a0; a < a1; a++) {
            const float *xf = x + ((size_t)n * g.T + to * g.st - g.pt + a * g.dt) * HW * g.Cin;
            for (int gi = 0; gi < g.G; gi++)
              VW_CONV_MATMUL(1, 0, g.Coutg, g.Cg, HW, gyf + (size_t)gi * g.Coutg, g.Cout, xf + (size_t)gi * g.Cg, g.Cin,
                             acc + (size_t)gi * g.Coutg * g.K + (size_t)a * g.Cg, g.K, 1.0f);
          }
        }
      }
    } else {
      const int rows = vw_conv_tile_rows(&g);
      for (int m0 = 0; m0 < g.M; m0 += rows) {
        const int mt = VW_MIN(rows, g.M - m0);
        for (int gi = 0; gi < g.G; gi++) {
          conv_gather_ctx cx = {&g, x, gi, col};
          conv_gather(&cx, m0, mt, 0, g.K);
          VW_CONV_MATMUL(1, 0, g.Coutg, g.K, mt, gy + (size_t)m0 * g.Cout + (size_t)gi * g.Coutg, g.Cout, col, g.K,
                         acc + (size_t)gi * g.Coutg * g.K, g.K, 1.0f);
        }
      }
    }
  }
  for (int o = 0; o < g.Cout; o++)  // [o][tap][c] -> [o][c][tap]
    for (int c = 0; c < g.Cg; c++)
      for (int t = 0; t < g.KK; t++)
        gw[((size_t)o * g.Cg + c) * g.KK + t] = acc[(size_t)o * g.K + (size_t)t * g.Cg + c];
}

// gb[c] = sum over the M rows of gy [M][C].
VW_EXPORT void VW_CONV_NAME(conv3d_bwd_bias)(int M, int C, const float *gy, float *gb) {
  memset(gb, 0, sizeof(float) * C);
  for (int m = 0; m < M; m++) conv_add(gb, gy + (size_t)m * C, C);
}
