// SlowFast family against the PyTorch reference (test/golden/gen_models_slowfast.py): eval-mode
// parity for SlowFast R18/R50/R101, the SlowFast and Slow-R50 RoI (detection) heads, C2D and I3D;
// a training-mode forward/backward on SlowFast-R18 (loss, gradients, BN statistics); and the
// typed errors for bad inputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Tensor, models, zoo, nn, tidy, noGrad, ops, memoryStats, ShapeError, ArgumentError, VidwasmError } from '../../ts/node.js';
import { assertClose } from '../helpers/assert.js';
import { parityTests } from './parity.js';

// Builder kwargs in the case files name factories by string.
const FACTORIES: Record<string, unknown> = {
  MaxPool3d: models.MaxPool3d, AvgPool3d: models.AvgPool3d, AdaptiveAvgPool3d: models.AdaptiveAvgPool3d,
  Softmax: models.Softmax, Sigmoid: models.Sigmoid, ReLU: models.ReLU,
};
const BUILDERS: Record<string, (o: any) => any> = {
  createSlowfast: models.createSlowfast,
  createSlowfastWithRoiHead: models.createSlowfastWithRoiHead,
  createResnetWithRoiHead: models.createResnetWithRoiHead,
  createResnet: models.createResnet,
  createAudioVisualSlowfast: models.createAudioVisualSlowfast,
};
function build(builder: string, kwargs: Record<string, unknown>): any {
  const o = Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, typeof v === 'string' ? FACTORIES[v] : v]));
  return BUILDERS[builder](o);
}

for (const name of ['slowfast_r50_narrow', 'slowfast_r18_train', 'slowfast_r101_tiny', 'slowfast_roi', 'slow_r50_roi', 'c2d_r50', 'i3d_r50', 'avslowfast_r18']) {
  parityTests(name, build);
}

// ---- training mode: same weights and batch as PyTorch -> same loss, gradients, BN statistics ----

type Enc = { shape: number[]; dtype: string; b64: string };
function dec(t: Enc): Tensor {
  const b = Buffer.from(t.b64, 'base64');
  const buf = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  return Tensor.from(t.dtype === 'i32' ? new Int32Array(buf) : new Float32Array(buf), t.shape, { dtype: t.dtype as any });
}
const floats = (t: Enc) => { const b = Buffer.from(t.b64, 'base64'); return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); };
const golden = (name: string) => JSON.parse(readFileSync(new URL(`../golden/data/models_${name}.json`, import.meta.url), 'utf8')).cases[0];
const checkpoint = (name: string) => new URL(`../data/models/${name}.pyth`, import.meta.url).pathname;

async function loaded(name: string): Promise<{ net: any; c: any }> {
  const c = golden(name);
  const net = build(c.builder, c.kwargs);
  const sd = await zoo.readCheckpoint(checkpoint(name));
  net.loadStateDict(sd);
  for (const t of sd.values()) t.dispose();
  return { net, c };
}

test('slowfast_r18_train: training-mode loss, gradients (first convs, fusion convs, BN, head) and BN statistics match PyTorch', async () => {
  const { net, c } = await loaded('slowfast_r18_train');
  const tr = c.train;
  net.train();
  for (const m of net.modules()) if (m instanceof nn.Dropout) m.eval();
  tidy(() => {
    const xs = Object.values(tr.inputs as Record<string, Enc>).map(dec);
    const logits = net.forward(xs) as Tensor;
    assertClose(logits, floats(tr.logits), { rtol: 1e-4, atol: 1e-5 }, 'training-mode logits');
    const loss = ops.crossEntropy(logits, dec(tr.labels));
    assertClose([loss.item()], [tr.loss], { rtol: 1e-4, atol: 0 }, 'loss');
    loss.backward();
  });
  const sd = net.stateDict();
  for (const [k, g] of Object.entries(tr.grads as Record<string, Enc>)) {
    const p = net.getParameter(k);
    assert.ok(p.grad, `${k} has a gradient`);
    assertClose(p.grad!, floats(g), { rtol: 1e-4, atol: 1e-4 * Math.max(...floats(g).map(Math.abs)) }, `grad ${k}`);
  }
  for (const [k, b] of Object.entries(tr.buffers as Record<string, Enc>)) {
    assertClose(sd[k], floats(b), { rtol: 1e-4, atol: 1e-6 }, `buffer ${k} after one training forward`);
  }
  // Another two steps leave wasm memory where one step left it (no per-step leak in the blocks).
  const step = () => {
    net.zeroGrad();
    tidy(() => ops.crossEntropy(net.forward(Object.values(tr.inputs as Record<string, Enc>).map(dec)), dec(tr.labels)).backward());
    net.zeroGrad();
    return memoryStats();
  };
  const first = step();
  step();
  assert.equal(step(), first, 'live tensors/bytes after a training step');
  net.dispose();
});

test('slowfast_roi: training-mode backward through RoI align matches PyTorch gradients (first conv, fusion conv, dilated conv_b, head proj)', async () => {
  const { net, c } = await loaded('slowfast_roi');
  const tr = c.train;
  net.train();
  for (const m of net.modules()) if (m instanceof nn.Dropout) m.eval();
  tidy(() => {
    const [x0, x1, boxes] = ['x_0', 'x_1', 'bboxes'].map((k) => dec(c.inputs[k]));
    const scores = net.forward([x0, x1], boxes) as Tensor;
    assertClose(scores, floats(tr.scores), { rtol: 1e-4, atol: 1e-5 }, 'training-mode scores');
    ops.sum(ops.mul(scores, dec(tr.w))).backward();
  });
  for (const [k, g] of Object.entries(tr.grads as Record<string, Enc>)) {
    const p = net.getParameter(k);
    assert.ok(p.grad, `${k} has a gradient`);
    assertClose(p.grad!, floats(g), { rtol: 1e-4, atol: 1e-4 * Math.max(...floats(g).map(Math.abs)) }, `grad ${k}`);
  }
  net.dispose();
});

test('slowfast_r50_narrow: channels_last clips give the same logits (fusion concat and pathway pools on the fast layout)', async () => {
  const { net, c } = await loaded('slowfast_r50_narrow');
  net.eval();
  noGrad(() => tidy(() => {
    const xs = ['input_0', 'input_1'].map((k) => ops.toLayout(dec(c.inputs[k]), 'channels_last'));
    assertClose(net.forward(xs) as Tensor, floats(c.outputs.y), { rtol: 1e-4, atol: 1e-5 }, 'channels_last logits');
  }));
  net.dispose();
});

// ---- bad input: typed errors that name the module and the shapes ----

function throwsTyped(fn: () => unknown, type: new (...a: any[]) => VidwasmError, ...needles: string[]): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, type, `expected ${type.name}, got ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
    for (const n of needles) assert.ok((e as Error).message.includes(n), `message "${(e as Error).message}" names ${n}`);
    return;
  }
  assert.unreachable('no error thrown');
}

test('SlowFast: wrong number of pathways, wrong channel count, mismatched frame counts -> typed errors', async () => {
  const { net } = await loaded('slowfast_r50_narrow');
  net.eval();
  noGrad(() => tidy(() => {
    const slow = Tensor.rand([1, 3, 4, 40, 40]), fast = Tensor.rand([1, 3, 16, 40, 40]);
    throwsTyped(() => net.forward([slow]), ArgumentError, 'MultiPathWayWithFuse', '2 pathway', '[1, 3, 4, 40, 40]');
    throwsTyped(() => net.forward(slow), ArgumentError, 'MultiPathWayWithFuse', '[1, 3, 4, 40, 40]');
    throwsTyped(() => net.forward([slow, fast, fast]), ArgumentError, 'MultiPathWayWithFuse', 'a list of 3');
    const gray = Tensor.rand([1, 1, 4, 40, 40]);
    throwsTyped(() => net.forward([gray, fast]), ShapeError, '[1, 1, 4, 40, 40]');
    throwsTyped(() => net.forward([slow, Tensor.rand([1, 3, 12, 40, 40])]), ShapeError, 'FuseFastToSlow', '[1, 4, 4, 10, 10]');
  }));
  net.dispose();
});

test('AVSlowFast: audio clip of the wrong length -> ShapeError naming FuseAudioToFastSlow; two pathways -> ArgumentError', async () => {
  const { net } = await loaded('avslowfast_r18');
  net.eval();
  noGrad(() => tidy(() => {
    const slow = Tensor.rand([1, 3, 2, 40, 40]), fast = Tensor.rand([1, 3, 8, 40, 40]);
    throwsTyped(() => net.forward([slow, fast, Tensor.rand([1, 1, 64, 1, 16])]), ShapeError, 'FuseAudioToFastSlow', '[1, 4, 64, 1, 16]');
    throwsTyped(() => net.forward([slow, fast]), ArgumentError, 'MultiPathWayWithFuse', '3 pathway');
  }));
  net.dispose();
});

test('RoI heads: boxes not [K, 5] -> ShapeError naming ResNetRoIHead and both shapes', async () => {
  const { net } = await loaded('slowfast_roi');
  net.eval();
  noGrad(() => tidy(() => {
    const xs = [Tensor.rand([2, 3, 2, 40, 40]), Tensor.rand([2, 3, 8, 40, 40])];
    throwsTyped(() => net.forward(xs, Tensor.rand([3, 4])), ShapeError, 'ResNetRoIHead', '[3, 4]', 'K, 5');
    throwsTyped(() => net.forward(xs, Tensor.rand([5])), ShapeError, 'ResNetRoIHead', '[5]');
    // A batch index outside the clip batch is caught by roiAlign.
    const bad = Tensor.from(new Float32Array([7, 0, 0, 10, 10]), [1, 5]);
    throwsTyped(() => net.forward(xs, bad), ShapeError, 'batch index');
  }));
  net.dispose();
  const head = models.createResRoiPoolingHead({ inFeatures: 8, outFeatures: 2, resolution: [2, 2], spatialScale: 1, poolKernelSize: [1, 1, 1] });
  noGrad(() => tidy(() => {
    throwsTyped(() => head.forward(Tensor.rand([1, 8, 3, 4, 4]), Tensor.from(new Float32Array([0, 0, 0, 2, 2]), [1, 5])), ShapeError, 'temporal dimension', '[1, 8, 3, 4, 4]');
  }));
  head.dispose();
});

test('builders: PyTorchVideo defaults give SlowFast-R50 key layout; bad options -> ArgumentError', () => {
  const sf = models.createSlowfast({ modelNumClass: 10 });
  const keys = Object.keys(sf.stateDict());
  assert.ok(keys.includes('blocks.0.multipathway_blocks.1.conv.weight'));
  assert.ok(keys.includes('blocks.0.multipathway_fusion.conv_fast_to_slow.weight'));
  assert.ok(keys.includes('blocks.4.multipathway_blocks.0.res_blocks.2.branch2.conv_c.weight'));
  assert.ok(!keys.some((k) => k.startsWith('blocks.4.multipathway_fusion')), 'no fusion after the last stage');
  assert.equal([...sf.getParameter('blocks.6.proj.weight').shape], [10, 2048 + 256]);
  assert.equal([...sf.getParameter('blocks.0.multipathway_fusion.conv_fast_to_slow.weight').shape], [16, 8, 7, 1, 1]);
  assert.equal([...sf.getParameter('blocks.1.multipathway_blocks.0.res_blocks.0.branch2.conv_a.weight').shape], [64, 80, 1, 1, 1]);
  sf.dispose();
  throwsTyped(() => models.createSlowfast({ modelDepth: 34 }), ArgumentError, 'createSlowfast', '34');
  throwsTyped(() => models.createSlowfast({ slowfastChannelReductionRatio: [8, 4] }), ArgumentError, 'createSlowfast', 'reduction ratio');
});

test.run();
