// Normalisation with torch.nn.functional semantics: batchNorm (training statistics with
// in-place running-stat updates exactly as PyTorch, or eval with running stats; backward for
// x, weight, bias in both modes) and layerNorm (+ backward).
//
// Batch norm runs on channels-last storage ([N, C, ...] stored [N, ..., C], i.e. rows of C):
// inputs of rank >= 3 are converted and the output is channels_last. Per-channel vectors (C
// floats) are small, so the few per-channel formulas run in TypeScript in float64.
import { Tensor } from '../tensor.js';
import { record, gradRules } from '../tape.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { expectTensor, sameShape } from './util.js';
import { toLayout } from './shape.js';
import * as vw from '../kernels.gen.js';

export interface BatchNormOptions { training?: boolean; momentum?: number | null; eps?: number }

function channelVector(op: string, what: string, t: Tensor | null | undefined, C: number, x: Tensor): Tensor | null {
  if (t === null || t === undefined) return null;
  expectTensor(op, what, t);
  if (t.rank !== 1 || t.shape[0] !== C) {
    throw new ShapeError(`${op}: ${what} ${fmtShape(t.shape)} must be [${C}] for input ${fmtShape(x.shape)} (${C} channels)`);
  }
  return t;
}

/** A small f32 tensor holding values (for per-channel kernel arguments). */
function vec(values: ArrayLike<number>): Tensor {
  const t = Tensor.empty([values.length]);
  (t.data() as Float32Array).set(values);
  return t;
}

/**
 * torch.nn.functional.batch_norm for x [N, C, ...]. Training uses the batch statistics (biased
 * variance to normalise) and, when given, updates runningMean / runningVar in place with the
 * unbiased variance: r = (1 - momentum) r + momentum * stat. Eval uses the running stats.
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null = null,
  bias: Tensor | null = null, opts: BatchNormOptions = {}): Tensor {
  const op = 'batchNorm';
  expectTensor(op, 'input', x);
  const training = opts.training ?? false;
  // (nn.BatchNorm with momentum=None passes its cumulative-average factor; the functional form
  // always takes a number, as torch.nn.functional.batch_norm does)
  if (opts.momentum === null) throw new ArgumentError(`${op}: momentum must be a number (the cumulative-average factor when a layer's momentum is None)`);
  const momentum = opts.momentum ?? 0.1;
  const eps = opts.eps ?? 1e-5;
  if (x.rank < 2) throw new ShapeError(`${op}: input must be [N, C, ...], got ${fmtShape(x.shape)}`);
  if (!(eps > 0)) throw new ArgumentError(`${op}: eps must be positive, got ${eps}`);
  const C = x.shape[1];
  const M = x.size / Math.max(C, 1);
  const rm = channelVector(op, 'runningMean', runningMean, C, x), rv = channelVector(op, 'runningVar', runningVar, C, x);
  const w = channelVector(op, 'weight', weight, C, x), b = channelVector(op, 'bias', bias, C, x);
  if ((rm === null) !== (rv === null)) throw new ArgumentError(`${op}: runningMean and runningVar must both be given or both be null`);
  if (!training && !rm) throw new ArgumentError(`${op}: runningMean and runningVar are required in eval mode (training: false)`);
  if (training && M <= 1) {
    throw new ShapeError(`${op}: expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`);
  }
  const xc = x.rank >= 3 ? toLayout(x, 'channels_last') : x;
  const mean = new Float64Array(C), invstd = new Float64Array(C);
  if (training) {
    const m = Tensor.empty([C]), v = Tensor.empty([C]), scratch = Tensor.empty([C]);
    if (M > 0 && C > 0) vw.f32_bn_stats(xc.ptr, m.ptr, v.ptr, scratch.ptr, M, C);
    const Mv = m.data(), Vv = v.data();
    for (let c = 0; c < C; c++) { mean[c] = Mv[c]; invstd[c] = 1 / Math.sqrt(Vv[c] + eps); }
    if (rm && rv) {
      // in place, as PyTorch: the running variance takes the unbiased batch variance
      const RM = rm.data() as Float32Array, RV = rv.data() as Float32Array;
      for (let c = 0; c < C; c++) {
        RM[c] = (1 - momentum) * RM[c] + momentum * Mv[c];
        RV[c] = (1 - momentum) * RV[c] + momentum * Vv[c] * (M / (M - 1));
      }
    }
    m.dispose(); v.dispose(); scratch.dispose();
  } else {
    const RM = rm!.data(), RV = rv!.data();
    for (let c = 0; c < C; c++) { mean[c] = RM[c]; invstd[c] = 1 / Math.sqrt(RV[c] + eps); }
  }
  // y = x * a + s with a = w * invstd, s = b - mean * a
  const W = w ? w.data() : null, B = b ? b.data() : null;
  const a = new Float32Array(C), s = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    a[c] = (W ? W[c] : 1) * invstd[c];
    s[c] = (B ? B[c] : 0) - mean[c] * a[c];
  }
  const at = vec(a), st = vec(s);
  const y = Tensor.empty(x.shape, 'f32', xc.layout);
  if (y.size > 0) vw.f32_channel_affine(xc.ptr, y.ptr, at.ptr, st.ptr, M, C);
  at.dispose(); st.dispose();
  const out = record(op, [xc, w, b], y, { xc, w, training, mean, invstd, M, C }, xc !== x ? [xc] : []);
  return out;
}

gradRules.batchNorm = (gy, n) => {
  const { xc, w, training, mean, invstd, M, C } = n.saved as {
    xc: Tensor; w: Tensor | null; training: boolean; mean: Float64Array; invstd: Float64Array; M: number; C: number;
  };
  const g = gy.layout === xc.layout ? gy : toLayout(gy, xc.layout);
  const meanT = vec(mean), sgy = Tensor.empty([C]), sgyx = Tensor.empty([C]), scratch = Tensor.empty([2 * C]);
  if (M > 0 && C > 0) vw.f32_bn_grad_reduce(xc.ptr, g.ptr, meanT.ptr, sgy.ptr, sgyx.ptr, scratch.ptr, M, C);
  // copies: the allocations below may grow wasm memory, which detaches views of it
  const SG = Float64Array.from(sgy.data()), SGX = Float64Array.from(sgyx.data()), W = w ? w.data() : null;
  const [x, wt, bt] = n.inputs;
  let gx: Tensor | null = null;
  if (x && x.requiresGrad) {
    // gx = gy * a + x * b + d: eval is the affine map's own derivative; training also flows
    // through the batch mean and variance.
    const A = new Float32Array(C), Bv = new Float32Array(C), D = new Float32Array(C);
    for (let c = 0; c < C; c++) {
      const a = (W ? W[c] : 1) * invstd[c];
      A[c] = a;
      if (training) {
        const bb = (-a * invstd[c] * invstd[c] * SGX[c]) / M;
        Bv[c] = bb;
        D[c] = (-a * SG[c]) / M - bb * mean[c];
      }
    }
    const at = vec(A), btv = vec(Bv), dt = vec(D);
    gx = Tensor.empty(xc.shape, 'f32', xc.layout);
    if (gx.size > 0) vw.f32_bn_grad_apply(g.ptr, xc.ptr, gx.ptr, at.ptr, btv.ptr, dt.ptr, M, C);
    at.dispose(); btv.dispose(); dt.dispose();
  }
  const gw = wt && wt.requiresGrad ? vec(Array.from(SGX, (v, c) => v * invstd[c])) : null;
  const gb = bt && bt.requiresGrad ? vec(SG) : null;
  meanT.dispose(); sgy.dispose(); sgyx.dispose(); scratch.dispose();
  if (g !== gy) g.dispose();
  return [gx, gw, gb];
};

/** torch.nn.functional.layer_norm over the trailing dims normalizedShape. */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], weight: Tensor | null = null,
  bias: Tensor | null = null, opts: { eps?: number } = {}): Tensor {
  const op = 'layerNorm';
  expectTensor(op, 'input', x);
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const eps = opts.eps ?? 1e-5;
  if (ns.length === 0 || ns.length > x.rank || !sameShape(x.shape.slice(x.rank - ns.length), ns)) {
    throw new ShapeError(`${op}: normalizedShape ${fmtShape(ns)} must match the last dims of input ${fmtShape(x.shape)}`);
  }
  for (const [what, t] of [['weight', weight], ['bias', bias]] as const) {
    if (!t) continue;
    expectTensor(op, what, t);
    if (!sameShape(t.shape, ns)) throw new ShapeError(`${op}: ${what} ${fmtShape(t.shape)} must be ${fmtShape(ns)} (normalizedShape) for input ${fmtShape(x.shape)}`);
  }
  const D = ns.reduce((p, d) => p * d, 1);
  const rows = D === 0 ? 0 : x.size / D;
  const xc = toLayout(x, 'contiguous');
  const wc = weight ? toLayout(weight, 'contiguous') : null, bc = bias ? toLayout(bias, 'contiguous') : null;
  const y = Tensor.empty(x.shape);
  const mean = Tensor.empty([rows]), rstd = Tensor.empty([rows]);
  if (y.size > 0) vw.f32_layernorm(xc.ptr, y.ptr, wc ? wc.ptr : 0, bc ? bc.ptr : 0, mean.ptr, rstd.ptr, rows, D, eps);
  const owned = [mean, rstd];
  if (xc !== x) owned.push(xc);
  if (bc && bc !== bias) bc.dispose();
  if (wc && wc !== weight) owned.push(wc);
  return record(op, [xc, weight, bias], y, { xc, wc, mean, rstd, rows, D }, owned);
}

gradRules.layerNorm = (gy, n) => {
  const { xc, wc, mean, rstd, rows, D } = n.saved as { xc: Tensor; wc: Tensor | null; mean: Tensor; rstd: Tensor; rows: number; D: number };
  const [, wt, bt] = n.inputs;
  const g = toLayout(gy, 'contiguous');
  const gx = Tensor.empty(xc.shape);
  const gw = wt && wt.requiresGrad ? Tensor.empty(wt.shape) : null;
  const gb = bt && bt.requiresGrad ? Tensor.empty(bt.shape) : null;
  if (gx.size > 0) vw.f32_layernorm_grad(xc.ptr, g.ptr, wc ? wc.ptr : 0, mean.ptr, rstd.ptr, gx.ptr, gw ? gw.ptr : 0, gb ? gb.ptr : 0, rows, D);
  else { gw?.fill_(0); gb?.fill_(0); }
  if (g !== gy) g.dispose();
  return [gx, gw, gb];
};

/**
 * torch.nn.functional.group_norm: x [N, C, ...] split into numGroups groups of channels, each
 * (sample, group) normalised over its channels and positions, then a per-channel affine.
 * Normalisation runs in the layer-norm kernel on rows of (C / G) * S; the per-channel affine
 * and its reductions are plain loops.
 */
export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null,
  opts: { eps?: number } = {}): Tensor {
  const op = 'groupNorm';
  expectTensor(op, 'input', x);
  const eps = opts.eps ?? 1e-5;
  if (x.rank < 2) throw new ShapeError(`${op}: input must be [N, C, ...], got ${fmtShape(x.shape)}`);
  const [N, C] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups < 1 || C % numGroups !== 0) {
    throw new ArgumentError(`${op}: ${C} channels of input ${fmtShape(x.shape)} cannot be split into ${numGroups} groups`);
  }
  const w = channelVector(op, 'weight', weight, C, x), b = channelVector(op, 'bias', bias, C, x);
  const S = x.size / Math.max(N * C, 1), rows = N * numGroups, D = (C / numGroups) * S;
  const xc = toLayout(x, 'contiguous');
  const xhat = Tensor.empty(x.shape), mean = Tensor.empty([rows]), rstd = Tensor.empty([rows]);
  if (x.size > 0) vw.f32_layernorm(xc.ptr, xhat.ptr, 0, 0, mean.ptr, rstd.ptr, rows, D, eps);
  const y = Tensor.empty(x.shape);
  const XH = xhat.data() as Float32Array, Y = y.data() as Float32Array;
  const W = w ? w.data() : null, B = b ? b.data() : null;
  for (let n = 0, i = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const wc = W ? W[c] : 1, bc = B ? B[c] : 0;
      for (let s = 0; s < S; s++, i++) Y[i] = XH[i] * wc + bc;
    }
  }
  const owned = [xhat, mean, rstd];
  if (xc !== x) owned.push(xc);
  return record(op, [xc, w, b], y, { xc, xhat, mean, rstd, w, N, C, S, rows, D }, owned);
}

gradRules.groupNorm = (gy, n) => {
  const { xc, xhat, mean, rstd, w, N, C, S, rows, D } = n.saved as {
    xc: Tensor; xhat: Tensor; mean: Tensor; rstd: Tensor; w: Tensor | null; N: number; C: number; S: number; rows: number; D: number;
  };
  const [x, wt, bt] = n.inputs;
  const g = toLayout(gy, 'contiguous');
  const G = g.data() as Float32Array, XH = xhat.data() as Float32Array, W = w ? w.data() : null;
  const gw = new Float64Array(C), gb = new Float64Array(C);
  const gh = Tensor.empty(xc.shape), GH = gh.data() as Float32Array;
  for (let b = 0, i = 0; b < N; b++) {
    for (let c = 0; c < C; c++) {
      const wc = W ? W[c] : 1;
      for (let s = 0; s < S; s++, i++) {
        GH[i] = G[i] * wc;
        gw[c] += G[i] * XH[i];
        gb[c] += G[i];
      }
    }
  }
  let gx: Tensor | null = null;
  if (x && x.requiresGrad) {
    gx = Tensor.empty(xc.shape);
    if (gx.size > 0) vw.f32_layernorm_grad(xc.ptr, gh.ptr, 0, mean.ptr, rstd.ptr, gx.ptr, 0, 0, rows, D);
  }
  gh.dispose();
  if (g !== gy) g.dispose();
  return [gx, wt && wt.requiresGrad ? vec(gw) : null, bt && bt.requiresGrad ? vec(gb) : null];
};
