// Browser entry: nothing is fetched at import. `await init()` (options or `env`: where the .wasm
// files are, a memory cap) loads the kernel module and the pixel kernels; ops before it throw a
// NotInitializedError. No file of this entry's graph imports a node: module.
import { env, fetchWasm, initBrowser, type InitOptions } from './runtime/hosts/browser.js';
import { initPixelsAsync } from './data/pixels.js';
import { isSharedModule } from './runtime/wasm.js';
import { getNumThreads, setNumThreads as setNumThreadsCore, threadsAvailable, type ThreadOptions } from './runtime/threads/index.js';
export * from './index.js';
export { env };
export type { InitOptions, WasmFile, WasmPaths } from './runtime/hosts/browser.js';

/**
 * Loads vidwasm.wasm (and pixels.wasm, which the transforms use) from `wasmPaths` (default:
 * env.wasmPaths, else next to the bundle). Safe to call more than once. Rejects with an E_LOAD
 * error naming the file, the URL tried and what to copy where.
 */
export async function init(opts: InitOptions = {}): Promise<void> {
  await initBrowser(opts);
  // Without pixels.wasm only the transforms fail (with their own error): warn, do not fail init.
  await fetchWasm('pixels.wasm').then((b) => initPixelsAsync(b))
    .catch((e) => console.warn(`vidwasm: transforms unavailable: ${(e as Error).message}`));
}

/**
 * The runtime's setNumThreads, plus: fetches vidwasm-mt.wasm from wasmPaths for the first switch
 * to threads, and once threads are on (the runtime now uses a shared memory) pixels-mt.wasm, so
 * the transforms keep working. Pages that never ask for threads never fetch either. (This local
 * export takes precedence over the one in index.js.)
 */
export async function setNumThreads(n: number, opts: ThreadOptions = {}): Promise<number> {
  const first = n > 1 && getNumThreads() === 1 && !isSharedModule() && threadsAvailable().ok && opts.wasm === undefined;
  const got = await setNumThreadsCore(n, first ? { ...opts, wasm: await fetchWasm('vidwasm-mt.wasm') } : opts);
  if (got > 1) {
    await fetchWasm('pixels-mt.wasm').then((b) => initPixelsAsync(b, 'shared'))
      .catch((e) => console.warn(`vidwasm: transforms unavailable with threads: ${(e as Error).message}`));
  }
  return got;
}
