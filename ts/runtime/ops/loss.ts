// Losses with torch.nn.functional semantics: crossEntropy (class indices or soft targets, label
// smoothing, class weights, ignoreIndex), nllLoss, bceWithLogits (pos_weight, weight) and
// mseLoss. Each is one autograd node with its own rule; crossEntropy and bceWithLogits run
// fused kernels (native/kernels/loss.c), so no [N, C] probabilities are kept for backward.
import { Tensor } from '../tensor.js';
import { params } from '../wasm.js';
import { record, gradRules, noGrad } from '../tape.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../errors.js';
import { expectTensor, sameShape } from './util.js';
import { toLayout, expand } from './shape.js';
import { sub, mul, square } from './elementwise.js';
import { sumTo } from './reduce.js';
import * as vw from '../kernels.gen.js';

export type Reduction = 'mean' | 'sum' | 'none';

function checkReduction(op: string, r: unknown): Reduction {
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new ArgumentError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(r)}`);
  return r;
}

/** A scalar tensor holding v. */
function scalar(v: number): Tensor {
  const t = Tensor.empty([]);
  t.data()[0] = v;
  return t;
}

/** Sum of a f32 tensor's storage in float64 (losses reduce few values; this keeps them exact). */
function sumOf(t: Tensor): number {
  const d = t.data();
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i];
  return s;
}

/** Per-row upstream gradient for a per-row loss reduced by `reduction` over `rows` rows. */
function rowGrad(gy: Tensor, reduction: Reduction, rows: number, denom: number): Tensor {
  if (reduction === 'none') return gy.layout === 'contiguous' ? gy : toLayout(gy, 'contiguous');
  const g = Tensor.empty([rows]);
  g.data().fill(gy.item() / (reduction === 'mean' ? denom : 1));
  return g;
}

export interface CrossEntropyOptions {
  labelSmoothing?: number;
  reduction?: Reduction;
  weight?: Tensor | null;
  ignoreIndex?: number;
}

/**
 * Cross-entropy of logits [N, C] (or [C], or [N, C, d1, ...]) against class indices (i32,
 * shape of the logits without dim 1) or class probabilities (f32, the logits' shape), exactly as
 * torch.nn.functional.cross_entropy (PyTorch >= 1.10), including labelSmoothing with both
 * target kinds, class weights and ignoreIndex (index targets only).
 */
export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  expectTensor(op, 'input', logits);
  expectTensor(op, 'target', target, ['i32', 'f32']);
  const reduction = checkReduction(op, opts.reduction ?? 'mean');
  const eps = opts.labelSmoothing ?? 0;
  const ignore = opts.ignoreIndex ?? -100;
  if (!(eps >= 0 && eps <= 1)) throw new ArgumentError(`${op}: labelSmoothing must be in [0, 1], got ${eps}`);
  if (logits.rank < 1) throw new ShapeError(`${op}: input must have a class dim, got ${fmtShape(logits.shape)}`);
  const cdim = logits.rank === 1 ? 0 : 1;
  const C = logits.shape[cdim];
  const rowShape = logits.shape.filter((_, i) => i !== cdim);
  const rows = rowShape.reduce((p, d) => p * d, 1);
  const soft = target.dtype === 'f32';
  if (soft ? !sameShape(target.shape, logits.shape) : !sameShape(target.shape, rowShape)) {
    throw new ShapeError(`${op}: ${soft ? 'probability' : 'class-index'} target ${fmtShape(target.shape)} does not fit input ` +
      `${fmtShape(logits.shape)} (expected ${fmtShape(soft ? logits.shape : rowShape)})`);
  }
  const weight = opts.weight ?? null;
  if (weight) {
    expectTensor(op, 'weight', weight);
    if (weight.rank !== 1 || weight.shape[0] !== C) throw new ShapeError(`${op}: weight ${fmtShape(weight.shape)} must be [${C}] for input ${fmtShape(logits.shape)}`);
  }
  // Class-index targets: range check, and the 'mean' denominator (sum of the targets' weights).
  let denom = rows;
  if (!soft) {
    const t = target.data() as Int32Array, w = weight ? (weight.data() as Float32Array) : null;
    denom = 0;
    for (let i = 0; i < t.length; i++) {
      const y = t[i];
      if (y === ignore) continue;
      if (!(y >= 0 && y < C)) {
        throw new ArgumentError(`${op}: target ${y} at position ${i} is out of range for ${C} classes (input ${fmtShape(logits.shape)}, target ${fmtShape(target.shape)})`);
      }
      denom += w ? w[y] : 1;
    }
  }
  // Rows with contiguous classes: [N, d..., C] is the channels-last storage of [N, C, d...].
  const x = logits.rank >= 3 ? noGrad(() => toLayout(logits, 'channels_last')) : logits;
  const ts = soft && target.rank >= 3 ? noGrad(() => toLayout(target, 'channels_last')) : soft ? target : null;
  const lse = Tensor.empty([rows]), per = Tensor.empty(rowShape);
  if (rows > 0) {
    vw.f32_xent(x.ptr, soft ? 0 : target.ptr, ts ? ts.ptr : 0, weight ? weight.ptr : 0, lse.ptr, per.ptr, rows, C, eps, ignore);
  }
  if (ts && ts !== target) ts.dispose();
  let out: Tensor;
  if (reduction === 'none') out = per;
  else {
    out = scalar(reduction === 'sum' ? sumOf(per) : sumOf(per) / denom);
    per.dispose();
  }
  const owned = [lse];
  if (x !== logits) owned.push(x);
  return record(op, [logits], out, { x, target, weight, lse, eps, ignore, reduction, rows, C, denom, soft }, owned);
}

gradRules.crossEntropy = (gy, n) => {
  const s = n.saved as {
    x: Tensor; target: Tensor; weight: Tensor | null; lse: Tensor; eps: number; ignore: number;
    reduction: Reduction; rows: number; C: number; denom: number; soft: boolean;
  };
  const logits = n.inputs[0]!;
  const g = rowGrad(gy, s.reduction, s.rows, s.denom);
  const ts = s.soft && s.target.rank >= 3 ? toLayout(s.target, 'channels_last') : s.soft ? s.target : null;
  const gx = Tensor.empty(logits.shape, 'f32', s.x.layout);
  if (s.rows > 0) {
    vw.f32_xent_grad(s.x.ptr, s.soft ? 0 : s.target.ptr, ts ? ts.ptr : 0, s.weight ? s.weight.ptr : 0, s.lse.ptr, g.ptr, gx.ptr,
      s.rows, s.C, s.eps, s.ignore);
  }
  if (ts && ts !== s.target) ts.dispose();
  if (g !== gy) g.dispose();
  return [gx];
};

export interface NllLossOptions { reduction?: Reduction; weight?: Tensor | null; ignoreIndex?: number }

/** Negative log-likelihood of log-probabilities [N, C] (or [N, C, d...]) at class indices. */
export function nllLoss(logProbs: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  const op = 'nllLoss';
  expectTensor(op, 'input', logProbs);
  expectTensor(op, 'target', target, ['i32']);
  const reduction = checkReduction(op, opts.reduction ?? 'mean');
  const ignore = opts.ignoreIndex ?? -100;
  if (logProbs.rank < 2) throw new ShapeError(`${op}: input must be [N, C, ...], got ${fmtShape(logProbs.shape)}`);
  const C = logProbs.shape[1];
  const rowShape = logProbs.shape.filter((_, i) => i !== 1);
  if (!sameShape(target.shape, rowShape)) throw new ShapeError(`${op}: target ${fmtShape(target.shape)} does not fit input ${fmtShape(logProbs.shape)} (expected ${fmtShape(rowShape)})`);
  const weight = opts.weight ?? null;
  if (weight) {
    expectTensor(op, 'weight', weight);
    if (weight.rank !== 1 || weight.shape[0] !== C) throw new ShapeError(`${op}: weight ${fmtShape(weight.shape)} must be [${C}] for input ${fmtShape(logProbs.shape)}`);
  }
  const x = logProbs.rank >= 3 ? noGrad(() => toLayout(logProbs, 'channels_last')) : logProbs;
  const X = x.data() as Float32Array, T = target.data() as Int32Array, W = weight ? (weight.data() as Float32Array) : null;
  const per = Tensor.empty(rowShape), P = per.data() as Float32Array;
  let denom = 0;
  for (let r = 0; r < T.length; r++) {
    const y = T[r];
    if (y === ignore) { P[r] = 0; continue; }
    if (!(y >= 0 && y < C)) throw new ArgumentError(`${op}: target ${y} at position ${r} is out of range for ${C} classes (input ${fmtShape(logProbs.shape)})`);
    const w = W ? W[y] : 1;
    P[r] = -w * X[r * C + y];
    denom += w;
  }
  if (x !== logProbs) x.dispose();
  let out = per;
  if (reduction !== 'none') {
    out = scalar(reduction === 'sum' ? sumOf(per) : sumOf(per) / denom);
    per.dispose();
  }
  return record(op, [logProbs], out, { target, weight, ignore, reduction, denom, C });
}

gradRules.nllLoss = (gy, n) => {
  const s = n.saved as { target: Tensor; weight: Tensor | null; ignore: number; reduction: Reduction; denom: number; C: number };
  const x = n.inputs[0]!;
  const T = s.target.data() as Int32Array, W = s.weight ? (s.weight.data() as Float32Array) : null;
  const g = rowGrad(gy, s.reduction, T.length, s.denom);
  const gx = Tensor.zeros(x.shape, { layout: x.rank >= 3 ? 'channels_last' : 'contiguous' });
  const G = g.data() as Float32Array, X = gx.data() as Float32Array;
  for (let r = 0; r < T.length; r++) if (T[r] !== s.ignore) X[r * s.C + T[r]] = -(W ? W[T[r]] : 1) * G[r];
  if (g !== gy) g.dispose();
  return [gx];
};

export interface BceOptions { reduction?: Reduction; weight?: Tensor | null; posWeight?: Tensor | null }

/** A tensor broadcast to shape (contiguous), or null. */
function broadcastTo(op: string, what: string, t: Tensor | null | undefined, shape: readonly number[]): Tensor | null {
  if (!t) return null;
  expectTensor(op, what, t);
  try {
    return noGrad(() => (sameShape(t.shape, shape) ? toLayout(t, 'contiguous') : expand(t, shape)));
  } catch {
    throw new ShapeError(`${op}: ${what} ${fmtShape(t.shape)} cannot be broadcast to the input ${fmtShape(shape)}`);
  }
}

/**
 * Binary cross-entropy on logits, numerically stable for any logit:
 * loss = (1 - t) x + (1 + (posWeight - 1) t) softplus(-x), times weight, then reduced.
 */
export function bceWithLogits(logits: Tensor, target: Tensor, opts: BceOptions = {}): Tensor {
  const op = 'bceWithLogits';
  expectTensor(op, 'input', logits);
  expectTensor(op, 'target', target);
  const reduction = checkReduction(op, opts.reduction ?? 'mean');
  if (!sameShape(logits.shape, target.shape)) {
    throw new ShapeError(`${op}: target ${fmtShape(target.shape)} must have the input's shape ${fmtShape(logits.shape)}`);
  }
  const x = noGrad(() => toLayout(logits, 'contiguous')), t = noGrad(() => toLayout(target, 'contiguous'));
  const pw = broadcastTo(op, 'posWeight', opts.posWeight, logits.shape);
  const w = broadcastTo(op, 'weight', opts.weight, logits.shape);
  const per = Tensor.empty(logits.shape);
  if (per.size > 0) vw.f32_bce_logits(x.ptr, t.ptr, pw ? pw.ptr : 0, per.ptr, per.size);
  if (w) noGrad(() => vw.f32_binary(vw.BinaryOp.mul, per.ptr, w.ptr, per.ptr, paramsFlat(per.size)));
  let out = per;
  if (reduction !== 'none') {
    out = scalar(sumOf(per) / (reduction === 'mean' ? per.size : 1));
    per.dispose();
  }
  // keep for backward only what this op created (never the caller's own tensors)
  const mine = [logits, target, opts.posWeight, opts.weight];
  const owned = [x, t, pw, w].filter((v): v is Tensor => v !== null && !mine.includes(v));
  return record(op, [logits, target], out, { x, t, pw, w, reduction }, owned);
}

/** Binary-kernel parameter block for two same-shape contiguous operands of n elements. */
function paramsFlat(n: number): number { return params([1, n, 1, 1]); }

gradRules.bceWithLogits = (gy, n) => {
  const s = n.saved as { x: Tensor; t: Tensor; pw: Tensor | null; w: Tensor | null; reduction: Reduction };
  const [logits, target] = n.inputs as Tensor[];
  const size = s.x.size;
  let g: Tensor;
  if (s.reduction === 'none') {
    const c = toLayout(gy, 'contiguous');
    g = c === gy ? gy.clone() : c;  // g is scaled in place below, gy must stay intact
  } else {
    g = Tensor.empty(s.x.shape);
    g.data().fill(gy.item() / (s.reduction === 'mean' ? size : 1));
  }
  if (s.w) vw.f32_binary(vw.BinaryOp.mul, g.ptr, s.w.ptr, g.ptr, paramsFlat(size));
  const gx = logits.requiresGrad ? Tensor.empty(s.x.shape) : null;
  const gt = target.requiresGrad ? Tensor.empty(s.x.shape) : null;
  if (size > 0) vw.f32_bce_logits_grad(s.x.ptr, s.t.ptr, s.pw ? s.pw.ptr : 0, g.ptr, gx ? gx.ptr : 0, gt ? gt.ptr : 0, size);
  g.dispose();
  const back = (v: Tensor | null, like: Tensor) => {
    if (!v || like.layout === 'contiguous') return v;
    const r = toLayout(v, like.layout);
    v.dispose();
    return r;
  };
  return [back(gx, logits), back(gt, target)];
};

/** Mean squared error (a - b)^2, a and b broadcast together, reduced. */
export function mseLoss(a: Tensor, b: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  const op = 'mseLoss';
  expectTensor(op, 'input', a);
  expectTensor(op, 'target', b);
  const reduction = checkReduction(op, opts.reduction ?? 'mean');
  const d = noGrad(() => sub(a, b));
  const sq = noGrad(() => square(d));
  let out = sq;
  if (reduction !== 'none') {
    out = scalar(sumOf(sq) / (reduction === 'mean' ? sq.size : 1));
    sq.dispose();
  }
  return record(op, [a, b], out, { d, reduction }, [d]);
}

gradRules.mseLoss = (gy, n) => {
  const s = n.saved as { d: Tensor; reduction: Reduction };
  const [a, b] = n.inputs as Tensor[];
  const k = s.reduction === 'none' ? 2 : (2 * gy.item()) / (s.reduction === 'mean' ? s.d.size : 1);
  let g: Tensor;
  if (s.reduction === 'none') {
    const t = mul(s.d, gy);
    g = mul(t, 2);
    t.dispose();
  } else g = mul(s.d, k);
  const ga = a.requiresGrad ? sumTo(g, a.shape) : null;
  let gb: Tensor | null = null;
  if (b.requiresGrad) {
    const ng = mul(g, -1);
    gb = sumTo(ng, b.shape);
    if (gb !== ng) ng.dispose();
  }
  if (ga !== g) g.dispose();
  return [ga, gb];
};
