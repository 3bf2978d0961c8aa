// Datasets vs the real PyTorchVideo 0.1.5 (test/golden/gen_datasets.py) on the same small trees in
// each dataset's on-disk format: paths and labels, clip-dict keys, frame_indices, which frame files
// were decoded (each 2x2 PNG frame has its own colour), boxes, actions and per-frame labels.
// vidwasm's deliberate differences are compared through their conversion: video stays u8 (PTV:
// float32 of the same values), AVA boxes are an f32 [K, 4] tensor (PTV: lists of floats), label
// tensors are i32 (PTV: int64), DoMSEV frame images are u8 [3, H, W] (PTV: a PIL image).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Tensor } from '../../ts/node.js';
import {
  ConstantClipsPerVideoSampler, RandomClipSampler, RandomMultiClipSampler, UniformClipSampler, type ClipSampler, type UniformSource,
} from '../../ts/data/clip_sampling.js';
import { Fraction, type Seconds } from '../../ts/data/fraction.js';
import { FrameVideo } from '../../ts/data/frame_video.js';
import {
  Ava, Charades, DomsevFrameDataset, DomsevVideoDataset, EpicKitchenForecasting, EpicKitchenRecognition, LabeledVideoDataset,
  LabeledVideoPaths, SSv2, DistributedSampler, formatFixed2, hmdb51Paths, ssv2FrameFilter, uniformFrameFilter, type ClipDict,
} from '../../ts/data/datasets/index.js';
import { buildTree, type TreeEntry } from '../helpers/golden_tree.js';

const G = JSON.parse(readFileSync(new URL('../golden/data/datasets.json', import.meta.url), 'utf8'));
const root = buildTree(G.files as Record<string, TreeEntry>);
const R = (p: string) => join(root, p);
const rel = (p: string) => relative(root, p);
const sec = (x: any): Seconds => (typeof x === 'number' ? x : Fraction.of(BigInt(x.n), BigInt(x.d)));
const replay = (draws: number[]): UniformSource => { const q = [...draws]; return { uniform: () => q.shift()! }; };

/** Colour of pixel (0, 0) of each frame of a u8 [3, T, H, W] clip. */
function coloursOf(v: Tensor): number[] {
  const [, T, H, W] = v.shape, d = v.data() as Uint8Array, plane = T * H * W;
  return Array.from({ length: T }, (_, t) => (d[t * H * W] << 16) | (d[plane + t * H * W] << 8) | d[2 * plane + t * H * W]);
}
function disposeAll(x: unknown): void {
  if (x instanceof Tensor) { if (!x.isDisposed) x.dispose(); return; }
  if (Array.isArray(x)) x.forEach(disposeAll);
  else if (x && typeof x === 'object') Object.values(x).forEach(disposeAll);
}
/** A vidwasm clip dict in the golden's terms (see the file comment for the conversions). */
function asGolden(d: ClipDict): Record<string, unknown> {
  const conv = (v: unknown): unknown => {
    if (v instanceof Tensor) return v.rank === 4 ? { frames: coloursOf(v), shape: v.shape } : { tensor: Array.from(v.data() as ArrayLike<number>) };
    if (Array.isArray(v)) return v.map(conv);
    if (v && typeof v === 'object' && v.constructor !== Object) return { ...v }; // ActionData: its fields, as PTV's dataclass
    return v;
  };
  return { keys: Object.keys(d).sort(), ...Object.fromEntries(Object.entries(d).map(([k, v]) => [k, conv(v)])) };
}
function expected(g: Record<string, any>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(g)) out[k] = v && typeof v === 'object' && 'tensor' in v ? { tensor: v.tensor } : v;
  return out;
}
async function collect(ds: AsyncIterable<ClipDict>): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const c of ds) { out.push(asGolden(c)); disposeAll(c); }
  return out;
}

test('FrameVideo: frame indices = ceil(fps * t) on exact and float times, as PyTorchVideo', async () => {
  const dir = R(G.frame_video.dir);
  const v30 = await FrameVideo.fromDirectory(dir, 30);
  assert.is(v30.duration, G.frame_video.duration_30);
  assert.is(v30.name, G.frame_video.name);
  let decoded = 0;
  for (const g of G.frame_video.grid) {
    const fps = g.fps_is_int ? Fraction.of(BigInt(g.fps)) : g.fps;
    const v = await FrameVideo.fromDirectory(dir, fps);
    const what = `fps ${g.fps}${g.fps_is_int ? ' (int)' : ''} [${JSON.stringify(g.start)}, ${JSON.stringify(g.end)})`;
    const idx = v.clipFrameIndices(sec(g.start), sec(g.end));
    if (g.error) { assert.equal(idx, [], `${what}: no frames (PyTorchVideo fails on an empty clip)`); continue; }
    assert.equal(idx, g.frame_indices, what);
    // decode a sample of the grid: the right files, in order
    if (g.frames && decoded++ % 25 === 0) {
      const c = (await v.getClip(sec(g.start), sec(g.end)))!;
      assert.equal(coloursOf(c.video), g.frames, what);
      c.video.dispose();
    }
  }
});

test('LabeledVideoPaths: class trees (torchvision make_dataset) and csv lists', () => {
  for (const [name, g] of Object.entries(G.labeled_video_paths) as [string, any][]) {
    const load = () => LabeledVideoPaths.fromPath(R(name)).toArray().map(([p, info]) => [rel(p as string).startsWith('..') ? p : rel(p as string), info]);
    if (g.error) { assert.throws(load, undefined, name); continue; }
    assert.equal(load(), g.value, name);
  }
});

const SAMPLERS: Record<string, (a: any[], rng: UniformSource) => ClipSampler> = {
  uniform: (a) => new UniformClipSampler(a[0], a[1], a[2]),
  constant_clips_per_video: (a) => new ConstantClipsPerVideoSampler(a[0], a[1], a[2]),
  random: (a, rng) => new RandomClipSampler(a[0], rng),
  random_multi: (a, rng) => new RandomMultiClipSampler(a[0], a[1], rng),
};

test('LabeledVideoDataset (Kinetics/UCF101 csv) over frame folders: clips, keys, frames', async () => {
  const L = G.labeled_video_dataset;
  for (const run of L.runs) {
    const paths = LabeledVideoPaths.fromPath(R(L.data_path));
    paths.pathPrefix = R(L.prefix);
    const ds = new LabeledVideoDataset(paths, SAMPLERS[run.sampler](run.args, replay(run.draws)), { videoSampler: 'sequential', decodeAudio: false });
    assert.equal(await collect(ds), run.samples.map(expected), `${run.sampler}(${run.args})`);
  }
});

test('HMDB51 split files', () => {
  for (const g of G.hmdb51) {
    const load = () => hmdb51Paths(R('hmdb'), g.split_id, g.split_type).toArray();
    if (g.error) { assert.throws(load, undefined, JSON.stringify(g)); continue; }
    assert.equal(load(), g.value, `split ${g.split_id} ${g.split_type}`);
  }
});

test('Charades: frame lists, per-frame labels, linspace frame sampling', async () => {
  const C = G.charades;
  for (const [n, k, want] of C.sample_clip_frames) assert.equal(uniformFrameFilter(k)(Array.from({ length: n }, (_, i) => i)), want, `linspace n=${n} k=${k}`);
  for (const run of C.runs) {
    const ds = Charades({ dataPath: R(C.data_path), videoPathPrefix: R(C.prefix), clipSampler: new UniformClipSampler(run.args[0], run.args[1], run.args[2]), framesPerClip: run.frames_per_clip, videoSampler: 'sequential' });
    assert.equal(await collect(ds), run.samples.map(expected), `${run.args} fpc ${run.frames_per_clip}`);
  }
});

test('SSv2: label json, whole-video clips, segment frame sampling', async () => {
  const S = G.ssv2;
  for (const [n, k, want] of S.sample_clip_frames) assert.equal(ssv2FrameFilter(k, false)(Array.from({ length: n }, (_, i) => i)), want, `segments n=${n} k=${k}`);
  for (const run of S.runs) {
    const ds = SSv2({ labelNameFile: R(S.label_name_file), videoLabelFile: R(S.video_label_file), videoPathLabelFile: R(S.video_path_label_file), videoPathPrefix: R(S.prefix), clipSampler: new UniformClipSampler(run.args[0]), framesPerClip: run.frames_per_clip, videoSampler: 'sequential' });
    assert.equal(await collect(ds), run.samples.map(expected), `${run.args} fpc ${run.frames_per_clip}`);
  }
});

test('AVA: key frames, boxes merged by {:.2f} keys, label map, clips around key frames', async () => {
  for (const [x, want] of G.ava_box_key) assert.is(formatFixed2(x), want, `'{:.2f}'.format(${x})`);
  const A = G.ava;
  for (const run of A.runs) {
    const ds = Ava({ framePathsFile: R(A.frame_paths_file), frameLabelsFile: R(A.frame_labels_file), videoPathPrefix: root, labelMapFile: run.label_map_file ? R(run.label_map_file) : null, clipSampler: new UniformClipSampler(run.clip_duration), videoSampler: 'sequential' });
    assert.equal(ds.videos.map(([p, info]) => [rel(p as string), info]), run.paths, `paths, label map ${run.label_map_file}`);
    const got = await collect(ds);
    const want = run.samples.map((s: any) => ({ ...expected(s), boxes: { tensor: s.boxes.flat().map(Math.fround) } }));
    assert.equal(got, want, `samples, clip duration ${run.clip_duration}`);
  }
});

async function items(ds: { length: number; getItem(i: number): Promise<ClipDict> }): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < ds.length; i++) { const d = await ds.getItem(i); out.push(asGolden(d)); disposeAll(d); }
  return out;
}

test('EpicKitchen recognition and forecasting: manifests, clips, actions, frame_indices', async () => {
  const E = G.epic_kitchen;
  const files = { videoInfoFilePath: R(E.video_info_file_path), actionsFilePath: R(E.actions_file_path), videoDataManifestFilePath: R(E.video_data_manifest_file_path) };
  for (const run of E.recognition) {
    const ds = EpicKitchenRecognition({ ...files, secondsPerClip: run.seconds_per_clip, framesPerClip: run.frames_per_clip, rng: replay(run.draws) });
    assert.equal(await items(ds), run.items.map(expected), `recognition ${run.seconds_per_clip} s`);
  }
  for (const run of E.forecasting) {
    const ds = EpicKitchenForecasting({ ...files, secondsPerClip: run.seconds_per_clip, clipTimeStride: run.clip_time_stride, numInputClips: run.num_input_clips, framesPerClip: run.frames_per_clip, numForecastActions: run.num_forecast_actions });
    assert.equal(await itemsForecast(ds), run.items.map(expected), `forecasting ${JSON.stringify({ ...run, items: undefined })}`);
  }
});

/** Forecasting videos are [clips, C, T, H, W]: colours per clip, concatenated, and the 5-d shape. */
async function itemsForecast(ds: { length: number; getItem(i: number): Promise<ClipDict> }): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < ds.length; i++) {
    const d = await ds.getItem(i);
    const v = d.video as Tensor, [n, C, T, H, W] = v.shape;
    const frames: number[] = [];
    for (let k = 0; k < n; k++) {
      const one = Tensor.empty([C, T, H, W], 'u8');
      const size = C * T * H * W;
      (one.data() as Uint8Array).set((v.data() as Uint8Array).subarray(k * size, (k + 1) * size));
      frames.push(...coloursOf(one));
      one.dispose();
    }
    const g = asGolden({ ...d, video: null });
    out.push({ ...g, video: { frames, shape: v.shape } });
    disposeAll(d);
  }
  return out;
}

test('DoMSEV: video clips with per-frame labels, and single labelled frames', async () => {
  const D = G.domsev;
  const files = { videoInfoFilePath: R(D.video_info_file_path), videoDataManifestFilePath: R(D.video_data_manifest_file_path), labelsFilePath: R(D.labels_file_path) };
  const clipSampler = () => D.clips.map(([videoId, startTime, stopTime]: [string, number, number]) => ({ videoId, startTime, stopTime }));
  for (const run of D.video) {
    const ds = DomsevVideoDataset({ ...files, clipSampler, framesPerSecond: run.frames_per_second });
    assert.equal(await items(ds), run.items.map(expected), `video, ${run.frames_per_second} fps`);
  }
  const fds = DomsevFrameDataset({ ...files, seed: 1 });
  const frames: unknown[] = [];
  for (let i = 0; i < fds.length; i++) {
    try {
      const it = await fds.getItem(i);
      const img = it.image as Tensor, d = img.data() as Uint8Array, plane = img.shape[1] * img.shape[2];
      frames.push({ frame_id: it.frame_id, label: it.label, colour: (d[0] << 16) | (d[plane] << 8) | d[2 * plane] });
      img.dispose();
    } catch (e) {
      frames.push({ frame_id: fds.frames[i].frameId, error: 'KeyError' });
    }
  }
  frames.sort((a: any, b: any) => (a.frame_id < b.frame_id ? -1 : 1));
  assert.equal(frames, D.frames);
});

test('DistributedSampler (no shuffle) shards and pads as torch does', () => {
  for (const g of G.distributed_sampler) {
    const s = new DistributedSampler(g.n, { worldSize: g.world, rank: g.rank, shuffle: false, dropLast: g.drop_last });
    assert.equal([...s], g.indices, JSON.stringify(g));
    assert.is(s.length, g.indices.length);
  }
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
