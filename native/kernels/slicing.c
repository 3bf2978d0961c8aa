// Data movement for cat/stack/slice/pad/indexSelect (SIMD module side).
// The plain copies live in slicing_copy.h (shared with the scalar twin: memcpy has no SIMD
// form to speak of); the accumulating kernels used by the gradients are SIMD here.
#include "vw.h"
#include "slicing_copy.h"

VW_EXPORT_COPIES()

static inline void add_run(const float *s, float *d, int32_t n) {
  int32_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t a0 = wasm_v128_load(d + i), a1 = wasm_v128_load(d + i + 4);
    v128_t a2 = wasm_v128_load(d + i + 8), a3 = wasm_v128_load(d + i + 12);
    wasm_v128_store(d + i, wasm_f32x4_add(a0, wasm_v128_load(s + i)));
    wasm_v128_store(d + i + 4, wasm_f32x4_add(a1, wasm_v128_load(s + i + 4)));
    wasm_v128_store(d + i + 8, wasm_f32x4_add(a2, wasm_v128_load(s + i + 8)));
    wasm_v128_store(d + i + 12, wasm_f32x4_add(a3, wasm_v128_load(s + i + 12)));
  }
  for (; i + 4 <= n; i += 4) wasm_v128_store(d + i, wasm_f32x4_add(wasm_v128_load(d + i), wasm_v128_load(s + i)));
  for (; i < n; i++) d[i] += s[i];
}

// dst += src over a strided N-d region; same param block as vw_x32_strided_copy.
VW_EXPORT void vw_f32_strided_add(const float *src, float *dst, const int32_t *p) {
  const int nd = p[0];
  if (nd <= 0) { dst[0] += src[0]; return; }
  const int32_t *n = p + 1, *ss = p + 1 + nd, *ds = p + 1 + 2 * nd;
  const int32_t inner = n[nd - 1], si = ss[nd - 1], di = ds[nd - 1];
  int32_t idx[8] = {0};
  for (;;) {
    if (si == 1 && di == 1) add_run(src, dst, inner);
    else for (int32_t i = 0; i < inner; i++) dst[(ptrdiff_t)i * di] += src[(ptrdiff_t)i * si];
    int d = nd - 2;
    for (; d >= 0; d--) {
      src += ss[d]; dst += ds[d];
      if (++idx[d] < n[d]) break;
      src -= (ptrdiff_t)ss[d] * n[d]; dst -= (ptrdiff_t)ds[d] * n[d]; idx[d] = 0;
    }
    if (d < 0) return;
  }
}

// Gradient of index select over [outer, m, inner]: gx[o, idx[j], :] += gy[o, j, :].
VW_EXPORT void vw_f32_index_add(const float *gy, float *gx, const int32_t *idx, int32_t outer, int32_t my,
                                int32_t mx, int32_t inner) {
  for (int32_t o = 0; o < outer; o++) {
    const float *s = gy + (size_t)o * my * inner;
    float *d = gx + (size_t)o * mx * inner;
    for (int32_t j = 0; j < my; j++) add_run(s + (size_t)j * inner, d + (size_t)idx[j] * inner, inner);
  }
}
