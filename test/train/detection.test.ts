// Detection loop (ts/train/detection.ts): AVA frame-level mAP (Pascal VOC AP at IoU 0.5, as the
// AVA evaluation) vs the Python statement in gen_ssl_train.py on fixed predictions, the
// ground-truth-proposal case, matching rules, targets from Ava's nested label lists, and a
// short run of a narrow Slow-R50 RoI model on synthetic clips with boxes that lowers the loss.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, models, train, manualSeed, memoryStats, ArgumentError, ShapeError } from '../../ts/node.js';
import { loadGolden } from '../helpers/golden.js';
import { lcg } from './helpers.js';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ops as F } from '../../ts/node.js';
import { makeClipSampler } from '../../ts/data/clip_sampling.js';
import { Ava, DataLoader, type ClipDict } from '../../ts/data/datasets/index.js';
import { placeFrames, tinyFrames } from '../helpers/dataset_tree.js';

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

test('AVA-format data end to end: Ava frame lists + box csv -> DataLoader -> detection Trainer (normalised boxes, 1-based action ids) -> frame mAP per key frame', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vidwasm-ava-det-'));
  try {
    const frames = join(root, 'frames');
    const vids = [placeFrames(tinyFrames(120, 'C_', 30), join(frames, 'C')), placeFrames(tinyFrames(120, 'D_', 200), join(frames, 'D'))];
    const list = join(root, 'ava_train.csv');
    const rows = ['original_vido_id video_id frame_id path labels'];
    vids.forEach((paths, v) => paths.forEach((p, i) => rows.push(`${'CD'[v]} ${v} ${i} ${relative(frames, p)} ""`)));
    writeFileSync(list, rows.join('\n') + '\n');
    // Two key seconds per video (2 s and 3 s into the frames), one or two boxes each, AVA action ids.
    writeFileSync(join(root, 'boxes.csv'), [
      'C,0902,0.05,0.10,0.45,0.90,12,1', 'C,0902,0.05,0.10,0.45,0.90,80,1', 'C,0902,0.55,0.20,0.95,0.80,14,2',
      'C,0903,0.10,0.10,0.60,0.90,1,1',
      'D,0902,0.20,0.10,0.70,0.95,14,1', 'D,0903,0.05,0.05,0.40,0.60,12,1', 'D,0903,0.50,0.30,0.95,0.95,80,2',
    ].join('\n') + '\n');
    writeFileSync(join(root, 'labels.pbtxt'), [1, 12, 14, 80].map((id) => `item {\n  name: "a${id}"\n  id: ${id}\n}`).join('\n') + '\n');
    // u8 [3, 12, 24, 32] -> f32, 4 frames, roughly zero-mean (the input is consumed).
    const transform = (d: ClipDict): ClipDict => {
      const v = d.video as Tensor;
      const idx = Tensor.from(Int32Array.from([0, 4, 7, 11]), [4], { dtype: 'i32' });
      const sub = F.indexSelect(v, 1, idx), f = F.cast(sub, 'f32'), out = F.div(F.sub(f, 114), 57);
      for (const t of [v, idx, sub, f]) t.dispose();
      return { ...d, video: out };
    };
    const ds = () => Ava({ framePathsFile: list, frameLabelsFile: join(root, 'boxes.csv'), labelMapFile: join(root, 'labels.pbtxt'), videoPathPrefix: frames,
      clipSampler: makeClipSampler('random', 0.4), videoSampler: 'sequential', transform });
    const NC = 80;
    manualSeed(11);
    const model = models.createResnetWithRoiHead({ modelDepth: 50, stemDimOut: 4, modelNumClass: NC, headActivation: null, dropoutRate: 0, headSpatialResolution: [4, 4] });
    const before = await train.evaluateDetection(model, new DataLoader(ds(), { batchSize: 2, seed: 0 }) as unknown as train.Loader, { boxUnits: 'normalized' });
    const losses: number[] = [];
    const trainer = train.createDetectionTrainer({
      model, boxUnits: 'normalized', optimizer: 'adamw', lr: 5e-3, weightDecay: 0, schedule: 'constant', epochs: 10,
      trainLoader: new DataLoader(ds(), { batchSize: 2, seed: 0 }) as unknown as train.Loader, onProgress: (p) => losses.push(p.loss),
    });
    await trainer.fit();
    const after = await train.evaluateDetection(model, new DataLoader(ds(), { batchSize: 2, seed: 0 }) as unknown as train.Loader, { boxUnits: 'normalized' });
    console.log(`  AVA pipeline: ${losses.length} steps, BCE ${losses[0].toFixed(4)} -> ${losses[losses.length - 1].toFixed(4)}; frame mAP ${before.mAP.toFixed(3)} -> ${after.mAP.toFixed(3)} over ${after.perClass.filter((x) => !Number.isNaN(x)).length} classes with boxes`);
    assert.is(losses.length, 20, '4 key frames, batches of 2, 10 epochs');
    assert.ok(losses[losses.length - 1] < 0.5 * losses[0], 'loss down');
    assert.equal([...new Set(after.groundTruth.map((g) => g.frame))].sort(), ['0/2', '0/3', '1/2', '1/3'], 'frames are (video, key second)');
    assert.is(after.groundTruth.length, 6, 'boxes with the same coordinates were merged (C@902: actions 12 and 80)');
    const merged = after.groundTruth.find((g) => g.frame === '0/2' && g.box[0] < 0.1)!;
    assert.equal([11, 79].map((c) => merged.labels[c]), [1, 1], 'action ids 12 and 80 -> classes 11 and 79');
    assert.equal(after.perClass.map((x, c) => (Number.isNaN(x) ? -1 : c)).filter((c) => c >= 0), [0, 11, 13, 79], 'AP only for classes with ground truth');
    assert.ok(after.mAP > before.mAP, 'mAP up');
    trainer.optimizer.dispose(); model.dispose();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
