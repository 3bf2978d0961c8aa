// Feature probes. Each compiles a tiny hand-written module; WebAssembly.validate is
// synchronous and never executes anything.

// (module (func (result v128) i32.const 0 i8x16.splat))
const SIMD: Uint8Array<ArrayBuffer> = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);
// (module (func (result v128) v128.const 0 ... i8x16.relaxed_swizzle)) – relaxed SIMD opcode 0xfd 0x100
const RELAXED_SIMD = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11]);
// (module (memory 1 1 shared)) – needs threads
const THREADS = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 4, 1, 3, 1, 1]);

export interface Features {
  simd: boolean;
  relaxedSimd: boolean;
  threads: boolean;
  /** SharedArrayBuffer usable (cross-origin isolated in browsers). */
  sharedMemory: boolean;
}

export function probeFeatures(): Features {
  const v = (b: Uint8Array<ArrayBuffer>) => {
    try { return WebAssembly.validate(b); } catch { return false; }
  };
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  const sharedMemory = typeof g.SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false;
  return { simd: v(SIMD), relaxedSimd: v(RELAXED_SIMD), threads: v(THREADS), sharedMemory };
}
