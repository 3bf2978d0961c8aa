// The cases of the threads tests, shared by the Node test (threads.test.ts) and the Chromium page
// (browser_page.ts): linear, matmul and every conv3d lowering, forward and backward, at shapes
// that are split across threads (each case's work is >= 2 x 2^17 multiply-adds: the tests lower
// the split threshold to that with setMinWorkPerThread). Inputs come from a small LCG, so both
// kernel modules and both hosts see the same numbers.
import { Tensor, ops } from '../../ts/runtime/index.js';
import type { ConvOptions } from '../../ts/runtime/ops/conv.js';

export const TEST_MIN_WORK = 1 << 17;

/** Deterministic inputs (a small LCG), the same in both modules. */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = (s / 2 ** 32) * 2 - 1; }
  return out;
}
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
function input(shape: number[], seed: number): Tensor {
  return Tensor.from(values(size(shape), seed), shape, { requiresGrad: true });
}
/** A copy of a tensor's values in shape order. */
function flat(t: Tensor): Float32Array {
  const c = ops.contiguous(t);
  const out = new Float32Array(c.data() as Float32Array);
  if (c !== t) c.dispose();
  return out;
}

export interface Case { name: string; run(): Float32Array[] }

function convCase(name: string, xs: number[], ws: number[], opts: ConvOptions, bias = true): Case {
  return {
    name,
    run() {
      const x = input(xs, 1), w = input(ws, 2), b = bias ? input([ws[0]], 3) : null;
      const y = ops.conv3d(x, w, b, opts);
      const gy = Tensor.from(values(y.size, 4), y.shape);
      y.backward(gy);
      const out = [flat(y), flat(x.grad!), flat(w.grad!), ...(b ? [flat(b.grad!)] : [])];
      for (const t of [x, w, b, y, gy, x.grad, w.grad, b?.grad]) t?.dispose();
      return out;
    },
  };
}

export const cases: Case[] = [
  {
    name: 'linear [67,300] x [130,300]^T + bias, forward and backward',
    run() {
      const x = input([67, 300], 5), w = input([130, 300], 6), b = input([130], 7);
      const y = ops.linear(x, w, b);
      const gy = Tensor.from(values(y.size, 8), y.shape);
      y.backward(gy);
      const out = [flat(y), flat(x.grad!), flat(w.grad!), flat(b.grad!)];
      for (const t of [x, w, b, y, gy, x.grad, w.grad, b.grad]) t?.dispose();
      return out;
    },
  },
  {
    name: 'linear [3,600] x [500,600]^T (few rows: columns split), forward and backward',
    run() {
      const x = input([3, 600], 12), w = input([500, 600], 13), b = input([500], 14);
      const y = ops.linear(x, w, b);
      const gy = Tensor.from(values(y.size, 15), y.shape);
      y.backward(gy);
      const out = [flat(y), flat(x.grad!), flat(w.grad!), flat(b.grad!)];
      for (const t of [x, w, b, y, gy, x.grad, w.grad, b.grad]) t?.dispose();
      return out;
    },
  },
  {
    name: 'matmul [3,50,70] x [70,90], forward and backward',
    run() {
      const a = input([3, 50, 70], 9), c = input([70, 90], 10);
      const y = ops.matmul(a, c);
      const gy = Tensor.from(values(y.size, 11), y.shape);
      y.backward(gy);
      const out = [flat(y), flat(a.grad!), flat(c.grad!)];
      for (const t of [a, c, y, gy, a.grad, c.grad]) t?.dispose();
      return out;
    },
  },
  convCase('conv3d 1x1x1 (GEMM), N=1: split by frames', [1, 24, 5, 9, 9], [40, 24, 1, 1, 1], {}),
  convCase('conv3d 1x1x1 (GEMM), N=3: split by clips', [3, 24, 3, 7, 7], [40, 24, 1, 1, 1], {}),
  convCase('conv3d 3x3x3 stride (1,2,2) pad 1 (vol2col+GEMM), N=2', [2, 8, 5, 10, 10], [16, 8, 3, 3, 3], { stride: [1, 2, 2], padding: 1 }),
  convCase('conv3d 3x3x3 stride 2 pad 1 (vol2col+GEMM), N=1: frame windows with padding', [1, 8, 7, 9, 9], [16, 8, 3, 3, 3], { stride: 2, padding: 1 }),
  convCase('conv3d (3,1,1) pad (1,0,0) (temporal GEMMs), N=1', [1, 16, 6, 8, 8], [24, 16, 3, 1, 1], { padding: [1, 0, 0] }),
  convCase('conv3d depthwise 3x3x3 pad 1, N=2', [2, 48, 4, 10, 10], [48, 1, 3, 3, 3], { padding: 1, groups: 48 }),
  convCase('conv3d depthwise x2 multiplier, N=1', [1, 16, 6, 8, 8], [32, 1, 3, 3, 3], { padding: 1, groups: 16 }, false),
  convCase('conv3d grouped 3x3x3 groups 2, N=3, odd sizes', [3, 6, 5, 7, 5], [16, 3, 3, 3, 3], { padding: [0, 1, 1], groups: 2 }),
];

/** Index of the first element whose bits differ in any output, or null when all are identical. */
export function firstDiff(a: Float32Array[], b: Float32Array[]): string | null {
  if (a.length !== b.length) return `${a.length} vs ${b.length} outputs`;
  for (let i = 0; i < a.length; i++) {
    if (a[i].length !== b[i].length) return `output ${i}: length ${a[i].length} vs ${b[i].length}`;
    const ua = new Uint32Array(a[i].buffer, a[i].byteOffset, a[i].length), ub = new Uint32Array(b[i].buffer, b[i].byteOffset, b[i].length);
    for (let j = 0; j < ua.length; j++) if (ua[j] !== ub[j]) return `output ${i} differs first at ${j} (${a[i][j]} vs ${b[i][j]})`;
  }
  return null;
}

/** FNV-1a over the bytes of every output (hosts compare results without shipping them). */
export function hashOutputs(outs: Float32Array[]): string {
  let h = 0x811c9dc5;
  for (const o of outs) {
    const b = new Uint8Array(o.buffer, o.byteOffset, o.byteLength);
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
