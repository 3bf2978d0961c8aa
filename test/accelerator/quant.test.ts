// accelerator.quantize on the efficient X3D-XS (PyTorchVideo's initialisation, the
// efficient_x3d_original_form.pyth fixture of gen_accelerator.py): what runs in int8 and what
// stays f32 (the report), logits against the fp32 deploy form, per-layer error bounds, the
// observers, calibration sources, typed errors and memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, nn, ops, noGrad, tidy, zoo, memoryStats, accelerator as acc, ArgumentError } from '../../ts/node.js';
import { efficientX3dCheckpoint } from './golden.js';

const SHAPE = [2, 3, 4, 48, 48];  // XS's 4 frames, at 48x48 so the test stays short

function clips(n: number, seed: number): Tensor[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    const v = new Float32Array(SHAPE.reduce((a, b) => a * b));
    for (let i = 0; i < v.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; v[i] = (s / 2 ** 32 - 0.5) * 3 + Math.sin(i / 97); }
    return Tensor.from(v, SHAPE);
  });
}

async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.match(String(e), re);
    return;
  }
  assert.unreachable(`expected a rejection matching ${re}`);
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { d += a[i] * b[i]; na += a[i] ** 2; nb += b[i] ** 2; }
  return d / Math.sqrt(na * nb);
}

test('EfficientX3d-XS int8: every conv and linear in int8, SE gates and logits f32, logits vs fp32, per-layer error bounds', async () => {
  const model = new acc.mobileCpu.EfficientX3d({ expansion: 'XS' });
  model.loadStateDict(await zoo.readCheckpoint(efficientX3dCheckpoint()));
  const [example] = clips(1, 1);
  const deploy = acc.convertToDeployableForm(model.eval(), example);
  // An async iterable, as a DataLoader is: batches of { video }.
  async function* loader() { for (const video of clips(3, 10)) yield { video }; }
  const int8 = await acc.quantize(deploy, { calibration: loader(), batches: 2 });
  const r = int8.report;
  assert.is(r.batches, 2);
  // 1 stem conv + 1 stem depthwise, per bottleneck conv_0 / conv_1 / conv_2 + swish LUT + the
  // residual add (+ SE, + _res_proj), conv_5, lin_5, projection: all int8.
  const blocks = model.namedModules().filter(([, m]) => m instanceof acc.mobileCpu.X3dBottleneckBlock).length;
  const kinds = r.int8.map((l) => l.kind);
  assert.is(kinds.filter((k) => /depthwise/.test(k)).length, blocks + 1, 'every depthwise conv (and the stem 5x1x1) is int8');
  assert.is(kinds.filter((k) => /swish as LUT/.test(k)).length, blocks, 'every act_func_1 is a LUT');
  assert.is(kinds.filter((k) => /residual add/.test(k)).length, blocks);
  assert.ok(kinds.some((k) => /conv 1x3x3 dense/.test(k)), 'the stem conv');
  assert.ok(r.int8.some((l) => l.path === 'head.lin_5') && r.int8.some((l) => l.path === 'projection'));
  const se = model.namedModules().filter(([, m]) => m instanceof acc.mobileCpu.SqueezeExcitation).length;
  assert.is(r.fp32.length, se + 1, r.fp32.join('\n'));
  assert.ok(r.fp32.every((f) => /sigmoid gate|projection/.test(f)));
  // Logits: the int8 model against the fp32 deploy form on clips it was not calibrated on.
  for (const x of clips(2, 99)) {
    tidy(() => {
      const c = cosine(noGrad(() => deploy.forward(x)).toArray(), int8.forward(x).toArray());
      assert.ok(c >= 0.99, `logit cosine ${c}`);
    });
    x.dispose();
  }
  // Per-layer errors (accumulated from the input, as in use): measured here 0.3 % - 7.5 % RMS.
  assert.is(r.layerErrors.length, r.activations.filter((a) => !a.tensor.includes(':') && a.tensor !== 'input' && a.tensor !== 'head.avg_pool').length);
  for (const e of r.layerErrors) assert.ok(e.relRms < 0.12, `${e.path}: relative RMS error ${e.relRms}`);
  const first = r.layerErrors[0];
  assert.is(first.path, 's1.pathway0_stem_conv_xy');
  assert.ok(first.maxLsb <= 1.5, `the first conv is within ~1 LSB of f32 (input and output rounding): ${first.maxLsb}`);
  // No memory growth from a forward.
  const before = memoryStats().liveTensors;
  for (const x of clips(1, 5)) { int8.forward(x).dispose(); x.dispose(); }
  assert.is(memoryStats().liveTensors, before);
  int8.dispose(); deploy.dispose(); model.dispose(); example.dispose();
});

test('observers: minmax keeps every value, histogram clips outliers at the percentile', () => {
  const v = new Float32Array(10000);
  for (let i = 0; i < v.length; i++) v[i] = Math.sin(i) * 2;
  v[17] = 50;  // one outlier
  tidy(() => {
    const x = Tensor.from(v);
    const mm = new acc.MinMaxObserver('x');
    mm.observe(x);
    assert.is(mm.max, 50);
    const h = new acc.HistogramObserver('x', 99.9);
    h.observe(Tensor.from(v.slice(0, 5000)));
    h.observe(Tensor.from(v.slice(5000)));  // the range grows (rebinned) on the way
    assert.ok(h.max > 1.9 && h.max < 2.2, `histogram range ends near the bulk's 2, not the outlier: ${h.max}`);
    assert.ok(h.min < -1.9 && h.min > -2.2, `${h.min}`);
    assert.ok(h.qparams().scale < mm.qparams().scale / 10);
    assert.throws(() => new acc.MinMaxObserver('y').qparams(), /no calibration data/);
    assert.throws(() => new acc.HistogramObserver('z', 20), (e: unknown) => e instanceof ArgumentError);
  });
});

test('quantize: typed errors for original-form blocks, layers without an int8 form, bad calibration', async () => {
  const blocks = new nn.Sequential(new acc.mobileCpu.Conv3dPwBnAct(3, 4));
  const [x] = clips(1, 3);
  await rejects(acc.quantize(blocks, { calibration: [x] }), /original form.*convertToDeployableForm/);
  const deploy = acc.convertToDeployableForm(blocks, x);
  await rejects(acc.quantize(new nn.Sequential(deploy, new nn.Conv3d(4, 4, 1)), { calibration: [x] }), /1 \(Conv3d\) has no int8 form/);
  await rejects(acc.quantize(deploy, { calibration: [] }), /no batch/);
  await rejects(acc.quantize(deploy, { calibration: 5 as never }), /iterable/);
  await rejects(acc.quantize(deploy, { calibration: [{ nothing: 1 }] }), /options.input/);
  await rejects(acc.quantize(deploy, { calibration: [ops.clone(x)], observer: 'mse' as never }), /observer/);
  const nan = Tensor.full(SHAPE, NaN);
  await rejects(acc.quantize(deploy, { calibration: [nan] }), /non-finite/);
  const q = await acc.quantize(deploy, { calibration: [x], input: (b) => b as Tensor });
  assert.ok(x.isDisposed, 'calibration batches are disposed after use');
  assert.equal(q.report.fp32, ['output: dequantised to f32']);
  q.dispose(); deploy.dispose(); blocks.dispose();
});

test.run();
