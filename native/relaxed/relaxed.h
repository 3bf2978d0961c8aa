// Relaxed-SIMD kernels (vidwasm-relaxed.wasm): built by clang >= 16 (Debian's clang-16), because
// emcc 3.1.6's clang 14 knows only the retired prototype opcodes (it emits `fd af 01` for an
// FMA, where the standard f32x4.relaxed_madd is `fd 85 02`, and has no int8 dot product at all).
// The module imports the kernel module's memory (like pixels.wasm) and a few of its functions,
// has no data segment, and gets its stack from the loader (a block malloc'ed in that memory).
// A host without relaxed SIMD never compiles it, so vidwasm.wasm itself stays valid everywhere.
#ifndef VW_RELAXED_H
#define VW_RELAXED_H
#include "../kernels/vw.h"

// Exports are exactly the `relaxed` kernels of kernels.def (exports.gen.rsp, given to wasm-ld), not
// every VW_EXPORT function: conv_impl.h also defines packing and gradients we do not re-export.
#undef VW_EXPORT
#define VW_EXPORT

typedef signed char vw_i8x16 __attribute__((vector_size(16)));

// a * b + c, fused or not (the engine decides: vfmadd231ps / fmla where the CPU has it).
static inline v128_t vw_relaxed_madd(v128_t a, v128_t b, v128_t c) {
  return (v128_t)__builtin_wasm_relaxed_madd_f32x4((__f32x4)a, (__f32x4)b, (__f32x4)c);
}
// min / max that may differ from f32x4.min/max only for NaN and -0 operands (minps / fmin).
static inline v128_t vw_relaxed_min(v128_t a, v128_t b) {
  return (v128_t)__builtin_wasm_relaxed_min_f32x4((__f32x4)a, (__f32x4)b);
}
static inline v128_t vw_relaxed_max(v128_t a, v128_t b) {
  return (v128_t)__builtin_wasm_relaxed_max_f32x4((__f32x4)a, (__f32x4)b);
}
// c + sums of 4 adjacent products a[i] * b[i]. Deterministic only when every byte of b is in
// [0, 127] (then the signed and unsigned readings of b agree and no i16 partial sum saturates);
// the callers guarantee that.
static inline v128_t vw_relaxed_dot_add(v128_t a, v128_t b7, v128_t c) {
  return (v128_t)__builtin_wasm_relaxed_dot_i8x16_i7x16_add_s_i32x4((vw_i8x16)a, (vw_i8x16)b7, (__i32x4)c);
}
#endif
