// FrameVideo: PyTorchVideo's frame-folder conventions (natural order, fps -> indices with
// ceil(fps * t), duration = frames / fps, name = folder) and pixels equal to native ffmpeg's
// decode of the same PNG/JPEG files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import '../../ts/node.js'; // loads the kernel module
import type { Tensor } from '../../ts/node.js';
import { FrameVideo } from '../../ts/data/frame_video.js';
import { Fraction } from '../../ts/data/fraction.js';
import { SWS_FLAGS } from '../../ts/data/decoder/ffmpeg_clip.js';
import { frameFolder } from '../helpers/media.js';

/** Native ffmpeg's rgb24 decode of frame_1..frame_n.<ext> in a folder. */
function nativeImages(dir: string, ext: string, w: number, h: number): Uint8Array[] {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-start_number', '1', '-i', join(dir, `frame_%d.${ext}`),
    '-sws_flags', SWS_FLAGS, '-vf', 'format=rgb24', '-f', 'rawvideo', '-'], { maxBuffer: 1 << 28 });
  assert.is(r.status, 0, String(r.stderr));
  const fb = w * h * 3, out: Uint8Array[] = [];
  for (let o = 0; o + fb <= r.stdout.length; o += fb) out.push(new Uint8Array(r.stdout.buffer, r.stdout.byteOffset + o, fb));
  return out;
}

function assertFrames(video: Tensor, want: Uint8Array[], what: string): void {
  const [c, t, h, w] = video.shape;
  assert.equal([c, t], [3, want.length], `${what}: shape ${video.shape}`);
  const v = video.toArray();
  for (let f = 0; f < t; f++) for (let i = 0; i < h * w; i++) for (let k = 0; k < 3; k++) {
    const got = v[k * t * h * w + f * h * w + i], exp = want[f][i * 3 + k];
    if (got !== exp) assert.unreachable(`${what}: frame ${f} pixel ${i} channel ${k}: ${got} != native ${exp}`);
  }
}

for (const ext of ['png', 'jpg'] as const) {
  test(`${ext} folder: natural order, PyTorchVideo indices, pixels equal native ffmpeg`, async () => {
    const dir = frameFolder(ext, 12);
    const v = await FrameVideo.fromDirectory(dir, 30);
    assert.is(v.duration, 12 / 30);
    assert.is(v.name, basename(dir), 'name is the folder of frame 0');
    const native = nativeImages(dir, ext, 48, 32);
    assert.is(native.length, 12);
    // [0.1, 0.3) at 30 fps: frames round(3) .. round(9) - 1; frame_10.. must come after frame_9.
    const clip = (await v.getClip(0.1, 0.3))!;
    assert.equal(clip.frameIndices, [3, 4, 5, 6, 7, 8]);
    assert.equal([...clip.video.shape], [3, 6, 32, 48]);
    assert.is(clip.video.dtype, 'u8');
    assert.is(clip.audio, null);
    assertFrames(clip.video, native.slice(3, 9), `${ext} [0.1, 0.3)`);
    clip.video.dispose();
    // The end is clamped to the duration; natural order puts frame_10..frame_12 last.
    const tail = (await v.getClip(0.25, 5))!;
    assert.equal(tail.frameIndices, [8, 9, 10, 11]);
    assertFrames(tail.video, native.slice(8), `${ext} tail`);
    tail.video.dispose();
    // A frame filter subsamples indices before anything is read.
    const sub = (await v.getClip(0, 0.4, (ix) => ix.filter((i) => i % 4 === 0)))!;
    assert.equal(sub.frameIndices, [0, 4, 8]);
    assertFrames(sub.video, [native[0], native[4], native[8]], `${ext} filtered`);
    sub.video.dispose();
  });
}

test('frame index ceil(fps * t), out-of-range starts, frame-path functions', async () => {
  const dir = frameFolder('png', 12);
  const paths = Array.from({ length: 12 }, (_, i) => join(dir, `frame_${i + 1}.png`));
  const v = FrameVideo.fromFramePaths(paths, 10);
  assert.is(v.duration, 1.2);
  // PyTorchVideo's math.ceil(fps * t): 0.25 * 10 = 2.5 -> 3 and 0.45 * 10 = 4.5 -> 5.
  const c = (await v.getClip(0.25, 0.45))!;
  assert.equal(c.frameIndices, [3, 4]);
  c.video.dispose();
  assert.is(await v.getClip(-0.1, 0.5), null, 'negative start -> null (PyTorchVideo returns None)');
  assert.is(await v.getClip(1.3, 2), null, 'start past the duration -> null');
  // A sampler's 0.1 s (the exact Fraction of the double 0.1, a hair over 1/10) at the int fps 30
  // has 4 frames (ceil of 3.00000000000000016...), as in PyTorchVideo; in floats 30 * 0.1 = 3.
  const f = FrameVideo.create(0.4, Fraction.of(30n), { videoFrameToPathFn: (i) => join(dir, `frame_${i + 1}.png`) });
  assert.equal(f.clipFrameIndices(0, 0.1), [0, 1, 2]);
  const d = (await f.getClip(0, Fraction.fromNumber(0.1)))!;
  assert.equal([...d.video.shape], [3, 4, 32, 48]);
  d.video.dispose();
  assert.throws(() => FrameVideo.create(1, 30, {}), /exactly one/);
  assert.throws(() => FrameVideo.fromFramePaths([], 30), /empty/);
});

test.run();
