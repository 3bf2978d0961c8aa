// A user's page script, as the README shows it: `import * as vw from 'vidwasm'`, then init().
// The bundler tests build it with esbuild and with Vite; the test drives it through the
// functions it puts on globalThis.
import * as vw from 'vidwasm';
import { runModel } from './model.js';

// (class names do not survive minification, so the page reports the class by instanceof)
const asError = (e) => ({ notInitialized: e instanceof vw.NotInitializedError, vidwasm: e instanceof vw.VidwasmError, code: e?.code, reason: e?.reason, message: String(e?.message ?? e) });

/** An op before init() must throw the typed "call await init()" error. */
globalThis.vidwasmBeforeInit = () => {
  try { vw.Tensor.ones([2]); return { error: null }; } catch (e) { return { error: asError(e) }; }
};
/** init() with the given wasmPaths (undefined: the default, next to the bundle). */
globalThis.vidwasmInit = async (wasmPaths) => {
  try { await vw.init(wasmPaths === undefined ? {} : { wasmPaths }); return { ok: true }; } catch (e) { return { error: asError(e) }; }
};
globalThis.vidwasmRun = () => runModel(vw);
/** Opens a video (with the decoder configuration given, if any) and decodes 0.2 s, timing it. */
globalThis.vidwasmDecode = async ([path, decoderConfig]) => {
  if (decoderConfig) vw.data.configureBrowserDecoder(decoderConfig);
  const t0 = performance.now();
  try {
    const video = await vw.data.EncodedVideo.fromPath(path, { decodeAudio: false });
    const clip = await video.getClip(0, 0.2);
    return { shape: clip.video.shape, ms: performance.now() - t0 };
  } catch (e) { return { error: asError(e), ms: performance.now() - t0 }; }
};
