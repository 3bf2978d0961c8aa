// Learning-rate schedules against torch.optim.lr_scheduler and PySlowFast's get_lr_at_epoch,
// and metrics (AP, mAP, top-k, confusion matrix) against a numpy restatement of sklearn's
// average_precision_score (test/golden/gen_train_metrics.py). Also MixUp/CutMix targets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Tensor, train, manualSeed, ArgumentError } from '../../ts/node.js';
import { assertClose } from '../helpers/assert.js';
import { mixBatch, sampleBeta } from '../../ts/data/transforms/mix.js';

const G = JSON.parse(readFileSync(new URL('../golden/data/train_metrics.json', import.meta.url), 'utf8'));

for (const s of G.schedules) {
  test(`schedule ${s.name}: ${s.lrs.length} steps`, () => {
    const f = train.makeSchedule(s.opts);
    const ours = s.lrs.map((_: number, i: number) => f(i));
    assertClose(ours, s.lrs, { rtol: 1e-9, atol: 1e-12 }, s.name);
    assert.is(train.lrAt(3, s.opts), ours[3]);
  });
}

test('schedule: bad options are ArgumentErrors', () => {
  assert.throws(() => train.makeSchedule({ schedule: 'poly' as any, lr: 0.1, epochs: 1, itersPerEpoch: 1 }), (e: unknown) => e instanceof ArgumentError && /poly/.test(String(e)));
  assert.throws(() => train.makeSchedule({ schedule: 'step', lr: 0.1, epochs: 1, itersPerEpoch: 1 }), (e: unknown) => e instanceof ArgumentError);
  assert.throws(() => train.makeSchedule({ lr: 0.1, epochs: 1, itersPerEpoch: 0 }), (e: unknown) => e instanceof ArgumentError);
});

for (const m of G.metrics) {
  test(`metrics ${m.name}: per-class AP and mAP as sklearn / PySlowFast`, () => {
    const { mAP, perClass } = train.meanAveragePrecision(m.scores, m.targets, m.c);
    m.perClassAP.forEach((ap: number | null, j: number) => {
      if (ap === null) assert.ok(Number.isNaN(perClass[j]), `class ${j} has no positive: NaN`);
      else assert.ok(Math.abs(perClass[j] - ap) < 1e-6, `class ${j}: ${perClass[j]} vs ${ap}`);
    });
    assert.ok(Math.abs(mAP - m.mAP) < 1e-6, `mAP ${mAP} vs ${m.mAP}`);
    if (m.labels) {
      assert.ok(Math.abs(train.topkAccuracy(m.scores, m.labels, m.c, 1) - m.top1) < 1e-6);
      assert.ok(Math.abs(train.topkAccuracy(m.scores, m.labels, m.c, 5) - m.top5) < 1e-6);
      assert.equal(train.confusionMatrix(m.scores, m.labels, m.c), m.confusion);
      // Index labels give the same mAP as their one-hot rows.
      assert.ok(Math.abs(train.meanAveragePrecision(m.scores, m.labels, m.c).mAP - m.mAP) < 1e-6);
    }
  });
}

test('metrics: perfect ranking gives AP 1, reversed ranking of one positive among 4 gives 1/4', () => {
  assert.is(train.averagePrecision([0.9, 0.8, 0.1], [1, 1, 0]), 1);
  assert.is(train.averagePrecision([0.9, 0.8, 0.7, 0.1], [0, 0, 0, 1]), 0.25);
  assert.throws(() => train.topkAccuracy([1, 2, 3], [0], 2), (e: unknown) => e instanceof ArgumentError);
});

test('mixup: soft targets sum to 1, lam mixes clips and targets, same seed same draw', () => {
  const x = Tensor.from(Float32Array.from({ length: 4 * 2 * 1 * 4 * 4 }, (_, i) => Math.floor(i / 32)), [4, 2, 1, 4, 4]);
  const y = Tensor.from([0, 1, 2, 3], [4], { dtype: 'i32' });
  manualSeed(7);
  const a = mixBatch(x, y, { alpha: 0.8 });
  manualSeed(7);
  const b = mixBatch(x, y, { alpha: 0.8 });
  assert.is(a.lam, b.lam);
  assert.is(a.kind, 'mixup');
  const v = (a.video as Tensor).toArray();
  // clip 0 is lam * 0 + (1 - lam) * 3 everywhere
  assert.ok(Math.abs(v[0] - (1 - a.lam) * 3) < 1e-5);
  const t = a.target(5, 0.1).toArray();
  for (let i = 0; i < 4; i++) {
    let s = 0; for (let c = 0; c < 5; c++) s += t[i * 5 + c];
    assert.ok(Math.abs(s - 1) < 1e-6);
  }
  // label smoothing: off = 0.1 / 5, on = 0.9 + off; row 0 mixes class 0 (lam) and class 3 (1 - lam)
  assert.ok(Math.abs(t[0] - (a.lam * 0.92 + (1 - a.lam) * 0.02)) < 1e-6);
  const cm = mixBatch(x, y, { alpha: 0, cutmixAlpha: 1 });
  assert.is(cm.kind, 'cutmix');
  const cv = (cm.video as Tensor).toArray();
  // The fraction of pixels of clip 0 taken from clip 3 is 1 - lam.
  let taken = 0; for (let i = 0; i < 32; i++) if (cv[i] === 3) taken++;
  assert.ok(Math.abs(taken / 32 - (1 - cm.lam)) < 1e-9, `taken ${taken / 32} vs 1 - lam ${1 - cm.lam}`);
  for (const r of [a, b, cm]) { (r.video as Tensor).dispose(); }
  x.dispose(); y.dispose();
});

test('mixup: Beta samples have the right mean', () => {
  manualSeed(3);
  let s = 0; const n = 4000;
  for (let i = 0; i < n; i++) s += sampleBeta(0.4, 0.4);
  assert.ok(Math.abs(s / n - 0.5) < 0.03, `mean ${s / n}`);
  let s2 = 0;
  for (let i = 0; i < n; i++) s2 += sampleBeta(2, 6);
  assert.ok(Math.abs(s2 / n - 0.25) < 0.02, `mean ${s2 / n}`);
});

test.run();
