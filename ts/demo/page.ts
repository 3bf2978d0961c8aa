// The browser demo page: generate moving-shape clips as tensors in the page (the same renderer as
// `vidwasm demo`, synth.ts, without encoding), train the demo's X3D for a few steps with the
// Trainer (train_classify.ts) while the page shows the loss, then classify a video dropped on the
// page — decoded by the browser's own <video> element (frames read back through a canvas; no
// extra assets) or, with decoder 'ffmpeg' (page URL ?decoder=ffmpeg), by vidwasm's own browser
// decoder, EncodedVideo.fromFile over @ffmpeg/ffmpeg (serve ffmpeg/worker.js and
// ffmpeg-core/ffmpeg-core.{js,wasm} next to the page, as for ts/data in the browser).
//
// The DOM parts (mountDemo, framesFromVideo) touch `document` only when called, so demoPageHtml()
// also serves from Node (`vidwasm serve`); page_main.ts is the bundle entry (it loads the kernel
// module from ./vidwasm.wasm next to the bundle, then mounts the demo).
import { EncodedVideo } from '../data/encoded_video.js';
import { DEMO_CLASSES, DEMO_CLIP, createDemoModel } from './spec.js';
import { rgbToClip } from './synth.js';
import { classifyClip, trainDemo, type Prediction } from './train_classify.js';

type Module = ReturnType<typeof createDemoModel>;

const once = (el: EventTarget, ok: string, what: string) => new Promise<void>((resolve, reject) => {
  const done = (e: Event) => {
    el.removeEventListener(ok, done); el.removeEventListener('error', done);
    if (e.type === 'error') reject(new Error(`the browser could not decode the video (${what})`)); else resolve();
  };
  el.addEventListener(ok, done); el.addEventListener('error', done);
});

/** Resolves when the element presents its next frame, or after 1 s at most. */
function framePresented(v: HTMLVideoElement): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 1000);
    const rvfc = (v as HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number }).requestVideoFrameCallback;
    if (typeof rvfc !== 'function') { clearTimeout(timer); resolve(); return; }
    rvfc.call(v, () => { clearTimeout(timer); resolve(); });
  });
}

/**
 * Decodes `frames` evenly spaced frames of a video with a <video> element and reads them back
 * through a canvas, centre-cropped to a square and scaled to size x size: rgb24, frame-major.
 */
export async function framesFromVideo(src: Blob | string, frames = DEMO_CLIP.frames, size = DEMO_CLIP.size): Promise<Uint8Array> {
  const url = typeof src === 'string' ? src : URL.createObjectURL(src);
  const v = document.createElement('video');
  v.muted = true; v.preload = 'auto'; v.playsInline = true;
  try {
    const loaded = once(v, 'loadeddata', typeof src === 'string' ? src : (src as File).name ?? 'blob');
    v.src = url;
    await loaded;
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = size;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    const out = new Uint8Array(frames * size * size * 3);
    const dur = Number.isFinite(v.duration) && v.duration > 0 ? v.duration : frames / DEMO_CLIP.fps;
    const s = Math.min(v.videoWidth, v.videoHeight);
    for (let i = 0; i < frames; i++) {
      const seeked = once(v, 'seeked', 'seek');
      const shown = framePresented(v);
      v.currentTime = Math.min(dur - 1e-3, ((i + 0.5) * dur) / frames);
      await seeked;
      // 'seeked' can fire before the new frame reaches the element on a busy machine; wait
      // until it is presented (bounded, for engines without requestVideoFrameCallback).
      await shown;
      ctx.drawImage(v, (v.videoWidth - s) / 2, (v.videoHeight - s) / 2, s, s, 0, 0, size, size);
      const px = ctx.getImageData(0, 0, size, size).data;
      for (let p = 0; p < size * size; p++) for (let c = 0; c < 3; c++) out[(i * size * size + p) * 3 + c] = px[p * 4 + c];
    }
    return out;
  } finally {
    v.removeAttribute('src'); v.load();
    if (typeof src !== 'string') URL.revokeObjectURL(url);
  }
}

/**
 * The same frames through vidwasm's browser decoder (EncodedVideo.fromFile, ffmpeg.wasm in a
 * worker): the whole video decoded with its short side scaled to `size`, `frames` evenly spaced
 * frames, centre-cropped: rgb24, frame-major.
 */
export async function framesFromEncodedVideo(file: Blob, frames = DEMO_CLIP.frames, size = DEMO_CLIP.size): Promise<Uint8Array> {
  const ev = await EncodedVideo.fromFile(file, { decodeAudio: false });
  try {
    const k = size / Math.min(ev.width, ev.height);
    const w = Math.max(size, Math.round(ev.width * k)), h = Math.max(size, Math.round(ev.height * k));
    const clip = await ev.getClip(0, ev.duration, { width: w, height: h });
    clip.audio?.dispose();
    const v = clip.video, [, t, hh, ww] = v.shape;
    try {
      const px = v.toArray(), out = new Uint8Array(frames * size * size * 3);
      const top = Math.floor((hh - size) / 2), left = Math.floor((ww - size) / 2);
      for (let i = 0; i < frames; i++) {
        const f = Math.min(t - 1, Math.floor(((i + 0.5) * t) / frames));
        for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) {
          out[((i * size + y) * size + x) * 3 + c] = px[((c * t + f) * hh + top + y) * ww + left + x];
        }
      }
      return out;
    } finally { v.dispose(); }
  } finally { ev.close(); }
}

export type DemoDecoder = 'video-element' | 'ffmpeg';

/** What the page exposes (also as globalThis.vidwasmDemo, for tests and the console). */
export interface DemoApi {
  losses: number[];
  status: string;
  prediction: Prediction | null;
  train(steps?: number): Promise<number[]>;
  classifyFile(file: Blob): Promise<Prediction>;
  /** The rgb24 frames the classifier would see, by either decoder (for checks and the console). */
  frames(file: Blob, decoder?: DemoDecoder): Promise<Uint8Array>;
}

/** Builds the demo UI inside `root` (a train button, the loss curve, a drop zone, the prediction). */
export function mountDemo(root: HTMLElement, o: { decoder?: DemoDecoder } = {}): DemoApi {
  const decoder = o.decoder ?? 'video-element';
  root.innerHTML = `
    <h1>vidwasm: train a video model in this tab</h1>
    <p>Clips of a shape moving <b>${DEMO_CLASSES.join(' / ')}</b> are generated in the page; a tiny X3D learns the direction.</p>
    <p><label>steps <input id="steps" type="number" min="1" max="500" value="12"></label>
       <button id="train">Train</button> <span id="status">idle</span></p>
    <svg id="curve" width="360" height="120" viewBox="0 0 360 120" role="img" aria-label="training loss"><polyline fill="none" stroke="#1565c0" stroke-width="2" points=""/></svg>
    <p id="loss"></p>
    <div id="drop" style="border:2px dashed #888;padding:1.5em;max-width:360px;text-align:center">Drop a video here, or <input id="file" type="file" accept="video/*"></div>
    <p>Prediction: <b id="prediction"></b> <small>(decoder: ${decoder})</small></p>`;
  const $ = <T extends Element>(id: string) => root.querySelector(`#${id}`) as T;
  let model: Module | null = null;
  const api: DemoApi = {
    losses: [], status: 'idle', prediction: null,
    async train(steps?: number) {
      const n = steps ?? Number(($('steps') as HTMLInputElement).value) ?? 12;
      setStatus('training');
      model?.dispose();
      model = createDemoModel();
      api.losses = [];
      try {
        const losses = await trainDemo(model, {
          steps: n,
          onStep: (step, loss) => { api.losses.push(loss); drawCurve(); $('loss').textContent = `step ${step}/${n}: loss ${loss.toFixed(4)}`; },
        });
        setStatus('trained');
        return losses;
      } catch (e) { setStatus(`error: ${(e as Error).message}`); throw e; }
    },
    frames: (file: Blob, d: DemoDecoder = decoder) => (d === 'ffmpeg' ? framesFromEncodedVideo(file) : framesFromVideo(file)),
    async classifyFile(file: Blob) {
      if (!model) await api.train();
      setStatus('decoding');
      try {
        const rgb = decoder === 'ffmpeg' ? await framesFromEncodedVideo(file) : await framesFromVideo(file);
        const p = classifyClip(model!, rgbToClip(rgb, DEMO_CLIP.frames, DEMO_CLIP.size));
        api.prediction = p;
        $('prediction').textContent = `${p.label} (${(p.prob * 100).toFixed(1)}%)`;
        setStatus('classified');
        return p;
      } catch (e) { setStatus(`error: ${(e as Error).message}`); throw e; }
    },
  };
  function setStatus(s: string) { api.status = s; $('status').textContent = s; }
  function drawCurve() {
    const l = api.losses, max = Math.max(...l, 1e-9), w = 360, h = 120;
    const pts = l.map((v, i) => `${(l.length > 1 ? (i / (l.length - 1)) * (w - 10) : 0) + 5},${h - 5 - (v / max) * (h - 10)}`).join(' ');
    $('curve').querySelector('polyline')!.setAttribute('points', pts);
  }
  $('train').addEventListener('click', () => { void api.train().catch(() => {}); });
  ($('file') as HTMLInputElement).addEventListener('change', (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) void api.classifyFile(f).catch(() => {});
  });
  const drop = $('drop') as HTMLElement;
  drop.addEventListener('dragover', (e) => e.preventDefault());
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = (e as DragEvent).dataTransfer?.files?.[0];
    if (f) void api.classifyFile(f).catch(() => {});
  });
  (globalThis as { vidwasmDemo?: DemoApi }).vidwasmDemo = api;
  return api;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The demo's static page; `script` is the URL of the bundled entry (page_main.ts). */
export function demoPageHtml(o: { script?: string; title?: string } = {}): string {
  const script = o.script ?? './demo.js', title = o.title ?? 'vidwasm demo';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:44em}#curve{border:1px solid #ddd;background:#fafafa}</style>
</head>
<body>
<main id="app">loading vidwasm…</main>
<script type="module" src="${esc(script)}"></script>
</body>
</html>
`;
}
