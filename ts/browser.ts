// Browser entry: top-level await fetches and compiles the kernel module before use.
import { initBrowser } from './runtime/hosts/browser.js';
import { initPixelsAsync } from './data/pixels.js';
await initBrowser();
// The pixel kernels (transforms) sit next to the bundle too; without them only transforms fail.
await initPixelsAsync(new URL('./pixels.wasm', import.meta.url)).catch((e) => console.warn(`vidwasm: transforms unavailable: ${(e as Error).message}`));
export * from './index.js';
export { initBrowser as init };
