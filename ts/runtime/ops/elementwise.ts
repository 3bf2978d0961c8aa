// Elementwise ops with NumPy/PyTorch broadcasting, unary activations, and their gradients.
import { Tensor, stridesOf, layoutPerm, type Layout, type Shape } from '../tensor.js';
import { params } from '../wasm.js';
import { record, gradRules } from '../tape.js';
import { ShapeError, fmtShape } from '../errors.js';
import { expectTensor, sameShape } from './util.js';
import { sumTo } from './reduce.js';
import * as vw from '../kernels.gen.js';

// Op codes of the kernels (kernels.def): every unary op code gets a gradient rule below.
const BIN = vw.BinaryOp, UN = vw.UnaryOp;
type BinOp = Exclude<keyof typeof BIN, 'COUNT'>;
type UnOp = Exclude<keyof typeof UN, 'COUNT'>;

export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1, db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Element strides of t when broadcast to `shape` (0 on broadcast dims). */
function broadcastStrides(t: Tensor, shape: Shape): number[] {
  const own = stridesOf(t.shape, t.layout);
  const off = shape.length - t.rank;
  return shape.map((_, i) => (i < off || t.shape[i - off] === 1 ? 0 : own[i - off]));
}

function binary(op: BinOp, a: Tensor, b: Tensor | number): Tensor {
  expectTensor(op, 'input', a);
  if (typeof b === 'number') {
    const y = Tensor.empty(a.shape, 'f32', a.layout);
    vw.f32_binary_const(BIN[op], a.ptr, b, y.ptr, a.size);
    return record(`${op}_const`, [a], y, { c: b });
  }
  expectTensor(op, 'other', b);
  const shape = broadcastShapes(op, a.shape, b.shape);
  // The output takes the layout of a full-size operand, so conv features stay channels_last.
  const layout: Layout = sameShape(a.shape, shape) ? a.layout : sameShape(b.shape, shape) ? b.layout : 'contiguous';
  const y = Tensor.empty(shape, 'f32', layout);
  if (y.size > 0) {
    const perm = layoutPerm(shape.length, y.layout);
    const sa = broadcastStrides(a, shape), sb = broadcastStrides(b, shape);
    // Dims in output storage order, then merge neighbours that are contiguous in all three.
    const dims: [number, number, number][] = [];
    for (const d of perm) {
      if (shape[d] === 1) continue;
      const last = dims[dims.length - 1];
      if (last && last[1] === sa[d] * shape[d] && last[2] === sb[d] * shape[d]) {
        // previous (outer) dim merges with this one
        dims[dims.length - 1] = [last[0] * shape[d], sa[d], sb[d]];
      } else dims.push([shape[d], sa[d], sb[d]]);
    }
    const nd = dims.length;
    if (nd > vw.MAX_DIMS) throw new ShapeError(`${op}: broadcasting over more than ${vw.MAX_DIMS} dims is not supported`);
    vw.f32_binary(BIN[op], a.ptr, b.ptr, y.ptr,
      params([nd, ...dims.map((d) => d[0]), ...dims.map((d) => d[1]), ...dims.map((d) => d[2])]));
  }
  return record(op, [a, b], y, { a, b });
}

export const add = (a: Tensor, b: Tensor | number) => binary('add', a, b);
export const sub = (a: Tensor, b: Tensor | number) => binary('sub', a, b);
export const mul = (a: Tensor, b: Tensor | number) => binary('mul', a, b);
export const div = (a: Tensor, b: Tensor | number) => binary('div', a, b);
export const maximum = (a: Tensor, b: Tensor) => binary('maximum', a, b);
export const minimum = (a: Tensor, b: Tensor) => binary('minimum', a, b);
/** c - a */
export const rsub = (a: Tensor, c: number) => binary('rsub', a, c);

function unary(op: UnOp, x: Tensor): Tensor {
  expectTensor(op, 'input', x);
  const y = Tensor.empty(x.shape, 'f32', x.layout);
  vw.f32_unary(UN[op], x.ptr, y.ptr, x.size);
  return record(op, [x], y, { x });
}

export const relu = (x: Tensor) => unary('relu', x);
export const sigmoid = (x: Tensor) => unary('sigmoid', x);
export const tanh = (x: Tensor) => unary('tanh', x);
export const exp = (x: Tensor) => unary('exp', x);
export const log = (x: Tensor) => unary('log', x);
export const sqrt = (x: Tensor) => unary('sqrt', x);
export const neg = (x: Tensor) => unary('neg', x);
export const abs = (x: Tensor) => unary('abs', x);
export const square = (x: Tensor) => unary('square', x);
export const rsqrt = (x: Tensor) => unary('rsqrt', x);
export const reciprocal = (x: Tensor) => unary('reciprocal', x);
/** GELU; approximate 'tanh' as in torch.nn.functional.gelu. */
export const gelu = (x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}) =>
  unary(opts.approximate === 'tanh' ? 'gelu_tanh' : 'gelu', x);
/** x * sigmoid(x), also known as Swish. */
export const silu = (x: Tensor) => unary('silu', x);
export const swish = silu;
/** relu6(x + 3) / 6, as torch.nn.functional.hardsigmoid. */
export const hardsigmoid = (x: Tensor) => unary('hardsigmoid', x);
/** x * relu6(x + 3) / 6, as torch.nn.functional.hardswish. */
export const hardswish = (x: Tensor) => unary('hardswish', x);

// ---- gradients ----
for (const op of Object.keys(UN).filter((k) => k !== 'COUNT') as UnOp[]) {
  gradRules[op] = (gy, node, y) => {
    const x = node.saved.x as Tensor;
    const gx = Tensor.empty(x.shape, 'f32', x.layout);
    const g = gy.layout === x.layout ? gy : gy.toLayout(x.layout);
    vw.f32_unary_grad(UN[op], x.ptr, y.ptr, g.ptr, gx.ptr, x.size);
    if (g !== gy) g.dispose();
    return [gx];
  };
}

gradRules.add = (gy, n) => [sumTo(gy, (n.saved.a as Tensor).shape), sumTo(gy, (n.saved.b as Tensor).shape)];
gradRules.sub = (gy, n) => {
  const gb = neg(gy);
  const r = sumTo(gb, (n.saved.b as Tensor).shape);
  if (r !== gb) gb.dispose();
  return [sumTo(gy, (n.saved.a as Tensor).shape), r];
};
gradRules.mul = (gy, n) => {
  const a = n.saved.a as Tensor, b = n.saved.b as Tensor;
  return [a.requiresGrad ? reduceOwned(mul(gy, b), a.shape) : null, b.requiresGrad ? reduceOwned(mul(gy, a), b.shape) : null];
};
gradRules.div = (gy, n) => {
  const a = n.saved.a as Tensor, b = n.saved.b as Tensor;
  const ga = a.requiresGrad ? reduceOwned(div(gy, b), a.shape) : null;
  let gb: Tensor | null = null;
  if (b.requiresGrad) {
    // d(a/b)/db = -a / b^2
    const b2 = mul(b, b), q = div(a, b2), t = mul(gy, q);
    b2.dispose(); q.dispose();
    gb = reduceOwned(neg(t), b.shape);
    t.dispose();
  }
  return [ga, gb];
};
const minmaxGrad = (pickA: (a: number, b: number) => boolean) => (gy: Tensor, n: { saved: Record<string, unknown> }) => {
  const a = n.saved.a as Tensor, b = n.saved.b as Tensor;
  const shape = gy.shape;
  const ga = Tensor.zeros(shape), gb = Tensor.zeros(shape);
  const A = broadcastRead(a, shape), B = broadcastRead(b, shape), G = gy.toArray();
  const GA = ga.data(), GB = gb.data();
  for (let i = 0; i < G.length; i++) {
    if (A[i] === B[i]) { GA[i] = G[i] / 2; GB[i] = G[i] / 2; } else if (pickA(A[i], B[i])) GA[i] = G[i]; else GB[i] = G[i];
  }
  return [reduceOwned(ga, a.shape), reduceOwned(gb, b.shape)];
};
gradRules.maximum = minmaxGrad((a, b) => a > b);
gradRules.minimum = minmaxGrad((a, b) => a < b);
gradRules.add_const = (gy) => [gy];
gradRules.sub_const = (gy) => [gy];
gradRules.rsub_const = (gy) => [neg(gy)];
gradRules.mul_const = (gy, n) => [mul(gy, n.saved.c as number)];
gradRules.div_const = (gy, n) => [div(gy, n.saved.c as number)];
gradRules.rdiv_const = (gy, n) => {
  // d(c/x)/dx = -c/x^2
  const x = n.inputs[0]!, x2 = mul(x, x), q = div(gy, x2), r = mul(q, -(n.saved.c as number));
  x2.dispose(); q.dispose();
  return [r];
};

/** sumTo, disposing the full-size tensor when a reduction happened. */
function reduceOwned(g: Tensor, shape: Shape): Tensor {
  const r = sumTo(g, shape);
  if (r !== g) g.dispose();
  return r;
}

/** Values of t broadcast to shape, in shape order (used by the rare min/max gradients). */
function broadcastRead(t: Tensor, shape: Shape): Float32Array {
  const src = t.toArray() as Float32Array;
  if (sameShape(t.shape, shape)) return src;
  const out = new Float32Array(shape.reduce((p, d) => p * d, 1));
  const off = shape.length - t.rank;
  const own = stridesOf(t.shape, 'contiguous');
  const st = shape.map((_, i) => (i < off || t.shape[i - off] === 1 ? 0 : own[i - off]));
  const idx = new Array(shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) o += idx[d] * st[d];
    out[i] = src[o];
    for (let d = shape.length - 1; d >= 0; d--) { if (++idx[d] < shape[d]) break; idx[d] = 0; }
  }
  return out;
}
