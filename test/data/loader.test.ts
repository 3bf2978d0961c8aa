// DataLoader: batch shapes and collation, seeded shuffle, dropLast, numWorkers 0 vs 2 giving
// the same batches, bad videos through workers, and flat memory across epochs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { memoryStats, Tensor } from '../../ts/node.js';
import { makeClipSampler } from '../../ts/data/clip_sampling.js';
import { VideoDecodeError } from '../../ts/data/errors.js';
import { LabeledVideoDataset, DataLoader, DistributedSampler, defaultCollate, collateBoxes } from '../../ts/data/datasets/index.js';
import { badMedia } from '../helpers/media.js';
import { transform } from '../helpers/loader_transform.js';
import { root, videos, disposeBatch, makeDs, all } from '../helpers/loader_fixture.js';


test('batches: stacked video [B, C, T, H, W], lists of labels and names, last batch kept; length', async () => {
  const loader = new DataLoader(makeDs(), { batchSize: 2, seed: 1 });
  assert.is(loader.length, 3);
  const bs = await all(loader);
  assert.equal(bs.map((b) => b.shape), [[2, 3, 4, 16, 16], [2, 3, 4, 16, 16], [1, 3, 4, 16, 16]]);
  assert.equal(bs.map((b) => b.label), [[0, 1], [2, 3], [4]]);
  assert.equal(bs[0].names, ['v0', 'v1']);
});

test('dropLast drops the incomplete batch', async () => {
  const loader = new DataLoader(makeDs(), { batchSize: 2, dropLast: true, seed: 1 });
  assert.is(loader.length, 2);
  assert.equal((await all(loader)).map((b) => b.label), [[0, 1], [2, 3]]);
});

test('seeded shuffle: same seed same order and pixels, other seed other order, epochs differ', async () => {
  const a = await all(new DataLoader(makeDs(), { batchSize: 5, shuffle: true, seed: 7 }));
  const b = await all(new DataLoader(makeDs(), { batchSize: 5, shuffle: true, seed: 7 }));
  const c = await all(new DataLoader(makeDs(), { batchSize: 5, shuffle: true, seed: 8 }));
  assert.equal(a, b);
  assert.equal([...a[0].label].sort(), [0, 1, 2, 3, 4]);
  assert.not.equal(a[0].label, c[0].label);
  const l = new DataLoader(makeDs(), { batchSize: 5, shuffle: true, seed: 7 });
  const e0 = await all(l), e1 = await all(l);
  assert.equal(e0, a);
  assert.not.equal(e0[0].label, e1[0].label, 'epoch 1 reshuffles');
});

test('numWorkers 0 and 2 give the same batches (same seed)', async () => {
  const w0 = await all(new DataLoader(makeDs(), { batchSize: 2, shuffle: true, seed: 11 }));
  const w2 = await all(new DataLoader(makeDs(), { batchSize: 2, shuffle: true, seed: 11, numWorkers: 2 }));
  assert.equal(w2, w0);
});

test('distributed: ranks of a DistributedSampler dataset cover every video once per epoch, shuffled or not', async () => {
  for (const shuffle of [false, true]) {
    const seen: number[] = [];
    for (const rank of [0, 1]) {
      const ds = new LabeledVideoDataset(videos.slice(0, 4), makeClipSampler('random', 0.3), { transform, decodeAudio: false, videoSampler: (n) => new DistributedSampler(n, { worldSize: 2, rank, seed: 3 }) });
      for await (const b of new DataLoader(ds, { batchSize: 4, shuffle, seed: 1 })) { seen.push(...b.label); disposeBatch(b); }
    }
    assert.equal(seen.sort(), [0, 1, 2, 3], `shuffle ${shuffle}`);
  }
});

test('workers: bad videos are skipped and counted in the dataset, or fail with the file named', async () => {
  const bad: Array<[string, Record<string, unknown>]> = [[badMedia('garbage'), { label: 9 }], [join(root, 'missing.mp4'), { label: 8 }]];
  const ds = makeDs(bad, true);
  const bs = await all(new DataLoader(ds, { batchSize: 3, numWorkers: 2, seed: 1 }));
  assert.equal(bs.flatMap((b) => b.label), [0, 1, 2, 3, 4]);
  assert.is(ds.skipped, 2);
  assert.equal(ds.skippedVideos.map((s) => s.reason).sort(), ['missing', 'unreadable']);
  try {
    await all(new DataLoader(makeDs(bad, false), { batchSize: 3, numWorkers: 2, seed: 1 }));
    assert.unreachable('no error');
  } catch (e) {
    assert.ok(e instanceof VideoDecodeError, String(e));
    assert.is((e as VideoDecodeError).path, badMedia('garbage'));
    assert.ok((e as Error).message.includes(badMedia('garbage')));
  }
});

test('collate: boxes become [K, 5] with the batch index first; bad shapes are typed errors', () => {
  const items = [
    { video: Tensor.zeros([3, 2, 4, 4]), boxes: Tensor.from(new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.6, 0.6]), [2, 4]), labels: [[1], [2, 3]] },
    { video: Tensor.ones([3, 2, 4, 4]), boxes: Tensor.from(new Float32Array([0, 0, 1, 1]), [1, 4]), labels: [[4]] },
  ];
  const b = defaultCollate(items);
  assert.equal(b.video.shape, [2, 3, 2, 4, 4]);
  assert.equal(b.boxes.shape, [3, 5]);
  assert.equal(Array.from(b.boxes.toArray() as Float32Array).map((x) => Math.round(x * 10) / 10), [0, 0.1, 0.2, 0.3, 0.4, 0, 0.5, 0.5, 0.6, 0.6, 1, 0, 0, 1, 1]);
  assert.equal(b.labels, [[[1], [2, 3]], [[4]]]);
  assert.ok(items[0].video.isDisposed, 'collate owns the items');
  disposeBatch(b);
  const before = memoryStats().liveTensors;
  assert.throws(() => defaultCollate([{ video: Tensor.zeros([3, 2, 4, 4]) }, { video: Tensor.zeros([3, 2, 4, 5]) }]), (e: Error) => e.name === 'ShapeError' && /\[3, 2, 4, 5\]/.test(e.message));
  assert.is(memoryStats().liveTensors, before, 'a failed collate frees everything');
  assert.throws(() => collateBoxes([Tensor.zeros([2, 3])]), (e: Error) => e.name === 'ShapeError');
});

test('memory stays flat across epochs (workers and inline)', async () => {
  for (const numWorkers of [0, 2]) {
    const loader = new DataLoader(makeDs(), { batchSize: 2, shuffle: true, seed: 3, numWorkers });
    // the first epoch starts the workers; later epochs reuse them
    await all(loader);
    const base = memoryStats();
    for (let e = 0; e < 2; e++) await all(loader);
    assert.equal(memoryStats(), base, `numWorkers ${numWorkers}`);
    if (numWorkers) assert.equal(loader.workerMemory(), [{ liveTensors: 0, liveBytes: 0 }, { liveTensors: 0, liveBytes: 0 }], 'workers keep nothing');
    await loader.close();
  }
});

test.run();
