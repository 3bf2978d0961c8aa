// Data-movement loops shared by slicing.c and slicing_scalar.c.
//
// These are pure copies: the contiguous inner runs become memcpy (one `memory.copy` with
// bulk memory) and the strided runs are element moves, for which wasm SIMD has no gather.
// So the SIMD module and its scalar twin genuinely share this one implementation; each file
// still exports its own name (`vw_x32_strided_copy` / `vw_x32_strided_copy_scalar`) so the
// backend switch works uniformly. The gather/scatter-add pair below is shared for the same
// reason (element-wise indexed accesses). The accumulating index_add has a real SIMD form
// (slicing.c) and a scalar twin (slicing_scalar.c).
#ifndef VW_SLICING_COPY_H
#define VW_SLICING_COPY_H
#include "vw.h"

// Strided N-d copy. Param block p = [nd, size[nd], src_stride[nd], dst_stride[nd]] in elements,
// outermost dim first; the last dim is the inner loop (the TS side orders and merges dims so it
// is the longest contiguous run). nd = 0 copies one element.
#define VW_DEFINE_STRIDED_COPY(NAME, T)                                                    \
  static void NAME(const T *src, T *dst, const int32_t *p) {                               \
    const int nd = p[0];                                                                   \
    if (nd <= 0) { dst[0] = src[0]; return; }                                              \
    const int32_t *n = p + 1, *ss = p + 1 + nd, *ds = p + 1 + 2 * nd;                      \
    const int32_t inner = n[nd - 1], si = ss[nd - 1], di = ds[nd - 1];                     \
    int32_t idx[8] = {0};                                                                  \
    for (;;) {                                                                             \
      if (si == 1 && di == 1) memcpy(dst, src, (size_t)inner * sizeof(T));                 \
      else for (int32_t i = 0; i < inner; i++) dst[(ptrdiff_t)i * di] = src[(ptrdiff_t)i * si]; \
      int d = nd - 2;                                                                      \
      for (; d >= 0; d--) {                                                                \
        src += ss[d]; dst += ds[d];                                                        \
        if (++idx[d] < n[d]) break;                                                        \
        src -= (ptrdiff_t)ss[d] * n[d]; dst -= (ptrdiff_t)ds[d] * n[d]; idx[d] = 0;        \
      }                                                                                    \
      if (d < 0) return;                                                                   \
    }                                                                                      \
  }

// Index select over a [outer, m, inner] view: dst[o, j, :] = src[o, idx[j], :].
#define VW_DEFINE_INDEX_SELECT(NAME, T)                                                    \
  static void NAME(const T *src, T *dst, const int32_t *idx, int32_t outer, int32_t msrc,  \
                   int32_t mdst, int32_t inner) {                                          \
    for (int32_t o = 0; o < outer; o++) {                                                  \
      const T *s = src + (size_t)o * msrc * inner;                                         \
      T *d = dst + (size_t)o * mdst * inner;                                               \
      for (int32_t j = 0; j < mdst; j++) {                                                 \
        if (inner == 1) d[j] = s[idx[j]];                                                  \
        else memcpy(d + (size_t)j * inner, s + (size_t)idx[j] * inner, (size_t)inner * sizeof(T)); \
      }                                                                                    \
    }                                                                                      \
  }

// gather (torch.gather on contiguous storage, index shaped like x except along dim):
// x viewed as [outer, m, inner], idx and y as [outer, k, inner]; y[o,j,i] = x[o, idx[o,j,i], i].
static void vw_gather32(const uint32_t *x, uint32_t *y, const int32_t *idx, int32_t outer, int32_t m, int32_t k, int32_t inner) {
  for (int32_t o = 0; o < outer; o++, x += (size_t)m * inner)
    for (int32_t j = 0; j < k; j++, y += inner, idx += inner)
      for (int32_t i = 0; i < inner; i++) y[i] = x[(size_t)idx[i] * inner + i];
}
// Its gradient: gx[o, idx[o,j,i], i] += gy[o,j,i]. A scatter: no SIMD form either.
static void vw_scatter_add32(const float *gy, float *gx, const int32_t *idx, int32_t outer, int32_t m, int32_t k, int32_t inner) {
  for (int32_t o = 0; o < outer; o++, gx += (size_t)m * inner)
    for (int32_t j = 0; j < k; j++, gy += inner, idx += inner)
      for (int32_t i = 0; i < inner; i++) gx[(size_t)idx[i] * inner + i] += gy[i];
}

VW_DEFINE_STRIDED_COPY(vw_copy32, uint32_t)
VW_DEFINE_STRIDED_COPY(vw_copy16, uint16_t)
VW_DEFINE_STRIDED_COPY(vw_copy8, uint8_t)
VW_DEFINE_INDEX_SELECT(vw_isel32, uint32_t)
VW_DEFINE_INDEX_SELECT(vw_isel16, uint16_t)
VW_DEFINE_INDEX_SELECT(vw_isel8, uint8_t)

// Exports one backend's names for the shared copies (SUFFIX is empty or _scalar).
#define VW_EXPORT_COPIES(SUFFIX)                                                                    \
  VW_EXPORT void vw_x32_strided_copy##SUFFIX(const uint32_t *s, uint32_t *d, const int32_t *p) { vw_copy32(s, d, p); } \
  VW_EXPORT void vw_x16_strided_copy##SUFFIX(const uint16_t *s, uint16_t *d, const int32_t *p) { vw_copy16(s, d, p); } \
  VW_EXPORT void vw_x8_strided_copy##SUFFIX(const uint8_t *s, uint8_t *d, const int32_t *p) { vw_copy8(s, d, p); }     \
  VW_EXPORT void vw_x32_index_select##SUFFIX(const uint32_t *s, uint32_t *d, const int32_t *i, int32_t o, int32_t ms, int32_t md, int32_t in) { vw_isel32(s, d, i, o, ms, md, in); } \
  VW_EXPORT void vw_x16_index_select##SUFFIX(const uint16_t *s, uint16_t *d, const int32_t *i, int32_t o, int32_t ms, int32_t md, int32_t in) { vw_isel16(s, d, i, o, ms, md, in); } \
  VW_EXPORT void vw_x8_index_select##SUFFIX(const uint8_t *s, uint8_t *d, const int32_t *i, int32_t o, int32_t ms, int32_t md, int32_t in) { vw_isel8(s, d, i, o, ms, md, in); } \
  VW_EXPORT void vw_x32_gather##SUFFIX(const uint32_t *x, uint32_t *y, const int32_t *i, int32_t o, int32_t m, int32_t k, int32_t in) { vw_gather32(x, y, i, o, m, k, in); } \
  VW_EXPORT void vw_f32_scatter_add##SUFFIX(const float *gy, float *gx, const int32_t *i, int32_t o, int32_t m, int32_t k, int32_t in) { vw_scatter_add32(gy, gx, i, o, m, k, in); }

#endif
