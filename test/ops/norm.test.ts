// Batch norm, layer norm and group norm: PyTorch golden values (forward, updated running stats, gradients
// for x / weight / bias) on the SIMD kernels and their scalar twins, both input layouts, SIMD
// vs scalar, finite differences, bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ops, tidy, ShapeError, ArgumentError, DTypeError } from '../../ts/node.js';
import { loadGolden, tensorOf } from '../helpers/golden.js';
import { assertClose, eachBackend, gradCheck, simdVsScalar } from '../helpers/assert.js';

const TOL = { rtol: 1e-5, atol: 1e-5 };

for (const c of loadGolden('norm')) {
  const layouts = c.inputs.x.shape.length >= 3 ? (['contiguous', 'channels_last'] as const) : (['contiguous'] as const);
  for (const layout of layouts) {
    test(`${c.name} (${layout} input) matches PyTorch (forward, running stats, grads; simd and scalar)`, () => {
      eachBackend((backend) => {
        const x = Tensor.from(c.inputs.x.data, c.inputs.x.shape, { layout, requiresGrad: true });
        const w = c.inputs.weight ? tensorOf(c.inputs.weight, true) : null;
        const b = c.inputs.bias ? tensorOf(c.inputs.bias, true) : null;
        let y: Tensor;
        let rm: Tensor | null = null, rv: Tensor | null = null;
        if (c.op === 'batchNorm') {
          rm = c.inputs.runningMean ? tensorOf(c.inputs.runningMean) : null;
          rv = c.inputs.runningVar ? tensorOf(c.inputs.runningVar) : null;
          y = ops.batchNorm(x, rm, rv, w, b, { training: c.params.training, momentum: c.params.momentum, eps: c.params.eps });
        } else if (c.op === 'groupNorm') {
          y = ops.groupNorm(x, c.params.numGroups, w, b, { eps: c.params.eps });
        } else {
          y = ops.layerNorm(x, c.params.normalizedShape, w, b, { eps: c.params.eps });
        }
        const tag = `${c.name} [${backend}, ${layout}]`;
        assertClose(y, c.outputs.y.data, TOL, `${tag} forward`);
        if (c.outputs.runningMean) {
          assertClose(rm!, c.outputs.runningMean.data, { rtol: 1e-6, atol: 1e-6 }, `${tag} runningMean`);
          assertClose(rv!, c.outputs.runningVar.data, { rtol: 1e-6, atol: 1e-6 }, `${tag} runningVar`);
        }
        y.backward(tensorOf(c.inputs.gy));
        assertClose(x.grad!, c.grads.x.data, { rtol: 1e-4, atol: 1e-5 }, `${tag} grad x`);
        if (c.grads.weight) assertClose(w!.grad!, c.grads.weight.data, { rtol: 1e-4, atol: 1e-5 }, `${tag} grad weight`);
        if (c.grads.bias) assertClose(b!.grad!, c.grads.bias.data, { rtol: 1e-4, atol: 1e-5 }, `${tag} grad bias`);
      });
    });
  }
}

test('batchNorm training leaves running stats untouched in eval and moves them in training', () => {
  tidy(() => {
    const x = Tensor.randn([4, 3, 2, 2, 2]);
    const rm = Tensor.zeros([3]), rv = Tensor.ones([3]);
    ops.batchNorm(x, rm, rv, null, null, { training: false });
    assert.equal(Array.from(rm.toArray()), [0, 0, 0]);
    ops.batchNorm(x, rm, rv, null, null, { training: true, momentum: 1 });
    // momentum 1: running stats become the batch mean and the unbiased batch variance
    const X = x.toArray(), M = 4 * 8;
    for (let c = 0; c < 3; c++) {
      let s = 0, s2 = 0;
      for (let n = 0; n < 4; n++) for (let i = 0; i < 8; i++) s += X[(n * 3 + c) * 8 + i];
      const m = s / M;
      for (let n = 0; n < 4; n++) for (let i = 0; i < 8; i++) s2 += (X[(n * 3 + c) * 8 + i] - m) ** 2;
      assertClose([rm.toArray()[c], rv.toArray()[c]], [m, s2 / (M - 1)], { rtol: 1e-5, atol: 1e-6 }, `channel ${c}`);
    }
  });
});

test('SIMD and scalar kernels agree (C = 1, 3, 4, 7, 64; layer norm D = 5, 64)', () => {
  tidy(() => {
    for (const C of [1, 3, 4, 7, 64]) {
      const x = Tensor.randn([3, C, 2, 5, 7]);
      const w = Tensor.rand([C], 0.5, 1.5), b = Tensor.randn([C]);
      const run = () => {
        const xx = Tensor.from(x.toArray(), x.shape, { requiresGrad: true });
        const y = ops.batchNorm(xx, Tensor.zeros([C]), Tensor.ones([C]), w, b, { training: true });
        y.backward(Tensor.ones(y.shape).mul(0.5).add(x));
        return ops.add(y, xx.grad!);
      };
      const r = simdVsScalar(run);
      assertClose(r.simd, r.scalar, { rtol: 1e-5, atol: 1e-5 }, `batchNorm C=${C}`);
    }
    for (const D of [5, 64]) {
      const x = Tensor.randn([6, D]), w = Tensor.rand([D], 0.5, 1.5), b = Tensor.randn([D]);
      const r = simdVsScalar(() => {
        const xx = Tensor.from(x.toArray(), x.shape, { requiresGrad: true });
        const y = ops.layerNorm(xx, [D], w, b);
        y.backward(x);
        return ops.add(y, xx.grad!);
      });
      assertClose(r.simd, r.scalar, { rtol: 1e-5, atol: 1e-5 }, `layerNorm D=${D}`);
    }
  });
});

test('gradients match finite differences (training and eval batch norm, layer norm)', () => {
  tidy(() => {
    const x = Tensor.randn([3, 4, 2, 3, 2], { requiresGrad: true });
    const w = Tensor.rand([4], 0.5, 1.5, { requiresGrad: true }), b = Tensor.randn([4], { requiresGrad: true });
    const rm = Tensor.randn([4]), rv = Tensor.rand([4], 0.5, 2);
    gradCheck((x, w, b) => ops.batchNorm(x, null, null, w, b, { training: true }), [x, w, b], {}, 'batchNorm training');
    gradCheck((x, w, b) => ops.batchNorm(x, rm, rv, w, b, { training: false }), [x, w, b], {}, 'batchNorm eval');
    const x2 = Tensor.randn([4, 6], { requiresGrad: true });
    gradCheck((x) => ops.batchNorm(x, null, null, null, null, { training: true }), [x2], {}, 'batchNorm [N, C]');
    const wl = Tensor.rand([6], 0.5, 1.5, { requiresGrad: true }), bl = Tensor.randn([6], { requiresGrad: true });
    gradCheck((x, w, b) => ops.layerNorm(x, [6], w, b), [x2, wl, bl], {}, 'layerNorm');
    gradCheck((x, w, b) => ops.groupNorm(x, 2, w, b), [x, w, b], {}, 'groupNorm');
  });
});

test('bad input gives typed errors naming the op and shapes', () => {
  tidy(() => {
    const x = Tensor.randn([2, 3, 4, 4]);
    assert.throws(() => ops.batchNorm(x, Tensor.zeros([4]), Tensor.ones([3]), null, null, { training: true }),
      (e: Error) => e instanceof ShapeError && /batchNorm: runningMean \[4\] must be \[3\] for input \[2, 3, 4, 4\]/.test(e.message));
    assert.throws(() => ops.batchNorm(x, null, null, Tensor.ones([2]), null, { training: true }),
      (e: Error) => e instanceof ShapeError && /batchNorm: weight \[2\] must be \[3\]/.test(e.message));
    assert.throws(() => ops.batchNorm(x, null, null, null, null, { training: false }), (e: Error) => e instanceof ArgumentError && /required in eval mode/.test(e.message));
    assert.throws(() => ops.batchNorm(Tensor.randn([1, 3]), null, null, null, null, { training: true }),
      (e: Error) => e instanceof ShapeError && /expected more than 1 value per channel when training, got input \[1, 3\]/.test(e.message));
    assert.throws(() => ops.batchNorm(Tensor.randn([3]), null, null, null, null, { training: true }), (e: Error) => e instanceof ShapeError && /batchNorm: input must be \[N, C, \.\.\.\]/.test(e.message));
    assert.throws(() => ops.batchNorm(Tensor.zeros([2, 3], { dtype: 'i32' }), null, null, null, null, { training: true }), (e: Error) => e instanceof DTypeError && /batchNorm/.test(e.message));
    assert.throws(() => ops.layerNorm(x, [3, 4], null, null), (e: Error) => e instanceof ShapeError && /layerNorm: normalizedShape \[3, 4\] must match the last dims of input \[2, 3, 4, 4\]/.test(e.message));
    assert.throws(() => ops.layerNorm(x, [4], Tensor.ones([3]), null), (e: Error) => e instanceof ShapeError && /layerNorm: weight \[3\] must be \[4\]/.test(e.message));
    assert.throws(() => ops.groupNorm(x, 2), (e: Error) => e instanceof ArgumentError && /groupNorm: 3 channels of input \[2, 3, 4, 4\] cannot be split into 2 groups/.test(e.message));
    assert.throws(() => ops.groupNorm(x, 3, Tensor.ones([4])), (e: Error) => e instanceof ShapeError && /groupNorm: weight \[4\] must be \[3\]/.test(e.message));
    const rm = Tensor.zeros([3]), rv = Tensor.ones([3]);
    assertClose(ops.batchNorm(Tensor.zeros([2, 3]), rm, rv, null, null, { training: false }), new Float32Array(6), {}, 'still usable');
  });
});

test.run();
