// Threads in Chromium (playwright-core, Debian's /usr/bin/chromium) on a COOP/COEP server: the
// page switches to 2 threads (Web Workers, vidwasm-mt.wasm over a shared memory) and its results
// must be bit-identical to 1 thread in the page and to Node. No Chromium -> the test fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import '../../ts/node.js';
import { wasmPath } from '../../ts/runtime/hosts/node.js';
import { pixelsPath } from '../../ts/data/pixels.js';
import { setMinWorkPerThread } from '../../ts/runtime/threads/index.js';
import { serve, type Served } from '../browser/server.js';
import { cases, hashOutputs, TEST_MIN_WORK } from './cases.js';
import type { ThreadsPageResult } from './browser_page.js';
import { launchChromium, requireChromium } from '../browser/chromium.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const mtPath = process.env.VIDWASM_WASM_MT ?? join(dirname(wasmPath()), 'vidwasm-mt.wasm');

let context: BrowserContext | null = null;
let server: Served | null = null;
let profile = '';
let result: ThreadsPageResult | null = null;
let setupError: unknown = null;
const pageErrors: string[] = [];

test.before(async () => {
  try {
    requireChromium();if (!existsSync(mtPath)) throw new Error(`${mtPath} not found: run make wasm-mt (or set VIDWASM_WASM_MT)`);
    const bundle = await build({
      entryPoints: [join(here, 'browser_page.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false,
      logLevel: 'silent', external: ['node:*'],
    });
    const pixels = pixelsPath(), pixelsMt = pixelsPath('shared');
    server = await serve({
      '/index.html': '<!doctype html><meta charset="utf-8"><title>vidwasm threads</title><script type="module" src="/page.js"></script>',
      '/page.js': bundle.outputFiles[0].contents,
      '/vidwasm.wasm': readFileSync(wasmPath()),
      '/vidwasm-mt.wasm': readFileSync(mtPath),
      ...(pixels ? { '/pixels.wasm': readFileSync(pixels) } : {}),
      ...(pixelsMt ? { '/pixels-mt.wasm': readFileSync(pixelsMt) } : {}),
      '/favicon.ico': new Uint8Array(0),
    });
    profile = mkdtempSync(join(tmpdir(), 'vidwasm-chromium-threads-'));
    context = await launchChromium(profile);
    const page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    await page.goto(server.url, { timeout: 60_000 });
    await page.waitForFunction(() => (globalThis as { vidwasmThreadsLoaded?: boolean }).vidwasmThreadsLoaded === true, null, { timeout: 60_000 })
      .catch((e) => { throw new Error(`the page did not load vidwasm: ${pageErrors.join('; ') || e}`); });
    result = await page.evaluate(() => (globalThis as unknown as { vidwasmThreadsRun(): Promise<ThreadsPageResult> }).vidwasmThreadsRun());
  } catch (e) { setupError = e; }
});

test.after(async () => {
  await context?.close().catch(() => {});
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

function page(): ThreadsPageResult {
  if (setupError) throw setupError;
  return result!;
}

test('Chromium (cross-origin isolated): 2 threads start, split the kernels and stop', () => {
  const r = page();
  assert.equal(pageErrors, []);
  assert.is(r.available, true);
  assert.is(r.liveBefore, 0);
  assert.is(r.threads, 2);
  assert.ok(r.splitRuns >= cases.length, `only ${r.splitRuns} split kernel calls`);
  assert.is(r.threadsAfterStop, 1);
  assert.ok(server!.requests.includes('/vidwasm-mt.wasm'));
});

test('Chromium: 2 threads are bit-identical to 1 thread, case by case', () => {
  const r = page();
  r.diffs.forEach((d, i) => assert.is(d, null, `${cases[i].name}: ${d}`));
});

test('Chromium (1 thread) and Node compute the same bits', () => {
  const r = page();
  setMinWorkPerThread(TEST_MIN_WORK);
  const node = cases.map((c) => hashOutputs(c.run()));
  assert.equal(r.hashes, node);
});

test('pixel kernels follow the swap to shared memory (pixels-mt.wasm): the val chain gives the same bytes', () => {
  const r = page();
  assert.ok(pixelsPath(), 'pixels.wasm is built (make pixels)');
  assert.ok(pixelsPath('shared'), 'pixels-mt.wasm is built (make pixels-mt)');
  assert.ok(server!.requests.includes('/pixels-mt.wasm'), 'the isolated page fetched pixels-mt.wasm next to the bundle');
  assert.is(r.pixelsError, '');
  assert.ok(r.pixelsLength > 0);
  assert.is(r.pixelsSame, true);
});

test.run();
