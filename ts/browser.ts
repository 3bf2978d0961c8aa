// Browser entry: top-level await fetches and compiles the kernel module before use.
import { initBrowser } from './runtime/hosts/browser.js';
import { initPixelsAsync } from './data/pixels.js';
import { setNumThreads as setNumThreadsCore, type ThreadOptions } from './runtime/threads/index.js';
await initBrowser();
// The pixel kernels (transforms) sit next to the bundle too; without them only transforms fail.
await initPixelsAsync(new URL('./pixels.wasm', import.meta.url)).catch((e) => console.warn(`vidwasm: transforms unavailable: ${(e as Error).message}`));
export * from './index.js';
export { initBrowser as init };

/**
 * The runtime's setNumThreads, plus: once threads are on (the runtime now uses a shared memory),
 * fetches pixels-mt.wasm next to the bundle so the transforms keep working. Pages that never ask
 * for threads never fetch it. (This local export takes precedence over the one in index.js.)
 */
export async function setNumThreads(n: number, opts?: ThreadOptions): Promise<number> {
  const got = await setNumThreadsCore(n, opts);
  if (got > 1) {
    await initPixelsAsync(new URL('./pixels-mt.wasm', import.meta.url), 'shared')
      .catch((e) => console.warn(`vidwasm: transforms unavailable with threads: ${(e as Error).message}`));
  }
  return got;
}
