// Threads add-on: kernels split across 2 threads give bit-identical results to 1 thread (every
// output element is computed by one thread with the same arithmetic), both against the
// single-thread module vidwasm.wasm and against vidwasm-mt.wasm at 1 thread; pool start/stop,
// errors, flat memory. Needs vidwasm-mt.wasm (make wasm-mt; VIDWASM_WASM_MT or next to vidwasm.wasm).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../ts/node.js';
import { Tensor, ops, memoryStats } from '../../ts/runtime/index.js';
import { ArgumentError, UnsupportedError, VidwasmError } from '../../ts/runtime/errors.js';
import { isSharedModule, memoryBytes, setBackend } from '../../ts/runtime/wasm.js';
import { setNumThreads, getNumThreads, threadStats, splitRange, threadsAvailable, disableThreads, parallelFor } from '../../ts/runtime/threads/index.js';
import type { ConvOptions } from '../../ts/runtime/ops/conv.js';

/** Deterministic inputs (a small LCG), the same in both modules. */
function values(n: number, seed: number): Float32Array {
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

interface Case { name: string; run(): Float32Array[] }

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

const cases: Case[] = [
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

function same(a: Float32Array[], b: Float32Array[], what: string): void {
  assert.is(a.length, b.length, `${what}: outputs`);
  for (let i = 0; i < a.length; i++) {
    assert.is(a[i].length, b[i].length, `${what}: output ${i} length`);
    const ua = new Uint32Array(a[i].buffer), ub = new Uint32Array(b[i].buffer);
    let bad = -1;
    for (let j = 0; j < ua.length; j++) if (ua[j] !== ub[j]) { bad = j; break; }
    assert.is(bad, -1, `${what}: output ${i} differs first at ${bad} (${a[i][bad]} vs ${b[i][bad]})`);
  }
}

let single: Float32Array[][] = [];
let singleScalar: Float32Array[][] = [];

test('reference results on the single-thread module (vidwasm.wasm)', () => {
  assert.is(isSharedModule(), false);
  assert.is(getNumThreads(), 1);
  single = cases.map((c) => c.run());
  setBackend('scalar');
  singleScalar = cases.map((c) => c.run());
  setBackend('simd');
  assert.is(memoryStats().liveTensors, 0, 'all tensors disposed before the switch');
});

test('setNumThreads validates n and refuses to switch modules while tensors are alive', async () => {
  for (const bad of [0, -1, 1.5, 65]) {
    let err: unknown = null;
    try { await setNumThreads(bad); } catch (e) { err = e; }
    assert.ok(err instanceof ArgumentError, `n=${bad}`);
  }
  const t = Tensor.zeros([4]);
  let err: unknown = null;
  try { await setNumThreads(2); } catch (e) { err = e; }
  assert.ok(err instanceof ArgumentError);
  assert.match(String((err as Error).message), /tensor\(s\) are alive/);
  assert.is(getNumThreads(), 1);
  t.dispose();
});

test('unavailable threads: a clear UnsupportedError, and the runtime stays at 1 thread', async () => {
  const g = globalThis as { crossOriginIsolated?: boolean };
  g.crossOriginIsolated = false;  // what a page without COOP/COEP reports
  try {
    assert.is(threadsAvailable().ok, false);
    let err: unknown = null;
    try { await setNumThreads(2); } catch (e) { err = e; }
    assert.ok(err instanceof UnsupportedError);
    assert.match(String((err as Error).message), /cross-origin isolated.*staying at 1 thread/);
  } finally { delete g.crossOriginIsolated; }
  disableThreads('WASI hosts run single-threaded');
  try {
    let err: unknown = null;
    try { await setNumThreads(2); } catch (e) { err = e; }
    assert.ok(err instanceof UnsupportedError);
    assert.match(String((err as Error).message), /WASI/);
  } finally { disableThreads(null); }
  assert.is(getNumThreads(), 1);
  assert.is(isSharedModule(), false);
  assert.is(threadsAvailable().ok, true);
});

test('2 threads: bit-identical to the single-thread module, and the work was really split', async () => {
  assert.is(await setNumThreads(2), 2);
  assert.is(getNumThreads(), 2);
  assert.is(isSharedModule(), true);
  cases.forEach((c, i) => {
    const before = threadStats().splitRuns;
    const r = c.run();
    assert.ok(threadStats().splitRuns > before, `${c.name}: no kernel was split across threads`);
    same(r, single[i], `${c.name} (2 threads vs vidwasm.wasm)`);
  });
});

test('2 threads, scalar twins: bit-identical to the single-thread module', () => {
  setBackend('scalar');
  try {
    cases.forEach((c, i) => same(c.run(), singleScalar[i], `${c.name} (scalar, 2 threads vs vidwasm.wasm)`));
  } finally { setBackend('simd'); }
});

test('1 thread on the shared module and 2 threads again: identical', async () => {
  assert.is(await setNumThreads(1), 1);
  assert.is(getNumThreads(), 1);
  const before = threadStats().splitRuns;
  cases.forEach((c, i) => same(c.run(), single[i], `${c.name} (shared module, 1 thread)`));
  assert.is(threadStats().splitRuns, before, 'nothing split at 1 thread');
  assert.is(await setNumThreads(3), 3);
  cases.forEach((c, i) => same(c.run(), single[i], `${c.name} (3 threads)`));
  await setNumThreads(2);
});

test('a kernel that traps on a worker is reported as an error, and the pool still works', () => {
  const bad = 0xfffffff0;  // out of bounds of any wasm32 memory below 4 GiB
  let err: unknown = null;
  try {
    parallelFor(2, 1, (_a, _b, slot) => slot === 1 ? [['f32_gemm', 4, 8, 8, bad, 8, bad, bad, 8, -Infinity, Infinity, 0]] : []);
  } catch (e) { err = e; }
  assert.ok(err instanceof VidwasmError);
  assert.is((err as VidwasmError).code, 'E_THREADS');
  same(cases[0].run(), single[0], 'after a worker trap');
});

test('memory stays flat over repeated threaded steps', () => {
  const step = () => { for (const c of cases.slice(0, 3)) c.run(); };
  step();
  const s0 = memoryStats(), m0 = memoryBytes();
  for (let i = 0; i < 5; i++) step();
  const s1 = memoryStats();
  assert.equal(s1, s0);
  assert.is(memoryBytes(), m0, 'wasm memory did not grow');
  assert.is(s1.liveTensors, 0);
});

test('stop and restart the pool; splitRange bounds fall on grain multiples', async () => {
  const live = memoryStats().liveBytes;
  for (let i = 0; i < 3; i++) { await setNumThreads(1); await setNumThreads(2); }
  assert.is(memoryStats().liveBytes, live);
  same(cases[0].run(), single[0], 'after restarts');
  assert.equal(splitRange(67, 12, 2), [[0, 36], [36, 67]]);
  assert.equal(splitRange(5, 1, 8), [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
  assert.equal(splitRange(10, 12, 2), [[0, 10]]);
  await setNumThreads(1);
  assert.is(getNumThreads(), 1);
});

test.run();
