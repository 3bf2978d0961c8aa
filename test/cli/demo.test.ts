// `vidwasm demo --quick` end to end (the CI version of the README's main command): real mp4
// files made with ffmpeg.wasm, decoded back, a narrow X3D trained from scratch; held-out top-1
// must clearly beat chance (25 % on 4 classes), and the outputs must be there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tmp } from './helpers.js';

test('demo --quick: last line is the held-out top-1 and it beats chance; checkpoint, curves, data lists, fresh clip', () => {
  const out = tmp('demo');
  try {
    const r = cli(['demo', '--quick', '--out', out], { quiet: false, timeoutMs: 170_000 });
    assert.is(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    const m = /^held-out top-1: (\d+\.\d)%$/.exec(lines[lines.length - 1]);
    assert.ok(m, `last line: ${lines[lines.length - 1]}`);
    assert.ok(Number(m![1]) > 50, `held-out top-1 ${m![1]}% should be > 50% (chance 25%)`);
    // progress summaries went to stderr, not stdout
    assert.match(r.stderr, /generate: 192 clips/);
    assert.match(r.stderr, /train: 160 steps/);
    assert.not.match(r.stdout, /generate:/);
    // a torch.save zip checkpoint
    const ckpt = readFileSync(join(out, 'x3d_demo.pyth'));
    assert.is(ckpt.subarray(0, 2).toString('latin1'), 'PK');
    assert.match(readFileSync(join(out, 'run', 'curves.svg'), 'utf8'), /<svg[^>]*>/);
    assert.ok(existsSync(join(out, 'run', 'confusion.svg')));
    const train = readFileSync(join(out, 'data', 'train.csv'), 'utf8').trim().split('\n');
    assert.is(train.length, 160);
    assert.match(train[0], /\.mp4 [0-3]$/);
    const fresh = /fresh clip (\S+): predicted '(right|left|up|down)' \((\d+\.\d)%\), truth '(right|left|up|down)'/.exec(r.stdout);
    assert.ok(fresh, r.stdout);
    assert.ok(existsSync(fresh![1]));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test.run();
