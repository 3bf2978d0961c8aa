// YUV 4:2:0 planar -> planar RGB u8, BT.601 limited range (ffmpeg's default swscale matrix),
// 8-bit fixed point: c = Y-16, d = U-128, e = V-128,
//   R = (298c + 409e + 128) >> 8,  G = (298c - 100d - 208e + 128) >> 8,  B = (298c + 516d + 128) >> 8,
// clamped to [0, 255]. Chroma is nearest-sampled (each U/V sample covers 2x2 pixels). ffmpeg's
// default C path quantises the chroma terms through lookup tables, so it differs from this by at
// most 3 levels (mean < 1; test/data/pixels.test.ts checks it against ffmpeg itself).
// R, G and B are written `planeStride` bytes apart, so a frame lands straight in a [3, T, H, W]
// tensor (planeStride = T*H*W, dst = frame t's offset).

@inline function clampU8(v: i32): u8 { return <u8>(v < 0 ? 0 : v > 255 ? 255 : v); }

@inline function pixelScalar(yv: i32, u: i32, v: i32, dst: usize, planeStride: usize): void {
  const c = 298 * (yv - 16), d = u - 128, e = v - 128;
  store<u8>(dst, clampU8((c + 409 * e + 128) >> 8));
  store<u8>(dst + planeStride, clampU8((c - 100 * d - 208 * e + 128) >> 8));
  store<u8>(dst + 2 * planeStride, clampU8((c + 516 * d + 128) >> 8));
}

// Four pixels' channel from i32 lanes: ((c + k1*d + k2*e + 128) >> 8)
@inline function chan(c: v128, d: v128, e: v128, kd: i32, ke: i32): v128 {
  return i32x4.shr_s(i32x4.add(i32x4.add(c, i32x4.add(i32x4.mul(d, i32x4.splat(kd)), i32x4.mul(e, i32x4.splat(ke)))), i32x4.splat(128)), 8);
}

// 16 pixels' channel packed to u8 with saturation (the clamp).
@inline function pack(a: v128, b: v128, c: v128, d: v128): v128 {
  return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(a, b), i16x8.narrow_i32x4_s(c, d));
}

@inline function yuv(simd: bool, yp: usize, up: usize, vp: usize, yStride: i32, uvStride: i32,
  dst: usize, h: i32, w: i32, planeStride: i32): void {
  const ps = <usize>planeStride;
  for (let r = 0; r < h; r++) {
    const yr = yp + <usize>r * <usize>yStride, ur = up + <usize>(r >> 1) * <usize>uvStride, vr = vp + <usize>(r >> 1) * <usize>uvStride;
    const out = dst + <usize>r * <usize>w;
    let x = 0;
    if (simd) {
      const k16 = i32x4.splat(16), k128 = i32x4.splat(128), k298 = i32x4.splat(298);
      for (; x + 16 <= w; x += 16) {
        const yv = v128.load(yr + <usize>x);
        const u8v = v128.load64_zero(ur + <usize>(x >> 1)), v8v = v128.load64_zero(vr + <usize>(x >> 1));
        // duplicate each chroma sample for its two pixels
        const uu = i8x16.shuffle(u8v, u8v, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
        const vv = i8x16.shuffle(v8v, v8v, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
        const yl = i16x8.extend_low_i8x16_u(yv), yh = i16x8.extend_high_i8x16_u(yv);
        const ul = i16x8.extend_low_i8x16_u(uu), uh = i16x8.extend_high_i8x16_u(uu);
        const vl = i16x8.extend_low_i8x16_u(vv), vh = i16x8.extend_high_i8x16_u(vv);
        const c0 = i32x4.mul(i32x4.sub(i32x4.extend_low_i16x8_u(yl), k16), k298);
        const c1 = i32x4.mul(i32x4.sub(i32x4.extend_high_i16x8_u(yl), k16), k298);
        const c2 = i32x4.mul(i32x4.sub(i32x4.extend_low_i16x8_u(yh), k16), k298);
        const c3 = i32x4.mul(i32x4.sub(i32x4.extend_high_i16x8_u(yh), k16), k298);
        const d0 = i32x4.sub(i32x4.extend_low_i16x8_u(ul), k128), d1 = i32x4.sub(i32x4.extend_high_i16x8_u(ul), k128);
        const d2 = i32x4.sub(i32x4.extend_low_i16x8_u(uh), k128), d3 = i32x4.sub(i32x4.extend_high_i16x8_u(uh), k128);
        const e0 = i32x4.sub(i32x4.extend_low_i16x8_u(vl), k128), e1 = i32x4.sub(i32x4.extend_high_i16x8_u(vl), k128);
        const e2 = i32x4.sub(i32x4.extend_low_i16x8_u(vh), k128), e3 = i32x4.sub(i32x4.extend_high_i16x8_u(vh), k128);
        v128.store(out + <usize>x, pack(chan(c0, d0, e0, 0, 409), chan(c1, d1, e1, 0, 409), chan(c2, d2, e2, 0, 409), chan(c3, d3, e3, 0, 409)));
        v128.store(out + ps + <usize>x, pack(chan(c0, d0, e0, -100, -208), chan(c1, d1, e1, -100, -208), chan(c2, d2, e2, -100, -208), chan(c3, d3, e3, -100, -208)));
        v128.store(out + 2 * ps + <usize>x, pack(chan(c0, d0, e0, 516, 0), chan(c1, d1, e1, 516, 0), chan(c2, d2, e2, 516, 0), chan(c3, d3, e3, 516, 0)));
      }
    }
    for (; x < w; x++) {
      pixelScalar(<i32>load<u8>(yr + <usize>x), <i32>load<u8>(ur + <usize>(x >> 1)), <i32>load<u8>(vr + <usize>(x >> 1)), out + <usize>x, ps);
    }
  }
}

export function yuv420p_to_rgb(yp: usize, up: usize, vp: usize, yStride: i32, uvStride: i32, dst: usize, h: i32, w: i32, planeStride: i32): void {
  yuv(true, yp, up, vp, yStride, uvStride, dst, h, w, planeStride);
}
export function yuv420p_to_rgb_scalar(yp: usize, up: usize, vp: usize, yStride: i32, uvStride: i32, dst: usize, h: i32, w: i32, planeStride: i32): void {
  yuv(false, yp, up, vp, yStride, uvStride, dst, h, w, planeStride);
}
