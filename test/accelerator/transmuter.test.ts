// transmuteModel on X3D-XS built by models.createX3d: the same modules replaced by the same blocks
// as PyTorchVideo's transmute_model on its create_x3d (its own log, test/golden/gen_accelerator.py),
// the same state-dict keys afterwards, and outputs unchanged; then the deploy form of the result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { Tensor, nn, models, noGrad, tidy, zoo, accelerator as acc, ArgumentError } from '../../ts/node.js';
import { throwsTyped } from '../helpers/assert.js';
import { golden, assertRelClose } from './golden.js';

const xsOptions = { inputClipLength: 4, inputCropSize: 160, headActivation: null };

test('createX3d X3D-XS: the modules PyTorchVideo replaces, the keys it ends with, outputs unchanged', () => {
  const net = models.createX3d(xsOptions).eval();
  const x = Tensor.randn([1, 3, 4, 160, 160]);
  const before = noGrad(() => tidy(() => net.forward(x)));
  const report = acc.transmuteModel(net, { targetDevice: 'mobile_cpu' });
  assert.equal(report.replaced, golden.transmuter.replaced);
  assert.equal(Object.keys(net.stateDict()), golden.transmuter.keys);
  assert.instance(net.getSubmodule('blocks.1.res_blocks.0.branch1_conv'), acc.mobileCpu.Conv3dTemporalKernel1BnAct);
  assert.not.ok(net.getSubmodule('blocks.1.res_blocks.0.branch1_conv').training, 'blocks take the replaced module\'s eval mode');
  tidy(() => {
    const after = noGrad(() => net.forward(x));
    assertRelClose(after, before, 1e-6, 'transmuted vs original');
    // The tutorial's next step: the deploy form of the transmuted model.
    const deploy = acc.convertToDeployableForm(net, x);
    assertRelClose(noGrad(() => deploy.forward(x)), before, 1e-4, 'deploy form of the transmuted model vs original');
    deploy.dispose();
  });
  assert.equal(acc.transmuteModel(net).replaced, [], 'a second pass finds nothing left to replace');
  before.dispose(); x.dispose(); net.dispose();
});

const fixture = new URL('../../../shared/fixtures/x3d_xs/', import.meta.url).pathname;
if (existsSync(`${fixture}model.pyth`)) {
  test('transmuted X3D-XS with the real PyTorchVideo X3D_XS weights reproduces its logits', async () => {
    const net = await zoo.load('x3d_xs', { weights: `${fixture}model.pyth`, options: { headActivation: null } });
    net.eval();
    acc.transmuteModel(net);
    const bin = (p: string) => { const b = readFileSync(p); return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); };
    tidy(() => {
      const y = noGrad(() => net.forward(Tensor.from(bin(`${fixture}input_0.bin`), [1, 3, 4, 160, 160])));
      assertRelClose(y, bin(`${fixture}output.bin`), 1e-4, 'logits vs PyTorchVideo');
    });
    net.dispose();
  });
} else {
  console.log(`SKIPPED: ${fixture}model.pyth not found (shared fixtures absent)`);
}

test('the tutorial\'s user model: matching convs replaced, fields and Sequential indexes follow', () => {
  class UserBlock extends nn.Module {
    readonly stem0 = this.registerModule('stem0', new nn.Conv3d(3, 3, [3, 1, 1], { padding: [1, 0, 0] }));
    readonly stem1 = this.registerModule('stem1', new nn.Conv3d(3, 3, [5, 1, 1], { padding: [2, 0, 0] }));
    readonly body = this.registerModule('body', new nn.Sequential(
      new nn.Conv3d(3, 6, 1), new nn.ReLU(), new nn.Conv3d(6, 6, 3, { padding: 1, groups: 6 }), new nn.ReLU(), new nn.Conv3d(6, 3, 1),
    ));
    readonly other = this.registerModule('other', new nn.Conv3d(3, 3, [2, 2, 2]));  // no efficient equivalent
    override forward(x: Tensor): Tensor {
      const y = this.body.forward(this.stem1.forward(this.stem0.forward(x))) as Tensor;
      return this.other.forward(y.add(x).relu());
    }
  }
  const m = new UserBlock();
  tidy(() => {
    const x = Tensor.randn([1, 3, 4, 6, 6]);
    const before = noGrad(() => m.forward(x));
    const report = acc.transmuteModel(m);
    assert.equal(report.replaced.map((r) => `${r.name}:${r.to}`), [
      'stem0:Conv3d3x1x1BnAct', 'stem1:Conv3d5x1x1BnAct', 'body.0:Conv3dPwBnAct', 'body.2:Conv3d3x3x3DwBnAct', 'body.4:Conv3dPwBnAct',
    ]);
    assert.instance(m.stem0, acc.mobileCpu.Conv3d3x1x1BnAct, 'the field follows the registry');
    assert.instance(m.body[2], acc.mobileCpu.Conv3d3x3x3DwBnAct, 'Sequential index follows');
    assert.instance(m.other, nn.Conv3d);
    assert.ok(m.getParameter('stem0.kernel.conv.bias'), 'the conv (with its bias) moved into the block');
    assertRelClose(noGrad(() => m.forward(x)), before, 1e-6, 'outputs unchanged');
    const deploy = acc.convertToDeployableForm(m, x);
    assertRelClose(noGrad(() => deploy.forward(x)), before, 1e-4, 'deploy form');
    deploy.dispose();
  });
  m.dispose();
});

test('unknown target device -> ArgumentError listing the registered ones', () => {
  throwsTyped(() => acc.transmuteModel(new nn.Conv3d(1, 1, 1), { targetDevice: 'gpu' }), ArgumentError, /no transmuter for target device 'gpu' \(registered: mobile_cpu\)/);
});

test.run();
