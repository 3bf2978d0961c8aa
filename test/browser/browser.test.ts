// Headless Chromium (playwright-core driving Debian's /usr/bin/chromium): the page loads the
// browser entry from a cross-origin-isolated static server and runs the shared scenario; Node
// runs the same scenario here. The small 3D CNN's output must be bit-identical in Node, in
// Chromium (loader and WASI command under browser_wasi_shim) and in the jco-run WASI command.
// No Chromium -> the test fails (CI installs it with `make setup`); it never silently passes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import '../../ts/node.js';
import { wasmPath } from '../../ts/runtime/hosts/node.js';
import { pixelsPath } from '../../ts/data/pixels.js';
import { scenario, type ScenarioResult } from './scenario.js';
import { serve, type Served } from './server.js';
import { cnnPlanBytes, cnnInput } from '../hosts/cnn_fixture.js';
import { commandPath, jcoRun } from '../hosts/jco.js';
import { commandArgs, commandStdin } from '../../ts/runtime/hosts/wasi.js';
import { launchChromium, requireChromium } from './chromium.js';

const here = fileURLToPath(new URL('.', import.meta.url));

const planBytes = cnnPlanBytes();
const input = cnnInput();
const inputBytes = new Uint8Array(input.buffer);
const command = readFileSync(commandPath());

let context: BrowserContext | null = null;
let server: Served | null = null;
let profile = '';
let inBrowser: ScenarioResult;
let distResult: { simd: boolean; y: number[]; grad: number[] };
const pageErrors: string[] = [];

let setupError: unknown = null;
/** Every test calls this: uvu does not report a failing before-hook, so the cause is rethrown here. */
function ready(): void {
  if (setupError) throw setupError;
}

test.before(async () => {
  try {
    await setup();
  } catch (e) {
    setupError = e;
  }
});

async function setup(): Promise<void> {
  requireChromium();
  const bundle = await build({
    entryPoints: [join(here, 'page.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent',
    // like dist/browser.js: Node-only code paths (checkpoint files) import node: modules lazily
    external: ['node:*'],
  });
  // dist/browser.js exactly as `make build` bundles it, used by a plain page as a user would
  const dist = await build({
    entryPoints: [join(here, '../../ts/browser.ts')], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',
    external: ['node:*'],
  });
  server = await serve({
    '/dist/browser.js': dist.outputFiles[0].contents,
    '/dist/vidwasm.wasm': readFileSync(wasmPath()),
    '/dist/pixels.wasm': readFileSync(pixelsPath()!),
    '/dist/index.html': '<!doctype html><meta charset="utf-8"><script type="module">' +
      'import { Tensor, ops, features } from "./browser.js";' +
      'const x = Tensor.from(new Float32Array([-1, 2, -3, 4]), [2, 2], { requiresGrad: true });' +
      'const y = ops.relu(x).sum(); y.backward();' +
      'globalThis.distResult = { simd: features().simd, y: Array.from(y.toArray()), grad: Array.from(x.grad.toArray()) };' +
      '</script>',
    '/index.html': '<!doctype html><meta charset="utf-8"><title>vidwasm browser test</title><script type="module" src="/page.js"></script>',
    '/page.js': bundle.outputFiles[0].contents,
    '/vidwasm.wasm': readFileSync(wasmPath()),
    '/pixels.wasm': readFileSync(pixelsPath()!),
    '/vidwasm-cmd.wasm': command,
    '/plan.bin': planBytes,
    '/input.bin': inputBytes,
    '/favicon.ico': new Uint8Array(0),
  });
  profile = mkdtempSync(join(tmpdir(), 'vidwasm-chromium-'));
  context = await launchChromium(profile);
  const page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  await page.goto(server.url, { timeout: 60_000 });
  await page.waitForFunction(() => (globalThis as { vidwasmLoaded?: boolean }).vidwasmLoaded === true, null, { timeout: 60_000 })
    .catch((e) => { throw new Error(`the page did not load vidwasm: ${pageErrors.join('; ') || e}`); });
  inBrowser = await page.evaluate(() => (globalThis as unknown as { vidwasmRun(): Promise<ScenarioResult> }).vidwasmRun());
  await page.goto(`${server.url}/dist/`, { timeout: 60_000 });
  await page.waitForFunction(() => 'distResult' in globalThis, null, { timeout: 60_000 })
    .catch((e) => { throw new Error(`the page using dist/browser.js did not finish: ${pageErrors.join('; ') || e}`); });
  distResult = await page.evaluate(() => (globalThis as unknown as { distResult: typeof distResult }).distResult);
}

test.after(async () => {
  await context?.close().catch(() => {});
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

let nodeResult: ScenarioResult | null = null;
/** The same scenario in this Node process (computed once). */
const inNode = () => (nodeResult ??= scenario({ plan: planBytes, input: inputBytes, command }));

test('Chromium: the page is cross-origin isolated and the probes report SIMD', () => {
  ready();
  assert.equal(pageErrors, []);
  assert.is(inBrowser.features.simd, true);
  assert.is(inBrowser.features.crossOriginIsolated, true);
  assert.is(inBrowser.features.sharedMemory, true);
  assert.is(inBrowser.features.threads, true);
  assert.is(inBrowser.features.relaxedSimd, true, 'Chromium has shipped relaxed SIMD since 114');
  assert.ok(server!.requests.includes('/vidwasm.wasm'), 'the browser entry fetched vidwasm.wasm');
});

test('a plain page importing the dist/browser.js bundle computes and differentiates', () => {
  ready();
  assert.equal(distResult, { simd: true, y: [6], grad: [0, 1, 0, 1] });
  assert.ok(server!.requests.includes('/dist/vidwasm.wasm'), 'the bundle fetched vidwasm.wasm next to itself');
});

test('Chromium and Node load the same module and pick the same kernels', () => {
  ready();
  const node = inNode();
  assert.is(inBrowser.kernels, node.kernels);
  assert.is(inBrowser.backend, node.backend);
  assert.is(inBrowser.isa, node.isa, 'both hosts pick the same ISA variant (else bit-identity is not expected)');
});

test('a tensor op gives the same values in Chromium and Node', () => {
  ready();
  assert.equal(inBrowser.op, [5.5, 11, 16.5, 7, 12.5, 18]);
  assert.equal(inBrowser.op, inNode().op);
});

test('one conv3d autograd + SGD step: loss, gradients and updated weights are bit-identical', () => {
  ready();
  const node = inNode();
  assert.is(inBrowser.train.length, node.train.length);
  assert.ok(node.train.some((b) => b !== 0));
  const i = inBrowser.train.findIndex((b, k) => b !== node.train[k]);
  assert.is(i, -1, `first differing byte ${i}`);
});

test('the small 3D CNN: Node, Chromium, WASI command in Chromium and jco-run WASI command are bit-identical', () => {
  ready();
  const node = inNode();
  assert.is(node.cnn.length, 2 * 5 * 4); // [2, 5] logits
  assert.ok(node.cnn.some((b) => b !== 0));
  const diff = (a: number[], b: ArrayLike<number>) => a.findIndex((v, k) => v !== b[k]);
  assert.is(inBrowser.cnn.length, node.cnn.length);
  assert.is(diff(inBrowser.cnn, node.cnn), -1, 'Chromium (loader) vs Node');
  assert.is(diff(inBrowser.cnnCommand, node.cnn), -1, 'Chromium (WASI command under browser_wasi_shim) vs Node');
  assert.is(diff(node.cnnCommand, node.cnn), -1, 'Node (WASI command under browser_wasi_shim) vs Node');
  const r = jcoRun(commandArgs(), commandStdin(planBytes, input));
  assert.is(r.status, 0, `jco run failed: ${r.stderr}`);
  assert.is(r.stdout.length, node.cnn.length);
  assert.is(diff(node.cnn, r.stdout), -1, 'jco-run WASI command vs Node');
});

test.run();
