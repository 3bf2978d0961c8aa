// Frame datasets on tiny generated trees of real JPEG frames: Charades (frame lists, per-frame
// multi-labels), Something-Something v2 (frame lists + label JSON, segment frame sampling),
// AVA (frame lists, box csv, label map -> boxes and labels per key frame), and frame folders
// in a LabeledVideoDataset.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Tensor } from '../../ts/node.js';
import { makeClipSampler } from '../../ts/data/clip_sampling.js';
import { Charades, SSv2, Ava, LabeledVideoDataset, DataLoader, ssv2FrameFilter, uniformFrameFilter, type ClipDict } from '../../ts/data/datasets/index.js';
import { placeFrames, tinyFrames } from '../helpers/dataset_tree.js';

const root = mkdtempSync(join(tmpdir(), 'vidwasm-frames-'));
const frames = join(root, 'frames');
// two videos of 30 and 75 frames (1 s and 2.5 s at 30 fps)
const vA = placeFrames(tinyFrames(30, 'A_', 0), join(frames, 'A'));
const vB = placeFrames(tinyFrames(75, 'B_', 90), join(frames, 'B'));

async function collect(ds: AsyncIterable<ClipDict>): Promise<ClipDict[]> { const o: ClipDict[] = []; for await (const c of ds) o.push(c); return o; }
function dispose(cs: ClipDict[]): void { for (const c of cs) for (const v of Object.values(c)) for (const t of [v].flat()) if (t instanceof Tensor && !t.isDisposed) t.dispose(); }

/** A PySlowFast frame list: header, then "original_vido_id video_id frame_id path labels". */
function frameList(file: string, labelsOf: (video: string, i: number) => string): void {
  const rows = ['original_vido_id video_id frame_id path labels'];
  [['A', vA], ['B', vB]].forEach(([name, paths], vid) => (paths as string[]).forEach((p, i) => rows.push(`${name} ${vid} ${i} ${relative(frames, p)} ${labelsOf(name as string, i)}`)));
  writeFileSync(file, rows.join('\n') + '\n');
}

test('Charades: frame lists, per-frame labels over the clip span, video_label union', async () => {
  const list = join(root, 'charades_train.csv');
  // A: frames 0-14 labelled 3, 15-29 labelled 3 and 7; B: no labels then 1
  frameList(list, (v, i) => (v === 'A' ? (i < 15 ? '"3"' : '"3,7"') : i < 20 ? '""' : '"1"'));
  const ds = Charades({ dataPath: list, videoPathPrefix: frames, clipSampler: makeClipSampler('uniform', 0.5), videoSampler: 'sequential' });
  assert.is(ds.numVideos, 2);
  const clips = await collect(ds);
  assert.equal(clips.map((c) => [c.video_index, c.clip_index, c.video_name]), [[0, 0, '0'], [0, 1, '0'], [1, 0, '1'], [1, 1, '1'], [1, 2, '1'], [1, 3, '1'], [1, 4, '1']]);
  assert.equal(clips[0].video.shape, [3, 15, 24, 32]);
  assert.equal(Object.keys(clips[0]).sort(), ['aug_index', 'clip_index', 'label', 'video', 'video_index', 'video_label', 'video_name']);
  assert.equal(clips[0].label, Array(15).fill([3]));
  assert.equal(clips[1].label, Array(15).fill([3, 7]));
  assert.equal(clips[0].video_label, [3, 7]);
  assert.equal(clips[3].label.slice(4, 6), [[], [1]], 'frames 19 and 20 of B');
  dispose(clips);
  // framesPerClip: uniform frames over the clip
  const ds8 = Charades({ dataPath: list, videoPathPrefix: frames, clipSampler: makeClipSampler('random', 1.0), framesPerClip: 4, videoSampler: 'sequential' });
  const c8 = await collect(ds8);
  assert.equal(c8.map((c) => c.video.shape[1]), [4, 4]);
  dispose(c8);
  assert.equal(uniformFrameFilter(4)([10, 11, 12, 13, 14, 15, 16]), [10, 12, 14, 16]);
});

test('SSv2: label JSON templates, the whole video per clip, segment frame sampling', async () => {
  const list = join(root, 'ssv2_train.csv');
  frameList(list, () => '""');
  const labels = join(root, 'labels.json'), train = join(root, 'train.json');
  writeFileSync(labels, JSON.stringify({ 'Pushing something from left to right': '0', 'Putting something on a surface': '1' }));
  writeFileSync(train, JSON.stringify([
    { id: 'B', label: 'putting a cup on a table', template: 'Putting [something] on a surface', placeholders: ['a cup'] },
    { id: 'Z', label: 'not in the frame list', template: 'Pushing [something] from left to right', placeholders: [] },
    { id: 'A', label: 'pushing a pen', template: 'Pushing [something] from left to right', placeholders: ['a pen'] },
  ]));
  const ds = SSv2({ labelNameFile: labels, videoLabelFile: train, videoPathLabelFile: list, videoPathPrefix: frames, clipSampler: makeClipSampler('constant_clips_per_video', 1.0, 2), framesPerClip: 8, videoSampler: 'sequential' });
  assert.is(ds.numVideos, 2, 'videos missing from the frame list are dropped');
  const clips = await collect(ds);
  assert.equal(clips.map((c) => [c.label, c.video_index, c.clip_index, c.video_name]), [[1, 0, 0, '0'], [1, 0, 1, '0'], [0, 1, 0, '1'], [0, 1, 1, '1']]);
  assert.equal(clips[0].video.shape, [3, 8, 24, 32], 'framesPerClip frames of the whole video');
  dispose(clips);
  // middle frame of each segment: (n-1)/k-wide segments, numpy rounding
  assert.equal(ssv2FrameFilter(4, false)(Array.from({ length: 45 }, (_, i) => i)), [5, 16, 27, 38]);
});

test('AVA: frame lists, box csv (valid seconds only), label map, merged boxes -> boxes and labels per key frame', async () => {
  const list = join(root, 'ava_train.csv');
  frameList(list, () => '""');
  const boxes = join(root, 'ava_train_v2.2.csv');
  writeFileSync(boxes, [
    'A,0901,0.1,0.1,0.5,0.9,12,0', // outside the annotated seconds (902..1798): dropped
    'B,0902,0.100,0.200,0.300,0.400,12,1',
    'B,0902,0.1001,0.2001,0.3,0.4,80,1', // same box to two decimals: merged
    'B,0902,0.5,0.5,0.9,0.9,99,2', // not in the label map: dropped
    'B,0902,0.6,0.1,0.9,0.5,14,3',
  ].join('\n') + '\n');
  const labelMap = join(root, 'ava_action_list_v2.2.pbtxt');
  writeFileSync(labelMap, 'item {\n  name: "bend/bow (at the waist)"\n  id: 1\n}\nitem {\n  name: "stand"\n  id: 12\n}\nitem {\n  name: "walk"\n  id: 14\n}\nitem {\n  name: "watch (a person)"\n  id: 80\n}\n');
  const ds = Ava({ framePathsFile: list, frameLabelsFile: boxes, labelMapFile: labelMap, videoPathPrefix: frames, clipSampler: makeClipSampler('random', 0.4), videoSampler: 'sequential' });
  assert.is(ds.numVideos, 1, 'one annotated key frame (B at second 902 -> 2 s into the frames)');
  const [clip, ...rest] = await collect(ds);
  assert.is(rest.length, 0);
  assert.equal(clip.video.shape, [3, 12, 24, 32], '0.4 s around second 2 at 30 fps');
  assert.is(clip.video_index, 1);
  assert.is(clip.clip_index, 2);
  assert.is(clip.video_name, 'B');
  assert.equal(clip.boxes.shape, [2, 4]);
  assert.equal(Array.from(clip.boxes.toArray() as Float32Array).map((x) => Math.round(x * 100) / 100), [0.1, 0.2, 0.3, 0.4, 0.6, 0.1, 0.9, 0.5]);
  assert.equal(clip.labels, [[12, 80], [14]]);
  assert.equal(clip.extra_info, [[1, 1], [3]]);
  assert.ok(!('audio' in clip));
  dispose([clip]);
  // Through the loader: boxes collate to [K, 5] with the batch index first.
  for await (const b of new DataLoader(ds, { batchSize: 2, seed: 0 })) {
    assert.equal(b.boxes.shape, [2, 5]);
    assert.equal(Array.from(b.boxes.toArray() as Float32Array).filter((_, i) => i % 5 === 0), [0, 0]);
    assert.equal(b.video.shape, [1, 3, 12, 24, 32]);
    for (const v of Object.values(b)) for (const t of [v].flat()) if (t instanceof Tensor) t.dispose();
  }
});

test('frame folders in a LabeledVideoDataset (PyTorchVideo: a directory is a frame video)', async () => {
  const ds = new LabeledVideoDataset([[join(frames, 'A'), { label: 5 }], [join(frames, 'B'), { label: 6 }]], makeClipSampler('uniform', 1.0), { videoSampler: 'sequential' });
  const clips = await collect(ds);
  assert.equal(clips.map((c) => [c.video_name, c.clip_index, c.label, c.video.shape[1]]), [['A', 0, 5, 30], ['B', 0, 6, 30], ['B', 1, 6, 30]]);
  assert.ok(!('audio' in clips[0]));
  dispose(clips);
});

test.run();
