// A phone's WebView, emulated in Chromium: Android device emulation (Pixel 7: viewport, touch,
// user agent), the CPU slowed 4× (CDP Emulation.setCPUThrottlingRate), pages served without
// COOP/COEP (as most hosting does: no SharedArrayBuffer, so no threads) and wasm memory capped at
// 1 GiB per memory as iOS imposes (V8's --wasm-max-mem-pages). Under these:
//  - a user page: threads are reported unavailable with the reason, one thread works; a seeded
//    X3D-XS classification gives Node's logits; a forward pass that needs more memory than allowed
//    fails with an OutOfMemoryError (both under init's maxMemoryBytes and at the engine's own
//    ceiling) leaving no tensor behind, and the page classifies again afterwards;
//  - the demo page (`vidwasm serve`'s): trains a few steps and classifies a dropped mp4.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { devices, type BrowserContext, type Page } from 'playwright-core';
import * as vwNode from '../../ts/node.js';
import { wasmPath } from '../../ts/runtime/hosts/node.js';
import { pixelsPath } from '../../ts/data/pixels.js';
import { demoPageHtml } from '../../ts/demo/page.js';
import { DEMO_CLIP } from '../../ts/demo/spec.js';
import { renderClip } from '../../ts/demo/synth.js';
import { encodeMp4 } from '../../ts/demo/encode.js';
import { launchChromium, requireChromium } from './chromium.js';
import { serve, type Served } from './server.js';
import { dropMp4, openDemo, trainOnPage, waitPrediction } from './demo_driver.js';
import { classify, createModel } from './mobile_model.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const MiB = 1024 ** 2;
const IOS_PAGES = 16384;  // 1 GiB of 64 KiB pages
const profile = mkdtempSync(join(tmpdir(), 'vidwasm-mobile-'));

let server: Served | null = null;
let context: BrowserContext | null = null;
let setupError: unknown = null;
const errors: string[] = [];

const bundle = (entry: string) => build({ entryPoints: [join(here, entry)], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' })
  .then((r) => r.outputFiles[0].contents);

test.before(async () => {
  try {
    requireChromium();
    const wasm = readFileSync(wasmPath());
    server = await serve({
      '/user/index.html': '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><script type="module" src="./page.js"></script>',
      '/user/page.js': await bundle('mobile_page.ts'),
      '/user/vidwasm.wasm': wasm,
      '/user/pixels.wasm': readFileSync(pixelsPath()!),
      '/demo/index.html': demoPageHtml({ script: './demo.js' }),
      '/demo/demo.js': await bundle('../../ts/demo/page_main.ts'),
      '/demo/vidwasm.wasm': wasm,
      '/favicon.ico': new Uint8Array(0),
    }, undefined, { isolated: false });
    const { defaultBrowserType: _, ...pixel } = devices['Pixel 7'];
    context = await launchChromium(profile, { args: [`--js-flags=--wasm-max-mem-pages=${IOS_PAGES}`], context: pixel });
  } catch (e) { setupError = e; }
});

test.after(async () => {
  await context?.close().catch(() => {});
  await server?.close();
  rmSync(profile, { recursive: true, force: true });
});

/** A new page, slowed 4×, its errors collected. */
async function phonePage(): Promise<Page> {
  if (setupError) throw setupError;
  const page = await context!.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  const cdp = await context!.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return page;
}

type Api = Record<string, (...a: unknown[]) => unknown>;
const call = <T>(page: Page, fn: string, ...args: unknown[]): Promise<T> =>
  page.evaluate(([f, a]) => ((globalThis as unknown as { vidwasmMobile: Api }).vidwasmMobile[f as string])(...(a as unknown[])), [fn, args] as const) as Promise<T>;
interface PageError { oom: boolean; vidwasm: boolean; code: string; message: string }

test('phone page without COOP/COEP under a 1 GiB wasm ceiling: threads refused with the reason, X3D-XS classifies like Node, oversized inputs fail with OutOfMemoryError', async () => {
  const page = await phonePage();
  try {
    await page.goto(`${server!.url}/user/`);
    await page.waitForFunction(() => 'vidwasmMobile' in globalThis, null, { timeout: 20_000 });
    const s = await call<{ isolated: boolean; featureThreads: boolean; threads: PageError; android: boolean }>(page, 'start', 64 * MiB);
    assert.ok(s.android, 'the page sees an Android user agent');
    assert.is(s.isolated, false);
    assert.is(s.featureThreads, false);
    assert.is(s.threads.code, 'E_UNSUPPORTED');
    assert.match(s.threads.message, 'not cross-origin isolated');
    assert.match(s.threads.message, 'Cross-Origin-Opener-Policy: same-origin');
    assert.match(s.threads.message, 'staying at 1 thread');

    const model = createModel(vwNode);
    const expected = classify(vwNode, model);
    model.dispose();
    const first = await call<{ logits: number[]; ms: number }>(page, 'classify');
    assert.equal(first.logits, expected, 'the phone page gives Node\'s logits');

    // a model under init's cap (64 MiB, below the engine's ceiling): its input's first copy would end past it
    const capped = await call<{ error: PageError | null; leaked: number }>(page, 'oversized', [1, 3, 32, 256, 256]);
    assert.ok(capped.error?.oom, JSON.stringify(capped));
    assert.match(capped.error!.message, 'past maxMemoryBytes (64.0 MiB, set by init({ maxMemoryBytes }))');
    assert.is(capped.leaked, 0, 'no tensor left behind');

    // without the cap, the engine's 1 GiB ceiling: 1.5 GiB cannot be had
    await call(page, 'setCap', 4 * 1024 * MiB);
    const ceiling = await call<{ error: PageError | null; leaked: number; wasmBytes: number }>(page, 'allocate', 1.5 * 2 ** 28);
    assert.ok(ceiling.error?.oom, JSON.stringify(ceiling));
    assert.match(ceiling.error!.message, 'wasm memory cannot grow further');
    assert.is(ceiling.leaked, 0);
    assert.ok(ceiling.wasmBytes <= IOS_PAGES * 65536, `wasm memory stayed within the ceiling (${ceiling.wasmBytes} bytes)`);

    const again = await call<{ logits: number[] }>(page, 'classify');
    assert.equal(again.logits, expected, 'the page still works after both errors');
    assert.equal(errors, []);
  } finally { await page.close(); }
});

test('phone page: the demo page trains and classifies a dropped mp4', async () => {
  const page = await phonePage();
  try {
    const b = { page, errors, close: async () => {} };
    await openDemo(b, `${server!.url}/demo/`);
    const r = await trainOnPage(page, 2);
    assert.is(r.status, 'trained', errors.join('; '));
    assert.is(r.losses.length, 2);
    assert.ok(r.losses.every(Number.isFinite));
    const { frames, size, fps } = DEMO_CLIP;
    await dropMp4(page, await encodeMp4(renderClip(2, 4242, { frames, size }), { width: size, height: size, fps }));
    const p = await waitPrediction(page);
    assert.is(p.status, 'classified', errors.join('; '));
    assert.ok(p.prediction && Number.isFinite(p.prediction.prob));
    assert.equal(errors, []);
  } finally { await page.close(); }
});

test.run();
