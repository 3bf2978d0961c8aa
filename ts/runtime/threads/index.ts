// Threads: an opt-in add-on; one thread is the default and the first-class path.
//
//   await setNumThreads(2)   // Node (worker_threads) or a cross-origin-isolated page (Web Workers)
//   getNumThreads()          // 2
//   await setNumThreads(1)   // stops the workers
//
// n > 1 needs the shared-memory module vidwasm-mt.wasm (`make wasm-mt`): the same kernels linked
// over an imported, shared WebAssembly.Memory that every worker instantiates the module over.
// The first setNumThreads(n > 1) swaps the loaded module for it, which is only possible while no
// tensor is alive (their pointers belong to the old memory): call it at start-up. The swap is
// one-way (going back to 1 thread keeps the shared module, whose kernels are the same code).
// Where threads cannot work (no wasm threads, not cross-origin isolated, an engine that hides
// SharedArrayBuffer, a WASI host: see threadsUnavailableReason) it throws
// UnsupportedError saying why and the runtime stays at 1 thread.
//
// Ops split a kernel's OUTPUT range across the threads with parallelFor: every output element is
// computed by exactly one thread with the same arithmetic as at 1 thread, so results are
// bit-identical whatever the thread count. Only the main thread allocates; workers run kernels
// on pointers they are given.
import { ArgumentError, UnsupportedError, VidwasmError } from '../errors.js';
import { threadsUnavailableReason } from '../features.js';
import type { KernelName } from '../kernels.gen.js';
import { adoptShared, free, initFromModule, isReady, isSharedModule, kernel, kernelExport, malloc, heapU8, getMemoryLimit } from '../wasm.js';
import { memoryStats } from '../memory.js';
import { Pool, checkSharedExports, type ExportCall } from './pool.js';
import { nodeBuiltin } from '../hosts/node_builtins.js';

/** Initial pages of vidwasm-mt.wasm's imported memory (16 MiB, as INITIAL_MEMORY in the Makefile). */
const INITIAL_PAGES = 256;
const MAX_PAGES = 65536;

let pool: Pool | null = null;
let sharedModule: WebAssembly.Module | null = null;
let disabledReason: string | null = null;
let slotBlocks = 0;  // per-slot kernel parameter blocks (wasm memory), one set per pool
const BLOCK_INTS = 64, BLOCKS_PER_SLOT = 4;

/**
 * Loads vidwasm-mt.wasm over a new shared memory as the first kernel module, synchronously (the
 * Node entry does, where SharedArrayBuffer always exists): views of a shared memory survive its
 * growth, and a later setNumThreads needs no reload, so it works with tensors alive.
 */
export function initShared(source: BufferSource | WebAssembly.Module): void {
  if (isReady()) return;
  let module: WebAssembly.Module;
  try { module = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source); } catch (e) {
    throw new VidwasmError('E_LOAD', `vidwasm-mt.wasm could not be compiled (${e instanceof Error ? e.message : String(e)})`);
  }
  initFromModule(module, new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true }));
  sharedModule = module;
  checkSharedExports();
}

/** Hosts that must stay single-threaded (WASI) call this; null lifts it (tests). */
export function disableThreads(reason: string | null): void {
  disabledReason = reason;
}

/** Whether setNumThreads(n > 1) can work here, and if not, why. */
export function threadsAvailable(): { ok: boolean; reason?: string } {
  const reason = disabledReason ?? threadsUnavailableReason();
  return reason ? { ok: false, reason } : { ok: true };
}

/** Threads kernels run on, the main thread included (1 unless setNumThreads raised it). */
export function getNumThreads(): number {
  return pool ? pool.size : 1;
}

export interface ThreadOptions {
  /** vidwasm-mt.wasm: bytes, a compiled module, or a path (Node) / URL (browser). Default: next to vidwasm.wasm. */
  wasm?: BufferSource | WebAssembly.Module | string | URL;
}

/**
 * Sets the number of threads (main thread included) kernels split their work across. Resolves
 * once the workers are ready. Throws UnsupportedError (staying at 1 thread) where threads are
 * unavailable, ArgumentError for a bad n or when tensors are alive at the first switch.
 */
export function setNumThreads(n: number, opts: ThreadOptions = {}): Promise<number> {
  // One change at a time: a second call waits for the first (both start and stop are async).
  const next = queue.then(() => changeThreads(n, opts));
  queue = next.catch(() => undefined);
  return next;
}
let queue: Promise<unknown> = Promise.resolve();

async function changeThreads(n: number, opts: ThreadOptions): Promise<number> {
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new ArgumentError(`setNumThreads: n must be an integer in 1..64, got ${n}`);
  if (!isReady()) throw new VidwasmError('E_NOT_READY', 'setNumThreads: load vidwasm first (import the package entry or call init())');
  if (n === getNumThreads()) return n;
  stopPool();
  if (n === 1) return 1;
  const avail = threadsAvailable();
  if (!avail.ok) throw new UnsupportedError(`setNumThreads(${n}): threads are unavailable: ${avail.reason}; staying at 1 thread`);
  if (!isSharedModule()) {
    const live = memoryStats().liveTensors;
    if (live > 0) {
      throw new ArgumentError(`setNumThreads(${n}): ${live} tensor(s) are alive; the first switch to threads reloads the ` +
        'kernel module over shared memory, which frees every tensor: call setNumThreads at start-up, before creating tensors');
    }
    const module = await loadSharedModule(opts.wasm);
    const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: Math.min(MAX_PAGES, Math.ceil(getMemoryLimit() / 65536)), shared: true });
    let instance: WebAssembly.Instance;
    try {
      instance = await WebAssembly.instantiate(module, { env: { memory } });
    } catch (e) {
      throw new VidwasmError('E_LOAD', `vidwasm-mt.wasm could not be instantiated over shared memory (${e instanceof Error ? e.message : String(e)})`);
    }
    adoptShared(instance, memory);
    sharedModule = module;
    checkSharedExports();
  }
  if (!sharedModule) throw new VidwasmError('E_INTERNAL', 'shared module missing');
  const p = await Pool.start(n, sharedModule);
  slotBlocks = malloc(n * BLOCKS_PER_SLOT * BLOCK_INTS * 4, 'thread parameter blocks');
  pool = p;
  return n;
}

function stopPool(): void {
  if (!pool) return;
  pool.stop();
  pool = null;
  free(slotBlocks);
  slotBlocks = 0;
}

async function loadSharedModule(src: ThreadOptions['wasm']): Promise<WebAssembly.Module> {
  const compile = async (bytes: BufferSource) => WebAssembly.compile(bytes).catch((e: unknown) => {
    throw new VidwasmError('E_LOAD', `vidwasm-mt.wasm could not be compiled (${e instanceof Error ? e.message : String(e)})`);
  });
  if (src instanceof WebAssembly.Module) return src;
  if (src && typeof src !== 'string' && !(src instanceof URL)) return compile(src);
  const g = globalThis as { process?: { versions?: { node?: string }; env?: Record<string, string | undefined> } };
  if (g.process?.versions?.node) {
    const fs = nodeBuiltin('node:fs');
    const path = nodeBuiltin('node:path');
    const url = nodeBuiltin('node:url');
    const env = g.process.env ?? {};
    const candidates: string[] = [];
    if (src) candidates.push(src instanceof URL ? url.fileURLToPath(src) : src);
    else {
      if (env.VIDWASM_WASM_MT) candidates.push(env.VIDWASM_WASM_MT);
      if (env.VIDWASM_WASM) candidates.push(path.join(path.dirname(env.VIDWASM_WASM), 'vidwasm-mt.wasm'));
      let dir = path.dirname(url.fileURLToPath(import.meta.url));
      for (let i = 0; i < 5; i++, dir = path.dirname(dir)) {
        candidates.push(path.join(dir, 'vidwasm-mt.wasm'), path.join(dir, 'wasm', 'vidwasm-mt.wasm'));
      }
    }
    const found = candidates.find((c) => fs.existsSync(c));
    if (!found) {
      throw new VidwasmError('E_LOAD', `vidwasm-mt.wasm not found (looked at ${candidates.slice(0, 3).join(', ')}…): ` +
        'run `make wasm-mt`, set VIDWASM_WASM_MT, or pass { wasm } to setNumThreads');
    }
    return compile(fs.readFileSync(found));
  }
  const res = await fetch(src ?? new URL('./vidwasm-mt.wasm', import.meta.url));
  if (!res.ok) throw new VidwasmError('E_LOAD', `could not fetch vidwasm-mt.wasm: HTTP ${res.status} ${res.url}`);
  return compile(await res.arrayBuffer());
}

// ---- splitting work ----

/** A kernel call as ops describe it: the kernel's manifest name (e.g. 'f32_gemm') and its arguments. */
export type KernelCall = [name: KernelName, ...args: number[]];

/**
 * A parameter block private to (slot, call): parallel calls cannot share wasm.params()'s one
 * block. Valid until the next parallelFor.
 */
export function slotParams(slot: number, call: number, values: ArrayLike<number>): number {
  if (!slotBlocks) throw new VidwasmError('E_INTERNAL', 'slotParams outside a thread pool');
  if (values.length > BLOCK_INTS || call >= BLOCKS_PER_SLOT) throw new VidwasmError('E_INTERNAL', 'thread parameter block too small');
  const ptr = slotBlocks + ((slot * BLOCKS_PER_SLOT + call) * BLOCK_INTS) * 4;
  const view = new Int32Array(heapU8().buffer, ptr, values.length);
  for (let i = 0; i < values.length; i++) view[i] = values[i];
  return ptr;
}

/**
 * Multiply-adds a thread's share must reach before a kernel is split (default 2^20, ~0.1 ms of
 * SIMD GEMM): waking a worker costs ~20-50 µs on an idle machine and was measured at ~0.5 ms
 * on this loaded 2-core one, so smaller kernels stay on the calling thread.
 */
let minWork = 1 << 20;
/** Sets the split threshold (tests lower it to split small shapes); returns the previous value. */
export function setMinWorkPerThread(n: number): number {
  if (!Number.isFinite(n) || n < 0) throw new ArgumentError(`setMinWorkPerThread: n must be >= 0, got ${n}`);
  const prev = minWork;
  minWork = n;
  return prev;
}

/** Threads worth using for `work` multiply-adds: 1 .. getNumThreads(). */
export function threadsFor(work: number): number {
  return Math.max(1, Math.min(getNumThreads(), Math.floor(work / Math.max(1, minWork))));
}

/** Splits [0, total) into at most `parts` ranges whose bounds are multiples of grain (balanced in grains). */
export function splitRange(total: number, grain: number, parts: number): [number, number][] {
  const g = Math.max(1, grain), units = Math.ceil(total / g);
  const p = Math.max(1, Math.min(parts, units));
  const out: [number, number][] = [];
  for (let i = 0; i < p; i++) {
    const a = Math.min(total, Math.floor((i * units) / p) * g), b = Math.min(total, Math.floor(((i + 1) * units) / p) * g);
    if (b > a) out.push([a, b]);
  }
  return out;
}

/**
 * Splits [0, total) into ranges at multiples of `grain` (at most `parts`, default every thread),
 * asks `body(start, end, slot)` for the kernel calls of each range, and runs range s on thread
 * s (0 = this thread). Returns when every call has finished. With one range it just runs it here.
 * body runs for every range before any kernel starts, so it may write slotParams / scratch
 * offsets for its slot but must not depend on other ranges' results.
 */
export function parallelFor(total: number, grain: number, body: (start: number, end: number, slot: number) => KernelCall[],
  parts = getNumThreads()): void {
  const ranges = pool ? splitRange(total, grain, Math.min(parts, pool.size)) : [[0, total] as [number, number]];
  const calls = ranges.map(([a, b], slot) => body(a, b, slot));
  const runHere = (list: KernelCall[]) => { for (const [name, ...args] of list) kernel(name)(...args); };
  if (!pool || calls.length <= 1) { calls.forEach(runHere); return; }
  const jobs = calls.map((list) => list.map(([name, ...args]): ExportCall => ({ fn: kernelExport(name), args })));
  pool.run(jobs, () => runHere(calls[0]));
  splitRuns++;
}

let splitRuns = 0;
/** How many parallelFor calls actually ran on more than one thread (tests check that splitting happened). */
export function threadStats(): { splitRuns: number; threads: number } {
  return { splitRuns, threads: getNumThreads() };
}
