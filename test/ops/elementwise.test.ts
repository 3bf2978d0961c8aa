// Elementwise ops and reductions: PyTorch golden values (forward + gradient) on both the SIMD
// kernels and their scalar twins, SIMD vs scalar agreement, finite differences, bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ops, nn, tidy, ShapeError, DTypeError, DisposedError } from '../../ts/node.js';
import { loadGolden, tensorOf, type GoldenCase } from '../helpers/golden.js';
import { assertClose, eachBackend, gradCheck, simdVsScalar } from '../helpers/assert.js';

const run: Record<string, (c: GoldenCase, t: Record<string, Tensor>) => Tensor> = {
  sum: (c, t) => ops.sum(t.x, c.params.dim ?? undefined, c.params.keepdim),
  mean: (c, t) => ops.mean(t.x, c.params.dim ?? undefined, c.params.keepdim),
  max: (c, t) => ops.max(t.x, c.params.dim).values,
  gelu_tanh: (_c, t) => ops.gelu(t.x, { approximate: 'tanh' }),
};
const fnOf = (c: GoldenCase) => run[c.op] ?? ((_: GoldenCase, t: Record<string, Tensor>) =>
  (t.b ? (ops as any)[c.op](t.a, t.b) : (ops as any)[c.op](t.x)) as Tensor);

for (const c of loadGolden('elementwise')) {
  test(`${c.name} matches PyTorch (forward + grad, simd and scalar)`, () => {
    eachBackend((backend) => {
      const t: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(c.inputs)) t[k] = tensorOf(v, k !== 'gy');
      const y = fnOf(c)(c, t);
      const tol = { rtol: 1e-5, atol: 1e-6 };
      assertClose(y, c.outputs.y.data, tol, `${c.name} [${backend}] forward`);
      y.backward(t.gy);
      for (const [k, g] of Object.entries(c.grads)) assertClose(t[k].grad!, g.data, { rtol: 1e-4, atol: 1e-5 }, `${c.name} [${backend}] grad ${k}`);
    });
  });
}

test('broadcasting over channels_last storage matches contiguous', () => {
  tidy(() => {
    const x = Tensor.randn([2, 5, 3, 4, 6]);
    const b = Tensor.randn([1, 5, 1, 1, 1]);
    const ref = ops.add(x, b).toArray();
    const xl = x.toLayout('channels_last');
    const y = ops.add(xl, b);
    assert.is(y.layout, 'channels_last');
    assertClose(y, ref, { rtol: 0, atol: 0 }, 'add channels_last');
    assertClose(ops.mul(b, xl), ops.mul(b, x).toArray(), { rtol: 0, atol: 0 }, 'mul channels_last');
  });

test('sums over channels_last storage (no layout conversion path) match contiguous', () => {
  tidy(() => {
    const x = Tensor.randn([2, 5, 3, 4, 6]), xl = x.toLayout('channels_last');
    // kept dims in order in storage ([N, THW, C] -> [N, C]) and not ([N, T, H, W, C] over N, H)
    for (const [dims, keep] of [[[2, 3, 4], true], [[2, 3], false], [[0, 3], true], [[1], false], [[0, 2, 3, 4], true]] as [number[], boolean][]) {
      const y = ops.sum(xl, dims, keep);
      assert.is(y.layout, 'contiguous');
      assertClose(y, ops.sum(x, dims, keep).toArray(), { rtol: 1e-6, atol: 1e-6 }, `sum ${dims} keepdim ${keep}`);
    }
    // the SE block's gradient: x * s with s [N, C, 1, 1, 1], x channels_last
    const s = Tensor.randn([2, 5, 1, 1, 1]).requiresGrad_(), s2 = s.detach().requiresGrad_();
    ops.sum(ops.mul(xl, s)).backward();
    ops.sum(ops.mul(x, s2)).backward();
    assertClose(s.grad!, s2.grad!.toArray(), { rtol: 1e-5, atol: 1e-5 }, 'mul broadcast grad channels_last');
  });
});
});

test('SIMD and scalar kernels agree on odd sizes', () => {
  for (const n of [1, 3, 4, 17, 1001]) {
    const a = Tensor.randn([n, 3]), b = Tensor.randn([1, 3]);
    const { simd, scalar } = simdVsScalar(() => ops.relu(ops.mul(ops.add(a, b), 1.5)));
    assertClose(simd, scalar, { rtol: 0, atol: 0 }, `relu(mul(add)) n=${n}`);
    a.dispose(); b.dispose();
  }
  const x = Tensor.randn([37, 11]);
  const both = simdVsScalar(() => ops.sum(ops.silu(x), 1));
  assertClose(both.simd, both.scalar, { rtol: 1e-5, atol: 1e-6 }, 'sum(silu)');
  const r = simdVsScalar(() => ops.mean(x, 0));
  assertClose(r.simd, r.scalar, { rtol: 1e-5, atol: 1e-6 }, 'mean dim 0');
  x.dispose();
});

test('gradients match finite differences', () => {
  const a = Tensor.rand([3, 4], 0.5, 1.5, { requiresGrad: true });
  const b = Tensor.rand([4], 0.5, 1.5, { requiresGrad: true });
  gradCheck((a, b) => ops.div(ops.mul(ops.sub(a, b), ops.tanh(a)), b), [a, b], {}, 'div/mul/sub/tanh');
  gradCheck((a) => ops.mean(ops.gelu(a), 1), [a], {}, 'mean(gelu)');
  a.dispose(); b.dispose();
});

test('bad input gives typed errors and the module stays usable', () => {
  const a = Tensor.zeros([2, 3]), b = Tensor.zeros([4]);
  assert.throws(() => ops.add(a, b), (e: Error) => e instanceof ShapeError && /add: shapes \[2, 3\] and \[4\]/.test(e.message));
  const i = Tensor.zeros([2, 3], { dtype: 'i32' });
  assert.throws(() => ops.relu(i), (e: Error) => e instanceof DTypeError && /relu/.test(e.message));
  b.dispose();
  assert.throws(() => ops.mul(a, b), (e: Error) => e instanceof DisposedError);
  assert.throws(() => ops.sum(a, 5), /dim 5 is out of range/);
  assertClose(ops.add(a, 1), [1, 1, 1, 1, 1, 1], {}, 'still usable');
  a.dispose(); i.dispose();
});


test('relu / nn.ReLU keep NaN and -0 and pass the gradient at NaN, as PyTorch (SIMD and scalar)', () => {
  eachBackend((backend) => tidy(() => {
    // 9 elements: the SIMD body and its tail
    const x = Tensor.from([NaN, -0, 0, -1, 2, NaN, -3, 4, NaN], [9]).requiresGrad_();
    for (const y of [ops.relu(x), new nn.ReLU().forward(x)]) {
      const v = y.toArray();
      assert.ok([0, 5, 8].every((i) => Number.isNaN(v[i])), `[${backend}] NaN in, NaN out: ${[...v]}`);
      assert.ok(Object.is(v[1], -0) && Object.is(v[2], 0) && v[3] === 0 && v[4] === 2, `[${backend}] ${[...v]}`);
    }
    ops.relu(x).backward(Tensor.from([1, 1, 1, 1, 1, 2, 1, 1, 3], [9]));
    assert.equal([...x.grad!.toArray()], [1, 0, 0, 0, 1, 2, 0, 1, 3], `[${backend}] grad`);
  }));
});

test.run();
