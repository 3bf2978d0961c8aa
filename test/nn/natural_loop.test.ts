// Code written without tidy()/dispose(): Module.forward frees its own intermediates (keeping only
// what the output's autograd graph needs, which backward() then frees), so an inference loop under
// noGrad and a training loop written the PyTorch way keep wasm memory flat over 1,000 iterations.
// The only tensors left to the garbage collector are the ones the loop itself drops (the
// outputs and losses), so live bytes grow by at most those.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, nn, optim, models, noGrad, manualSeed, memoryBytes, memoryStats } from '../../ts/node.js';

function tinyX3d(): nn.Module {
  manualSeed(5);
  return models.createX3d({ inputClipLength: 4, inputCropSize: 32, modelNumClass: 4, widthFactor: 0.5, depthFactor: 0.5,
    headDimOut: 32, headActivation: null, stemConvStride: [1, 1, 1] } as Parameters<typeof models.createX3d>[0]);
}

test('inference loop without tidy (noGrad): wasm memory flat, only the dropped outputs left', () => {
  const net = tinyX3d();
  net.eval();
  const x = Tensor.randn([1, 3, 4, 32, 32]);
  for (let i = 0; i < 5; i++) noGrad(() => net.forward(x));
  const bytes = memoryBytes(), live = memoryStats();
  const n = 1000;
  for (let i = 0; i < n; i++) {
    const y = noGrad(() => net.forward(x)) as Tensor;
    if (i === 0) assert.equal(y.shape, [1, 4]);
  }
  assert.is(memoryBytes(), bytes, 'wasm memory did not grow');
  const grown = memoryStats();
  assert.ok(grown.liveTensors - live.liveTensors <= n, `${grown.liveTensors - live.liveTensors} tensors left for ${n} outputs`);
  assert.ok(grown.liveBytes - live.liveBytes <= n * 64, `${grown.liveBytes - live.liveBytes} bytes left for ${n} outputs of 16 bytes`);
});

test('training loop the PyTorch way (no tidy): memory flat, loss goes down, graphs freed by backward', () => {
  const net = tinyX3d();
  const crit = new nn.CrossEntropyLoss();
  const opt = new optim.SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
  const x = Tensor.randn([4, 3, 4, 32, 32]);
  const y = Tensor.from(new Int32Array([0, 1, 2, 3]), [4], { dtype: 'i32' });
  const step = () => {
    const loss = crit.forward(net.forward(x), y) as Tensor;
    loss.backward();
    opt.step();
    opt.zeroGrad();
    return loss;
  };
  for (let i = 0; i < 5; i++) step();
  const bytes = memoryBytes(), live = memoryStats();
  const n = 1000;
  let first = 0, last = 0;
  for (let i = 0; i < n; i++) {
    const l = step().item();
    if (i === 0) first = l;
    last = l;
  }
  assert.ok(last < first * 0.5, `loss ${first} -> ${last}`);
  assert.is(memoryBytes(), bytes, 'wasm memory did not grow');
  const grown = memoryStats();
  // Per step the loop drops the logits [4, 4] and the loss: at most 2 tensors, 80 bytes (+ malloc's minimum).
  assert.ok(grown.liveTensors - live.liveTensors <= 2 * n, `${grown.liveTensors - live.liveTensors} tensors left`);
  assert.ok(grown.liveBytes - live.liveBytes <= n * 96, `${grown.liveBytes - live.liveBytes} bytes left`);
});

test('a graph kept by a forward scope is freed by backward, and a second backward is refused', () => {
  const net = tinyX3d();
  const x = Tensor.randn([2, 3, 4, 32, 32]);
  const before = memoryStats().liveTensors;
  const out = net.forward(x) as Tensor;
  const held = memoryStats().liveTensors - before;
  assert.ok(held > 20, `the graph holds the saved activations (${held} tensors)`);
  const loss = out.sum();
  loss.backward();
  const after = memoryStats().liveTensors - before;
  assert.ok(after <= 2 + net.parameters().length, `after backward only out, loss and the grads remain (${after})`);
  assert.throws(() => loss.backward());
});

test.run();
