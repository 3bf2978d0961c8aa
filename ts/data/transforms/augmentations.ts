// The augmentation functions of pytorchvideo.transforms.augmentations (which call torchvision's
// tensor functional ops), on videos [T, C, H, W] as PyTorchVideo's RandAugment/AugMix expect,
// u8 (0..255) or f32 (0..1). Arithmetic follows torchvision 0.14's float32 steps, including its
// casts back to u8 (truncation after blends, round-half-even after warps and blurs).
// These run in TypeScript over the tensor's storage: they are per-pixel cheap next to decoding,
// and RandAugment/AugMix apply only a few of them per clip.
import { Tensor } from '../../runtime/tensor.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../../runtime/errors.js';
import { linspaceF32 } from './functional_video.js';

const f = Math.fround;

function checkTCHW(op: string, v: Tensor, needRgb = false): void {
  if (!(v instanceof Tensor)) throw new ArgumentError(`${op}: expected a video Tensor [T, C, H, W]`);
  if (v.rank !== 4) throw new ShapeError(`${op}: expected a video of shape [T, C, H, W], got ${fmtShape(v.shape)}`);
  if (v.dtype !== 'u8' && v.dtype !== 'f32') throw new DTypeError(`${op}: expected a u8 or f32 video, got ${v.dtype}`);
  if (needRgb && v.shape[1] !== 3 && v.shape[1] !== 1) throw new ShapeError(`${op}: needs 1 or 3 channels (dim 1 of [T, C, H, W]), got ${fmtShape(v.shape)}`);
  if (v.layout !== 'contiguous') throw new ArgumentError(`${op}: expected a contiguous video`);
}
const bound = (v: Tensor) => (v.dtype === 'u8' ? 255 : 1);
/** Back to the video's dtype: u8 truncates (Tensor.to(uint8)), f32 stays float32. */
const castTrunc = (v: Tensor, x: number) => (v.dtype === 'u8' ? Math.trunc(x) & 255 : f(x));
/** Round half to even (torch.round), then u8. */
function roundEven(x: number): number {
  const r = Math.round(x);
  return (Math.abs(x % 1) === 0.5 && r % 2 !== 0) ? r - 1 : r;
}
function outLike(v: Tensor, fill: (out: Float32Array | Uint8Array, src: Float32Array | Uint8Array) => void): Tensor {
  const out = Tensor.empty(v.shape, v.dtype);
  fill(out.data() as Float32Array | Uint8Array, v.data() as Float32Array | Uint8Array);
  return out;
}

/** torchvision _blend: (ratio * a + (1 - ratio) * b).clamp(0, bound).to(dtype). b indexed per element. */
function blend(v: Tensor, ratio: number, other: (i: number) => number): Tensor {
  const r = f(ratio), r1 = f(1 - ratio), b = bound(v);
  return outLike(v, (o, s) => {
    for (let i = 0; i < s.length; i++) o[i] = castTrunc(v, Math.min(b, Math.max(0, f(f(r * s[i]) + f(r1 * other(i))))));
  });
}

/** rgb_to_grayscale per pixel of each frame: [T, H*W] in the video's dtype (u8 truncated). */
function grayscale(v: Tensor): Float32Array {
  const [t, c, h, w] = v.shape, n = h * w, s = v.data();
  const g = new Float32Array(t * n);
  for (let ti = 0; ti < t; ti++) {
    const base = ti * c * n;
    for (let i = 0; i < n; i++) {
      if (c === 1) { g[ti * n + i] = s[base + i]; continue; }
      const l = f(f(f(f(0.2989) * s[base + i]) + f(f(0.587) * s[base + n + i])) + f(f(0.114) * s[base + 2 * n + i]));
      g[ti * n + i] = v.dtype === 'u8' ? Math.trunc(l) : l;
    }
  }
  return g;
}

export function adjustBrightness(v: Tensor, factor: number): Tensor {
  checkTCHW('adjustBrightness', v);
  if (factor < 0) throw new ArgumentError(`adjustBrightness: factor ${factor} is negative`);
  return blend(v, factor, () => 0);
}

export function adjustContrast(v: Tensor, factor: number): Tensor {
  checkTCHW('adjustContrast', v, true);
  if (factor < 0) throw new ArgumentError(`adjustContrast: factor ${factor} is negative`);
  const [t, c, h, w] = v.shape, n = h * w, g = grayscale(v);
  const means = new Float32Array(t);
  for (let ti = 0; ti < t; ti++) { let s = 0; for (let i = 0; i < n; i++) s += g[ti * n + i]; means[ti] = f(s / n); }
  return blend(v, factor, (i) => means[Math.floor(i / (c * n))]);
}

export function adjustSaturation(v: Tensor, factor: number): Tensor {
  checkTCHW('adjustSaturation', v, true);
  if (factor < 0) throw new ArgumentError(`adjustSaturation: factor ${factor} is negative`);
  const [, c, h, w] = v.shape, n = h * w;
  if (c === 1) return outLike(v, (o, s) => o.set(s));
  const g = grayscale(v);
  return blend(v, factor, (i) => g[Math.floor(i / (c * n)) * n + (i % n)]);
}

export function adjustSharpness(v: Tensor, factor: number): Tensor {
  checkTCHW('adjustSharpness', v);
  if (factor < 0) throw new ArgumentError(`adjustSharpness: factor ${factor} is negative`);
  const [t, c, h, w] = v.shape;
  if (h <= 2 || w <= 2) return outLike(v, (o, s) => o.set(s));
  // degenerate image: 3x3 [1 1 1; 1 5 1; 1 1 1] / 13 blur inside, the original on the border
  const k1 = f(1 / 13), k5 = f(5 / 13);
  const s = v.data(), deg = new Float32Array(s.length);
  for (let p = 0; p < t * c; p++) {
    const o = p * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = o + y * w + x;
        if (y === 0 || x === 0 || y === h - 1 || x === w - 1) { deg[i] = s[i]; continue; }
        let acc = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) acc = f(acc + f(s[i + dy * w + dx] * (dy === 0 && dx === 0 ? k5 : k1)));
        deg[i] = v.dtype === 'u8' ? roundEven(acc) : acc;
      }
    }
  }
  return blend(v, factor, (i) => deg[i]);
}

export function autocontrast(v: Tensor): Tensor {
  checkTCHW('autocontrast', v);
  const [t, c, h, w] = v.shape, n = h * w, b = bound(v);
  return outLike(v, (o, s) => {
    for (let p = 0; p < t * c; p++) {
      let lo = Infinity, hi = -Infinity;
      for (let i = p * n; i < (p + 1) * n; i++) { lo = Math.min(lo, s[i]); hi = Math.max(hi, s[i]); }
      let scale = f(b / f(hi - lo));
      if (!Number.isFinite(scale)) { lo = 0; scale = 1; }
      for (let i = p * n; i < (p + 1) * n; i++) o[i] = castTrunc(v, Math.min(b, Math.max(0, f(f(s[i] - lo) * scale))));
    }
  });
}

/** Histogram equalisation per frame and channel (torchvision equalize on u8). */
function equalizeU8(src: Uint8Array, dst: Uint8Array, planes: number, n: number): void {
  const hist = new Int32Array(256), lut = new Int32Array(256);
  for (let p = 0; p < planes; p++) {
    const o = p * n;
    hist.fill(0);
    for (let i = 0; i < n; i++) hist[src[o + i]]++;
    // step = (sum of non-zero bins except the last non-zero one) // 255
    let last = 255;
    while (last > 0 && hist[last] === 0) last--;
    let total = 0;
    for (let k = 0; k < 256; k++) if (hist[k] !== 0 && k !== last) total += hist[k];
    const step = Math.floor(total / 255);
    if (step === 0) { for (let i = 0; i < n; i++) dst[o + i] = src[o + i]; continue; }
    let cum = 0;
    lut[0] = 0;
    for (let k = 0; k < 255; k++) { cum += hist[k]; lut[k + 1] = Math.min(255, Math.floor((cum + Math.floor(step / 2)) / step)); }
    for (let i = 0; i < n; i++) dst[o + i] = lut[src[o + i]];
  }
}

export function equalize(v: Tensor): Tensor {
  checkTCHW('equalize', v);
  const [t, c, h, w] = v.shape;
  if (v.dtype === 'u8') return outLike(v, (o, s) => equalizeU8(s as Uint8Array, o as Uint8Array, t * c, h * w));
  // pytorchvideo: (video * 255).to(uint8) -> equalize -> / 255
  const s = v.data() as Float32Array, q = Uint8Array.from(s, (x) => Math.trunc(f(x * 255)) & 255), e = new Uint8Array(q.length);
  equalizeU8(q, e, t * c, h * w);
  return outLike(v, (o) => { for (let i = 0; i < e.length; i++) o[i] = f(e[i] / 255); });
}

export function invert(v: Tensor): Tensor {
  checkTCHW('invert', v);
  const b = bound(v);
  return outLike(v, (o, s) => { for (let i = 0; i < s.length; i++) o[i] = v.dtype === 'u8' ? b - s[i] : f(b - s[i]); });
}

export function posterize(v: Tensor, bits: number): Tensor {
  checkTCHW('posterize', v);
  if (!(Number.isInteger(bits) && bits >= 0 && bits <= 8)) throw new ArgumentError(`posterize: bits must be an integer in [0, 8], got ${bits}`);
  if (bits >= 8) return outLike(v, (o, s) => o.set(s));
  const mask = (0xff << (8 - bits)) & 0xff;
  if (v.dtype === 'u8') return outLike(v, (o, s) => { for (let i = 0; i < s.length; i++) o[i] = s[i] & mask; });
  return outLike(v, (o, s) => { for (let i = 0; i < s.length; i++) o[i] = f(((Math.trunc(f(s[i] * 255)) & 255) & mask) / 255); });
}

export function solarize(v: Tensor, threshold: number): Tensor {
  checkTCHW('solarize', v);
  const b = bound(v);
  if (threshold > b) throw new ArgumentError(`solarize: threshold ${threshold} is above the ${v.dtype} bound ${b}`);
  return outLike(v, (o, s) => { for (let i = 0; i < s.length; i++) o[i] = s[i] >= threshold ? (v.dtype === 'u8' ? b - s[i] : f(b - s[i])) : s[i]; });
}

/**
 * torchvision functional_tensor.affine: theta (2x3, maps output pixel coordinates centred on the
 * image to input ones) -> normalised affine grid -> grid_sample(bilinear, zeros,
 * align_corners=False), with `fill` blended in through a sampled mask channel.
 */
export function affine(v: Tensor, matrix: readonly number[], fill: readonly number[] | null = [0.5, 0.5, 0.5]): Tensor {
  checkTCHW('affine', v);
  if (matrix.length !== 6) throw new ArgumentError(`affine: matrix must have 6 values, got ${matrix.length}`);
  const [t, c, h, w] = v.shape, n = h * w;
  if (fill && fill.length > 1 && fill.length !== c) throw new ArgumentError(`affine: fill has ${fill.length} values for ${c} channels`);
  const th = matrix.map(f);
  const sx = f(0.5 * w), sy = f(0.5 * h);
  const r00 = f(th[0] / sx), r10 = f(th[1] / sx), r20 = f(th[2] / sx);  // x row of theta^T / [w/2, h/2]
  const r01 = f(th[3] / sy), r11 = f(th[4] / sy), r21 = f(th[5] / sy);
  const xs = linspaceF32(-w * 0.5 + 0.5, w * 0.5 + 0.5 - 1, w), ys = linspaceF32(-h * 0.5 + 0.5, h * 0.5 + 0.5 - 1, h);
  const src = v.data();
  const out = Tensor.empty(v.shape, v.dtype);
  const o = out.data();
  const vals = new Float32Array(c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const gx = f(f(f(xs[x] * r00) + f(ys[y] * r10)) + r20), gy = f(f(f(xs[x] * r01) + f(ys[y] * r11)) + r21);
      const ix = f(f(f(f(gx + 1) * w) - 1) / 2), iy = f(f(f(f(gy + 1) * h) - 1) / 2);
      const x0 = Math.floor(ix), y0 = Math.floor(iy), x1 = x0 + 1, y1 = y0 + 1;
      const wNW = f(f(x1 - ix) * f(y1 - iy)), wNE = f(f(ix - x0) * f(y1 - iy)), wSW = f(f(x1 - ix) * f(iy - y0)), wSE = f(f(ix - x0) * f(iy - y0));
      const in00 = x0 >= 0 && x0 < w && y0 >= 0 && y0 < h, in01 = x1 >= 0 && x1 < w && y0 >= 0 && y0 < h;
      const in10 = x0 >= 0 && x0 < w && y1 >= 0 && y1 < h, in11 = x1 >= 0 && x1 < w && y1 >= 0 && y1 < h;
      const mask = f(f(f((in00 ? wNW : 0) + (in01 ? wNE : 0)) + (in10 ? wSW : 0)) + (in11 ? wSE : 0));
      for (let ti = 0; ti < t; ti++) {
        for (let ci = 0; ci < c; ci++) {
          const p = (ti * c + ci) * n;
          let acc = 0;
          if (in00) acc = f(acc + f(src[p + y0 * w + x0] * wNW));
          if (in01) acc = f(acc + f(src[p + y0 * w + x1] * wNE));
          if (in10) acc = f(acc + f(src[p + y1 * w + x0] * wSW));
          if (in11) acc = f(acc + f(src[p + y1 * w + x1] * wSE));
          vals[ci] = fill ? f(f(acc * mask) + f(f(1 - mask) * f(fill.length === 1 ? fill[0] : fill[ci]))) : acc;
          o[p + y * w + x] = v.dtype === 'u8' ? Math.min(255, Math.max(0, roundEven(vals[ci]))) : vals[ci];
        }
      }
    }
  }
  return out;
}

/** torchvision rotate(angle degrees counter-clockwise, about the centre, bilinear, no expand). */
export function rotate(v: Tensor, angle: number, fill: readonly number[] | null = [0.5, 0.5, 0.5]): Tensor {
  // _get_inverse_affine_matrix(center 0, -angle, no translate/shear, scale 1)
  const rot = (-angle * Math.PI) / 180;
  const a = Math.cos(rot), b = -Math.sin(rot), c = Math.sin(rot), d = Math.cos(rot);
  return affine(v, [d, -b, 0, -c, a, 0], fill);
}
/** pytorchvideo _shear_x: affine [1, s, H*s/2, 0, 1, 0]. */
export function shearX(v: Tensor, factor: number, fill: readonly number[] | null = [0.5, 0.5, 0.5]): Tensor {
  return affine(v, [1, factor, (v.shape[2] * factor) / 2, 0, 1, 0], fill);
}
/** pytorchvideo _shear_y: affine [1, 0, 0, s, 1, W*s/2]. */
export function shearY(v: Tensor, factor: number, fill: readonly number[] | null = [0.5, 0.5, 0.5]): Tensor {
  return affine(v, [1, 0, 0, factor, 1, (v.shape[3] * factor) / 2], fill);
}
/** pytorchvideo _translate_x: shift by factor * W. */
export function translateX(v: Tensor, factor: number, fill: readonly number[] | null = [0.5, 0.5, 0.5]): Tensor {
  return affine(v, [1, 0, factor * v.shape[3], 0, 1, 0], fill);
}
/** pytorchvideo _translate_y: shift by factor * H. */
export function translateY(v: Tensor, factor: number, fill: readonly number[] | null = [0.5, 0.5, 0.5]): Tensor {
  return affine(v, [1, 0, 0, 0, 1, factor * v.shape[2]], fill);
}
