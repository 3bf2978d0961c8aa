// CSN, R(2+1)D and acoustic ResNet families and the pytorchvideo.layers modules (NonLocal, audio
// 2-D SE block, fusion, MLP, positional encodings) against the PyTorch reference
// (test/golden/gen_models_families.py): eval-mode parity with strict state-dict loading, a
// training-mode forward/backward of R(2+1)D against PyTorch's gradients, and typed errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, models, zoo, tidy, noGrad, ops, nn, optim, memoryStats, ShapeError, ArgumentError } from '../../ts/node.js';
import { assertClose, throwsTyped, eachBackend } from '../helpers/assert.js';
import { loadGolden, tensorOf } from '../helpers/golden.js';
import { parityTests, checkTrainingStep } from './parity.js';

// Builder kwargs in the case files name factories by string; other strings ('softmax', 'max') stay.
const FACTORIES: Record<string, unknown> = {
  BatchNorm1d: models.BatchNorm1d, ReLU: models.ReLU, Softmax: models.Softmax, MaxPool3d: models.MaxPool3d,
  create2plus1dBottleneckBlock: models.create2plus1dBottleneckBlock, createAcousticBottleneckBlock: models.createAcousticBottleneckBlock,
};
const BUILDERS: Record<string, (o: any) => any> = {
  createCsn: models.createCsn,
  createR2plus1d: models.createR2plus1d,
  createAcousticResnet: models.createAcousticResnet,
  createResStage: models.createResStage,
  createAcousticBuildingBlock: models.createAcousticBuildingBlock,
  createConv2plus1d: models.createConv2plus1d,
  ConvReduce3D: (o) => new models.ConvReduce3D(o),
  createNonlocal: models.createNonlocal,
  createAudio2dSqueezeExcitationBlock: models.createAudio2dSqueezeExcitationBlock,
  makeFusionLayer: (o) => models.makeFusionLayer(o.method, o.featureDims),
  // Both call forms: (dims, options) when a norm is given, ({ fullyConnectedDims, ... }) otherwise.
  makeMultilayerPerceptron: ({ fullyConnectedDims, ...o }) => (o.norm
    ? models.makeMultilayerPerceptron(fullyConnectedDims, o)[0] : models.makeMultilayerPerceptron({ fullyConnectedDims, ...o })[0]),
  PositionalEncoding: (o) => new models.PositionalEncoding(o.embedDim, o.seqLen),
  SpatioTemporalClsPositionalEncoding: (o) => new models.SpatioTemporalClsPositionalEncoding(o.embedDim, o.patchEmbedShape, o),
};
function build(builder: string, kwargs: Record<string, unknown>): any {
  const o = Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, typeof v === 'string' && v in FACTORIES ? FACTORIES[v] : v]));
  return BUILDERS[builder](o);
}

for (const name of [
  'csn_r101_narrow', 'csn_r50_pool_groups', 'r2plus1d_r50_narrow', 'acoustic_r50_narrow', 'nonlocal_softmax_pool', 'nonlocal_dot',
  'audio_se2d_stride', 'audio_se2d_identity', 'r2plus1d_stage_train', 'acoustic_stage_train',
  'acoustic_building_block', 'conv2plus1d', 'conv2plus1d_groups', 'conv_reduce_cat', 'mlp_bn', 'mlp_relu', 'posenc', 'st_cls_posenc_sep', 'st_cls_posenc', 'st_posenc_nocls',
]) {
  parityTests(name, build);
}

// The parity cases above run on the SIMD kernels; these also run on the scalar twins.
for (const name of ['csn_r50_pool_groups', 'acoustic_r50_narrow', 'nonlocal_softmax_pool', 'conv2plus1d_groups']) {
  test(`${name}: scalar and SIMD kernels both match PyTorch`, async () => {
    const [c] = loadGolden(`models_${name}`) as any[];
    const net = build(c.builder, c.kwargs);
    const sd = await zoo.readCheckpoint(new URL(`../data/models/${name}.pyth`, import.meta.url).pathname);
    net.loadStateDict(sd);
    for (const t of sd.values()) t.dispose();
    net.eval();
    noGrad(() => eachBackend((b) => {
      const y: Tensor = net.forward(tensorOf(c.inputs.input_0));
      assertClose(y, c.outputs.y.data, { rtol: 1e-4, atol: 1e-5 }, `${name} (${b})`);
    }));
    net.dispose();
  });
}

test('fusion layers (concat, temporalConcat, max, sum, prod) match PyTorch', () => {
  for (const c of loadGolden('models_families_fusion')) {
    noGrad(() => tidy(() => {
      const layer = models.makeFusionLayer(c.op as models.FusionMethod, c.params.featureDims);
      const y: Tensor = layer.forward(Object.values(c.inputs).map((g) => tensorOf(g)));
      assert.equal([...y.shape], c.outputs.y.shape, c.name);
      assertClose(y, c.outputs.y.data, { rtol: 1e-6, atol: 0 }, c.name);
    }));
  }
});

function relMaxErr(a: ArrayLike<number>, e: ArrayLike<number>): number {
  let worst = 0, scale = 0;
  for (let i = 0; i < e.length; i++) { worst = Math.max(worst, Math.abs(a[i] - e[i])); scale = Math.max(scale, Math.abs(e[i])); }
  return worst / scale;
}

// Training mode (batch-statistics BN) against a float64 PyTorch reference. Shallow stacks are held to
// 1e-4 elementwise. The whole R(2+1)D-R50 is not float32-stable to 1e-4 (PyTorch's own float32
// gradients are up to ~1.7e-4 of max |grad| off the float64 ones, recorded as torchF32RelErr), so it
// is held to max |error| <= max(1e-4, 2 x PyTorch's own float32 error) of max |value| per tensor.
const TRAIN: Record<string, { build: () => any; ckpt: string; deep: boolean }> = {
  r2plus1d_r50_train: {
    build: () => models.createR2plus1d({ modelDepth: 50, modelNumClass: 10, stemDimOut: 4, stageTemporalStride: [1, 1, 1, 1], headPoolKernelSize: [4, 2, 2], headActivation: null }),
    ckpt: 'r2plus1d_r50_narrow', deep: true,
  },
  r2plus1d_stage_train: { build: () => build('createResStage', (loadGolden('models_r2plus1d_stage_train')[0] as any).kwargs), ckpt: 'r2plus1d_stage_train', deep: false },
  acoustic_stage_train: { build: () => build('createResStage', (loadGolden('models_acoustic_stage_train')[0] as any).kwargs), ckpt: 'acoustic_stage_train', deep: false },
};
for (const c of loadGolden('models_families_grad')) {
  test(`${c.name}: training-mode forward/backward matches PyTorch (float64 reference) gradients`, async () => {
    const spec = TRAIN[c.name];
    const net = spec.build();
    const sd = await zoo.readCheckpoint(new URL(`../data/models/${spec.ckpt}.pyth`, import.meta.url).pathname);
    net.loadStateDict(sd);
    for (const t of sd.values()) t.dispose();
    const torchErr = c.params.torchF32RelErr as Record<string, number>;
    const check = (what: string, t: Tensor, g: { data: ArrayLike<number> }) => {
      const err = relMaxErr(t.toArray() as ArrayLike<number>, g.data);
      if (spec.deep) {
        const bound = Math.max(1e-4, 2 * torchErr[what]);
        console.log(`  ${c.name} ${what}: error ${err.toExponential(1)} of max |value| (PyTorch float32: ${torchErr[what].toExponential(1)}, bound ${bound.toExponential(1)})`);
        assert.ok(err <= bound, `${c.name} ${what}: error ${err.toExponential(2)} of max |value| exceeds ${bound.toExponential(2)}`);
      } else {
        let scale = 0;
        for (let i = 0; i < g.data.length; i++) scale = Math.max(scale, Math.abs(g.data[i]));
        assertClose(t, g.data as any, { rtol: 1e-4, atol: 1e-6 * scale }, `${c.name} ${what}`);
      }
    };
    checkTrainingStep(net, c, check);
    net.dispose();
  });
}

test('bad inputs raise typed errors naming the module and the shapes', () => {
  noGrad(() => tidy(() => {
    const csn = models.createCsn({ modelDepth: 50, modelNumClass: 4, stemDimOut: 4, headPoolKernelSize: [1, 1, 1] });
    throwsTyped(() => csn.forward(Tensor.zeros([1, 4, 2, 16, 16])), ShapeError, /Conv3d\(3, 4\).*\[1, 4, 2, 16, 16\]/, 'CSN with 4 input channels');
    csn.dispose();
    const ac = models.createAcousticResnet({ modelNumClass: 4, stemDimOut: 4 });
    throwsTyped(() => ac.forward(Tensor.zeros([1, 2, 32, 1, 32])), ShapeError, /Conv3d\(1, 4\).*\[1, 2, 32, 1, 32\]/, 'acoustic ResNet with 2 channels');
    ac.dispose();
    const nl = models.createNonlocal({ dimIn: 8, dimInner: 4 });
    throwsTyped(() => nl.forward(Tensor.zeros([1, 6, 2, 4, 4])), ShapeError, /NonLocal\(8\).*\[1, 6, 2, 4, 4\]/, 'NonLocal channels');
    throwsTyped(() => nl.forward(Tensor.zeros([1, 8, 4, 4])), ShapeError, /NonLocal\(8\).*\[1, 8, 4, 4\]/, 'NonLocal rank');
    nl.dispose();
    throwsTyped(() => models.createNonlocal({ dimIn: 8, dimInner: 4, instantiation: 'gaussian' as any }), ArgumentError, /instantiation/, 'NonLocal instantiation');
    const se = new models.SqueezeAndExcitationLayer2D(16, 4);
    throwsTyped(() => se.forward(Tensor.zeros([1, 8, 3, 3])), ShapeError, /SqueezeAndExcitationLayer2D\(16\).*\[1, 8, 3, 3\]/, 'SE2D channels');
    se.dispose();
    throwsTyped(() => new models.SqueezeAndExcitationLayer2D(16, 4, 2), ArgumentError, /exactly one/, 'SE2D both sizes');
    const cat = models.makeFusionLayer('concat', [5, 7]);
    throwsTyped(() => cat.forward([Tensor.zeros([2, 3, 5]), Tensor.zeros([2, 3, 6])]), ShapeError, /ConcatFusion: input 1 \[2, 3, 6\]/, 'concat feature dim');
    throwsTyped(() => cat.forward([Tensor.zeros([2, 3, 5])]), ArgumentError, /2 tensors/, 'concat input count');
    const sum = models.makeFusionLayer('sum', [5, 5]);
    throwsTyped(() => sum.forward([Tensor.zeros([2, 3, 5]), Tensor.zeros([2, 4, 5])]), ShapeError, /ReduceFusion: input 1 \[2, 4, 5\]/, 'sum shapes');
    throwsTyped(() => models.makeFusionLayer('mean' as any, [5]), ArgumentError, /not available/, 'unknown fusion');
    throwsTyped(() => models.makeFusionLayer('max', [5, 6]), ArgumentError, /equal/, 'max dims');
    throwsTyped(() => models.makeMultilayerPerceptron([4]), ArgumentError, /at least two/, 'MLP dims');
    throwsTyped(() => models.makeMultilayerPerceptron({}), ArgumentError, /at least two/, 'MLP without dims');
    const [mlp] = models.makeMultilayerPerceptron([4, 3]);
    throwsTyped(() => mlp.forward(Tensor.zeros([2, 5])), ShapeError, /Linear\(in_features=4.*\[2, 5\]/, 'MLP input');
    mlp.dispose();
    const pe = new models.PositionalEncoding(8, 4);
    throwsTyped(() => pe.forward(Tensor.zeros([1, 5, 8])), ShapeError, /PositionalEncoding\(8, seqLen=4\).*\[1, 5, 8\]/, 'posenc too long');
    pe.dispose();
    const st = new models.SpatioTemporalClsPositionalEncoding(8, [2, 2, 2]);
    throwsTyped(() => st.forward(Tensor.zeros([1, 9, 8])), ShapeError, /\[B, 8, 8\].*\[1, 9, 8\]/, 'st posenc patches');
    st.dispose();
    throwsTyped(() => models.createCsn({ modelDepth: 34 }), ArgumentError, /modelDepth/, 'CSN depth');
    throwsTyped(() => models.createR2plus1d({ modelDepth: 18 }), ArgumentError, /modelDepth/, 'R(2+1)D depth');
    const cr = new models.ConvReduce3D({ inChannels: 2, outChannels: 3, kernelSize: [[3, 1, 1], [1, 3, 3]], padding: [[1, 0, 0], null] });
    throwsTyped(() => cr.forward(Tensor.zeros([1, 2, 3, 5, 5])), ShapeError, /ConvReduce3D: conv 1 gives \[1, 3, 3, 3, 3\], conv 0 gives \[1, 3, 3, 5, 5\]/, 'ConvReduce3D shapes');
    cr.dispose();
    const sep = models.createAcousticBottleneckBlock({ dimIn: 4, dimInner: 2, dimOut: 4, convBKernelSize: [3, 1, 3], convBPadding: [1, 0, 0] });
    throwsTyped(() => sep.forward(Tensor.zeros([1, 4, 4, 1, 6])), ShapeError, /SeparableBottleneckBlock: conv_b branches give different shapes/, 'separable branches');
    sep.dispose();
    throwsTyped(() => new models.ConvReduce3D({ inChannels: 1, outChannels: 2, kernelSize: [1], reductionMethod: 'mean' as any }), ArgumentError, /reductionMethod/, 'ConvReduce3D');
  }));
});

test('training steps through the family modules leave memory flat', () => {
  // Acoustic (separable) stage -> NonLocal -> (2+1)D conv -> pooled -> MLP with BatchNorm1d, SGD.
  const stage = models.createResStage({
    depth: 1, dimIn: 4, dimInner: 4, dimOut: 8, bottleneck: models.createAcousticBottleneckBlock, convAKernelSize: [3, 1, 1],
    convAPadding: [1, 0, 0], convAStride: [1, 1, 1], convBKernelSize: [3, 1, 3], convBPadding: [1, 0, 1], convBStride: [1, 1, 2],
  });
  const net = new nn.Sequential(stage, models.createNonlocal({ dimIn: 8, dimInner: 4, poolSize: [1, 1, 2] }),
    models.createConv2plus1d({ inChannels: 8, outChannels: 6, stride: [1, 1, 1], padding: [1, 0, 1], kernelSize: [3, 1, 3] }));
  const [mlp] = models.makeMultilayerPerceptron([6, 5, 3], { norm: models.BatchNorm1d, finalActivation: null });
  const params = [...net.parameters(), ...mlp.parameters()];
  const sgd = new optim.SGD(params, { lr: 0.01, momentum: 0.9 });
  const x = Tensor.randn([2, 4, 4, 1, 8]), target = Tensor.randn([2, 3]);
  const losses: number[] = [];
  const step = () => tidy(() => {
    const y = mlp.forward(ops.mean(net.forward(x), [2, 3, 4]));
    const loss = ops.mseLoss(y, target);
    loss.backward();
    sgd.step();
    for (const p of params) if (p.grad) { p.grad.dispose(); p.grad = null; }
    losses.push(loss.toArray()[0]);
  });
  for (let i = 0; i < 3; i++) step();
  const before = memoryStats();
  for (let i = 0; i < 20; i++) step();
  const after = memoryStats();
  assert.equal(after, before, 'live tensors and bytes unchanged over 20 training steps');
  assert.ok(losses[losses.length - 1] < losses[0], `loss decreases (${losses[0].toFixed(4)} -> ${losses[losses.length - 1].toFixed(4)})`);
  net.dispose(); mlp.dispose(); x.dispose(); target.dispose();
  sgd.dispose?.();
});

test('builders keep PyTorchVideo defaults and module trees', () => {
  // Default CSN-R50: depthwise conv_b (groups = width = dimOut / 4), no stem pool, strided 3x3x3 conv_b, no head softmax.
  const csn = models.createCsn();
  const b = csn.getSubmodule('blocks.2.res_blocks.0.branch2.conv_b') as any;
  assert.equal([b.groups, b.inChannels, ...b.kernelSize, ...b.stride], [128, 128, 3, 3, 3, 2, 2, 2]);
  const b4 = csn.getSubmodule('blocks.4.res_blocks.0.branch2.conv_b') as any;
  assert.equal([b4.groups, ...b4.stride], [512, 2, 2, 2]);
  assert.equal(csn.getSubmodule('blocks.5').getAttr('activation'), null);
  assert.equal(csn.getSubmodule('blocks.0').getAttr('pool'), null);
  csn.dispose();
  const r = models.createR2plus1d();
  const k = Object.keys(r.stateDict());
  assert.ok(k.includes('blocks.1.res_blocks.0.branch2.conv_b.conv_t.weight') && k.includes('blocks.1.res_blocks.0.branch2.conv_b.conv_xy.weight'));
  r.dispose();
  const a = models.createAcousticResnet();
  const ak = Object.keys(a.stateDict());
  assert.ok(ak.includes('blocks.0.conv.convs.0.weight') && ak.includes('blocks.0.conv.convs.1.weight'), 'acoustic stem is a ConvReduce3D');
  assert.ok(ak.includes('blocks.1.res_blocks.0.branch2.conv_b.1.weight') && ak.includes('blocks.1.res_blocks.0.branch2.norm_b.0.running_mean'));
  assert.equal([...(a.getParameter('blocks.0.conv.convs.0.weight')).shape], [64, 1, 9, 1, 1]);
  assert.equal([...(a.getParameter('blocks.0.conv.convs.1.weight')).shape], [64, 1, 1, 1, 9]);
  a.dispose();
});

test.run();
