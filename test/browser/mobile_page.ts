// The page of the mobile constraints test (bundled by mobile.test.ts): what a phone's WebView
// gives a page served without COOP/COEP under a wasm memory ceiling. start() initialises and
// tries threads; classify() runs mobile_model's X3D-XS; oversized(shape) and allocate(n) ask for
// more memory than the page may have and report the error and any tensor left behind.
import * as vw from '../../ts/browser.js';
import { classify, createModel } from './mobile_model.js';

const asError = (e: unknown) => ({
  oom: e instanceof vw.OutOfMemoryError, vidwasm: e instanceof vw.VidwasmError, code: (e as vw.VidwasmError).code, message: String((e as Error).message ?? e),
});
let model: ReturnType<typeof createModel> | null = null;

const api = {
  async start(maxMemoryBytes: number) {
    await vw.init({ maxMemoryBytes });
    model = createModel(vw);
    let threads: unknown;
    try { threads = { n: await vw.setNumThreads(2) }; } catch (e) { threads = asError(e); }
    return { isolated: globalThis.crossOriginIsolated, featureThreads: vw.features().threads, threads, android: /Android/.test(navigator.userAgent) };
  },
  /** init() again: only the memory cap changes. */
  setCap: (maxMemoryBytes: number) => vw.init({ maxMemoryBytes }),
  classify() {
    const t0 = performance.now();
    const logits = classify(vw, model!);
    return { logits, ms: performance.now() - t0 };
  },
  /** The model on an input of `shape` (zeros): must fail with a typed error, leaving no tensor behind. */
  oversized(shape: number[]) {
    const before = vw.memoryStats().liveTensors;
    let error = null;
    const x = vw.Tensor.zeros(shape);
    try {
      vw.noGrad(() => vw.tidy(() => model!.forward(x)));
    } catch (e) { error = asError(e); }
    x.dispose();
    return { error, leaked: vw.memoryStats().liveTensors - before };
  },
  /** One tensor of `elements` floats. */
  allocate(elements: number) {
    const before = vw.memoryStats().liveTensors;
    let error = null;
    try { vw.Tensor.zeros([elements]).dispose(); } catch (e) { error = asError(e); }
    return { error, leaked: vw.memoryStats().liveTensors - before, wasmBytes: vw.memoryBytes() };
  },
};
(globalThis as { vidwasmMobile?: typeof api }).vidwasmMobile = api;
