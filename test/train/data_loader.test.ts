// The Trainer on ts/data's DataLoader (map-style in-memory dataset): list labels from the default
// collate, shuffled order that follows the epoch, a transform that reseeds vidwasm's generator
// per clip, and a resumed run that continues the identical loss curve; multi-label lists too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor, train, manualSeed, ops } from '../../ts/node.js';
import { DataLoader } from '../../ts/data/loader/data_loader.js';
import { random } from '../../ts/runtime/random.js';
import { toyBatches, TinyNet } from './helpers.js';

/** A map-style dataset of toy clips; the transform adds seeded noise (draws from vidwasm's generator). */
function toyDataset(n: number, classes: number, multiLabel = false) {
  const raw = toyBatches(1, n, classes, [3, 2, 8, 8], 21)[0];
  const per = 3 * 2 * 8 * 8;
  return {
    length: n,
    transform: (c: Record<string, any>) => {
      const noisy = ops.add(c.video, Tensor.from(Float32Array.from({ length: per }, () => (random.uniform() - 0.5) * 0.1), [3, 2, 8, 8]));
      c.video.dispose();
      return { ...c, video: noisy };
    },
    async getItem(i: number) {
      const y = raw.label[i];
      return { video: Tensor.from(raw.video.slice(i * per, (i + 1) * per), [3, 2, 8, 8]), label: multiLabel ? [y, (y + 1) % classes] : y, video_index: i };
    },
    toSpec: () => null,
  };
}

function run(dir: string, initSeed: number) {
  manualSeed(initSeed);
  const model = new TinyNet(4, 6, 0.25);
  const trainer = new train.Trainer({
    model, optimizer: 'sgd', lr: 0.1, schedule: 'cosine', epochs: 3, labelSmoothing: 0.1,
    trainLoader: new DataLoader(toyDataset(24, 4) as any, { batchSize: 4, shuffle: true, seed: 5 }) as unknown as train.Loader,
    valLoader: new DataLoader(toyDataset(8, 4) as any, { batchSize: 4, seed: 6 }) as unknown as train.Loader,
    checkpointDir: dir, checkpointEvery: 3, seed: 3,
  });
  return { model, trainer };
}

const losses = (t: train.Trainer) => t.history.filter((h) => h.type === 'step').map((h) => (h as train.StepRecord).loss);

test('DataLoader batches (labels as lists) train, and a resumed run repeats the straight loss curve', async () => {
  const dA = mkdtempSync(join(tmpdir(), 'vw-dl-')), dB = mkdtempSync(join(tmpdir(), 'vw-dl-'));
  const a = run(dA, 1);
  const ra = await a.trainer.fit();
  assert.is(ra.step, 18);
  assert.ok(ra.lastVal && ra.lastVal.numVideos === 8);
  const b = run(dB, 1);
  await b.trainer.fit({ stopAtStep: 8 }); // epoch 1, 2 batches in
  b.trainer.optimizer.dispose(); b.model.dispose();
  const c = run(dB, 77); // new loader objects: their epoch counters start at 0 again
  await c.trainer.fit();
  assert.equal(losses(c.trainer), losses(a.trainer));
  const l = losses(a.trainer);
  console.log(`  DataLoader run: loss ${l[0].toFixed(3)} -> ${l[l.length - 1].toFixed(3)}, val top-1 ${ra.lastVal!.top1}`);
  for (const x of [a, c]) { x.trainer.optimizer.dispose(); x.model.dispose(); }
  rmSync(dA, { recursive: true }); rmSync(dB, { recursive: true });
});

test('multi-label lists (Charades style) with bce: multi-hot targets, mAP in evaluation', async () => {
  manualSeed(2);
  const model = new TinyNet(4, 6);
  const trainer = new train.Trainer({
    model, optimizer: 'adamw', lr: 0.02, schedule: 'constant', epochs: 8, loss: 'bce',
    trainLoader: new DataLoader(toyDataset(16, 4, true) as any, { batchSize: 8, seed: 1 }) as unknown as train.Loader,
  });
  await trainer.fit();
  const l = losses(trainer);
  assert.ok(l[l.length - 1] < l[0], `bce loss ${l[0]} -> ${l[l.length - 1]}`);
  const r = await trainer.evaluate(new DataLoader(toyDataset(16, 4, true) as any, { batchSize: 8, seed: 1 }) as unknown as train.Loader);
  assert.ok(Number.isNaN(r.top1) && r.mAP > 0.5, `mAP ${r.mAP}`);
  assert.is(r.labels.length, 16 * 4);
  trainer.optimizer.dispose(); model.dispose();
});

test('list labels out of range: an ArgumentError naming the clip', async () => {
  const model = new TinyNet(3, 4);
  const t = new train.Trainer({ model, lr: 0.1 });
  const bad = [{ video: Tensor.zeros([2, 3, 2, 8, 8]), label: [[0], [7]] as number[][] }];
  await t.evaluate(bad as any).then(() => assert.unreachable(), (e) => assert.match(String(e), 'clip 1'));
  model.dispose();
});

test.run();
