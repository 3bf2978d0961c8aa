// Depthwise conv3d (groups == Cin == Cout) on channels-last tensors, written once for the SIMD
// file (depthwise.c) and its scalar twin (depthwise_scalar.c); the includer defines
// VW_DW_NAME(x) and the bodies dw_axpy_run and dw_bwd_weight_run, which run over the channels
// (vectorised in depthwise.c, one channel at a time in the twin).
//
// The loops go one output row (n, to, ho) at a time: the (kt, kh) taps that land inside the
// input are listed once per row as input-row pointers; each kw tap then covers a run of output
// positions along W, with the tap's weight vector held in registers over the run:
//  - forward: the output row starts as the bias and each tap adds x_run * w (the row stays in
//    L1; this beat per-position register accumulation, whose per-position overhead dominates
//    at X3D's 3-5 taps per row and 24-54 channels);
//  - grad input, stride 1: the forward kernel on gy with the taps reversed (a transposed
//    conv with stride 1 is a conv with the flipped kernel and padding d*(k-1) - p);
//  - grad input, other strides: each tap scatters gy_run * w into gx;
//  - grad weight: each tap reduces gy_run * x_run in registers, then adds once.
//
// Packed weights: [C] bias (zeros when none) then [KK][C] taps, so every tap is a contiguous
// vector over channels. Parameter block: conv.h (Cin == Cout == groups).
#include "conv.h"

// Row lists hold at most this many (kt, kh) taps; bigger kernels go through them in chunks.
#define VW_DW_MAX_ROWS 256

// First and one-past-last output index o in [0, n_out) with 0 <= o*s + off < n_in.
static inline void dw_run(int off, int s, int n_out, int n_in, int *lo, int *hi) {
  int a = off >= 0 ? 0 : (-off + s - 1) / s;
  int b = n_in - 1 - off < 0 ? 0 : (n_in - 1 - off) / s + 1;
  if (b > n_out) b = n_out;
  if (a > b) a = b;
  *lo = a; *hi = b;
}

// Input rows (n, ti, hi) read by output row (n, to, ho), from the r0-th on (at most
// VW_DW_MAX_ROWS): pointers and the tap index of (a, b, 0). *total gets the number of rows.
static inline int dw_rows(const vw_conv_geo *g, const float *x, int n, int to, int ho, int r0, const float **row, int *tap,
                          int *total) {
  const int ti0 = to * g->st - g->pt, hi0 = ho * g->sh - g->ph;
  int a0, a1, b0, b1, nr = 0;
  vw_conv_tap_range(ti0, g->dt, g->kt, g->T, &a0, &a1);
  vw_conv_tap_range(hi0, g->dh, g->kh, g->H, &b0, &b1);
  const int nb = b1 - b0;
  *total = (a1 - a0) * nb;
  for (int i = r0; i < *total && nr < VW_DW_MAX_ROWS; i++) {
    const int a = a0 + i / nb, b = b0 + i % nb;
    row[nr] = x + (((size_t)n * g->T + ti0 + a * g->dt) * g->H + hi0 + b * g->dh) * (size_t)g->W * g->Cin;
    tap[nr++] = (a * g->kh + b) * g->kw;
  }
  return nr;
}

// w [C][1][kt][kh][kw] (PyTorch) and bias [C] (or NULL) -> packed [C] bias + [KK][C].
VW_EXPORT void VW_DW_NAME(depthwise3d_pack)(const int32_t *p, const float *w, const float *bias, float *packed) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const int C = g.Cout;
  for (int c = 0; c < C; c++) packed[c] = bias ? bias[c] : 0.0f;
  for (int t = 0; t < g.KK; t++)
    for (int c = 0; c < C; c++) packed[C + (size_t)t * C + c] = w[(size_t)c * g.KK + t];
}

// Output rows (n, to, ho) in storage order; every (row, kw tap) pair adds a run of positions.
static void dw_forward(const vw_conv_geo *g, const float *x, const float *packed, float *y, float minv, float maxv) {
  const int C = g->Cout;
  const float *row[VW_DW_MAX_ROWS];
  int tap[VW_DW_MAX_ROWS];
  const int rows_out = g->N * g->To * g->Ho;
  const size_t row_len = (size_t)g->Wo * C;
  for (int q = 0; q < rows_out; q++) {
    const int n = q / (g->To * g->Ho), to = q / g->Ho % g->To, ho = q % g->Ho;
    float *yr = y + (size_t)q * row_len;
    for (int wo = 0; wo < g->Wo; wo++)  // start from the bias (a loop: a memcpy call per position costs more)
      for (int c = 0; c < C; c++) yr[(size_t)wo * C + c] = packed[c];
    int total = 0;
    for (int r0 = 0; r0 == 0 || r0 < total; r0 += VW_DW_MAX_ROWS) {
      const int nr = dw_rows(g, x, n, to, ho, r0, row, tap, &total);
      for (int r = 0; r < nr; r++)
        for (int c = 0; c < g->kw; c++) {
          int lo, hi;
          dw_run(c * g->dw - g->pw, g->sw, g->Wo, g->W, &lo, &hi);
          if (lo < hi)
            dw_axpy_run(C, yr + (size_t)lo * C, C, row[r] + ((size_t)lo * g->sw + c * g->dw - g->pw) * C, (size_t)g->sw * C,
                        hi - lo, packed + C + (size_t)(tap[r] + c) * C);
        }
    }
    if (minv > -__builtin_inff() || maxv < __builtin_inff())
      for (size_t i = 0; i < row_len; i++) yr[i] = yr[i] < minv ? minv : yr[i] > maxv ? maxv : yr[i];
  }
}

// y = depthwise(x) + bias, clamped to [minv, maxv].
VW_EXPORT void VW_DW_NAME(depthwise3d)(const int32_t *p, const float *x, const float *packed, float *y, float minv, float maxv) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  dw_forward(&g, x, packed, y, minv, maxv);
}

// gx = dL/dx (overwritten). packed as made by depthwise3d_pack; scratch holds C*(1+KK) floats.
VW_EXPORT void VW_DW_NAME(depthwise3d_bwd_data)(const int32_t *p, const float *gy, const float *packed, float *gx, float *scratch) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const int C = g.Cout;
  const int qt = g.dt * (g.kt - 1) - g.pt, qh = g.dh * (g.kh - 1) - g.ph, qw = g.dw * (g.kw - 1) - g.pw;
  if (g.st == 1 && g.sh == 1 && g.sw == 1 && qt >= 0 && qh >= 0 && qw >= 0) {
    // transposed conv at stride 1 = conv of gy with the reversed taps and padding d*(k-1) - p
    vw_conv_geo t = g;
    t.T = g.To; t.H = g.Ho; t.W = g.Wo; t.To = g.T; t.Ho = g.H; t.Wo = g.W;
    t.pt = qt; t.ph = qh; t.pw = qw;
    for (int c = 0; c < C; c++) scratch[c] = 0.0f;
    for (int k = 0; k < g.KK; k++) memcpy(scratch + C + (size_t)k * C, packed + C + (size_t)(g.KK - 1 - k) * C, sizeof(float) * C);
    dw_forward(&t, gy, scratch, gx, -__builtin_inff(), __builtin_inff());
    return;
  }
  memset(gx, 0, sizeof(float) * (size_t)g.N * g.T * g.H * g.W * C);
  const float *rowc[VW_DW_MAX_ROWS];
  int tap[VW_DW_MAX_ROWS];
  const int rows_out = g.N * g.To * g.Ho;  // output rows (n, to, ho), in storage order
  for (int q = 0; q < rows_out; q++) {
    const int n = q / (g.To * g.Ho), to = q / g.Ho % g.To, ho = q % g.Ho;
    const float *gyr = gy + (size_t)q * g.Wo * C;
    int total = 0;
    for (int r0 = 0; r0 == 0 || r0 < total; r0 += VW_DW_MAX_ROWS) {
      const int nr = dw_rows(&g, gx, n, to, ho, r0, rowc, tap, &total);
      for (int r = 0; r < nr; r++) {
        float *row = (float *)rowc[r];  // rows of gx (dw_rows takes a const base)
        for (int c = 0; c < g.kw; c++) {
          int lo, hi;
          dw_run(c * g.dw - g.pw, g.sw, g.Wo, g.W, &lo, &hi);
          if (lo < hi)
            dw_axpy_run(C, row + ((size_t)lo * g.sw + c * g.dw - g.pw) * C, (size_t)g.sw * C, gyr + (size_t)lo * C, C,
                        hi - lo, packed + C + (size_t)(tap[r] + c) * C);
        }
      }
    }
  }
}

// gw = dL/dw in PyTorch layout [C][1][kt][kh][kw] (overwritten); scratch holds KK*C floats.
VW_EXPORT void VW_DW_NAME(depthwise3d_bwd_weight)(const int32_t *p, const float *x, const float *gy, float *gw, float *scratch) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const int C = g.Cout;
  const float *row[VW_DW_MAX_ROWS];
  int tap[VW_DW_MAX_ROWS];
  memset(scratch, 0, sizeof(float) * (size_t)g.KK * C);
  const int rows_out = g.N * g.To * g.Ho;
  for (int q = 0; q < rows_out; q++) {
    const int n = q / (g.To * g.Ho), to = q / g.Ho % g.To, ho = q % g.Ho;
    const float *gyr = gy + (size_t)q * g.Wo * C;
    int total = 0;
    for (int r0 = 0; r0 == 0 || r0 < total; r0 += VW_DW_MAX_ROWS) {
      const int nr = dw_rows(&g, x, n, to, ho, r0, row, tap, &total);
      for (int r = 0; r < nr; r++)
        for (int c = 0; c < g.kw; c++) {
          int lo, hi;
          dw_run(c * g.dw - g.pw, g.sw, g.Wo, g.W, &lo, &hi);
          if (lo < hi)
            dw_bwd_weight_run(C, scratch + (size_t)(tap[r] + c) * C, gyr + (size_t)lo * C,
                              row[r] + ((size_t)lo * g.sw + c * g.dw - g.pw) * C, (size_t)g.sw * C, hi - lo);
        }
    }
  }
  for (int c = 0; c < C; c++)
    for (int t = 0; t < g.KK; t++) gw[(size_t)c * g.KK + t] = scratch[(size_t)t * C + c];
}

// Grad input and grad weight in one pass, gy read once: every run that adds gy * w into gx
// (in the form depthwise3d_bwd_data uses for this geometry) also adds gy * x, x at the same
// positions as gx, into its tap's weight sum. Same runs in the same order as the separate
// kernels, so bit-identical to depthwise3d_bwd_data + depthwise3d_bwd_weight. gw in PyTorch
// layout (overwritten); scratch holds C*(1+KK) + KK*C floats.
VW_EXPORT void VW_DW_NAME(depthwise3d_bwd_fused)(const int32_t *p, const float *x, const float *gy, const float *packed, float *gx,
                                                 float *gw, float *scratch) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const int C = g.Cout;
  float *wr = scratch, *acc = scratch + (size_t)C * (1 + g.KK);  // reversed taps (gather form); weight sums per tap
  memset(acc, 0, sizeof(float) * (size_t)g.KK * C);
  const float *row[VW_DW_MAX_ROWS];
  int tap[VW_DW_MAX_ROWS];
  const int qt = g.dt * (g.kt - 1) - g.pt, qh = g.dh * (g.kh - 1) - g.ph, qw = g.dw * (g.kw - 1) - g.pw;
  if (g.st == 1 && g.sh == 1 && g.sw == 1 && qt >= 0 && qh >= 0 && qw >= 0) {
    // gather form: gx rows as the outputs of a conv of gy with the reversed taps; the weight
    // sum of reversed tap k is tap KK-1-k's (each tap's runs still come in increasing row order)
    vw_conv_geo t = g;
    t.T = g.To; t.H = g.Ho; t.W = g.Wo; t.To = g.T; t.Ho = g.H; t.Wo = g.W;
    t.pt = qt; t.ph = qh; t.pw = qw;
    for (int k = 0; k < g.KK; k++) memcpy(wr + C + (size_t)k * C, packed + C + (size_t)(g.KK - 1 - k) * C, sizeof(float) * C);
    const int rows_out = t.N * t.To * t.Ho;
    const size_t row_len = (size_t)t.Wo * C;
    for (int q = 0; q < rows_out; q++) {
      const int n = q / (t.To * t.Ho), to = q / t.Ho % t.To, ho = q % t.Ho;
      float *gxr = gx + (size_t)q * row_len;
      const float *xr = x + (size_t)q * row_len;
      memset(gxr, 0, sizeof(float) * row_len);
      int total = 0;
      for (int r0 = 0; r0 == 0 || r0 < total; r0 += VW_DW_MAX_ROWS) {
        const int nr = dw_rows(&t, gy, n, to, ho, r0, row, tap, &total);
        for (int r = 0; r < nr; r++)
          for (int c = 0; c < t.kw; c++) {
            int lo, hi;
            dw_run(c * t.dw - t.pw, 1, t.Wo, t.W, &lo, &hi);
            const int k = tap[r] + c;
            if (lo < hi)
              dw_fused_run(C, gxr + (size_t)lo * C, xr + (size_t)lo * C, (size_t)C, row[r] + ((size_t)lo + c * t.dw - t.pw) * C,
                           hi - lo, wr + C + (size_t)k * C, acc + (size_t)(g.KK - 1 - k) * C);
          }
      }
    }
  } else {
    // scatter form: each output row's taps add into the gx rows they read (and sum gy * x there)
    memset(gx, 0, sizeof(float) * (size_t)g.N * g.T * g.H * g.W * C);
    const int rows_out = g.N * g.To * g.Ho;
    for (int q = 0; q < rows_out; q++) {
      const int n = q / (g.To * g.Ho), to = q / g.Ho % g.To, ho = q % g.Ho;
      const float *gyr = gy + (size_t)q * g.Wo * C;
      int total = 0;
      for (int r0 = 0; r0 == 0 || r0 < total; r0 += VW_DW_MAX_ROWS) {
        const int nr = dw_rows(&g, gx, n, to, ho, r0, row, tap, &total);
        for (int r = 0; r < nr; r++) {
          float *gxrow = (float *)row[r];  // rows of gx (dw_rows takes a const base); x's row at the same offset
          const float *xrow = x + (row[r] - gx);
          for (int c = 0; c < g.kw; c++) {
            int lo, hi;
            dw_run(c * g.dw - g.pw, g.sw, g.Wo, g.W, &lo, &hi);
            const size_t off = ((size_t)lo * g.sw + c * g.dw - g.pw) * C;
            if (lo < hi)
              dw_fused_run(C, gxrow + off, xrow + off, (size_t)g.sw * C, gyr + (size_t)lo * C, hi - lo,
                           packed + C + (size_t)(tap[r] + c) * C, acc + (size_t)(tap[r] + c) * C);
          }
        }
      }
    }
  }
  for (int c = 0; c < C; c++)
    for (int k = 0; k < g.KK; k++) gw[(size_t)c * g.KK + k] = acc[(size_t)k * C + c];
}

// Channel multiplier m = Cout / Cin (groups == Cin): output channel c*m + j reads input channel
// c. The op runs the plain kernel above on an input expanded to Cout channels (xe[c*m + j] =
// x[c]), and folds the expanded input gradient back (gx[c] = sum_j gxe[c*m + j]).
// p is the conv's own block (Cin < Cout); xe and gxe hold N*T*H*W*Cout floats.
VW_EXPORT void VW_DW_NAME(depthwise3d_expand)(const int32_t *p, const float *x, float *xe) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const int m = g.Cout / g.Cin;
  const size_t npos = (size_t)g.N * g.T * g.H * g.W;
  for (size_t i = 0; i < npos; i++, x += g.Cin)
    for (int c = 0; c < g.Cin; c++)
      for (int j = 0; j < m; j++) *xe++ = x[c];
}

VW_EXPORT void VW_DW_NAME(depthwise3d_fold)(const int32_t *p, const float *gxe, float *gx) {
  const vw_conv_geo g = vw_conv_geo_of(p);
  const int m = g.Cout / g.Cin;
  const size_t npos = (size_t)g.N * g.T * g.H * g.W;
  for (size_t i = 0; i < npos; i++, gx += g.Cin)
    for (int c = 0; c < g.Cin; c++) {
      float s = 0.0f;
      for (int j = 0; j < m; j++) s += *gxe++;
      gx[c] = s;
    }
}
