// conv3d / conv2d / conv1d with torch.nn.functional semantics, computed on channels-last storage.
//
// The op validates, picks a lowering (see native/kernels/conv.h) and calls the kernels:
//   depthwise (groups == Cin, Cout = m*Cin)   -> direct channels-last kernel (depthwise*.c); with a
//                                                channel multiplier m > 1 on the input expanded
//                                                to Cout channels (gradient folded back)
//   1x1x1, stride 1, no padding               -> one GEMM per group over [N*T*H*W, Cin]
//   (kt,1,1), spatial stride 1, no spatial pad -> kt shifted GEMMs per output frame
//   anything else                             -> implicit GEMM per group (the GEMM gathers each cache
//                                                block of the vol2col matrix from x as it needs it)
// conv2d and conv1d run as conv3d with leading unit dims: a channels-last [N, C, H, W] tensor
// has the same storage as channels-last [N, C, 1, H, W], so no copy is made.
//
// Weight packing: the weights are packed for the GEMM on every call (O(Cout*Cin*k^3), i.e. 1/M of
// the conv's work, M = output positions; its measured share is in bench/README.md, "Kernel
// design measurements"). Packing per call needs no cache invalidation when an optimizer or loadStateDict writes
// weights in place (tensors carry no version counter). Packing and convolving are separate
// kernels (vw_f32_conv3d_pack, vw_f32_conv3d), so an inference plan can pack once at build time.
import { Tensor, type Layout } from '../tensor.js';
import { params, malloc, free } from '../wasm.js';
import { ConvMode, ConvParam, ConvScratch } from '../kernels.gen.js';
import { record, gradRules, noGrad, type Node } from '../tape.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { expectTensor, tuple } from './util.js';
import { toLayout } from './shape.js';
import { matmulRaw } from './linalg.js';
import { getNumThreads, parallelFor, slotParams, splitRange, threadsFor, type KernelCall } from '../threads/index.js';
import * as vw from '../kernels.gen.js';

export interface ConvOptions {
  /** One number or one per spatial dim ([t, h, w] for conv3d). Default 1. */
  stride?: number | readonly number[];
  /** Zero padding on both sides of each spatial dim, or 'same' (stride 1) / 'valid'. Default 0. */
  padding?: number | readonly number[] | 'same' | 'valid';
  /** Default 1. */
  dilation?: number | readonly number[];
  /** Default 1. */
  groups?: number;
}

const { general: GENERAL, pointwise: POINTWISE, temporal: TEMPORAL, depthwise: DEPTHWISE } = ConvMode;
const { pack: SCRATCH_PACK, fwd: SCRATCH_FWD, bwd_data: SCRATCH_BWD_DATA, bwd_weight: SCRATCH_BWD_WEIGHT } = ConvScratch;

export type ConvLowering = 'auto' | 'general';
let lowering: ConvLowering = 'auto';
/**
 * 'general' sends every conv through the general lowering (implicit GEMM) instead of its fast path (tests use it to
 * cross-check the lowerings, benchmarks to measure them). Returns the previous setting.
 */
export function setConvLowering(mode: ConvLowering): ConvLowering {
  if (mode !== 'auto' && mode !== 'general') throw new ArgumentError(`setConvLowering: unknown mode ${String(mode)}`);
  const prev = lowering;
  lowering = mode;
  return prev;
}

/**
 * Conv geometry as the kernels see it: always 3 spatial dims (leading unit dims for 2-D/1-D),
 * with the lowering mode the op picks.
 */
export interface Geo {
  N: number; Cin: number; T: number; H: number; W: number; Cout: number;
  k: number[]; s: number[]; p: number[]; d: number[]; G: number; To: number; Ho: number; Wo: number;
  mode: number;
}

/** The kernels' int32 parameter block (ConvParam offsets) of a geometry. */
export function convBlock(g: Geo): number[] {
  const p = new Array<number>(ConvParam.COUNT);
  [p[ConvParam.N], p[ConvParam.CIN], p[ConvParam.T], p[ConvParam.H], p[ConvParam.W], p[ConvParam.COUT]] = [g.N, g.Cin, g.T, g.H, g.W, g.Cout];
  [p[ConvParam.KT], p[ConvParam.KH], p[ConvParam.KW]] = g.k;
  [p[ConvParam.ST], p[ConvParam.SH], p[ConvParam.SW]] = g.s;
  [p[ConvParam.PT], p[ConvParam.PH], p[ConvParam.PW]] = g.p;
  [p[ConvParam.DT], p[ConvParam.DH], p[ConvParam.DW]] = g.d;
  [p[ConvParam.GROUPS], p[ConvParam.TO], p[ConvParam.HO], p[ConvParam.WO], p[ConvParam.MODE]] = [g.G, g.To, g.Ho, g.Wo, g.mode];
  return p;
}
const block = convBlock;

const DIMS = ['', '[N, C, L]', '[N, C, H, W]', '[N, C, T, H, W]'];

function geometry(op: string, nsp: number, x: Tensor, w: Tensor, b: Tensor | null, opts: ConvOptions): Geo {
  expectTensor(op, 'input', x);
  expectTensor(op, 'weight', w);
  if (b !== null) expectTensor(op, 'bias', b);
  return convGeometry(op, nsp, x.shape, w.shape, b && b.shape, opts);
}

/**
 * Validates a conv on shapes (input [N, Cin, ...spatial], weight [Cout, Cin/groups, ...kernel],
 * bias [Cout] or null) and returns its geometry with the lowering the op picks (chooseMode).
 */
export function convGeometry(op: string, nsp: number, xShape: readonly number[], wShape: readonly number[],
  bShape: readonly number[] | null, opts: ConvOptions): Geo {
  const rank = nsp + 2;
  if (xShape.length !== rank) throw new ShapeError(`${op}: input must have ${rank} dims ${DIMS[nsp]}, got ${fmtShape(xShape)}`);
  if (wShape.length !== rank) {
    throw new ShapeError(`${op}: weight must have ${rank} dims [Cout, Cin/groups, ...kernel], got ${fmtShape(wShape)}`);
  }
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ArgumentError(`${op}: groups must be a positive integer, got ${groups}`);
  const [N, Cin] = xShape, [Cout, Cg] = wShape;
  const shapes = `input ${fmtShape(xShape)}, weight ${fmtShape(wShape)}`;
  if (Cin % groups !== 0 || Cout % groups !== 0) {
    throw new ShapeError(`${op}: groups=${groups} must divide both the input channels (${Cin}) and the output channels (${Cout}); ${shapes}`);
  }
  if (Cg * groups !== Cin) {
    throw new ShapeError(`${op}: weight expects ${Cg * groups} input channels (${Cg} per group x groups=${groups}) but the input has ${Cin}; ${shapes}`);
  }
  if (bShape && (bShape.length !== 1 || bShape[0] !== Cout)) {
    throw new ShapeError(`${op}: bias must have shape [${Cout}] (one per output channel), got ${fmtShape(bShape)}; ${shapes}`);
  }
  const k = wShape.slice(2);
  const inSp = xShape.slice(2);
  const s = tuple(op, 'stride', opts.stride, nsp, 1);
  const d = tuple(op, 'dilation', opts.dilation, nsp, 1);
  if (s.some((v) => v < 1)) throw new ArgumentError(`${op}: stride must be >= 1, got ${JSON.stringify(opts.stride)}`);
  if (d.some((v) => v < 1)) throw new ArgumentError(`${op}: dilation must be >= 1, got ${JSON.stringify(opts.dilation)}`);
  let before: number[], after: number[];
  if (opts.padding === 'same') {
    if (s.some((v) => v !== 1)) throw new ArgumentError(`${op}: padding 'same' needs stride 1, got stride ${JSON.stringify(opts.stride)}`);
    // PyTorch: total d*(k-1), the extra one (even kernels) goes after
    before = k.map((kk, i) => Math.floor((d[i] * (kk - 1)) / 2));
    after = k.map((kk, i) => d[i] * (kk - 1) - before[i]);
  } else {
    before = tuple(op, 'padding', opts.padding === 'valid' ? 0 : opts.padding as number | number[] | undefined, nsp, 0);
    if (before.some((v) => v < 0)) throw new ArgumentError(`${op}: padding must be >= 0, got ${JSON.stringify(opts.padding)}`);
    after = before;
  }
  const out: number[] = [];
  for (let i = 0; i < nsp; i++) {
    const ext = d[i] * (k[i] - 1) + 1, padded = inSp[i] + before[i] + after[i];
    if (k[i] < 1 || ext > padded) {
      throw new ShapeError(`${op}: kernel ${fmtShape(k)} (dilation ${fmtShape(d)}) is larger than the padded input ` +
        `${fmtShape(inSp.map((v, j) => v + before[j] + after[j]))}; ${shapes}`);
    }
    out.push(Math.floor((padded - ext) / s[i]) + 1);
  }
  const lead = (a: readonly number[], fill: number) => [...new Array(3 - nsp).fill(fill), ...a];
  const [T, H, W] = lead(inSp, 1), [To, Ho, Wo] = lead(out, 1);
  const g: Geo = { N, Cin, T, H, W, Cout, k: lead(k, 1), s: lead(s, 1), p: lead(before, 0), d: lead(d, 1), G: groups, To, Ho, Wo, mode: GENERAL };
  g.mode = chooseMode(g);
  return g;
}

/** The lowering of a conv (native/kernels/conv.h): setConvLowering('general') forces the general one. */
export function chooseMode(g: Geo): number {
  if (lowering === 'general') return GENERAL;
  const [kt, kh, kw] = g.k, [st, sh, sw] = g.s, [pt, ph, pw] = g.p;
  if (g.G === g.Cin && g.Cout % g.Cin === 0) return DEPTHWISE;
  if (kh === 1 && kw === 1 && sh === 1 && sw === 1 && ph === 0 && pw === 0 && g.Ho === g.H && g.Wo === g.W) {
    return kt === 1 && st === 1 && pt === 0 && g.To === g.T ? POINTWISE : TEMPORAL;
  }
  return GENERAL;
}

const taps = (g: Geo) => g.k[0] * g.k[1] * g.k[2];

/** Runs fn with wasm scratch buffers of the given float counts, freed afterwards. */
function withBuffers<R>(floats: number[], what: string, fn: (...ptrs: number[]) => R): R {
  const ptrs: number[] = [];
  try {
    for (const n of floats) ptrs.push(malloc(n * 4, what));
    return fn(...ptrs);
  } finally {
    for (const p of ptrs) free(p);
  }
}

/** Geometry of the plain depthwise kernel on the input expanded to Cout channels (multiplier > 1). */
export const expanded = (g: Geo): Geo => ({ ...g, Cin: g.Cout, G: g.Cout });
const positions = (g: Geo) => g.N * g.T * g.H * g.W;

/** Runs fn on x itself, or (channel multiplier) on a scratch copy expanded to Cout channels. */
function withExpanded<R>(g: Geo, x: number, fn: (xe: number, ge: Geo) => R): R {
  if (g.Cout === g.Cin) return fn(x, g);
  return withBuffers([positions(g) * g.Cout], 'conv3d expanded input', (xe) => {
    vw.f32_depthwise3d_expand(params(block(g)), x, xe);
    return fn(xe, expanded(g));
  });
}

// ---- threads add-on (ts/runtime/threads): only used when getNumThreads() > 1 ----
// The output range is split over units n*To + t (clip n, output frame t): a thread's share is at
// most 3 sub-convs (whole clips, or a window of frames of one clip with its input frames and
// leading padding), each the same kernel on the same mode, so every output element is computed
// as at 1 thread. Backward data is split by whole clips only (input frames of neighbouring
// output frames overlap); backward weight is split by output channel in 1x1x1 mode (a plain
// matmul) and otherwise stays on one thread (the kernel reduces over vol2col tiles internally).

interface Piece { g: Geo; x: number; y: number }  // x / y: float offsets into input / output

function pieces(g: Geo, u0: number, u1: number, cin: number): Piece[] | null {
  const out: Piece[] = [];
  const xClip = g.T * g.H * g.W * cin, yFrame = g.Ho * g.Wo * g.Cout, xFrame = g.H * g.W * cin;
  for (let u = u0; u < u1;) {
    const n = Math.floor(u / g.To), t = u % g.To;
    if (t === 0 && u1 - u >= g.To) {
      const cnt = Math.floor((u1 - u) / g.To);
      out.push({ g: { ...g, N: cnt }, x: n * xClip, y: n * g.To * yFrame });
      u += cnt * g.To;
      continue;
    }
    const t1 = Math.min(g.To, t + (u1 - u));
    const [kt] = g.k, [st] = g.s, [pt, ph, pw] = g.p, [dt] = g.d;
    const a = t * st - pt, last = (t1 - 1) * st - pt + dt * (kt - 1);
    const xs = Math.max(0, a), xe = Math.min(g.T - 1, last);
    if (xe < xs) return null;  // a window of padding only: leave this conv to one thread
    out.push({ g: { ...g, N: 1, T: xe - xs + 1, To: t1 - t, p: [xs - a, ph, pw] }, x: n * xClip + xs * xFrame, y: (n * g.To + t) * yFrame });
    u += t1 - t;
  }
  return out;
}

/** Forward on the threads; false when this conv is not worth splitting (the caller runs it as usual). */
function forwardThreaded(g: Geo, x: number, w: number, b: number, y: number): boolean {
  const work = g.N * g.To * g.Ho * g.Wo * g.Cout * taps(g) * (g.mode === DEPTHWISE ? 1 : g.Cin / g.G);
  const parts = threadsFor(work), units = g.N * g.To;
  if (parts < 2 || units < 2) return false;
  const split = (cin: number, call: (pc: Piece, slot: number, i: number) => KernelCall): boolean => {
    // the same ranges parallelFor will make (splitRange is deterministic)
    const plan = splitRange(units, 1, Math.min(parts, getNumThreads())).map(([u0, u1]) => pieces(g, u0, u1, cin));
    if (plan.some((pcs) => pcs === null || pcs.length > 4)) return false;
    parallelFor(units, 1, (_u0, _u1, slot) => plan[slot]!.map((pc, i) => call(pc, slot, i)), parts);
    return true;
  };
  if (g.mode === DEPTHWISE) {
    return withExpanded(g, x, (xe, ge) => withBuffers([g.Cout * (1 + taps(g))], 'conv3d packed weights', (packed) => {
      vw.f32_depthwise3d_pack(params(block(ge)), w, b, packed);
      return split(g.Cout, (pc, slot, i) => ['f32_depthwise3d', slotParams(slot, i, block({ ...pc.g, Cin: g.Cout, G: g.Cout })),
        xe + 4 * pc.x, packed, y + 4 * pc.y, -Infinity, Infinity]);
    }));
  }
  const pv = block(g);
  const pf = vw.f32_conv3d_packed_floats(params(pv));
  const scr = Math.max(vw.f32_conv3d_scratch_floats(params(pv), SCRATCH_PACK),
    vw.f32_conv3d_scratch_floats(params(pv), SCRATCH_FWD));
  return withBuffers([pf, scr * parts], 'conv3d packed weights and scratch', (packed, scratch) => {
    vw.f32_conv3d_pack(params(pv), w, b, packed, scratch);
    return split(g.Cin, (pc, slot, i) => ['f32_conv3d', slotParams(slot, i, block(pc.g)), x + 4 * pc.x, packed, b,
      y + 4 * pc.y, scratch + 4 * scr * slot, -Infinity, Infinity]);
  });
}

/**
 * Backward data on the threads, split by whole clips (1x1x1: by frames too, input and output
 * frames are the same there); false when not worth it.
 */
function backwardDataThreaded(g: Geo, gy: number, w: number, gx: number): boolean {
  const work = g.N * g.To * g.Ho * g.Wo * g.Cout * taps(g) * (g.mode === DEPTHWISE ? 1 : g.Cin / g.G);
  if (g.mode === POINTWISE) {
    const parts = threadsFor(work), units = g.N * g.To;
    if (parts < 2 || units < 2) return false;
    const plan = splitRange(units, 1, Math.min(parts, getNumThreads())).map(([u0, u1]) => pieces(g, u0, u1, g.Cin));
    if (plan.some((pcs) => pcs === null || pcs.length > 4)) return false;
    const scr = vw.f32_conv3d_scratch_floats(params(block(g)), SCRATCH_BWD_DATA);
    withBuffers([scr * parts], 'conv3d backward scratch', (scratch) =>
      parallelFor(units, 1, (_u0, _u1, slot) => plan[slot]!.map((pc, i): KernelCall => ['f32_conv3d_bwd_data',
        slotParams(slot, i, block(pc.g)), gy + 4 * pc.y, w, gx + 4 * pc.x, scratch + 4 * scr * slot]), parts));
    return true;
  }
  const parts = Math.min(threadsFor(work), g.N);
  if (parts < 2) return false;
  const xClip = g.T * g.H * g.W, yClip = g.To * g.Ho * g.Wo * g.Cout;
  if (g.mode === DEPTHWISE) {
    const ge = expanded(g), n = g.Cout * (1 + taps(g)), m = g.Cout / g.Cin;
    withBuffers([n, n * parts, m > 1 ? positions(g) * g.Cout : 0], 'conv3d packed weights', (packed, scratch, gxe) => {
      vw.f32_depthwise3d_pack(params(block(ge)), w, 0, packed);
      const out = m > 1 ? gxe : gx;
      parallelFor(g.N, 1, (n0, n1, slot) => [['f32_depthwise3d_bwd_data', slotParams(slot, 0, block({ ...ge, N: n1 - n0 })),
        gy + 4 * n0 * yClip, packed, out + 4 * n0 * xClip * g.Cout, scratch + 4 * n * slot]], parts);
      if (m > 1) vw.f32_depthwise3d_fold(params(block(g)), gxe, gx);
    });
    return true;
  }
  const scr = vw.f32_conv3d_scratch_floats(params(block(g)), SCRATCH_BWD_DATA);
  withBuffers([scr * parts], 'conv3d backward scratch', (scratch) =>
    parallelFor(g.N, 1, (n0, n1, slot) => [['f32_conv3d_bwd_data', slotParams(slot, 0, block({ ...g, N: n1 - n0 })),
      gy + 4 * n0 * yClip, w, gx + 4 * n0 * xClip * g.Cin, scratch + 4 * scr * slot]], parts));
  return true;
}

/**
 * 1x1x1 grad weight on the threads: per group gw_g[Coutg][Cg] = gy_g^T · x_g, the very matmul
 * vw_f32_conv3d_bwd_weight makes in POINTWISE mode (same variant, beta 0), split by matmulRaw
 * over output channels. Other modes accumulate over vol2col tiles inside the kernel and stay on one thread.
 */
function backwardWeightPointwiseThreaded(g: Geo, x: number, gy: number, gw: number): boolean {
  const M = g.N * g.To * g.Ho * g.Wo, Cg = g.Cin / g.G, Coutg = g.Cout / g.G;
  if (M === 0 || threadsFor(M * Coutg * Cg) < 2) return false;
  for (let gi = 0; gi < g.G; gi++) {
    matmulRaw(true, false, Coutg, Cg, M, gy + 4 * gi * Coutg, g.Cout, x + 4 * gi * Cg, g.Cin, gw + 4 * gi * Coutg * Cg, Cg, 0);
  }
  return true;
}

function forward(g: Geo, x: number, w: number, b: number, y: number): void {
  if (getNumThreads() > 1 && forwardThreaded(g, x, w, b, y)) return;
  if (g.mode === DEPTHWISE) {
    withExpanded(g, x, (xe, ge) => withBuffers([g.Cout * (1 + taps(g))], 'conv3d packed weights', (packed) => {
      vw.f32_depthwise3d_pack(params(block(ge)), w, b, packed);
      vw.f32_depthwise3d(params(block(ge)), xe, packed, y, -Infinity, Infinity);
    }));
    return;
  }
  const pv = block(g);
  const pf = vw.f32_conv3d_packed_floats(params(pv));
  const scr = Math.max(vw.f32_conv3d_scratch_floats(params(pv), SCRATCH_PACK),
    vw.f32_conv3d_scratch_floats(params(pv), SCRATCH_FWD));
  withBuffers([pf, scr], 'conv3d packed weights and scratch', (packed, scratch) => {
    vw.f32_conv3d_pack(params(pv), w, b, packed, scratch);
    vw.f32_conv3d(params(pv), x, packed, b, y, scratch, -Infinity, Infinity);
  });
}

function backwardData(g: Geo, gy: number, w: number, gx: number): void {
  if (getNumThreads() > 1 && backwardDataThreaded(g, gy, w, gx)) return;
  if (g.mode === DEPTHWISE) {
    const ge = expanded(g), n = g.Cout * (1 + taps(g)), m = g.Cout / g.Cin;
    withBuffers([n, n, m > 1 ? positions(g) * g.Cout : 0], 'conv3d packed weights', (packed, scratch, gxe) => {
      vw.f32_depthwise3d_pack(params(block(ge)), w, 0, packed);
      vw.f32_depthwise3d_bwd_data(params(block(ge)), gy, packed, m > 1 ? gxe : gx, scratch);
      if (m > 1) vw.f32_depthwise3d_fold(params(block(g)), gxe, gx);
    });
    return;
  }
  const pv = block(g);
  const scr = vw.f32_conv3d_scratch_floats(params(pv), SCRATCH_BWD_DATA);
  withBuffers([scr], 'conv3d backward scratch', (scratch) => vw.f32_conv3d_bwd_data(params(pv), gy, w, gx, scratch));
}

function backwardWeight(g: Geo, x: number, gy: number, gw: number): void {
  if (getNumThreads() > 1 && g.mode === POINTWISE && backwardWeightPointwiseThreaded(g, x, gy, gw)) return;
  if (g.mode === DEPTHWISE) {
    withExpanded(g, x, (xe, ge) => withBuffers([g.Cout * taps(g)], 'conv3d backward scratch', (scratch) =>
      vw.f32_depthwise3d_bwd_weight(params(block(ge)), xe, gy, gw, scratch)));
    return;
  }
  const pv = block(g);
  const scr = vw.f32_conv3d_scratch_floats(params(pv), SCRATCH_BWD_WEIGHT);
  withBuffers([scr], 'conv3d backward scratch', (scratch) => vw.f32_conv3d_bwd_weight(params(pv), x, gy, gw, scratch));
}

function convNd(op: string, nsp: number, x: Tensor, w: Tensor, b: Tensor | null | undefined, opts: ConvOptions): Tensor {
  const bias = b ?? null;
  const g = geometry(op, nsp, x, w, bias, opts);
  // Layout changes here are internal: they must not record autograd nodes of their own.
  const xc = noGrad(() => toLayout(x, 'channels_last'));
  const wc = noGrad(() => toLayout(w, 'contiguous'));
  const outShape = [g.N, g.Cout, ...[g.To, g.Ho, g.Wo].slice(3 - nsp)];
  const y = Tensor.empty(outShape, 'f32', 'channels_last');
  try {
    if (y.size > 0) forward(g, xc.ptr, wc.ptr, bias ? bias.ptr : 0, y.ptr);
  } catch (e) {
    y.dispose();
    if (xc !== x) xc.dispose();
    if (wc !== w) wc.dispose();
    throw e;
  }
  const owned = [xc, wc].filter((t, i) => t !== [x, w][i]);
  return record(op, [x, w, bias], y, { xc, wc, g, xLayout: x.layout }, owned);
}

/**
 * torch.nn.functional.conv3d: x [N, Cin, T, H, W], w [Cout, Cin/groups, kt, kh, kw] (PyTorch's
 * layout), b [Cout] or null. Returns [N, Cout, T', H', W'] in channels_last layout. Any input
 * layout is accepted; channels_last inputs avoid a copy.
 */
export function conv3d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: ConvOptions = {}): Tensor {
  return convNd('conv3d', 3, x, w, b, opts);
}

/** torch.nn.functional.conv2d: x [N, Cin, H, W], w [Cout, Cin/groups, kh, kw]; channels_last output. */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: ConvOptions = {}): Tensor {
  return convNd('conv2d', 2, x, w, b, opts);
}

/** torch.nn.functional.conv1d: x [N, Cin, L], w [Cout, Cin/groups, k]; output stored [N, L', Cout]. */
export function conv1d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: ConvOptions = {}): Tensor {
  return convNd('conv1d', 1, x, w, b, opts);
}

/**
 * Depthwise (m = 1), one thread: grad input and grad weight in one kernel pass (gy read once;
 * bit-identical to the separate kernels, depthwise_impl.h). Channels-last gx and gw, or null
 * when the conv does not qualify.
 */
function backwardFusedDepthwise(g: Geo, x: Tensor, w: Tensor, xc: number, gy: number, wc: number): [Tensor, Tensor] | null {
  if (g.mode !== DEPTHWISE || g.Cout !== g.Cin || getNumThreads() > 1) return null;
  const n = g.Cout * (1 + taps(g));
  const gx = Tensor.empty(x.shape, 'f32', 'channels_last'), gw = Tensor.empty(w.shape, 'f32');
  try {
    withBuffers([n, n + g.Cout * taps(g)], 'conv3d packed weights and scratch', (packed, scratch) => {
      vw.f32_depthwise3d_pack(params(block(g)), wc, 0, packed);
      vw.f32_depthwise3d_bwd_fused(params(block(g)), xc, gy, packed, gx.ptr, gw.ptr, scratch);
    });
  } catch (e) {
    gx.dispose(); gw.dispose();
    throw e;
  }
  return [gx, gw];
}

function convGrad(gy: Tensor, node: Node): (Tensor | null)[] {
  const [x, w, b] = node.inputs as [Tensor, Tensor, Tensor | null];
  const { xc, wc, g, xLayout } = node.saved as { xc: Tensor; wc: Tensor; g: Geo; xLayout: Layout };
  const gyc = toLayout(gy, 'channels_last');
  try {
    let gx: Tensor | null = null, gw: Tensor | null = null, gb: Tensor | null = null;
    if (x.requiresGrad && w.requiresGrad && x.size > 0 && w.size > 0) {
      const fused = backwardFusedDepthwise(g, x, w, xc.ptr, gyc.ptr, wc.ptr);
      if (fused) [gx, gw] = fused;
    }
    if (gx === null && x.requiresGrad) {
      gx = Tensor.empty(x.shape, 'f32', 'channels_last');
      if (gx.size > 0) backwardData(g, gyc.ptr, wc.ptr, gx.ptr);
    }
    if (gx !== null && xLayout !== 'channels_last') {
      const t = toLayout(gx, xLayout);
      if (t !== gx) gx.dispose();
      gx = t;
    }
    if (gw === null && w.requiresGrad) {
      gw = Tensor.empty(w.shape, 'f32');
      if (gw.size > 0) backwardWeight(g, xc.ptr, gyc.ptr, gw.ptr);
    }
    if (b && b.requiresGrad) {
      gb = Tensor.empty(b.shape, 'f32');
      vw.f32_conv3d_bwd_bias(g.N * g.To * g.Ho * g.Wo, g.Cout, gyc.ptr, gb.ptr);
    }
    return [gx, gw, gb];
  } finally {
    if (gyc !== gy) gyc.dispose();
  }
}
gradRules.conv3d = convGrad;
gradRules.conv2d = convGrad;
gradRules.conv1d = convGrad;
