// Self-supervised wrappers vs PyTorch (test/golden/gen_ssl.py re-states PyTorchVideo's SimCLR,
// BYOL, MemoryBank and the MoCo v2 recipe in plain torch): losses, gradients, the momentum
// (EMA) copies after optimizer steps, the MoCo queue and the NPID memory bank. Each case loads
// PyTorch's full state dict strictly, so the state-dict keys are checked too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, models, nn, optim, tidy, noGrad, ArgumentError, ShapeError, memoryStats } from '../../ts/node.js';
import { loadGolden, tensorOf, type GoldenCase } from '../helpers/golden.js';
import { assertClose } from '../helpers/assert.js';

const cases = new Map(loadGolden('ssl').map((c) => [c.name, c]));
const TOL = { rtol: 1e-4, atol: 1e-5 };

const backbone = () => new nn.Sequential(new nn.Linear(6, 10), new nn.ReLU());
const mlp = (dims: number[]) => models.makeMultilayerPerceptron(dims, { norm: models.BatchNorm1d, finalActivation: null })[0];

function stateOf(c: GoldenCase): Map<string, Tensor> {
  return new Map(Object.entries(c.inputs).filter(([k]) => k.startsWith('sd:')).map(([k, v]) => [k.slice(3), tensorOf(v)]));
}
function load(m: InstanceType<typeof nn.Module>, c: GoldenCase): void {
  const sd = stateOf(c);
  m.loadStateDict(sd);
  for (const t of sd.values()) t.dispose();
}
/** Compares every expected "<prefix>:<param key>" with the module's parameters. */
function checkParams(c: GoldenCase, prefix: string, m: InstanceType<typeof nn.Module>, what: string, base = ''): number {
  const own = new Map(m.namedParameters());
  let n = 0;
  for (const [k, v] of Object.entries(c.outputs)) {
    if (!k.startsWith(`${prefix}:`)) continue;
    const key = base + k.slice(prefix.length + 1);
    const p = own.get(key);
    assert.ok(p, `${what}: no parameter ${key}`);
    assertClose(p!, v.data, TOL, `${what} ${key}`);
    n++;
  }
  return n;
}
function checkGrads(c: GoldenCase, m: InstanceType<typeof nn.Module>, what: string): void {
  const own = new Map(m.namedParameters());
  let n = 0;
  for (const [k, v] of Object.entries(c.outputs)) {
    if (!k.startsWith('grad:')) continue;
    const p = own.get(k.slice(5));
    assert.ok(p?.grad, `${what}: no gradient for ${k.slice(5)}`);
    const scale = (v.data as Float32Array).reduce((s, x) => Math.max(s, Math.abs(x)), 0);
    // A Linear bias feeding a train-mode BatchNorm has a gradient of exactly 0 in exact
    // arithmetic: both sides hold rounding noise there, so only its smallness is compared.
    if (scale < 1e-5) assertClose(p!.grad!, new Float32Array(v.data.length), { rtol: 0, atol: 1e-4 }, `${what} d/d ${k.slice(5)} (analytically 0)`);
    else assertClose(p!.grad!, v.data, TOL, `${what} d/d ${k.slice(5)}`);
    n++;
  }
  assert.ok(n > 0, `${what}: the golden case holds gradients`);
  // Parameters without a golden gradient (momentum copies) must have none either.
  for (const [k, p] of own) if (!(`grad:${k}` in c.outputs)) assert.is(p.grad, null, `${what}: unexpected gradient on ${k}`);
}
const inp = (c: GoldenCase, k: string) => tensorOf(c.inputs[k]);

for (const name of ['simclr', 'simclr_no_backbone']) {
  test(`SimCLR (${name}): NT-Xent loss and gradients match PyTorch`, () => {
    const c = cases.get(name)!;
    const m = name === 'simclr'
      ? new models.SimCLR({ mlp: mlp([10, 16, 8]), backbone: backbone(), temperature: c.params.temperature })
      : new models.SimCLR({ mlp: mlp([6, 8, 4]) });
    load(m, c);
    tidy(() => {
      const loss = m.forward(inp(c, 'x1'), inp(c, 'x2'));
      assertClose(loss, c.outputs.loss.data, TOL, `${name} loss`);
      loss.backward();
    });
    checkGrads(c, m, name);
    m.dispose();
  });
}

test('BYOL: symmetric loss, EMA of the momentum copy inside forward, SGD step, updateMmt, second EMA', () => {
  const c = cases.get('byol')!;
  const m = new models.BYOL({ backbone: backbone(), projector: mlp([10, 12, 8]), featureDim: 8, predictorInner: 16, mmt: 0.9 });
  assert.equal(m.backboneMmt.parameters().map((p) => p.requiresGrad), m.backboneMmt.parameters().map(() => false));
  load(m, c);
  const opt = new optim.SGD(m.parameters().filter((p) => p.requiresGrad), { lr: c.params.lr });
  tidy(() => {
    const loss1 = m.forward(inp(c, 'x1'), inp(c, 'x2'));
    assertClose(loss1, c.outputs.loss1.data, TOL, 'BYOL loss 1');
    assert.is(checkParams(c, 'mmt1', m.backboneMmt, 'momentum copy after EMA 1'), 8);
    loss1.backward();
  });
  checkGrads(c, m, 'BYOL');
  opt.step();
  opt.zeroGrad();
  assert.ok(checkParams(c, 'step1', m, 'online network after the SGD step') >= 10);
  m.updateMmt(c.params.mmt2);
  assert.is(m.getMmt(), 0.5);
  tidy(() => assertClose(m.forward(inp(c, 'x3'), inp(c, 'x4')), c.outputs.loss2.data, TOL, 'BYOL loss 2'));
  checkParams(c, 'mmt2', m.backboneMmt, 'momentum copy after EMA 2');
  opt.dispose?.();
  m.dispose();
});

test('BYOL: the momentum copy is a deep copy (own storage, same values) and a bad momentum is refused', () => {
  const m = new models.BYOL({ backbone: backbone(), featureDim: 10, predictorInner: 4 });
  const [p] = m.backbone.parameters(), [q] = m.backboneMmt.parameters();
  assert.ok(p.ptr !== q.ptr);
  assert.equal([...q.toArray()], [...p.toArray()]);
  assert.equal(Object.keys(m.stateDict()).slice(0, 4), ['backbone.0.weight', 'backbone.0.bias', 'backbone_mmt.0.weight', 'backbone_mmt.0.bias']);
  assert.throws(() => m.updateMmt(1.5), (e: Error) => e instanceof ArgumentError);
  assert.throws(() => tidy(() => m.simLoss(Tensor.zeros([2, 3]), Tensor.zeros([3, 3]))), (e: Error) => e instanceof ShapeError && /\[2, 3\]/.test(e.message));
  m.dispose();
});

test('MoCo v2: InfoNCE loss, key-encoder EMA, queue enqueue and pointer wrap over three SGD steps', () => {
  const c = cases.get('moco_v2')!;
  const m = new models.MoCoV2({ backbone: backbone(), projector: mlp([10, 12, 8]), dim: 8, queueSize: 12, mmt: 0.9, temperature: 0.2 });
  load(m, c);
  const opt = new optim.SGD(m.parameters().filter((p) => p.requiresGrad), { lr: c.params.lr });
  const losses: number[] = [];
  for (let s = 0; s < 3; s++) {
    tidy(() => {
      const loss = m.forward(inp(c, `x${2 * s}`), inp(c, `x${2 * s + 1}`));
      losses.push(loss.item());
      loss.backward();
    });
    if (s === 0) {
      checkGrads(c, m, 'MoCo v2 step 1');
      assertClose(m.queue, c.outputs.queue1.data, TOL, 'queue after step 1');
      assert.is(m.queuePtr, 4);
    }
    opt.step();
    opt.zeroGrad();
  }
  assertClose(losses, c.outputs.losses.data, TOL, 'MoCo v2 losses');
  assertClose(m.queue, c.outputs.queue.data, TOL, 'queue after 3 steps');
  assert.is(m.queuePtr, c.outputs.queue_ptr.data[0]);
  assert.is(m.queuePtr, 0);
  assert.is(checkParams(c, 'enc_k', m.encoderK, 'key encoder after 3 EMAs'), 8);
  // A batch that does not divide the queue is refused before anything is written.
  assert.throws(() => tidy(() => m.forward(Tensor.zeros([5, 6]), Tensor.zeros([5, 6]))), (e: Error) => e instanceof ArgumentError && /multiple of the batch size 5/.test(e.message));
  m.dispose();
});

test('MoCo v2: a fresh queue holds unit columns', () => {
  const m = new models.MoCoV2({ backbone: backbone(), dim: 10, queueSize: 8 });
  const q = m.queue.toArray();
  for (let k = 0; k < 8; k++) {
    let s = 0;
    for (let c = 0; c < 10; c++) s += q[c * 8 + k] ** 2;
    assert.ok(Math.abs(s - 1) < 1e-5, `column ${k} has norm² ${s}`);
  }
  assert.equal(Object.keys(m.stateDict()).filter((k) => k.startsWith('queue')), ['queue', 'queue_ptr']);
  m.dispose();
});

test('MemoryBank: NCE loss, gradients, momentum update of the bank in training, none in eval', () => {
  const c = cases.get('memory_bank')!;
  const m = new models.MemoryBank({ backbone: backbone(), mlp: new nn.Linear(10, 8), negSize: 5, temperature: 0.07, bankSize: 20, dim: 8, mmt: 0.5 });
  load(m, c);
  tidy(() => {
    const loss = m.forward(inp(c, 'x'), inp(c, 'x_ind'), { negatives: inp(c, 'idx') });
    assertClose(loss, c.outputs.loss.data, TOL, 'memory bank loss');
    loss.backward();
  });
  checkGrads(c, m, 'MemoryBank');
  assertClose(m.memory, c.outputs.memory.data, TOL, 'bank after the training step');
  m.eval();
  const before = m.memory.toArray().slice();
  noGrad(() => tidy(() => assertClose(m.forward(inp(c, 'xe'), inp(c, 'xe_ind'), { negatives: inp(c, 'idx_e') }), c.outputs.loss_eval.data, TOL, 'eval loss')));
  assert.equal([...m.memory.toArray()], [...before], 'eval mode leaves the bank alone');
  // Random negatives (the default) give a finite loss; bad indices are typed errors.
  m.train();
  noGrad(() => tidy(() => assert.ok(Number.isFinite(m.forward(inp(c, 'x'), inp(c, 'x_ind')).item()))));
  assert.throws(() => tidy(() => m.forward(inp(c, 'x'), Tensor.from(new Int32Array([0, 1, 2, 20]), [4], { dtype: 'i32' }))),
    (e: Error) => e instanceof ArgumentError && /outside \[0, 20\)/.test(e.message));
  assert.throws(() => tidy(() => m.forward(inp(c, 'x'), inp(c, 'x_ind'), { negatives: Tensor.zeros([4, 3], { dtype: 'i32' }) })),
    (e: Error) => e instanceof ShapeError && /\[4, 6\]/.test(e.message));
  m.dispose();
});

test('SSL training steps leave memory flat', () => {
  const m = new models.SimCLR({ mlp: mlp([10, 16, 8]), backbone: backbone() });
  const opt = new optim.SGD(m.parameters(), { lr: 0.01 });
  const x1 = Tensor.randn([4, 6]), x2 = Tensor.randn([4, 6]);
  const step = () => { tidy(() => m.forward(x1, x2).backward()); opt.step(); opt.zeroGrad(); };
  for (let i = 0; i < 3; i++) step();
  const before = memoryStats().liveTensors;
  for (let i = 0; i < 20; i++) step();
  assert.is(memoryStats().liveTensors, before);
  x1.dispose(); x2.dispose(); m.dispose();
});

test.run();
