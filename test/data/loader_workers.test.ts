// DataLoader with worker-side work: the Kinetics training pipeline through 2 workers,
// and transformModule (workers transform in parallel) giving the inline loader's batches.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import '../../ts/node.js';
import { makeClipSampler } from '../../ts/data/clip_sampling.js';
import { LabeledVideoDataset, DataLoader } from '../../ts/data/datasets/index.js';
import * as T from '../../ts/data/transforms/index.js';
import { Kinetics } from '../../ts/data/datasets/index.js';
import { writeFileSync } from 'node:fs';
import { root, videos, disposeBatch, makeDs, all } from '../helpers/loader_fixture.js';


test('the issue example: Kinetics + the training transforms + DataLoader with 2 workers', async () => {
  const csv = join(root, 'train.csv');
  writeFileSync(csv, videos.map(([p, i]) => `${p} ${i.label}`).join('\n') + '\n');
  const ds = Kinetics({
    dataPath: csv, clipSampler: makeClipSampler('random', 0.8), decoder: 'ffmpeg', decodeAudio: false,
    transform: T.ApplyTransformToKey('video', T.Compose([
      T.UniformTemporalSubsample(8), T.ConvertUint8ToFloat(), T.Normalize([0.45, 0.45, 0.45], [0.225, 0.225, 0.225]),
      T.RandomShortSideScale(24, 28), T.RandomCrop(16), T.RandomHorizontalFlip(0.5)])),
  });
  const run = async (numWorkers: number) => {
    const loader = new DataLoader(ds, { batchSize: 2, numWorkers, shuffle: true, seed: 5 });
    const out: Array<[readonly number[], string, number[]]> = [];
    for await (const b of loader) {
      out.push([b.video.shape, b.video.dtype, Array.from(b.video.toArray() as Float32Array).slice(0, 64)]);
      disposeBatch(b);
    }
    await loader.close();
    return out;
  };
  const w2 = await run(2);
  assert.equal(w2.map((b) => b[0]), [[2, 3, 8, 16, 16], [2, 3, 8, 16, 16], [1, 3, 8, 16, 16]]);
  assert.is(w2[0][1], 'f32');
  assert.equal(await run(0), w2, 'random transforms too: same seed, same batches');
});

test('transformModule: workers transform in parallel, same batches as the dataset transform inline', async () => {
  const url = new URL('../helpers/loader_transform.ts', import.meta.url).href;
  const inline = await all(new DataLoader(makeDs(), { batchSize: 2, shuffle: true, seed: 21 }));
  const ds = new LabeledVideoDataset(videos, makeClipSampler('random', 0.5), { decodeAudio: false, videoSampler: 'sequential' });
  const l = new DataLoader(ds, { batchSize: 2, shuffle: true, seed: 21, numWorkers: 2, transformModule: url });
  assert.equal(await all(l), inline);
  await l.close();
  const l0 = new DataLoader(ds, { batchSize: 2, shuffle: true, seed: 21, transformModule: url });
  assert.equal(await all(l0), inline, 'without workers the module transform runs here');
});


test.run();
