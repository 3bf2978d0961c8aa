// Bad media: every failure is a VideoDecodeError naming the file and saying what failed, the
// time limit stops a long decode, the memory budget stops a huge clip, and the shared core
// keeps working afterwards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryBytes, memoryStats } from '../../ts/node.js';
import { EncodedVideo } from '../../ts/data/encoded_video.js';
import { FrameVideo } from '../../ts/data/frame_video.js';
import { VideoDecodeError, type VideoDecodeReason } from '../../ts/data/errors.js';
import { FFmpegNode } from '../../ts/data/decoder/node_ffmpeg_core.js';
import { decodeClip, probe } from '../../ts/data/decoder/node_decoder.js';
import { badMedia, frameFolder, media } from '../helpers/media.js';
import { base, lyingPixelWidth, lyingStts, readBytes, writeMedia } from '../fuzz/media_mutants.js';

async function expectDecodeError(fn: () => Promise<unknown>, path: string, reasons: VideoDecodeReason[], what: string): Promise<VideoDecodeError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof VideoDecodeError, `${what}: expected VideoDecodeError, got ${String(e)}`);
    const err = e as VideoDecodeError;
    assert.ok(reasons.includes(err.reason), `${what}: reason ${err.reason} not in ${reasons.join('/')} (${err.message})`);
    assert.is(err.path, path, `${what}: error names the file`);
    assert.ok(err.message.includes(path), `${what}: message names the file: ${err.message}`);
    assert.is(err.code, 'E_VIDEO_DECODE');
    return err;
  }
  assert.unreachable(`${what}: no error`);
  throw new Error('unreachable');
}

const tmp = mkdtempSync(join(tmpdir(), 'vidwasm-bad-'));

test('a missing file', async () => {
  const p = join(tmp, 'does not exist.mp4');
  await expectDecodeError(() => EncodedVideo.fromPath(p), p, ['missing'], 'missing');
});

test('a zero-byte file', async () => {
  const p = badMedia('empty');
  await expectDecodeError(() => EncodedVideo.fromPath(p), p, ['empty'], 'zero-byte');
});

test('a truncated file (index lost)', async () => {
  const p = badMedia('truncated');
  await expectDecodeError(() => EncodedVideo.fromPath(p), p, ['unreadable'], 'truncated');
});

test('a truncated file whose index survives: the missing part fails, the rest decodes', async () => {
  // -movflags +faststart puts the index first; cutting the file keeps it but loses samples.
  const full = join(tmp, 'faststart.mp4');
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', media('h264'), '-c', 'copy', '-movflags', '+faststart', full]);
  assert.is(r.status, 0, 'remux');
  const bytes = readFileSync(full);
  const cut = join(tmp, 'faststart-cut.mp4');
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.5)));
  const v = await EncodedVideo.fromPath(cut, { decodeAudio: false });
  const head = await v.getClip(0, 0.5);
  assert.is(head.video.shape[1], 15, 'the first half still decodes');
  head.video.dispose();
  await expectDecodeError(() => v.getClip(3.2, 3.9), cut, ['out-of-range', 'decode-failed', 'unreadable'], 'clip in the cut part');
});

test('a hostile file (valid index, garbage samples) decodes or fails, and does not hang', async () => {
  const full = join(tmp, 'faststart.mp4'); // made by the test above
  const bytes = new Uint8Array(readFileSync(full));
  let x = 99;
  for (let i = Math.floor(bytes.length * 0.3); i < bytes.length; i += 3) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; bytes[i] = x >>> 24; }
  const p = join(tmp, 'hostile.mp4');
  writeFileSync(p, bytes);
  const v = await EncodedVideo.fromPath(p, { timeoutMs: 5000 });
  for (const [a, b] of [[0, 1], [1.5, 3.5]]) {
    try {
      const c = await v.getClip(a, b);
      // ffmpeg conceals broken slices: a clip may come back, with the right frame geometry.
      assert.equal([c.video.shape[0], c.video.shape[2], c.video.shape[3]], [3, 240, 320]);
      c.video.dispose(); c.audio?.dispose();
    } catch (e) {
      assert.ok(e instanceof VideoDecodeError && e.path === p, `a typed error naming the file, got ${String(e)}`);
    }
  }
});

test('lying headers reserve nothing: 15,360 fps stts, PixelWidth 65535 / 16384 on 320-px frames', async () => {
  const start = memoryBytes(), live = memoryStats().liveBytes;
  const webm = readBytes(base('webm')), mp4 = readBytes(base('mp4'));
  for (const [name, bytes] of [['w65535.webm', lyingPixelWidth(webm, 65535)], ['w16384.webm', lyingPixelWidth(webm, 16384)], ['stts.mp4', lyingStts(mp4)]] as const) {
    const p = writeMedia(name, bytes);
    const v = await EncodedVideo.fromPath(p);
    assert.equal([v.width, v.height], [320, 240], `${name}: the decoded frame size, not the header's`);
    const c = await v.getClip(0, 2);
    assert.equal([c.video.shape[0], c.video.shape[2], c.video.shape[3]], [3, 240, 320], name);
    assert.ok(c.video.shape[1] >= 1 && c.video.shape[1] <= 60, `${name}: ${c.video.shape[1]} real frames`);
    c.video.dispose(); c.audio?.dispose();
  }
  const stts = await EncodedVideo.fromPath(writeMedia('stts.mp4', lyingStts(mp4)));
  assert.ok(stts.fps > 10000, `the header does claim ${stts.fps} fps`);
  // 2 s of 320x240 frames is 11.5 MB: wasm memory grew by the frames, never by the headers' 1 GiB.
  const grown = memoryBytes() - start;
  assert.ok(grown < 48 * 2 ** 20, `wasm memory grew by ${(grown / 2 ** 20).toFixed(1)} MiB`);
  assert.is(memoryStats().liveBytes, live, 'nothing left allocated');
});

test('a budget too small for the real frames is a typed too-large error naming the file, before memory grows', async () => {
  const p = writeMedia('w65535b.webm', lyingPixelWidth(readBytes(base('webm')), 65535));
  const v = await EncodedVideo.fromPath(p, { maxClipBytes: 5 * 320 * 240 * 3 });
  const before = memoryBytes(), live = memoryStats().liveBytes;
  const e = await expectDecodeError(() => v.getClip(0, 2), p, ['too-large'], '50 frames with a 5-frame budget');
  assert.match(e.message, /needs more than 1152000 bytes/);
  assert.ok(memoryBytes() - before <= 2 * 1152000 + 2 ** 20, 'wasm memory bounded by the budget');
  assert.is(memoryStats().liveBytes, live, 'the partial clip was freed');
});

test('short reads are flagged: truncated mp4, webm and avi return the frames they have with shortRead', async () => {
  for (const name of ['mp4', 'webm', 'avi'] as const) {
    const bytes = readBytes(base(name));
    const whole = await (await EncodedVideo.fromPath(base(name))).getClip(0, 2);
    assert.equal([whole.video.shape[1], whole.expectedFrames, whole.shortRead], [50, 50, false], `${name}: the whole file`);
    whole.video.dispose(); whole.audio?.dispose();
    const p = writeMedia(`half.${name}`, bytes.slice(0, Math.floor(bytes.length / 2)));
    const c = await (await EncodedVideo.fromPath(p)).getClip(0, 2);
    const t = c.video.shape[1];
    assert.ok(t >= 15 && t < 40, `${name}: ${t} frames survive`);
    assert.is(c.expectedFrames, 50, `${name}: the window should hold 50 frames`);
    assert.is(c.shortRead, true, `${name}: flagged`);
    c.video.dispose(); c.audio?.dispose();
  }
});

test('garbage bytes', async () => {
  const p = badMedia('garbage');
  await expectDecodeError(() => EncodedVideo.fromPath(p), p, ['unreadable'], 'garbage');
});

test('an image renamed .mp4', async () => {
  const p = badMedia('image');
  const e = await expectDecodeError(() => EncodedVideo.fromPath(p), p, ['not-a-video'], 'image');
  assert.match(e.message, /still image/);
});

test('an audio-only file has no video stream', async () => {
  const p = badMedia('audioOnly');
  await expectDecodeError(() => EncodedVideo.fromPath(p), p, ['no-video-stream'], 'audio only');
});

test('a clip past the end; a clip overlapping the end is cut short', async () => {
  const p = media('h264');
  const v = await EncodedVideo.fromPath(p);
  await expectDecodeError(() => v.getClip(10, 12), p, ['out-of-range'], 'past the end');
  await expectDecodeError(() => v.getClip(4.0, 5.0), p, ['out-of-range'], 'starting at the end');
  await expectDecodeError(() => v.getClip(2, 1), p, ['out-of-range'], 'end before start');
  const tail = await v.getClip(3.5, 6);
  assert.is(tail.video.shape[1], 15, 'the last 0.5 s at 30 fps');
  tail.video.dispose(); tail.audio?.dispose();
});

test('the per-file time limit stops a long decode (no hang)', async () => {
  const p = media('hd');
  const info = await probe(p); // (probing decodes one frame: the 150 ms limit is for the clip)
  const t0 = performance.now();
  const e = await expectDecodeError(() => decodeClip(info, 0, 3, { timeoutMs: 150 }), p, ['timeout'], '720p with a 150 ms limit');
  const ms = performance.now() - t0;
  // A full 3 s 720p decode takes seconds here; the limit returned control long before that.
  assert.ok(ms < 150 * 10 + 3000, `stopped after ${ms.toFixed(0)} ms`);
  assert.match(e.message, /150 ms/);
});

test('the memory budget refuses a clip that is too large, without leaking', async () => {
  const p = media('h264');
  const before = memoryStats().liveBytes;
  const v = await EncodedVideo.fromPath(p, { maxClipBytes: 2_000_000 });
  await expectDecodeError(() => v.getClip(0, 4), p, ['too-large'], '120 frames of 230 KB with a 2 MB budget');
  const w = await EncodedVideo.fromPath(p, { maxClipBytes: 1000 });
  await expectDecodeError(() => w.getClip(0, 1), p, ['too-large'], 'one frame over budget');
  assert.is(memoryStats().liveBytes, before, 'the partial clip was freed');
});

test('FrameVideo: a missing frame and a corrupt frame name the frame file', async () => {
  const dir = frameFolder('png', 6);
  const v = await FrameVideo.fromDirectory(dir, 30);
  const paths = Array.from({ length: 6 }, (_, i) => join(dir, `frame_${i + 1}.png`));
  const gone = FrameVideo.fromFramePaths([...paths.slice(0, 3), join(tmp, 'frame_x.png')], 30);
  await expectDecodeError(() => gone.getClip(0, 0.2), join(tmp, 'frame_x.png'), ['missing'], 'missing frame');
  const junk = join(tmp, 'junk.png');
  writeFileSync(junk, new Uint8Array(500).fill(7));
  const bad = FrameVideo.fromFramePaths([paths[0], paths[1], junk], 30);
  await expectDecodeError(() => bad.getClip(0, 0.1), junk, ['unreadable', 'decode-failed'], 'corrupt frame');
  const ok = await v.getClip(0, 0.1);
  assert.is(ok!.video.shape[1], 3);
  ok!.video.dispose();
});

test('one core survives hundreds of runs; a retired core is replaced transparently', async () => {
  // ffmpeg.wasm leaks its C stack on every run (each run ends in abort()); without the stack
  // restore in FFmpegNode.run a core traps or hangs after ~100 decodes.
  const v = await EncodedVideo.fromPath(media('odd'), { decodeAudio: false });
  const ref = await v.getClip(0.4, 0.6);
  const want = Array.from(ref.video.toArray());
  ref.video.dispose();
  const first = await FFmpegNode.get();
  for (let i = 0; i < 160; i++) {
    const c = await v.getClip(0.4, 0.6);
    if (i % 40 === 0) assert.equal(Array.from(c.video.toArray()), want, `run ${i}`);
    c.video.dispose();
  }
  assert.is(await FFmpegNode.get(), first, 'still the same core');
  const limit = FFmpegNode.maxRunsPerCore;
  FFmpegNode.maxRunsPerCore = 10;
  try {
    for (let i = 0; i < 12; i++) (await v.getClip(0.4, 0.6)).video.dispose();
    const next = await FFmpegNode.get();
    assert.ok(next !== first, 'retired after maxRunsPerCore runs');
    const c = await v.getClip(0.4, 0.6);
    assert.equal(Array.from(c.video.toArray()), want, 'the fresh core decodes the same frames');
    c.video.dispose();
  } finally {
    FFmpegNode.maxRunsPerCore = limit;
  }
});

test('the shared core still decodes correctly after all of the above', async () => {
  const v = await EncodedVideo.fromPath(media('odd'));
  const c = await v.getClip(0, 1);
  assert.equal([...c.video.shape], [3, 25, 61, 97]);
  c.video.dispose();
});

test.run();
