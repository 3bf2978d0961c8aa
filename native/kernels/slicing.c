// Data movement for cat/stack/slice/pad/indexSelect (SIMD module side).
// The plain copies live in slicing_copy.h (shared with the scalar twin: memcpy has no SIMD
// form to speak of); the accumulating index_add used by the gradients is SIMD here.
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

// Gradient of index select over [outer, m, inner]: gx[o, idx[j], :] += gy[o, j, :].
VW_EXPORT void vw_f32_index_add(const float *gy, float *gx, const int32_t *idx, int32_t outer, int32_t my,
                                int32_t mx, int32_t inner) {
  for (int32_t o = 0; o < outer; o++) {
    const float *s = gy + (size_t)o * my * inner;
    float *d = gx + (size_t)o * mx * inner;
    for (int32_t j = 0; j < my; j++) add_run(s + (size_t)j * inner, d + (size_t)idx[j] * inner, inner);
  }
}
