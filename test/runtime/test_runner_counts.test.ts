// The CI line of test/run.mjs is read from uvu's own summary: run a real uvu file with passing,
// failing and skipped tests and check the counts (issue: "986 passed, -4 failed, 4 skipped").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
// @ts-expect-error: a plain .mjs helper of the runner
import { uvuCounts } from '../uvu_counts.mjs';

function uvuOutput(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'uvu-counts-'));
  try {
    const file = join(dir, 'probe.mjs');
    const uvu = createRequire(import.meta.url).resolve('uvu');
    writeFileSync(file, `import { test } from ${JSON.stringify(uvu)};\n${body}\ntest.run();\n`);
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
    return r.stdout + r.stderr;
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('skipped tests never make the failed count negative', () => {
  const c = uvuCounts(uvuOutput(`
    test('a', () => {}); test('b', () => {});
    test.skip('c', () => {}); test.skip('d', () => {}); test.skip('e', () => {});`));
  assert.equal(c, { total: 2, ok: 2, skip: 3, bad: 0 });
});

test('failures are counted next to skips', () => {
  const c = uvuCounts(uvuOutput(`
    test('a', () => {}); test('b', () => { throw new Error('boom'); });
    test.skip('c', () => {});`));
  assert.equal(c, { total: 2, ok: 1, skip: 1, bad: 1 });
});

test.run();
