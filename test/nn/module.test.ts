// nn.Module: state-dict keys, traversal order and repr equal PyTorch's (golden), and
// loadStateDict's strict checking, copying, train/eval, zeroGrad, apply, dispose.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, nn, tidy, memoryStats, StateDictError, ArgumentError } from '../../ts/node.js';
import { throwsTyped } from '../helpers/assert.js';
import { golden } from './golden_nn.js';
import { trees, smallNet, Net } from './trees.js';

const DT: Record<string, string> = { f32: 'float32', i32: 'int64' }; // num_batches_tracked: int64 in PyTorch, i32 here

for (const g of golden.models) {
  test(`${g.name}: state_dict keys, shapes, order and dtypes equal PyTorch's`, () => {
    const m = trees[g.name]();
    const sd = m.stateDict();
    assert.equal(Object.entries(sd).map(([k, t]) => [k, [...t.shape], DT[t.dtype]]), g.state_dict);
    m.dispose();
  });
  test(`${g.name}: namedParameters / namedBuffers / namedModules equal PyTorch's`, () => {
    const m = trees[g.name]();
    assert.equal(m.namedParameters().map((e) => e[0]), g.named_parameters);
    assert.equal(m.namedBuffers().map((e) => e[0]), g.named_buffers);
    assert.equal(m.namedModules().map((e) => e[0]), g.named_modules);
    m.dispose();
  });
  test(`${g.name}: toString() is PyTorch's repr`, () => {
    const m = trees[g.name]();
    assert.fixture(String(m), g.repr);
    m.dispose();
  });
}

test('parameters are kept, require grad and carry their full key as name', () => {
  const m = new Net();
  for (const [k, p] of m.namedParameters()) {
    assert.ok(p.kept && p.requiresGrad, k);
    assert.is(p.name, k);
  }
  for (const [k, b] of m.namedBuffers()) {
    assert.ok(b.kept && !b.requiresGrad, k);
    assert.is(b.name, k);
  }
  const nbt = m.stateDict()['blocks.0.norm.num_batches_tracked'];
  assert.is(nbt.dtype, 'i32');
  assert.equal([...nbt.shape], []);
  m.dispose();
});

test('models built inside tidy() survive it (parameters are kept)', () => {
  const m = tidy(() => smallNet());
  for (const p of m.parameters()) assert.not.ok(p.isDisposed);
  m.dispose();
});

test('stateDict -> loadStateDict copies every value into another model', () => {
  const a = new Net(), b = new Net();
  const sd = a.stateDict();
  // Make running stats non-default so the buffers really travel too.
  sd['blocks.0.norm.running_mean'].fill_(0.25);
  (sd['blocks.0.norm.num_batches_tracked'].data() as Int32Array)[0] = 7;
  const res = b.loadStateDict(sd);
  assert.equal(res, { missingKeys: [], unexpectedKeys: [] });
  const sb = b.stateDict();
  for (const [k, t] of Object.entries(sd)) {
    assert.equal(Array.from(sb[k].toArray()), Array.from(t.toArray()), k);
    assert.is.not(sb[k], t, `${k} is copied, not shared`);
  }
  a.dispose(); b.dispose();
});

test('loadStateDict accepts a Map, converts dtypes, and a 1-element tensor for a 0-dim buffer', () => {
  const m = smallNet();
  const src = smallNet();
  const map = new Map(Object.entries(src.stateDict()));
  map.set('1.num_batches_tracked', Tensor.from(new Float32Array([5]), [1])); // f32 [1] -> i32 []
  m.loadStateDict(map);
  assert.is(m.stateDict()['1.num_batches_tracked'].item(), 5);
  assert.equal(Array.from(m.stateDict()['5.weight'].toArray()), Array.from(src.stateDict()['5.weight'].toArray()));
  map.get('1.num_batches_tracked')!.dispose();
  m.dispose(); src.dispose();
});

test('strict loadStateDict lists ALL missing, unexpected and mis-shaped keys in one StateDictError and copies nothing', () => {
  const m = smallNet();
  const before = Array.from(m.stateDict()['5.weight'].toArray());
  const sd: Record<string, Tensor> = { ...smallNet().stateDict() };
  delete sd['0.bias'];
  delete sd['1.running_var'];
  sd['extra.weight'] = Tensor.zeros([3]);
  sd['head.bias'] = Tensor.zeros([1]);
  sd['5.weight'] = Tensor.zeros([2, 5]);
  sd['1.weight'] = Tensor.zeros([3]);
  let err: StateDictError | null = null;
  try { m.loadStateDict(sd); } catch (e) { err = e as StateDictError; }
  assert.ok(err instanceof StateDictError, 'StateDictError thrown');
  assert.equal(err!.missingKeys, ['0.bias', '1.running_var']);
  assert.equal(err!.unexpectedKeys, ['extra.weight', 'head.bias']);
  assert.equal(err!.mismatchedKeys, [
    { key: '1.weight', expected: [4], got: [3] },
    { key: '5.weight', expected: [2, 4], got: [2, 5] },
  ]);
  for (const s of ['"0.bias"', '"1.running_var"', '"extra.weight"', '"head.bias"', 'size mismatch for 5.weight', '[2, 5]', 'Sequential']) {
    assert.ok(err!.message.includes(s), `message names ${s}: ${err!.message}`);
  }
  assert.equal(Array.from(m.stateDict()['5.weight'].toArray()), before, 'nothing copied');
  m.dispose();
});

test('non-strict loadStateDict returns missing/unexpected keys but still rejects shape mismatches', () => {
  const m = smallNet();
  const src = smallNet();
  const sd: Record<string, Tensor> = { ...src.stateDict() };
  delete sd['5.bias'];
  const extra = sd['other'] = Tensor.zeros([1]);
  const res = m.loadStateDict(sd, { strict: false });
  assert.equal(res, { missingKeys: ['5.bias'], unexpectedKeys: ['other'] });
  assert.equal(Array.from(m.stateDict()['5.weight'].toArray()), Array.from(src.stateDict()['5.weight'].toArray()));
  const bad = Tensor.zeros([4, 3, 3, 3, 2]);
  throwsTyped(() => m.loadStateDict({ ...src.stateDict(), '0.weight': bad }, { strict: false }), StateDictError, /size mismatch for 0\.weight/);
  extra.dispose(); bad.dispose(); m.dispose(); src.dispose();
});

test('a state dict without num_batches_tracked loads (set to 0), as PyTorch does without version metadata', () => {
  const m = smallNet();
  (m.stateDict()['1.num_batches_tracked'].data() as Int32Array)[0] = 9;
  const sd: Record<string, Tensor> = { ...smallNet().stateDict() };
  delete sd['1.num_batches_tracked'];
  assert.equal(m.loadStateDict(sd), { missingKeys: [], unexpectedKeys: [] });
  assert.is(m.stateDict()['1.num_batches_tracked'].item(), 0);
  m.dispose();
});

test('stateDict({ copy: true }) returns owned copies', () => {
  const m = smallNet();
  const c = m.stateDict({ copy: true });
  c['0.bias'].fill_(123);
  assert.not.equal(m.stateDict()['0.bias'].toArray()[0], 123);
  for (const t of Object.values(c)) t.dispose();
  m.dispose();
});

test('train()/eval() reach every descendant', () => {
  const m = new Net();
  assert.ok(m.modules().every((x) => x.training));
  m.eval();
  assert.ok(m.modules().every((x) => !x.training));
  m.train();
  assert.ok(m.modules().every((x) => x.training));
  m.getSubmodule('blocks.1.res_blocks.0').train(false);
  assert.is(m.modules().filter((x) => !x.training).length, m.getSubmodule('blocks.1.res_blocks.0').modules().length);
  m.dispose();
});

test('zeroGrad drops gradients; requiresGrad_(false) freezes', () => {
  const m = smallNet();
  const w = m.getParameter('5.weight');
  w.grad = Tensor.ones(w.shape);
  m.zeroGrad();
  assert.is(w.grad, null);
  m.requiresGrad_(false);
  assert.ok(m.parameters().every((p) => !p.requiresGrad));
  m.dispose();
});

test('apply visits children before the parent; children()/getSubmodule', () => {
  const m = new Net();
  const seen: string[] = [];
  m.getSubmodule('blocks.0').apply((x) => seen.push(x.typeName));
  assert.equal(seen, ['Conv3d', 'BatchNorm3d', 'ReLU', 'MaxPool3d', 'ResNetBasicStem']);
  assert.equal(m.getSubmodule('blocks.0').children().map((c) => c.typeName), ['Conv3d', 'BatchNorm3d', 'ReLU', 'MaxPool3d']);
  throwsTyped(() => m.getSubmodule('blocks.7'), ArgumentError, /no submodule '7'/);
  m.dispose();
});

test('registering a name again replaces in place; a name cannot be two kinds', () => {
  const m = smallNet();
  const old = m.get(2);
  m.registerModule('2', new nn.Sigmoid());
  assert.equal(m.namedChildren().map((e) => e[0]), ['0', '1', '2', '3', '4', '5']);
  assert.is(m.namedChildren()[2][1].typeName, 'Sigmoid');
  void old;
  const lin = new nn.Linear(2, 2);
  throwsTyped(() => lin.registerBuffer('weight', Tensor.zeros([2])), ArgumentError, /already registered/);
  throwsTyped(() => lin.registerModule('a.b', new nn.ReLU()), ArgumentError, /without '\.'/);
  m.dispose(); lin.dispose();
});

test('ModuleList and Sequential are indexable and iterable', () => {
  const l = new nn.ModuleList<nn.Module>([new nn.ReLU(), new nn.Linear(2, 3)]);
  l.append(new nn.Sigmoid());
  assert.is(l.length, 3);
  assert.is(l[1].typeName, 'Linear');
  assert.is(l.get(-1).typeName, 'Sigmoid');
  assert.equal([...l].map((x) => x.typeName), ['ReLU', 'Linear', 'Sigmoid']);
  assert.equal(Object.keys(l.stateDict()), ['1.weight', '1.bias']);
  throwsTyped(() => l.get(3), ArgumentError, /out of range/);
  const s = smallNet();
  assert.is(s[0].typeName, 'Conv3d');
  assert.is(s.get(-1).typeName, 'Linear');
  l.dispose(); s.dispose();
});

test('dispose() frees every parameter and buffer', () => {
  const before = memoryStats().liveBytes;
  const m = new Net();
  assert.ok(memoryStats().liveBytes > before);
  m.dispose();
  assert.is(memoryStats().liveBytes, before);
});

test('a Module without forward() says so; call() is forward()', () => {
  const m = new nn.Module();
  throwsTyped(() => m.forward(), ArgumentError, /has no forward/);
  const id = new nn.Identity();
  const x = Tensor.zeros([2]);
  assert.is(id.call(x), x);
  x.dispose();
});

test.run();
