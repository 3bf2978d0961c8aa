// Shared definitions for every vidwasm kernel.
//
// ABI rules:
//  - Every exported kernel is listed in kernels.def (its prototype, variants, and the enums and
//    parameter blocks shared with TypeScript); kernels.gen.h, generated from it and included
//    below, declares them, so the compiler checks each definition against the manifest, and
//    ts/runtime/kernels.gen.ts gives the TypeScript side one typed function per kernel.
//  - Exported functions are named vw_<dtype>_<op>[_<variant>] and marked VW_EXPORT.
//  - Arguments are int32 sizes, float scalars and byte offsets into linear memory
//    (plain C pointers in wasm32).
//  - Kernels with many size arguments take `const int32_t *p`, a parameter block that the
//    caller writes into memory; its layout is documented next to the kernel.
//  - Every SIMD kernel has a scalar twin named with the `_scalar` variant; twins live in
//    *_scalar.c files, which the Makefile compiles without auto-vectorisation, so the twin
//    really is the portable reference.
//  - Kernels never allocate memory and never fail: the TypeScript side validates shapes and
//    provides scratch buffers, so a kernel is a pure function of its arguments.
#ifndef VW_H
#define VW_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

#define VW_EXPORT __attribute__((used, visibility("default")))

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define VW_MIN(a, b) ((a) < (b) ? (a) : (b))
#define VW_MAX(a, b) ((a) > (b) ? (a) : (b))

#include "kernels.gen.h"

#endif
