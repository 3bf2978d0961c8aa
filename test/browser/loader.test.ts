// The data pipeline in a real browser (headless Chromium): EncodedVideo decodes a real H.264/AAC
// mp4 (made by Debian's ffmpeg) with @ffmpeg/ffmpeg in a worker, once from a URL (fromPath) and
// once from a Blob (fromFile); the Kinetics eval chain transforms the video, LogMelSpectrogram
// the audio, and defaultCollate batches the two clips (and d3's DataLoader, over a map-style
// dataset of the same clips, gives the same batch). The Node pipeline (@ffmpeg/core driven
// directly) does the same on the same file: both run the same ffmpeg.wasm binary with the same
// arguments and the same vidwasm kernels, so the batch must be identical byte for byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { Tensor } from '../../ts/node.js';
import '../../ts/node.js'; // loads the kernel module (the import above is types only)
import { wasmPath } from '../../ts/runtime/hosts/node.js';
import { pixelsPath } from '../../ts/data/pixels.js';
import { EncodedVideo } from '../../ts/data/encoded_video.js';
import { defaultCollate, disposeTensors } from '../../ts/data/loader/collate.js';
import { DataLoader } from '../../ts/data/loader/data_loader.js';
import * as T from '../../ts/data/transforms/index.js';
import { media } from '../helpers/media.js';
import { serve, type Served } from './server.js';
import { launchChromium, requireChromium } from './chromium.js';

const entry = fileURLToPath(new URL('../../ts/browser.ts', import.meta.url));
const CLIPS: [number, number][] = [[0.5, 1.5], [2.0, 3.0]];
const MEL = { nFft: 512, hopLength: 160, nMels: 64 };
// The Kinetics eval chain of the issue, at a small size so the page stays quick.
const CHAIN = { subsample: 8, mean: [0.45, 0.45, 0.45], std: [0.225, 0.225, 0.225], side: 128, crop: 112 };

// The same code runs in the page (as text, over the browser entry's exports) and in Node.
const pipelineSource = `async (DataLoader, T, defaultCollate, open, clips, chain, mel) => {
  const transform = T.Compose([
    T.ApplyTransformToKey('video', T.Compose([
      T.UniformTemporalSubsample(chain.subsample), T.ConvertUint8ToFloat(), T.Normalize(chain.mean, chain.std),
      T.ShortSideScale(chain.side), T.CenterCrop(chain.crop)])),
    T.ApplyTransformToKey('audio', T.LogMelSpectrogram(mel)),
  ]);
  const items = [], raw = [];
  for (let i = 0; i < clips.length; i++) {
    const v = await open(i);
    const c = await v.getClip(clips[i][0], clips[i][1]);
    raw.push({ frames: c.video.shape[1], audioSamples: c.audio.shape[0], duration: v.duration, name: v.name, size: [v.width, v.height] });
    items.push(transform({ video: c.video, audio: c.audio, label: i, video_name: v.name, clip_index: 0 }));
  }
  const batch = defaultCollate(items);
  // the same two clips through d3's DataLoader over a map-style dataset (length + getItem)
  const ds = { transform, length: clips.length, toSpec: () => null, async getItem(i) {
    const v = await open(i), c = await v.getClip(clips[i][0], clips[i][1]);
    return { video: c.video, audio: c.audio, label: i, video_name: v.name, clip_index: 0 };
  } };
  let loaderBatch = null, batches = 0;
  for await (const b of new DataLoader(ds, { batchSize: 2, seed: 1 })) { loaderBatch = b; batches++; }
  return { batch, loaderBatch, batches, raw };
}`;
type Pipeline = (L: unknown, T: unknown, collate: unknown, open: (i: number) => Promise<EncodedVideo>,
  clips: [number, number][], chain: typeof CHAIN, mel: typeof MEL) => Promise<{ batch: Record<string, any>; loaderBatch: Record<string, any>; batches: number; raw: Raw[] }>;
interface Raw { frames: number; audioSamples: number; duration: number; name: string; size: number[] }
interface PageResult { loader: { batches: number; sameVideo: boolean; sameAudio: boolean }; bad: Record<string, string>; webm: { shape: number[]; b64: string; audio: string }; video: { shape: number[]; b64: string }; audio: { shape: number[]; b64: string }; label: number[]; names: string[]; raw: Raw[] }

const pageScript = `
import { init, data, transforms } from './browser.js';
await init();
const run = ${pipelineSource};
try {
  // a small run budget: the 8 runs of the pipeline (4 probes, 4 clips) spend it, so the webm
  // and bad-media runs below go to a replacement worker
  data.configureBrowserDecoder({ maxRunsPerWorker: 8 });
  const blob = await (await fetch('./clip2.mp4')).blob();
  const open = (i) => i === 0 ? data.EncodedVideo.fromPath('./clip.mp4') : data.EncodedVideo.fromFile(new File([blob], 'clip2.mp4'));
  const { batch, loaderBatch, batches, raw } = await run(data.DataLoader, transforms, data.defaultCollate, open, ${JSON.stringify(CLIPS)}, ${JSON.stringify(CHAIN)}, ${JSON.stringify(MEL)});
  const b64 = (t) => { const a = t.toArray(); const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength); let s = ''; for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode(...u.subarray(i, i + 0x8000)); return btoa(s); };
  const res = { video: { shape: [...batch.video.shape], b64: b64(batch.video) }, audio: { shape: [...batch.audio.shape], b64: b64(batch.audio) },
    label: Array.isArray(batch.label) ? batch.label : Array.from(batch.label.toArray()), names: batch.video_name, raw,
    loader: { batches, sameVideo: b64(loaderBatch.video) === b64(batch.video), sameAudio: b64(loaderBatch.audio) === b64(batch.audio) } };
  // VP9/Opus webm decoded at a target size (scaled inside ffmpeg), raw u8 frames and audio
  const webm = await data.EncodedVideo.fromPath('./clip.webm');
  const wc = await webm.getClip(0.3, 1.1, { width: 64 });
  res.webm = { shape: [...wc.video.shape], b64: b64(wc.video), audio: b64(wc.audio) };
  // bad media: typed errors naming the file
  const bad = {};
  const reason = async (name, f) => { try { await f(); bad[name] = 'no error'; } catch (e) { bad[name] = e instanceof data.VideoDecodeError ? e.reason + ': ' + e.message : 'untyped: ' + e; } };
  const garbage = new Uint8Array(65536).map((_, i) => (i * 2654435761) >>> 24);
  await reason('missing', () => data.EncodedVideo.fromPath('./missing.mp4'));
  await reason('empty', () => data.EncodedVideo.fromFile(new File([], 'empty.mp4')));
  await reason('garbage', () => data.EncodedVideo.fromFile(new File([garbage], 'garbage.mp4')));
  await reason('pastEnd', async () => (await data.EncodedVideo.fromFile(new File([blob], 'clip2.mp4'))).getClip(10, 11));
  res.bad = bad;
  globalThis.loaderResult = res;
} catch (e) { globalThis.loaderResult = { error: String(e && e.stack || e) }; }
`;

let context: BrowserContext | null = null;
let server: Served | null = null;
let profile = '';
const pageErrors: string[] = [];
let result: (PageResult & { error?: string }) | null = null;
let setupError: unknown = null;

function dirFiles(dir: string, prefix: string, ext: RegExp): Record<string, Uint8Array> {
  return Object.fromEntries(readdirSync(dir).filter((f) => ext.test(f)).map((f) => [`${prefix}/${f}`, readFileSync(join(dir, f))]));
}

test.before(async () => {
  try {
    requireChromium();const bundle = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent', external: ['node:*'] });
    const req = createRequire(import.meta.url);
    const ffDir = join(req.resolve('@ffmpeg/ffmpeg').replace(/[\\/]dist[\\/].*$/, ''), 'dist', 'esm');
    const coreDir = join(req.resolve('@ffmpeg/core').replace(/[\\/]dist[\\/].*$/, ''), 'dist', 'esm');
    const clip = readFileSync(media('h264'));
    server = await serve({
      '/browser.js': bundle.outputFiles[0].contents,
      '/vidwasm.wasm': readFileSync(wasmPath()),
      '/pixels.wasm': readFileSync(pixelsPath()!),
      '/clip.mp4': clip,
      '/clip2.mp4': clip,
      '/clip.webm': readFileSync(media('vp9')),
      ...dirFiles(ffDir, '/ffmpeg', /\.js$/),
      ...dirFiles(coreDir, '/ffmpeg-core', /\.(js|wasm)$/),
      '/index.html': `<!doctype html><meta charset="utf-8"><script type="module">${pageScript}</script>`,
      '/favicon.ico': new Uint8Array(0),
    });
    profile = mkdtempSync(join(tmpdir(), 'vidwasm-chromium-'));
    context = await launchChromium(profile);
    const page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    // (the page fetches ./missing.mp4 on purpose: Chromium logs that 404)
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 404/.test(m.text())) pageErrors.push(m.text()); });
    await page.goto(server.url, { timeout: 60_000 });
    await page.waitForFunction(() => 'loaderResult' in globalThis, null, { timeout: 90_000 })
      .catch((e) => { throw new Error(`the page did not finish: ${pageErrors.join('; ') || e}`); });
    result = await page.evaluate(() => (globalThis as unknown as { loaderResult: typeof result }).loaderResult);
  } catch (e) { setupError = e; }
});
test.after(async () => {
  await context?.close().catch(() => {});
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('Chromium: @ffmpeg/ffmpeg decode (URL and Blob) + Kinetics eval chain + log-mel + collate equals Node byte for byte', async () => {
  if (setupError) throw setupError;
  if (result?.error) throw new Error(`page failed: ${result.error}`);
  assert.equal(pageErrors, []);
  for (const p of ['/ffmpeg/worker.js', '/ffmpeg-core/ffmpeg-core.wasm', '/clip.mp4']) assert.ok(server!.requests.includes(p), `the page fetched ${p}`);
  assert.ok(server!.requests.filter((p) => p === '/ffmpeg/worker.js').length >= 2, 'a spent worker was replaced (maxRunsPerWorker)');
  const run = (0, eval)(pipelineSource) as Pipeline;
  const path = media('h264');
  const { batch, loaderBatch, batches, raw } = await run(DataLoader, T, defaultCollate, () => EncodedVideo.fromPath(path), CLIPS, CHAIN, MEL);
  try {
    const r = result!;
    const bytes = (t: Tensor) => { const a = t.toArray(); return Buffer.from(a.buffer, a.byteOffset, a.byteLength); };
    // the raw clips first (frame counts, audio length = duration x 16 kHz), then the batch
    assert.equal(r.raw.map((x) => [x.frames, x.audioSamples, x.size]), raw.map((x) => [x.frames, x.audioSamples, x.size]));
    for (const x of raw) { assert.is(x.frames, 30); assert.is(x.audioSamples, 16000); }
    assert.equal(r.raw.map((x) => x.name), ['clip', 'clip2']);
    assert.equal(r.video.shape, [2, 3, CHAIN.subsample, CHAIN.crop, CHAIN.crop]);
    assert.equal(r.video.shape, [...batch.video.shape]);
    assert.equal(r.audio.shape, [...batch.audio.shape]);
    assert.equal(r.label, [0, 1]);
    const bv = Buffer.from(r.video.b64, 'base64'), ba = Buffer.from(r.audio.b64, 'base64');
    assert.ok(bv.equals(bytes(batch.video)), 'video batch: browser == node, byte for byte');
    assert.equal(r.loader, { batches: 1, sameVideo: true, sameAudio: true }, 'browser DataLoader batch == collate batch');
    assert.is(batches, 1);
    assert.ok(bytes(loaderBatch.video).equals(bytes(batch.video)) && bytes(loaderBatch.audio).equals(bytes(batch.audio)), 'node DataLoader batch == collate batch');
    assert.ok(ba.equals(bytes(batch.audio)), 'log-mel batch: browser == node, byte for byte');
    // and the clips are not trivially equal (two different spans of the test pattern)
    const half = bv.length / 2;
    assert.ok(!bv.subarray(0, half).equals(bv.subarray(half)), 'the two clips differ');
  } finally { disposeTensors(batch); disposeTensors(loaderBatch); }
});

test('Chromium: a VP9/Opus webm decoded at a target size equals Node byte for byte', async () => {
  if (setupError) throw setupError;
  if (result?.error) throw new Error(`page failed: ${result.error}`);
  const v = await EncodedVideo.fromPath(media('vp9'));
  const c = await v.getClip(0.3, 1.1, { width: 64 });
  try {
    const bytes = (t: Tensor) => { const a = t.toArray(); return Buffer.from(a.buffer, a.byteOffset, a.byteLength); };
    assert.equal(result!.webm.shape, [...c.video.shape]);
    assert.equal(result!.webm.shape, [3, 20, 48, 64]);
    assert.ok(Buffer.from(result!.webm.b64, 'base64').equals(bytes(c.video)), 'webm frames: browser == node');
    assert.ok(Buffer.from(result!.webm.audio, 'base64').equals(bytes(c.audio!)), 'webm audio: browser == node');
  } finally { c.video.dispose(); c.audio?.dispose(); }
});

test('Chromium: bad media fail with typed errors naming the file', () => {
  if (setupError) throw setupError;
  if (result?.error) throw new Error(`page failed: ${result.error}`);
  const b = result!.bad;
  assert.match(b.missing, /^missing: .*missing\.mp4: HTTP 404/);
  assert.match(b.empty, /^empty: empty\.mp4: zero-byte file/);
  assert.match(b.garbage, /^unreadable: garbage\.mp4: /);
  assert.match(b.pastEnd, /^out-of-range: clip2\.mp4: clip \[10, 11\) s starts past the end/);
});

test.run();
