// The test page's script (bundled by browser.test.ts with esbuild): the browser entry loads the
// kernel module (top-level await fetch of ./vidwasm.wasm next to the bundle), then the page
// exposes vidwasmRun(), which fetches the plan, its input and the WASI command and runs the
// shared scenario.
import '../../ts/browser.js';
import { scenario } from './scenario.js';

async function get(path: string): Promise<Uint8Array> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

(globalThis as { vidwasmRun?: unknown }).vidwasmRun = async () =>
  scenario({ plan: await get('/plan.bin'), input: await get('/input.bin'), command: await get('/vidwasm-cmd.wasm') });
(globalThis as { vidwasmLoaded?: boolean }).vidwasmLoaded = true;
