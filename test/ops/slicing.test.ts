// Data-movement ops (cat, stack, slice, narrow, split, chunk, pad, indexSelect, gather): PyTorch golden
// values (forward + gradient) on SIMD and scalar kernels, on contiguous and channels_last
// inputs, SIMD vs scalar, finite differences, other dtypes, memory, and typed errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ops, tidy, memoryStats, kernelNames, ShapeError, ArgumentError, DTypeError, type Layout } from '../../ts/node.js';
import { loadGolden, type GoldenCase, type GoldenTensor } from '../helpers/golden.js';
import { assertClose, eachBackend, gradCheck, simdVsScalar } from '../helpers/assert.js';

type Run = (c: GoldenCase, t: Record<string, Tensor>) => Tensor[];
const run: Record<string, Run> = {
  cat: (c, t) => [ops.cat(c.params.names.map((k: string) => t[k]), c.params.dim)],
  stack: (c, t) => [ops.stack(c.params.names.map((k: string) => t[k]), c.params.dim)],
  slice: (c, t) => [ops.slice(t.x, c.params.dim, c.params.start, c.params.end, c.params.step)],
  narrow: (c, t) => [ops.narrow(t.x, c.params.dim, c.params.start, c.params.length)],
  split: (c, t) => ops.split(t.x, c.params.arg, c.params.dim),
  chunk: (c, t) => ops.chunk(t.x, c.params.chunks, c.params.dim),
  pad: (c, t) => [ops.pad(t.x, c.params.pad, { mode: c.params.mode, value: c.params.value ?? undefined })],
  indexSelect: (c, t) => [ops.indexSelect(t.x, c.params.dim, t.index)],
  gather: (c, t) => [ops.gather(t.x, c.params.dim, t.index)],
};
// Ops whose output keeps the input's rank, so it must keep a channels_last layout.
const keepsLayout = new Set(['cat', 'slice', 'narrow', 'split', 'chunk', 'pad', 'indexSelect']);

function input(g: GoldenTensor, layout: Layout, grad: boolean): Tensor {
  return Tensor.from(g.data, g.shape, { dtype: g.dtype, layout: g.dtype === 'f32' ? layout : 'contiguous', requiresGrad: grad && g.dtype === 'f32' });
}

for (const c of loadGolden('slicing')) {
  test(`${c.name} matches PyTorch (forward + grad; simd, scalar; contiguous, channels_last)`, () => {
    eachBackend((backend) => {
      for (const layout of ['contiguous', 'channels_last'] as Layout[]) {
        const tag = `${c.name} [${backend}, ${layout}]`;
        const t: Record<string, Tensor> = {};
        for (const [k, v] of Object.entries(c.inputs)) t[k] = input(v, layout, !k.startsWith('gy'));
        const ys = run[c.op](c, t);
        assert.is(ys.length, Object.keys(c.outputs).length, `${tag}: number of outputs`);
        ys.forEach((y, i) => {
          const want = c.outputs[`y${i}`] ?? c.outputs.y;
          assert.equal([...y.shape], want.shape, `${tag}: shape of output ${i}`);
          assertClose(y, want.data, { rtol: 0, atol: 0 }, `${tag} forward ${i}`);
          if (layout === 'channels_last' && keepsLayout.has(c.op) && y.rank >= 3) assert.is(y.layout, 'channels_last', `${tag}: layout`);
        });
        ys.forEach((y, i) => y.backward(t[`gy${i}`] ?? t.gy));
        for (const [k, g] of Object.entries(c.grads)) assertClose(t[k].grad!, g.data, { rtol: 1e-6, atol: 1e-6 }, `${tag} grad ${k}`);
      }
    });
  });
}

test('cat along C of channels_last tensors writes storage directly and mixes layouts', () => {
  tidy(() => {
    const a = Tensor.randn([2, 3, 2, 4, 5]), b = Tensor.randn([2, 5, 2, 4, 5]);
    const ref = ops.cat([a, b], 1).toArray();
    const al = a.toLayout('channels_last'), bl = b.toLayout('channels_last');
    const y = ops.cat([al, bl], 1);
    assert.is(y.layout, 'channels_last');
    assertClose(y, ref, { rtol: 0, atol: 0 }, 'channels_last cat');
    assertClose(ops.cat([al, b], 1), ref, { rtol: 0, atol: 0 }, 'mixed layouts cat');
    assertClose(ops.cat([a, bl], 1), ref, { rtol: 0, atol: 0 }, 'mixed layouts cat (contiguous first)');
  });
});

test('integer dtypes: cat, slice, pad and indexSelect move i32/u8 values exactly', () => {
  tidy(() => {
    const a = Tensor.from(new Int32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const b = Tensor.from(new Int32Array([7, 8]), [2, 1]);
    const c = ops.cat([a, b], 1);
    assert.is(c.dtype, 'i32');
    assert.equal([...c.toArray()], [1, 2, 3, 7, 4, 5, 6, 8]);
    assert.equal([...ops.slice(c, 1, 1, 4, 2).toArray()], [2, 7, 5, 8]);
    const u = Tensor.from(new Uint8Array([1, 2, 3]), [3], { dtype: 'u8' });
    assert.equal([...ops.pad(u, [1, 2], { value: 9 }).toArray()], [9, 1, 2, 3, 9, 9]);
    const idx = Tensor.from(new Int32Array([2, 0, 2]), [3]);
    assert.equal([...ops.indexSelect(u, 0, idx).toArray()], [3, 1, 3]);
  });
});

test('SIMD and scalar kernels agree (pad/indexSelect gradients accumulate with SIMD adds)', () => {
  const x = Tensor.randn([2, 7, 3, 5, 9], { requiresGrad: true });
  const xl = Tensor.randn([2, 7, 3, 5, 9], { layout: 'channels_last', requiresGrad: true });
  const idx = Tensor.from(new Int32Array([0, 6, 6, 3, 0, 1]), [6]);
  const cases: [string, () => Tensor][] = [
    ['pad reflect', () => ops.pad(x, [3, 2, 2, 4, 1, 2], { mode: 'reflect' })],
    ['pad replicate channels_last', () => ops.pad(xl, [3, 2, 0, 4, 2, 2], { mode: 'replicate' })],
    ['indexSelect C channels_last', () => ops.indexSelect(xl, 1, idx)],
    ['slice step 3', () => ops.slice(x, 4, 1, 9, 3)],
  ];
  for (const [name, f] of cases) {
    const fwd = simdVsScalar(() => f());
    assertClose(fwd.simd, fwd.scalar, { rtol: 0, atol: 0 }, `${name} forward`);
    const grad = simdVsScalar(() => {
      const y = f();
      y.backward(Tensor.full(y.shape, 0.5));
      const leaf = name.includes('channels_last') ? xl : x;
      const g = leaf.grad!;
      leaf.grad = null;
      return g;
    });
    assertClose(grad.simd, grad.scalar, { rtol: 0, atol: 0 }, `${name} grad`);
  }
  x.dispose(); xl.dispose(); idx.dispose();
});

test('gradients match finite differences', () => {
  tidy(() => {
    const a = Tensor.randn([2, 3, 2, 3, 4], { requiresGrad: true });
    const b = Tensor.randn([2, 2, 2, 3, 4], { layout: 'channels_last', requiresGrad: true });
    gradCheck((a, b) => ops.mul(ops.cat([a, b, a], 1), ops.cat([a, a, b], 1)), [a, b], {}, 'cat (a used twice)');
    gradCheck((a) => ops.pad(a, [2, 1, 1, 1], { mode: 'reflect' }), [a], {}, 'pad reflect');
    gradCheck((a) => ops.pad(a, [1, 3, 0, 2, 1, 1], { mode: 'replicate' }), [a], {}, 'pad replicate');
    gradCheck((b) => ops.pad(b, [-1, 2, 1, -1], { value: 3 }), [b], {}, 'pad constant negative');
    gradCheck((a) => ops.slice(a, 4, 0, 4, 3), [a], {}, 'slice step');
    gradCheck((a, b) => ops.stack([ops.narrow(a, 1, 1, 2), b], 2), [a, b], {}, 'stack');
    const idx = Tensor.from(new Int32Array([1, 1, 0, 1]), [4]);
    gradCheck((b) => ops.indexSelect(b, 1, idx), [b], {}, 'indexSelect repeats');
    gradCheck((a) => { const [p, q] = ops.chunk(a, 2, 3); return ops.mul(p, q); }, [a], {}, 'chunk');
    const gi = Tensor.from(new Int32Array(2 * 3 * 2 * 3 * 4).map((_, i) => (i * 7) % 2), [2, 3, 2, 3, 4]);
    gradCheck((b) => ops.gather(b, 1, gi), [b], {}, 'gather channels_last');
    const gs = Tensor.from(new Int32Array(1 * 4 * 2 * 2 * 3).map((_, i) => (i * 5) % 3), [1, 4, 2, 2, 3]);
    gradCheck((a) => ops.gather(a, 1, gs), [a], {}, 'gather with a smaller index');
  });
});

test('memory stays flat over forward + backward', () => {
  const x = Tensor.randn([2, 3, 3, 4, 5], { requiresGrad: true });
  const idx = Tensor.from(new Int32Array([2, 0]), [2]);
  const step = () => tidy(() => {
    const y = ops.cat([ops.pad(x, [1, 1, 1, 1], { mode: 'reflect' }), ops.pad(x, [1, 1, 1, 1])], 1);
    const z = ops.indexSelect(ops.slice(y, 2, 0, 3, 2), 1, idx);
    ops.sum(ops.stack(ops.split(z, 1, 1), 0)).backward();
  });
  step();
  if (x.grad) { x.grad.dispose(); x.grad = null; }
  const before = memoryStats().liveTensors;
  for (let i = 0; i < 20; i++) { step(); x.grad!.dispose(); x.grad = null; }
  assert.is(memoryStats().liveTensors, before);
  x.dispose(); idx.dispose();
});

test('bad input gives typed errors naming the op and shapes', () => {
  tidy(() => {
    const a = Tensor.zeros([2, 3, 4]), b = Tensor.zeros([2, 4, 5]);
    assert.throws(() => ops.cat([a, b], 1), (e: Error) => e instanceof ShapeError && /cat: .*\[2, 4, 5\].*\[2, 3, 4\]/.test(e.message));
    assert.throws(() => ops.cat([a, Tensor.zeros([2, 3, 4], { dtype: 'i32' })], 0), (e: Error) => e instanceof DTypeError && /cat/.test(e.message));
    assert.throws(() => ops.cat([], 0), (e: Error) => e instanceof ArgumentError && /cat/.test(e.message));
    assert.throws(() => ops.cat([a, a], 3), (e: Error) => e instanceof ArgumentError && /cat: dim 3/.test(e.message));
    assert.throws(() => ops.stack([a, b]), (e: Error) => e instanceof ShapeError && /stack/.test(e.message));
    assert.throws(() => ops.slice(a, 2, 0, 5), (e: Error) => e instanceof ShapeError && /slice: end 5 is out of range for dim 2 \(size 4\) of \[2, 3, 4\]/.test(e.message));
    assert.throws(() => ops.slice(a, 1, -4, 2), (e: Error) => e instanceof ShapeError && /slice: start -4/.test(e.message));
    assert.throws(() => ops.slice(a, 1, 0, 2, 0), (e: Error) => e instanceof ArgumentError && /slice: step/.test(e.message));
    assert.throws(() => ops.narrow(a, 2, 2, 3), (e: Error) => e instanceof ShapeError && /narrow: .*\[2, 3, 4\]/.test(e.message));
    assert.throws(() => ops.split(a, [1, 1], 1), (e: Error) => e instanceof ShapeError && /split: .*\[2, 3, 4\]/.test(e.message));
    assert.throws(() => ops.pad(a, [1, 1, 1, 1, 1, 1, 1, 1]), (e: Error) => e instanceof ShapeError && /pad: .*more than the 3 dims of \[2, 3, 4\]/.test(e.message));
    assert.throws(() => ops.pad(a, [1, 1, 1]), (e: Error) => e instanceof ArgumentError && /pad/.test(e.message));
    assert.throws(() => ops.pad(a, [1, 1], { mode: 'circular' as never }), (e: Error) => e instanceof ArgumentError && /pad: unknown mode 'circular'/.test(e.message));
    assert.throws(() => ops.pad(a, [4, 0], { mode: 'reflect' }), (e: Error) => e instanceof ShapeError && /pad: reflect .*\[2, 3, 4\]/.test(e.message));
    assert.throws(() => ops.pad(a, [-1, 0], { mode: 'replicate' }), (e: Error) => e instanceof ArgumentError && /negative/.test(e.message));
    assert.throws(() => ops.pad(a, [-3, -2]), (e: Error) => e instanceof ShapeError && /pad/.test(e.message));
    const bad = Tensor.from(new Int32Array([0, 3]), [2]);
    assert.throws(() => ops.indexSelect(a, 1, bad), (e: Error) => e instanceof ShapeError && /indexSelect: index 3 .*\[2, 3, 4\]/.test(e.message));
    assert.throws(() => ops.indexSelect(a, 1, a), (e: Error) => e instanceof DTypeError && /indexSelect: index/.test(e.message));
    assert.throws(() => ops.gather(a, 2, Tensor.zeros([2, 4, 4], { dtype: 'i32' })), (e: Error) => e instanceof ShapeError && /gather: index \[2, 4, 4\] must have the rank of input \[2, 3, 4\]/.test(e.message));
    assert.throws(() => ops.gather(a, 2, Tensor.full([2, 3, 1], 4, 'i32')), (e: Error) => e instanceof ShapeError && /gather: index value 4/.test(e.message));
    assertClose(ops.cat([a, a], 0), new Float32Array(48), {}, 'still usable');
  });
});

test('every kernel has its scalar twin in the module', () => {
  // kernel() falls back to the SIMD export when a twin is missing, so check the names directly.
  const names = new Set(kernelNames());
  for (const k of ['x32_strided_copy', 'x16_strided_copy', 'x8_strided_copy', 'x32_index_select', 'x16_index_select', 'x8_index_select', 'x32_gather', 'f32_scatter_add', 'f32_index_add']) {
    assert.ok(names.has(`vw_${k}`), `vw_${k} is exported`);
    assert.ok(names.has(`vw_${k}_scalar`), `vw_${k}_scalar is exported`);
  }
});

test.run();
