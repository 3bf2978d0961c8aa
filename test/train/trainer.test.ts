// The Trainer loop on in-memory loaders: overfitting a tiny batch, resume that continues the
// identical loss curve, checkpoints torch.load-able in layout, best-model tracking, BN modes,
// multi-view evaluation, the JSON-lines log and SVG plots, a pluggable step, flat memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor, nn, ops, train, zoo, manualSeed, memoryStats, ArgumentError, StateDictError } from '../../ts/node.js';
import { memoryLoader, toyBatches, TinyNet } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'vidwasm-train-'));

/** Tag balance of an XML document (no parser in Node): every open tag closed, in order. */
export function assertWellFormedSvg(svg: string, what: string): void {
  assert.ok(svg.startsWith('<?xml'), `${what}: XML declaration`);
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
    const [, close, name, attrs, self] = m;
    assert.not.ok(/[<&](?!amp;|lt;|gt;|quot;)/.test(attrs), `${what}: raw < or & in attributes of <${name}>`);
    if (self) continue;
    if (close) assert.is(stack.pop(), name, `${what}: </${name}> closes the wrong element`);
    else stack.push(name);
  }
  assert.equal(stack, [], `${what}: unclosed ${stack.join(', ')}`);
  assert.ok(/<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/.test(svg), `${what}: svg namespace`);
  // Text between tags has no raw '<' (tags matched above) and no bare '&'.
  assert.not.ok(/&(?!amp;|lt;|gt;|quot;)/.test(svg.replace(/<[^>]*>/g, '')), `${what}: unescaped & in text`);
}

test('overfitting a tiny batch reaches 100% train accuracy; BN is in train mode during fit, eval mode in evaluate', async () => {
  manualSeed(1);
  const model = new TinyNet(4, 8);
  const data = toyBatches(1, 8, 4);
  const modes: boolean[] = [];
  const trainer = new train.Trainer({
    model, optimizer: 'adamw', lr: 0.05, weightDecay: 0.01, schedule: 'constant', epochs: 80,
    trainLoader: memoryLoader(data), loss: 'cross_entropy',
    onProgress: () => modes.push(model.bn.training),
  });
  const before = trainer.evaluate(memoryLoader(data));
  const r0 = await before;
  const meanBefore = model.bn.getAttr('running_mean') as Tensor;
  const rm0 = Array.from(meanBefore.toArray());
  await trainer.fit();
  assert.ok(modes.every((m) => m), 'BN in train mode at every step');
  assert.ok(model.training, 'fit leaves the model in train mode');
  const rm1 = Array.from(meanBefore.toArray());
  assert.not.equal(rm1, rm0, 'running stats moved during fit');
  const r = await trainer.evaluate(memoryLoader(data));
  assert.equal(Array.from(meanBefore.toArray()), rm1, 'evaluate (eval mode) does not touch running stats');
  const steps = trainer.history.filter((h) => h.type === 'step') as train.StepRecord[];
  console.log(`  overfit: loss ${steps[0].loss.toFixed(3)} -> ${steps[steps.length - 1].loss.toFixed(4)}, top-1 ${r0.top1} -> ${r.top1}`);
  assert.is(r.top1, 1);
  assert.ok(steps[steps.length - 1].loss < 0.05 * steps[0].loss);
  trainer.optimizer.dispose(); model.dispose();
});

/** A run with dropout and MixUp (both draw from the seeded generator) over a shuffled loader. */
function resumeRun(dir: string, initSeed: number) {
  manualSeed(initSeed);
  const model = new TinyNet(3, 6, 0.3);
  const trainer = new train.Trainer({
    model, optimizer: 'sgd', lr: 0.2, momentum: 0.9, weightDecay: 1e-3, schedule: 'cosine', warmupEpochs: 1, warmupStartLr: 0.02,
    epochs: 3, mixup: { alpha: 0.4, cutmixAlpha: 1.0 }, labelSmoothing: 0.1, gradClip: 5,
    trainLoader: memoryLoader(toyBatches(4, 4, 3, [3, 2, 8, 8], 5), { shuffle: true }),
    valLoader: memoryLoader(toyBatches(2, 4, 3, [3, 2, 8, 8], 9)),
    checkpointDir: dir, checkpointEvery: 2, seed: 11,
  });
  return { model, trainer };
}

test('resume: 2N steps straight == N steps, stop, new process-like trainer resumes N more (identical losses and weights)', async () => {
  const dirA = tmp(), dirB = tmp();
  const a = resumeRun(dirA, 1);
  await a.trainer.fit();
  const lossesA = a.trainer.history.filter((h) => h.type === 'step').map((h) => (h as train.StepRecord).loss);
  assert.is(lossesA.length, 12);

  const b = resumeRun(dirB, 1);
  const stop = await b.trainer.fit({ stopAtStep: 6 }); // mid-epoch (epoch 1, batch 2 of 4)
  assert.ok(stop.stopped);
  b.trainer.optimizer.dispose(); b.model.dispose();
  // A fresh model with other weights and a fresh trainer: everything comes from last.pyth.
  const c = resumeRun(dirB, 999);
  await c.trainer.fit();
  const lossesC = c.trainer.history.filter((h) => h.type === 'step').map((h) => (h as train.StepRecord).loss);
  assert.equal(lossesC, lossesA, 'the resumed loss curve is the straight one');
  const sa = a.model.stateDict(), sc = c.model.stateDict();
  for (const k of Object.keys(sa)) assert.equal(Array.from(sc[k].toArray()), Array.from(sa[k].toArray()), k);
  assert.is(c.trainer.bestMetric, a.trainer.bestMetric);
  // The log on disk was rewritten without duplicates: 12 steps and 3 epochs.
  const lines = readFileSync(join(dirB, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.is(lines.filter((l) => l.type === 'step').length, 12);
  assert.is(lines.filter((l) => l.type === 'epoch').length, 3);
  assert.equal(lines.filter((l) => l.type === 'step').map((l) => l.step), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  for (const x of [a, c]) { x.trainer.optimizer.dispose(); x.model.dispose(); }
  rmSync(dirA, { recursive: true }); rmSync(dirB, { recursive: true });
});

test('checkpoint files: last.pyth / best.pyth hold {model_state, optimizer_state, epoch, step, rng_state, best_metric}', async () => {
  const dir = tmp();
  const { model, trainer } = resumeRun(dir, 1);
  await trainer.fit();
  const top = await zoo.readTorchFile(join(dir, 'last.pyth')) as Map<string, any>;
  assert.equal([...top.keys()], ['model_state', 'optimizer_state', 'epoch', 'step', 'rng_state', 'best_metric', 'trainer']);
  assert.is(top.get('epoch'), 3);
  assert.is(top.get('step'), 12);
  assert.equal([...top.get('model_state').keys()], Object.keys(model.stateDict()));
  const opt = top.get('optimizer_state');
  assert.is(opt.get('param_groups').length, 2);
  assert.is(opt.get('param_groups')[1].get('weight_decay'), 0);
  assert.ok(opt.get('state').get(0).get('momentum_buffer') instanceof Tensor);
  const best = await zoo.readCheckpoint(join(dir, 'best.pyth'));
  assert.is(best.size, Object.keys(model.stateDict()).length);
  for (const t of best.values()) t.dispose();
  const dispose = (v: any): void => { if (v instanceof Tensor) v.dispose(); else if (v instanceof Map) for (const x of v.values()) dispose(x); else if (Array.isArray(v)) v.forEach(dispose); };
  dispose(top);
  // A checkpoint of another architecture: a StateDictError naming the keys, nothing loaded.
  const other = new train.Trainer({ model: new TinyNet(5, 6), trainLoader: memoryLoader(toyBatches(1, 2, 3)), checkpointDir: dir, epochs: 1 });
  try {
    await other.fit();
    assert.unreachable('loading another model must fail');
  } catch (e) {
    assert.ok(e instanceof StateDictError, String(e));
    assert.match(String((e as Error).message), 'fc.weight');
  }
  other.model.dispose();
  trainer.optimizer.dispose(); model.dispose();
  rmSync(dir, { recursive: true });
});

test('log and plots: train.jsonl lines, curves.svg and confusion.svg are well-formed SVG', async () => {
  const dir = tmp();
  const { model, trainer } = resumeRun(dir, 2);
  const progress: train.Progress[] = [];
  (trainer.opts as any).onProgress = (p: train.Progress) => progress.push(p);
  await trainer.fit();
  assert.is(progress.length, 12);
  assert.equal(Object.keys(progress[0]).sort(), ['clipsPerSec', 'epoch', 'etaSec', 'loss', 'lr', 'step', 'totalSteps']);
  assert.ok(progress.every((p) => p.totalSteps === 12 && p.clipsPerSec > 0 && p.etaSec >= 0));
  assert.is(progress[11].etaSec, 0);
  // The warm-up: lr rises over the first epoch (4 steps) from 0.02.
  assert.ok(Math.abs(progress[0].lr - 0.02) < 1e-12 && progress[3].lr > progress[1].lr);
  // trainer.lrAt is the schedule the steps used (step k runs at lrAt(k)).
  progress.forEach((p, k) => assert.is(trainer.lrAt(k), p.lr));
  assert.is(trainer.lrAt(5, 4), progress[5].lr);
  const lines = readFileSync(join(dir, 'train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const ep = lines.filter((l) => l.type === 'epoch');
  assert.is(ep.length, 3);
  assert.ok(ep.every((e) => typeof e.val.top1 === 'number' && typeof e.trainLoss === 'number'));
  for (const f of ['curves.svg', 'confusion.svg']) {
    assert.ok(existsSync(join(dir, f)), f);
    assertWellFormedSvg(readFileSync(join(dir, f), 'utf8'), f);
  }
  const curves = readFileSync(join(dir, 'curves.svg'), 'utf8');
  for (const label of ['Loss', 'Accuracy', 'Learning rate', 'step', 'top-1 (%)']) assert.ok(curves.includes(`>${label}<`), label);
  assert.is((curves.match(/<path /g) ?? []).length >= 4, true);
  assertWellFormedSvg(train.confusionSvg([[3, 1], [0, 4]], ['left & up', '<right>']), 'escaped names');
  trainer.optimizer.dispose(); model.dispose();
  rmSync(dir, { recursive: true });
});

/** A "model" whose input is its logits, to check the view averaging exactly. */
class PassThrough extends nn.Module {
  w = this.registerParameter('w', Tensor.from([1], [1]));
  override forward(x: Tensor): Tensor { return ops.mul(x, this.w); }
}

test('evaluate: softmax scores averaged over the views of each video (video_index), top-1/top-5/mAP', async () => {
  // 2 videos x 3 views, 3 classes. Video 0 (label 2): one confident view says class 0, two mild ones say 2.
  const logits = [
    [4, 0, 0], [0, 0, 1], [0, 0, 1],
    [0, 2, 0], [0, 2, 0], [3, 0, 0],
  ];
  const batches = [
    { video: Float32Array.from(logits.slice(0, 4).flat()), shape: [4, 3], label: Int32Array.from([2, 2, 2, 1]), videoIndex: [0, 0, 0, 1] },
    { video: Float32Array.from(logits.slice(4).flat()), shape: [2, 3], label: Int32Array.from([1, 1]), videoIndex: [1, 1] },
  ];
  const t = new train.Trainer({ model: new PassThrough(), lr: 0.1 });
  const r = await t.evaluate(memoryLoader(batches), { views: { temporal: 3, spatial: 1 } });
  const sm = (v: number[]) => { const e = v.map(Math.exp), s = e.reduce((a, b) => a + b); return e.map((x) => x / s); };
  const avg = (rows: number[][]) => rows.map(sm).reduce((a, b) => a.map((x, i) => x + b[i])).map((x) => x / rows.length);
  const v0 = avg(logits.slice(0, 3)), v1 = avg(logits.slice(3));
  for (let k = 0; k < 3; k++) {
    assert.ok(Math.abs(r.scores[k] - v0[k]) < 1e-6 && Math.abs(r.scores[3 + k] - v1[k]) < 1e-6);
  }
  assert.is(r.numVideos, 2); assert.is(r.numClips, 6); assert.is(r.viewMismatches, 0);
  const expectTop1 = (v0.indexOf(Math.max(...v0)) === 2 ? 0.5 : 0) + (v1.indexOf(Math.max(...v1)) === 1 ? 0.5 : 0);
  assert.is(r.top1, expectTop1);
  assert.is(r.top5, 1);
  assert.equal(r.confusion!.map((row) => row.reduce((a, b) => a + b)), [0, 1, 1]);
  // Without video_index every clip is a video; with a wrong views count, mismatches are reported.
  const single = batches.map((b) => ({ ...b, videoIndex: undefined }));
  const r1 = await t.evaluate(memoryLoader(single), { views: { temporal: 2 } });
  assert.is(r1.numVideos, 6); assert.is(r1.viewMismatches, 6);
  // Multi-label (f32 [N, C] targets): mAP, no top-1.
  const ml = [{ video: Float32Array.from([2, 0, 1, 0, 3, 1]), shape: [2, 3], label: Float32Array.from([1, 0, 1, 0, 1, 0]), labelShape: [2, 3] }];
  const tb = new train.Trainer({ model: new PassThrough(), loss: 'bce' });
  const rm = await tb.evaluate(memoryLoader(ml));
  tb.model.dispose();
  assert.ok(Number.isNaN(rm.top1));
  assert.ok(Math.abs(rm.mAP - train.meanAveragePrecision(rm.scores, [1, 0, 1, 0, 1, 0], 3).mAP) < 1e-9);
  assert.is(rm.confusion, null);
  t.model.dispose();
});

test('pluggable step: a custom objective replaces forward + loss; trainer still steps, clips and logs', async () => {
  manualSeed(4);
  const model = new TinyNet(3, 4);
  let calls = 0;
  const trainer = new train.Trainer({
    model, optimizer: 'sgd', lr: 0.05, schedule: 'constant', epochs: 10, gradClip: 1,
    trainLoader: memoryLoader(toyBatches(1, 4, 3)),
    // e.g. an SSL-style objective: pull the logits towards zero
    step: (batch, tr) => { calls++; const y = tr.model.forward(batch.video as Tensor) as Tensor; return ops.mean(ops.mul(y, y)); },
  });
  await trainer.fit();
  const l = trainer.history.filter((h) => h.type === 'step').map((h) => (h as train.StepRecord).loss);
  assert.is(calls, 10);
  assert.ok(l[9] < l[0] * 0.5, `loss ${l[0]} -> ${l[9]}`);
  assert.ok(trainer.history.filter((h) => h.type === 'step').every((h) => (h as train.StepRecord).top1 === undefined));
  trainer.optimizer.dispose(); model.dispose();
});

test('bad options: typed errors', async () => {
  const model = new TinyNet(3, 4);
  assert.throws(() => new train.Trainer({ model, optimizer: 'rmsprop' as any }), (e: unknown) => e instanceof ArgumentError && /rmsprop/.test(String(e)));
  assert.throws(() => new train.Trainer({ model, loss: 'hinge' as any }), (e: unknown) => e instanceof ArgumentError && /hinge/.test(String(e)));
  const noLen = { *[Symbol.iterator]() { /* nothing */ } } as unknown as train.Loader;
  await new train.Trainer({ model, trainLoader: noLen, schedule: 'cosine' }).fit().then(
    () => assert.unreachable('no length'), (e) => assert.ok(e instanceof ArgumentError && /length/.test(String(e))));
  await new train.Trainer({ model }).fit().then(() => assert.unreachable('no loader'), (e) => assert.ok(e instanceof ArgumentError));
  model.dispose();
  // A head ending in Softmax (create_x3d's default) is reported: cross entropy wants logits.
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warned.push(m);
  try {
    const x3d = (await import('../../ts/node.js')).models.createX3d({ inputClipLength: 4, inputCropSize: 32, modelNumClass: 3, widthFactor: 0.5, depthFactor: 0.4, headDimOut: 8 });
    new train.Trainer({ model: x3d, lr: 0.1 });
    assert.is(warned.length, 1);
    assert.match(warned[0], 'headActivation: null');
    x3d.dispose();
  } finally { console.warn = warn; }
});

test('memory is flat over 1000 steps (tidy per step, batches disposed, optimizer state reused)', async () => {
  manualSeed(5);
  const model = new TinyNet(3, 6, 0.2);
  const samples: { step: number; tensors: number; bytes: number }[] = [];
  const trainer = new train.Trainer({
    model, optimizer: 'sgd', lr: 0.05, maxSteps: 1000, epochs: 334, mixup: { alpha: 0.5 }, gradClip: 2,
    trainLoader: memoryLoader(toyBatches(3, 4, 3)),
    onProgress: (p) => { if (p.step === 10 || p.step === 1000) { const m = memoryStats(); samples.push({ step: p.step, tensors: m.liveTensors, bytes: m.liveBytes }); } },
  });
  await trainer.fit();
  assert.is(trainer.step, 1000);
  console.log(`  memory: step 10 ${samples[0].tensors} tensors / ${samples[0].bytes} B, step 1000 ${samples[1].tensors} tensors / ${samples[1].bytes} B`);
  assert.is(samples[1].tensors, samples[0].tensors);
  assert.is(samples[1].bytes, samples[0].bytes);
  trainer.optimizer.dispose(); model.dispose();
});

test.run();
