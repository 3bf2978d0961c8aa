// Training loops leave wasm memory flat: after a few warm-up steps (which create optimizer state
// and the conv scratch), 1,000 forward + backward + optimizer steps inside tidy() neither grow
// wasm memory nor leave live tensors behind. The loss must also go down (the loop really trains).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, nn, optim, ops, tidy, manualSeed, memoryBytes, memoryStats } from '../../ts/node.js';

function trainLoop(model: nn.Module, opt: optim.Optimizer<any>, x: Tensor, target: Tensor, steps: number,
  extra: () => void = () => {}): { losses: number[]; bytes: number[]; live: number[] } {
  const losses: number[] = [], bytes: number[] = [], live: number[] = [];
  const warmup = 5;
  for (let i = 0; i < steps + warmup; i++) {
    const loss = tidy(() => {
      opt.zeroGrad();
      const l = ops.crossEntropy(model.forward(x), target, {});
      l.backward();
      extra();
      opt.step();
      return l.item();
    });
    losses.push(loss);
    if (i === warmup - 1 || i === steps + warmup - 1) {
      bytes.push(memoryBytes());
      live.push(memoryStats().liveBytes);
    }
  }
  return { losses, bytes, live };
}

test('1,000 steps of Conv3d -> BatchNorm3d -> ReLU -> AdaptiveAvgPool3d -> flatten -> Linear -> crossEntropy with SGD leave memory flat', () => {
  manualSeed(3);
  const model = new nn.Sequential(
    new nn.Conv3d(2, 4, 3, { padding: 1 }),
    new nn.BatchNorm3d(4),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool3d(1),
    new nn.Flatten(),
    new nn.Linear(4, 3),
  );
  const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 1e-4 });
  const x = Tensor.randn([3, 2, 2, 4, 4]);
  const target = Tensor.from(new Int32Array([0, 2, 1]), [3]);
  const r = trainLoop(model, opt, x, target, 1000);
  assert.is(r.bytes[1], r.bytes[0], `wasm memory grew from ${r.bytes[0]} to ${r.bytes[1]} bytes`);
  assert.is(r.live[1], r.live[0], `live tensor bytes went from ${r.live[0]} to ${r.live[1]}`);
  assert.ok(r.losses[r.losses.length - 1] < 0.5 * r.losses[0], `loss ${r.losses[0]} -> ${r.losses[r.losses.length - 1]}`);
  opt.dispose(); model.dispose(); x.dispose(); target.dispose();
});

test('300 steps with Dropout, AdamW and clipGradNorm_ leave memory flat', () => {
  manualSeed(4);
  const model = new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(8, 3));
  const decay = model.namedParameters().filter(([k]) => k.endsWith('weight')).map((e) => e[1]);
  const noDecay = model.namedParameters().filter(([k]) => k.endsWith('bias')).map((e) => e[1]);
  const opt = new optim.AdamW([{ params: decay }, { params: noDecay, weightDecay: 0 }], { lr: 0.01 });
  const x = Tensor.randn([5, 6]);
  const target = Tensor.from(new Int32Array([0, 1, 2, 1, 0]), [5]);
  const r = trainLoop(model, opt, x, target, 300, () => { nn.clipGradNorm_(model.parameters(), 1.0); });
  assert.is(r.bytes[1], r.bytes[0], 'wasm memory flat');
  assert.is(r.live[1], r.live[0], 'live tensor bytes flat');
  assert.ok(r.losses[r.losses.length - 1] < r.losses[0], `loss ${r.losses[0]} -> ${r.losses[r.losses.length - 1]}`);
  opt.dispose(); model.dispose(); x.dispose(); target.dispose();
});

test.run();
