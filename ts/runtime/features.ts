// Feature probes. Each validates a tiny hand-written module (WebAssembly.validate is synchronous
// and never executes anything); threads also need a shared memory that reaches a worker.

// (module (func (result v128) i32.const 0 i8x16.splat))
const SIMD: Uint8Array<ArrayBuffer> = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);
// (module (func (result v128) v128.const 0 ... i8x16.relaxed_swizzle)) – relaxed SIMD opcode 0xfd 0x100
const RELAXED_SIMD = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11]);
// (module (memory 1 1 shared)) – needs threads
const THREADS = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 4, 1, 3, 1, 1]);

export interface Features {
  simd: boolean;
  relaxedSimd: boolean;
  /** setNumThreads(n > 1) can start: wasm threads validate and a shared memory reaches a worker (threadsUnavailableReason). */
  threads: boolean;
  /** SharedArrayBuffer usable (cross-origin isolated in browsers). */
  sharedMemory: boolean;
}

export function probeFeatures(): Features {
  const v = (b: Uint8Array<ArrayBuffer>) => {
    try { return WebAssembly.validate(b); } catch { return false; }
  };
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  const sharedMemory = typeof g.SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false;
  return { simd: v(SIMD), relaxedSimd: v(RELAXED_SIMD), threads: threadsUnavailableReason() === null, sharedMemory };
}

/**
 * Why wasm threads cannot start on this host, or null when they can. Engines differ beyond
 * cross-origin isolation: WebKitGTK validates shared memories and reports crossOriginIsolated,
 * yet hides SharedArrayBuffer and refuses to post a shared memory (DataCloneError) unless
 * JSC_useSharedArrayBuffer=true is in its environment. So the last check in a browser is the
 * real question: can a shared WebAssembly.Memory be posted to a worker (probed once per page).
 */
export function threadsUnavailableReason(): string | null {
  let validates = false;
  try { validates = WebAssembly.validate(THREADS); } catch { /* an engine without wasm threads */ }
  if (!validates) return 'this host has no WebAssembly threads (shared memory and atomics)';
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown; Worker?: unknown; process?: { versions?: { node?: string } } };
  if (g.crossOriginIsolated === false) {
    return 'SharedArrayBuffer is unavailable: the page is not cross-origin isolated (serve it with ' +
      'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  const isolated = g.crossOriginIsolated === true ? 'the page is cross-origin isolated, but ' : '';
  if (typeof g.SharedArrayBuffer !== 'function') {
    return `${isolated}this engine exposes no SharedArrayBuffer (WebKitGTK exposes it only with JSC_useSharedArrayBuffer=true ` +
      'in its environment)';
  }
  if (g.process?.versions?.node) return null;  // worker_threads take shared memories
  if (typeof g.Worker !== 'function') return 'this host has no Web Workers';
  return (workerRefusal ??= postSharedMemoryToWorker()) || null;
}
let workerRefusal: string | undefined;

/** Posts a one-page shared memory to a throwaway worker (as the thread pool will): '' if accepted, else why not. */
function postSharedMemoryToWorker(): string {
  let url = '', worker: Worker | null = null;
  try {
    url = URL.createObjectURL(new Blob([''], { type: 'text/javascript' }));
    worker = new Worker(url);
    worker.postMessage(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }));
    return '';
  } catch (e) {
    return `this engine cannot share a WebAssembly memory with a worker (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)})`;
  } finally {
    worker?.terminate();
    if (url) URL.revokeObjectURL(url);
  }
}
