// Linear algebra ops on the f32 GEMM kernels (native/kernels/gemm.h): linear and matmul with
// their gradients, plus the packed-weights helpers that conv and nn.Linear build on.
//
// Two kernels: vw_f32_gemm multiplies by weights packed once (bias folded in, min/max clamp
// fused), vw_f32_matmul multiplies two plain matrices, either of them transposed, packing on
// the fly. Forward passes pack (weights are reused across the whole batch); backward passes
// use matmul with transpose flags instead of materialising transposes.
import { Tensor, numel, type Shape } from '../tensor.js';
import { record, gradRules, needsGrad } from '../tape.js';
import { keep, track, type Disposable } from '../memory.js';
import { ShapeError, ArgumentError, fmtShape } from '../errors.js';
import { expectTensor, sameShape } from './util.js';
import { toLayout } from './shape.js';
import { sum } from './reduce.js';
import { broadcastShapes } from './elementwise.js';
import { parallelFor, threadsFor } from '../threads/index.js';
import * as vw from '../kernels.gen.js';

/** Thread splits of M fall on multiples of every GEMM row tile (MR = 4 on x86, 6 on arm): same tiles, same sums. */
const ROW_GRAIN = 12;
/** Column splits fall on whole 8-column panels (VW_GEMM_NR in native/kernels/gemm.h). */
const NR = 8;

// ---- thin kernel wrappers (pointers are byte offsets in wasm memory) ----

/** Floats a packed buffer for a K x N weight matrix needs (identical on both backends). */
export function packedFloats(K: number, N: number): number {
  return vw.f32_gemm_packed_floats(K, N);
}

/**
 * Packs B (K x N, element [k][n] at bPtr + 4*(k*sbk + n*sbn)) and an optional bias (N floats,
 * biasPtr 0 for none) into the GEMM's panel layout at packedPtr. Row-major B: sbk = N, sbn = 1;
 * a PyTorch weight W[N][K] used as W^T: sbk = 1, sbn = K.
 */
export function packRaw(K: number, N: number, bPtr: number, sbk: number, sbn: number, biasPtr: number, packedPtr: number): void {
  vw.f32_gemm_pack(K, N, bPtr, sbk, sbn, biasPtr, packedPtr);
}

/** Clamp and accumulate options of the packed GEMM. */
export interface GemmOptions { min?: number; max?: number; accumulate?: boolean }

/**
 * C[M, N] = clamp(A[M, K] · B + bias (+ C when accumulate), min, max) with B packed in
 * `packed`. A and C are row-major with row strides lda and ldc (in floats).
 */
export function gemmPacked(aPtr: number, M: number, lda: number, packed: PackedWeights, cPtr: number, ldc: number,
  opts: GemmOptions = {}): void {
  if (lda < packed.K || ldc < packed.N) {
    throw new ArgumentError(`gemmPacked: row strides lda=${lda}, ldc=${ldc} are smaller than K=${packed.K}, N=${packed.N}`);
  }
  const lo = opts.min ?? -Infinity, hi = opts.max ?? Infinity, acc = opts.accumulate ? 1 : 0;
  const parts = threadsFor(M * packed.N * packed.K);
  if (parts > 1 && M >= ROW_GRAIN * parts) {  // threads add-on: rows of C split across threads (see ts/runtime/threads)
    parallelFor(M, ROW_GRAIN, (m0, m1) => [['f32_gemm', m1 - m0, packed.N, packed.K, aPtr + 4 * m0 * lda, lda, packed.ptr,
      cPtr + 4 * m0 * ldc, ldc, lo, hi, acc]], parts);
    return;
  }
  if (parts > 1) {  // few rows (a batch-1 linear): columns split at whole packed panels of NR = 8
    const panel = 4 * NR * (packed.K + 1);
    parallelFor(packed.N, NR, (n0, n1) => [['f32_gemm', M, n1 - n0, packed.K, aPtr, lda, packed.ptr + (n0 / NR) * panel,
      cPtr + 4 * n0, ldc, lo, hi, acc]], parts);
    return;
  }
  vw.f32_gemm(M, packed.N, packed.K, aPtr, lda, packed.ptr, cPtr, ldc, lo, hi, acc);
}

/**
 * C = op(A) · op(B) + beta * C on raw pointers: op(A) is M x K, op(B) is K x N, op transposes
 * when the flag is set; lda/ldb/ldc are row strides of the stored matrices. With beta = 0, C is
 * only written.
 */
export function matmulRaw(transA: boolean, transB: boolean, M: number, N: number, K: number,
  aPtr: number, lda: number, bPtr: number, ldb: number, cPtr: number, ldc: number, beta = 0): void {
  const parts = threadsFor(M * N * K);
  if (parts > 1 && M >= ROW_GRAIN * parts) {  // threads add-on: rows of C (rows of op(A)) split across threads
    parallelFor(M, ROW_GRAIN, (m0, m1) => [['f32_matmul', transA ? 1 : 0, transB ? 1 : 0, m1 - m0, N, K,
      aPtr + 4 * (transA ? m0 : m0 * lda), lda, bPtr, ldb, cPtr + 4 * m0 * ldc, ldc, beta]], parts);
    return;
  }
  if (parts > 1) {  // few rows: columns of C (of op(B)) split at multiples of NR = 8
    parallelFor(N, NR, (n0, n1) => [['f32_matmul', transA ? 1 : 0, transB ? 1 : 0, M, n1 - n0, K,
      aPtr, lda, bPtr + 4 * (transB ? n0 * ldb : n0), ldb, cPtr + 4 * n0, ldc, beta]], parts);
    return;
  }
  vw.f32_matmul(transA ? 1 : 0, transB ? 1 : 0, M, N, K, aPtr, lda, bPtr, ldb, cPtr, ldc, beta);
}

/**
 * Weights packed once for the GEMM: a PyTorch-style weight W[N, K] (out x in) used as B = W^T,
 * with its bias. The buffer is a wasm allocation owned by this object: dispose() it (tidy()
 * does too). Packing is cheap (one pass over W) but not free, so inference code packs once;
 * when the weights change in place (an optimizer step), call repack() — the owner decides when,
 * e.g. by bumping `version` in its own update path.
 */
export class PackedWeights implements Disposable {
  readonly K: number;
  readonly N: number;
  kept = false;
  /** Incremented by every repack(); callers may compare it with their own counter. */
  version = 0;
  private buf: Tensor | null;

  constructor(K: number, N: number) {
    this.K = K; this.N = N;
    this.buf = keep(Tensor.empty([packedFloats(K, N)]));
    track(this);
  }

  get ptr(): number {
    if (!this.buf) throw new ArgumentError(`PackedWeights [K=${this.K}, N=${this.N}] was used after dispose()`);
    return this.buf.ptr;
  }
  get isDisposed(): boolean { return this.buf === null; }
  get nbytes(): number { return this.buf ? this.buf.nbytes : 0; }

  /** Re-packs new values of the same shape into this buffer (no allocation). */
  repack(w: Tensor, bias: Tensor | null = null): this {
    checkWeights('packWeights', w, bias, this.K, this.N);
    const wc = toLayout(w, 'contiguous');
    packRaw(this.K, this.N, wc.ptr, 1, this.K, bias ? bias.ptr : 0, this.ptr);
    if (wc !== w) wc.dispose();
    this.version++;
    return this;
  }

  dispose(): void {
    if (this.buf) { this.buf.dispose(); this.buf = null; }
  }
}

function checkWeights(op: string, w: Tensor, bias: Tensor | null, K?: number, N?: number): void {
  expectTensor(op, 'weight', w);
  if (w.rank !== 2) throw new ShapeError(`${op}: weight must be 2-D [out_features, in_features], got ${fmtShape(w.shape)}`);
  if (K !== undefined && (w.shape[0] !== N || w.shape[1] !== K)) {
    throw new ShapeError(`${op}: weight ${fmtShape(w.shape)} does not match the packed shape [${N}, ${K}]`);
  }
  if (bias !== null && bias !== undefined) {
    expectTensor(op, 'bias', bias);
    if (bias.rank !== 1 || bias.shape[0] !== w.shape[0]) {
      throw new ShapeError(`${op}: bias ${fmtShape(bias.shape)} does not match weight ${fmtShape(w.shape)} (expected [${w.shape[0]}])`);
    }
  }
}

/** Packs a PyTorch-layout weight w [N, K] (and bias [N] or null) for gemmPacked / linearPacked. */
export function packWeights(w: Tensor, bias: Tensor | null = null): PackedWeights {
  checkWeights('packWeights', w, bias);
  return new PackedWeights(w.shape[1], w.shape[0]).repack(w, bias);
}

// ---- linear ----

function checkLinear(x: Tensor, K: number, wShape: Shape): void {
  if (x.rank < 1 || x.shape[x.rank - 1] !== K) {
    throw new ShapeError(`linear: input ${fmtShape(x.shape)} and weight ${fmtShape(wShape)} do not fit ` +
      `(the input's last dim must equal in_features = ${K})`);
  }
}

/**
 * torch.nn.functional.linear: y = x · weight^T + bias, x [..., in], weight [out, in],
 * bias [out] or null; y [..., out]. Differentiable in all three.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  expectTensor('linear', 'input', x);
  checkWeights('linear', weight, bias ?? null);
  const N = weight.shape[0], K = weight.shape[1];
  checkLinear(x, K, weight.shape);
  const xc = toLayout(x, 'contiguous');
  const M = K === 0 ? numel(x.shape.slice(0, -1)) : xc.size / K;
  const y = Tensor.empty([...x.shape.slice(0, -1), N]);
  if (M > 0 && N > 0) {
    const packed = packWeights(weight, bias ?? null);
    try {
      gemmPacked(xc.ptr, M, K, packed, y.ptr, N);
    } finally { packed.dispose(); }
  }
  return record('linear', [x, weight, bias ?? null], y, { x: xc, w: weight, M, K, N, hasBias: !!bias },
    xc !== x ? [xc] : []);
}

/**
 * linear with weights packed beforehand, for inference: an optional fused clamp (e.g. {min: 0}
 * for a ReLU), no autograd (use linear(x, weight, bias) when training: it throws if x needs grad).
 */
export function linearPacked(x: Tensor, packed: PackedWeights, opts: { min?: number; max?: number } = {}): Tensor {
  expectTensor('linearPacked', 'input', x);
  const { K, N } = packed;
  if (x.rank < 1 || x.shape[x.rank - 1] !== K) {
    throw new ShapeError(`linearPacked: input ${fmtShape(x.shape)} does not fit packed weights [${N}, ${K}] (out, in)`);
  }
  if (needsGrad(x)) {
    throw new ArgumentError('linearPacked: the input requires grad, but packed weights are for inference; use linear(x, weight, bias)');
  }
  const xc = toLayout(x, 'contiguous');
  const M = K === 0 ? numel(x.shape.slice(0, -1)) : xc.size / K;
  const y = Tensor.empty([...x.shape.slice(0, -1), N]);
  if (M > 0 && N > 0) gemmPacked(xc.ptr, M, K, packed, y.ptr, N, opts);
  if (xc !== x) xc.dispose();
  return y;
}

gradRules.linear = (gy0, node) => {
  const { x, w, M, K, N, hasBias } = node.saved as { x: Tensor; w: Tensor; M: number; K: number; N: number; hasBias: boolean };
  const [xIn, wIn, bIn] = node.inputs;
  const gy = toLayout(gy0, 'contiguous');
  let gx: Tensor | null = null, gw: Tensor | null = null, gb: Tensor | null = null;
  if (xIn?.requiresGrad) {
    // gx[M, K] = gy[M, N] · W[N, K]
    const g = Tensor.empty(x.shape);
    if (g.size > 0) matmulRaw(false, false, M, K, N, gy.ptr, N, w.ptr, K, g.ptr, K, 0);
    gx = g.layout === xIn.layout ? g : toLayout(g, xIn.layout);
    if (gx !== g) g.dispose();
  }
  if (wIn?.requiresGrad) {
    // gW[N, K] = gy^T[N, M] · x[M, K]
    gw = M > 0 ? Tensor.empty([N, K]) : Tensor.zeros([N, K]);
    if (gw.size > 0 && M > 0) matmulRaw(true, false, N, K, M, gy.ptr, N, x.ptr, K, gw.ptr, K, 0);
  }
  if (hasBias && bIn?.requiresGrad) {
    const g2 = gy.shareStorage([M, N]);
    gb = M > 0 ? sum(g2, 0) : Tensor.zeros([N]);
    g2.dispose();
  }
  if (gy !== gy0) gy.dispose();
  return [gx, gw, gb];
};

// ---- matmul ----

/**
 * torch.matmul for inputs of rank >= 1: 1-D operands are promoted to a row / column vector
 * (and that dim is removed from the result), batch dims (all but the last two) broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  expectTensor('matmul', 'input', a);
  expectTensor('matmul', 'other', b);
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(`matmul: both arguments need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  // A 1-D operand is read as [1, K] / [K, 1]: the same memory, so only the plan changes.
  const sa = a.rank === 1 ? [1, a.shape[0]] : a.shape;
  const sb = b.rank === 1 ? [b.shape[0], 1] : b.shape;
  const plan = planBatches(sa, sb, a.shape, b.shape);
  const { batch, offA, offB, M, K, N } = plan;
  const shape = [...batch, ...(a.rank === 1 ? [] : [M]), ...(b.rank === 1 ? [] : [N])];
  const ac = toLayout(a, 'contiguous'), bc = toLayout(b, 'contiguous');
  const y = Tensor.empty(shape);
  if (M > 0 && N > 0) {
    for (let i = 0; i < offA.length; i++) {
      matmulRaw(false, false, M, N, K, ac.ptr + 4 * offA[i] * M * K, K, bc.ptr + 4 * offB[i] * K * N, N,
        y.ptr + 4 * i * M * N, N, 0);
    }
  }
  const owned = [ac, bc].filter((t, i) => t !== [a, b][i]);
  return record('matmul', [a, b], y, { a: ac, b: bc, plan }, owned);
}

interface BatchPlan { batch: number[]; offA: number[]; offB: number[]; M: number; K: number; N: number }

function planBatches(a: Shape, b: Shape, origA: Shape, origB: Shape): BatchPlan {
  const M = a[a.length - 2], K = a[a.length - 1], K2 = b[b.length - 2], N = b[b.length - 1];
  if (K !== K2) {
    throw new ShapeError(`matmul: shapes ${fmtShape(origA)} and ${fmtShape(origB)} cannot be multiplied (${M}x${K} and ${K2}x${N})`);
  }
  const ba = a.slice(0, -2), bb = b.slice(0, -2);
  const batch = broadcastShapes('matmul', ba, bb);
  // Matrix offsets (in matrices) of each output batch in a and b, honouring broadcasting.
  const strides = (s: Shape): number[] => {
    const out = new Array<number>(batch.length).fill(0);
    let st = 1;
    for (let i = s.length - 1; i >= 0; i--) {
      const d = batch.length - s.length + i;
      out[d] = s[i] === 1 ? 0 : st;
      st *= s[i];
    }
    return out;
  };
  const sa = strides(ba), sb = strides(bb);
  const count = numel(batch);
  const offA: number[] = [], offB: number[] = [];
  const idx = new Array<number>(batch.length).fill(0);
  for (let i = 0; i < count; i++) {
    let oa = 0, ob = 0;
    for (let d = 0; d < batch.length; d++) { oa += idx[d] * sa[d]; ob += idx[d] * sb[d]; }
    offA.push(oa); offB.push(ob);
    for (let d = batch.length - 1; d >= 0; d--) { if (++idx[d] < batch[d]) break; idx[d] = 0; }
  }
  return { batch, offA, offB, M, K, N };
}

gradRules.matmul = (gy0, node) => {
  const { a, b, plan } = node.saved as { a: Tensor; b: Tensor; plan: BatchPlan };
  const { offA, offB, M, K, N } = plan;
  const [aIn, bIn] = node.inputs;
  const gy = toLayout(gy0, 'contiguous');
  let ga: Tensor | null = null, gb: Tensor | null = null;
  // Broadcast batches accumulate (beta = 1) into a zeroed gradient.
  if (aIn?.requiresGrad) {
    ga = Tensor.zeros(a.shape);
    if (ga.size > 0) {
      for (let i = 0; i < offA.length; i++) {  // ga[M, K] += gy[M, N] · b^T
        matmulRaw(false, true, M, K, N, gy.ptr + 4 * i * M * N, N, b.ptr + 4 * offB[i] * K * N, N,
          ga.ptr + 4 * offA[i] * M * K, K, 1);
      }
    }
  }
  if (bIn?.requiresGrad) {
    gb = Tensor.zeros(b.shape);
    if (gb.size > 0) {
      for (let i = 0; i < offA.length; i++) {  // gb[K, N] += a^T · gy[M, N]
        matmulRaw(true, false, K, N, M, a.ptr + 4 * offA[i] * M * K, K, gy.ptr + 4 * i * M * N, N,
          gb.ptr + 4 * offB[i] * K * N, N, 1);
      }
    }
  }
  if (gy !== gy0) gy.dispose();
  const fix = (g: Tensor | null, x: Tensor | null): Tensor | null => {
    if (!g || !x || g.layout === x.layout || !sameShape(g.shape, x.shape)) return g;
    const l = toLayout(g, x.layout);
    if (l !== g) g.dispose();
    return l;
  };
  return [fix(ga, aIn), fix(gb, bIn)];
};

/** Batched matrix product [B, M, K] · [B, K, N] (torch.bmm); no broadcasting. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  expectTensor('bmm', 'input', a);
  expectTensor('bmm', 'other', b);
  if (a.rank !== 3 || b.rank !== 3 || a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new ShapeError(`bmm: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} must be [B, M, K] and [B, K, N]`);
  }
  return matmul(a, b);
}
