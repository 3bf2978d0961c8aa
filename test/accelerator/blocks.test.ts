// Each mobile_cpu efficient block against the real PyTorchVideo block (test/golden/gen_accelerator.py):
// strict load of PyTorchVideo's state dict, eval output, training-mode output and gradients of
// the input and every parameter (the original form trains like the plain layers), and the deploy
// form (convertToDeployableForm) within 1e-4 of max |y| of the original form, SIMD and scalar.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, nn, ops, noGrad, tidy, accelerator as acc, ArgumentError, ShapeError, type Tensor as T } from '../../ts/node.js';
import { eachBackend, throwsTyped } from '../helpers/assert.js';
import { golden, decode, tensorOf, stateOf, assertRelClose, maxAbs, type BlockCase } from './golden.js';

const { mobileCpu } = acc;

/** The toy model of PyTorchVideo's "Build your efficient model" tutorial. */
class MyNet extends nn.Module {
  readonly s1 = this.registerModule('s1', new mobileCpu.Conv3d5x1x1BnAct(3, 24, { bias: false, groups: 1, useBn: false }));
  readonly s2 = this.registerModule('s2', new mobileCpu.X3dBottleneckBlock({
    inChannels: 24, midChannels: 72, outChannels: 24, useResidual: true, spatialStride: 1, seRatio: 0.0625,
    actFunctions: ['relu', 'swish', 'relu'], useBn: [true, true, true],
  }));
  readonly avgPool = this.registerModule('avg_pool', new mobileCpu.AdaptiveAvgPool3dOutSize1());
  readonly projection = this.registerModule('projection', new mobileCpu.FullyConnected(24, 4, { bias: true }));
  readonly act = this.registerModule('act', new mobileCpu.supportedActFunctions.relu());
  override forward(x: T): T {
    x = this.avgPool.forward(this.s2.forward(this.s1.forward(x)));
    x = this.projection.forward(ops.permute(x, [0, 2, 3, 4, 1]));
    if (!this.training) x = ops.mean(this.act.forward(x), [1, 2, 3]);
    return ops.reshape(x, [x.shape[0], -1]);
  }
}

function build(c: BlockCase): nn.Module {
  if (c.cls === 'MyNet') return new MyNet();
  const Block = (mobileCpu as unknown as Record<string, new (...a: unknown[]) => nn.Module>)[c.cls];
  return new Block(...c.args);
}

function loaded(c: BlockCase): nn.Module {
  const m = build(c);
  const sd = stateOf(c.state);
  m.loadStateDict(sd);  // strict: PyTorchVideo's keys exactly
  for (const t of Object.values(sd)) t.dispose();
  return m;
}

for (const c of golden.blocks) {
  test(`${c.name}: PyTorchVideo's keys; eval forward; train forward and gradients`, () => {
    const m = loaded(c);
    assert.equal(Object.keys(m.stateDict()), Object.keys(c.state), 'state-dict keys and order');
    tidy(() => {
      m.eval();
      noGrad(() => assertRelClose(m.forward(tensorOf(c.x)), tensorOf(c.y_eval), 2e-6, 'eval output'));
      m.train();
      const x = tensorOf(c.x, true);
      const y = m.forward(x) as T;
      assertRelClose(y, tensorOf(c.y_train), 2e-6, 'train output');
      y.backward(tensorOf(c.gy));
      assertRelClose(x.grad!, tensorOf(c.grads.input), 1e-5, 'grad input');
      // Relative to the largest gradient of the case: a conv bias before a training-mode BatchNorm
      // has a gradient that is 0 up to float noise, which no per-tensor relative bound can hold.
      const params = new Map(m.namedParameters());
      const scale = maxAbs(Object.values(c.grads).map(decode));
      for (const [k, g] of Object.entries(c.grads)) {
        if (k === 'input') continue;
        assert.ok(params.get(k)?.grad, `${k} has a gradient`);
        assertRelClose(params.get(k)!.grad!, tensorOf(g), 1e-5, `grad ${k}`, scale);
      }
    });
    m.dispose();
  });

  test(`${c.name}: deploy form == original form (SIMD and scalar)`, () => {
    const m = loaded(c).eval();
    eachBackend((backend) => {
      const x = tensorOf(c.x);
      const deploy = acc.convertToDeployableForm(m, x);
      const y = noGrad(() => m.forward(x) as T), yd = noGrad(() => deploy.forward(x) as T);
      const err = assertRelClose(yd, y, 1e-4, `${backend}: deploy vs original`);
      assertRelClose(yd, tensorOf(c.y_eval), 1e-4, `${backend}: deploy vs PyTorchVideo`);
      assert.ok(err <= Math.max(10 * c.ptv_deploy_rel_err, 1e-6), `${backend}: deploy error ${err} vs PyTorchVideo's own ${c.ptv_deploy_rel_err}`);
      deploy.dispose();
    });
    m.dispose();
  });
}

test('convertToDeployableForm leaves the original trainable and untouched; blocks convert once', () => {
  const c = golden.blocks.find((b) => b.name === 'x3d_bottleneck_proj_se')!;
  const m = loaded(c);
  const before = Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.toArray())]));
  tidy(() => {
    const deploy = acc.convertToDeployableForm(m, tensorOf(c.x)) as InstanceType<typeof mobileCpu.X3dBottleneckBlock>;
    assert.ok(m.training, 'the original keeps its training mode');
    assert.not.ok(deploy.training, 'the deploy form is in eval mode');
    assert.ok(deploy.convertFlag && !(m as InstanceType<typeof mobileCpu.X3dBottleneckBlock>).convertFlag);
    assert.ok(deploy.layers.getAttr('conv_0') !== (m as InstanceType<typeof mobileCpu.X3dBottleneckBlock>).layers.getAttr('conv_0'));
    for (const [k, t] of Object.entries(m.stateDict())) assert.equal(Array.from(t.toArray()), before[k], `${k} unchanged`);
    throwsTyped(() => deploy.convert([1, 4, 4, 6, 6]), acc.ConversionError, /already converted/);
    // The deploy form is for inference.
    throwsTyped(() => deploy.forward(tensorOf(c.x, true)), ArgumentError, /inference only/);
    deploy.dispose();
  });
  // Still trains: one backward reaches every parameter.
  tidy(() => {
    const y = m.forward(tensorOf(c.x, true)) as T;
    ops.sum(y).backward();
    for (const [k, p] of m.namedParameters()) assert.ok(p.grad, `${k} gets a gradient`);
  });
  m.dispose();
});

test('deploy form of an X3D bottleneck on odd sizes (PyTorchVideo\'s own deploy form fails there)', () => {
  const block = new mobileCpu.X3dBottleneckBlock({ inChannels: 4, midChannels: 8, outChannels: 6, spatialStride: 2, seRatio: 0.5 }).eval();
  tidy(() => {
    const x = Tensor.randn([2, 4, 3, 9, 7]);
    const deploy = acc.convertToDeployableForm(block, x);
    assertRelClose(noGrad(() => deploy.forward(x)), noGrad(() => block.forward(x)), 1e-4, 'deploy vs original');
    deploy.dispose();
  });
  block.dispose();
});

test('shape-specialised deploy forms refuse inputs of another size instead of pooling a corner', () => {
  const pool = new mobileCpu.AdaptiveAvgPool3dOutSize1();
  const se = new mobileCpu.SqueezeExcitation(8, { numChannelsReduced: 4, is3d: true });
  tidy(() => {
    const dp = acc.convertToDeployableForm(pool, Tensor.randn([1, 4, 4, 5, 5]));
    assert.equal([...dp.forward(Tensor.randn([1, 4, 4, 5, 5])).shape], [1, 4, 1, 1, 1]);
    throwsTyped(() => dp.forward(Tensor.randn([1, 4, 4, 7, 7])), ShapeError, /converted for inputs \[4, 5, 5\].*convert again/);
    const ds = acc.convertToDeployableForm(se, Tensor.randn([1, 8, 2, 3, 3]));
    throwsTyped(() => noGrad(() => ds.forward(Tensor.randn([2, 8, 2, 3, 3]))), ShapeError, /converted for \[1, 8\]/);
    dp.dispose(); ds.dispose();
  });
  se.dispose();
});

test('a block the example input does not reach cannot be converted', () => {
  class TwoPaths extends nn.Module {
    readonly used = this.registerModule('used', new mobileCpu.Conv3dPwBnAct(3, 4));
    readonly unused = this.registerModule('unused', new mobileCpu.Conv3dPwBnAct(3, 4));
    override forward(x: T): T { return this.used.forward(x); }
  }
  const m = new TwoPaths();
  tidy(() => throwsTyped(() => acc.convertToDeployableForm(m, Tensor.randn([1, 3, 2, 4, 4])), acc.ConversionError, /unused \(Conv3dPwBnAct\) did not run/));
  m.dispose();
});

test('unknown activation names are rejected with the supported list', () => {
  throwsTyped(() => new mobileCpu.Conv3dPwBnAct(3, 4, { activation: 'gelu' as 'relu' }), ArgumentError, /'gelu'.*relu, swish, hswish, identity/);
  throwsTyped(() => new mobileCpu.EfficientX3d({ expansion: 'XL' as 'XS' }), ArgumentError, /expansion "XL" not supported/);
});

test.run();
