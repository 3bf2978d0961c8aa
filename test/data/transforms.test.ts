// Video transforms (ts/data/transforms) against PyTorch / torchvision golden values
// (test/golden/gen_transforms.py), on the SIMD pixel kernels and on their scalar twins; typed
// errors on bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tidy, manualSeed, ShapeError, ArgumentError, DTypeError } from '../../ts/node.js';
import * as T from '../../ts/data/transforms/index.js';
import { loadGolden, tensorOf, type GoldenCase } from '../helpers/golden.js';
import { assertClose, eachBackend, throwsTyped } from '../helpers/assert.js';

const F = T.functional;
const golden = loadGolden('transforms');
const byOp = (op: string) => golden.filter((c) => c.op === op);
const x = (c: GoldenCase, k = 'x') => tensorOf(c.inputs[k]);
// Bilinear sums two products per axis in PyTorch's order; only its compiler's rounding (FMA) may differ.
const LINEAR = { rtol: 1e-5, atol: 2e-5 };
const EXACT = { rtol: 0, atol: 0 };

function check(c: GoldenCase, run: () => Tensor, tol = EXACT, out = 'y'): void {
  eachBackend((b) => {
    const y = run();
    assert.equal([...y.shape], c.outputs[out].shape, `${c.name} [${b}] shape`);
    assert.is(y.dtype, c.outputs[out].dtype, `${c.name} [${b}] dtype`);
    assertClose(y, c.outputs[out].data, tol, `${c.name} [${b}]`);
  });
}

for (const c of byOp('resize')) {
  test(c.name, () => check(c, () => F.resizeVideo(x(c), c.params.size[0], c.params.size[1], c.params.mode),
    c.params.mode === 'nearest' ? EXACT : LINEAR));
}
for (const c of byOp('short_side_scale')) {
  test(c.name, () => check(c, () => F.shortSideScale(x(c), c.params.size), LINEAR));
  test(`${c.name} (ShortSideScale transform)`, () => check(c, () => T.ShortSideScale(c.params.size)(x(c)), LINEAR));
}
for (const c of byOp('resize_window')) {
  test(c.name, () => {
    const [top, left, height, width] = c.params.box;
    check(c, () => F.resizeVideo(x(c), c.params.size[0], c.params.size[1], 'bilinear', { top, left, height, width }), LINEAR);
  });
}
for (const c of byOp('center_crop')) test(c.name, () => check(c, () => T.CenterCrop(c.params.size)(x(c))));
for (const c of byOp('uniform_crop')) {
  test(c.name, () => check(c, () => F.uniformCrop(x(c), c.params.size, c.params.spatial_idx)));
  test(`${c.name} (UniformCropVideo on a clip dict)`, () => check(c, () =>
    T.UniformCropVideo(c.params.size)({ video: x(c), aug_index: c.params.spatial_idx }).video));
}
for (const c of byOp('hflip')) {
  test(c.name, () => check(c, () => F.horizontalFlip(x(c))));
  test(`${c.name} (RandomHorizontalFlip(1))`, () => check(c, () => T.RandomHorizontalFlip(1)(x(c))));
}
for (const c of byOp('convert_u8')) test(c.name, () => check(c, () => T.ConvertUint8ToFloat()(x(c))));
for (const c of byOp('div255')) test(c.name, () => check(c, () => T.Div255()(x(c))));
for (const c of byOp('normalize')) {
  test(c.name, () => check(c, () => T.Normalize(c.params.mean, c.params.std)(x(c))));
}
test('uint8Normalize equals ConvertUint8ToFloat + Normalize bit for bit', () => {
  const c = byOp('convert_u8')[0];
  eachBackend((b) => {
    const fused = F.uint8Normalize(x(c), [0.45, 0.4, 0.35], [0.225, 0.25, 0.3]).toArray();
    const two = F.normalize(F.convertUint8ToFloat(x(c)), [0.45, 0.4, 0.35], [0.225, 0.25, 0.3]).toArray();
    assertClose(fused, two, EXACT, `fused [${b}]`);
  });
});
for (const c of byOp('temporal_indices')) {
  test(c.name, () => assert.equal(F.uniformTemporalIndices(c.params.t, c.params.n), Array.from(c.outputs.idx.data)));
}
for (const c of byOp('uniform_temporal_subsample')) test(c.name, () => check(c, () => T.UniformTemporalSubsample(c.params.n)(x(c))));

test('uniformTemporalSubsample on a batch [B, C, T, H, W] (temporalDim -3) and along dim 0', () => tidy(() => {
  const c = byOp('uniform_temporal_subsample')[0];
  const v = x(c);
  const [ch, t, h, w] = v.shape;
  const batch = Tensor.from(Uint8Array.from([...v.toArray(), ...v.toArray()]), [2, ch, t, h, w], { dtype: 'u8' });
  const y = F.uniformTemporalSubsample(batch, c.params.n);
  assert.equal([...y.shape], [2, ch, c.params.n, h, w]);
  const half = c.outputs.y.data.length;
  assertClose(y.toArray().subarray(0, half), c.outputs.y.data, EXACT, 'first sample');
  assertClose(y.toArray().subarray(half), c.outputs.y.data, EXACT, 'second sample');
  const seq = Tensor.from(Float32Array.from({ length: 30 }, (_, i) => i), [30]);
  assert.equal(Array.from(F.uniformTemporalSubsample(seq, 8, 0).toArray()), F.uniformTemporalIndices(30, 8));
}));

test('UniformTemporalSubsampleRepeated gives one pathway per ratio', () => tidy(() => {
  const v = Tensor.from(Uint8Array.from({ length: 2 * 8 * 2 * 2 }, (_, i) => i), [2, 8, 2, 2], { dtype: 'u8' });
  const [slow, fast] = T.UniformTemporalSubsampleRepeated([4, 1])(v);
  assert.equal([...slow.shape], [2, 2, 2, 2]);
  assert.equal([...fast.shape], [2, 8, 2, 2]);
  assert.ok(v.isDisposed, 'input consumed');
}));

for (const c of byOp('kinetics_val')) {
  test(`${c.name} (createVideoTransform('val') with PyTorchVideo's steps)`, () => check(c, () =>
    T.createVideoTransform('val', { numSamples: 4, minSize: 16, cropSize: 14 })(x(c)), LINEAR));
  test(`${c.name} on a clip dict (ApplyTransformToKey, RemoveKey)`, () => eachBackend(() => {
    const audio = Tensor.zeros([100]);
    const clip = T.createVideoTransform('val', { videoKey: 'video', removeKey: ['audio'], numSamples: 4, minSize: 16, cropSize: 14 })(
      { video: x(c), audio, label: 3, video_name: 'a.mp4', video_index: 0, clip_index: 0, aug_index: 0 });
    assert.not.ok('audio' in clip);
    assert.ok(audio.isDisposed, 'removed audio disposed');
    assert.is(clip.label, 3);
    assertClose(clip.video, c.outputs.y.data, LINEAR, 'dict chain');
  }));
}

test('Compose fuses resize+crop pairs: same values and random draws as the separate steps', () => {
  for (const [shape, size, crop] of [[[3, 2, 24, 32], 20, 16], [[2, 3, 31, 17], 9, [7, 5]], [[1, 1, 9, 9], 13, 13]] as const) {
    eachBackend((b) => {
      const src = Tensor.rand(shape as unknown as number[], 0, 255);
      const mk = (fuse: boolean) => T.Compose([T.ShortSideScale(size), T.CenterCrop(crop as never)], { fuse });
      const fused = mk(true)(F.crop(src, 0, 0, shape[2], shape[3])), plain = mk(false)(F.crop(src, 0, 0, shape[2], shape[3]));
      assertClose(fused, plain, EXACT, `val ${shape} [${b}]`);
      const rnd = (fuse: boolean) => { manualSeed(9); return T.Compose([T.RandomShortSideScale(size, size + 4), T.RandomCrop(crop as never)], { fuse }); };
      for (let k = 0; k < 3; k++) {
        const tf = rnd(true), tp = rnd(false);
        manualSeed(100 + k); const a = tf(F.crop(src, 0, 0, shape[2], shape[3]));
        manualSeed(100 + k); const p = tp(F.crop(src, 0, 0, shape[2], shape[3]));
        assertClose(a, p, EXACT, `train ${shape} [${b}]`);
      }
    });
  }
  throwsTyped(() => T.Compose([T.ShortSideScale(8), T.CenterCrop(9)])(Tensor.zeros([3, 1, 8, 8])), ShapeError, /larger/);
  // ConvertUint8ToFloat + Normalize: one fused sweep, bit-identical, same errors
  const c = byOp('convert_u8')[0];
  eachBackend((b) => {
    const mk = (fuse: boolean) => T.Compose([T.ConvertUint8ToFloat(), T.Normalize([0.45, 0.4, 0.35], [0.225, 0.25, 0.3])], { fuse });
    assertClose(mk(true)(x(c)), mk(false)(x(c)), EXACT, `u8 normalise [${b}]`);
  });
  throwsTyped(() => T.Compose([T.ConvertUint8ToFloat(), T.Normalize([0.5], [0.5])])(Tensor.zeros([3, 1, 2, 2])), DTypeError, /convertUint8ToFloat/);
});

// --- boxes
for (const c of byOp('crop_boxes')) test(c.name, () => check(c, () => F.cropBoxes(x(c, 'boxes'), c.params.x_offset, c.params.y_offset)));
for (const c of byOp('clip_boxes')) test(c.name, () => check(c, () => F.clipBoxesToImage(x(c, 'boxes'), c.params.height, c.params.width)));
for (const c of byOp('flip_boxes')) {
  test(c.name, () => tidy(() => {
    const img = Tensor.zeros([3, 1, 4, c.params.width]);
    const [, b] = F.horizontalFlipWithBoxes(1, img, x(c, 'boxes'));
    assertClose(b, c.outputs.y.data, EXACT, c.name);
    const [, same] = F.horizontalFlipWithBoxes(0, img, x(c, 'boxes'));
    assertClose(same, c.inputs.boxes.data, EXACT, 'prob 0 keeps boxes');
  }));
}
for (const c of byOp('short_side_scale_boxes')) {
  test(c.name, () => eachBackend(() => {
    const [img, b] = F.shortSideScaleWithBoxes(x(c), x(c, 'boxes'), c.params.size);
    assertClose(img, c.outputs.y.data, LINEAR, 'images');
    assertClose(b, c.outputs.boxes.data, { rtol: 1e-6, atol: 1e-6 }, 'boxes');
  }));
}
for (const c of byOp('uniform_crop_boxes')) {
  test(c.name, () => eachBackend(() => {
    const [img, b] = F.uniformCropWithBoxes(x(c), c.params.size, c.params.spatial_idx, x(c, 'boxes'));
    assertClose(img, c.outputs.y.data, EXACT, 'images');
    assertClose(b, c.outputs.boxes.data, EXACT, 'boxes');
  }));
}
test('randomCropWithBoxes: boxes follow the crop offsets and stay inside the crop', () => tidy(() => {
  manualSeed(5);
  const v = Tensor.from(Float32Array.from({ length: 20 * 30 }, (_, i) => i), [1, 1, 20, 30]);
  const boxes = Tensor.from([2, 3, 25, 18, 0, 0, 29, 19], [2, 4]);
  for (let k = 0; k < 20; k++) {
    const [img, b] = F.randomCropWithBoxes(v, 12, boxes);
    const d = img.toArray(), bb = b.toArray();
    const y0 = Math.floor(d[0] / 30), x0 = d[0] % 30;  // the crop's first pixel names its offset
    assert.ok(y0 < 20 - 12 && x0 < 30 - 12, 'np.random.randint excludes the last offset');
    const expect = [2 - x0, 3 - y0, 25 - x0, 18 - y0].map((vv) => Math.min(11, Math.max(0, vv)));
    assert.equal(Array.from(bb.slice(0, 4)), expect);
    for (const vv of bb) assert.ok(vv >= 0 && vv <= 11);
  }
}));

// --- labels
for (const c of byOp('one_hot')) test(c.name, () => check(c, () => F.convertToOneHot(x(c, 'labels'), c.params.num_class, c.params.label_smooth), { rtol: 1e-7, atol: 0 }));
for (const c of byOp('mix_labels')) {
  test(c.name, () => check(c, () => F.mixLabels(x(c, 'labels'), c.params.num_classes, c.params.lam, c.params.label_smoothing), { rtol: 1e-6, atol: 1e-7 }));
}

// --- randomness: seeded, within PyTorch's ranges
test('RandomShortSideScale draws sizes uniformly in [minSize, maxSize]', () => tidy(() => {
  manualSeed(1);
  const seen = new Set<number>();
  const t = T.RandomShortSideScale(6, 9);
  for (let k = 0; k < 60; k++) {
    const y = t(Tensor.zeros([1, 1, 8, 12]));
    seen.add(y.shape[2]);
    assert.is(y.shape[3], Math.floor((12 / 8) * y.shape[2]));
    y.dispose();
  }
  assert.equal([...seen].sort(), [6, 7, 8, 9]);
}));
test('RandomCrop covers every offset, RandomHorizontalFlip flips about half the time', () => tidy(() => {
  manualSeed(2);
  const v = Tensor.from(Float32Array.from({ length: 6 * 7 }, (_, i) => i), [1, 1, 6, 7]);
  const offs = new Set<number>();
  for (let k = 0; k < 200; k++) { const y = F.randomCrop(v, [4, 4]); offs.add(y.toArray()[0]); y.dispose(); }
  assert.is(offs.size, 3 * 4);
  let flips = 0;
  const flip = T.RandomHorizontalFlip(0.5);
  for (let k = 0; k < 400; k++) {
    const y = flip(F.crop(v, 0, 0, 6, 7));
    if (y.toArray()[0] === 6) flips++;
    y.dispose();
  }
  assert.ok(flips > 160 && flips < 240, `flips ${flips}/400`);
}));
test('RandomResizedCrop: output size, crop area within scale (no shift and shift)', () => tidy(() => {
  manualSeed(3);
  for (let k = 0; k < 50; k++) {
    const [i, j, h, w] = F.getParamSpatialCrop([0.08, 1], [3 / 4, 4 / 3], 40, 60);
    assert.ok(i >= 0 && j >= 0 && i + h <= 40 && j + w <= 60);
    const area = (h * w) / (40 * 60);
    assert.ok(area > 0.05 && area <= 1.0001, `area ${area}`);
  }
  const y = T.RandomResizedCrop(16, 12, [0.08, 1], [3 / 4, 4 / 3])(Tensor.rand([3, 2, 40, 60]));
  assert.equal([...y.shape], [3, 2, 16, 12]);
  const s = T.RandomResizedCrop(16, 12, [0.08, 1], [3 / 4, 4 / 3], true)(Tensor.rand([3, 4, 40, 60]));
  assert.equal([...s.shape], [3, 4, 16, 12]);
}));
test('OpSampler samples without replacement by weight', () => {
  manualSeed(4);
  const counts = [0, 0, 0];
  const s = T.OpSampler([(v: number) => v + 1, (v: number) => v + 10, (v: number) => v + 100], [1, 2, 7], 2);
  for (let k = 0; k < 500; k++) {
    const r = s(0);
    assert.is(new Set(s.lastIndices).size, 2);
    s.lastIndices.forEach((i) => counts[i]++);
    assert.ok([11, 101, 110].includes(r));
  }
  assert.ok(counts[2] > counts[1] && counts[1] > counts[0], JSON.stringify(counts));
});

// --- typed errors
test('bad input gives typed errors naming the op and shape', () => tidy(() => {
  throwsTyped(() => F.shortSideScale(Tensor.zeros([3, 8, 8]), 4), ShapeError, /shortSideScale.*\[3, 8, 8\]/);
  throwsTyped(() => T.CenterCrop(10)(Tensor.zeros([3, 2, 8, 8])), ShapeError, /centerCrop.*larger/);
  throwsTyped(() => F.randomCrop(Tensor.zeros([3, 2, 8, 8]), 9), ShapeError, /larger/);
  throwsTyped(() => F.uniformCrop(Tensor.zeros([3, 2, 8, 8]), 4, 3), ArgumentError, /spatialIdx/);
  throwsTyped(() => F.normalize(Tensor.zeros([3, 2, 4, 4], { dtype: 'u8' }), [0.5], [0.5]), DTypeError, /normalize.*u8/);
  throwsTyped(() => F.normalize(Tensor.zeros([3, 2, 4, 4]), [0.5, 0.5], [0.5, 0.5]), ShapeError, /2 values.*3 channels/);
  throwsTyped(() => F.normalize(Tensor.zeros([3, 2, 4, 4]), [0.5], [0]), ArgumentError, /zero/);
  throwsTyped(() => T.ConvertUint8ToFloat()(Tensor.zeros([3, 2, 4, 4])), DTypeError, /convertUint8ToFloat/);
  throwsTyped(() => F.shortSideScale(Tensor.zeros([3, 2, 4, 4]), 4, 'bicubic' as never), ArgumentError, /bicubic/);
  throwsTyped(() => F.shortSideScale(Tensor.zeros([3, 2, 4, 4]), 4, 'bilinear', 'opencv' as never), ArgumentError, /opencv/);
  throwsTyped(() => T.UniformTemporalSubsample(0), ArgumentError, /numSamples/);
  throwsTyped(() => T.ApplyTransformToKey('video', T.Div255())({ audio: 1 }), ArgumentError, /no key 'video'/);
  throwsTyped(() => F.cropBoxes(Tensor.zeros([3, 5]), 0, 0), ShapeError, /\[N, 4\]/);
  throwsTyped(() => T.MixUp()(Tensor.zeros([1, 3, 2, 4, 4]), [0]), ShapeError, /single instance/);
  throwsTyped(() => T.CutMix()(Tensor.zeros([2, 3]), [0, 1]), ShapeError, /CutMix/);
  throwsTyped(() => F.convertToOneHot([0, 5], 5), ArgumentError, /\[0, 5\)/);
  throwsTyped(() => T.createVideoTransform('test' as never), ArgumentError, /mode/);
}));

test.run();
