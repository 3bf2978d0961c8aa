// The test page's script (bundled by browser.test.ts with esbuild): init() loads the kernel
// module (./vidwasm.wasm next to the bundle), then the page
// exposes vidwasmRun(), which runs the shared scenario on the plan, its input and the WASI
// command (fetched once) and returns the outputs' hashes, and vidwasmSetThreads(n), which
// switches threads (vidwasm-mt.wasm and pixels-mt.wasm next to the bundle) and reports the
// thread count or the error.
import { init, setNumThreads } from '../../ts/browser.js';
import { setMinWorkPerThread } from '../../ts/runtime/threads/index.js';
import { digest, scenario, type ScenarioInput } from './scenario.js';

await init();
// Split even the scenario's small kernels at 2 threads, so "2 threads" really runs on two.
setMinWorkPerThread(1 << 12);

async function get(path: string): Promise<Uint8Array> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
let inputs: Promise<ScenarioInput> | null = null;
const load = async (): Promise<ScenarioInput> => ({ plan: await get('/plan.bin'), input: await get('/input.bin'), command: await get('/vidwasm-cmd.wasm') });

const g = globalThis as { vidwasmRun?: unknown; vidwasmSetThreads?: unknown };
g.vidwasmRun = async () => digest(scenario(await (inputs ??= load())));
g.vidwasmSetThreads = async (n: number) => {
  try {
    return { threads: await setNumThreads(n) };
  } catch (e) {
    return { error: e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : String(e) };
  }
};
