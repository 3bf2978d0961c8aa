// Crop and horizontal flip of C*T planes, for 1-byte (u8) or 4-byte (f32) elements.
// Crop reads a window of each plane (`src` = window start, strides of the full plane in
// elements) and writes contiguous outH x outW planes. Flip reverses every row (out-of-place).

@inline function crop(simd: bool, src: usize, planeStride: i32, rowStride: i32, dst: usize,
  outH: i32, outW: i32, planes: i32, esz: i32): void {
  const rowBytes = <usize>outW * <usize>esz;
  for (let p = 0; p < planes; p++) {
    const plane = src + <usize>p * <usize>planeStride * <usize>esz;
    const outPlane = dst + <usize>p * <usize>outH * rowBytes;
    for (let y = 0; y < outH; y++) {
      const from = plane + <usize>y * <usize>rowStride * <usize>esz, to = outPlane + <usize>y * rowBytes;
      if (simd) {
        // 16 bytes per step, then a byte tail
        let i: usize = 0;
        for (; i + 16 <= rowBytes; i += 16) v128.store(to + i, v128.load(from + i));
        for (; i < rowBytes; i++) store<u8>(to + i, load<u8>(from + i));
      } else {
        for (let i: usize = 0; i < rowBytes; i++) store<u8>(to + i, load<u8>(from + i));
      }
    }
  }
}

export function crop_planes(src: usize, planeStride: i32, rowStride: i32, dst: usize, outH: i32, outW: i32, planes: i32, esz: i32): void {
  crop(true, src, planeStride, rowStride, dst, outH, outW, planes, esz);
}
export function crop_planes_scalar(src: usize, planeStride: i32, rowStride: i32, dst: usize, outH: i32, outW: i32, planes: i32, esz: i32): void {
  crop(false, src, planeStride, rowStride, dst, outH, outW, planes, esz);
}

@inline function flipRowsF32(simd: bool, src: usize, dst: usize, rows: i32, w: i32): void {
  for (let r = 0; r < rows; r++) {
    const a = src + <usize>r * <usize>w * 4, b = dst + <usize>r * <usize>w * 4;
    let x = 0;
    if (simd) {
      // out[x..x+3] = reverse(in[w-4-x .. w-1-x])
      for (; x + 4 <= w; x += 4) {
        const v = v128.load(a + (<usize>(w - 4 - x) << 2));
        v128.store(b + (<usize>x << 2), i8x16.shuffle(v, v, 12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3));
      }
    }
    for (; x < w; x++) store<f32>(b + (<usize>x << 2), load<f32>(a + (<usize>(w - 1 - x) << 2)));
  }
}

@inline function flipRowsU8(simd: bool, src: usize, dst: usize, rows: i32, w: i32): void {
  for (let r = 0; r < rows; r++) {
    const a = src + <usize>r * <usize>w, b = dst + <usize>r * <usize>w;
    let x = 0;
    if (simd) {
      for (; x + 16 <= w; x += 16) {
        const v = v128.load(a + <usize>(w - 16 - x));
        v128.store(b + <usize>x, i8x16.shuffle(v, v, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
      }
    }
    for (; x < w; x++) store<u8>(b + <usize>x, load<u8>(a + <usize>(w - 1 - x)));
  }
}

/** rows = C*T*H rows of w elements each (esz 1 or 4). */
export function hflip(src: usize, dst: usize, rows: i32, w: i32, esz: i32): void {
  if (esz == 4) flipRowsF32(true, src, dst, rows, w);
  else flipRowsU8(true, src, dst, rows, w);
}
export function hflip_scalar(src: usize, dst: usize, rows: i32, w: i32, esz: i32): void {
  if (esz == 4) flipRowsF32(false, src, dst, rows, w);
  else flipRowsU8(false, src, dst, rows, w);
}
