// Element-wise colour conversions: u8 -> f32 (x / div, torchvision's ConvertImageDtype divides,
// it does not multiply by a reciprocal, so neither do we) and per-channel normalisation
// (x - mean) / std, also fused with the u8 conversion (same two roundings as the unfused pair).

@inline function u8ToF32(simd: bool, src: usize, dst: usize, n: i32, div: f32): void {
  let i = 0;
  if (simd) {
    const d = f32x4.splat(div);
    for (; i + 16 <= n; i += 16) {
      const v = v128.load(src + <usize>i);
      const lo = i16x8.extend_low_i8x16_u(v), hi = i16x8.extend_high_i8x16_u(v);
      const o = dst + (<usize>i << 2);
      v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), d));
      v128.store(o + 16, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), d));
      v128.store(o + 32, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), d));
      v128.store(o + 48, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), d));
    }
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>load<u8>(src + <usize>i) / div);
}
export function u8_to_f32(src: usize, dst: usize, n: i32, div: f32): void { u8ToF32(true, src, dst, n, div); }
export function u8_to_f32_scalar(src: usize, dst: usize, n: i32, div: f32): void { u8ToF32(false, src, dst, n, div); }

@inline function normalize(simd: bool, src: usize, dst: usize, n: i32, mean: f32, std: f32): void {
  let i = 0;
  if (simd) {
    const m = f32x4.splat(mean), s = f32x4.splat(std);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dst + o, f32x4.div(f32x4.sub(v128.load(src + o), m), s));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, (load<f32>(src + o) - mean) / std);
  }
}
export function normalize_f32(src: usize, dst: usize, n: i32, mean: f32, std: f32): void { normalize(true, src, dst, n, mean, std); }
export function normalize_f32_scalar(src: usize, dst: usize, n: i32, mean: f32, std: f32): void { normalize(false, src, dst, n, mean, std); }

@inline function u8Normalize(simd: bool, src: usize, dst: usize, n: i32, div: f32, mean: f32, std: f32): void {
  let i = 0;
  if (simd) {
    const d = f32x4.splat(div), m = f32x4.splat(mean), s = f32x4.splat(std);
    for (; i + 16 <= n; i += 16) {
      const v = v128.load(src + <usize>i);
      const lo = i16x8.extend_low_i8x16_u(v), hi = i16x8.extend_high_i8x16_u(v);
      const o = dst + (<usize>i << 2);
      v128.store(o, f32x4.div(f32x4.sub(f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), d), m), s));
      v128.store(o + 16, f32x4.div(f32x4.sub(f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), d), m), s));
      v128.store(o + 32, f32x4.div(f32x4.sub(f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), d), m), s));
      v128.store(o + 48, f32x4.div(f32x4.sub(f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), d), m), s));
    }
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), (<f32>load<u8>(src + <usize>i) / div - mean) / std);
}
export function u8_normalize_f32(src: usize, dst: usize, n: i32, div: f32, mean: f32, std: f32): void { u8Normalize(true, src, dst, n, div, mean, std); }
export function u8_normalize_f32_scalar(src: usize, dst: usize, n: i32, div: f32, mean: f32, std: f32): void { u8Normalize(false, src, dst, n, div, mean, std); }
