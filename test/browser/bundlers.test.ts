// vidwasm as a browser user gets it: a scratch project whose node_modules/vidwasm holds the
// package.json and a dist/ made as `make build` makes it (browser.js bundled for the browser with
// no --external: a node: import anywhere in the graph fails this test), and a page script with a
// user-style `import * as vw from 'vidwasm'` (user_app/main.js). esbuild and Vite each build it;
// the two apps are served under other paths than the package layout (the esbuild app with its
// .wasm files in a separate folder given as wasmPaths, the Vite app with the files Vite copied
// from `new URL('./x.wasm', import.meta.url)`). In Chromium, each page: an op before init()
// throws NotInitializedError; a wrong wasmPaths names the file, the URL and what to copy; then
// init() works and the op and a small X3D give Node's exact numbers; a video opened without
// configureBrowserDecoder fails within seconds, naming the setting; a decoder worker that never
// answers is given up at the configured timeout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import * as vwNode from '../../ts/node.js';
import { wasmPath } from '../../ts/runtime/hosts/node.js';
import { pixelsPath } from '../../ts/data/pixels.js';
import { launchChromium, requireChromium } from './chromium.js';
import { serve, type Served } from './server.js';
import { media } from '../helpers/media.js';
import { runModel } from './user_app/model.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'vidwasm-bundlers-'));
const project = join(work, 'project');
const pkg = join(project, 'node_modules', 'vidwasm');
const WASM_FILES = ['vidwasm.wasm', 'pixels.wasm'];

let server: Served | null = null;
let context: BrowserContext | null = null;
let setupError: unknown = null;
const pageErrors: string[] = [];

/** Every file under dir, as server paths under prefix. */
function tree(dir: string, prefix: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out[`${prefix}/${relative(dir, p)}`] = readFileSync(p);
    }
  };
  walk(dir);
  return out;
}

test.before(async () => {
  try {
    requireChromium();
    // the installed package: package.json + dist/ (browser.js as `make build` bundles it, the .wasm files)
    mkdirSync(join(pkg, 'dist'), { recursive: true });
    cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
    await esbuild({ entryPoints: [join(root, 'ts/browser.ts')], bundle: true, platform: 'browser', format: 'esm', outfile: join(pkg, 'dist/browser.js'),
      external: ['@ffmpeg/ffmpeg'], logLevel: 'silent' });
    // vidwasm's dependency, installed beside it
    mkdirSync(join(project, 'node_modules', '@ffmpeg'));
    symlinkSync(join(root, 'node_modules', '@ffmpeg', 'ffmpeg'), join(project, 'node_modules', '@ffmpeg', 'ffmpeg'));
    cpSync(wasmPath(), join(pkg, 'dist/vidwasm.wasm'));
    cpSync(pixelsPath()!, join(pkg, 'dist/pixels.wasm'));
    // the user's app
    const app = join(project, 'app');
    mkdirSync(app, { recursive: true });
    for (const f of ['main.js', 'model.js']) cpSync(join(root, 'test/browser/user_app', f), join(app, f));
    writeFileSync(join(app, 'index.html'), '<!doctype html><meta charset="utf-8"><title>user app</title><script type="module" src="./main.js"></script>');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));

    await esbuild({ entryPoints: [join(app, 'main.js')], bundle: true, platform: 'browser', format: 'esm', outfile: join(project, 'out-esbuild/main.js'), absWorkingDir: project, logLevel: 'silent' });
    cpSync(join(app, 'index.html'), join(project, 'out-esbuild/index.html'));

    const { build: vite } = await import('vite');
    await vite({ root: app, base: './', logLevel: 'silent', configFile: false, build: { outDir: join(project, 'out-vite'), emptyOutDir: true, target: 'es2022' } });

    const wasm = Object.fromEntries(WASM_FILES.map((f) => [`/static/vw-assets/${f}`, readFileSync(join(pkg, 'dist', f))]));
    server = await serve({
      ...tree(join(project, 'out-esbuild'), '/apps/esbuild'),
      ...tree(join(project, 'out-vite'), '/deep/path/vite-app'),
      ...wasm,
      '/apps/esbuild/clip.mp4': readFileSync(media('h264')),
      '/deep/path/vite-app/clip.mp4': readFileSync(media('h264')),
      // a decoder "worker" that never answers, and stand-ins for the core (served, so the HEAD check passes)
      '/apps/esbuild/silent/worker.js': 'self.onmessage = () => {};',
      '/apps/esbuild/silent/core.js': '',
      '/apps/esbuild/silent/core.wasm': new Uint8Array(8),
      '/favicon.ico': new Uint8Array(0),
    });
    context = await launchChromium(join(work, 'profile'));
  } catch (e) { setupError = e; }
});

test.after(async () => {
  await context?.close().catch(() => {});
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

async function open(path: string): Promise<Page> {
  if (setupError) throw setupError;
  const page = await context!.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${path}: ${e}`));
  await page.goto(server!.url + path);
  await page.waitForFunction(() => typeof (globalThis as { vidwasmRun?: unknown }).vidwasmRun === 'function', null, { timeout: 20_000 })
    .catch(() => { throw new Error(`${path} did not load: ${pageErrors.join('; ')}`); });
  return page;
}

interface PageError { notInitialized: boolean; vidwasm: boolean; code: string; reason?: string; message: string }
const call = <T>(page: Page, fn: string, arg?: unknown): Promise<T> =>
  page.evaluate(([f, a]) => (globalThis as unknown as Record<string, (x: unknown) => unknown>)[f as string](a), [fn, arg] as const) as Promise<T>;

const expected = runModel(vwNode);

for (const [label, path, good] of [
  ['esbuild', '/apps/esbuild/', '/static/vw-assets/'],
  ['Vite', '/deep/path/vite-app/', undefined],
] as const) {
  test(`${label}: a user page importing 'vidwasm' loads, names a wrong wasmPaths, runs an op and a small model like Node`, async () => {
    const page = await open(path);
    try {
      const before = await call<{ error: PageError | null }>(page, 'vidwasmBeforeInit');
      assert.ok(before.error?.notInitialized, 'a NotInitializedError');
      assert.is(before.error?.code, 'E_NOT_READY');
      assert.match(before.error!.message, 'await init()');

      const wrong = await call<{ error?: PageError }>(page, 'vidwasmInit', '/nowhere/');
      assert.ok(wrong.error?.vidwasm);
      assert.is(wrong.error?.code, 'E_LOAD');
      assert.match(wrong.error!.message, `vidwasm.wasm from ${server!.url}/nowhere/vidwasm.wasm (HTTP 404`);
      assert.match(wrong.error!.message, 'Copy node_modules/vidwasm/dist/vidwasm.wasm');
      assert.match(wrong.error!.message, 'wasmPaths');

      const ok = await call<{ ok?: boolean; error?: PageError }>(page, 'vidwasmInit', good);
      assert.equal(ok, { ok: true }, JSON.stringify(ok));
      const got = await call<ReturnType<typeof runModel>>(page, 'vidwasmRun');
      assert.equal(got.relu, expected.relu);
      assert.is(got.logits.length, 5);
      assert.equal(got.logits, expected.logits, 'the X3D logits equal Node\'s bit for bit');
      assert.equal(pageErrors, []);
    } finally { await page.close(); }
  });

  test(`${label}: a video opened without configureBrowserDecoder fails at once, naming the setting`, async () => {
    const page = await open(path);
    try {
      await call(page, 'vidwasmInit', good);
      const r = await call<{ error?: PageError; ms: number }>(page, 'vidwasmDecode', ['./clip.mp4']);
      assert.ok(r.error?.vidwasm, 'no decoder files are served, so decoding cannot succeed');
      assert.is(r.error!.code, 'E_VIDEO_DECODE');
      assert.match(r.error!.message, 'configureBrowserDecoder');
      assert.match(r.error!.message, `coreURL ${server!.url}${path}ffmpeg-core/ffmpeg-core.js (HTTP 404)`);
      assert.ok(r.ms < 5000, `failed after ${r.ms} ms`);
    } finally { await page.close(); }
  });
}

test('a decoder worker that never answers: the wait ends at configureBrowserDecoder({ timeoutMs }) with a timeout error', async () => {
  const page = await open('/apps/esbuild/');
  try {
    await call(page, 'vidwasmInit', '/static/vw-assets/');
    const config = { classWorkerURL: './silent/worker.js', coreURL: './silent/core.js', wasmURL: './silent/core.wasm', timeoutMs: 1500 };
    const r = await call<{ error?: PageError; ms: number }>(page, 'vidwasmDecode', ['./clip.mp4', config]);
    assert.is(r.error?.code, 'E_VIDEO_DECODE', JSON.stringify(r));
    assert.is(r.error?.reason, 'timeout', r.error?.message);
    assert.match(r.error!.message, 'did not finish within 1500 ms');
    assert.ok(r.ms >= 1400 && r.ms < 6000, `gave up after ${r.ms} ms`);
  } finally { await page.close(); }
});

test('the Vite build copied the .wasm files it needs next to its bundle', () => {
  if (setupError) throw setupError;
  const assets = readdirSync(join(project, 'out-vite', 'assets'));
  for (const f of ['vidwasm', 'pixels']) assert.ok(assets.some((a) => a.startsWith(f) && a.endsWith('.wasm')), `${f}*.wasm in ${assets.join(', ')}`);
});

test.run();
