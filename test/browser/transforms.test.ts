// The transforms in a real browser (headless Chromium): the browser entry (ts/browser.ts, as
// dist/browser.js bundles it) fetches pixels.wasm next to itself, links it to the C module's
// memory, and the Kinetics val chain gives the same values as in Node, on SIMD and scalar kernels.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { Tensor, tidy } from '../../ts/node.js';
import { wasmPath } from '../../ts/runtime/hosts/node.js';
import { pixelsPath } from '../../ts/data/pixels.js';
import * as T from '../../ts/data/transforms/index.js';
import { serve, type Served } from './server.js';
import { launchChromium, requireChromium } from './chromium.js';

const entry = fileURLToPath(new URL('../../ts/browser.ts', import.meta.url));
const SHAPE = [3, 10, 24, 32];
const clipBytes = Uint8Array.from({ length: SHAPE.reduce((a, b) => a * b) }, (_, i) => (i * 37 + (i >> 5) * 11) & 255);
const OPTS = { numSamples: 4, minSize: 16, cropSize: 14 };

// The page: the browser entry plus a module script that runs the chain (under both backends).
const pageScript = `
import { init, Tensor, setBackend, data, transforms } from './browser.js';
await init();
const bytes = new Uint8Array(await (await fetch('./clip.bin')).arrayBuffer());
const out = {};
for (const b of ['simd', 'scalar']) {
  setBackend(b);
  const v = Tensor.from(bytes, ${JSON.stringify(SHAPE)}, { dtype: 'u8' });
  const y = transforms.createVideoTransform('val', ${JSON.stringify(OPTS)})(v);
  out[b] = { shape: [...y.shape], values: Array.from(y.toArray()) };
  y.dispose();
}
out.ready = data.pixelsReady();
globalThis.transformResult = out;
`;

let context: BrowserContext | null = null;
let server: Served | null = null;
let profile = '';
const pageErrors: string[] = [];
let result: { simd: { shape: number[]; values: number[] }; scalar: { shape: number[]; values: number[] }; ready: boolean } | null = null;
let setupError: unknown = null;

test.before(async () => {
  try {
    requireChromium();const bundle = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent', external: ['node:*'] });
    server = await serve({
      '/browser.js': bundle.outputFiles[0].contents,
      '/vidwasm.wasm': readFileSync(wasmPath()),
      '/pixels.wasm': readFileSync(pixelsPath()!),
      '/clip.bin': clipBytes,
      '/index.html': `<!doctype html><meta charset="utf-8"><script type="module">${pageScript}</script>`,
      '/favicon.ico': new Uint8Array(0),
    });
    profile = mkdtempSync(join(tmpdir(), 'vidwasm-chromium-'));
    context = await launchChromium(profile);
    const page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') pageErrors.push(m.text()); });
    await page.goto(server.url, { timeout: 60_000 });
    await page.waitForFunction(() => 'transformResult' in globalThis, null, { timeout: 60_000 })
      .catch((e) => { throw new Error(`the page did not finish: ${pageErrors.join('; ') || e}`); });
    result = await page.evaluate(() => (globalThis as unknown as { transformResult: typeof result }).transformResult);
  } catch (e) { setupError = e; }
});
test.after(async () => {
  await context?.close().catch(() => {});
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('Chromium: the browser entry loads pixels.wasm and the val chain equals Node, SIMD and scalar', () => {
  if (setupError) throw setupError;
  assert.equal(pageErrors, []);
  assert.ok(server!.requests.includes('/pixels.wasm'), 'the entry fetched pixels.wasm next to itself');
  assert.is(result!.ready, true);
  const node = tidy(() => Array.from(T.createVideoTransform('val', OPTS)(Tensor.from(clipBytes, SHAPE, { dtype: 'u8' })).toArray()));
  for (const b of ['simd', 'scalar'] as const) {
    assert.equal(result![b].shape, [3, 4, 14, 14]);
    assert.equal(result![b].values, node, `${b}: browser == node`);
  }
});

test.run();
