// The garbage-collection safety net frees forgotten tensors silently; debug mode names them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../ts/node.ts', import.meta.url));
const script = `
  const { Tensor, ops, nn, memoryStats, setDebug } = await import(${JSON.stringify(entry)});
  if (process.argv.includes('--debug-call')) setDebug(true);
  const conv = new nn.Conv3d(3, 4, [1, 3, 3]);
  for (let i = 0; i < 50; i++) ops.relu(conv.forward(Tensor.randn([1, 3, 2, 16, 16]))).sum();
  for (let i = 0; i < 5; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
  console.log('live', memoryStats().liveTensors);`;

function run(env: Record<string, string>, args: string[] = []) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script, '--', ...args],
    { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  assert.is(r.status, 0, r.stderr);
  return r;
}

test('README-style code without dispose: no warning, and the collector frees the tensors', () => {
  const r = run({ VIDWASM_DEBUG: '' });
  assert.not.match(r.stderr, /garbage-collected/);
  const live = Number(/live (\d+)/.exec(r.stdout)![1]);
  assert.ok(live < 50, `the safety net freed forgotten tensors (${live} left of 200+)`);
});

test('debug mode (VIDWASM_DEBUG=1 or setDebug(true)) warns once', () => {
  for (const r of [run({ VIDWASM_DEBUG: '1' }), run({ VIDWASM_DEBUG: '' }, ['--debug-call'])]) {
    assert.match(r.stderr, /garbage-collected without dispose\(\)/);
    assert.is(r.stderr.match(/garbage-collected/g)!.length, 1);
  }
});

test.run();
