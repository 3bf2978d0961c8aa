// `vidwasm deploy` writes a compiled plan; `vidwasm classify --plan` runs it on a video and
// prints what classify --model prints for the same weights (the plan is bit-identical to the
// model's forward). --int8 and bad plans are one-line errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../ts/node.js';
import { manualSeed } from '../../ts/runtime/random.js';
import { saveCheckpoint } from '../../ts/zoo/checkpoint/index.js';
import { createDemoModel } from '../../ts/demo/spec.js';
import { KINETICS400_CLASSES } from '../../ts/zoo/kinetics400.js';
import { loadPlan } from '../../ts/runtime/hosts/plan.js';
import { cli, tmp, makeClips, isOneLineError } from './helpers.js';

const dir = tmp('deploy');
let clip = '';
const ckpt = join(dir, 'demo.pyth'), plan = join(dir, 'demo.vwplan');
test.before(async () => {
  [[clip]] = await makeClips(join(dir, 'clips'), 1, 21);
  manualSeed(9);
  const d = createDemoModel();
  await saveCheckpoint(d, ckpt);
  d.dispose();
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('deploy the demo network, classify --plan == classify --model with the same weights', () => {
  const d = cli(['deploy', '--model', 'demo', '--weights', ckpt, '--out', plan]);
  assert.is(d.status, 0, d.stderr);
  assert.match(d.stdout, /demo\.vwplan: demo plan, \d+ kernel calls, arena [\d.]+ [KM]iB/);
  const p = loadPlan(new Uint8Array(readFileSync(plan)));
  assert.is(JSON.parse(p.data.meta).model, 'demo');
  const a = cli(['classify', clip, '--plan', plan, '--json', '--topk', '4']);
  const b = cli(['classify', clip, '--model', 'demo', '--weights', ckpt, '--json', '--topk', '4']);
  assert.is(a.status, 0, a.stderr);
  assert.is(b.status, 0, b.stderr);
  const ja = JSON.parse(a.stdout), jb = JSON.parse(b.stdout);
  assert.is(ja.model, 'demo (plan)');
  assert.equal(ja.top, jb.top);
});

test('deploy --model efficient_x3d_xs (random weights) and classify with Kinetics-400 labels', () => {
  const out = join(dir, 'exs.vwplan');
  const d = cli(['deploy', '--model', 'efficient_x3d_xs', '--out', out]);
  assert.is(d.status, 0, d.stderr);
  assert.match(d.stderr, /keeps its random initial weights/);
  const r = cli(['classify', clip, '--plan', out, '--topk', '3']);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /efficient_x3d_xs \(plan\), 4 frames 160x160/);
  const labels = r.stdout.trim().split('\n').slice(1).map((l) => l.replace(/^\s*\d+\.\s+[\d.]+%\s+/, ''));
  assert.is(labels.length, 3);
  for (const l of labels) assert.ok(KINETICS400_CLASSES.includes(l), l);
});

test('--int8, a corrupt plan and --plan with --model are one-line errors', () => {
  const r = cli(['deploy', '--model', 'efficient_x3d_xs', '--int8', '--out', join(dir, 'q.vwplan')]);
  assert.ok(isOneLineError(r), r.stderr);
  assert.match(r.stderr, /--int8: int8 quantization is not available/);
  const bad = join(dir, 'bad.vwplan');
  const bytes = readFileSync(plan);
  bytes[bytes.length >> 1] ^= 0x40;
  writeFileSync(bad, bytes);
  const c = cli(['classify', clip, '--plan', bad]);
  assert.ok(isOneLineError(c), c.stderr);
  assert.match(c.stderr, /plan checksum mismatch/);
  const both = cli(['classify', clip, '--plan', plan, '--model', 'demo']);
  assert.ok(isOneLineError(both), both.stderr);
  assert.match(both.stderr, /--plan replaces --model/);
});

test.run();
