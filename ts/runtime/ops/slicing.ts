// Data movement: cat/concat, stack, slice/narrow, split/chunk, pad, indexSelect, gather (+ gradients).
//
// Every op here is a strided copy between two tensors' storages, described in shape order
// with each tensor's own element strides (stridesOf(shape, layout)). So inputs are never
// converted: cat along C of channels_last tensors copies C-runs straight into the output's
// storage, and mixed layouts work too. Outputs keep the (first) input's layout when the op
// keeps the rank (a rank < 3 result is always contiguous).
import { Tensor, stridesOf, layoutPerm, type Layout, type Shape } from '../tensor.js';
import { DTYPE_BYTES, type DType } from '../dtype.js';
import { params } from '../wasm.js';
import { record, gradRules, needsGrad } from '../tape.js';
import { ArgumentError, ShapeError, DTypeError, fmtShape } from '../errors.js';
import { expectTensor, normDim, elementWidth } from './util.js';
import { toLayout } from './shape.js';
import * as vw from '../kernels.gen.js';

const COPY_DTYPES: DType[] = ['f32', 'i32', 'u8', 'i8', 'f16'];

/**
 * Copies a region of `sizes` from src storage at element offset srcOff with strides ss into
 * dst at dstOff with strides ds. Dims are visited in dst
 * storage order and neighbours that are contiguous in both are merged, so the kernel's inner
 * loop is the longest run (a memcpy when both sides are unit-stride).
 */
function copyRegion(src: Tensor, srcOff: number, ss: readonly number[], dst: Tensor, dstOff: number,
  ds: readonly number[], sizes: readonly number[]): void {
  if (sizes.some((n) => n === 0)) return;
  const dims = sizes.map((n, i) => [n, ss[i], ds[i]] as [number, number, number]).filter((d) => d[0] !== 1);
  dims.sort((a, b) => (b[2] - a[2]) || (b[1] - a[1]));
  const merged: [number, number, number][] = [];
  for (const d of dims) {
    const last = merged[merged.length - 1];
    if (last && last[1] === d[1] * d[0] && last[2] === d[2] * d[0]) merged[merged.length - 1] = [last[0] * d[0], d[1], d[2]];
    else merged.push(d);
  }
  if (merged.length > vw.MAX_DIMS) throw new ShapeError(`copy: more than ${vw.MAX_DIMS} non-mergeable dims in ${fmtShape(sizes)}`);
  const bytes = DTYPE_BYTES[src.dtype];
  const p = [merged.length, ...merged.map((d) => d[0]), ...merged.map((d) => d[1]), ...merged.map((d) => d[2])];
  vw[`${elementWidth(bytes)}_strided_copy` as const](src.ptr + srcOff * bytes, dst.ptr + dstOff * bytes, params(p));
}

function fill(t: Tensor, v: number): void {
  if (t.size === 0) return;
  if (t.dtype === 'f32') vw.f32_fill(t.ptr, t.size, v);
  else t.data().fill(v);
}

const stridesFor = (t: Tensor) => stridesOf(t.shape, t.layout);

// ---------------------------------------------------------------- cat / stack

/** torch.cat: joins tensors of equal shape except along dim. Output takes the first input's layout. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('cat: expected a non-empty array of tensors');
  tensors.forEach((t, i) => expectTensor('cat', `tensor ${i}`, t, COPY_DTYPES));
  const first = tensors[0];
  const d = normDim('cat', dim, first.rank);
  for (let i = 0; i < tensors.length; i++) {
    const t: Tensor = tensors[i];
    if (t.dtype !== first.dtype) throw new DTypeError(`cat: tensor ${i} is ${t.describe()} but tensor 0 is ${first.describe()}`);
    if (t.rank !== first.rank || t.shape.some((n, k) => k !== d && n !== first.shape[k])) {
      throw new ShapeError(`cat: tensor ${i} has shape ${fmtShape(t.shape)}, which does not match tensor 0 ${fmtShape(first.shape)} outside dim ${d}`);
    }
  }
  const shape = [...first.shape];
  shape[d] = tensors.reduce((s, t) => s + t.shape[d], 0);
  const y = Tensor.empty(shape, first.dtype, first.layout);
  const ys = stridesFor(y);
  let off = 0;
  for (const t of tensors) {
    copyRegion(t, 0, stridesFor(t), y, off * ys[d], ys, t.shape);
    off += t.shape[d];
  }
  return record('cat', [...tensors], y, { dim: d, sizes: tensors.map((t) => t.shape[d]) });
}
export const concat = cat;

gradRules.cat = (gy, n) => {
  const d = n.saved.dim as number;
  const gs = stridesFor(gy);
  let off = 0;
  return n.inputs.map((x) => {
    const start = off;
    off += x!.shape[d];
    if (!x!.requiresGrad) return null;
    const g = Tensor.empty(x!.shape, 'f32', x!.layout);
    copyRegion(gy, start * gs[d], gs, g, 0, stridesFor(g), g.shape);
    return g;
  });
};

/** torch.stack: joins equal-shaped tensors along a new dim. The result is contiguous. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('stack: expected a non-empty array of tensors');
  tensors.forEach((t, i) => expectTensor('stack', `tensor ${i}`, t, COPY_DTYPES));
  const first = tensors[0];
  const d = normDim('stack', dim, first.rank + 1);
  for (let i = 0; i < tensors.length; i++) {
    const t: Tensor = tensors[i];
    if (t.dtype !== first.dtype) throw new DTypeError(`stack: tensor ${i} is ${t.describe()} but tensor 0 is ${first.describe()}`);
    if (t.rank !== first.rank || t.shape.some((s, k) => s !== first.shape[k])) {
      throw new ShapeError(`stack: tensor ${i} has shape ${fmtShape(t.shape)} but tensor 0 has ${fmtShape(first.shape)}`);
    }
  }
  const shape = [...first.shape.slice(0, d), tensors.length, ...first.shape.slice(d)];
  const y = Tensor.empty(shape, first.dtype);
  const ys = stridesFor(y);
  const region = shape.filter((_, k) => k !== d), dstStrides = ys.filter((_, k) => k !== d);
  tensors.forEach((t, i) => copyRegion(t, 0, stridesFor(t), y, i * ys[d], dstStrides, region));
  return record('stack', [...tensors], y, { dim: d });
}

gradRules.stack = (gy, n) => {
  const d = n.saved.dim as number;
  const gs = stridesFor(gy);
  const srcStrides = gs.filter((_, k) => k !== d);
  return n.inputs.map((x, i) => {
    if (!x!.requiresGrad) return null;
    const g = Tensor.empty(x!.shape, 'f32', x!.layout);
    copyRegion(gy, i * gs[d], srcStrides, g, 0, stridesFor(g), g.shape);
    return g;
  });
};

// ---------------------------------------------------------------- slice / narrow / split / chunk

/**
 * x[..., start:end:step, ...] along dim (a copy). Negative start/end count from the end;
 * indices beyond [-size, size] are an error (not clamped), end <= start gives an empty dim.
 */
export function slice(x: Tensor, dim: number, start: number, end?: number, step = 1): Tensor {
  expectTensor('slice', 'input', x, COPY_DTYPES);
  const d = normDim('slice', dim, x.rank);
  const size = x.shape[d];
  const e0 = end ?? size;
  for (const [name, v] of [['start', start], ['end', e0]] as const) {
    if (!Number.isInteger(v) || v < -size || v > size) {
      throw new ShapeError(`slice: ${name} ${v} is out of range for dim ${d} (size ${size}) of ${fmtShape(x.shape)}`);
    }
  }
  if (!Number.isInteger(step) || step < 1) throw new ArgumentError(`slice: step must be a positive integer, got ${step}`);
  const s = start < 0 ? start + size : start, e = e0 < 0 ? e0 + size : e0;
  const len = Math.max(0, Math.ceil((e - s) / step));
  const shape = [...x.shape];
  shape[d] = len;
  const y = Tensor.empty(shape, x.dtype, x.layout);
  const xs = stridesFor(x);
  const srcStrides = xs.map((v, k) => (k === d ? v * step : v));
  copyRegion(x, s * xs[d], srcStrides, y, 0, stridesFor(y), shape);
  return record('slice', [x], y, { dim: d, start: s, step });
}

gradRules.slice = (gy, n) => {
  const x = n.inputs[0]!;
  const { dim, start, step } = n.saved as { dim: number; start: number; step: number };
  const g = Tensor.zeros(x.shape, { layout: x.layout });
  const gs = stridesFor(g);
  copyRegion(gy, 0, stridesFor(gy), g, start * gs[dim], gs.map((v, k) => (k === dim ? v * step : v)), gy.shape);
  return [g];
};

/** torch.narrow: length elements of dim from start (must lie inside the dim). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  expectTensor('narrow', 'input', x, COPY_DTYPES);
  const d = normDim('narrow', dim, x.rank);
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(length) || length < 0 || s < 0 || s + length > size) {
    throw new ShapeError(`narrow: start ${start} + length ${length} exceeds dim ${d} (size ${size}) of ${fmtShape(x.shape)}`);
  }
  return slice(x, d, s, s + length);
}

/** torch.split: pieces of `size` along dim (the last may be smaller), or the given section sizes. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  expectTensor('split', 'input', x, COPY_DTYPES);
  const d = normDim('split', dim, x.rank);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections < 1) throw new ArgumentError(`split: split size must be a positive integer, got ${sizeOrSections}`);
    sizes = [];
    for (let o = 0; o < n; o += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - o));
    if (n === 0) sizes = [0];
  } else {
    sizes = [...sizeOrSections];
    if (sizes.some((v) => !Number.isInteger(v) || v < 0) || sizes.reduce((a, b) => a + b, 0) !== n) {
      throw new ShapeError(`split: sections ${JSON.stringify(sizes)} do not sum to dim ${d} (size ${n}) of ${fmtShape(x.shape)}`);
    }
  }
  let o = 0;
  return sizes.map((len) => { const t = slice(x, d, o, o + len); o += len; return t; });
}

/** torch.chunk: `chunks` pieces of ceil(size / chunks) along dim (fewer when they run out). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  expectTensor('chunk', 'input', x, COPY_DTYPES);
  if (!Number.isInteger(chunks) || chunks < 1) throw new ArgumentError(`chunk: chunks must be a positive integer, got ${chunks}`);
  const d = normDim('chunk', dim, x.rank);
  return split(x, Math.max(1, Math.ceil(x.shape[d] / chunks)), d);
}

// ---------------------------------------------------------------- indexSelect

/** Storage view of x around dim d as [outer, m, inner] (valid for either layout). */
function aroundDim(shape: Shape, layout: Layout, d: number): [number, number, number] {
  const perm = layoutPerm(shape.length, layout);
  const q = perm.indexOf(d);
  const st = perm.map((k) => shape[k]);
  return [st.slice(0, q).reduce((a, b) => a * b, 1), shape[d], st.slice(q + 1).reduce((a, b) => a * b, 1)];
}

/** Gathers slabs along dim d: y[.., j, ..] = x[.., idx[j], ..] (idx pre-validated, in wasm memory). */
function indexSelectRaw(x: Tensor, d: number, idxPtr: number, count: number): Tensor {
  const shape = [...x.shape];
  shape[d] = count;
  const y = Tensor.empty(shape, x.dtype, x.layout);
  if (y.size === 0) return y;
  const [outer, m, inner] = aroundDim(x.shape, x.layout, d);
  vw[`${elementWidth(DTYPE_BYTES[x.dtype])}_index_select` as const](x.ptr, y.ptr, idxPtr, outer, m, count, inner);
  return y;
}

/** The transpose of indexSelectRaw: a zero tensor of `shape` with g's slabs added at idx. */
function indexAddRaw(g: Tensor, shape: Shape, layout: Layout, d: number, idxPtr: number): Tensor {
  const gx = Tensor.zeros(shape, { layout });
  if (g.size === 0) return gx;
  const src = g.layout === gx.layout ? g : g.toLayout(gx.layout);
  const [outer, my, inner] = aroundDim(src.shape, src.layout, d);
  vw.f32_index_add(src.ptr, gx.ptr, idxPtr, outer, my, shape[d], inner);
  if (src !== g) src.dispose();
  return gx;
}

/** torch.index_select: picks entries of dim by an i32 index vector (repeats allowed). */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  expectTensor('indexSelect', 'input', x, COPY_DTYPES);
  expectTensor('indexSelect', 'index', index, ['i32']);
  const d = normDim('indexSelect', dim, x.rank);
  if (index.rank > 1) throw new ShapeError(`indexSelect: index must be 1-D, got ${fmtShape(index.shape)}`);
  const iv = index.data();
  for (let i = 0; i < iv.length; i++) {
    if (iv[i] < 0 || iv[i] >= x.shape[d]) {
      throw new ShapeError(`indexSelect: index ${iv[i]} at position ${i} is out of range for dim ${d} (size ${x.shape[d]}) of ${fmtShape(x.shape)}`);
    }
  }
  const y = indexSelectRaw(x, d, index.ptr, index.size);
  if (!needsGrad(x)) return y;
  const saved = index.detach(); // the caller may dispose or change its index tensor
  return record('indexSelect', [x], y, { dim: d, index: saved }, [saved]);
}
gradRules.indexSelect = (gy, n) => {
  const x = n.inputs[0]!, index = n.saved.index as Tensor;
  return [indexAddRaw(gy, x.shape, x.layout, n.saved.dim as number, index.ptr)];
};

// ---------------------------------------------------------------- gather

/**
 * torch.gather(x, dim, index): y[..., j, ...] = x[..., index[..., j, ...], ...] along dim, with
 * index.shape[d] <= x.shape[d] on the other dims (as torch requires). Output: contiguous, the
 * index's shape. When index is smaller on other dims, x is first cropped to it.
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  expectTensor('gather', 'input', x, ['f32', 'i32']);
  expectTensor('gather', 'index', index, ['i32']);
  const d = normDim('gather', dim, x.rank);
  if (index.rank !== x.rank || index.shape.some((n, k) => k !== d && n > x.shape[k])) {
    throw new ShapeError(`gather: index ${fmtShape(index.shape)} must have the rank of input ${fmtShape(x.shape)} and no larger size in any dim but ${d}`);
  }
  const iv = index.data();
  for (let i = 0; i < iv.length; i++) {
    if (iv[i] < 0 || iv[i] >= x.shape[d]) {
      throw new ShapeError(`gather: index value ${iv[i]} is out of range for dim ${d} (size ${x.shape[d]}) of ${fmtShape(x.shape)}`);
    }
  }
  const idx = index.layout === 'contiguous' ? index : toLayout(index, 'contiguous');
  // The region of x that index addresses, as a contiguous tensor.
  const region = x.shape.map((n, k) => (k === d ? n : index.shape[k]));
  let src = x;
  if (region.some((n, k) => n !== x.shape[k]) || x.layout !== 'contiguous') {
    src = Tensor.empty(region, x.dtype);
    copyRegion(x, 0, stridesFor(x), src, 0, stridesFor(src), region);
  }
  const y = Tensor.empty(index.shape, x.dtype);
  const outer = region.slice(0, d).reduce((a, b) => a * b, 1), inner = region.slice(d + 1).reduce((a, b) => a * b, 1);
  if (y.size > 0) vw.x32_gather(src.ptr, y.ptr, idx.ptr, outer, x.shape[d], index.shape[d], inner);
  if (src !== x) src.dispose();
  if (!needsGrad(x)) { if (idx !== index) idx.dispose(); return y; }
  const saved = idx === index ? index.detach() : idx;
  return record('gather', [x], y, { dim: d, index: saved, outer, inner, region }, [saved]);
}
gradRules.gather = (gy, n) => {
  const x = n.inputs[0]!;
  const { dim, index, outer, inner, region } = n.saved as { dim: number; index: Tensor; outer: number; inner: number; region: number[] };
  const g = gy.layout === 'contiguous' ? gy : toLayout(gy, 'contiguous');
  const gr = Tensor.zeros(region);
  if (g.size > 0) vw.f32_scatter_add(g.ptr, gr.ptr, index.ptr, outer, x.shape[dim], index.shape[dim], inner);
  if (g !== gy) g.dispose();
  if (x.layout === 'contiguous' && region.every((v, k) => v === x.shape[k])) return [gr];
  const gx = region.every((v, k) => v === x.shape[k]) ? Tensor.empty(x.shape, 'f32', x.layout) : Tensor.zeros(x.shape, { layout: x.layout });
  copyRegion(gr, 0, stridesFor(gr), gx, 0, stridesFor(gx), region);
  gr.dispose();
  return [gx];
};

// ---------------------------------------------------------------- pad

export type PadMode = 'constant' | 'replicate' | 'reflect';
export interface PadOptions { mode?: PadMode; value?: number }

/**
 * torch.nn.functional.pad: `pad` lists (before, after) amounts starting from the LAST dim.
 * constant mode accepts negative amounts (cropping); replicate/reflect need non-negative ones
 * (reflect also needs each amount < the dim's size).
 */
export function pad(x: Tensor, padding: readonly number[], opts: PadOptions = {}): Tensor {
  const mode = opts.mode ?? 'constant';
  if (mode !== 'constant' && mode !== 'replicate' && mode !== 'reflect') {
    throw new ArgumentError(`pad: unknown mode '${String(mode)}' (expected 'constant', 'replicate' or 'reflect')`);
  }
  expectTensor('pad', 'input', x, mode === 'constant' ? COPY_DTYPES.filter((t) => t !== 'f16') : ['f32']);
  if (!Array.isArray(padding) || padding.length % 2 !== 0 || padding.some((v) => !Number.isInteger(v))) {
    throw new ArgumentError(`pad: padding must be an even-length list of integers, got ${JSON.stringify(padding)}`);
  }
  if (padding.length / 2 > x.rank) {
    throw new ShapeError(`pad: padding of length ${padding.length} pads ${padding.length / 2} dims, more than the ${x.rank} dims of ${fmtShape(x.shape)}`);
  }
  // lo/hi per dim in shape order.
  const lo = new Array<number>(x.rank).fill(0), hi = new Array<number>(x.rank).fill(0);
  for (let i = 0; i < padding.length / 2; i++) { lo[x.rank - 1 - i] = padding[2 * i]; hi[x.rank - 1 - i] = padding[2 * i + 1]; }
  const shape = x.shape.map((n, k) => n + lo[k] + hi[k]);
  if (shape.some((n) => n < 0)) throw new ShapeError(`pad: padding ${JSON.stringify(padding)} makes ${fmtShape(x.shape)} negative-sized ${fmtShape(shape)}`);
  if (mode === 'constant') return padConstant(x, lo, hi, shape, opts.value ?? 0);

  for (let k = 0; k < x.rank; k++) {
    if (lo[k] < 0 || hi[k] < 0) throw new ArgumentError(`pad: negative padding ${JSON.stringify(padding)} is only supported in constant mode`);
    if ((lo[k] || hi[k]) && x.shape[k] === 0) throw new ShapeError(`pad: cannot ${mode}-pad empty dim ${k} of ${fmtShape(x.shape)}`);
    if (mode === 'reflect' && (lo[k] >= x.shape[k] || hi[k] >= x.shape[k])) {
      throw new ShapeError(`pad: reflect padding (${lo[k]}, ${hi[k]}) must be smaller than dim ${k} (size ${x.shape[k]}) of ${fmtShape(x.shape)}`);
    }
  }
  // One index map per padded dim; forward gathers dim by dim, backward scatters in reverse.
  const maps: { dim: number; idx: Tensor; inShape: number[] }[] = [];
  let cur = x;
  for (let k = 0; k < x.rank; k++) {
    if (!lo[k] && !hi[k]) continue;
    const n = x.shape[k], out = n + lo[k] + hi[k];
    const idx = Tensor.empty([out], 'i32');
    const v = idx.data();
    for (let o = 0; o < out; o++) {
      const i = o - lo[k];
      v[o] = mode === 'replicate' ? Math.min(n - 1, Math.max(0, i)) : i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
    }
    const next = indexSelectRaw(cur, k, idx.ptr, out);
    maps.push({ dim: k, idx, inShape: [...cur.shape] });
    if (cur !== x) cur.dispose();
    cur = next;
  }
  if (cur === x) cur = x.clone();
  return record('pad_index', [x], cur, { maps }, maps.map((m) => m.idx));
}

/** Element offsets of the kept region in x and in the padded y (negative amounts crop x). */
function padOffsets(lo: readonly number[], xs: readonly number[], ys: readonly number[]): [number, number] {
  const src = lo.reduce((a, l, k) => a + Math.max(0, -l) * xs[k], 0);
  const dst = lo.reduce((a, l, k) => a + Math.max(0, l) * ys[k], 0);
  return [src, dst];
}

function padConstant(x: Tensor, lo: number[], hi: number[], shape: number[], value: number): Tensor {
  const y = Tensor.empty(shape, x.dtype, x.layout);
  const overlap = x.shape.map((n, k) => Math.max(0, n + Math.min(lo[k], 0) + Math.min(hi[k], 0)));
  if (overlap.some((n, k) => n !== shape[k])) fill(y, value);
  const xs = stridesFor(x), ys = stridesFor(y);
  const [srcOff, dstOff] = padOffsets(lo, xs, ys);
  copyRegion(x, srcOff, xs, y, dstOff, ys, overlap);
  return record('pad_constant', [x], y, { lo, overlap });
}

gradRules.pad_constant = (gy, n) => {
  const x = n.inputs[0]!;
  const { lo, overlap } = n.saved as { lo: number[]; overlap: number[] };
  const cropped = overlap.some((v, k) => v !== x.shape[k]);
  const g = cropped ? Tensor.zeros(x.shape, { layout: x.layout }) : Tensor.empty(x.shape, 'f32', x.layout);
  // gy may arrive in either layout: offsets come from its own strides.
  const gs = stridesFor(g), ys = stridesFor(gy);
  const [gOff, yOff] = padOffsets(lo, gs, ys);
  copyRegion(gy, yOff, ys, g, gOff, gs, overlap);
  return [g];
};

gradRules.pad_index = (gy, n) => {
  const x = n.inputs[0]!;
  const maps = n.saved.maps as { dim: number; idx: Tensor; inShape: number[] }[];
  let g = gy;
  for (let i = maps.length - 1; i >= 0; i--) {
    const next = indexAddRaw(g, maps[i].inShape, x.layout, maps[i].dim, maps[i].idx.ptr);
    if (g !== gy) g.dispose();
    g = next;
  }
  return [g];
};
