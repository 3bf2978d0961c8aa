// interpolate: PyTorch golden values (forward + gradient) for nearest/linear/bilinear/trilinear,
// align corners, size and scale factor, up- and downsampling, on SIMD and scalar kernels and on
// contiguous and channels_last inputs; SIMD vs scalar; finite differences; typed errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ops, tidy, memoryStats, kernelNames, ShapeError, ArgumentError, DTypeError, type Layout } from '../../ts/node.js';
import { loadGolden, type GoldenCase } from '../helpers/golden.js';
import { assertClose, eachBackend, gradCheck, simdVsScalar } from '../helpers/assert.js';

const optsOf = (c: GoldenCase) => ({
  mode: c.params.mode,
  ...(c.params.size ? { size: c.params.size } : {}),
  ...(c.params.scaleFactor !== null ? { scaleFactor: c.params.scaleFactor } : {}),
  ...(c.params.alignCorners !== null ? { alignCorners: c.params.alignCorners } : {}),
});

for (const c of loadGolden('interp')) {
  test(`${c.name} matches PyTorch (forward + grad; simd, scalar; both layouts)`, () => {
    eachBackend((backend) => {
      for (const layout of ['contiguous', 'channels_last'] as Layout[]) {
        const tag = `${c.name} [${backend}, ${layout}]`;
        const x = Tensor.from(c.inputs.x.data, c.inputs.x.shape, { layout, requiresGrad: true });
        const y = ops.interpolate(x, optsOf(c));
        assert.equal([...y.shape], c.outputs.y.shape, `${tag}: shape`);
        assert.is(y.layout, x.layout, `${tag}: layout`);
        // nearest copies values: exact; linear modes round like PyTorch up to summation order.
        const exact = c.params.mode === 'nearest';
        assertClose(y, c.outputs.y.data, exact ? { rtol: 0, atol: 0 } : { rtol: 1e-5, atol: 1e-6 }, `${tag} forward`);
        y.backward(Tensor.from(c.inputs.gy.data, c.inputs.gy.shape));
        assertClose(x.grad!, c.grads.x.data, { rtol: 1e-5, atol: 1e-5 }, `${tag} grad`);
      }
    });
  });
}

test('SIMD and scalar kernels agree (C multiple of 4 and odd C, both layouts)', () => {
  for (const [shape, layout] of [[[2, 8, 3, 5, 6], 'channels_last'], [[1, 7, 2, 5, 3], 'channels_last'], [[2, 3, 3, 4, 5], 'contiguous']] as [number[], Layout][]) {
    const x = Tensor.randn(shape, { layout, requiresGrad: true });
    for (const opts of [{ mode: 'trilinear' as const, size: [5, 7, 4] }, { mode: 'trilinear' as const, scaleFactor: 0.6, alignCorners: true },
      { mode: 'nearest' as const, scaleFactor: [1.5, 1.3, 2] }]) {
      const tag = `${JSON.stringify(shape)} ${layout} ${JSON.stringify(opts)}`;
      const f = simdVsScalar(() => ops.interpolate(x, opts));
      assertClose(f.simd, f.scalar, { rtol: 0, atol: 0 }, `${tag} forward`);
      const g = simdVsScalar(() => {
        const y = ops.interpolate(x, opts);
        y.backward(Tensor.full(y.shape, 0.25));
        const gx = x.grad!;
        x.grad = null;
        return gx;
      });
      assertClose(g.simd, g.scalar, { rtol: 1e-6, atol: 1e-6 }, `${tag} grad`);
    }
    x.dispose();
  }
});

test('gradients match finite differences', () => {
  tidy(() => {
    const x = Tensor.randn([1, 3, 2, 3, 4], { requiresGrad: true });
    const xl = Tensor.randn([2, 5, 2, 3, 3], { layout: 'channels_last', requiresGrad: true });
    gradCheck((x) => ops.interpolate(x, { mode: 'trilinear', size: [3, 5, 7] }), [x], {}, 'trilinear up');
    gradCheck((x) => ops.interpolate(x, { mode: 'trilinear', size: [1, 2, 3], alignCorners: true }), [xl], {}, 'trilinear down cl');
    gradCheck((x) => ops.interpolate(x, { mode: 'nearest', scaleFactor: [1, 1.5, 0.75] }), [x], {}, 'nearest');
    const x4 = Tensor.randn([2, 3, 4, 5], { requiresGrad: true });
    gradCheck((x) => ops.interpolate(x, { mode: 'bilinear', scaleFactor: 1.6 }), [x4], {}, 'bilinear');
    const x3 = Tensor.randn([2, 3, 5], { requiresGrad: true });
    gradCheck((x) => ops.interpolate(x, { mode: 'linear', size: 8, alignCorners: true }), [x3], {}, 'linear');
  });
});

test('identity size reproduces the input; memory stays flat', () => {
  tidy(() => {
    const x = Tensor.randn([2, 3, 3, 4, 5]);
    assertClose(ops.interpolate(x, { mode: 'trilinear', size: [3, 4, 5] }), x.toArray(), { rtol: 0, atol: 0 }, 'trilinear identity');
    assertClose(ops.interpolate(x, { mode: 'nearest', scaleFactor: 1 }), x.toArray(), { rtol: 0, atol: 0 }, 'nearest identity');
  });
  const x = Tensor.randn([1, 4, 2, 3, 3], { layout: 'channels_last', requiresGrad: true });
  const step = () => tidy(() => {
    ops.sum(ops.interpolate(x, { mode: 'trilinear', scaleFactor: 2 })).backward();
    ops.sum(ops.interpolate(x, { mode: 'nearest', size: [1, 5, 5] })).backward();
    x.grad!.dispose(); x.grad = null;
  });
  step();
  const before = memoryStats().liveTensors;
  for (let i = 0; i < 10; i++) step();
  assert.is(memoryStats().liveTensors, before);
  tidy(() => { const y = ops.interpolate(x, { mode: 'nearest', size: [2, 2, 2] }); assert.is(y.requiresGrad, true); });
  x.dispose();
});

test('bad input gives typed errors naming the op and shapes', () => {
  tidy(() => {
    const x = Tensor.zeros([1, 2, 3, 4, 5]), x4 = Tensor.zeros([1, 2, 3, 4]);
    assert.throws(() => ops.interpolate(x, { mode: 'bilinear', size: [2, 2, 2] }), (e: Error) => e instanceof ShapeError && /interpolate: mode 'bilinear' needs a 4-D input, got \[1, 2, 3, 4, 5\]/.test(e.message));
    assert.throws(() => ops.interpolate(x4, { mode: 'trilinear', size: [2, 2] }), (e: Error) => e instanceof ShapeError && /trilinear/.test(e.message));
    assert.throws(() => ops.interpolate(x, { mode: 'bicubic' as never, size: 2 }), (e: Error) => e instanceof ArgumentError && /unknown mode 'bicubic'/.test(e.message));
    assert.throws(() => ops.interpolate(x, { mode: 'nearest', size: 2, alignCorners: true }), (e: Error) => e instanceof ArgumentError && /alignCorners/.test(e.message));
    assert.throws(() => ops.interpolate(x, { mode: 'trilinear' }), (e: Error) => e instanceof ArgumentError && /exactly one of size and scaleFactor/.test(e.message));
    assert.throws(() => ops.interpolate(x, { mode: 'trilinear', size: 2, scaleFactor: 2 }), (e: Error) => e instanceof ArgumentError);
    assert.throws(() => ops.interpolate(x, { mode: 'trilinear', size: [2, 2] }), (e: Error) => e instanceof ArgumentError && /size must be .* 3 numbers/.test(e.message));
    assert.throws(() => ops.interpolate(x, { mode: 'trilinear', scaleFactor: 0.1 }), (e: Error) => e instanceof ShapeError && /interpolate: input \[1, 2, 3, 4, 5\]/.test(e.message));
    assert.throws(() => ops.interpolate(Tensor.zeros([2, 3]), { size: 2 }), (e: Error) => e instanceof ShapeError && /\[2, 3\]/.test(e.message));
    assert.throws(() => ops.interpolate(Tensor.zeros([1, 1, 3], { dtype: 'i32' }), { size: 2 }), (e: Error) => e instanceof DTypeError && /interpolate/.test(e.message));
    assert.is(ops.interpolate(x, { mode: 'trilinear', size: 2 }).size, 16, 'still usable');
  });
});

test('every kernel has its scalar twin in the module', () => {
  // kernel() falls back to the SIMD export when a twin is missing, so check the names directly.
  const names = new Set(kernelNames());
  for (const k of ['f32_interp_linear', 'f32_interp_linear_backward', 'f32_interp_nearest', 'f32_interp_nearest_backward']) {
    assert.ok(names.has(`vw_${k}`), `vw_${k} is exported`);
    assert.ok(names.has(`vw_${k}_scalar`), `vw_${k}_scalar is exported`);
  }
});

test.run();
