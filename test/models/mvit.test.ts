// MViT (createMultiscaleVisionTransformers, MultiScaleBlock, MultiScaleAttention, PatchEmbed, ViT head)
// against the plain-torch PyTorchVideo reference (test/golden/gen_models_mvit.py): eval-mode parity
// with strict state-dict loading, a training-mode forward/backward against float64 PyTorch
// gradients, DropPath behaviour, hub configs and typed errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, models, zoo, tidy, noGrad, manualSeed, ShapeError, ArgumentError } from '../../ts/node.js';
import { assertClose, throwsTyped } from '../helpers/assert.js';
import { loadGolden, tensorOf } from '../helpers/golden.js';
import { parityTests, checkTrainingStep } from './parity.js';

const FACTORIES: Record<string, unknown> = { Softmax: models.Softmax };

function build(builder: string, kwargs: Record<string, unknown>): any {
  const o: any = Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, typeof v === 'string' && v in FACTORIES ? FACTORIES[v] : v]));
  if (builder === 'createMultiscaleVisionTransformers') return models.createMultiscaleVisionTransformers(o);
  if (builder === 'MultiScaleAttention') {
    // The reference case runs attn(x, thw)[0]; check the returned grid too.
    const { dim, thw, qShape, ...rest } = o;
    const m = new models.MultiScaleAttention(dim, rest);
    const fwd = m.forward.bind(m);
    (m as any).forward = (x: Tensor) => {
      const [y, shape] = fwd(x, thw);
      assert.equal(shape, qShape, 'pooled q grid');
      return y;
    };
    return m;
  }
  throw new Error(`unknown builder ${builder}`);
}

for (const name of ['mvit_tiny', 'mvit_tiny_mean', 'mvit_tiny_avg_qkv', 'mvit_tiny_max_poolfirst_bn', 'mvit_tiny_conv_bn', 'mvit_tiny_2d', 'msa_conv', 'msa_avg', 'msa_max']) {
  parityTests(name, build);
}

function relMaxErr(a: ArrayLike<number>, e: ArrayLike<number>): number {
  let worst = 0, scale = 0;
  for (let i = 0; i < e.length; i++) { worst = Math.max(worst, Math.abs(a[i] - e[i])); scale = Math.max(scale, Math.abs(e[i])); }
  return worst / scale;
}

const TINY = (loadGolden('models_mvit_tiny')[0] as any).kwargs;

for (const c of loadGolden('models_mvit_grad')) {
  test(`${c.name}: training-mode forward/backward matches PyTorch (float64 reference) gradients`, async () => {
    const net = models.createMultiscaleVisionTransformers({ ...TINY, headDropoutRate: 0 });
    const sd = await zoo.readCheckpoint(new URL('../data/models/mvit_tiny.pyth', import.meta.url).pathname);
    net.loadStateDict(sd);
    for (const t of sd.values()) t.dispose();
    const check = (what: string, t: Tensor, g: { data: ArrayLike<number> }) => {
      const err = relMaxErr(t.toArray() as ArrayLike<number>, g.data);
      assert.ok(err <= 1e-4, `${c.name} ${what}: max error ${err.toExponential(2)} of max |value| exceeds 1e-4`);
      let scale = 0;
      for (let i = 0; i < g.data.length; i++) scale = Math.max(scale, Math.abs(g.data[i]));
      assertClose(t, g.data as any, { rtol: 1e-4, atol: 1e-5 * scale }, `${c.name} ${what}`);
    };
    checkTrainingStep(net, c, check);
    net.dispose();
  });
}

test('DropPath: identity in eval, per-sample keep-or-drop (scaled 1/keep) in training, seeded', () => {
  noGrad(() => tidy(() => {
    const dp = new models.DropPath(0.5);
    const x = Tensor.ones([64, 3, 2]);
    dp.eval();
    assert.is(dp.forward(x), x, 'eval returns the input');
    dp.train();
    manualSeed(7);
    const a = dp.forward(x).toArray() as Float32Array;
    manualSeed(7);
    const b = dp.forward(x).toArray() as Float32Array;
    assert.equal(Array.from(a), Array.from(b), 'same seed, same draw');
    let kept = 0;
    for (let s = 0; s < 64; s++) {
      const row = Array.from(a.slice(s * 6, s * 6 + 6));
      assert.ok(row.every((v) => v === row[0]) && (row[0] === 0 || row[0] === 2), `sample ${s}: one decision, 0 or 1/keep (${row})`);
      if (row[0] === 2) kept++;
    }
    assert.ok(kept > 16 && kept < 48, `about half of the samples kept (${kept}/64)`);
    assert.is(new models.DropPath(0).forward(x), x, 'p = 0 is the identity');
  }));
});

// A shallow variant: only the stem and position embedding differ between the hub configs.
const SHALLOW = { depth: 2, embedDimMul: null, attenHeadMul: null, poolQStrideSize: null };

test('hub configs: MViT-B 16x4 / 32x3 / image 16 module trees as PyTorchVideo builds them', () => {
  assert.equal(models.MVIT_BASE_16X4_CONFIG.poolKvStrideAdaptive, [1, 8, 8]);
  const net = models.mvitBase16x4();
  const sd = net.stateDict();
  const keys = Object.keys(sd);
  assert.is(net.blocks.length, 16);
  // embed dims 96 -> 192 (block 1) -> 384 (block 3) -> 768 (block 14); heads 1 -> 2 -> 4 -> 8.
  assert.equal([...sd['blocks.0.attn.q.weight'].shape], [96, 96]);
  assert.equal([...sd['blocks.0.mlp.fc2.weight'].shape], [192, 384]);
  assert.equal([...sd['blocks.1.attn.pool_q.weight'].shape], [96, 1, 3, 3, 3]);
  assert.equal([...sd['blocks.15.attn.pool_k.weight'].shape], [96, 1, 3, 3, 3]);
  assert.equal([...sd['head.proj.weight'].shape], [400, 768]);
  assert.equal([...sd['cls_positional_encoding.pos_embed_spatial'].shape], [1, 56 * 56, 96]);
  assert.equal([...sd['cls_positional_encoding.pos_embed_temporal'].shape], [1, 8, 96]);
  assert.ok(keys.includes('blocks.0.proj.weight') && !keys.includes('blocks.1.proj.weight'));
  assert.ok(keys.includes('norm_embed.weight') && keys.includes('patch_embed.patch_model.bias'));
  const p = (net.blocks.get(1) as any).poolSkip;
  assert.equal([p.kernelSize, p.stride], [[1, 3, 3], [1, 2, 2]].map((a) => a) as any, 'pool_skip kernel / stride');
  // 36.6 M parameters, as the published MViT-B 16x4.
  assert.ok(Math.abs(net.numParameters() - 36.6e6) < 0.1e6, `parameters ${net.numParameters()}`);
  net.dispose();
  const n32 = models.mvitBase32x3(SHALLOW);  // the stem and position embedding are what differ
  assert.equal([...n32.stateDict()['cls_positional_encoding.pos_embed_temporal'].shape], [1, 16, 96]);
  n32.dispose();
  const img = models.mvitBase16({ ...SHALLOW, headNumClasses: 1000 });
  assert.equal([...img.stateDict()['patch_embed.patch_model.weight'].shape], [96, 3, 7, 7]);
  img.dispose();
});

test('enablePatchEmbed: false takes tokens: same output as the full model fed its own patch embedding', async () => {
  const full = models.createMultiscaleVisionTransformers({ ...TINY });
  const sd = await zoo.readCheckpoint(new URL('../data/models/mvit_tiny.pyth', import.meta.url).pathname);
  full.loadStateDict(sd);
  const noStem = models.createMultiscaleVisionTransformers({ ...TINY, spatialSize: 8, temporalSize: 2, enablePatchEmbed: false });
  assert.ok(!Object.keys(noStem.stateDict()).some((k) => k.startsWith('patch_embed')));
  noStem.loadStateDict(new Map([...sd].filter(([k]) => !k.startsWith('patch_embed'))));
  for (const t of sd.values()) t.dispose();
  full.eval();
  noStem.eval();
  noGrad(() => tidy(() => {
    const x = tensorOf(loadGolden('models_mvit_tiny')[0].inputs.input_0);
    const a = full.forward(x);
    const b = noStem.forward(full.patchEmbed!.forward(x));
    assertClose(b, a.toArray() as Float32Array, { rtol: 1e-6, atol: 1e-7 }, 'token input');
  }));
  full.dispose();
  noStem.dispose();
});

test('bad inputs raise typed errors naming the module and the shapes', () => {
  noGrad(() => tidy(() => {
    const net = models.createMultiscaleVisionTransformers({ ...TINY });
    net.eval();
    throwsTyped(() => net.forward(Tensor.zeros([1, 3, 4, 16, 16])), ShapeError, /MultiscaleVisionTransformers: input \[1, 3, 4, 16, 16\].*\[2, 8, 8\]/, 'wrong clip size');
    throwsTyped(() => net.forward(Tensor.zeros([1, 2, 4, 32, 32])), ShapeError, /Conv3d\(3, 16.*\[1, 2, 4, 32, 32\]/, 'wrong channels');
    net.dispose();
    const attn = new models.MultiScaleAttention(12, { numHeads: 2 });
    throwsTyped(() => attn.forward(Tensor.zeros([2, 10, 12]), [2, 2, 2]), ShapeError, /MultiScaleAttention\(dim=12, heads=2\).*\[B, 9, 12\].*\[2, 10, 12\]/, 'token count');
    throwsTyped(() => attn.forward(Tensor.zeros([2, 9, 8]), [2, 2, 2]), ShapeError, /\[2, 9, 8\]/, 'token dim');
    throwsTyped(() => attn.forward(Tensor.zeros([2, 9, 12]), [4, 2] as any), ArgumentError, /thwShape/, 'thw rank');
    throwsTyped(() => new models.MultiScaleAttention(10, { numHeads: 3 }), ArgumentError, /multiple of numHeads/, 'heads');
    throwsTyped(() => new models.MultiScaleAttention(12, { poolMode: 'lp' as any }), ArgumentError, /poolMode/, 'pool mode');
    const blk = new models.MultiScaleBlock({ dim: 8, dimOut: 16, numHeads: 2 });
    throwsTyped(() => blk.forward(Tensor.zeros([1, 5, 6]), [1, 2, 2]), ShapeError, /MultiScaleBlock\(dim=8, dim_out=16\).*\[1, 5, 6\]/, 'block dim');
    throwsTyped(() => models.createMultiscaleVisionTransformers({ spatialSize: 32, temporalSize: 4, norm: 'groupnorm' as any }), ArgumentError, /norm/, 'norm');
    throwsTyped(() => models.createMultiscaleVisionTransformers({ spatialSize: 32, temporalSize: 4, poolKvStrideAdaptive: [1, 2, 2], poolKvStrideSize: [[0, 1, 2, 2]] }), ArgumentError, /poolKvStrideSize/, 'both kv strides');
    throwsTyped(() => models.createMultiscaleVisionTransformers({ spatialSize: 32, temporalSize: 4, depth: 2, poolQStrideSize: [[5, 1, 2, 2]] }), ArgumentError, /layer 5/, 'stride layer');
    throwsTyped(() => models.createMultiscaleVisionTransformers({ spatialSize: 32, temporalSize: 4, use2dPatch: true }), ArgumentError, /temporalSize 1/, '2d patch');
    throwsTyped(() => new models.SequencePool('max' as any), ArgumentError, /mode/, 'sequence pool');
    throwsTyped(() => new models.DropPath(1.5), ArgumentError, /\[0, 1\]/, 'drop prob');
  }));
});

test.run();
