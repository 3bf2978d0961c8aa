// Browser host: fetches and compiles vidwasm.wasm asynchronously (main-thread friendly).
import { initFromModuleAsync, isReady } from '../wasm.js';

/** url defaults to vidwasm.wasm next to the bundle. */
export async function initBrowser(url: string | URL = new URL('./vidwasm.wasm', import.meta.url)): Promise<void> {
  if (isReady()) return;
  await initFromModuleAsync(fetch(url));
}
