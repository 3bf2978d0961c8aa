// Flow-aware transforms: a flip mirrors and negates x, a resize scales the vectors, crops do not,
// normalisation is per flow channel; the flow key through ApplyTransformToKey and
// createFlowTransform. Checked on exact fields, and against the flow itself: the flow computed on
// flipped / resized frames equals the flipped / resized flow of the original frames.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, manualSeed, memoryStats, data } from '../../ts/node.js';
import * as T from '../../ts/data/transforms/index.js';
import { frames, type FrameSpec } from './flow_frames.js';

const H = 6, W = 8;
/** Flow [2, 2, H, W] with x = 10 t + col + 0.5, y = -(row + 1). */
function field(): Tensor {
  const a = new Float32Array(2 * 2 * H * W);
  for (let t = 0; t < 2; t++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    a[(t * H + y) * W + x] = 10 * t + x + 0.5;
    a[((2 + t) * H + y) * W + x] = -(y + 1);
  }
  return Tensor.from(a, [2, 2, H, W], { dtype: 'f32' });
}
const constant = (vx: number, vy: number, h: number, w: number, t = 2) => {
  const a = new Float32Array(2 * t * h * w);
  a.fill(vx, 0, t * h * w); a.fill(vy, t * h * w);
  return Tensor.from(a, [2, t, h, w], { dtype: 'f32' });
};
const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('horizontal flip mirrors the field and negates x only', () => {
  const f = field(), g = T.flowHorizontalFlip(f);
  const a = f.toArray(), b = g.toArray();
  for (let c = 0; c < 2; c++) for (let t = 0; t < 2; t++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const o = ((c * 2 + t) * H + y) * W;
    assert.is(b[o + x], (c === 0 ? -1 : 1) * a[o + W - 1 - x]);
  }
  f.dispose(); g.dispose();
});

test('resizing scales x by the width factor and y by the height factor; crops keep the vectors', () => {
  const f = constant(3, -2, 24, 32);
  const r = T.flowResize(f, 12, 48);
  assert.equal(r.shape, [2, 2, 12, 48]);
  const v = r.toArray(), n = 2 * 12 * 48;
  for (let i = 0; i < n; i++) { close(v[i], 4.5, 1e-6, 'x'); close(v[n + i], -1, 1e-6, 'y'); }
  const s = T.flowShortSideScale(f, 12);   // 24x32 -> 12x16: both halve
  assert.equal(s.shape, [2, 2, 12, 16]);
  close(s.toArray()[0], 1.5, 1e-6, 'short side x'); close(s.toArray()[2 * 12 * 16], -1, 1e-6, 'short side y');
  manualSeed(3);
  const rrc = T.flowRandomResizedCrop(f, 10, 10, [0.2, 0.5]);
  const rv = rrc.toArray();
  assert.ok(rv[0] !== 3 && rv[0] > 0 && rv[200] < 0, 'resized crop scales by output / window');
  const c = T.CenterCrop(16)(constant(3, -2, 24, 32));
  assert.equal(Array.from(new Set(c.toArray())), [3, -2]);
  for (const t of [f, r, s, rrc, c]) t.dispose();
});

test('the flow of flipped / half-size frames is the flipped / rescaled flow of the frames', () => {
  const spec: FrameSpec = { h: 128, w: 160, channels: 3, frames: 2, seed: 41, A: [[4096, 0], [0, 4096]], t: [6144, -2867] };
  const video = Tensor.from(frames(spec), [3, 2, 128, 160], { dtype: 'u8' });
  const flow = data.computeFlow(video);
  const mean = (x: Tensor, c: number) => {
    const [, , h, w] = x.shape, a = x.toArray(), b = Math.round(h / 8);
    let s = 0, n = 0;
    for (let y = b; y < h - b; y++) for (let xx = Math.round(w / 8); xx < w - Math.round(w / 8); xx++) { s += a[(c * h + y) * w + xx]; n++; }
    return s / n;
  };
  const flippedVideo = T.functional.horizontalFlip(video), flowOfFlipped = data.computeFlow(flippedVideo);
  const flippedFlow = T.flowHorizontalFlip(flow);
  for (const c of [0, 1]) close(mean(flowOfFlipped, c), mean(flippedFlow, c), 0.02, `flip channel ${c}`);
  close(mean(flippedFlow, 0), 1.5, 0.02, 'x after the flip (the frames move left by 1.5 px)');
  const resized = T.functional.shortSideScale(video, 64);
  const small = Tensor.from(Uint8Array.from(resized.toArray(), (v) => Math.round(v)), resized.shape, { dtype: 'u8' });
  resized.dispose();
  const flowOfSmall = data.computeFlow(small), smallFlow = T.flowShortSideScale(flow, 64);
  for (const c of [0, 1]) close(mean(flowOfSmall, c), mean(smallFlow, c), 0.03, `half size channel ${c}`);
  close(mean(smallFlow, 0), -0.75, 0.02, 'x at half size');
  for (const t of [video, flow, flippedVideo, flowOfFlipped, flippedFlow, small, flowOfSmall, smallFlow]) t.dispose();
});

test('flow in a clip dict: ApplyTransformToKey, per-channel Normalize, createFlowTransform', () => {
  const live = memoryStats().liveTensors;
  const clip: Record<string, unknown> = { video: Tensor.zeros([3, 2, H, W], { dtype: 'u8' }), flow: field() };
  T.Compose([T.ApplyTransformToKey('flow', T.FlowHorizontalFlip()), T.ApplyTransformToKey('flow', T.Normalize([1, 2], [2, 4]))])(clip);
  const v = (clip.flow as Tensor).toArray();
  close(v[0], (-(W - 1 + 0.5) - 1) / 2, 1e-6, 'x normalised'); close(v[2 * H * W], (-1 - 2) / 4, 1e-6, 'y normalised');
  (clip.video as Tensor).dispose(); (clip.flow as Tensor).dispose();
  // val: 8 frames -> 4, 24x32 -> short side 12 (12x16, vectors halve), centre 12x12, / 20
  const val = T.createFlowTransform('val', { flowKey: 'flow', numSamples: 4, minSize: 12, cropSize: 12, removeKey: ['video'] });
  const d = val({ flow: constant(4, -6, 24, 32, 8), video: Tensor.zeros([1]) });
  assert.equal(Object.keys(d), ['flow']);
  assert.equal(d.flow.shape, [2, 4, 12, 12]);
  assert.equal(Array.from(new Set(d.flow.toArray() as Float32Array)).map((x: number) => Math.round(x * 1e6) / 1e6), [0.1, -0.15]);
  d.flow.dispose();
  // train with a certain flip: x negated after the random scale
  manualSeed(5);
  const train = T.createFlowTransform('train', { numSamples: null, minSize: 12, maxSize: 16, cropSize: 8, horizontalFlipProb: 1, flowStd: [1, 1] });
  const y = train(constant(4, -6, 24, 32)) as Tensor;
  assert.equal(y.shape, [2, 2, 8, 8]);
  const yv = y.toArray();
  // short side s in [12, 16]: 24x32 -> s x floor(4s/3), so x = -4 floor(4s/3)/32 in [-2.625, -2], y = -6 s/24 in [-4, -3]
  assert.ok(yv[0] >= -2.625 && yv[0] <= -2 && yv[128] >= -4 && yv[128] <= -3, `train x ${yv[0]}, y ${yv[128]}`);
  y.dispose();
  const three = Tensor.zeros([3, 1, 4, 4]);
  assert.throws(() => T.flowResize(three, 2, 2), /\[2, T, H, W\]/);
  three.dispose();
  assert.is(memoryStats().liveTensors, live);
});

test.run();
