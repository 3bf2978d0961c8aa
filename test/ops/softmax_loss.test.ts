// softmax / logSoftmax and the losses: PyTorch golden values (forward + gradient) on the SIMD
// kernels and their scalar twins, layouts, SIMD vs scalar, finite differences, bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ops, tidy, ShapeError, DTypeError, ArgumentError } from '../../ts/node.js';
import { loadGolden, tensorOf, type GoldenCase } from '../helpers/golden.js';
import { assertClose, eachBackend, gradCheck, simdVsScalar } from '../helpers/assert.js';

const GRAD_INPUTS = new Set(['x', 'logits', 'a', 'b']);

function runCase(c: GoldenCase, t: Record<string, Tensor>): Tensor {
  const p = c.params;
  switch (c.op) {
    case 'softmax': return ops.softmax(t.x, p.dim);
    case 'logSoftmax': return ops.logSoftmax(t.x, p.dim);
    case 'crossEntropy': return ops.crossEntropy(t.logits, t.target, { labelSmoothing: p.labelSmoothing, reduction: p.reduction, weight: t.weight ?? null, ignoreIndex: p.ignoreIndex });
    case 'bceWithLogits': return ops.bceWithLogits(t.logits, t.target, { reduction: p.reduction, posWeight: t.posWeight ?? null, weight: t.weight ?? null });
    case 'mseLoss': return ops.mseLoss(t.a, t.b, { reduction: p.reduction });
    case 'nllLoss': return ops.nllLoss(t.x, t.target, { reduction: p.reduction, weight: t.weight });
    default: throw new Error(`unknown op ${c.op}`);
  }
}

for (const c of loadGolden('softmax_loss')) {
  test(`${c.name} matches PyTorch (forward + grad, simd and scalar)`, () => {
    eachBackend((backend) => {
      const t: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(c.inputs)) {
        t[k] = tensorOf(v, GRAD_INPUTS.has(k) || (c.op === 'bceWithLogits' && k === 'target'));
      }
      const y = runCase(c, t);
      assertClose(y, c.outputs.y.data, { rtol: 1e-5, atol: 1e-6 }, `${c.name} [${backend}] forward`);
      y.backward(t.gy);
      for (const [k, g] of Object.entries(c.grads)) assertClose(t[k].grad!, g.data, { rtol: 1e-4, atol: 1e-6 }, `${c.name} [${backend}] grad ${k}`);
    });
  });
}

test('softmax on channels_last storage over C (inner = 1) and over T (inner > 1) matches contiguous', () => {
  tidy(() => {
    const x = Tensor.randn([2, 7, 3, 5, 6]);
    const xl = x.toLayout('channels_last');
    for (const dim of [1, 2, -1]) {
      for (const f of [ops.softmax, ops.logSoftmax]) {
        const y = f(xl, dim);
        assert.is(y.layout, 'channels_last');
        assertClose(y, f(x, dim), { rtol: 1e-6, atol: 1e-7 }, `dim ${dim}`);
      }
    }
  });
});

test('softmax is stable for huge logits and rows of one element', () => {
  tidy(() => {
    const x = Tensor.from([1000, 1001, 999, -1e30, 88, 89], [1, 6]);
    const y = ops.softmax(x).toArray();
    assertClose(y, [0.2447284710547977, 0.6652409557748219, 0.09003057317038046, 0, 0, 0], { rtol: 1e-5, atol: 1e-7 }, 'huge');
    const l = ops.logSoftmax(x).toArray();
    // 1001 - 1001.4076: one float ulp at 1000 is 6e-5
    assert.ok(Number.isFinite(l[0]) && Math.abs(l[1] - -0.40760596) < 1e-4, `logSoftmax ${l[1]}`);
    assertClose(ops.softmax(Tensor.randn([5, 1]), 1), [1, 1, 1, 1, 1], { rtol: 0, atol: 0 }, 'one element');
  });
});

test('SIMD and scalar kernels agree (odd sizes, every path)', () => {
  tidy(() => {
    for (const [shape, dim] of [[[7, 13], 1], [[3, 9, 7], 1], [[2, 4, 6, 5], 2], [[1, 1001], 1]] as [number[], number][]) {
      const x = Tensor.randn(shape);
      for (const f of [ops.softmax, ops.logSoftmax]) {
        const r = simdVsScalar(() => f(x, dim));
        assertClose(r.simd, r.scalar, { rtol: 2e-6, atol: 1e-7 }, `${f.name} ${shape} dim ${dim}`);
      }
    }
    const logits = Tensor.randn([9, 13]);
    const target = Tensor.from(new Int32Array([0, 12, 5, 3, 3, 7, 11, 1, 2]), [9]);
    const soft = ops.softmax(Tensor.randn([9, 13]), 1);
    for (const tg of [target, soft]) {
      const r = simdVsScalar(() => ops.crossEntropy(logits, tg, { labelSmoothing: 0.1, reduction: 'none' }));
      assertClose(r.simd, r.scalar, { rtol: 2e-6, atol: 1e-6 }, `crossEntropy ${tg.dtype}`);
      const gr = simdVsScalar(() => {
        const l = Tensor.from(logits.toArray(), logits.shape, { requiresGrad: true });
        ops.crossEntropy(l, tg, { labelSmoothing: 0.1 }).backward();
        return l.grad!.clone();
      });
      assertClose(gr.simd, gr.scalar, { rtol: 1e-5, atol: 1e-7 }, `crossEntropy grad ${tg.dtype}`);
    }
    const big = Tensor.randn([37]).mul(30), t = Tensor.rand([37]), pw = Tensor.rand([37], 0.5, 2);
    const b = simdVsScalar(() => ops.bceWithLogits(big, t, { posWeight: pw, reduction: 'none' }));
    assertClose(b.simd, b.scalar, { rtol: 2e-6, atol: 1e-6 }, 'bceWithLogits');
  });
});

test('gradients match finite differences', () => {
  tidy(() => {
    const x = Tensor.randn([3, 5, 4], { requiresGrad: true });
    gradCheck((x) => ops.softmax(x, 1), [x], {}, 'softmax dim 1');
    gradCheck((x) => ops.logSoftmax(x, -1), [x], {}, 'logSoftmax dim -1');
    const l = Tensor.randn([4, 6], { requiresGrad: true });
    const tgt = Tensor.from(new Int32Array([1, 5, 0, 3]), [4]);
    const w = Tensor.rand([6], 0.5, 1.5), pw = Tensor.rand([6], 0.5, 2);
    gradCheck((l) => ops.crossEntropy(l, tgt, { labelSmoothing: 0.2, weight: w }), [l], {}, 'crossEntropy index');
    const soft = ops.softmax(Tensor.randn([4, 6]), 1);
    gradCheck((l) => ops.crossEntropy(l, soft, { labelSmoothing: 0.1 }), [l], {}, 'crossEntropy soft');
    const tb = Tensor.rand([4, 6], 0, 1, { requiresGrad: true });
    gradCheck((l, t) => ops.bceWithLogits(l, t, { posWeight: pw }), [l, tb], {}, 'bceWithLogits');
    const b = Tensor.randn([4, 6], { requiresGrad: true });
    gradCheck((a, b) => ops.mseLoss(a, b, { reduction: 'sum' }), [l, b], {}, 'mseLoss');
  });
});

test('crossEntropy on channels_last logits [N, C, T, H, W] equals the contiguous result', () => {
  tidy(() => {
    const x = Tensor.randn([2, 5, 2, 3, 3]);
    const t = Tensor.from(new Int32Array(2 * 2 * 3 * 3).map((_, i) => (i * 7) % 5), [2, 2, 3, 3]);
    const ref = ops.crossEntropy(x, t, { labelSmoothing: 0.1, reduction: 'none' });
    const xl = Tensor.from(x.toArray(), x.shape, { layout: 'channels_last', requiresGrad: true });
    const y = ops.crossEntropy(xl, t, { labelSmoothing: 0.1, reduction: 'none' });
    assertClose(y, ref, { rtol: 1e-6, atol: 1e-7 }, 'channels_last');
    ops.mean(y).backward();
    assert.is(xl.grad!.layout, 'channels_last');
  });
});

test('bad input gives typed errors naming the op and shapes', () => {
  tidy(() => {
    const logits = Tensor.randn([4, 5]);
    const bad = Tensor.from(new Int32Array([0, 5, 1, 2]), [4]);
    assert.throws(() => ops.crossEntropy(logits, bad), (e: Error) => e instanceof ArgumentError && /crossEntropy: target 5 at position 1 is out of range for 5 classes/.test(e.message));
    const neg = Tensor.from(new Int32Array([0, -1, 1, 2]), [4]);
    assert.throws(() => ops.crossEntropy(logits, neg), (e: Error) => e instanceof ArgumentError && /target -1/.test(e.message));
    assert.throws(() => ops.crossEntropy(logits, Tensor.zeros([4], { dtype: 'u8' })), (e: Error) => e instanceof DTypeError && /crossEntropy: target must be i32 or f32/.test(e.message));
    assert.throws(() => ops.crossEntropy(logits, Tensor.zeros([3], { dtype: 'i32' })), (e: Error) => e instanceof ShapeError && /crossEntropy: class-index target \[3\] does not fit input \[4, 5\]/.test(e.message));
    assert.throws(() => ops.crossEntropy(logits, Tensor.zeros([4, 4])), (e: Error) => e instanceof ShapeError && /probability target \[4, 4\]/.test(e.message));
    assert.throws(() => ops.crossEntropy(logits, bad, { weight: Tensor.ones([4]) }), (e: Error) => e instanceof ShapeError && /weight \[4\] must be \[5\]/.test(e.message));
    assert.throws(() => ops.crossEntropy(logits, neg, { labelSmoothing: 1.5 }), (e: Error) => e instanceof ArgumentError && /labelSmoothing/.test(e.message));
    assert.throws(() => ops.crossEntropy(logits, neg, { reduction: 'avg' as never }), (e: Error) => e instanceof ArgumentError && /reduction/.test(e.message));
    assert.throws(() => ops.bceWithLogits(logits, Tensor.zeros([4, 1])), (e: Error) => e instanceof ShapeError && /bceWithLogits: target \[4, 1\] must have the input's shape \[4, 5\]/.test(e.message));
    assert.throws(() => ops.bceWithLogits(logits, Tensor.zeros([4, 5]), { posWeight: Tensor.ones([3]) }), (e: Error) => e instanceof ShapeError && /posWeight \[3\] cannot be broadcast to the input \[4, 5\]/.test(e.message));
    assert.throws(() => ops.softmax(logits, 2), (e: Error) => e instanceof ArgumentError && /softmax: dim 2 is out of range/.test(e.message));
    assert.throws(() => ops.softmax(Tensor.zeros([2], { dtype: 'i32' })), (e: Error) => e instanceof DTypeError && /softmax/.test(e.message));
    assert.throws(() => ops.mseLoss(logits, Tensor.zeros([3, 5])), (e: Error) => e instanceof ShapeError && /\[4, 5\] and \[3, 5\]/.test(e.message));
    // and the module still works
    assertClose(ops.crossEntropy(Tensor.zeros([2, 4]), Tensor.from(new Int32Array([1, 2]), [2])), [Math.log(4)], {}, 'usable');
  });
});

test.run();
