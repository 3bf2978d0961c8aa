// WASI host: the same compiled plan (an efficient X3D-XS, plan_fixture.ts) run (1) through the
// loader after initWasi (the reactor vidwasm.wasm loaded from a browser_wasi_shim directory),
// (2) by the real WASI command vidwasm-cmd.wasm wrapped by `jco new --wasi-command` and run by
// `jco run`, and (3) by that command under browser_wasi_shim. All outputs must be bit-identical,
// for a plan captured on the SIMD kernels and for one captured on their scalar twins.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { PreopenDirectory, Directory, File } from '@bjorn3/browser_wasi_shim';
import { initWasi, readShimFile, VidwasmError, commandArgs, runPlanCommand, runWasiCommand, commandStdin, isReady, kernelNames, setBackend, type Plan } from '../../ts/wasi.js';
import { wasmPath } from '../../ts/runtime/hosts/node.js';
import { x3dPlan, planInput } from './plan_fixture.js';
import { commandPath, jcoRun } from './jco.js';

const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const plans = new Map<string, Plan>();
/** The fixture plan captured on the given backend (compiled once). */
async function planFor(backend: 'simd' | 'scalar'): Promise<Plan> {
  if (!plans.has(backend)) {
    setBackend(backend);
    try { plans.set(backend, await x3dPlan()); } finally { setBackend('simd'); }
  }
  return plans.get(backend)!;
}
function assertBitIdentical(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.is(actual.byteLength, expected.byteLength, `${what}: ${actual.byteLength} bytes, expected ${expected.byteLength}`);
  const i = actual.findIndex((b, k) => b !== expected[k]);
  assert.ok(i < 0, `${what}: first differing byte at ${i} (float ${i >> 2})`);
}

const input = planInput();

test('the reactor loads under browser_wasi_shim from a shim directory', () => {
  assert.not.ok(isReady());
  const wasi = initWasi('/lib/vidwasm.wasm', { files: { 'lib/vidwasm.wasm': readFileSync(wasmPath()) }, args: ['app', '--x'] });
  assert.ok(isReady());
  assert.equal(wasi.args, ['app', '--x']);
  assert.ok(kernelNames().includes('vw_f32_conv3d'));
});

test('a missing file in the shim directory is a typed error naming the path', () => {
  const dir = new PreopenDirectory('/', new Map([['a', new File(new Uint8Array(4))]]));
  assert.is(readShimFile(dir, '/a').byteLength, 4);
  try {
    readShimFile(dir, '/lib/nope.wasm');
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, VidwasmError);
    assert.match(String(e), /no file \/lib\/nope.wasm/);
  }
});

for (const backend of ['simd', 'scalar'] as const) {
  test(`efficient X3D-XS plan: loader vs jco-run WASI command vs command under the shim are bit-identical (${backend})`, async () => {
    const plan = await planFor(backend);
    const node = new Float32Array(plan.runBytes(input).buffer);
    assert.ok(node.some((v) => v !== 0) && node.every(Number.isFinite), 'the output is non-trivial');
    const r = jcoRun([], commandStdin(plan, input));
    assert.is(r.status, 0, `jco run failed: ${r.stderr}`);
    assertBitIdentical(r.stdout, bytesOf(node), `jco-run WASI command (${backend})`);
    const shim = runPlanCommand(readFileSync(commandPath()), plan, input);
    assertBitIdentical(shim, bytesOf(node), `WASI command under browser_wasi_shim (${backend})`);
  });
}

test('the command also reads the plan and input from files and writes -o files (shim preopens)', async () => {
  const plan = await planFor('simd');
  const node = plan.runBytes(input);
  const dir = new PreopenDirectory('/', new Map([['data', new Directory(new Map([
    ['plan.bin', new File(plan.save())], ['input.bin', new File(bytesOf(input).slice())]]))]]));
  const cmd = readFileSync(commandPath());
  const r = runWasiCommand(cmd, { args: [...commandArgs(), '/data/plan.bin', 'data/input.bin', '-o', '/data/out.f32'], dir });
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout.byteLength, 0);
  assertBitIdentical(readShimFile(dir, '/data/out.f32'), node, 'the -o file');
  // a plan file with its input on stdin
  const s = runWasiCommand(cmd, { args: [...commandArgs(), '/data/plan.bin'], dir, stdin: bytesOf(input).slice() });
  assertBitIdentical(s.stdout, node, 'plan file + stdin input');
  const missing = runWasiCommand(cmd, { args: ['/data/nope.bin'], dir });
  assert.ok(missing.exitCode !== 0);
  assert.match(missing.stderr, /cannot open: \/data\/nope\.bin/);
  const outside = runWasiCommand(cmd, { args: ['/data/plan.bin'], files: {} });
  assert.ok(outside.exitCode !== 0);
});

test('a different input gives a different output (the comparison can fail)', async () => {
  const plan = await planFor('simd');
  const a = plan.runBytes(input), b = plan.runBytes(planInput(8));
  assert.ok(a.some((v, i) => v !== b[i]));
});

test('the command rejects bad plans and bad arguments with a message and a non-zero exit', async () => {
  const cmd = readFileSync(commandPath());
  const garbage = runWasiCommand(cmd, { stdin: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) });
  assert.ok(garbage.exitCode !== 0);
  assert.match(garbage.stderr, /magic VWPL/);
  const plan = (await planFor('simd')).save();
  const short = runWasiCommand(cmd, { stdin: commandStdin(plan, input.subarray(0, 10)) });
  assert.ok(short.exitCode !== 0);
  assert.match(short.stderr, /the input ends before the plan's input tensors/);
  // corrupt plans: byte flips and truncations give a message and exit 2, never a trap
  let seed = 3;
  const rnd = (n: number) => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed % n; };
  const cases: Uint8Array[] = [plan.slice(0, 19), plan.slice(0, plan.length >> 1), plan.slice(0, plan.length - 4)];
  for (let i = 0; i < 8; i++) { const b = plan.slice(); b[16 + rnd(plan.length - 20)] ^= 1 + rnd(255); cases.push(b); }
  for (const c of cases) {
    const r = runWasiCommand(cmd, { stdin: commandStdin(c, input) });
    assert.is(r.exitCode, 2, r.stderr);
    assert.match(r.stderr, /^vidwasm-cmd: (truncated plan|plan checksum mismatch|plan does not end|the input does not start)/);
  }
  const bad = runWasiCommand(cmd, { args: ['--frobnicate'], stdin: plan });
  assert.ok(bad.exitCode !== 0);
  assert.match(bad.stderr, /unknown argument: --frobnicate/);
  const gpu = runWasiCommand(cmd, { args: ['--backend', 'gpu'], stdin: plan });
  assert.ok(gpu.exitCode !== 0);
  assert.match(gpu.stderr, /--backend must be simd or scalar/);
});

test.run();
