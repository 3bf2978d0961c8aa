// Passes over a captured call list (capture.ts): dead-call elimination, ReLU fusion into the
// clamp of the conv/GEMM that produced its input, and the arena (liveness-based placement).
import { KERNELS } from '../../runtime/kernels.gen.js';
import { UnaryOp } from '../../runtime/kernels.gen.js';
import type { Buf, TArg, TCall } from './capture.js';

const bufArgs = (c: TCall) => c.args.filter((a): a is { buf: number; off: number } => a !== null && 'buf' in a).map((a) => a.buf);
const touches = (c: TCall, b: number) => c.reads.has(b) || c.writes.has(b) || bufArgs(c).includes(b);

/** Keeps the calls whose writes reach the output (walking backwards). */
export function eliminateDead(calls: TCall[], output: number): TCall[] {
  const live = new Set([output]);
  const kept: TCall[] = [];
  for (let i = calls.length - 1; i >= 0; i--) {
    const c = calls[i];
    if (![...c.writes].some((b) => live.has(b))) continue;
    c.reads.forEach((b) => live.add(b));
    kept.push(c);
  }
  return kept.reverse();
}

/** Kernels with a [minv, maxv] clamp on their output (their epilogue): the output parameter's name. */
const CLAMPED: Record<string, string> = { f32_conv3d: 'y', f32_depthwise3d: 'y', f32_gemm: 'C' };

/**
 * conv/depthwise/GEMM -> ReLU becomes one call with the clamp [0, inf): when the ReLU reads the
 * whole of a buffer that only the producer writes and nothing else reads. (The clamp turns a -0
 * or NaN output into +0 where ReLU would pass it through; any finite nonzero value is identical.)
 */
export function fuseRelu(calls: TCall[], bufs: Buf[], output: number): { calls: TCall[]; fused: number } {
  const out = [...calls];
  let fused = 0;
  for (let i = 0; i < out.length; i++) {
    const a = out[i], yName = CLAMPED[a.kernel];
    if (!yName) continue;
    const p = KERNELS[a.kernel].params as readonly string[];
    const yi = p.indexOf(yName), lo = a.args[p.indexOf('minv')], hi = a.args[p.indexOf('maxv')];
    const y = a.args[yi];
    if (!y || !('buf' in y) || y.off !== 0 || !isF(lo, -Infinity) || !isF(hi, Infinity)) continue;
    if (a.kernel === 'f32_gemm' && (!isI(a.args[10], 0) || !sameI(a.args[1], a.args[7]))) continue; // no accumulate, dense rows
    const Y = y.buf;
    if (Y === output) continue;
    const users = out.map((c, k) => (k !== i && touches(c, Y) ? k : -1)).filter((k) => k >= 0);
    if (users.length !== 1 || users[0] < i) continue;
    const j = users[0], r = out[j];
    if (r.kernel !== 'f32_unary' || !isI(r.args[0], UnaryOp.relu) || !isBuf(r.args[1], Y) || !isI(r.args[3], bufs[Y].nbytes / 4)) continue;
    const z = r.args[2];
    if (!z || !('buf' in z) || z.off !== 0 || bufs[z.buf].nbytes !== bufs[Y].nbytes || [...r.reads].some((b) => b !== Y)) continue;
    const Z = z.buf;
    if (Z !== Y && out.slice(0, j).some((c) => touches(c, Z))) continue;
    const args: TArg[] = [...a.args];
    args[yi] = { buf: Z, off: 0 };
    args[p.indexOf('minv')] = { f: 0 };
    const writes = new Set([...a.writes].map((b) => (b === Y ? Z : b)));
    out[i] = { ...a, args, writes, label: `${a.label} + ${r.label}` };
    out.splice(j, 1);
    fused++;
  }
  return { calls: out, fused };
}

const isF = (a: TArg, v: number) => a !== null && 'f' in a && a.f === v;
const isI = (a: TArg, v: number) => a !== null && 'i' in a && a.i === v;
const sameI = (a: TArg, b: TArg) => a !== null && b !== null && 'i' in a && 'i' in b && a.i === b.i;
const isBuf = (a: TArg, b: number) => a !== null && 'buf' in a && a.buf === b && a.off === 0;

/**
 * Places every buffer in one arena: a buffer lives from the first call that touches it to the
 * last (inputs from the start, the output to the end); buffers whose lives do not overlap may
 * share bytes. Greedy by size (largest first, lowest free offset), 16-byte aligned.
 */
export function placeArena(calls: TCall[], bufs: Buf[], inputs: number[], output: number): { offsets: Map<number, number>; peak: number; unshared: number } {
  const first = new Map<number, number>(), last = new Map<number, number>();
  const use = (b: number, k: number) => {
    if (!first.has(b)) first.set(b, k);
    last.set(b, k);
  };
  for (const b of inputs) use(b, -1);
  calls.forEach((c, k) => { [...c.reads, ...c.writes, ...bufArgs(c)].forEach((b) => use(b, k)); });
  use(output, calls.length);
  const size = (b: number) => (bufs[b].nbytes + 15) & ~15;
  const order = [...first.keys()].sort((x, y) => size(y) - size(x) || first.get(x)! - first.get(y)!);
  const placed: { b: number; off: number }[] = [];
  const offsets = new Map<number, number>();
  let peak = 0, unshared = 0;
  for (const b of order) {
    const [f, l] = [first.get(b)!, last.get(b)!];
    const busy = placed.filter((q) => first.get(q.b)! <= l && f <= last.get(q.b)!).map((q) => [q.off, q.off + size(q.b)]).sort((x, y) => x[0] - y[0]);
    let off = 0;
    for (const [s, e] of busy) {
      if (off + size(b) <= s) break;
      off = Math.max(off, e);
    }
    placed.push({ b, off });
    offsets.set(b, off);
    peak = Math.max(peak, off + size(b));
    unshared += size(b);
  }
  return { offsets, peak, unshared };
}
