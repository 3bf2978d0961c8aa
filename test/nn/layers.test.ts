// nn layers: each forward equals its functional op with the module's weights; train/eval changes
// BatchNorm and Dropout; PyTorch weights loaded by key give PyTorch's output; default inits;
// bad input gives typed errors naming the layer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, nn, ops, tidy, manualSeed, ShapeError, ArgumentError } from '../../ts/node.js';
import { assertClose, eachBackend, gradCheck, throwsTyped } from '../helpers/assert.js';
import { golden, tensor, values } from './golden_nn.js';
import { smallNet } from './trees.js';

const same = { rtol: 0, atol: 0 };

test('Conv3d forward equals ops.conv3d (stride, padding, dilation, groups, no bias, same)', () => {
  eachBackend((b) => {
    const cases: [nn.Conv3d, number[]][] = [
      [new nn.Conv3d(3, 4, 3, { padding: 1 }), [2, 3, 3, 5, 4]],
      [new nn.Conv3d(4, 6, [1, 3, 3], { stride: [1, 2, 2], padding: [0, 1, 1], groups: 2, bias: false }), [1, 4, 2, 7, 6]],
      [new nn.Conv3d(2, 2, [3, 1, 1], { dilation: [2, 1, 1], padding: [2, 0, 0] }), [1, 2, 5, 3, 3]],
      [new nn.Conv3d(2, 3, [2, 3, 3], { padding: 'same' }), [1, 2, 3, 4, 5]],
    ];
    for (const [conv, shape] of cases) {
      const x = Tensor.randn(shape);
      const y = conv.forward(x);
      const o = { stride: conv.stride, padding: conv.paddingString ?? conv.padding, dilation: conv.dilation, groups: conv.groups };
      assertClose(y, ops.conv3d(x, conv.weight, conv.bias, o), same, `[${b}] ${conv}`);
      if (conv.paddingString === 'same') assert.equal([...y.shape], [1, 3, 3, 4, 5], 'same keeps T, H, W');
      conv.dispose();
    }
  });
});

test('Conv2d forward equals ops.conv2d; gradients reach weight and bias', () => {
  const conv = new nn.Conv2d(4, 6, [3, 5], { stride: 2, padding: [1, 2], dilation: [1, 2], groups: 2 });
  tidy(() => {
    const x = Tensor.randn([2, 4, 7, 9]);
    const y = conv.forward(x);
    assertClose(y, ops.conv2d(x, conv.weight, conv.bias, { stride: 2, padding: [1, 2], dilation: [1, 2], groups: 2 }), same, 'conv2d');
    ops.mean(y).backward();
    assert.equal([...conv.weight.grad!.shape], [6, 2, 3, 5]);
    assert.equal([...conv.bias!.grad!.shape], [6]);
  });
  conv.dispose();
});

test('Linear forward equals ops.linear and backward fills weight.grad', () => {
  const lin = new nn.Linear(5, 3);
  const nob = new nn.Linear(5, 3, { bias: false });
  tidy(() => {
    const x = Tensor.randn([4, 5]);
    assertClose(lin.forward(x), ops.linear(x, lin.weight, lin.bias), same, 'linear');
    assertClose(nob.forward(x), ops.linear(x, nob.weight, null), same, 'linear no bias');
    ops.sum(lin.forward(x)).backward();
    // d sum(x W^T + b) / dW[o, i] = sum_n x[n, i]
    const xs = x.toArray(), colSum = [0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3].reduce((s, n) => s + xs[n * 5 + i], 0));
    assertClose(lin.weight.grad!, [...colSum, ...colSum, ...colSum], { rtol: 1e-5, atol: 1e-5 }, 'weight grad');
    assertClose(lin.bias!.grad!, [4, 4, 4], {}, 'bias grad');
  });
  lin.dispose(); nob.dispose();
});

test('activation and loss modules equal their ops', () => {
  tidy(() => {
    const x = Tensor.randn([3, 5]);
    assertClose(new nn.ReLU().forward(x), ops.relu(x), same, 'ReLU');
    assertClose(new nn.Sigmoid().forward(x), ops.sigmoid(x), same, 'Sigmoid');
    assertClose(new nn.SiLU().forward(x), ops.silu(x), same, 'SiLU');
    assertClose(new nn.Softmax(1).forward(x), ops.softmax(x, 1), same, 'Softmax');
    assertClose(new nn.Softmax(0).forward(x), ops.softmax(x, 0), same, 'Softmax dim 0');
    const t = Tensor.from(new Int32Array([0, 4, 2]), [3]);
    assertClose(new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(x, t), ops.crossEntropy(x, t, { labelSmoothing: 0.1 }), same, 'CrossEntropyLoss');
    assertClose(new nn.CrossEntropyLoss({ reduction: 'none' }).forward(x, t), ops.crossEntropy(x, t, { reduction: 'none' }), same, 'CE none');
    const soft = ops.softmax(Tensor.randn([3, 5]), 1);
    assertClose(new nn.CrossEntropyLoss().forward(x, soft), ops.crossEntropy(x, soft, {}), same, 'CE soft targets');
    const y = Tensor.rand([3, 5]);
    assertClose(new nn.BCEWithLogitsLoss().forward(x, y), ops.bceWithLogits(x, y, {}), same, 'BCEWithLogitsLoss');
    assertClose(new nn.MSELoss({ reduction: 'sum' }).forward(x, y), ops.mseLoss(x, y, { reduction: 'sum' }), same, 'MSELoss');
    throwsTyped(() => new nn.MSELoss({ reduction: 'avg' as never }), ArgumentError, /reduction/);
  });
});

test('Dropout: identity in eval, inverted scaling in training, gradient through the same mask, seeded', () => {
  const d = new nn.Dropout(0.25);
  tidy(() => {
    const x = Tensor.rand([200, 50], 1, 2, { requiresGrad: true });
    d.eval();
    assert.is(d.forward(x), x, 'eval is the identity');
    d.train();
    manualSeed(42);
    const y = d.forward(x);
    const xs = x.toArray(), ys = y.toArray();
    let zeros = 0, sumX = 0, sumY = 0;
    for (let i = 0; i < xs.length; i++) {
      if (ys[i] === 0) zeros++;
      else assert.ok(Math.abs(ys[i] - xs[i] / 0.75) <= 1e-6 * Math.abs(ys[i]), `survivor ${i} scaled by 1/(1-p)`);
      sumX += xs[i]; sumY += ys[i];
    }
    const n = xs.length, frac = zeros / n;
    // 10,000 Bernoulli(0.25) draws: std of the fraction is 0.0043; 5 sigma bounds.
    assert.ok(Math.abs(frac - 0.25) < 0.022, `dropped fraction ${frac}`);
    assert.ok(Math.abs(sumY / sumX - 1) < 0.03, `mean preserved: ${sumY / sumX}`);
    ops.sum(y).backward();
    const g = x.grad!.toArray();
    for (let i = 0; i < n; i++) assert.is(g[i], ys[i] === 0 ? 0 : Math.fround(1 / 0.75), `grad ${i}`);
    manualSeed(42);
    assertClose(d.forward(x), ys, same, 'same seed, same mask');
    assert.equal(Array.from(new nn.Dropout(0).forward(x).toArray()), Array.from(xs), 'p=0');
    assert.ok(Array.from(new nn.Dropout(1).forward(x).toArray()).every((v) => v === 0), 'p=1');
    x.grad!.dispose(); x.grad = null;
  });
  throwsTyped(() => new nn.Dropout(1.5), ArgumentError, /between 0 and 1/);
});

test('BatchNorm3d: training normalises with batch stats and updates running stats; eval uses them', () => {
  const bn = new nn.BatchNorm3d(3);
  tidy(() => {
    const x = ops.add(ops.mul(Tensor.randn([4, 3, 2, 3, 3]), 2), 0.5);
    const xs = x.toArray(), C = 3, inner = 18, N = 4;
    const mean = [0, 0, 0], varB = [0, 0, 0];
    for (let c = 0; c < C; c++) {
      let s = 0, s2 = 0;
      for (let n = 0; n < N; n++) for (let i = 0; i < inner; i++) { const v = xs[(n * C + c) * inner + i]; s += v; s2 += v * v; }
      const cnt = N * inner;
      mean[c] = s / cnt;
      varB[c] = s2 / cnt - mean[c] * mean[c];
    }
    const y = bn.forward(x);
    assert.is(bn.numBatchesTracked!.item(), 1);
    const cnt = N * inner;
    assertClose(bn.runningMean!, mean.map((m) => 0.1 * m), { rtol: 1e-4, atol: 1e-6 }, 'running_mean');
    assertClose(bn.runningVar!, varB.map((v) => 0.9 + 0.1 * v * cnt / (cnt - 1)), { rtol: 1e-4, atol: 1e-6 }, 'running_var (unbiased)');
    const ys = y.toArray();
    const ref = Array.from(xs, (v, i) => { const c = Math.floor(i / inner) % C; return (v - mean[c]) / Math.sqrt(varB[c] + 1e-5); });
    assertClose(ys, ref, { rtol: 1e-4, atol: 1e-4 }, 'train output');

    bn.eval();
    const ye = bn.forward(x);
    assert.is(bn.numBatchesTracked!.item(), 1, 'eval does not count batches');
    const rm = bn.runningMean!.toArray(), rv = bn.runningVar!.toArray();
    assertClose(ye, Array.from(xs, (v, i) => { const c = Math.floor(i / inner) % C; return (v - rm[c]) / Math.sqrt(rv[c] + 1e-5); }), { rtol: 1e-4, atol: 1e-4 }, 'eval output');
    assertClose(bn.runningMean!, rm, same, 'eval leaves running stats');
  });
  bn.dispose();
});

test('BatchNorm: momentum null is a cumulative average; no running stats means batch stats in eval', () => {
  const cum = new nn.BatchNorm1d(2, { momentum: null });
  const none = new nn.BatchNorm1d(2, { trackRunningStats: false });
  tidy(() => {
    const a = Tensor.from([1, 10, 3, 20], [2, 2]), b = Tensor.from([5, 0, 7, 2], [2, 2]);
    cum.forward(a); cum.forward(b);
    assertClose(cum.runningMean!, [(2 + 6) / 2, (15 + 1) / 2], { rtol: 1e-6 }, 'cumulative mean');
    none.eval();
    assertClose(none.forward(a), [-1, -1, 1, 1], { rtol: 1e-3, atol: 1e-3 }, 'batch statistics in eval');
    assert.is(none.runningMean, null);
  });
  cum.dispose(); none.dispose();
});

test('LayerNorm forward equals ops.layerNorm', () => {
  const ln = new nn.LayerNorm([4, 6], { eps: 1e-6 });
  tidy(() => {
    ln.weight!.copy_(Tensor.randn([4, 6]));
    const x = Tensor.randn([2, 3, 4, 6]);
    assertClose(ln.forward(x), ops.layerNorm(x, [4, 6], ln.weight, ln.bias, { eps: 1e-6 }), same, 'LayerNorm');
  });
  ln.dispose();
});

test('pool modules equal their ops', () => {
  tidy(() => {
    const x = Tensor.randn([2, 3, 4, 7, 6]);
    assertClose(new nn.MaxPool3d([1, 3, 3], { stride: [1, 2, 2], padding: [0, 1, 1] }).forward(x),
      ops.maxPool3d(x, { kernelSize: [1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1] }), same, 'MaxPool3d');
    assertClose(new nn.AvgPool3d(2).forward(x), ops.avgPool3d(x, { kernelSize: 2, stride: 2, padding: 0 }), same, 'AvgPool3d');
    assertClose(new nn.AdaptiveAvgPool3d(1).forward(x), ops.adaptiveAvgPool3d(x, 1), same, 'AdaptiveAvgPool3d');
  });
});

test("PyTorch's state dict loads by key and gives PyTorch's eval output", () => {
  eachBackend((b) => {
    const net = smallNet();
    const sd = Object.fromEntries(Object.entries(golden.load.state_dict).map(([k, v]) => [k, tensor(v)]));
    net.loadStateDict(sd);
    net.eval();
    const y = net.forward(tensor(golden.load.x));
    assertClose(y, values(golden.load.y_eval), { rtol: 1e-4, atol: 1e-5 }, `[${b}] small_net eval output`);
    net.dispose();
  });
});

test('train/eval switching changes a whole model: BN running stats move only in train', () => {
  const net = smallNet();
  tidy(() => {
    const x = Tensor.randn([2, 3, 3, 5, 4]);
    const rm = () => Array.from(net.getSubmodule('1').stateDict()['running_mean'].toArray());
    const before = rm();
    net.eval();
    const e1 = net.forward(x).toArray();
    assert.equal(rm(), before, 'eval leaves running stats');
    net.train();
    net.forward(x);
    assert.not.equal(rm(), before, 'train moves running stats');
    net.eval();
    assert.not.equal(Array.from(net.forward(x).toArray()), Array.from(e1), 'eval output follows the new stats');
  });
  net.dispose();
});

test('gradients through a module stack (Conv3d, BatchNorm3d, ReLU, pool, Linear) match finite differences', () => {
  manualSeed(11);
  const net = smallNet();
  const x = Tensor.randn([2, 3, 2, 3, 3]);
  const conv = net.get(0) as nn.Conv3d, bn = net.get(1) as nn.BatchNorm3d, lin = net.get(5) as nn.Linear;
  // Training-mode BN: the output depends on the batch only (running stats do not feed back).
  gradCheck(() => net.forward(x), [conv.weight, bn.weight!, bn.bias!, lin.weight], { maxChecks: 12, eps: 1e-2, rtol: 3e-2, atol: 3e-3 }, 'smallNet params');
  x.dispose(); net.dispose();
});

test('default inits: PyTorch ranges, seeded and reproducible; init functions', () => {
  manualSeed(7);
  const a = new nn.Conv3d(4, 8, [3, 3, 3]);
  manualSeed(7);
  const b = new nn.Conv3d(4, 8, [3, 3, 3]);
  assert.equal(Array.from(a.weight.toArray()), Array.from(b.weight.toArray()), 'same seed, same weights');
  const bound = 1 / Math.sqrt(4 * 27);
  for (const t of [a.weight, a.bias!]) {
    const v = Array.from(t.toArray());
    assert.ok(v.every((x) => Math.abs(x) <= bound), 'within 1/sqrt(fan_in)');
    assert.ok(Math.max(...v.map(Math.abs)) > 0.8 * bound, 'uses the range');
  }
  const bn = new nn.BatchNorm3d(5);
  assert.equal(Array.from(bn.weight!.toArray()), [1, 1, 1, 1, 1]);
  assert.equal(Array.from(bn.bias!.toArray()), [0, 0, 0, 0, 0]);
  const w = Tensor.empty([64, 32, 3, 3, 3]);
  nn.init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' });
  const v = w.toArray() as Float32Array;
  const std = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
  const expected = Math.SQRT2 / Math.sqrt(64 * 27);
  assert.ok(Math.abs(std / expected - 1) < 0.03, `kaiming_normal std ${std} vs ${expected}`);
  nn.init.normal_(w, 1, 0.01);
  const mean = (w.toArray() as Float32Array).reduce((s, x) => s + x, 0) / w.size;
  assert.ok(Math.abs(mean - 1) < 1e-3, `normal_ mean ${mean}`);
  nn.init.constant_(w, 0.5);
  assert.ok(Array.from(w.toArray()).every((x) => x === 0.5));
  nn.init.zeros_(w);
  assert.ok(Array.from(w.toArray()).every((x) => x === 0));
  nn.init.ones_(w);
  assert.ok(Array.from(w.toArray()).every((x) => x === 1));
  nn.init.truncNormal_(w, 0, 1, -0.5, 0.5);
  assert.ok(Array.from(w.toArray()).every((x) => x >= -0.5 && x <= 0.5));
  assert.is(nn.init.calculateGain('leaky_relu', Math.sqrt(5)), Math.sqrt(1 / 3));
  throwsTyped(() => nn.init.kaimingNormal_(Tensor.zeros([3])), ShapeError, /at least 2 dims/);
  a.dispose(); b.dispose(); bn.dispose(); w.dispose();
});

test('bad input gives typed errors naming the layer and shapes', () => {
  const conv = new nn.Conv3d(3, 4, 3), bn = new nn.BatchNorm3d(4), lin = new nn.Linear(5, 2), ln = new nn.LayerNorm(6);
  tidy(() => {
    throwsTyped(() => conv.forward(Tensor.zeros([1, 2, 3, 3, 3])), ShapeError, /Conv3d\(3, 4\).*\[1, 2, 3, 3, 3\]/);
    throwsTyped(() => conv.forward(Tensor.zeros([1, 3, 3, 3])), ShapeError, /Conv3d/);
    throwsTyped(() => bn.forward(Tensor.zeros([2, 4, 3, 3])), ShapeError, /BatchNorm3d\(4\).*5D.*\[2, 4, 3, 3\]/);
    throwsTyped(() => lin.forward(Tensor.zeros([2, 4])), ShapeError, /Linear\(in_features=5.*\[2, 4\]/);
    throwsTyped(() => ln.forward(Tensor.zeros([2, 5])), ShapeError, /LayerNorm.*\[2, 5\]/);
  });
  throwsTyped(() => new nn.Conv3d(3, 4, 3, { groups: 2 }), ArgumentError, /groups=2 must divide/);
  throwsTyped(() => new nn.Conv3d(3, 4, [3, 3]), ArgumentError, /kernelSize/);
  throwsTyped(() => new nn.Conv3d(3, 4, 3, { stride: 2, padding: 'same' }), ArgumentError, /same/);
  conv.dispose(); bn.dispose(); lin.dispose(); ln.dispose();
});

test.run();
