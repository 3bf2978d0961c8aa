// The `vidwasm` command and the bundles `make build` produces: the CLI bundled exactly as
// dist/cli.js (plain `node cli.js`, vidwasm.wasm found next to it) and once from source (as
// `make demo` runs it), a plain script importing the Node bundle, and clear errors with
// non-zero exits on bad arguments.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { wasmPath } from '../../ts/runtime/hosts/node.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// inside the package, so the bundles' external imports (fflate, ...) resolve from node_modules
mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
const dist = mkdtempSync(join(root, 'node_modules', '.cache', 'vidwasm-dist-'));
const env = { ...process.env };
delete env.VIDWASM_WASM; // the bundles must find vidwasm.wasm next to themselves
const run = (script: string, args: string[], extraEnv: Record<string, string> = {}) =>
  spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8', env: { ...env, ...extraEnv } });
const cli = (...args: string[]) => run(join(dist, 'cli.js'), args);

test.before(async () => {
  // the same esbuild options as the Makefile's build target
  await build({ entryPoints: [join(root, 'ts/node.ts')], bundle: true, platform: 'node', format: 'esm', outfile: join(dist, 'node.js'), packages: 'external', logLevel: 'silent' });
  await build({ entryPoints: [join(root, 'ts/cli/main.ts')], bundle: true, platform: 'node', format: 'esm', outfile: join(dist, 'cli.js'), packages: 'external', logLevel: 'silent', banner: { js: '#!/usr/bin/env node' } });
  copyFileSync(wasmPath(), join(dist, 'vidwasm.wasm'));
});
test.after(() => rmSync(dist, { recursive: true, force: true }));

test('info --json reports the device profile', () => {
  const r = cli('info', '--json');
  assert.is(r.status, 0, r.stderr);
  const p = JSON.parse(r.stdout);
  assert.is(p.simd, true);
  for (const k of ['relaxedSimd', 'threads', 'sharedMemory']) assert.type(p[k], 'boolean', k);
  assert.ok(['x86', 'arm'].includes(p.isa));
  assert.is(p.backend, 'simd');
  assert.ok(p.kernels.total > 20 && p.kernels.scalarTwins > 10, JSON.stringify(p.kernels));
  assert.match(p.wasmMemoryMax, /4\.00 GiB/);
  // the same file (node_modules may be a symlink, as in a git worktree, so compare real paths)
  assert.is(realpathSync(p.module), realpathSync(join(dist, 'vidwasm.wasm')));
});

test('info prints a readable table; --scalar switches the backend', () => {
  const r = cli('info', '--scalar');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /wasm SIMD\s+yes/);
  assert.match(r.stdout, /backend\s+scalar/);
  assert.match(r.stdout, /kernels\s+\d+ exported/);
});

test('demo --help, run from source like `make demo`, describes the demo (the demo itself: test/cli/demo.test.ts)', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'ts/cli/main.ts'), 'demo', '--help'],
    { cwd: root, encoding: 'utf8', env: { ...env, VIDWASM_WASM: wasmPath() } });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /usage: vidwasm demo/);
  assert.match(r.stdout, /held-out top-1: NN\.N%/);
});

test('help, version, and bad arguments (exit 2, a message, a pointer to --help)', () => {
  const h = cli('--help');
  assert.is(h.status, 0);
  assert.match(h.stdout, /usage: vidwasm <command>/);
  assert.match(cli('--version').stdout, /^\d+\.\d+\.\d+/);
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['demo', '--epochs', '0'], /--epochs needs an integer >= 1, got '0'/],
    [['demo', '--epochs'], /--epochs needs a value/],
    [['demo', '--steps', '3'], /demo: unknown option --steps/],
    [['info', 'extra'], /info: unexpected argument extra/],
  ];
  for (const [args, re] of cases) {
    const r = cli(...args);
    assert.is(r.status, 2, `${args.join(' ')} should exit 2`);
    assert.match(r.stderr, re);
    assert.match(r.stderr, /vidwasm --help/);
  }
});

test('a missing kernel module is a clear error, exit 1', () => {
  const r = run(join(dist, 'cli.js'), ['info'], { VIDWASM_WASM: '/nonexistent/vidwasm.wasm' });
  assert.is(r.status, 1);
  assert.match(r.stderr, /vidwasm: cannot read \/nonexistent\/vidwasm\.wasm: no such file/);
});

test('a plain script importing the Node bundle computes', () => {
  writeFileSync(join(dist, 'use.mjs'), `import { Tensor, ops } from ${JSON.stringify(join(dist, 'node.js'))};\n` +
    `console.log(JSON.stringify(Array.from(ops.relu(Tensor.from(new Float32Array([-1, 2]), [2])).toArray())));\n`);
  const use = run(join(dist, 'use.mjs'), []);
  assert.is(use.status, 0, use.stderr);
  assert.is(use.stdout.trim(), '[0,2]');
});

test.run();
