// Manifest datasets (map-style): EpicKitchen recognition / forecasting over frame folders and
// DoMSEV (encoded-video clips with per-frame labels, and single frames), on generated trees;
// and a map-style dataset through the DataLoader with 0 and 2 workers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '../../ts/node.js';
import {
  EpicKitchenRecognition, EpicKitchenForecasting, DomsevVideoDataset, DomsevFrameDataset, DataLoader, DatasetFileError, type ClipDict,
} from '../../ts/data/datasets/index.js';
import { place, placeFrames, tinyFrames, tinyMp4 } from '../helpers/dataset_tree.js';

const root = mkdtempSync(join(tmpdir(), 'vidwasm-manifest-'));
const frameDir = join(root, 'frames', 'P01_01');
placeFrames(tinyFrames(60, 'frame_', 30), frameDir); // frame_000001.jpg .. frame_000060.jpg, 2 s at 30 fps

const w = (name: string, text: string) => { const p = join(root, name); writeFileSync(p, text); return p; };
const frameManifest = w('frames.csv', `video_id,location,frame_file_stem,frame_string_length,min_frame_number,max_frame_number,file_extension\nP01_01,${frameDir},frame_,12,1,60,jpg\nP09_09,${root}/none,frame_,12,1,60,jpg\n`);
const epicInfo = w('epic_info.csv', 'video_id,resolution,duration,fps\nP01_01,32x24,2.0,30\nP02_02,32x24,5.0,30\n');
const actions = w('actions.csv', [
  'participant_id,video_id,narration,start_timestamp,stop_timestamp,start_frame,stop_frame,verb,verb_class,noun,noun_class,all_nouns,all_noun_classes',
  `P01,P01_01,open tap,00:00:01.00,00:00:01.20,30,36,open,3,tap,8,"['tap']",[8]`,
  `P01,P01_01,wash cup,00:00:01.30,00:00:01.50,39,45,wash,2,cup,13,"['cup', 'water']","[13, 27]"`,
  `P01,P01_01,close tap,00:00:01.60,00:00:01.90,48,57,close,4,tap,8,"['tap']",[8]`,
].join('\n') + '\n');

function dispose(x: ClipDict): void { for (const v of Object.values(x)) for (const t of [v].flat()) if (t instanceof Tensor && !t.isDisposed) t.dispose(); }

test('EpicKitchenRecognition: manifest join, random-offset clips, overlapping actions, frame filter', async () => {
  const ds = EpicKitchenRecognition({ videoInfoFilePath: epicInfo, actionsFilePath: actions, videoDataManifestFilePath: frameManifest, secondsPerClip: 0.5, seed: 4 });
  assert.equal([...ds.videos.keys()], ['P01_01'], 'videos missing from either csv are dropped');
  assert.ok(ds.length === 3 || ds.length === 4);
  const off = ds.clips[0].startTime;
  assert.ok(off >= 0 && off < 0.5);
  assert.equal(ds.clips.map((c) => c.stopTime - c.startTime), Array(ds.length).fill(0.5));
  const item = await ds.getItem(ds.length - 1);
  assert.equal(Object.keys(item).sort(), ['actions', 'audio', 'frame_indices', 'start_time', 'stop_time', 'video', 'video_id']);
  assert.equal(item.video.shape, [3, 15, 24, 32]);
  assert.equal(item.audio.shape, [0], 'None becomes an empty tensor');
  const c = ds.clips[ds.length - 1];
  assert.equal(item.actions.map((a: { narration: string }) => a.narration), [['open tap', 1.0, 1.2], ['wash cup', 1.3, 1.5], ['close tap', 1.6, 1.9]]
    .filter(([, s, e]) => (s as number) <= c.stopTime && (e as number) >= c.startTime).map(([n]) => n));
  assert.equal(item.actions[0]?.all_noun_classes ?? [8], item.actions[0]?.narration === 'wash cup' ? [13, 27] : [8]);
  dispose(item);
  const five = EpicKitchenRecognition({ videoInfoFilePath: epicInfo, actionsFilePath: actions, videoDataManifestFilePath: frameManifest, secondsPerClip: 0.5, framesPerClip: 5, seed: 4 });
  const it5 = await five.getItem(0);
  assert.equal(it5.video.shape, [3, 5, 24, 32]);
  dispose(it5);
});

test('EpicKitchenForecasting: windows ending at an action, [n, C, f, H, W] video, the next actions', async () => {
  const ds = EpicKitchenForecasting({ videoInfoFilePath: epicInfo, actionsFilePath: actions, videoDataManifestFilePath: frameManifest, secondsPerClip: 0.5, clipTimeStride: 0.5, numInputClips: 2, framesPerClip: 3, numForecastActions: 1 });
  assert.equal(ds.clips.map((c) => [c.startTime, c.stopTime].map((x) => Math.round(x * 100) / 100)), [[0.2, 1.2], [0.5, 1.5]]);
  const item = await ds.getItem(0);
  assert.equal(item.video.shape, [2, 3, 3, 24, 32]);
  assert.equal(item.actions.map((a: { narration: string }) => a.narration), ['wash cup']);
  dispose(item);
});

test('DomsevVideoDataset: encoded videos, user clip sampler, one label per frame of the clip', async () => {
  const mp4 = place(tinyMp4(2, 200), join(root, 'videos', 'd1.mp4'));
  const ds = DomsevVideoDataset({
    videoDataManifestFilePath: w('encoded.csv', `video_id,file_path\nd1,${mp4}\n`),
    videoInfoFilePath: w('domsev_info.csv', 'video_id,resolution,duration,fps\nd1,32x24,2.0,15\n'),
    labelsFilePath: w('domsev_labels.csv', 'video_id,start_time,stop_time,start_frame,stop_frame,label_id,label_name\nd1,0.0,1.0,0,14,1,walking\nd1,1.0,2.0,15,29,2,running\n'),
    clipSampler: (videos) => [...videos.keys()].flatMap((id) => [{ videoId: id, startTime: 0, stopTime: 1 }, { videoId: id, startTime: 0.5, stopTime: 1.5 }]),
    datasetType: 'encoded', framesPerSecond: 15,
  });
  assert.is(ds.length, 2);
  const item = await ds.getItem(1);
  assert.equal(item.video.shape, [3, 15, 24, 32]);
  assert.equal(Array.from(item.labels.toArray() as Int32Array), [...Array(8).fill(1), ...Array(7).fill(2)]);
  assert.is(item.labels.dtype, 'i32');
  assert.ok(item.audio.shape[0] > 15000, 'audio of 1 s at 16 kHz');
  dispose(item);
});

test('DomsevFrameDataset: shuffled frames with their label; a frame without a label is an error naming it', async () => {
  const info = w('domsev_frame_info.csv', 'video_id,resolution,duration,fps\nP01_01,32x24,2.0,30\n');
  const mk = (labels: string) => DomsevFrameDataset({ videoDataManifestFilePath: frameManifest, videoInfoFilePath: info, labelsFilePath: w('dl.csv', labels), seed: 2 });
  const ds = mk('video_id,start_time,stop_time,start_frame,stop_frame,label_id,label_name\nP01_01,0,1,1,30,1,indoor\nP01_01,1,2,31,60,4,urban\n');
  assert.is(ds.length, 59, 'frames min..max-1 (PyTorchVideo pairs paths with range(min, max))');
  assert.not.equal(ds.frames.slice(0, 5).map((f) => f.frameNumber), [1, 2, 3, 4, 5], 'shuffled');
  const i = ds.frames.findIndex((f) => f.frameNumber === 40);
  const item = await ds.getItem(i);
  assert.equal([item.frame_id, item.label, item.image.shape], ['frame_000040', 4, [3, 24, 32]]);
  dispose(item);
  const gap = mk('video_id,start_time,stop_time,start_frame,stop_frame,label_id,label_name\nP01_01,0,1,1,30,1,indoor\n');
  const j = gap.frames.findIndex((f) => f.frameNumber === 40);
  try { await gap.getItem(j); assert.unreachable('no error'); } catch (e) { assert.ok(e instanceof DatasetFileError && e.message.includes('frame_000040'), String(e)); }
});

test('a map-style dataset through the DataLoader: 0 and 2 workers give the same batches', async () => {
  const ds = EpicKitchenRecognition({ videoInfoFilePath: epicInfo, actionsFilePath: actions, videoDataManifestFilePath: frameManifest, secondsPerClip: 0.5, framesPerClip: 5, seed: 4 });
  const run = async (numWorkers: number) => {
    const out: unknown[] = [];
    const l = new DataLoader(ds, { batchSize: 2, shuffle: true, seed: 9, numWorkers });
    assert.is(l.length, Math.ceil(ds.length / 2));
    for await (const b of l) { out.push([b.video.shape, Array.from(b.video.toArray() as Uint8Array).slice(0, 50), b.start_time]); dispose(b); }
    await l.close();
    return out;
  };
  assert.equal(await run(2), await run(0));
});

test.run();
