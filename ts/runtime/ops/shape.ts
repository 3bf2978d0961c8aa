// Shape and layout ops: reshape/view, flatten, permute/transpose, layout changes, expand,
// clone and dtype casts. (concat, slice, pad live in ./slicing.ts.)
import { Tensor, layoutPerm, numel, stridesOf, type Layout, type Shape } from '../tensor.js';
import { DTYPE_BYTES, type DType } from '../dtype.js';
import { params, heapU8 } from '../wasm.js';
import { record, gradRules } from '../tape.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { expectTensor, normDim, sameShape, elementWidth } from './util.js';
import { sumTo } from './reduce.js';
import * as vw from '../kernels.gen.js';

const ALL: DType[] = ['f32', 'i32', 'u8', 'i8', 'f16'];

/** Permutes storage: y (contiguous) = x.storage viewed as `inShape`, dims reordered by perm. */
function permuteRaw(x: Tensor, inShape: number[], perm: number[], outShape: Shape, layout: Layout): Tensor {
  const y = Tensor.empty(outShape, x.dtype, layout);
  if (y.size === 0) return y;
  // Drop size-1 dims: they do not move data and keep the kernel's loops short.
  const keepDims = inShape.map((d, i) => (d !== 1 ? i : -1)).filter((i) => i >= 0);
  const remap = new Map(keepDims.map((d, i) => [d, i]));
  const sh = keepDims.map((d) => inShape[d]);
  const pm = perm.filter((d) => inShape[d] !== 1).map((d) => remap.get(d)!);
  const bytes = DTYPE_BYTES[x.dtype];
  if (pm.every((d, i) => d === i)) heapU8().copyWithin(y.ptr, x.ptr, x.ptr + x.size * bytes);
  else vw[`${elementWidth(bytes)}_permute` as const](x.ptr, y.ptr, params([sh.length, ...sh, ...pm]));
  return y;
}

/** The same values in another storage layout (no-op when already there). */
export function toLayout(x: Tensor, layout: Layout): Tensor {
  expectTensor('toLayout', 'input', x, ALL);
  const target: Layout = x.rank < 3 ? 'contiguous' : layout;
  if (x.layout === target) return x;
  const src = layoutPerm(x.rank, x.layout); // storage dims, as shape dims
  const dst = layoutPerm(x.rank, target);
  const storageShape = src.map((d) => x.shape[d]);
  const perm = dst.map((d) => src.indexOf(d));
  const y = permuteRaw(x, storageShape, perm, x.shape, target);
  return record('toLayout', [x], y, { layout: x.layout });
}
gradRules.toLayout = (gy, n) => [toLayout(gy, n.saved.layout as Layout)];

export function contiguous(x: Tensor): Tensor { return toLayout(x, 'contiguous'); }

/** Reshape (like torch.reshape): shares storage when x is contiguous. One size may be -1. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  expectTensor('reshape', 'input', x, ALL);
  const s = [...shape];
  const neg = s.indexOf(-1);
  if (neg >= 0) {
    const rest = s.reduce((p, d, i) => (i === neg ? p : p * d), 1);
    if (rest === 0 || x.size % rest !== 0) throw new ShapeError(`reshape: cannot infer -1 in ${fmtShape(s)} for ${x.size} elements`);
    s[neg] = x.size / rest;
  }
  if (s.some((d) => !Number.isInteger(d) || d < 0) || numel(s) !== x.size) {
    throw new ShapeError(`reshape: ${x.describe()} (${x.size} elements) cannot be viewed as ${fmtShape(shape)}`);
  }
  const src = x.layout === 'contiguous' ? x : toLayout(x, 'contiguous');
  const y = src.shareStorage(s);
  if (src !== x) src.dispose();
  return record('reshape', [x], y, { shape: x.shape, layout: x.layout });
}
export const view = reshape;
gradRules.reshape = (gy, n) => {
  const g = reshape(gy, n.saved.shape as number[]);
  const l = n.saved.layout as Layout;
  if (l === 'contiguous') return [g];
  const r = toLayout(g, l);
  g.dispose();
  return [r];
};

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  const r = Math.max(x.rank, 1);
  const a = normDim('flatten', startDim, r), b = normDim('flatten', endDim, r);
  if (a > b) throw new ArgumentError(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const mid = x.shape.slice(a, b + 1).reduce((p, d) => p * d, 1);
  return reshape(x, [...x.shape.slice(0, a), mid, ...x.shape.slice(b + 1)]);
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normDim('squeeze', dim, x.rank);
  return x.shape[d] === 1 ? reshape(x, x.shape.filter((_, i) => i !== d)) : reshape(x, x.shape);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim('unsqueeze', dim, x.rank + 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/** torch.permute: a contiguous copy with dims reordered. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  expectTensor('permute', 'input', x, ALL);
  const perm = dims.map((d) => normDim('permute', d, x.rank));
  if (perm.length !== x.rank || new Set(perm).size !== x.rank) {
    throw new ArgumentError(`permute: ${JSON.stringify(dims)} is not a permutation of the ${x.rank} dims of ${fmtShape(x.shape)}`);
  }
  const src = layoutPerm(x.rank, x.layout);
  const storageShape = src.map((d) => x.shape[d]);
  const y = permuteRaw(x, storageShape, perm.map((d) => src.indexOf(d)), perm.map((d) => x.shape[d]), 'contiguous');
  return record('permute', [x], y, { perm });
}
gradRules.permute = (gy, n) => {
  const perm = n.saved.perm as number[];
  const inv = perm.map((_, i) => perm.indexOf(i));
  return [permute(gy, inv)];
};

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normDim('transpose', dim0, x.rank), b = normDim('transpose', dim1, x.rank);
  const perm = [...Array(x.rank).keys()];
  perm[a] = b; perm[b] = a;
  return permute(x, perm);
}

/** Materialised broadcast of x to shape (torch.expand + contiguous). */
export function expand(x: Tensor, shape: Shape): Tensor {
  expectTensor('expand', 'input', x, ['f32', 'i32']);
  const off = shape.length - x.rank;
  if (off < 0 || x.shape.some((d, i) => d !== 1 && d !== shape[i + off])) {
    throw new ShapeError(`expand: ${fmtShape(x.shape)} cannot be expanded to ${fmtShape(shape)}`);
  }
  if (sameShape(x.shape, shape)) return record('expand', [x], x.clone(), { shape: x.shape });
  const own = stridesOf(x.shape, x.layout);
  const st = shape.map((_, i) => (i < off || x.shape[i - off] === 1 ? 0 : own[i - off]));
  const y = Tensor.empty(shape, x.dtype);
  if (y.size > 0) vw.x32_expand(x.ptr, y.ptr, params([shape.length, ...shape, ...st]));
  return record('expand', [x], y, { shape: x.shape });
}
gradRules.expand = (gy, n) => [sumTo(gy, n.saved.shape as number[])];

export function clone(x: Tensor): Tensor {
  expectTensor('clone', 'input', x, ALL);
  const y = Tensor.empty(x.shape, x.dtype, x.layout);
  heapU8().copyWithin(y.ptr, x.ptr, x.ptr + x.nbytes);
  return record('clone', [x], y);
}
gradRules.clone = (gy) => [gy];

export function onesLike(x: Tensor): Tensor { return Tensor.full(x.shape, 1, 'f32', { layout: x.layout }); }
export function zerosLike(x: Tensor): Tensor { return Tensor.full(x.shape, 0, 'f32', { layout: x.layout }); }

/** dtype conversion; float -> int truncates toward zero, -> u8/i8 saturates (like a clamp + cast). */
export function cast(x: Tensor, dtype: DType): Tensor {
  expectTensor('cast', 'input', x, ALL);
  if (x.dtype === dtype) return x.clone();
  const y = Tensor.empty(x.shape, dtype, x.layout);
  const src = x.data(), dst = y.data();
  const toF = x.dtype === 'f16' ? f16ToF32 : (v: number) => v;
  const conv = dtype === 'f16' ? f32ToF16
    : dtype === 'u8' ? (v: number) => Math.min(255, Math.max(0, Math.trunc(v)))
      : dtype === 'i8' ? (v: number) => Math.min(127, Math.max(-128, Math.trunc(v)))
        : dtype === 'i32' ? Math.trunc : (v: number) => v;
  for (let i = 0; i < src.length; i++) dst[i] = conv(toF(src[i]));
  return y;
}

const f32buf = new Float32Array(1), u32buf = new Uint32Array(f32buf.buffer);
/** IEEE half to float. */
export function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
/** Float to IEEE half, rounding to nearest even. */
export function f32ToF16(v: number): number {
  f32buf[0] = v;
  const x = u32buf[0];
  const sign = (x >>> 16) & 0x8000;
  const e = (x >>> 23) & 0xff, m = x & 0x7fffff;
  if (e === 255) return sign | 0x7c00 | (m ? 0x200 : 0);
  const ne = e - 127 + 15;
  if (ne >= 31) return sign | 0x7c00;
  if (ne <= 0) {
    if (ne < -10) return sign;
    const mm = m | 0x800000, shift = 14 - ne;
    const half = 1 << (shift - 1);
    let r = mm >> shift;
    const rem = mm & ((1 << shift) - 1);
    if (rem > half || (rem === half && r & 1)) r++;
    return sign | r;
  }
  let r = (ne << 10) | (m >> 13);
  const rem = m & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && r & 1)) r++;
  return sign | r;
}
