// Stored flow (FlowFrames): trees in the EPIC-KITCHENS and TV-L1 (Kinetics/UCF101) layouts,
// written by native ffmpeg as grayscale JPEGs of a known flow quantised over +-20 px; read back as
// [2, T, H, W] pixels, equal to native ffmpeg's gray decode of the same files dequantised, and to
// the known flow within the JPEG's error. Clip times at the flow rate (half the RGB rate for
// EPIC); the EpicKitchen dataset's `flow` next to `video`; errors for broken trees.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { data, memoryStats, type Tensor } from '../../ts/node.js';

const W = 32, H = 24, BOUND = 20;
const root = mkdtempSync(join(tmpdir(), 'vidwasm-flow-'));

/** The known flow of frame j: smooth, different per component and frame, within +-BOUND. */
const truth = (j: number, c: number, x: number, y: number) => (c === 0 ? 1 : -1) * (3 + j) * Math.sin((x + 2 * c) / 6) + (c ? 0.3 * y : 0.25 * x) - 4;
const quant = (d: number) => Math.min(255, Math.max(0, Math.round(255 * (d + BOUND) / (2 * BOUND))));

/** Writes frames 1..n of component c as gray JPEGs named by `name(k)` (k from 1) in dir. */
function writeComponent(dir: string, n: number, c: number, pattern: string): void {
  mkdirSync(dir, { recursive: true });
  const raw = new Uint8Array(n * W * H);
  for (let j = 0; j < n; j++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) raw[(j * H + y) * W + x] = quant(truth(j, c, x, y));
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${W}x${H}`, '-i', '-',
    '-q:v', '1', '-pix_fmt', 'gray', '-start_number', '1', join(dir, pattern)], { input: raw });
  assert.is(r.status, 0, String(r.stderr));
}

/** Native ffmpeg's gray decode of the files, dequantised: what the reader must give. */
function nativeFlow(dir: string, pattern: string): Float32Array {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-start_number', '1', '-i', join(dir, pattern), '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 26 });
  assert.is(r.status, 0, String(r.stderr));
  return Float32Array.from(r.stdout, (q) => q * (2 * BOUND / 255) - BOUND);
}

function checkClip(flow: Tensor, frames: number[], x: Float32Array, y: Float32Array, dilation = 1): void {
  const [C, T] = flow.shape, f = flow.toArray() as Float32Array, hw = H * W;
  assert.equal([C, T, flow.shape[2], flow.shape[3]], [2, frames.length, H, W]);
  let worst = 0;
  frames.forEach((j, t) => {
    for (let i = 0; i < hw; i++) {
      for (const [c, ref] of [[0, x], [1, y]] as const) {
        const got = f[(c * T + t) * hw + i];
        assert.ok(Math.abs(got - ref[j * hw + i] / dilation) < 1e-5, `frame ${j} c ${c} px ${i}: ${got} vs native ${ref[j * hw + i] / dilation}`);
        worst = Math.max(worst, Math.abs(got * dilation - truth(j, c, i % W, Math.floor(i / W))));
      }
    }
  });
  assert.ok(worst < 0.6, `JPEG + quantisation error ${worst} px`);
}

const epicDir = join(root, 'flow', 'P01', 'P01_01');
writeComponent(join(epicDir, 'u'), 6, 0, 'frame_%010d.jpg');
writeComponent(join(epicDir, 'v'), 6, 1, 'frame_%010d.jpg');
const tvl1Dir = join(root, 'v_ApplyEyeMakeup_g01_c01');
writeComponent(tvl1Dir, 5, 0, 'flow_x_%05d.jpg');
writeComponent(tvl1Dir, 5, 1, 'flow_y_%05d.jpg');
writeFileSync(join(tvl1Dir, 'img_00001.jpg'), 'RGB frames live next to the flow in these trees');

test('EPIC-KITCHENS layout: u/v frames at half the RGB rate, decoded to pixels', async () => {
  const live = memoryStats().liveTensors;
  const ff = await data.FlowFrames.fromEpicKitchens(join(root, 'flow'), 'P01', 'P01_01', { rgbFps: 30 });
  assert.is(ff.fps, 15);
  assert.is(ff.numFrames, 6);
  assert.is(ff.duration, 6 / 15);
  const x = nativeFlow(join(epicDir, 'u'), 'frame_%010d.jpg'), y = nativeFlow(join(epicDir, 'v'), 'frame_%010d.jpg');
  // [0.1, 0.3) s: flow frames ceil(1.5) .. ceil(4.5) - 1 = 2, 3, 4 (RGB frames 4..9)
  const clip = (await ff.getClip(0.1, 0.3))!;
  assert.equal(clip.frameIndices, [2, 3, 4]);
  checkClip(clip.flow, [2, 3, 4], x, y);
  clip.flow.dispose();
  // a displacement spanning 2 RGB frames gives half as many pixels per frame
  const halved = (await (await data.FlowFrames.fromEpicKitchens(join(root, 'flow'), 'P01', 'P01_01', { rgbFps: 30, dilation: 2 })).getClip(0, 1))!;
  checkClip(halved.flow, [0, 1, 2, 3, 4, 5], x, y, 2);
  halved.flow.dispose();
  assert.is(await ff.getClip(0.5, 1), null);
  assert.is(memoryStats().liveTensors, live);
});

test('TV-L1 layout (flow_x/flow_y): one flow frame per RGB frame, other files ignored', async () => {
  const ff = await data.FlowFrames.fromTvl1(tvl1Dir, { rgbFps: 25 });
  assert.is(ff.fps, 25);
  assert.is(ff.numFrames, 5);
  const clip = (await ff.getClip(0.04, 0.2))!;
  assert.equal(clip.frameIndices, [1, 2, 3, 4]);
  checkClip(clip.flow, [1, 2, 3, 4], nativeFlow(tvl1Dir, 'flow_x_%05d.jpg'), nativeFlow(tvl1Dir, 'flow_y_%05d.jpg'));
  clip.flow.dispose();
});

test('EpicKitchen recognition items carry `flow` next to `video` for the same seconds', async () => {
  const rgb = join(root, 'rgb', 'P01_01');
  mkdirSync(rgb, { recursive: true });
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc=size=${W}x${H}:rate=30`, '-frames:v', '12',
    '-start_number', '1', join(rgb, 'frame_%010d.jpg')]);
  assert.is(r.status, 0, String(r.stderr));
  writeFileSync(join(root, 'info.csv'), 'video_id,resolution,duration,fps\nP01_01,32x24,0.4,30\n');
  writeFileSync(join(root, 'frames.csv'), `video_id,location,frame_file_stem,frame_string_length,min_frame_number,max_frame_number,file_extension\nP01_01,${rgb},frame_,16,1,12,jpg\n`);
  writeFileSync(join(root, 'actions.csv'), 'participant_id,video_id,narration,start_timestamp,stop_timestamp,start_frame,stop_frame,verb,verb_class,noun,noun_class,all_nouns,all_noun_classes\n' +
    'P01,P01_01,open tap,00:00:00.00,00:00:00.30,1,9,open,3,tap,5,[\'tap\'],[5]\n');
  const ds = data.EpicKitchenRecognition({
    videoInfoFilePath: join(root, 'info.csv'), actionsFilePath: join(root, 'actions.csv'), videoDataManifestFilePath: join(root, 'frames.csv'),
    secondsPerClip: 0.2, rng: { uniform: () => 0 }, flowRoot: join(root, 'flow'),
  });
  assert.is(ds.length, 2);
  const item = await ds.getItem(1);
  const video = item.video as Tensor, flow = item.flow as Tensor;
  assert.equal(video.shape, [3, 6, H, W]);   // RGB frames 6..11 of [0.2, 0.4)
  assert.equal(flow.shape, [2, 3, H, W]);    // flow frames 3..5: half the rate
  video.dispose(); flow.dispose();
});

test('broken trees: typed errors naming the folder', async () => {
  const bad = join(root, 'flow', 'P02', 'P02_01');
  mkdirSync(join(bad, 'u'), { recursive: true });
  await assert.not.ok(await data.FlowFrames.fromEpicKitchens(join(root, 'flow'), 'P02', 'P02_01').then(() => true, (e: Error) => {
    assert.ok(e.name === 'VideoDecodeError' && /P02_01\/u/.test(e.message), e.message);
    return false;
  }));
  writeComponent(join(bad, 'u'), 3, 0, 'frame_%010d.jpg');
  writeComponent(join(bad, 'v'), 2, 1, 'frame_%010d.jpg');
  await data.FlowFrames.fromEpicKitchens(join(root, 'flow'), 'P02', 'P02_01').then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /3 x \(u\) frames but 2 y/));
  assert.throws(() => data.FlowFrames.fromFramePaths(['a.jpg'], ['b.jpg'], { bound: 0 }), /bound/);
  assert.throws(() => data.FlowFrames.fromFramePaths(['a.jpg'], ['b.jpg'], { stride: 1.5 }), /stride/);
  // equal counts, one unreadable v frame: the clip fails with the file's name, nothing leaks
  const live = memoryStats().liveTensors;
  rmSync(join(bad, 'u', readdirSync(join(bad, 'u')).sort()[2]));
  writeFileSync(join(bad, 'v', 'frame_0000000002.jpg'), 'not a jpeg');
  const ff = await data.FlowFrames.fromEpicKitchens(join(root, 'flow'), 'P02', 'P02_01');
  await ff.getClip(0, 1).then(() => assert.unreachable(), (e: Error) => assert.ok(e.name === 'VideoDecodeError' && /frame_0000000002/.test(e.message), e.message));
  assert.is(memoryStats().liveTensors, live);
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
