// interpolate: torch.nn.functional.interpolate for 3-D, 4-D and 5-D inputs, modes nearest,
// linear, bilinear, trilinear, with alignCorners, plus its gradient.
//
// Index/weight tables are computed here with PyTorch's CPU rules, float32 rounding included
// (Math.fround at each step where PyTorch stores a float):
//  - scale: alignCorners ? (in-1)/(out-1) : scaleFactor given ? 1/scaleFactor : in/out
//    (PyTorch uses 1/scale_factor when recompute_scale_factor is not set);
//  - nearest: src = min(floor(dst * scale), in-1), always. (PyTorch 1.13's channels_last and
//    N*C == 1 kernels special-case out == in, which differs from its contiguous kernel when a
//    scaleFactor != 1 rounds to the same size, e.g. 4 * 1.2; we follow the contiguous kernel);
//  - linear: src = scale*(dst+0.5)-0.5 clamped at 0 (or scale*dst with alignCorners),
//    i0 = trunc(src), i1 = i0 + (i0 < in-1), l1 = clamp(src - i0, 0, 1), l0 = 1 - l1;
//    out == in copies.
// The kernels then run on storage with channels innermost (see native/kernels/interp.c).
import { Tensor } from '../tensor.js';
import { params } from '../wasm.js';
import { record, gradRules, needsGrad } from '../tape.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { expectTensor } from './util.js';
import * as vw from '../kernels.gen.js';

export type InterpolateMode = 'nearest' | 'linear' | 'bilinear' | 'trilinear';
export interface InterpolateOptions {
  size?: number | readonly number[];
  scaleFactor?: number | readonly number[];
  mode?: InterpolateMode;
  alignCorners?: boolean;
}

const RANK_OF: Record<string, number> = { linear: 3, bilinear: 4, trilinear: 5 };

function perAxis(what: string, v: number | readonly number[], n: number): number[] {
  const arr = typeof v === 'number' ? new Array(n).fill(v) : [...v];
  if (arr.length !== n || arr.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new ArgumentError(`interpolate: ${what} must be a number or ${n} numbers for ${n} spatial dims, got ${JSON.stringify(v)}`);
  }
  return arr;
}

function nearestTable(inp: number, out: number, sf: number | undefined): number[] {
  const idx = new Array<number>(out);
  const scale = sf !== undefined && sf > 0 ? Math.fround(1 / sf) : Math.fround(inp / out);
  for (let o = 0; o < out; o++) idx[o] = Math.min(Math.floor(Math.fround(o * scale)), inp - 1);
  return idx;
}

function linearTable(inp: number, out: number, sf: number | undefined, alignCorners: boolean) {
  const i0 = new Array<number>(out), i1 = new Array<number>(out), l0 = new Array<number>(out), l1 = new Array<number>(out);
  const ratio = alignCorners ? (out > 1 ? Math.fround((inp - 1) / (out - 1)) : 0)
    : sf !== undefined && sf > 0 ? Math.fround(1 / sf) : Math.fround(inp / out);
  for (let o = 0; o < out; o++) {
    if (out === inp) { i0[o] = i1[o] = o; l0[o] = 1; l1[o] = 0; continue; }
    let src = alignCorners ? Math.fround(ratio * o) : Math.fround(ratio * (o + 0.5) - 0.5);
    if (src < 0) src = 0;
    const lo = Math.trunc(src);
    i0[o] = lo;
    i1[o] = lo + (lo < inp - 1 ? 1 : 0);
    l1[o] = Math.min(Math.max(Math.fround(src - lo), 0), 1);
    l0[o] = Math.fround(1 - l1[o]);
  }
  return { i0, i1, l0, l1 };
}

interface Plan { p: number[]; itab: Tensor; ftab: Tensor | null; linear: boolean }

/** torch.nn.functional.interpolate. Output keeps the input's layout. */
export function interpolate(x: Tensor, opts: InterpolateOptions = {}): Tensor {
  expectTensor('interpolate', 'input', x);
  const mode = opts.mode ?? 'nearest';
  if (!['nearest', 'linear', 'bilinear', 'trilinear'].includes(mode)) {
    throw new ArgumentError(`interpolate: unknown mode '${String(mode)}' (expected 'nearest', 'linear', 'bilinear' or 'trilinear')`);
  }
  if (x.rank < 3 || x.rank > 5) {
    throw new ShapeError(`interpolate: input must be 3-D, 4-D or 5-D ([N, C, ...spatial]), got ${fmtShape(x.shape)}`);
  }
  if (mode !== 'nearest' && RANK_OF[mode] !== x.rank) {
    throw new ShapeError(`interpolate: mode '${mode}' needs a ${RANK_OF[mode]}-D input, got ${fmtShape(x.shape)}`);
  }
  const linear = mode !== 'nearest';
  if (opts.alignCorners !== undefined && !linear) {
    throw new ArgumentError(`interpolate: alignCorners can only be set with the interpolating modes (linear, bilinear, trilinear), not '${mode}'`);
  }
  const alignCorners = opts.alignCorners ?? false;
  const ns = x.rank - 2;
  const inSp = x.shape.slice(2);
  if ((opts.size === undefined) === (opts.scaleFactor === undefined)) {
    throw new ArgumentError('interpolate: give exactly one of size and scaleFactor');
  }
  let outSp: number[];
  let sfs: (number | undefined)[];
  if (opts.size !== undefined) {
    outSp = perAxis('size', opts.size, ns);
    sfs = new Array(ns).fill(undefined);
  } else {
    sfs = perAxis('scaleFactor', opts.scaleFactor!, ns);
    if (sfs.some((s) => s! <= 0)) throw new ArgumentError(`interpolate: scaleFactor must be positive, got ${JSON.stringify(opts.scaleFactor)}`);
    outSp = inSp.map((n, i) => Math.floor(n * sfs[i]!));
  }
  if (outSp.some((n) => !Number.isInteger(n) || n <= 0) || inSp.some((n) => n <= 0)) {
    throw new ShapeError(`interpolate: input ${fmtShape(x.shape)} and output size ${fmtShape(outSp)} must be positive integers`);
  }

  // Pad the spatial dims to (D, H, W) with leading size-1 axes.
  const lead = 3 - ns;
  const I = [...new Array(lead).fill(1), ...inSp], O = [...new Array(lead).fill(1), ...outSp];
  const S = [...new Array(lead).fill(undefined), ...sfs];
  const [N, C] = x.shape;
  const cl = x.layout === 'channels_last';
  const B = cl ? N : N * C, CC = cl ? C : 1;
  let plan: Plan;
  if (linear) {
    const tabs = [0, 1, 2].map((k) => linearTable(I[k], O[k], S[k], alignCorners));
    const itab = Tensor.from(new Int32Array(tabs.flatMap((t) => [...t.i0, ...t.i1])), undefined, { dtype: 'i32' });
    const ftab = Tensor.from(new Float32Array(tabs.flatMap((t) => [...t.l0, ...t.l1])));
    // An axis with in == 1 or out == in has a zero second tap: visit one tap only.
    const taps = [0, 1, 2].map((k) => (tabs[k].l1.some((v) => v !== 0) ? 2 : 1));
    plan = { p: [B, CC, ...I, ...O, ...taps], itab, ftab, linear };
  } else {
    const itab = Tensor.from(new Int32Array([0, 1, 2].flatMap((k) => nearestTable(I[k], O[k], S[k]))), undefined, { dtype: 'i32' });
    plan = { p: [B, CC, ...I, ...O, 1, 1, 1], itab, ftab: null, linear };
  }
  const y = Tensor.empty([N, C, ...outSp], 'f32', x.layout);
  if (linear) vw.f32_interp_linear(x.ptr, y.ptr, params(plan.p), plan.itab.ptr, plan.ftab!.ptr);
  else vw.f32_interp_nearest(x.ptr, y.ptr, params(plan.p), plan.itab.ptr);
  const owned = plan.ftab ? [plan.itab, plan.ftab] : [plan.itab];
  if (!needsGrad(x)) { for (const t of owned) t.dispose(); return y; }
  return record('interpolate', [x], y, { plan }, owned);
}

gradRules.interpolate = (gy, n) => {
  const x = n.inputs[0]!;
  const plan = n.saved.plan as Plan;
  const g = gy.layout === x.layout ? gy : gy.toLayout(x.layout);
  const gx = Tensor.zeros(x.shape, { layout: x.layout });
  if (plan.linear) vw.f32_interp_linear_backward(g.ptr, gx.ptr, params(plan.p), plan.itab.ptr, plan.ftab!.ptr);
  else vw.f32_interp_nearest_backward(g.ptr, gx.ptr, params(plan.p), plan.itab.ptr);
  if (g !== gy) g.dispose();
  return [gx];
};
