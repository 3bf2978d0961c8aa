// Frames of a dropped video for the demo network, by either decoder: the browser's own <video>
// element (frames read back through a canvas; no extra assets) or vidwasm's browser decoder,
// EncodedVideo.fromFile over @ffmpeg/ffmpeg (serve ffmpeg/worker.js and
// ffmpeg-core/ffmpeg-core.{js,wasm} next to the page, as for ts/data in the browser).
import { EncodedVideo } from '../data/encoded_video.js';
import { DEMO_CLIP } from './spec.js';

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
