// EfficientX3d (XS and S) against the real PyTorchVideo: the state-dict keys and shapes, a strict
// load of a torch.save made by PyTorchVideo (test/golden/gen_accelerator.py), logits on a 4x160²
// (XS) and a 13x160² (S) clip, the deploy form, and the zoo entries and hub loaders.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { noGrad, tidy, zoo, accelerator as acc, StateDictError } from '../../ts/node.js';
import { golden, efficientX3dCheckpoint, formulaInput, tensorOf, assertRelClose } from './golden.js';

const ref = golden.efficient_x3d;

test('EfficientX3d: PyTorchVideo\'s state-dict keys, order and shapes; parameter count', () => {
  for (const expansion of ['XS', 'S'] as const) {
    const m = new acc.mobileCpu.EfficientX3d({ expansion, headAct: 'identity' });
    assert.equal(Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.shape]]), ref.keys, expansion);
    assert.is(m.numParameters(), ref.params);
    m.dispose();
  }
  const noHead = new acc.mobileCpu.EfficientX3d({ enableHead: false });
  assert.not.ok(Object.keys(noHead.stateDict()).some((k) => /^(head|projection)\./.test(k)));
  noHead.dispose();
  const deeper = new acc.mobileCpu.EfficientX3d({ expansion: 'L', numClasses: 10 });
  assert.ok(deeper.getSubmodule('s4.pathway0_res24'), "'L' has 25 res4 blocks");
  assert.equal([...deeper.getParameter('projection.model.weight').shape], [10, 2048]);
  deeper.dispose();
});

for (const [name, expansion] of [['xs', 'XS'], ['s', 'S']] as const) {
  test(`efficient_x3d_${name}: zoo.load of PyTorchVideo's checkpoint (strict), logits and deploy form vs PyTorchVideo`, async () => {
    const net = await zoo.load(`efficient_x3d_${name}`, { weights: efficientX3dCheckpoint(), options: { headAct: 'identity' } });
    assert.instance(net, acc.mobileCpu.EfficientX3d);
    net.eval();
    const { input_shape: shape, logits, logits_deploy: logitsDeploy } = ref[name];
    tidy(() => {
      const x = formulaInput(shape);
      const y = noGrad(() => net.forward(x));
      assertRelClose(y, tensorOf(logits), 1e-4, `${expansion} logits vs PyTorchVideo`);
      const deploy = acc.convertToDeployableForm(net, x);
      const yd = noGrad(() => deploy.forward(x));
      assertRelClose(yd, y, 1e-4, `${expansion} deploy form vs original form`);
      assertRelClose(yd, tensorOf(logitsDeploy), 1e-4, `${expansion} deploy form vs PyTorchVideo's deploy form`);
      deploy.dispose();
    });
    net.dispose();
  });
}

test('hub.efficientX3dXs({ pretrained }) loads the bare state dict; a wrong checkpoint names its keys', async () => {
  const net = await zoo.hub.efficientX3dXs({ pretrained: efficientX3dCheckpoint() });
  assert.is((net as InstanceType<typeof acc.mobileCpu.EfficientX3d>).enableHead, true);
  net.dispose();
  try {
    await zoo.load('efficient_x3d_s', { weights: efficientX3dCheckpoint(), options: { numClasses: 10 } });
    assert.unreachable('loaded 400-class weights into a 10-class head');
  } catch (e) {
    assert.instance(e, StateDictError);
    assert.match((e as Error).message, /size mismatch for projection\.model\.weight/);
  }
});

test('training mode: no head activation or mean (the pooled head leaves one position); one backward reaches every parameter', () => {
  const m = new acc.mobileCpu.EfficientX3d({ numClasses: 5, dropout: 0.2, headAct: 'relu' });
  tidy(() => {
    const y = m.forward(formulaInput([2, 3, 4, 64, 64]));
    assert.equal([...y.shape], [2, 5]);
    assert.ok(Array.from(y.toArray()).some((v) => v < 0), 'no ReLU on the logits in training');
    y.sum().backward();
    for (const [k, p] of m.namedParameters()) assert.ok(p.grad, `${k} has a gradient`);
  });
  m.dispose();
});

test.run();
