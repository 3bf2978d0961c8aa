// Resizing planes of a [C, T, H, W] video (C*T planes of H x W) into f32 planes, with
// PyTorch's F.interpolate semantics (align_corners=False): bilinear and legacy 'nearest'.
//
// Bilinear is done separably in the order PyTorch's CPU kernel evaluates it, so results match
// to float rounding: each needed source row is first interpolated along W
// (x0*w0 + x1*w1, into a row buffer), then two such rows are blended along H (rA*h0 + rB*h1).
// Consecutive output rows usually share source rows, so the two row buffers act as a cache.
//
// The source may be a window of a larger plane (crop + resize in one pass): `src` points at the
// window's first element, `planeStride`/`rowStride` are the full plane's strides in elements.
// The output may be a window too (resize + crop in one pass): rows oy.. and columns ox.. of a
// virtual fullH x fullW result, bit-identical to resizing fully and cropping.
// `work` is caller-owned scratch (vidwasm malloc) of 6 * outW * 4 bytes: no allocation here.

// Source coordinate of output index `dst` (area_pixel_compute_source_index, not cubic). As in
// PyTorch, the scale is float (in / out) but the coordinate and the weight lambda1 are computed in
// the accumulate type, double, and rounded to float once: on a 1080p frame a float coordinate
// (~1919.5, ulp 1.2e-4) puts the weights 1e-2 (of 255) away from PyTorch's.
@inline function srcCoord(scale: f32, dst: i32): f64 {
  const s: f64 = <f64>scale * (<f64>dst + 0.5) - 0.5;
  return s < 0 ? 0 : s;
}

// lambda1 = min(s - floor(s), 1), rounded to float once (lambda0 = 1 - lambda1 in float).
@inline function weight1(s: f64, i0: i32): f32 {
  const l1: f64 = s - <f64>i0;
  return <f32>(l1 > 1 ? 1 : l1);
}

// Fills the column tables: xi0/xi1 (element indices) and weights xw0/xw1, for output columns
// ox .. ox+outW-1 of a fullW-wide output.
function prepColumns(work: usize, inW: i32, outW: i32, fullW: i32, ox: i32): void {
  const scale: f32 = <f32>inW / <f32>fullW;
  const xi0 = work, xi1 = work + <usize>outW * 4, xw0 = xi1 + <usize>outW * 4, xw1 = xw0 + <usize>outW * 4;
  for (let x = 0; x < outW; x++) {
    const s = srcCoord(scale, x + ox);
    const i0 = <i32>s;
    const l1 = weight1(s, i0);
    const off = x << 2;
    store<i32>(xi0 + off, i0);
    store<i32>(xi1 + off, i0 + (i0 < inW - 1 ? 1 : 0));
    store<f32>(xw0 + off, <f32>1 - l1);
    store<f32>(xw1 + off, l1);
  }
}

// One source row interpolated along W, scalar.
@inline function hrowScalar<T>(row: usize, work: usize, outW: i32, out: usize): void {
  const xi0 = work, xi1 = work + <usize>outW * 4, xw0 = xi1 + <usize>outW * 4, xw1 = xw0 + <usize>outW * 4;
  for (let x = 0; x < outW; x++) {
    const off = <usize>(x << 2);
    const a = <f32>load<T>(row + (<usize>load<i32>(xi0 + off) << alignof<T>()));
    const b = <f32>load<T>(row + (<usize>load<i32>(xi1 + off) << alignof<T>()));
    store<f32>(out + off, a * load<f32>(xw0 + off) + b * load<f32>(xw1 + off));
  }
}

// Same, four outputs per step: gathers into lanes, then one SIMD lerp.
@inline function hrowSimd<T>(row: usize, work: usize, outW: i32, out: usize): void {
  const xi0 = work, xi1 = work + <usize>outW * 4, xw0 = xi1 + <usize>outW * 4, xw1 = xw0 + <usize>outW * 4;
  let x = 0;
  for (; x + 4 <= outW; x += 4) {
    const off = <usize>(x << 2);
    let a = f32x4.splat(<f32>load<T>(row + (<usize>load<i32>(xi0 + off) << alignof<T>())));
    a = f32x4.replace_lane(a, 1, <f32>load<T>(row + (<usize>load<i32>(xi0 + off + 4) << alignof<T>())));
    a = f32x4.replace_lane(a, 2, <f32>load<T>(row + (<usize>load<i32>(xi0 + off + 8) << alignof<T>())));
    a = f32x4.replace_lane(a, 3, <f32>load<T>(row + (<usize>load<i32>(xi0 + off + 12) << alignof<T>())));
    let b = f32x4.splat(<f32>load<T>(row + (<usize>load<i32>(xi1 + off) << alignof<T>())));
    b = f32x4.replace_lane(b, 1, <f32>load<T>(row + (<usize>load<i32>(xi1 + off + 4) << alignof<T>())));
    b = f32x4.replace_lane(b, 2, <f32>load<T>(row + (<usize>load<i32>(xi1 + off + 8) << alignof<T>())));
    b = f32x4.replace_lane(b, 3, <f32>load<T>(row + (<usize>load<i32>(xi1 + off + 12) << alignof<T>())));
    v128.store(out + off, f32x4.add(f32x4.mul(a, v128.load(xw0 + off)), f32x4.mul(b, v128.load(xw1 + off))));
  }
  for (; x < outW; x++) {
    const off = <usize>(x << 2);
    const a = <f32>load<T>(row + (<usize>load<i32>(xi0 + off) << alignof<T>()));
    const b = <f32>load<T>(row + (<usize>load<i32>(xi1 + off) << alignof<T>()));
    store<f32>(out + off, a * load<f32>(xw0 + off) + b * load<f32>(xw1 + off));
  }
}

@inline function hrow<T>(simd: bool, row: usize, work: usize, outW: i32, out: usize): void {
  if (simd) hrowSimd<T>(row, work, outW, out);
  else hrowScalar<T>(row, work, outW, out);
}

@inline function vblend(simd: bool, ra: usize, rb: usize, h0: f32, h1: f32, out: usize, n: i32): void {
  let x = 0;
  if (simd) {
    const v0 = f32x4.splat(h0), v1 = f32x4.splat(h1);
    for (; x + 4 <= n; x += 4) {
      const off = <usize>(x << 2);
      v128.store(out + off, f32x4.add(f32x4.mul(v128.load(ra + off), v0), f32x4.mul(v128.load(rb + off), v1)));
    }
  }
  for (; x < n; x++) {
    const off = <usize>(x << 2);
    store<f32>(out + off, load<f32>(ra + off) * h0 + load<f32>(rb + off) * h1);
  }
}

@inline function bilinear<T>(simd: bool, src: usize, planeStride: i32, rowStride: i32, inH: i32, inW: i32,
  dst: usize, outH: i32, outW: i32, planes: i32, work: usize, fullH: i32, fullW: i32, oy: i32, ox: i32): void {
  prepColumns(work, inW, outW, fullW, ox);
  const buf0 = work + <usize>outW * 16, buf1 = buf0 + <usize>outW * 4;
  const scaleH: f32 = <f32>inH / <f32>fullH;
  const esz = <usize>sizeof<T>();
  for (let p = 0; p < planes; p++) {
    const plane = src + <usize>p * <usize>planeStride * esz;
    const outPlane = dst + <usize>p * <usize>outH * <usize>outW * 4;
    let tag0 = -1, tag1 = -1;
    for (let y = 0; y < outH; y++) {
      const s = srcCoord(scaleH, y + oy);
      const h0 = <i32>s;
      const h1 = h0 + (h0 < inH - 1 ? 1 : 0);
      const l1 = weight1(s, h0);
      let pa: usize, pb: usize;
      if (tag0 == h0) pa = buf0;
      else if (tag1 == h0) pa = buf1;
      else if (tag0 == h1) { hrow<T>(simd, plane + <usize>h0 * <usize>rowStride * esz, work, outW, buf1); tag1 = h0; pa = buf1; }
      else { hrow<T>(simd, plane + <usize>h0 * <usize>rowStride * esz, work, outW, buf0); tag0 = h0; pa = buf0; }
      if (tag0 == h1) pb = buf0;
      else if (tag1 == h1) pb = buf1;
      else if (pa == buf0) { hrow<T>(simd, plane + <usize>h1 * <usize>rowStride * esz, work, outW, buf1); tag1 = h1; pb = buf1; }
      else { hrow<T>(simd, plane + <usize>h1 * <usize>rowStride * esz, work, outW, buf0); tag0 = h1; pb = buf0; }
      vblend(simd, pa, pb, <f32>1 - l1, l1, outPlane + <usize>y * <usize>outW * 4, outW);
    }
  }
}

export function resize_bilinear_u8_f32(src: usize, planeStride: i32, rowStride: i32, inH: i32, inW: i32,
  dst: usize, outH: i32, outW: i32, planes: i32, work: usize, fullH: i32, fullW: i32, oy: i32, ox: i32): void {
  bilinear<u8>(true, src, planeStride, rowStride, inH, inW, dst, outH, outW, planes, work, fullH, fullW, oy, ox);
}
export function resize_bilinear_u8_f32_scalar(src: usize, planeStride: i32, rowStride: i32, inH: i32, inW: i32,
  dst: usize, outH: i32, outW: i32, planes: i32, work: usize, fullH: i32, fullW: i32, oy: i32, ox: i32): void {
  bilinear<u8>(false, src, planeStride, rowStride, inH, inW, dst, outH, outW, planes, work, fullH, fullW, oy, ox);
}
export function resize_bilinear_f32(src: usize, planeStride: i32, rowStride: i32, inH: i32, inW: i32,
  dst: usize, outH: i32, outW: i32, planes: i32, work: usize, fullH: i32, fullW: i32, oy: i32, ox: i32): void {
  bilinear<f32>(true, src, planeStride, rowStride, inH, inW, dst, outH, outW, planes, work, fullH, fullW, oy, ox);
}
export function resize_bilinear_f32_scalar(src: usize, planeStride: i32, rowStride: i32, inH: i32, inW: i32,
  dst: usize, outH: i32, outW: i32, planes: i32, work: usize, fullH: i32, fullW: i32, oy: i32, ox: i32): void {
  bilinear<f32>(false, src, planeStride, rowStride, inH, inW, dst, outH, outW, planes, work, fullH, fullW, oy, ox);
}

// PyTorch's legacy 'nearest' source index (nearest_idx): identity and exact 2x upsampling are
// special-cased, otherwise min(floor(dst * in/out), in - 1) in float.
@inline function nearestIdx(dst: i32, inSize: i32, outSize: i32, scale: f32): i32 {
  if (outSize == inSize) return dst;
  if (outSize == 2 * inSize) return dst >> 1;
  const i = <i32>Mathf.floor(<f32>dst * scale);
  return i < inSize - 1 ? i : inSize - 1;
}

@inline function nearest<T>(simd: bool, src: usize, planeStride: i32, rowStride: i32, inH: i32, inW: i32,
  dst: usize, outH: i32, outW: i32, planes: i32, work: usize, fullH: i32, fullW: i32, oy: i32, ox: i32): void {
  const scaleW: f32 = <f32>inW / <f32>fullW, scaleH: f32 = <f32>inH / <f32>fullH;
  const esz = <usize>sizeof<T>();
  for (let x = 0; x < outW; x++) store<i32>(work + (<usize>x << 2), nearestIdx(x + ox, inW, fullW, scaleW));
  for (let p = 0; p < planes; p++) {
    const plane = src + <usize>p * <usize>planeStride * esz;
    const outPlane = dst + <usize>p * <usize>outH * <usize>outW * 4;
    for (let y = 0; y < outH; y++) {
      const row = plane + <usize>nearestIdx(y + oy, inH, fullH, scaleH) * <usize>rowStride * esz;
      const out = outPlane + <usize>y * <usize>outW * 4;
      let x = 0;
      if (simd) {
        for (; x + 4 <= outW; x += 4) {
          const off = <usize>(x << 2);
          let v = f32x4.splat(<f32>load<T>(row + (<usize>load<i32>(work + off) << alignof<T>())));
          v = f32x4.replace_lane(v, 1, <f32>load<T>(row + (<usize>load<i32>(work + off + 4) << alignof<T>())));
          v = f32x4.replace_lane(v, 2, <f32>load<T>(row + (<usize>load<i32>(work + off + 8) << alignof<T>())));
          v = f32x4.replace_lane(v, 3, <f32>load<T>(row + (<usize>load<i32>(work + off + 12) << alignof<T>())));
          v128.store(out + off, v);
        }
      }
      for (; x < outW; x++) {
        const off = <usize>(x << 2);
        store<f32>(out + off, <f32>load<T>(row + (<usize>load<i32>(work + off) << alignof<T>())));
      }
    }
  }
}

export function resize_nearest_u8_f32(src: usize, planeStride: i32, rowStride: i32, inH: i32, inW: i32,
  dst: usize, outH: i32, outW: i32, planes: i32, work: usize, fullH: i32, fullW: i32, oy: i32, ox: i32): void {
  nearest<u8>(true, src, planeStride, rowStride, inH, inW, dst, outH, outW, planes, work, fullH, fullW, oy, ox);
}
export function resize_nearest_u8_f32_scalar(src: usize, planeStride: i32, rowStride: i32, inH: i32, inW: i32,
  dst: usize, outH: i32, outW: i32, planes: i32, work: usize, fullH: i32, fullW: i32, oy: i32, ox: i32): void {
  nearest<u8>(false, src, planeStride, rowStride, inH, inW, dst, outH, outW, planes, work, fullH, fullW, oy, ox);
}
export function resize_nearest_f32(src: usize, planeStride: i32, rowStride: i32, inH: i32, inW: i32,
  dst: usize, outH: i32, outW: i32, planes: i32, work: usize, fullH: i32, fullW: i32, oy: i32, ox: i32): void {
  nearest<f32>(true, src, planeStride, rowStride, inH, inW, dst, outH, outW, planes, work, fullH, fullW, oy, ox);
}
export function resize_nearest_f32_scalar(src: usize, planeStride: i32, rowStride: i32, inH: i32, inW: i32,
  dst: usize, outH: i32, outW: i32, planes: i32, work: usize, fullH: i32, fullW: i32, oy: i32, ox: i32): void {
  nearest<f32>(false, src, planeStride, rowStride, inH, inW, dst, outH, outW, planes, work, fullH, fullW, oy, ox);
}
