// Threads add-on: kernels split across 2 threads give bit-identical results to 1 thread (every
// output element is computed by one thread with the same arithmetic), both against the
// single-thread module vidwasm.wasm and against vidwasm-mt.wasm at 1 thread; pool start/stop,
// errors, flat memory. Needs vidwasm-mt.wasm (make wasm-mt; VIDWASM_WASM_MT or next to vidwasm.wasm).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../helpers/single_memory.js';
import '../../ts/node.js';
import { Tensor, memoryStats } from '../../ts/runtime/index.js';
import { ArgumentError, UnsupportedError, VidwasmError } from '../../ts/runtime/errors.js';
import { isSharedModule, memoryBytes, setBackend } from '../../ts/runtime/wasm.js';
import { setNumThreads, getNumThreads, threadStats, splitRange, threadsAvailable, disableThreads, parallelFor, setMinWorkPerThread } from '../../ts/runtime/threads/index.js';
import { probeFeatures } from '../../ts/runtime/features.js';
import { cases, firstDiff, TEST_MIN_WORK } from './cases.js';

// Small shapes keep the test fast; every case is still split (its work is >= 2 x this threshold).
setMinWorkPerThread(TEST_MIN_WORK);

function same(a: Float32Array[], b: Float32Array[], what: string): void {
  const d = firstDiff(a, b);
  assert.is(d, null, `${what}: ${d}`);
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
    assert.match(String((err as Error).message), /not cross-origin isolated.*staying at 1 thread/);
    assert.is(probeFeatures().threads, false);
  } finally { delete g.crossOriginIsolated; }
  // an isolated page in an engine that hides SharedArrayBuffer (WebKitGTK without JSC_useSharedArrayBuffer=true;
  // test/browser runs the real one): the message names that cause, not the headers
  const sab = Object.getOwnPropertyDescriptor(globalThis, 'SharedArrayBuffer')!;
  g.crossOriginIsolated = true;
  delete (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer;
  try {
    assert.is(probeFeatures().threads, false);
    let err: unknown = null;
    try { await setNumThreads(2); } catch (e) { err = e; }
    assert.ok(err instanceof UnsupportedError);
    assert.match(String((err as Error).message), /the page is cross-origin isolated, but this engine exposes no SharedArrayBuffer.*JSC_useSharedArrayBuffer=true/);
  } finally {
    delete g.crossOriginIsolated;
    Object.defineProperty(globalThis, 'SharedArrayBuffer', sab);
  }
  assert.is(probeFeatures().threads, true);
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

test('concurrent setNumThreads calls are applied in order', async () => {
  const r = await Promise.all([setNumThreads(1), setNumThreads(3), setNumThreads(2)]);
  assert.equal(r, [1, 3, 2]);
  assert.is(getNumThreads(), 2);
  same(cases[0].run(), single[0], 'after concurrent changes');
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
