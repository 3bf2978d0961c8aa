// Feature probes and load errors. Uses the WASI-shim entry (no automatic load) so the test
// controls the first load: a host without SIMD gets UnsupportedError, garbage bytes and foreign
// modules get a typed E_LOAD error, and after all that the real module still loads and works.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initFromModule, initFromModuleAsync, isReady, features, UnsupportedError, VidwasmError, Tensor, ops } from '../../ts/wasi.js';
import { probeFeatures } from '../../ts/runtime/features.js';
import { requireSimd } from '../../ts/runtime/wasm.js';
import { wasmPath } from '../../ts/runtime/hosts/node.js';

function throwsTyped(fn: () => unknown, cls: new (...a: never[]) => Error, re: RegExp, what: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, cls, `${what}: ${String(e)} is not a ${cls.name}`);
    assert.match(String((e as Error).message), re, what);
    return;
  }
  assert.unreachable(`${what}: did not throw`);
}

test('probes: this Node has SIMD; every probe answers a boolean', () => {
  const f = probeFeatures();
  assert.is(f.simd, true);
  for (const k of ['simd', 'relaxedSimd', 'threads', 'sharedMemory'] as const) assert.type(f[k], 'boolean', k);
  // Node 20's V8 validates shared memories (threads) without flags
  assert.is(f.threads, true);
});

test('the relaxed-SIMD probe flips with the engine: off in Node 20 by default, on with V8\'s flag', () => {
  const script = `import { probeFeatures } from ${JSON.stringify(fileURLToPath(new URL('../../ts/runtime/features.ts', import.meta.url)))};` +
    'console.log(JSON.stringify(probeFeatures()));';
  const probe = (flags: string[]) => {
    const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { relaxedSimd: boolean; simd: boolean };
  };
  const on = probe(['--experimental-wasm-relaxed-simd']);
  assert.is(on.relaxedSimd, true);
  assert.is(on.simd, true);
  assert.is(probe([]).relaxedSimd, probeFeatures().relaxedSimd);
});

test('the SIMD probe really needs SIMD: a validator that rejects SIMD makes simd false', () => {
  const real = WebAssembly.validate;
  // pretend to be an engine without SIMD: reject any module containing the 0xfd prefix opcode
  (WebAssembly as { validate: typeof real }).validate = (b: BufferSource) =>
    !new Uint8Array(b instanceof ArrayBuffer ? b : (b as Uint8Array).buffer).includes(0xfd) && real(b);
  try {
    const f = probeFeatures();
    assert.is(f.simd, false);
    assert.is(f.relaxedSimd, false);
    assert.is(f.threads, true);
  } finally {
    (WebAssembly as { validate: typeof real }).validate = real;
  }
});

test('without SIMD the user gets UnsupportedError with a clear message', () => {
  throwsTyped(() => requireSimd({ simd: false, relaxedSimd: false, threads: false, sharedMemory: false }),
    UnsupportedError, /needs WebAssembly SIMD \(Chrome\/Edge 91\+, Firefox 89\+, Safari 16\.4\+, Node 16\.4\+\)/, 'requireSimd');
  const real = WebAssembly.validate;
  (WebAssembly as { validate: typeof real }).validate = () => false; // an engine that validates nothing new
  try {
    throwsTyped(() => initFromModule(readFileSync(wasmPath())), UnsupportedError, /needs WebAssembly SIMD/, 'initFromModule');
  } finally {
    (WebAssembly as { validate: typeof real }).validate = real;
  }
  assert.not.ok(isReady());
});

test('the async loader reports missing SIMD the same way', async () => {
  const real = WebAssembly.validate;
  (WebAssembly as { validate: typeof real }).validate = () => false;
  try {
    await initFromModuleAsync(readFileSync(wasmPath()));
    assert.unreachable('should reject');
  } catch (e) {
    assert.instance(e, UnsupportedError);
  } finally {
    (WebAssembly as { validate: typeof real }).validate = real;
  }
});

test('garbage bytes and foreign modules give a typed E_LOAD error', async () => {
  const garbage = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99, 99, 99]);
  throwsTyped(() => initFromModule(garbage), VidwasmError, /could not be loaded .*corrupt or is not vidwasm's kernel module/, 'garbage');
  throwsTyped(() => initFromModule(new TextEncoder().encode('<html>404</html>')), VidwasmError, /could not be loaded/, 'html');
  // a valid module that is not vidwasm (no exports)
  throwsTyped(() => initFromModule(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])), VidwasmError, /missing exports memory, malloc, free, _initialize/, 'empty module');
  try {
    await initFromModuleAsync(garbage);
    assert.unreachable('should reject');
  } catch (e) {
    assert.instance(e, VidwasmError);
    assert.is((e as VidwasmError).code, 'E_LOAD');
  }
  assert.not.ok(isReady());
});

test('after the failures the real module loads and computes', () => {
  initFromModule(readFileSync(wasmPath()));
  assert.ok(isReady());
  assert.is(features().simd, true);
  const y = ops.relu(Tensor.from(new Float32Array([-1, 2, -3, 4]), [4]));
  assert.equal([...y.toArray()], [0, 2, 0, 4]);
});

test.run();
