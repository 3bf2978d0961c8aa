// PyTorchVideo-style dependency injection: builders take the Module class itself where they take
// a factory (`stemPool: nn.MaxPool3d`, as `stem_pool=nn.MaxPool3d` in PyTorchVideo), and build
// exactly what the factory builds: same module tree (PyTorch's repr), same state-dict keys.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, models, nn, noGrad, tidy } from '../../ts/node.js';
import { assertClose } from '../helpers/assert.js';

const M = models as any;
function same(name: string, withFactories: () => any, withClasses: () => any, input?: () => Tensor): void {
  const a = withFactories(), b = withClasses();
  try {
    assert.is(String(b), String(a), `${name}: same module tree`);
    assert.equal(Object.keys(b.stateDict()), Object.keys(a.stateDict()), `${name}: same keys`);
    if (input) {
      b.loadStateDict(a.stateDict());
      a.eval(); b.eval();
      tidy(() => noGrad(() => { const x = input(); assertClose(b.forward(x), a.forward(x), { atol: 0 }, `${name}: same output`); }));
    }
  } finally { a.dispose(); b.dispose(); }
}

test('resnet: stem pool, stage-1 pool, norm, activation and head pool given as nn classes', () => {
  const small = { modelDepth: 50, modelNumClass: 3, stemDimOut: 4, headPoolKernelSize: [1, 1, 1] };
  same('resnet',
    () => M.createResnet({ ...small, stemPool: M.MaxPool3d, stage1Pool: M.MaxPool3d, norm: M.BatchNorm3d, activation: M.ReLU, headPool: M.AvgPool3d, headActivation: M.Softmax }),
    () => M.createResnet({ ...small, stemPool: nn.MaxPool3d, stage1Pool: nn.MaxPool3d, norm: nn.BatchNorm3d, activation: nn.ReLU, headPool: nn.AvgPool3d, headActivation: nn.Softmax }),
    () => Tensor.randn([1, 3, 4, 32, 32]));
});

test('slowfast: per-pathway arrays of classes; x3d, csn, r(2+1)d heads and stems', () => {
  same('slowfast',
    () => M.createSlowfast({ modelNumClass: 3, stemDimOuts: [8, 2], stemPool: [M.MaxPool3d, M.MaxPool3d], norm: M.BatchNorm3d, activation: M.ReLU }),
    () => M.createSlowfast({ modelNumClass: 3, stemDimOuts: [8, 2], stemPool: [nn.MaxPool3d, nn.MaxPool3d], norm: nn.BatchNorm3d, activation: nn.ReLU }));
  same('x3d', () => M.createX3d({ modelNumClass: 3, norm: M.BatchNorm3d, activation: M.ReLU, headActivation: M.Softmax }),
    () => M.createX3d({ modelNumClass: 3, norm: nn.BatchNorm3d, activation: nn.ReLU, headActivation: nn.Softmax }));
  same('csn', () => M.createCsn({ modelDepth: 50, modelNumClass: 3, stemDimOut: 4, stemPool: M.MaxPool3d, headPool: M.AvgPool3d }),
    () => M.createCsn({ modelDepth: 50, modelNumClass: 3, stemDimOut: 4, stemPool: nn.MaxPool3d, headPool: nn.AvgPool3d }));
  same('r2plus1d', () => M.createR2plus1d({ modelDepth: 50, modelNumClass: 3, stemDimOut: 4, norm: M.BatchNorm3d, headActivation: M.Softmax }),
    () => M.createR2plus1d({ modelDepth: 50, modelNumClass: 3, stemDimOut: 4, norm: nn.BatchNorm3d, headActivation: nn.Softmax }));
});

test('heads: nn.AdaptiveAvgPool3d is the output-size pool, as `pool == nn.AdaptiveAvgPool3d` in PyTorchVideo', () => {
  same('head', () => M.createResBasicHead({ inFeatures: 8, outFeatures: 3, pool: M.AdaptiveAvgPool3d, outputSize: [1, 2, 2] }),
    () => M.createResBasicHead({ inFeatures: 8, outFeatures: 3, pool: nn.AdaptiveAvgPool3d, outputSize: [1, 2, 2] }),
    () => Tensor.randn([2, 8, 2, 4, 4]));
  const h = M.createResBasicHead({ inFeatures: 8, outFeatures: 3, pool: nn.AdaptiveAvgPool3d, outputSize: [1, 2, 2] });
  assert.match(String(h), /AdaptiveAvgPool3d\(output_size=\(1, 2, 2\)\)/);
  h.dispose();
});

test('a Module class of your own (or a subclass of a torch.nn class) is constructed with new', () => {
  class CountingNorm extends nn.BatchNorm3d { static made = 0; constructor(n: number, o?: object) { super(n, o); CountingNorm.made++; } }
  class Tagged extends nn.Module {
    constructor(readonly args: unknown) { super(); }
    override forward(x: Tensor): Tensor { return x; }
  }
  const stem = M.createResBasicStem({ inChannels: 3, outChannels: 4, norm: CountingNorm, pool: Tagged });
  assert.ok(CountingNorm.made === 1 && stem.norm instanceof CountingNorm, 'a BatchNorm3d subclass is called like BatchNorm3d');
  assert.ok(stem.pool instanceof Tagged);
  assert.equal(stem.pool.args, { kernelSize: [1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1] }, 'PyTorchVideo keyword arguments');
  stem.dispose();
});

test.run();
