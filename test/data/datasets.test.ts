// LabeledVideoDataset and the csv / class-tree datasets (Kinetics, UCF101, HMDB51) on tiny
// generated trees of real mp4s: clip dict keys and values, clip and aug indices, labels, video
// samplers, and bad media (skipped and counted, or a typed error naming the file).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStats } from '../../ts/node.js';
import { makeClipSampler } from '../../ts/data/clip_sampling.js';
import { VideoDecodeError } from '../../ts/data/errors.js';
import {
  Kinetics, UCF101, HMDB51, LabeledVideoPaths, LabeledVideoDataset, labeledVideoDataset, DatasetFileError,
  DistributedSampler, RandomSampler, SequentialSampler, type ClipDict,
} from '../../ts/data/datasets/index.js';
import { badMedia, media } from '../helpers/media.js';
import { place, tinyMp4 } from '../helpers/dataset_tree.js';

const root = mkdtempSync(join(tmpdir(), 'vidwasm-ds-'));
// <class>/<video>.mp4 tree: classes sorted -> 0 'archery', 1 'bowling'
const tree = join(root, 'tree');
place(tinyMp4(1, 0), join(tree, 'bowling', 'b1.mp4'));
place(tinyMp4(2, 60), join(tree, 'archery', 'a2.mp4'));
place(tinyMp4(1, 120), join(tree, 'archery', 'a1.mp4'));
writeFileSync(join(tree, 'archery', 'notes.txt'), 'not a video');

async function collect(ds: AsyncIterable<ClipDict>): Promise<ClipDict[]> {
  const out: ClipDict[] = [];
  for await (const c of ds) out.push(c);
  return out;
}
function dispose(cs: ClipDict[]): void {
  for (const c of cs) for (const v of Object.values(c)) for (const t of [v].flat()) if (t && typeof t.dispose === 'function' && !t.isDisposed) t.dispose();
}

test('LabeledVideoPaths: class tree (sorted classes, recursive, .mp4/.avi only) and csv rows', () => {
  const p = LabeledVideoPaths.fromPath(tree);
  assert.equal(p.classes, ['archery', 'bowling']);
  assert.equal(p.toArray().map(([s, i]) => [String(s).slice(tree.length + 1), i.label]), [['archery/a1.mp4', 0], ['archery/a2.mp4', 0], ['bowling/b1.mp4', 1]]);
  const csv = join(root, 'rows.csv');
  writeFileSync(csv, 'a/x y.mp4 3\nb.mp4,7\nc.mp4, 2\n\nd.mp4\n');
  const q = LabeledVideoPaths.fromPath(csv);
  q.pathPrefix = '/data';
  // rsplit(None, 1) as PyTorchVideo: "b.mp4,7" is one field (label -1), "c.mp4, 2" splits at the space
  assert.equal(q.toArray(), [['/data/a/x y.mp4', { label: 3 }], ['/data/b.mp4,7', { label: -1 }], ['/data/c.mp4,', { label: 2 }], ['/data/d.mp4', { label: -1 }]]);
  // a class folder without a video is an error (torchvision's make_dataset)
  const withEmpty = join(root, 'tree_with_empty');
  place(tinyMp4(1, 120), join(withEmpty, 'archery', 'a1.mp4'));
  mkdirSync(join(withEmpty, 'empty_class'));
  assert.throws(() => LabeledVideoPaths.fromPath(withEmpty), (e: Error) => e instanceof DatasetFileError && e.message.includes('empty_class'));
  writeFileSync(csv, 'a.mp4 cat\n');
  assert.throws(() => LabeledVideoPaths.fromCsv(csv), (e: Error) => e instanceof DatasetFileError && e.message.includes(csv));
  assert.throws(() => LabeledVideoPaths.fromPath(join(root, 'nope')), (e: Error) => e instanceof DatasetFileError && e.message.includes('nope'));
});

test('Kinetics over a csv: clip dict keys and values, uniform clips in order', async () => {
  const csv = join(root, 'train.csv');
  writeFileSync(csv, 'bowling/b1.mp4 1\narchery/a2.mp4 0\n');
  const ds = Kinetics({ dataPath: csv, videoPathPrefix: tree, clipSampler: makeClipSampler('uniform', 1.0), videoSampler: 'sequential' });
  assert.is(ds.numVideos, 2);
  const clips = await collect(ds);
  // 1 s video: one clip; 2 s video: two clips
  assert.equal(clips.map((c) => [c.video_name, c.video_index, c.clip_index, c.aug_index, c.label]), [['b1', 0, 0, 0, 1], ['a2', 1, 0, 0, 0], ['a2', 1, 1, 0, 0]]);
  for (const c of clips) {
    assert.equal(Object.keys(c).sort().join(), 'audio,aug_index,clip_index,label,video,video_index,video_name', `${c.video_name} clip ${c.clip_index}`);
    assert.equal(c.video.shape, [3, 15, 24, 32], 'u8 [3, T, H, W]: 15 frames in 1 s at 15 fps');
    assert.is(c.video.dtype, 'u8');
    assert.is(c.audio.rank, 1);
    assert.ok(Math.abs(c.audio.shape[0] - 16000) <= 400, `1 s of 16 kHz audio, got ${c.audio.shape[0]}`);
  }
  dispose(clips);
});

test('decodeAudio false drops the audio key; a transform sees and replaces the dict; null drops a clip', async () => {
  const seen: string[] = [];
  const ds = UCF101({
    dataPath: tree, clipSampler: makeClipSampler('random', 0.5), decodeAudio: false, videoSampler: 'sequential',
    transform: (c) => { seen.push(Object.keys(c).sort().join(',')); if (c.video_name === 'a2') { c.video.dispose(); return null; } return { video: c.video, label: c.label, extra: 1 }; },
  });
  const clips = await collect(ds);
  assert.equal(seen[0], 'aug_index,clip_index,label,video,video_index,video_name');
  assert.equal(clips.map((c) => [c.label, c.extra]), [[0, 1], [1, 1]]);
  assert.equal(clips[0].video.shape.slice(0, 2), [3, 8], '0.5 s -> 7 or 8 frames');
  dispose(clips);
});

test('decodeShortSide: ffmpeg decodes at the target size (aspect kept)', async () => {
  const ds = Kinetics({ dataPath: tree, clipSampler: makeClipSampler('random', 0.5), decodeAudio: false, decodeShortSide: 12 });
  const clips = await collect(ds);
  assert.equal(clips.map((c) => c.video.shape.slice(2)), [[12, 16], [12, 16], [12, 16]]);
  dispose(clips);
  assert.throws(() => new LabeledVideoDataset([], makeClipSampler('random', 0.5), { decodeShortSide: 0 }), (e: Error) => e.name === 'ArgumentError' && /decodeShortSide/.test(e.message));
  assert.throws(() => new LabeledVideoDataset([], { clipDuration: 1 } as never), (e: Error) => e.name === 'ArgumentError' && /clipSampler/.test(e.message));
  assert.throws(() => new LabeledVideoDataset([], makeClipSampler('random', 0.5), { decoder: 'pyav' as never }), (e: Error) => e.name === 'ArgumentError' && /pyav/.test(e.message));
});

test('constant_clips_per_video: clip and aug indices, every aug view its own tensor', async () => {
  const ds = labeledVideoDataset({ dataPath: tree, clipSampler: makeClipSampler('constant_clips_per_video', 0.5, 2, 2), videoSampler: 'sequential', decodeAudio: false });
  const clips = await collect(ds);
  assert.is(clips.length, 3 * 4);
  assert.equal(clips.slice(0, 4).map((c) => [c.video_index, c.clip_index, c.aug_index]), [[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1]]);
  assert.ok(clips[0].video !== clips[1].video, 'aug views are distinct tensors');
  assert.equal(Array.from(clips[0].video.data()), Array.from(clips[1].video.data()), 'same pixels');
  clips[0].video.dispose();
  assert.ok(!clips[1].video.isDisposed);
  dispose(clips);
});

test('random_multi: lists of clips per sample', async () => {
  const ds = Kinetics({ dataPath: tree, clipSampler: makeClipSampler('random_multi', 0.4, 3), videoSampler: 'sequential', decodeAudio: false });
  const clips = await collect(ds);
  assert.is(clips.length, 3);
  assert.is(clips[0].video.length, 3);
  assert.equal(clips[0].clip_index, [0, 0, 0]);
  assert.equal(clips[0].video[0].shape.slice(0, 1), [3]);
  dispose(clips);
});

test('HMDB51 split files: split_id / split_type, class-name labels, meta tags', async () => {
  const vids = join(root, 'hmdb'), splits = join(root, 'hmdb_splits');
  place(tinyMp4(1, 0), join(vids, 'brush_hair', 'April_brush_hair_u_nm_np1_ba_goo_0.avi'));
  place(tinyMp4(1, 60), join(vids, 'brush_hair', 'Blonde_brush_hair_f_nm_np2_le_med_1.avi'));
  place(tinyMp4(1, 120), join(vids, 'cartwheel', 'Boy_cartwheel_f_cm_np1_ri_med_0.avi'));
  mkdirSync(splits, { recursive: true });
  writeFileSync(join(splits, 'brush_hair_test_split1.txt'), 'April_brush_hair_u_nm_np1_ba_goo_0.avi 1 \nBlonde_brush_hair_f_nm_np2_le_med_1.avi 2 \n');
  writeFileSync(join(splits, 'cartwheel_test_split1.txt'), 'Boy_cartwheel_f_cm_np1_ri_med_0.avi 1 \n');
  writeFileSync(join(splits, 'cartwheel_test_split2.txt'), 'Boy_cartwheel_f_cm_np1_ri_med_0.avi 2 \n');
  const train = HMDB51({ dataPath: splits, videoPathPrefix: vids, clipSampler: makeClipSampler('random', 0.5), videoSampler: 'sequential', decodeAudio: false });
  assert.equal(train.videos.map(([p, i]) => [String(p).slice(vids.length + 1), i.label]), [['brush_hair/April_brush_hair_u_nm_np1_ba_goo_0.avi', 'brush_hair'], ['cartwheel/Boy_cartwheel_f_cm_np1_ri_med_0.avi', 'cartwheel']]);
  assert.equal(train.videos[0][1].meta_tags, ['u', 'nm', 'np1', 'ba', 'goo']);
  const test2 = HMDB51({ dataPath: splits, videoPathPrefix: vids, clipSampler: makeClipSampler('random', 0.5), splitId: 2, splitType: 'test' });
  assert.is(test2.videos.length, 1);
  const clips = await collect(train);
  assert.equal(clips.map((c) => c.label), ['brush_hair', 'cartwheel']);
  dispose(clips);
});

test('bad media: zero-byte, garbage and missing files are logged, counted and skipped', async () => {
  const missing = join(root, 'gone.mp4');
  const videos: Array<[string, Record<string, unknown>]> = [
    [badMedia('empty'), { label: 0 }], [join(tree, 'bowling', 'b1.mp4'), { label: 1 }],
    [badMedia('garbage'), { label: 2 }], [missing, { label: 3 }], [join(tree, 'archery', 'a1.mp4'), { label: 4 }],
  ];
  const logs: string[] = [];
  const ds = new LabeledVideoDataset(videos, makeClipSampler('random', 0.5), { skipBadVideos: true, videoSampler: 'sequential', decodeAudio: false, log: (m) => logs.push(m) });
  const clips = await collect(ds);
  assert.equal(clips.map((c) => c.label), [1, 4], 'iteration continues past bad files');
  assert.is(ds.skipped, 3);
  assert.equal(ds.skippedVideos.map((s) => [s.path, s.reason]), [[badMedia('empty'), 'empty'], [badMedia('garbage'), 'unreadable'], [missing, 'missing']]);
  assert.is(logs.length, 3);
  assert.ok(logs[2].includes(missing), logs[2]);
  dispose(clips);
});

test('bad media without skipBadVideos: a VideoDecodeError naming the file', async () => {
  for (const [p, reason] of [[badMedia('garbage'), 'unreadable'], [join(root, 'gone.mp4'), 'missing'], [badMedia('empty'), 'empty']] as const) {
    const ds = new LabeledVideoDataset([[join(tree, 'bowling', 'b1.mp4'), { label: 0 }], [p, { label: 1 }]], makeClipSampler('random', 0.5), { videoSampler: 'sequential', decodeAudio: false });
    const got: ClipDict[] = [];
    try {
      for await (const c of ds) got.push(c);
      assert.unreachable('no error');
    } catch (e) {
      assert.ok(e instanceof VideoDecodeError, String(e));
      assert.is((e as VideoDecodeError).path, p);
      assert.is((e as VideoDecodeError).reason, reason);
      assert.ok((e as Error).message.includes(p));
    }
    assert.is(got.length, 1, 'the good video came first');
    dispose(got);
  }
});

test('skipBadVideos gives up after maxConsecutiveFailures bad videos in a row', async () => {
  const bad = badMedia('garbage');
  const ds = new LabeledVideoDataset([[bad, {}], [bad, {}], [bad, {}]], makeClipSampler('random', 0.5), { skipBadVideos: true, maxConsecutiveFailures: 2, log: () => {} });
  try { await collect(ds); assert.unreachable('no error'); } catch (e) {
    assert.ok(e instanceof VideoDecodeError && /2 consecutive failures/.test(e.message), String(e));
  }
});

test('the per-file time limit stops a slow decode: a timeout error naming the file, or a skip', async () => {
  const hd = media('hd');
  const mk = (skipBadVideos: boolean) => new LabeledVideoDataset([[hd, { label: 0 }], [join(tree, 'bowling', 'b1.mp4'), { label: 1 }]], makeClipSampler('uniform', 2.0), { timeoutMs: 1, skipBadVideos, videoSampler: 'sequential', decodeAudio: false, log: () => {} });
  const ds = mk(true);
  const clips = await collect(ds);
  assert.equal([ds.skippedVideos[0].path, ds.skippedVideos[0].reason], [hd, 'timeout']);
  assert.is(clips.length + ds.skipped, 2, 'the tiny file decodes or times out too; nothing hangs');
  dispose(clips);
  try { await collect(mk(false)); assert.unreachable('no error'); } catch (e) {
    assert.ok(e instanceof VideoDecodeError && e.reason === 'timeout' && e.path === hd && e.message.includes(hd), String(e));
  }
});

test('video samplers: random is a seeded permutation, distributed shards cover every index once', () => {
  const a = [...new RandomSampler(10, { seed: 3 })], b = [...new RandomSampler(10, { seed: 3 })];
  assert.equal(a, b);
  assert.equal([...a].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const s = new RandomSampler(10, { seed: 3 });
  assert.not.equal([...s], [...s], 'each pass a new permutation');
  assert.equal([...new SequentialSampler(3)], [0, 1, 2]);
  for (const [n, world] of [[10, 3], [7, 2], [2, 4], [12, 4]]) {
    for (const shuffle of [false, true]) {
      const shards = Array.from({ length: world }, (_, r) => { const d = new DistributedSampler(n, { worldSize: world, rank: r, shuffle, seed: 5 }); d.setEpoch(1); return [...d]; });
      const len = Math.ceil(n / world);
      assert.ok(shards.every((x) => x.length === len), 'equal shards');
      const all = shards.flat();
      assert.equal([...new Set(all)].sort((x, y) => x - y), Array.from({ length: n }, (_, i) => i), `n=${n} world=${world}: every index`);
      assert.is(all.length - n, len * world - n, 'only padding repeats');
      if (len * world === n) assert.is(new Set(all).size, all.length, 'no repeats without padding');
    }
    const drop = Array.from({ length: world }, (_, r) => [...new DistributedSampler(n, { worldSize: world, rank: r, dropLast: true, shuffle: false })]).flat();
    assert.is(drop.length, Math.floor(n / world) * world);
    assert.is(new Set(drop).size, drop.length);
  }
  const e0 = new DistributedSampler(20, { worldSize: 2, rank: 0, seed: 1 });
  const first = [...e0]; e0.setEpoch(1);
  assert.not.equal([...e0], first, 'set_epoch reshuffles');
});

test('memory: iterating and disposing leaves no live tensors', async () => {
  const before = memoryStats().liveTensors;
  for (let i = 0; i < 2; i++) dispose(await collect(Kinetics({ dataPath: tree, clipSampler: makeClipSampler('uniform', 1.0) })));
  assert.is(memoryStats().liveTensors, before);
});

test.run();
