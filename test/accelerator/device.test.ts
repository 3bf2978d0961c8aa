// Device profile and per-call kernel choice (ts/accelerator/device), with relaxed SIMD on and off:
// Node 20 validates relaxed SIMD only under --experimental-wasm-relaxed-simd, so the same child
// (device_child.ts) runs with and without the flag, as two hosts. Checked:
//  - without the flag, relaxed is neither loaded nor a candidate; with it, the relaxed f32 kernels
//    are timed candidates, the choice is the fastest measured, and the profile keys differ;
//  - every chosen variant's output is within the manifest tolerance of the scalar twin (relaxed
//    FMA rounds once per step, not twice: rel 1e-5 holds at these sizes, see kernels.def);
//  - the second pass takes every choice from the cache (no timing), and a saved cache makes a new
//    process time nothing; a fixed table exported by the no-relaxed host gives, on the relaxed
//    host, the very same output bits (a fixed choice is reproducible across hosts);
//  - the relaxed conformance run of the manifest test (relaxed vs scalar twin over its inputs).
// In-process: the cache's JSON round trip and typed errors, the budget, fixed-choice errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import '../../ts/node.js';
import {
  chooseKernelDetailed, KernelChoiceCache, TimeBudget, deviceProfile, sampleGemm, callSignature,
} from '../../ts/accelerator/device/index.js';
import { VidwasmError } from '../../ts/runtime/errors.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vidwasm-device-'));
const RELAXED = '--experimental-wasm-relaxed-simd';

interface Row { kernel: string; candidates: string[]; variant: string; source: string; ms: Record<string, number>; tol: number; err: number; hash: string }
interface Child { key: string; relaxedSimd: boolean; relaxedKernels: boolean; loadedEntries: number; passes: { rows: Row[]; timedCalls: number }[];
  exported: Record<string, string>; relaxedBound: string; defaultBound: string }

// The relaxed module imports a plain memory: the children run the single-thread module
// (Node otherwise starts on the shared-memory one, where the relaxed kernels are not loaded).
function child(flags: string[], args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', ...args],
    { cwd: root, env: { ...process.env, VIDWASM_SHARED_MEMORY: '0', ...env }, encoding: 'utf8', timeout: 240_000 });
  assert.is(r.status, 0, `child ${[...flags, ...args].join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
const choose = (flags: string[], cache: string, fixed?: string): Child =>
  JSON.parse(child(flags, ['test/accelerator/device_child.ts', cache, ...(fixed ? [fixed] : [])]).trim().split('\n').pop()!);

const plain = choose([], join(dir, 'plain.json'));
const relaxed = choose([RELAXED], join(dir, 'relaxed.json'));

test('without relaxed SIMD nothing relaxed is loaded or timed; with it the f32 kernels time a relaxed candidate', () => {
  assert.is(plain.relaxedSimd, false);
  assert.is(plain.relaxedKernels, false);
  assert.is(relaxed.relaxedKernels, true, 'wasm/vidwasm-relaxed.wasm (make wasm-relaxed) loads under the flag');
  assert.is.not(plain.key, relaxed.key);
  for (const r of plain.passes[0].rows) assert.not.ok(r.candidates.includes('relaxed') || r.variant === 'relaxed', r.kernel);
  for (const r of relaxed.passes[0].rows.filter((x) => x.kernel.startsWith('f32'))) {
    assert.ok(r.candidates.includes('relaxed'), r.kernel);
    assert.is(r.source, 'timed');
    const fastest = Object.entries(r.ms).sort((a, b) => a[1] - b[1])[0][0];
    assert.is(r.variant, fastest, `${r.kernel}: the choice is the fastest measured (${JSON.stringify(r.ms)})`);
  }
  // ops follow setRelaxedPolicy: plain kernels by default, relaxed when asked and loaded
  assert.is(relaxed.defaultBound, 'x86');
  assert.is(relaxed.relaxedBound, 'relaxed');
  assert.is(plain.relaxedBound, 'x86');
});

test('every chosen variant stays within the tolerance of the scalar twin (bitwise for int8)', () => {
  for (const c of [plain, relaxed]) {
    for (const r of c.passes[0].rows) assert.ok(r.err <= r.tol, `${c.key} ${r.kernel} ${r.variant}: error ${r.err} > ${r.tol}`);
  }
});

test('the second time, every choice comes from the cache: nothing is timed again', () => {
  for (const c of [plain, relaxed]) {
    const [first, second] = c.passes;
    assert.ok(first.timedCalls > 0);
    assert.is(second.timedCalls, first.timedCalls);
    for (const [i, r] of second.rows.entries()) {
      assert.ok(r.source === 'cache' || (r.source === 'default' && first.rows[i].source === 'default'), `${r.kernel}: ${r.source}`);
      assert.is(r.variant, first.rows[i].variant);
    }
  }
});

test('a saved cache serves a new process: it times nothing', () => {
  const again = choose([RELAXED], join(dir, 'relaxed.json'));
  assert.ok(again.loadedEntries >= 2);
  assert.is(again.passes[1].timedCalls, 0);
  for (const r of again.passes[0].rows) assert.ok(r.source !== 'timed', r.kernel);
});

test('a fixed table from one host gives the same output bits on another', () => {
  const fixed = join(dir, 'fixed.json');
  writeFileSync(fixed, JSON.stringify(plain.exported));
  const onRelaxedHost = choose([RELAXED], join(dir, 'other.json'), fixed);
  for (const [i, r] of onRelaxedHost.passes[0].rows.entries()) {
    if (r.kernel.startsWith('f32')) assert.is(r.source, 'fixed');
    assert.is(r.hash, plain.passes[0].rows[i].hash, `${r.kernel}: ${r.variant} on the relaxed host`);
  }
});

test('relaxed kernels vs their scalar twins over the manifest test inputs (under the flag)', () => {
  const out = child([RELAXED], ['test/ops/manifest.test.ts'], { VIDWASM_TEST_RELAXED_ONLY: '1' });
  const total = Number(out.match(/Total:\s+(\d+)/)?.[1]), passed = Number(out.match(/Passed:\s+(\d+)/)?.[1]);
  // 3 manifest checks + 'relaxed kernels loaded' + one test per kernel with a relaxed variant
  assert.ok(total >= 9 && passed === total, out);
});

test('vidwasm info prints the profile and the variant it would pick per representative layer', () => {
  const out = child([RELAXED], ['ts/cli/main.ts', 'info']);
  assert.match(out, /profile key\s+V8 [\d.]+\|(x86|arm)\|simd\+relaxed/);
  assert.match(out, /f32 GEMM 1600x48x108\s+-> (x86|arm|relaxed) \(timed: x86 [\d.]+ ms, arm [\d.]+ ms, relaxed [\d.]+ ms\)/);
  assert.match(out, /f32 conv3d .* -> (x86|arm|relaxed) \(timed: /);
  const json = JSON.parse(child([], ['ts/cli/main.ts', 'info', '--json']));
  assert.is(json.relaxedKernels, false);
  assert.equal(json.choices.map((c: { kernel: string }) => c.kernel), ['f32_gemm', 'f32_conv3d', 'qs8_gemm']);
});

test('the cache round-trips through JSON; malformed input is a typed error', () => {
  const c = new KernelChoiceCache();
  c.set('k', 'f32_gemm(1)', { variant: 'relaxed', ms: { relaxed: 1, x86: 2 } });
  const back = KernelChoiceCache.fromJSON(JSON.stringify(c.toJSON()));
  assert.equal(back.get('k', 'f32_gemm(1)'), { variant: 'relaxed', ms: { relaxed: 1, x86: 2 }, source: 'cache' });
  assert.equal(back.exportChoices('k'), { 'f32_gemm(1)': 'relaxed' });
  for (const bad of ['{', '{"version":2,"profiles":{}}', '{"version":1,"profiles":{"k":{"s":{"variant":"fast"}}}}', 'null']) {
    try { KernelChoiceCache.fromJSON(bad); assert.unreachable(bad); } catch (e) {
      assert.instance(e, VidwasmError);
      assert.is((e as VidwasmError).code, 'E_FORMAT');
    }
  }
});

test('a spent budget gives the default variant untimed; a fixed variant the host lacks is an error', () => {
  const s = sampleGemm(64, 16, 32);
  try {
    const cache = new KernelChoiceCache();
    const c = chooseKernelDetailed(s.call, deviceProfile(), { cache, budget: new TimeBudget(0) });
    assert.is(c.source, 'default');
    assert.is(cache.timedCalls, 0);
    const budget = new TimeBudget(60_000);
    assert.is(chooseKernelDetailed(s.call, deviceProfile(), { cache, budget, budgetMs: 20 }).source, 'timed');
    assert.ok(budget.remainingMs < 60_000);
    assert.throws(() => chooseKernelDetailed(s.call, deviceProfile(), { fixed: { [callSignature(s.call)]: 'relaxed' } }),
      (e: unknown) => e instanceof VidwasmError && e.code === 'E_UNSUPPORTED' && /relaxed/.test(e.message));
    assert.throws(() => callSignature({ ...s.call, args: [1] }), /takes 11 arguments/);
  } finally { s.dispose(); }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
