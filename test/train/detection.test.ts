// Detection loop (ts/train/detection.ts): AVA frame-level mAP (Pascal VOC AP at IoU 0.5, as the
// AVA evaluation) vs the Python statement in gen_ssl_train.py on fixed predictions, the
// ground-truth-proposal case, matching rules, targets from Ava's nested label lists, and a
// short run of a narrow Slow-R50 RoI model on synthetic clips with boxes that lowers the loss.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, models, train, manualSeed, memoryStats, ArgumentError, ShapeError } from '../../ts/node.js';
import { loadGolden } from '../helpers/golden.js';
import { lcg } from './helpers.js';

const golden = loadGolden('ssl_train').find((c) => c.name === 'ava_frame_map')!;

function rows(d: ArrayLike<number>, c: number): number[][] {
  return Array.from({ length: d.length / c }, (_, i) => Array.from(d).slice(i * c, (i + 1) * c));
}
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);

test('frameMAP equals the AVA / Pascal VOC reference (IoU 0.5) on fixed predictions, per class and mean', () => {
  const C = golden.params.numClasses as number;
  const i = golden.inputs;
  const dets: train.Detection[] = rows(i.det_boxes.data, 4).map((b, k) => ({ frame: i.det_frames.data[k], box: b as unknown as train.Box, scores: rows(i.det_scores.data, C)[k] }));
  const gtBoxes = rows(i.gt_boxes.data, 4), gtLab = rows(i.gt_labels.data, C);
  const gts: train.GroundTruth[] = gtBoxes.map((b, k) => ({ frame: i.gt_frames.data[k], box: b as unknown as train.Box, labels: gtLab[k] }));
  const r = train.frameMAP(dets, gts, C);
  console.log(`  AVA frame mAP ${r.mAP.toFixed(6)} (reference ${golden.params.mAP.toFixed(6)}), per class ${r.perClass.map((x) => x.toFixed(4)).join(' ')}`);
  close(r.mAP, golden.params.mAP, 'mAP');
  (golden.params.aps as (number | null)[]).forEach((ap, c) => {
    if (ap === null) assert.ok(Number.isNaN(r.perClass[c]), `class ${c} has no ground truth: NaN, left out of the mean`);
    else close(r.perClass[c], ap, `AP class ${c}`);
  });
  // Ground-truth boxes as the proposals: every detection matches its own box.
  const g = train.frameMAP(gts.map((x, k) => ({ frame: x.frame, box: x.box, scores: rows(i.gt_scores.data, C)[k] })), gts, C);
  close(g.mAP, golden.params.mAP_gt, 'GT-proposal mAP');
  (golden.params.aps_gt as (number | null)[]).forEach((ap, c) => { if (ap !== null) close(g.perClass[c], ap, `GT-proposal AP ${c}`); });
});

test('frameMAP matching: duplicates are false positives, IoU below 0.5 misses, frames are separate; typed errors', () => {
  const box: train.Box = [0, 0, 1, 1];
  const gts = [{ frame: 'a', box, labels: [1] }];
  assert.is(train.frameMAP([{ frame: 'a', box, scores: [0.9] }], gts, 1).mAP, 1);
  // A duplicate with a higher score than nothing else: TP then FP -> precision stays 1 at recall 1.
  assert.is(train.frameMAP([{ frame: 'a', box, scores: [0.9] }, { frame: 'a', box, scores: [0.8] }], gts, 1).mAP, 1);
  // A higher-scoring duplicate in another frame is a FP before the TP: AP = 1/2.
  assert.is(train.frameMAP([{ frame: 'b', box, scores: [0.95] }, { frame: 'a', box, scores: [0.9] }], gts, 1).mAP, 0.5);
  // IoU 0.4 < 0.5: no match; IoU exactly 0.5 matches.
  assert.is(train.frameMAP([{ frame: 'a', box: [0, 0, 1, 0.4], scores: [0.9] }, { frame: 'a', box: [0, 0.6, 1, 1], scores: [0.8] }], gts, 1).mAP, 0);
  assert.is(train.frameMAP([{ frame: 'a', box: [0, 0, 1, 0.5], scores: [0.9] }], gts, 1).mAP, 1);
  assert.is(train.boxIou([0, 0, 2, 2], [1, 1, 3, 3]), 1 / 7);
  assert.throws(() => train.frameMAP([{ frame: 0, box, scores: [1, 2] }], gts, 1), (e: unknown) => e instanceof ShapeError);
  assert.throws(() => train.frameMAP([], gts, 0), (e: unknown) => e instanceof ArgumentError);
});

test('targets: Ava nested label lists (1-based action ids) become multi-hot rows in box order', () => {
  const v = Tensor.zeros([1]), wrong = Tensor.zeros([2, 4]);
  const t = train.boxTargets({ video: v, label: [[]], labels: [[[1, 3]], [[2], [3]]] } as unknown as train.Batch, 3);
  assert.equal(Array.from(t.toArray()), [1, 0, 1, 0, 1, 0, 0, 0, 1]);
  assert.throws(() => train.boxTargets({ video: v, label: wrong } as train.Batch, 3), (e: unknown) => e instanceof ShapeError);
  for (const x of [t, v, wrong]) x.dispose();
});

// ---- a short run ----

const SIZE = 32, T = 4, C = 3;
/**
 * Clips [N, 3, 4, 32, 32] of noise with two boxes each; inside a box a coloured square whose
 * colours say which actions (multi-label: red -> 0, green -> 1, blue -> 2) it holds.
 */
function detBatch(n: number, seed: number): train.Batch {
  const r = lcg(seed), per = 3 * T * SIZE * SIZE;
  const video = new Float32Array(n * per), boxes: number[] = [], label: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < per; j++) video[i * per + j] = (r() - 0.5) * 0.3;
    for (let b = 0; b < 2; b++) {
      const s = 10 + Math.floor(r() * 4), x0 = b * 16 + Math.floor(r() * (16 - s)), y0 = Math.floor(r() * (SIZE - s));
      const acts = [r() < 0.5 ? 1 : 0, r() < 0.5 ? 1 : 0, r() < 0.5 ? 1 : 0];
      boxes.push(i, x0, y0, x0 + s, y0 + s);
      label.push(...acts);
      for (let c = 0; c < 3; c++) if (acts[c]) for (let t = 0; t < T; t++) for (let y = y0; y < y0 + s; y++) for (let x = x0; x < x0 + s; x++) video[i * per + ((c * T + t) * SIZE + y) * SIZE + x] += 1;
    }
  }
  return { video: Tensor.from(video, [n, 3, T, SIZE, SIZE]), boxes: Tensor.from(Float32Array.from(boxes), [boxes.length / 5, 5]), label: Tensor.from(Float32Array.from(label), [label.length / C, C]) };
}
const loader = (count: number, n: number, seed: number): train.Loader => ({
  length: count,
  *[Symbol.iterator]() { for (let b = 0; b < count; b++) yield detBatch(n, seed + b); },
} as train.Loader);

test('a narrow Slow-R50 RoI model trains on synthetic clips with boxes (BCE with logits): loss down, frame mAP reported, memory flat', async () => {
  manualSeed(5);
  const model = models.createResnetWithRoiHead({ modelDepth: 50, stemDimOut: 4, modelNumClass: C, headActivation: null, dropoutRate: 0, headSpatialResolution: [4, 4] });
  const sigmoidHead = models.createResnetWithRoiHead({ modelDepth: 50, stemDimOut: 4, modelNumClass: C });
  assert.throws(() => train.createDetectionTrainer({ model: sigmoidHead }),
    (e: unknown) => e instanceof ArgumentError && /Sigmoid/.test((e as Error).message), 'a sigmoid head is refused (the loss wants logits)');
  sigmoidHead.dispose();
  const held = loader(2, 2, 700);
  const before = await train.evaluateDetection(model, held);
  const losses: number[] = [], live: number[] = [];
  const trainer = train.createDetectionTrainer({
    model, optimizer: 'adamw', lr: 3e-3, weightDecay: 1e-4, schedule: 'constant', epochs: 4, trainLoader: loader(12, 2, 100),
    onProgress: (p) => { losses.push(p.loss); if (p.step === 4 || p.step === 40) live.push(memoryStats().liveTensors); },
  });
  await trainer.fit();
  const after = await train.evaluateDetection(model, held);
  const first = (losses[0] + losses[1] + losses[2] + losses[3]) / 4, last = losses.slice(-4).reduce((a, b) => a + b, 0) / 4;
  console.log(`  detection: BCE ${first.toFixed(4)} -> ${last.toFixed(4)} over ${losses.length} steps; held-out frame mAP@0.5 ${before.mAP.toFixed(3)} -> ${after.mAP.toFixed(3)}, loss ${before.loss.toFixed(4)} -> ${after.loss.toFixed(4)}`);
  assert.ok(last < 0.9 * first, `loss went down: ${first} -> ${last}`);
  assert.ok(after.loss < before.loss, 'held-out loss down');
  assert.ok(after.mAP > before.mAP, 'held-out frame mAP up');
  assert.is(after.detections.length, 8);
  assert.is(live[0], live[1], 'no tensors leak between steps 4 and 40');
  trainer.optimizer.dispose(); model.dispose();
});

test.run();
