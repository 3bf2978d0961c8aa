// pipeline('video-classification', ...): the real PyTorchVideo X3D-XS checkpoint (served by a
// local HTTP server as the zoo's download), a real H.264 mp4 (4 s, 320x240), every input form,
// both view recipes, and the typed errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { pipeline, zoo, data, transforms, ops, noGrad, tidy, Tensor, ArgumentError, memoryStats, manualSeed } from '../../ts/node.js';
import { media } from '../helpers/media.js';

const fixture = new URL('../../../shared/fixtures/x3d_xs/model.pyth', import.meta.url).pathname;
const clipPath = media('h264');
const clipBytes = readFileSync(clipPath);
const server = createServer((req, res) => {
  if (req.url?.endsWith('/X3D_XS.pyth')) res.end(readFileSync(fixture));
  else if (req.url === '/clip.mp4') res.end(clipBytes);
  else res.writeHead(404).end();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const clf = await pipeline('video-classification', 'x3d_xs', { baseUrl: base, cacheDir: mkdtempSync(join(tmpdir(), 'vidwasm-cache-')) });

test('centre view: the zoo recipe (4 frames of the middle 1.6 s, short side 182, crop 160) through the real weights', async () => {
  const top = await clf(clipPath, { topk: 5 });
  assert.is(top.length, 5);
  assert.ok(top.every((p, i) => i === 0 || p.score <= top[i - 1].score), 'best first');
  assert.ok(top.every((p) => p.label === zoo.KINETICS400_CLASSES[p.index]), 'Kinetics-400 names');
  // The same computation written out by hand: decode [1.2, 2.8) s, the eval chain, softmax of the logits.
  const v = await data.EncodedVideo.fromPath(clipPath, { decodeAudio: false });
  const seconds = (4 * 12) / 30;
  const { video } = await v.getClip((4 - seconds) / 2, (4 - seconds) / 2 + seconds + 1e-6);
  const F = transforms.functional;
  const probs = tidy(() => noGrad(() => {
    const x = F.shortSideScaleCenterCrop(F.uint8Normalize(F.uniformTemporalSubsample(video, 4), [0.45, 0.45, 0.45], [0.225, 0.225, 0.225]), 182, 160);
    const y = clf.model.forward(ops.reshape(x, [1, 3, 4, 160, 160])) as Tensor;
    return ops.softmax(y, 1).toArray() as Float32Array;
  }));
  video.dispose();
  const best = [...probs.keys()].sort((a, b) => probs[b] - probs[a]);
  assert.equal(top.map((p) => p.index), best.slice(0, 5));
  top.forEach((p) => assert.ok(Math.abs(p.score - probs[p.index]) < 1e-6, `${p.label}: ${p.score} vs ${probs[p.index]}`));
});

test('every input form gives the same answer: path, file: URL, http URL, bytes, Blob', async () => {
  const want = await clf(clipPath, { topk: 3 });
  for (const input of [pathToFileURL(clipPath), `${base}/clip.mp4`, new Uint8Array(clipBytes), new Blob([clipBytes])]) {
    assert.equal(await clf(input, { topk: 3 }), want, String(input.constructor.name));
  }
});

test("'uniform-10x3' averages 30 views (10 clips x 3 crops) and differs from the centre view", async () => {
  const forward = clf.model.forward.bind(clf.model);
  let calls = 0;
  clf.model.forward = ((x: Tensor) => { calls++; return forward(x); }) as typeof clf.model.forward;
  try {
    const views = await clf(clipPath, { topk: 400, clips: 'uniform-10x3' });
    assert.is(calls, 30);
    assert.ok(Math.abs(views.reduce((s, p) => s + p.score, 0) - 1) < 1e-4, 'averaged probabilities sum to 1');
    const centre = await clf(clipPath, { topk: 400 });
    const byIndex = (ps: { index: number; score: number }[]) => ps.slice().sort((a, b) => a.index - b.index).map((p) => p.score);
    const a = byIndex(views), b = byIndex(centre);
    assert.ok(a.some((v, i) => Math.abs(v - b[i]) > 1e-9), 'other views change the scores');
  } finally { clf.model.forward = forward; }
});

test('a decoded video tensor is classified as the whole clip, and left to its owner', async () => {
  const v = await data.EncodedVideo.fromPath(clipPath, { decodeAudio: false });
  const { video } = await v.getClip(0, 1.6);
  const live = memoryStats().liveTensors;
  const top = await clf(video, { topk: 2 });
  assert.is(top.length, 2);
  assert.not.ok(video.isDisposed);
  assert.is(memoryStats().liveTensors, live, 'no tensor left behind');
  video.dispose();
});

test('SlowFast inputs: [slow, fast] pathways, the slow one uniformly subsampled from the fast', () => {
  const info = zoo.modelInfo('slowfast_r50');
  const video = Tensor.from(Uint8Array.from({ length: 3 * 40 * 24 * 32 }, (_, i) => (i * 7) % 251), [3, 40, 24, 32], { dtype: 'u8' });
  const small = { ...info, sideSize: 24, cropSize: 24 };
  const [slow, fast] = transformsOf(video, small);
  assert.equal(fast.shape, [1, 3, 32, 24, 24]);
  assert.equal(slow.shape, [1, 3, 8, 24, 24]);
  const idx = transforms.functional.uniformTemporalIndices(32, 8);
  const f = fast.toArray() as Float32Array, s = slow.toArray() as Float32Array;
  const plane = 24 * 24;
  for (let c = 0; c < 3; c++) for (let t = 0; t < 8; t++) {
    assert.equal(s.subarray((c * 8 + t) * plane, (c * 8 + t + 1) * plane), f.subarray((c * 32 + idx[t]) * plane, (c * 32 + idx[t] + 1) * plane));
  }
  for (const t of [slow, fast, video]) t.dispose();
});
function transformsOf(video: Tensor, info: zoo.ModelInfo): Tensor[] { return zoo.modelInput(video, info) as Tensor[]; }

test('action detection: the AVA tutorial recipe around `time`, per-box sigmoid scores with AVA names', async () => {
  manualSeed(11);
  const det = await pipeline('action-detection', 'slow_r50_detection', { pretrained: false });
  try {
    const boxes: [number, number, number, number][] = [[20, 30, 140, 230], [150, 10, 319, 239]];
    const res = await det(clipPath, { boxes, time: 2, topk: 4 });
    assert.is(res.length, 2);
    // By hand: decode [1.5, 2.5), 4 frames, /255, boxes clipped, short side 256 with the boxes, normalise, index column.
    const v = await data.EncodedVideo.fromPath(clipPath, { decodeAudio: false });
    const { video } = await v.getClip(1.5, 2.5 + 1e-6);
    const F = transforms.functional;
    const want = tidy(() => noGrad(() => {
      let x = F.div255(F.uniformTemporalSubsample(video, 4));
      const b0 = F.clipBoxesToImage(Tensor.from(Float32Array.from(boxes.flat()), [2, 4]), 240, 320);
      const [xs, bs] = F.shortSideScaleWithBoxes(x, b0, 256);
      x = F.normalize(xs, [0.45, 0.45, 0.45], [0.225, 0.225, 0.225]);
      assert.equal(x.shape, [3, 4, 256, 341]);
      const b = ops.cat([Tensor.zeros([2, 1]), F.clipBoxesToImage(bs, 256, 341)], 1);
      return (det.model.forward(ops.reshape(x, [1, ...x.shape]), b) as Tensor).toArray() as Float32Array;
    }));
    video.dispose();
    res.forEach((r, i) => {
      assert.equal(r.box, boxes[i]);
      const row = want.subarray(i * 80, (i + 1) * 80);
      const order = [...row.keys()].sort((a, b) => row[b] - row[a]).slice(0, 4);
      assert.equal(r.actions.map((a) => a.index), order);
      r.actions.forEach((a) => {
        assert.ok(Math.abs(a.score - row[a.index]) < 1e-6 && a.score > 0 && a.score < 1, 'sigmoid scores');
        assert.is(a.label, zoo.AVA_ACTIONS[a.index]);
      });
    });
    await det(clipPath, { boxes: [[10, 10, 5, 50]] }).then(() => assert.unreachable(), (e) => assert.match(e.message, /x2 >= x1/));
    await det(clipPath, { boxes, time: 9 }).then(() => assert.unreachable(), (e) => assert.match(e.message, /outside the video/));
  } finally { det.dispose(); }
});

test('typed errors: unknown task, a detection model, a bad tensor, bad views, a missing file', async () => {
  await pipeline('object-detection' as 'video-classification', 'x3d_xs').then(() => assert.unreachable(), (e) => assert.instance(e, ArgumentError));
  await pipeline('video-classification', 'slow_r50_detection').then(() => assert.unreachable(), (e) => assert.match(e.message, /detection model/));
  await pipeline('action-detection', 'x3d_xs').then(() => assert.unreachable(), (e) => assert.match(e.message, /classification model/));
  const bad = Tensor.zeros([4, 4, 8, 8]);
  await clf(bad).then(() => assert.unreachable(), (e) => assert.match(e.message, /\[3, T, H, W\]/));
  bad.dispose();
  await clf(clipPath, { clips: 'all' as 'center' }).then(() => assert.unreachable(), (e) => assert.instance(e, ArgumentError));
  await clf('/no/such/clip.mp4').then(() => assert.unreachable(), (e) => assert.match(e.message, /no\/such\/clip\.mp4/));
});

test.after(() => { clf.dispose(); server.close(); });
test.run();
