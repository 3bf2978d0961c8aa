// The browser demo page in headless Chromium (playwright-core driving Debian's /usr/bin/chromium):
// the page from demoPageHtml() loads the bundled entry (ts/demo/page_main.ts) and the
// kernel module from a static server; clicking Train runs the Trainer for a few steps on clips
// generated in the page (losses and held-out scores equal to Node's); then an mp4 made here with ffmpeg.wasm is
// dropped on the page (a real drop event carrying the file) and a prediction appears. The page
// with ?decoder=ffmpeg decodes it with vidwasm's ffmpeg.wasm browser decoder instead of <video>:
// same prediction flow, and frames close to what Chromium's own decoder gives.
// No Chromium -> the test fails (CI installs it with `make setup`); it never silently passes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import '../../ts/node.js';
import { wasmPath } from '../../ts/runtime/hosts/node.js';
import { demoPageHtml } from '../../ts/demo/page.js';
import { DEMO_CLIP, DEMO_CLASSES, createDemoModel } from '../../ts/demo/spec.js';
import { trainDemo, PAGE_TRAINING, type Evaluation } from '../../ts/demo/train_classify.js';
import { renderClip } from '../../ts/demo/synth.js';
import { encodeMp4 } from '../../ts/demo/encode.js';
import { serve, type Served } from './server.js';
import { launchChromium, openDemo, trainOnPage, dropMp4 as dropFile, waitPrediction, type Browser } from './demo_driver.js';

const here = fileURLToPath(new URL('.', import.meta.url));

let browser: Browser | null = null;
let server: Served | null = null;
let page: Page;
let pageErrors: string[] = [];
let setupError: unknown = null;

test.before(async () => {
  try {
    const bundle = await build({
      entryPoints: [join(here, '../../ts/demo/page_main.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
      write: false, logLevel: 'silent', external: ['node:*'],
    });
    const req = createRequire(import.meta.url);
    const dist = (pkg: string) => join(req.resolve(pkg).replace(/[\\/]dist[\\/].*$/, ''), 'dist', 'esm');
    const dirFiles = (dir: string, prefix: string, ext: RegExp) => Object.fromEntries(readdirSync(dir).filter((f) => ext.test(f)).map((f) => [`${prefix}/${f}`, readFileSync(join(dir, f))]));
    server = await serve({
      ...dirFiles(dist('@ffmpeg/ffmpeg'), '/ffmpeg', /\.js$/),
      ...dirFiles(dist('@ffmpeg/core'), '/ffmpeg-core', /\.(js|wasm)$/),
      '/index.html': demoPageHtml({ script: './demo.js' }),
      '/demo.js': bundle.outputFiles[0].contents,
      '/vidwasm.wasm': readFileSync(wasmPath()),
      '/favicon.ico': new Uint8Array(0),
    });
    browser = await launchChromium();
    ({ page, errors: pageErrors } = browser);
    await openDemo(browser, server.url);
  } catch (e) {
    setupError = e;
  }
});
test.after(async () => {
  await browser?.close();
  await server?.close();
});
function ready(): void { if (setupError) throw setupError; }

test('demoPageHtml: a well-formed page that loads the given module script', () => {
  const html = demoPageHtml({ script: '/x/demo.js?v="1"' });
  assert.ok(html.startsWith('<!doctype html>'));
  assert.ok(html.includes('<script type="module" src="/x/demo.js?v=&quot;1&quot;"></script>'), 'script URL escaped');
  assert.ok(html.includes('id="app"'));
});

test('in Chromium: Train runs the Trainer on fresh in-page clips, scoring held-out clips as it goes, as in Node', async () => {
  ready();
  const r = await trainOnPage(page, 10);
  console.log(`  browser demo: ${r.losses.length} steps, loss ${r.losses[0]?.toFixed(4)} -> ${r.losses[r.losses.length - 1]?.toFixed(4)}; "${r.shown}"`);
  assert.is(r.status, 'trained', pageErrors.join('; '));
  assert.is(r.losses.length, 10);
  assert.ok(r.losses.every(Number.isFinite));
  assert.match(r.shown ?? '', /^step 10\/10: loss \d/);
  assert.is((r.points ?? '').split(' ').length, 10, 'the curve has a point per step');
  // The same run in Node (same seed, same kernels, the page's settings): the same losses and
  // the same held-out scores (held-out evaluation must not disturb training).
  const model = createDemoModel();
  const evals: Evaluation[] = [];
  const node = await trainDemo(model, { ...PAGE_TRAINING, steps: 10, batches: 10, onEval: (e) => evals.push(e) });
  model.dispose();
  node.forEach((v, i) => assert.ok(Math.abs(v - r.losses[i]) <= 1e-5 * Math.abs(v), `step ${i + 1}: Node ${v} vs Chromium ${r.losses[i]}`));
  assert.equal(r.accuracy, evals.map((e) => [e.step, e.accuracy]));
  assert.equal(r.confusion, evals[evals.length - 1].confusion);
});

test('in Node: trainDemo learns (10 steps over its 2 default batches lower the loss by > 10%)', async () => {
  const model = createDemoModel();
  const l = await trainDemo(model, { steps: 10 });
  model.dispose();
  const first = (l[0] + l[1]) / 2, last = (l[8] + l[9]) / 2;
  assert.ok(last < 0.9 * first, `loss went down: ${first} -> ${last}`);
});

let mp4: Uint8Array;
const dropMp4 = () => dropFile(page, mp4);

test('in Chromium: a generated mp4 dropped on the page is decoded and a prediction appears', async () => {
  ready();
  const { frames, size, fps } = DEMO_CLIP;
  mp4 = await encodeMp4(renderClip(2, 4242, { frames, size }), { width: size, height: size, fps });
  await dropMp4();
  const r = await waitPrediction(page);
  console.log(`  dropped mp4 (${mp4.length} B, class up): prediction "${r.shown}"`);
  assert.is(r.status, 'classified', pageErrors.join('; '));
  assert.ok(r.prediction && DEMO_CLASSES.includes(r.prediction.label));
  assert.ok(Math.abs(r.prediction!.probs.reduce((a, b) => a + b, 0) - 1) < 1e-4, 'probabilities sum to 1');
  assert.match(r.shown ?? '', new RegExp(`^(${DEMO_CLASSES.join('|')}) \\(\\d+\\.\\d%\\)$`));
  // A file the browser cannot decode reports an error on the page instead of a prediction.
  await page.setInputFiles('#file', { name: 'bad.mp4', mimeType: 'video/mp4', buffer: Buffer.from('not a video') });
  await page.waitForFunction(() => (globalThis as unknown as { vidwasmDemo: { status: string } }).vidwasmDemo.status.startsWith('error'), null, { timeout: 30_000 });
  assert.match(await page.textContent('#status') ?? '', /could not decode/);
});

test('in Chromium with ?decoder=ffmpeg: the dropped mp4 goes through EncodedVideo.fromFile (ffmpeg.wasm); frames match <video>\'s, a prediction appears', async () => {
  ready();
  await openDemo(browser!, `${server!.url}/?decoder=ffmpeg`);
  await page.evaluate(() => (globalThis as unknown as { vidwasmDemo: { train(n: number): Promise<number[]> } }).vidwasmDemo.train(2));
  await dropMp4();
  const p = await waitPrediction(page, 90_000);
  assert.is(p.status, 'classified', pageErrors.join('; '));
  assert.match(p.shown ?? '', new RegExp(`^(${DEMO_CLASSES.join('|')}) \\(\\d+\\.\\d%\\)$`));
  assert.ok(server!.requests.includes('/ffmpeg-core/ffmpeg-core.wasm'), 'the page loaded ffmpeg.wasm');
  const diff = await page.evaluate(async (bytes: number[]) => {
    const d = (globalThis as unknown as { vidwasmDemo: { frames(f: Blob, d: string): Promise<Uint8Array> } }).vidwasmDemo;
    const file = new File([new Uint8Array(bytes)], 'up.mp4', { type: 'video/mp4' });
    const a = await d.frames(file, 'ffmpeg'), b = await d.frames(file, 'video-element');
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
    return { n: a.length, mean: sum / a.length };
  }, Array.from(mp4));
  console.log(`  ffmpeg.wasm vs <video> frames: mean |diff| ${diff.mean.toFixed(2)} levels over ${diff.n} values`);
  assert.is(diff.n, DEMO_CLIP.frames * DEMO_CLIP.size * DEMO_CLIP.size * 3);
  assert.ok(diff.mean < 6, 'both decoders see the same frames (up to YUV->RGB rounding)');
});

test.run();
