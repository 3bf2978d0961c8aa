// The engine matrix: the same vidwasm.wasm must give the same bits in every engine a page may
// run on. One COOP/COEP server; one page per engine (Chromium, Firefox ESR, WebKitGTK: engines.ts)
// runs the shared scenario (scenario.ts) at 1 thread, switches to 2 threads and runs it again;
// every output's SHA-256 must equal Node's. WebKitGTK runs twice: with JSC_useSharedArrayBuffer=true
// (threads work) and with the engine's defaults, where it hides SharedArrayBuffer on an isolated
// page, so features().threads is false and setNumThreads(2) must name that cause. Each page then
// loads a plain page importing the dist/browser.js bundle as a user would. The compiled plan's
// output (an efficient X3D-XS built by acc.compile, plan_fixture.ts) is also checked against the
// WASI command run by jco. A missing browser fails its engine's
// tests (CI installs them with `make setup`); nothing silently passes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import '../../ts/node.js';
import { wasmPath } from '../../ts/runtime/hosts/node.js';
import { pixelsPath } from '../../ts/data/pixels.js';
import { digest, scenario, type ScenarioResult } from './scenario.js';
import { serve, type Served } from './server.js';
import { x3dPlan, planInput } from '../hosts/plan_fixture.js';
import { commandPath, jcoRun } from '../hosts/jco.js';
import { commandArgs, commandStdin } from '../../ts/runtime/hosts/wasi.js';
import { ENGINE_LABEL, openEngine, PAGE_ERRORS_SCRIPT, type EngineName } from './engines.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const mtPath = process.env.VIDWASM_WASM_MT ?? join(dirname(wasmPath()), 'vidwasm-mt.wasm');
const ENGINES: EngineName[] = ['chromium', 'firefox', 'webkit', 'webkit-no-sab'];

let planBytes: Uint8Array;
const input = planInput();
const inputBytes = new Uint8Array(input.buffer);
const command = readFileSync(commandPath());

interface DistResult { simd: boolean; y: number[]; grad: number[] }
interface EngineRun {
  one: ScenarioResult<string>;
  /** the 2-thread run, or setNumThreads(2)'s error */
  two: ScenarioResult<string> | { error: string };
  dist: DistResult;
  seconds: number;
}
const runs = new Map<EngineName, EngineRun | { failed: unknown }>();
let server: Served | null = null;
let setupError: unknown = null;
let node: ScenarioResult;
let nodeHashes: ScenarioResult<string>;

async function runEngine(name: EngineName): Promise<EngineRun> {
  const t0 = Date.now();
  const page = await openEngine(name, server!.url);
  try {
    const one = await page.call<ScenarioResult<string>>('vidwasmRun');
    const switched = await page.call<{ threads?: number; error?: string }>('vidwasmSetThreads', 2);
    const two = switched.error !== undefined ? { error: switched.error } : await page.call<ScenarioResult<string>>('vidwasmRun');
    await page.goto(`${server!.url}/dist/`);
    const dist = await page.call<DistResult>('vidwasmDist');
    return { one, two, dist, seconds: (Date.now() - t0) / 1000 };
  } finally { await page.close(); }
}

test.before(async () => {
  try {
    const t0 = Date.now();
    const plan = await x3dPlan();
    planBytes = plan.save();
    plan.dispose();
    const bundle = await build({
      entryPoints: [join(here, 'page.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent',
      // like dist/browser.js: Node-only code paths (checkpoint files) import node: modules lazily
      external: ['node:*'],
    });
    // dist/browser.js exactly as `make build` bundles it, used by a plain page as a user would
    const dist = await build({
      entryPoints: [join(here, '../../ts/browser.ts')], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',

    });
    const page = (script: string) => `<!doctype html><meta charset="utf-8"><title>vidwasm browser test</title>${PAGE_ERRORS_SCRIPT}${script}`;
    server = await serve({
      '/dist/browser.js': dist.outputFiles[0].contents,
      '/dist/vidwasm.wasm': readFileSync(wasmPath()),
      '/dist/pixels.wasm': readFileSync(pixelsPath()!),
      '/dist/index.html': page('<script type="module">' +
        'import { init, Tensor, ops, features } from "./browser.js"; await init();' +
        'const x = Tensor.from(new Float32Array([-1, 2, -3, 4]), [2, 2], { requiresGrad: true });' +
        'const y = ops.relu(x).sum(); y.backward();' +
        'const r = { simd: features().simd, y: Array.from(y.toArray()), grad: Array.from(x.grad.toArray()) };' +
        'globalThis.vidwasmDist = () => r;</script>'),
      '/index.html': page('<script type="module" src="/page.js"></script>'),
      '/page.js': bundle.outputFiles[0].contents,
      '/vidwasm.wasm': readFileSync(wasmPath()),
      '/vidwasm-mt.wasm': readFileSync(mtPath),
      '/pixels.wasm': readFileSync(pixelsPath()!),
      '/pixels-mt.wasm': readFileSync(pixelsPath('shared')!),
      '/vidwasm-cmd.wasm': command,
      '/plan.bin': planBytes,
      '/input.bin': inputBytes,
      '/favicon.ico': new Uint8Array(0),
    });
    node = scenario({ plan: planBytes, input: inputBytes, command });
    nodeHashes = await digest(node);
    // All engines at once: their start-up is mostly waiting, and the scenario is short.
    await Promise.all(ENGINES.map(async (name) => {
      runs.set(name, await runEngine(name).catch((failed: unknown) => ({ failed })));
    }));
    const table = ENGINES.map((n) => {
      const r = runs.get(n)!;
      if ('failed' in r) return `${n}: failed`;
      return `${n}: ${r.seconds.toFixed(1)} s, relaxed SIMD ${r.one.features.relaxedSimd}, ${'error' in r.two ? 'no threads' : `${r.two.splitRuns} split calls at 2 threads`}`;
    });
    console.log(`engine matrix ${((Date.now() - t0) / 1000).toFixed(1)} s (${table.join(', ')}); Node's hashes: ${JSON.stringify(nodeHashes.outputs)}`);
  } catch (e) { setupError = e; }
});

test.after(async () => { await server?.close(); });

/** The engine's run; rethrows its failure (uvu does not report a failing before-hook). */
function run(name: EngineName): EngineRun {
  if (setupError) throw setupError;
  const r = runs.get(name)!;
  if ('failed' in r) throw r.failed;
  return r;
}

function sameAsNode(r: ScenarioResult<string>, what: string): void {
  assert.is(r.kernels, node.kernels, `${what}: kernel count`);
  assert.is(r.backend, node.backend, `${what}: backend`);
  assert.is(r.isa, node.isa, `${what}: both hosts pick the same ISA variant (else bit-identity is not expected)`);
  assert.equal(r.op, node.op, `${what}: tensor op`);
  for (const [k, h] of Object.entries(nodeHashes.outputs)) assert.is(r.outputs[k as keyof typeof r.outputs], h, `${what}: ${k} differs from Node's`);
}

test('Node: the reference outputs are real, and the WASI command (browser_wasi_shim and jco) matches the loader', () => {
  if (setupError) throw setupError;
  assert.equal(node.op, [5.5, 11, 16.5, 7, 12.5, 18]);
  for (const [k, b] of Object.entries(node.outputs)) assert.ok(b.some((v: number) => v !== 0), `${k} is not all zeros`);
  assert.is(node.outputs.plan.length, 10 * 4); // [1, 10] logits
  assert.is(node.outputs.model.length, 5 * 4);
  assert.equal(node.outputs.planCommand, node.outputs.plan, 'WASI command under browser_wasi_shim vs the loader');
  const r = jcoRun(commandArgs(), commandStdin(planBytes, input));
  assert.is(r.status, 0, `jco run failed: ${r.stderr}`);
  assert.equal(new Uint8Array(r.stdout), node.outputs.plan, 'jco-run WASI command vs the loader');
});

for (const name of ENGINES) {
  const label = ENGINE_LABEL[name];
  const threads = name !== 'webkit-no-sab';

  test(`${label}: cross-origin isolated page with SIMD; features().threads is ${threads}`, () => {
    const { one } = run(name);
    assert.is(one.features.crossOriginIsolated, true);
    assert.is(one.features.simd, true);
    assert.is(one.features.sharedMemory, threads);
    assert.is(one.features.threads, threads);
    if (name === 'chromium') assert.is(one.features.relaxedSimd, true, 'Chromium has shipped relaxed SIMD since 114');
    assert.ok(server!.requests.includes('/vidwasm.wasm'), 'the browser entry fetched vidwasm.wasm');
  });

  test(`${label}: at 1 thread every output is bit-identical to Node's`, () => {
    const { one } = run(name);
    assert.is(one.threads, 1);
    sameAsNode(one, `${label}, 1 thread`);
  });

  if (threads) {
    test(`${label}: at 2 threads the kernels split and every output is bit-identical to Node's`, () => {
      const { two } = run(name);
      if ('error' in two) throw new Error(`setNumThreads(2) failed: ${two.error}`);
      assert.is(two.threads, 2);
      assert.ok(two.splitRuns > 10, `only ${two.splitRuns} kernel calls ran split`);
      sameAsNode(two, `${label}, 2 threads`);
      assert.ok(server!.requests.includes('/vidwasm-mt.wasm') && server!.requests.includes('/pixels-mt.wasm'));
    });
  } else {
    test(`${label}: setNumThreads(2) names the real cause (isolated page, engine without SharedArrayBuffer)`, () => {
      const { two } = run(name);
      assert.ok('error' in two, 'setNumThreads(2) should have failed');
      assert.match(two.error, /^E_UNSUPPORTED: setNumThreads\(2\): threads are unavailable: the page is cross-origin isolated, but this engine exposes no SharedArrayBuffer/);
      assert.match(two.error, /JSC_useSharedArrayBuffer=true/);
      assert.not.match(two.error, /not cross-origin isolated/);
    });
  }

  test(`${label}: a plain page importing the dist/browser.js bundle computes and differentiates`, () => {
    assert.equal(run(name).dist, { simd: true, y: [6], grad: [0, 1, 0, 1] });
    assert.ok(server!.requests.includes('/dist/vidwasm.wasm'), 'the bundle fetched vidwasm.wasm next to itself');
  });
}

test.run();
