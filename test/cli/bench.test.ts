// `vidwasm bench` runs bench/run.ts from the checkout through tsx (passing --json/--quick/--filter)
// and refuses unknown suites in one line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cli, isOneLineError } from './helpers.js';

test('bench kernels --json --filter passes through to bench/run.ts', () => {
  const r = cli(['bench', 'kernels', '--quick', '--json', '--filter', 'no-such-case-name'], { timeoutMs: 60_000 });
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.rows, []);
  assert.type(j.simd, 'boolean');
});

test('bench: unknown suite is a one-line error; --help', () => {
  const r = cli(['bench', 'gpu']);
  assert.is(r.status, 1);
  assert.ok(isOneLineError(r), r.stderr);
  assert.match(r.stderr, /unknown suite 'gpu' \(suites: kernels, models, data\)/);
  const h = cli(['bench', '--help']);
  assert.is(h.status, 0);
  assert.match(h.stdout, /usage: vidwasm bench/);
});

test.run();
