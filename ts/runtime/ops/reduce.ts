// Reductions over axes: sum, mean, max (+ argmax), and sumTo for broadcast gradients.
import { Tensor, layoutPerm, type Shape } from '../tensor.js';
import { record, gradRules, noGrad } from '../tape.js';
import { ShapeError, fmtShape } from '../errors.js';
import { expectTensor, normDim, sameShape } from './util.js';
import { toLayout, reshape, expand } from './shape.js';
import { mul } from './elementwise.js';
import * as vw from '../kernels.gen.js';

function dimsOf(op: string, x: Tensor, dim: number | number[] | undefined): number[] {
  if (dim === undefined) return [...Array(x.rank).keys()];
  const ds = (Array.isArray(dim) ? dim : [dim]).map((d) => normDim(op, d, x.rank));
  return [...new Set(ds)].sort((a, b) => a - b);
}

function outShape(x: Tensor, dims: number[], keepdim: boolean): number[] {
  return keepdim ? x.shape.map((d, i) => (dims.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !dims.includes(i));
}

/**
 * Sum over dims, one run of adjacent axes at a time (each pass is [outer, r, inner]). The result
 * is contiguous with the reduced dims kept as 1.
 */
function sumRaw(x: Tensor, dims: number[]): Tensor {
  const direct = storageOrderSum(x, dims);
  if (direct) return direct;
  const src = x.layout === 'contiguous' ? x : toLayout(x, 'contiguous');
  return sumStorage(src, src !== x, [...x.shape], dims);
}

/**
 * A channels_last tensor summed in its own storage order, when the kept dims come out in
 * contiguous order anyway (e.g. [N, C, T, H, W] over T, H, W: storage [N, THW, C] -> [N, C]):
 * no layout conversion of the full tensor (the SE block's broadcast-mul gradient). Else null.
 */
function storageOrderSum(x: Tensor, dims: number[]): Tensor | null {
  if (x.layout === 'contiguous' || dims.length === 0) return null;
  const perm = layoutPerm(x.rank, x.layout);
  const kept = perm.filter((d) => !dims.includes(d) && x.shape[d] !== 1);
  for (let i = 1; i < kept.length; i++) if (kept[i] < kept[i - 1]) return null;
  const sdims = perm.map((d, i) => (dims.includes(d) ? i : -1)).filter((i) => i >= 0);
  const r = sumStorage(x, false, perm.map((d) => x.shape[d]), sdims);
  const v = r.shareStorage(x.shape.map((d, i) => (dims.includes(i) ? 1 : d)));
  r.dispose();
  return v;
}

/** The passes over src's storage read as `shape0` (contiguous); src is disposed when owned. */
function sumStorage(src: Tensor, owned: boolean, shape0: number[], dims: number[]): Tensor {
  let cur = src;
  let shape = [...shape0];
  // Merge runs of adjacent reduced dims into a single pass.
  for (let k = dims.length - 1; k >= 0;) {
    let j = k;
    while (j > 0 && dims[j - 1] === dims[j] - 1) j--;
    const lo = dims[j], hi = dims[k];
    const outer = shape.slice(0, lo).reduce((p, d) => p * d, 1);
    const r = shape.slice(lo, hi + 1).reduce((p, d) => p * d, 1);
    const inner = shape.slice(hi + 1).reduce((p, d) => p * d, 1);
    shape = [...shape.slice(0, lo), ...new Array(hi - lo + 1).fill(1), ...shape.slice(hi + 1)];
    const y = Tensor.empty(shape);
    vw.f32_reduce_sum(cur.ptr, y.ptr, outer, r, inner);
    if (cur !== src || owned) cur.dispose();
    cur = y;
    k = j - 1;
  }
  if (cur === src && !owned) cur = src.clone();
  return cur;
}

export function sum(x: Tensor, dim?: number | number[], keepdim = false): Tensor {
  expectTensor('sum', 'input', x);
  const dims = dimsOf('sum', x, dim);
  const r = sumRaw(x, dims);
  const y = reshapeNoGrad(r, outShape(x, dims, keepdim));
  return record('sum', [x], y, { shape: x.shape, kept: outShape(x, dims, true) });
}

export function mean(x: Tensor, dim?: number | number[], keepdim = false): Tensor {
  expectTensor('mean', 'input', x);
  const dims = dimsOf('mean', x, dim);
  const count = dims.reduce((p, d) => p * x.shape[d], 1);
  const r = sumRaw(x, dims);
  vw.f32_binary_const(vw.BinaryOp.mul, r.ptr, 1 / count, r.ptr, r.size);
  const y = reshapeNoGrad(r, outShape(x, dims, keepdim));
  return record('mean', [x], y, { shape: x.shape, kept: outShape(x, dims, true), count });
}

/** Max over one dim: { values, indices } like torch.max(x, dim). */
export function max(x: Tensor, dim: number, keepdim = false): { values: Tensor; indices: Tensor } {
  expectTensor('max', 'input', x);
  const d = normDim('max', dim, x.rank);
  if (x.shape[d] === 0) throw new ShapeError(`max: cannot reduce an empty dim ${d} of ${fmtShape(x.shape)}`);
  const src = x.layout === 'contiguous' ? x : toLayout(x, 'contiguous');
  const outer = x.shape.slice(0, d).reduce((p, v) => p * v, 1);
  const inner = x.shape.slice(d + 1).reduce((p, v) => p * v, 1);
  const shape = outShape(x, [d], keepdim);
  const values = Tensor.empty(shape), indices = Tensor.empty(shape, 'i32');
  vw.f32_reduce_max(src.ptr, values.ptr, indices.ptr, outer, x.shape[d], inner);
  if (src !== x) src.dispose();
  record('max', [x], values, { shape: x.shape, dim: d, indices, outer, inner });
  return { values, indices };
}

/** Max of all elements (a scalar tensor). */
export function amax(x: Tensor): Tensor {
  const flat = reshape(x, [x.size]);
  const { values, indices } = max(flat, 0);
  indices.dispose();
  if (flat !== x) flat.dispose(); // the graph keeps the node, max's gradient needs only indices
  return values;
}

/** Sums a broadcast gradient back to `shape` (returns g itself when nothing to reduce). */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const off = g.rank - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < off || (shape[i - off] === 1 && g.shape[i] !== 1)) dims.push(i);
  return noGrad(() => {
    const r = sumRaw(g, dims);
    return reshapeNoGrad(r, shape);
  });
}

/** Reshape that reuses storage and disposes the source handle (internal use on fresh tensors). */
function reshapeNoGrad(t: Tensor, shape: Shape): Tensor {
  if (sameShape(t.shape, shape)) return t;
  const v = t.shareStorage(shape);
  t.dispose();
  return v;
}

/** gy (reduced, keepdim shape) expanded back over the reduced dims. */
function spread(gy: Tensor, kept: number[], shape: number[]): Tensor {
  const v = reshape(gy, kept);
  const e = expand(v, shape);
  if (v !== gy) v.dispose();
  return e;
}
gradRules.sum = (gy, n) => [spread(gy, n.saved.kept as number[], n.saved.shape as number[])];
gradRules.mean = (gy, n) => {
  const e = spread(gy, n.saved.kept as number[], n.saved.shape as number[]);
  const r = mul(e, 1 / (n.saved.count as number));
  e.dispose();
  return [r];
};
gradRules.max = (gy, n) => {
  const shape = n.saved.shape as number[];
  const idx = (n.saved.indices as Tensor).data() as Int32Array;
  const { outer, inner, dim } = n.saved as { outer: number; inner: number; dim: number };
  const gx = Tensor.zeros(shape);
  const G = gy.toArray(), X = gx.data();
  const r = shape[dim];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) X[(o * r + idx[o * inner + i]) * inner + i] = G[o * inner + i];
  }
  return [gx];
};
