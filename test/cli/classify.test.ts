// `vidwasm classify` on a generated mp4 with checkpoints saved from random-init models: the
// demo network (its 4 direction names) and X3D-XS (Kinetics-400 names from the zoo registry,
// the Kinetics eval transform at 4 x 160^2). Prints exactly top-k lines, probabilities sorted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import '../../ts/node.js';
import { manualSeed } from '../../ts/runtime/random.js';
import { saveCheckpoint } from '../../ts/zoo/checkpoint/index.js';
import { build } from '../../ts/zoo/load.js';
import { KINETICS400_CLASSES } from '../../ts/zoo/kinetics400.js';
import { createDemoModel } from '../../ts/demo/spec.js';
import { cli, tmp, makeClips, isOneLineError } from './helpers.js';

const dir = tmp('classify');
let clip = '';
const demoCkpt = join(dir, 'demo.pyth'), xsCkpt = join(dir, 'x3d_xs.pyth'), xs4Ckpt = join(dir, 'x3d_xs_4.pyth');
test.before(async () => {
  [[clip]] = await makeClips(join(dir, 'clips'), 1, 77);
  manualSeed(5);
  const d = createDemoModel();
  await saveCheckpoint(d, demoCkpt);
  d.dispose();
  const xs = build('x3d_xs');
  await saveCheckpoint(xs, xsCkpt);
  xs.dispose();
  const xs4 = build('x3d_xs', { modelNumClass: 4 });
  await saveCheckpoint(xs4, xs4Ckpt);
  xs4.dispose();
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

function topLines(stdout: string): { prob: number; label: string }[] {
  return stdout.trim().split('\n').slice(1).map((l) => {
    const m = /^\s*\d+\.\s+(\d+\.\d)%\s+(.+)$/.exec(l);
    assert.ok(m, `bad line '${l}'`);
    return { prob: Number(m![1]), label: m![2] };
  });
}

test('demo network: --topk 3 prints 3 sorted lines with direction names', () => {
  const r = cli(['classify', clip, '--model', 'demo', '--weights', demoCkpt, '--topk', '3']);
  assert.is(r.status, 0, r.stderr);
  const top = topLines(r.stdout);
  assert.is(top.length, 3);
  for (const t of top) assert.ok(['right', 'left', 'up', 'down'].includes(t.label), t.label);
  assert.ok(top[0].prob >= top[1].prob && top[1].prob >= top[2].prob);
  assert.ok(top.reduce((s, t) => s + t.prob, 0) <= 100.2);
});

test('x3d_xs random init: 5 Kinetics-400 lines by default; --json', () => {
  let r = cli(['classify', clip, '--model', 'x3d_xs', '--weights', xsCkpt]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /x3d_xs, 4 frames 160x160/);
  const top = topLines(r.stdout);
  assert.is(top.length, 5);
  for (const t of top) assert.ok(KINETICS400_CLASSES.includes(t.label), t.label);
  r = cli(['classify', clip, '--model', 'x3d_xs', '--weights', xsCkpt, '--topk', '2', '--json']);
  assert.is(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.top.length, 2);
  assert.is(j.top[0].label, KINETICS400_CLASSES[j.top[0].index]);
});

test('a 4-class x3d_xs checkpoint (vidwasm train --num-classes 4): classes come from its classifier', () => {
  let r = cli(['classify', clip, '--model', 'x3d_xs', '--weights', xs4Ckpt]);
  assert.is(r.status, 0, r.stderr);
  const top = topLines(r.stdout);
  assert.is(top.length, 4);
  for (const t of top) assert.match(t.label, /^class [0-3]$/);
  r = cli(['classify', clip, '--model', 'x3d_xs', '--weights', xs4Ckpt, '--num-classes', '400']);
  assert.is(r.status, 1);
  assert.ok(isOneLineError(r), r.stderr);
  assert.match(r.stderr, /has 4 output classes .*built with 400: pass --num-classes 4/);
});

test('bad input: missing clip, missing weights, a checkpoint of another model, unknown model', () => {
  const cases: [string[], RegExp][] = [
    [['classify', join(dir, 'nope.mp4'), '--model', 'demo', '--weights', demoCkpt], /cannot read video .*nope\.mp4: no such file/],
    [['classify', clip, '--model', 'demo', '--weights', join(dir, 'nope.pyth')], /cannot read checkpoint .*nope\.pyth: no such file/],
    [['classify', clip, '--model', 'x3d_xs', '--weights', demoCkpt], /demo\.pyth is not a checkpoint of 'x3d_xs'/],
    [['classify', clip, '--model', 'x3d_xss', '--weights', demoCkpt], /unknown model 'x3d_xss' \(did you mean x3d_xs/],
  ];
  for (const [args, re] of cases) {
    const r = cli(args);
    assert.is(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(isOneLineError(r), r.stderr);
    assert.match(r.stderr, re);
  }
  const r = cli(['classify', clip, '--model', 'demo']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--weights is required/);
});

test.run();
