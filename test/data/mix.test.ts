// MixUp / CutMix: the mixing arithmetic against PyTorch, and seeded statistics of the mixing
// weights, label mixing and CutMix box areas.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tidy, manualSeed } from '../../ts/node.js';
import * as T from '../../ts/data/transforms/index.js';
import { loadGolden, tensorOf } from '../helpers/golden.js';
import { assertClose } from '../helpers/assert.js';

const F = T.functional;
const stats = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean: m, var: v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length };
};

test('MixUp arithmetic matches x.flip(0).mul_(1-lam); x.mul_(lam).add_(...) in PyTorch', () => tidy(() => {
  const c = loadGolden('transforms').find((g) => g.op === 'mixup_apply')!;
  const y = F.mixupInPlace(tensorOf(c.inputs.x), c.params.lam);
  assertClose(y, c.outputs.y.data, { rtol: 0, atol: 0 }, 'mixup');
}));

test('Beta(alpha, alpha) mixing weights have the right mean and variance (seeded)', () => {
  manualSeed(11);
  for (const a of [1.0, 0.2, 2.0]) {
    const s = stats(Array.from({ length: 4000 }, () => F.sampleBeta(a, a)));
    const v = (a * a) / ((2 * a) ** 2 * (2 * a + 1));
    assert.ok(Math.abs(s.mean - 0.5) < 0.02, `alpha ${a}: mean ${s.mean}`);
    assert.ok(Math.abs(s.var - v) < 0.1 * v, `alpha ${a}: var ${s.var} vs ${v}`);
  }
});

test('MixUp mixes samples and labels with the same lambda; rows sum to 1', () => tidy(() => {
  manualSeed(12);
  const mix = T.MixUp({ alpha: 1.0, numClasses: 5, labelSmoothing: 0.1 });
  const lams: number[] = [];
  for (let k = 0; k < 50; k++) {
    const xs = [1, 2, 3, 4].map((v) => new Array(2 * 3).fill(v)).flat();
    const [y, labels] = mix(Tensor.from(xs, [4, 1, 2, 1, 3]), [0, 1, 2, 4]);
    const lam = mix.lastLambda;
    lams.push(lam);
    const d = y.toArray();
    for (let b = 0; b < 4; b++) assert.ok(Math.abs(d[b * 6] - (lam * (b + 1) + (1 - lam) * (4 - b))) < 1e-5);
    const l = labels.toArray();
    for (let b = 0; b < 4; b++) {
      let s = 0;
      for (let k2 = 0; k2 < 5; k2++) s += l[b * 5 + k2];
      assert.ok(Math.abs(s - 1) < 1e-6, `row ${b} sums to ${s}`);
    }
    // sample 0 (class 0) mixed with the flipped sample 3 (class 4)
    assert.ok(Math.abs(l[0] - (lam * (0.9 + 0.02) + (1 - lam) * 0.02)) < 1e-6);
    assert.ok(Math.abs(l[4] - (lam * 0.02 + (1 - lam) * 0.92)) < 1e-6);
  }
  const s = stats(lams);
  assert.ok(s.mean > 0.35 && s.mean < 0.65, `mean lambda ${s.mean}`);
}));

test('CutMix: the box comes from the flipped batch, lambda is corrected to the box area', () => tidy(() => {
  manualSeed(13);
  const cut = T.CutMix({ alpha: 1.0, numClasses: 3 });
  const ratios: number[] = [], lams: number[] = [];
  const B = 3, C = 2, Tn = 2, H = 16, W = 20, per = C * Tn * H * W;
  for (let k = 0; k < 300; k++) {
    const x = Tensor.from(Float32Array.from({ length: B * per }, (_, i) => Math.floor(i / per)), [B, C, Tn, H, W]);
    const [y, labels] = cut(x, [0, 1, 2]);
    const [yl, yh, xl, xh] = cut.lastBox;
    const area = (yh - yl) * (xh - xl) / (H * W);
    assert.ok(Math.abs(cut.lastCorrectedLambda - (1 - area)) < 1e-12);
    const d = y.toArray();
    for (let b = 0; b < B; b++) {
      for (let p = 0; p < C * Tn; p++) {
        for (let yy = 0; yy < H; yy++) {
          for (let xx = 0; xx < W; xx++) {
            const inBox = yy >= yl && yy < yh && xx >= xl && xx < xh;
            const v = d[b * per + p * H * W + yy * W + xx];
            if (v !== (inBox ? B - 1 - b : b)) assert.unreachable(`sample ${b} at ${yy},${xx} is ${v}`);
          }
        }
      }
    }
    const l = labels.toArray();
    assert.ok(Math.abs(l[0] - cut.lastCorrectedLambda) < 1e-6 && Math.abs(l[2] - (1 - cut.lastCorrectedLambda)) < 1e-6);
    ratios.push(area); lams.push(cut.lastLambda);
    labels.dispose();
  }
  // the box side is sqrt(1 - lam) of the frame, shrunk by even halves and edge clipping
  const r = stats(ratios), l = stats(lams);
  assert.ok(r.mean < 1 - l.mean && r.mean > 0.2, `mean box area ${r.mean}, mean 1-lambda ${1 - l.mean}`);
}));

test('MixVideo picks CutMix with probability cutmixProb', () => tidy(() => {
  manualSeed(14);
  const mv = T.MixVideo({ cutmixProb: 1, numClasses: 2 });
  const x = Tensor.from(Float32Array.from({ length: 2 * 16 }, (_, i) => (i < 16 ? 0 : 1)), [2, 1, 1, 4, 4]);
  const [y] = mv(x, [0, 1]);
  // CutMix only swaps whole pixels: every value stays 0 or 1
  assert.ok(Array.from(y.toArray()).every((v) => v === 0 || v === 1));
}));

test('MixUp / CutMix mix an audio batch alongside (x_audio): same lambda, [video, audio, labels]', () => tidy(() => {
  manualSeed(15);
  const mix = T.MixUp({ numClasses: 2 });
  const video = Tensor.from([0, 0, 1, 1], [2, 1, 1, 1, 2]), audio = Tensor.from([0, 0, 0, 10, 10, 10], [2, 3]);
  const out = mix(video, [0, 1], { xAudio: audio });
  assert.is(out.length, 3);
  const lam = mix.lastLambda;
  assert.ok(Math.abs(out[1].toArray()[0] - 10 * (1 - lam)) < 1e-5, 'audio mixed with the video lambda');
  assert.equal([...out[2]!.shape], [2, 2]);
  const cut = T.CutMix({ numClasses: 2 });
  const spec = Tensor.from(Float32Array.from({ length: 2 * 1 * 6 * 8 }, (_, i) => (i < 48 ? 0 : 1)), [2, 1, 6, 8]);
  const r = cut(Tensor.from(Float32Array.from({ length: 2 * 16 }, (_, i) => (i < 16 ? 0 : 1)), [2, 1, 1, 4, 4]), [0, 1], { xAudio: spec });
  assert.is(r.length, 3);
  assert.ok(Array.from(r[1].toArray()).every((v) => v === 0 || v === 1));
}));

test('positional arguments work like the options object', () => {
  const a = T.MixUp(0.4, 0.1, 7), b = T.CutMix(0.3, 0, 5);
  assert.is(a.alpha, 0.4); assert.is(a.labelSmoothing, 0.1); assert.is(a.numClasses, 7);
  assert.is(b.alpha, 0.3); assert.is(b.numClasses, 5);
  assert.is(T.MixUp().numClasses, 400, 'pytorchvideo default');
});

test.run();
