// RandAugment / AugMix building blocks (pytorchvideo.transforms.augmentations = torchvision tensor
// ops) against torchvision golden values, u8 and f32; RandAugment / AugMix statistics with a
// fixed seed; createVideoTransform with augType; flat memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tidy, manualSeed, memoryStats, ArgumentError, ShapeError } from '../../ts/node.js';
import * as T from '../../ts/data/transforms/index.js';
import { loadGolden, tensorOf } from '../helpers/golden.js';
import { assertClose, throwsTyped } from '../helpers/assert.js';

const F = T.functional;
const ops: Record<string, (v: Tensor, a: number) => Tensor> = {
  adjust_brightness: F.adjustBrightness, adjust_contrast: F.adjustContrast, adjust_saturation: F.adjustSaturation,
  adjust_sharpness: F.adjustSharpness, autocontrast: (v) => F.autocontrast(v), equalize: (v) => F.equalize(v),
  invert: (v) => F.invert(v), posterize: F.posterize, solarize: F.solarize, rotate: (v, a) => F.rotate(v, a),
  shear_x: (v, a) => F.shearX(v, a), shear_y: (v, a) => F.shearY(v, a),
  translate_x: (v, a) => F.translateX(v, a), translate_y: (v, a) => F.translateY(v, a),
};
const warps = new Set(['rotate', 'shear_x', 'shear_y', 'translate_x', 'translate_y']);

for (const c of loadGolden('transforms_aug')) {
  test(`${c.name} matches torchvision`, () => tidy(() => {
    const x = tensorOf(c.inputs.x);
    const y = ops[c.op](x, c.params.arg);
    assert.is(y.dtype, c.outputs.y.dtype);
    assert.equal([...y.shape], c.outputs.y.shape);
    const e = c.outputs.y.data, a = y.toArray();
    if (y.dtype === 'u8') {
      // float32 sums may land on the other side of a truncation/rounding edge: allow 1 step on
      // a few pixels, never more
      let off = 0;
      for (let i = 0; i < a.length; i++) {
        const d = Math.abs(a[i] - e[i]);
        if (d > 1) assert.unreachable(`${c.name}: pixel ${i} is ${a[i]}, torchvision ${e[i]}`);
        if (d === 1) off++;
      }
      assert.ok(off <= Math.max(2, a.length * (warps.has(c.op) ? 0.02 : 0.01)), `${c.name}: ${off}/${a.length} pixels off by one`);
    } else {
      assertClose(a, e, { rtol: 1e-5, atol: warps.has(c.op) ? 2e-5 : 1e-6 }, c.name);
    }
    assert.ok(!x.isDisposed, 'functional forms keep their input');
  }));
}

test('augmentations give typed errors', () => tidy(() => {
  throwsTyped(() => F.adjustContrast(Tensor.zeros([2, 3, 4]), 1), ShapeError, /\[T, C, H, W\]/);
  throwsTyped(() => F.adjustSaturation(Tensor.zeros([2, 2, 4, 4]), 1), ShapeError, /channels/);
  throwsTyped(() => F.posterize(Tensor.zeros([1, 3, 2, 2], { dtype: 'u8' }), 9), ArgumentError, /bits/);
  throwsTyped(() => F.solarize(Tensor.zeros([1, 3, 2, 2]), 2), ArgumentError, /bound/);
  throwsTyped(() => T.AugmentTransform('Blur'), ArgumentError, /unknown transform/);
  throwsTyped(() => T.AugMix({ magnitude: 11 }), ArgumentError, /magnitude/);
  throwsTyped(() => T.createVideoTransform('train', { augParas: { magnitude: 3 } }), ArgumentError, /augParas/);
  throwsTyped(() => T.createVideoTransform('val', { cropSize: 300 }), ArgumentError, /minSize/);
}));

const video = (seed: number) => {
  manualSeed(seed);
  const r = Tensor.rand([4, 3, 12, 16], 0, 256);
  const v = Tensor.from(Uint8Array.from(r.toArray(), Math.floor), r.shape, { dtype: 'u8' });
  r.dispose();
  return v;
};

test('RandAugment: numLayers distinct ops per call, each op applied about prob of the time, seeded', () => {
  manualSeed(21);
  const ra = T.RandAugment({ magnitude: 9, numLayers: 2, prob: 0.5 });
  const counts: Record<string, number> = {};
  let unchanged = 0;
  const N = 300;
  for (let k = 0; k < N; k++) {
    const v = video(k);
    const ref = v.toArray();
    const y = ra(v);
    assert.is(ra.lastOps.length, 2);
    assert.is(new Set(ra.lastOps).size, 2);
    for (const o of ra.lastOps) counts[o] = (counts[o] ?? 0) + 1;
    if (y === v) { unchanged++; assert.equal(Array.from(y.toArray()), Array.from(ref)); }
    else assert.ok(v.isDisposed, 'replaced input disposed');
    assert.is(y.dtype, 'u8');
    y.dispose();
  }
  // 14 ops drawn uniformly (2 per call), both skipped with probability 0.25
  assert.is(Object.keys(counts).length, 14);
  for (const n of Object.values(counts)) assert.ok(n > 2 * N / 14 * 0.5 && n < 2 * N / 14 * 1.6, JSON.stringify(counts));
  assert.ok(unchanged > N * 0.15 && unchanged < N * 0.35, `unchanged ${unchanged}/${N}`);
  // same seed, same result
  manualSeed(5); const a = T.RandAugment()(video(1));
  manualSeed(5); const b = T.RandAugment()(video(1));
  assertClose(a, b, { rtol: 0, atol: 0 }, 'seeded');
  a.dispose(); b.dispose();
});

test('AugMix: Dirichlet weights sum to 1, m ~ Beta(1,1), output between the original and the mix', () => {
  manualSeed(22);
  const am = T.AugMix();
  const ms: number[] = [];
  for (let k = 0; k < 60; k++) {
    const v = video(100 + k);
    const y = am(v);
    assert.ok(v.isDisposed);
    assert.is(am.lastWeights.length, 3);
    assert.ok(Math.abs(am.lastWeights.reduce((s, w) => s + w, 0) - 1) < 1e-5);
    assert.ok(am.lastWeights.every((w) => w >= 0));
    ms.push(am.lastM);
    assert.is(y.dtype, 'u8');
    y.dispose();
  }
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  assert.ok(mean > 0.35 && mean < 0.65, `mean m ${mean}`);
  // f32 in [0, 1] stays float and in range
  const vf = Tensor.rand([2, 3, 8, 8]);
  const yf = T.AugMix({ width: 2, depth: 2 })(vf);
  assert.is(yf.dtype, 'f32');
  for (const q of yf.toArray()) assert.ok(q >= -1e-6 && q <= 1 + 1e-6);
  yf.dispose();
});

test("createVideoTransform('train', augType randaug/augmix): shapes, and memory stays flat", () => {
  for (const augType of ['randaug', 'augmix'] as const) {
    const t = T.createVideoTransform('train', { augType, numSamples: 4, minSize: 16, maxSize: 20, cropSize: 12 });
    const run = () => {
      const v = video(3), c = v.shareStorage([3, 4, 12, 16]);  // values do not matter here, only C,T,H,W
      v.dispose();
      const y = t(c);
      assert.equal([...y.shape], [3, 4, 12, 12]);
      y.dispose();
    };
    run();
    const before = memoryStats();
    for (let k = 0; k < 20; k++) run();
    const after = memoryStats();
    assert.is(after.liveBytes, before.liveBytes, `${augType}: live bytes`);
  }
});

test.run();
