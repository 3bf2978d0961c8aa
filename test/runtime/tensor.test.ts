// Tensor basics: creation, layouts, memory ownership (dispose, tidy, keep), typed errors,
// out-of-memory, and autograd engine behaviour that no single op test covers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, ops, tidy, keep, memoryStats, memoryBytes, noGrad, manualSeed,
  viewsSurviveGrowth, ShapeError, DTypeError, DisposedError, OutOfMemoryError, AutogradError, VidwasmError,
} from '../../ts/node.js';
import { assertClose, throwsTyped } from '../helpers/assert.js';

test('from / toArray round trip for every dtype', () => {
  for (const [dtype, data] of [
    ['f32', new Float32Array([1.5, -2, 3])], ['i32', new Int32Array([1, -2, 3])],
    ['u8', new Uint8Array([0, 128, 255])], ['i8', new Int8Array([-128, 0, 127])],
  ] as const) {
    const t = Tensor.from(data, [3], { dtype });
    assert.is(t.dtype, dtype);
    assert.equal([...t.toArray()], [...data]);
    t.dispose();
  }
  const h = ops.cast(Tensor.from([1, -0.5, 65504, 1e-8]), 'f16');
  assert.equal([...ops.cast(h, 'f32').toArray()], [1, -0.5, 65504, 0]);
});

test('channels_last keeps the shape and stores channels last', () => {
  const x = Tensor.from(Float32Array.from({ length: 12 }, (_, i) => i), [1, 3, 2, 2]);
  const cl = x.toLayout('channels_last');
  assert.equal([...cl.shape], [1, 3, 2, 2]);
  assert.equal([...cl.data()], [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
  assert.equal([...cl.toArray()], [...x.toArray()]);
  assert.equal([...cl.contiguous().data()], [...x.data()]);
});

test('reshape shares storage of contiguous tensors and rejects bad sizes', () => {
  const x = Tensor.arange(6);
  const y = x.reshape([2, -1]);
  assert.equal([...y.shape], [2, 3]);
  (x.data() as Float32Array)[0] = 42;
  assert.is(y.toArray()[0], 42);
  assert.throws(() => x.reshape([4, 2]), (e: Error) => e instanceof ShapeError && /\[4, 2\]/.test(e.message));
  x.dispose();
  assert.is(y.toArray()[1], 1, 'storage lives while a view lives');
  y.dispose();
});

test('tidy disposes what it created except results and kept tensors', () => {
  const before = memoryStats().liveTensors;
  let kept!: Tensor;
  const out = tidy(() => {
    const a = Tensor.ones([4]);
    const b = ops.mul(a, 2);
    kept = keep(Tensor.zeros([2]));
    return { b, list: [ops.add(b, 1)] };
  });
  assert.is(memoryStats().liveTensors, before + 3);
  assertClose(out.list[0], [3, 3, 3, 3]);
  out.b.dispose(); out.list[0].dispose(); kept.dispose();
  assert.is(memoryStats().liveTensors, before);
});

test('tidy disposes on throw too', () => {
  const before = memoryStats().liveTensors;
  assert.throws(() => tidy(() => { Tensor.ones([8]); throw new Error('boom'); }), /boom/);
  assert.is(memoryStats().liveTensors, before);
});

test('disposed tensors give DisposedError naming the tensor', () => {
  const t = Tensor.zeros([2, 2]);
  t.name = 'w';
  t.dispose();
  t.dispose(); // idempotent
  assert.throws(() => t.toArray(), (e: Error) => e instanceof DisposedError && /'w' tensor \[2, 2\] f32/.test(e.message));
});

test('out of memory is a typed error and the module stays usable', () => {
  assert.throws(() => Tensor.empty([1 << 20, 1 << 12]), (e: Error) => e instanceof OutOfMemoryError && /16\.00 GiB/.test(e.message));
  assert.throws(() => Tensor.empty([3, 1 << 28]), (e: Error) => e instanceof OutOfMemoryError && /4 GiB/.test(e.message));
  const t = Tensor.ones([1000]);
  assert.is(ops.sum(t).item(), 1000);
  t.dispose();
});

test('every view is bounds-checked against its storage', () => {
  const a = Tensor.from([1, 2, 3, 4]);
  const b = Tensor.from([5, 6, 7, 8]);
  throwsTyped(() => a.shareStorage([4096]), ShapeError, /\[4096\].*16384 bytes.*holds 16/, 'larger than the storage');
  throwsTyped(() => a.shareStorage([2, 3]), ShapeError, /holds 16/, 'one element too many');
  throwsTyped(() => a.shareStorage([-1]), ShapeError, /invalid shape/, 'negative size');
  throwsTyped(() => a.reshape([8]), ShapeError, undefined, 'reshape to more elements');
  const v = a.shareStorage([2]); // smaller is fine
  assert.equal([...v.toArray()], [1, 2]);
  v.dispose();
  assert.equal([...b.toArray()], [5, 6, 7, 8], 'the neighbour is untouched');
  a.dispose();
  throwsTyped(() => a.shareStorage([4]), DisposedError, undefined, 'a view of a disposed tensor');
  b.dispose();
});

test('a data() view taken before wasm memory grew stays valid (Node starts on a shared memory)', () => {
  assert.ok(viewsSurviveGrowth());
  const t = Tensor.zeros([4]);
  const v = t.data();
  const big = Tensor.empty([memoryBytes()], 'u8'); // forces growth
  v[2] = 7;
  assert.equal([...t.toArray()], [0, 0, 7, 0], 'the write through the old view reached the tensor');
  big.dispose();
  t.dispose();
});

test('bad shapes and dtypes are typed errors', () => {
  throwsTyped(() => Tensor.zeros([2, -1]), ShapeError);
  throwsTyped(() => Tensor.zeros([2.5]), ShapeError);
  assert.throws(() => Tensor.from([1, 2, 3], [2, 2]), (e: Error) => e instanceof ShapeError && /3 values cannot have shape \[2, 2\]/.test(e.message));
  throwsTyped(() => Tensor.zeros([2], { dtype: 'i32', requiresGrad: true }), DTypeError);
  throwsTyped(() => Tensor.empty([2], 'f64' as never), DTypeError);
  assert.ok(new ShapeError('x') instanceof VidwasmError);
});

test('autograd: accumulation across uses and calls, noGrad, errors', () => {
  const x = Tensor.from([1, 2, 3], [3], { requiresGrad: true });
  ops.mul(x, x).sum().backward();
  assertClose(x.grad!, [2, 4, 6]);
  ops.sum(x).backward(); // accumulates like PyTorch
  assertClose(x.grad!, [3, 5, 7]);
  const y = noGrad(() => ops.mul(x, 3));
  assert.is(y.requiresGrad, false);
  throwsTyped(() => y.backward(), AutogradError);
  assert.throws(() => ops.mul(x, 2).backward(), (e: Error) => e instanceof AutogradError && /not a scalar/.test(e.message));
  const z = ops.mul(x, 2);
  throwsTyped(() => z.backward(Tensor.ones([4])), ShapeError);
  z.backward(Tensor.ones([3]));
  assertClose(x.grad!, [5, 7, 9]);
});

test('autograd through a diamond and a deep chain (no stack overflow)', () => {
  const x = Tensor.from([0.5, -1], [2], { requiresGrad: true });
  const a = ops.tanh(x), b = ops.sigmoid(x);
  ops.mul(a, b).sum().backward();
  const t = Math.tanh, s = (v: number) => 1 / (1 + Math.exp(-v));
  const g = (v: number) => (1 - t(v) ** 2) * s(v) + t(v) * s(v) * (1 - s(v));
  assertClose(x.grad!, [g(0.5), g(-1)], { rtol: 1e-5 });
  tidy(() => {
    const w = Tensor.from([1], [1], { requiresGrad: true });
    let h = w;
    for (let i = 0; i < 20000; i++) h = ops.add(h, 0);
    h.sum().backward();
    assertClose(w.grad!, [1]);
    w.dispose();
  });
});

test('seeded random is reproducible', () => {
  manualSeed(7);
  const a = Tensor.randn([5]).toArray();
  manualSeed(7);
  const b = Tensor.randn([5]).toArray();
  assert.equal([...a], [...b]);
});

test('memory stays flat over many tidy steps', () => {
  const w = keep(Tensor.randn([64, 32], { requiresGrad: true }));
  const step = () => tidy(() => {
    const x = Tensor.randn([8, 64, 32]);
    const l = ops.mean(ops.silu(ops.mul(x, w)));
    l.backward();
    w.grad!.dispose(); w.grad = null;
  });
  for (let i = 0; i < 10; i++) step();
  const bytes = memoryBytes(), live = memoryStats().liveBytes;
  for (let i = 0; i < 300; i++) step();
  assert.is(memoryBytes(), bytes);
  assert.is(memoryStats().liveBytes, live);
  w.dispose();
});

test.run();
