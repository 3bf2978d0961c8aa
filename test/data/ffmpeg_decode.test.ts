// ffmpeg.wasm decoding vs native Debian ffmpeg: bit-identical rgb24 frames (same scaler
// flags), exactly the frames whose pts fall in [start, end) (PyTorchVideo's rule), audio of the
// right length, several containers/codecs/sizes, and flat memory over repeated clips.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryStats, type Tensor } from '../../ts/node.js';
import { EncodedVideo } from '../../ts/data/encoded_video.js';
import { UniformClipSampler } from '../../ts/data/clip_sampling.js';
import { SWS_FLAGS, secsToPts } from '../../ts/data/decoder/ffmpeg_clip.js';
import { media, nativeFrames as decodeNative, type MediaName } from '../helpers/media.js';

// Native decodes are cached per (file, size): several tests compare against the same frames.
const nativeCache = new Map<string, ReturnType<typeof decodeNative>>();
function nativeFrames(path: string, w: number, h: number, flags: string) {
  const key = `${path} ${w}x${h} ${flags}`;
  if (!nativeCache.has(key)) nativeCache.set(key, decodeNative(path, w, h, flags));
  return nativeCache.get(key)!;
}

/** Asserts a [3, T, H, W] u8 clip equals native rgb24 frames byte for byte. */
function assertFramesEqual(video: Tensor, expected: Uint8Array[], what: string): void {
  const [c, t, h, w] = video.shape;
  assert.is(c, 3, `${what}: channels`);
  assert.is(t, expected.length, `${what}: frame count ${t} != native ${expected.length}`);
  const v = video.toArray();
  const plane = t * h * w;
  for (let f = 0; f < t; f++) {
    const e = expected[f];
    assert.is(e.length, h * w * 3, `${what}: native frame size`);
    for (let i = 0; i < h * w; i++) {
      for (let k = 0; k < 3; k++) {
        const got = v[k * plane + f * h * w + i];
        if (got !== e[i * 3 + k]) {
          assert.unreachable(`${what}: frame ${f} pixel (${i % w}, ${Math.floor(i / w)}) channel ${k}: ${got} != native ${e[i * 3 + k]}`);
        }
      }
    }
  }
}

/** The native frames PyTorchVideo would return for [start, end). */
function expectedClip(v: EncodedVideo, nat: { frames: Uint8Array[]; pts: number[] }, start: number, end: number): Uint8Array[] {
  const { timeBase, startPts } = v.info.video;
  const lo = secsToPts(start, timeBase, startPts), hi = secsToPts(end, timeBase, startPts);
  assert.is(nat.frames.length, nat.pts.length, 'native frame and pts counts');
  return nat.frames.filter((_, i) => nat.pts[i] >= lo && nat.pts[i] < hi);
}

const cases: [MediaName, number, number][] = [['h264', 1.0, 2.5], ['vp9', 0.52, 1.7], ['odd', 0.3, 1.9], ['oddVp9', 0.44, 1.5], ['vfr', 0.9, 2.2]];
for (const [name, start, end] of cases) {
  test(`${name}: getClip(${start}, ${end}) is bit-identical to native ffmpeg`, async () => {
    const path = media(name);
    const v = await EncodedVideo.fromPath(path, { decodeAudio: false }); // audio has its own test
    const nat = nativeFrames(path, v.width, v.height, SWS_FLAGS);
    const want = expectedClip(v, nat, start, end);
    assert.ok(want.length > 5, 'the clip has frames');
    const clip = await v.getClip(start, end);
    assertFramesEqual(clip.video, want, `${name} [${start}, ${end})`);
    clip.video.dispose(); clip.audio?.dispose();
    // The whole video from 0: every frame, once.
    const all = await v.getClip(0, v.duration + 1e-3);
    assertFramesEqual(all.video, nat.frames, `${name} whole video`);
    all.video.dispose(); all.audio?.dispose();
  });
}

test('decoding at a target size matches native ffmpeg scaling', async () => {
  const path = media('h264');
  const v = await EncodedVideo.fromPath(path, { decodeAudio: false });
  const nat = nativeFrames(path, 112, 84, SWS_FLAGS);
  const clip = await v.getClip(2.0, 3.0, { width: 112, height: 84 });
  assert.equal([...clip.video.shape], [3, 30, 84, 112]);
  assertFramesEqual(clip.video, expectedClip(v, nat, 2.0, 3.0), 'h264 112x84');
  assert.is(clip.audio, null, 'decodeAudio: false gives no audio');
  clip.video.dispose();
  // One side alone keeps the aspect ratio.
  const half = await v.getClip(0, 0.5, { width: 160 });
  assert.equal([...half.video.shape], [3, 15, 120, 160]);
  half.video.dispose();
});

test('clips from UniformClipSampler partition the frames exactly (VFR, and CFR VP9)', async () => {
  for (const name of ['vfr', 'oddVp9'] as const) {
    const path = media(name);
    const v = await EncodedVideo.fromPath(path, { decodeAudio: false });
    const nat = nativeFrames(path, v.width, v.height, SWS_FLAGS);
    const sampler = new UniformClipSampler(0.7);
    let last = 0, total = 0, clips = 0;
    for (;;) {
      const info = sampler.call(last, v.duration);
      const want = expectedClip(v, nat, info.clipStart, info.clipEnd);
      if (want.length) {
        const clip = await v.getClip(info.clipStart, info.clipEnd);
        assertFramesEqual(clip.video, want, `${name} clip ${info.clipIndex} [${info.clipStart}, ${info.clipEnd})`);
        total += clip.video.shape[1];
        clip.video.dispose();
      }
      clips++;
      last = info.clipEnd;
      if (info.isLastClip) break;
    }
    // Clips cover [0, n * 0.7) with n = floor(duration / 0.7): the frames before that end.
    const { timeBase, startPts } = v.info.video;
    const end = secsToPts(last, timeBase, startPts);
    assert.is(total, nat.pts.filter((p) => p < end).length, `${name}: ${clips} clips hold every frame before ${last} s once`);
  }
});

test('audio: mono f32 at 16 kHz (configurable), length = duration x rate', async () => {
  const v = await EncodedVideo.fromPath(media('h264'));
  assert.ok(v.hasAudio);
  const clip = await v.getClip(1.0, 3.0);
  const a = clip.audio!;
  assert.is(a.dtype, 'f32');
  assert.is(a.shape.length, 1);
  // Within one AAC frame (1024 samples at 44.1 kHz = 372 samples at 16 kHz); in fact exact to a few.
  assert.ok(Math.abs(a.shape[0] - 32000) <= 8, `2 s of 16 kHz audio has ${a.shape[0]} samples`);
  // The 440 Hz sine survives (mean of two equal channels is the sine): ~880 zero crossings/s.
  const s = a.toArray();
  let crossings = 0, peak = 0;
  for (let i = 1; i < s.length; i++) { if ((s[i - 1] < 0) !== (s[i] < 0)) crossings++; peak = Math.max(peak, Math.abs(s[i])); }
  assert.ok(Math.abs(crossings / 2 - 880) < 10, `zero crossings ${crossings}`);
  assert.ok(peak > 0.05 && peak <= 1.0, `peak ${peak}`);
  clip.video.dispose(); a.dispose();

  const v8 = await EncodedVideo.fromPath(media('vp9'), { sampleRate: 8000 });
  const c8 = await v8.getClip(0.5, 1.5);
  assert.ok(Math.abs(c8.audio!.shape[0] - 8000) <= 8, `opus: 1 s at 8 kHz has ${c8.audio!.shape[0]} samples`);
  c8.video.dispose(); c8.audio!.dispose();

  const silent = await EncodedVideo.fromPath(media('odd'));
  assert.equal([silent.width, silent.height], [97, 61], 'really an odd size');
  assert.is(silent.hasAudio, false);
  const c = await silent.getClip(0, 1);
  assert.is(c.audio, null, 'no audio track -> audio null');
  c.video.dispose();
});

test('duration, name and metadata follow PyTorchVideo', async () => {
  const v = await EncodedVideo.fromPath(media('h264'));
  assert.ok(Math.abs(v.duration - 4) < 0.05, `duration ${v.duration}`);
  assert.ok(v.name.startsWith('h264'), `name is the file stem: ${v.name}`);
  assert.equal([v.width, v.height, v.fps], [320, 240, 30]);
  const w = await EncodedVideo.fromPath(media('vp9'));
  assert.ok(Math.abs(w.duration - 2) < 0.05, `webm duration ${w.duration}`);
});

test('one core serves many clips and memory stays flat', async () => {
  const v = await EncodedVideo.fromPath(media('h264'));
  const first = await v.getClip(0, 1);
  first.video.dispose(); first.audio?.dispose();
  const base = memoryStats().liveBytes;
  for (let i = 0; i < 6; i++) {
    const c = await v.getClip(i * 0.5, i * 0.5 + 1);
    c.video.dispose(); c.audio?.dispose();
  }
  assert.is(memoryStats().liveBytes, base, 'no tensor left behind');
});

test.run();
