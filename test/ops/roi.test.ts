// roiAlign: torchvision golden values, matched bit for bit (forward + gradient to the features) on SIMD and scalar
// kernels, contiguous and channels_last features; SIMD vs scalar; finite differences; the list
// form of boxes; memory; typed errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ops, tidy, memoryStats, kernelNames, ShapeError, ArgumentError, DTypeError, type Layout } from '../../ts/node.js';
import { loadGolden } from '../helpers/golden.js';
import { assertClose, eachBackend, gradCheck, simdVsScalar } from '../helpers/assert.js';

for (const c of loadGolden('roi')) {
  test(`${c.name} matches torchvision (forward + grad; simd, scalar; both layouts)`, () => {
    eachBackend((backend) => {
      for (const layout of ['contiguous', 'channels_last'] as Layout[]) {
        const tag = `${c.name} [${backend}, ${layout}]`;
        const x = Tensor.from(c.inputs.x.data, c.inputs.x.shape, { layout, requiresGrad: true });
        const boxes = Tensor.from(c.inputs.boxes.data, c.inputs.boxes.shape);
        const y = ops.roiAlign(x, boxes, c.params as any);
        boxes.dispose(); // the op keeps its own copy for backward
        assert.equal([...y.shape], c.outputs.y.shape, `${tag}: shape`);
        assert.is(y.layout, x.layout, `${tag}: layout`);
        assertClose(y, c.outputs.y.data, { rtol: 0, atol: 0 }, `${tag} forward`); // bit-exact: same float ops, same order
        y.backward(Tensor.from(c.inputs.gy.data, c.inputs.gy.shape));
        assertClose(x.grad!, c.grads.x.data, { rtol: 0, atol: 0 }, `${tag} grad`);
      }
    });
  });
}

const boxes5 = () => Tensor.from(new Float32Array([
  0, 0.5, 1.5, 6.5, 5.0, 1, -1.5, 2.0, 4.0, 9.5, 1, 2.2, 0.3, 7.9, 3.1, 0, 6.0, 6.0, 12.0, 12.0,
]), [4, 5]);

test('SIMD and scalar kernels agree (C = 4, 8, 13; both layouts)', () => {
  for (const C of [4, 8, 13]) {
    for (const layout of ['channels_last', 'contiguous'] as Layout[]) {
      const x = Tensor.randn([2, C, 9, 8], { layout, requiresGrad: true });
      const b = boxes5();
      for (const opts of [{ outputSize: 3 }, { outputSize: [2, 3] as [number, number], samplingRatio: 2, aligned: true, spatialScale: 0.8 }]) {
        const tag = `C=${C} ${layout} ${JSON.stringify(opts)}`;
        const f = simdVsScalar(() => ops.roiAlign(x, b, opts));
        assertClose(f.simd, f.scalar, { rtol: 0, atol: 0 }, `${tag} forward`);
        const g = simdVsScalar(() => {
          const y = ops.roiAlign(x, b, opts);
          y.backward(Tensor.full(y.shape, 0.3));
          const gx = x.grad!;
          x.grad = null;
          return gx;
        });
        assertClose(g.simd, g.scalar, { rtol: 0, atol: 0 }, `${tag} grad`);
      }
      x.dispose(); b.dispose();
    }
  }
});

test('gradient matches finite differences', () => {
  tidy(() => {
    const x = Tensor.randn([2, 3, 7, 6], { requiresGrad: true });
    const xl = Tensor.randn([2, 5, 7, 6], { layout: 'channels_last', requiresGrad: true });
    const b = boxes5();
    gradCheck((x) => ops.roiAlign(x, b, { outputSize: 2 }), [x], { maxChecks: 60 }, 'roiAlign adaptive');
    gradCheck((x) => ops.roiAlign(x, b, { outputSize: [3, 2], samplingRatio: 2, aligned: true, spatialScale: 0.9 }), [xl], { maxChecks: 60 }, 'roiAlign aligned cl');
  });
});

test('boxes as a list of per-image [L, 4] tensors equal the [K, 5] form', () => {
  tidy(() => {
    const x = Tensor.randn([2, 4, 8, 8]);
    const b0 = Tensor.from(new Float32Array([1, 1, 5, 6, 0, 2, 3, 7]), [2, 4]);
    const b1 = Tensor.from(new Float32Array([2, 0.5, 7, 4]), [1, 4]);
    const k5 = Tensor.from(new Float32Array([0, 1, 1, 5, 6, 0, 0, 2, 3, 7, 1, 2, 0.5, 7, 4]), [3, 5]);
    assertClose(ops.roiAlign(x, [b0, b1], { outputSize: 2 }), ops.roiAlign(x, k5, { outputSize: 2 }), { rtol: 0, atol: 0 }, 'list form');
    const zero = ops.roiAlign(x, Tensor.zeros([0, 5]), { outputSize: 2 });
    assert.equal([...zero.shape], [0, 4, 2, 2]);
  });
});

test('memory stays flat over forward + backward', () => {
  const x = Tensor.randn([2, 4, 8, 8], { layout: 'channels_last', requiresGrad: true });
  const b = boxes5();
  const step = () => tidy(() => {
    ops.sum(ops.roiAlign(x, b, { outputSize: 2, aligned: true })).backward();
    ops.roiAlign(x, [Tensor.from(new Float32Array([1, 1, 4, 4]), [1, 4]), Tensor.zeros([0, 4])], { outputSize: 2 });
    x.grad!.dispose(); x.grad = null;
  });
  step();
  const before = memoryStats().liveTensors;
  for (let i = 0; i < 10; i++) step();
  assert.is(memoryStats().liveTensors, before);
  x.dispose(); b.dispose();
});

test('bad input gives typed errors naming the op and shapes', () => {
  tidy(() => {
    const x = Tensor.zeros([2, 3, 8, 8]);
    assert.throws(() => ops.roiAlign(x, Tensor.zeros([3, 4]), { outputSize: 2 }),
      (e: Error) => e instanceof ShapeError && /roiAlign: boxes must be \[K, 5\].*got \[3, 4\] for input \[2, 3, 8, 8\]/.test(e.message));
    const bad = Tensor.from(new Float32Array([2, 0, 0, 4, 4]), [1, 5]);
    assert.throws(() => ops.roiAlign(x, bad, { outputSize: 2 }),
      (e: Error) => e instanceof ShapeError && /roiAlign: box 0 has batch index 2, out of range for input \[2, 3, 8, 8\]/.test(e.message));
    const neg = Tensor.from(new Float32Array([-1, 0, 0, 4, 4]), [1, 5]);
    assert.throws(() => ops.roiAlign(x, neg, { outputSize: 2 }), (e: Error) => e instanceof ShapeError && /batch index -1/.test(e.message));
    const ok = Tensor.from(new Float32Array([0, 0, 0, 4, 4]), [1, 5]);
    assert.throws(() => ops.roiAlign(Tensor.zeros([2, 3, 4, 8, 8]), ok, { outputSize: 2 }),
      (e: Error) => e instanceof ShapeError && /roiAlign: input must be \[N, C, H, W\], got \[2, 3, 4, 8, 8\]/.test(e.message));
    assert.throws(() => ops.roiAlign(x, ok, { outputSize: 0 }), (e: Error) => e instanceof ArgumentError && /outputSize/.test(e.message));
    assert.throws(() => ops.roiAlign(x, ok, { outputSize: [2, 2, 2] as never }), (e: Error) => e instanceof ArgumentError && /outputSize/.test(e.message));
    assert.throws(() => ops.roiAlign(x, ok, { outputSize: 2, samplingRatio: 1.5 }), (e: Error) => e instanceof ArgumentError && /samplingRatio/.test(e.message));
    assert.throws(() => ops.roiAlign(x, Tensor.zeros([1, 5], { dtype: 'i32' }), { outputSize: 2 }), (e: Error) => e instanceof DTypeError && /roiAlign: boxes/.test(e.message));
    assert.throws(() => ops.roiAlign(x, [Tensor.zeros([2, 5])], { outputSize: 2 }), (e: Error) => e instanceof ShapeError && /boxes\[0\] must be \[L, 4\]/.test(e.message));
    assertClose(ops.roiAlign(x, ok, { outputSize: 1 }), [0, 0, 0], {}, 'still usable');
  });
});

test('every kernel has its scalar twin in the module', () => {
  // kernel() falls back to the SIMD export when a twin is missing, so check the names directly.
  const names = new Set(kernelNames());
  for (const k of ['f32_roi_align', 'f32_roi_align_backward']) {
    assert.ok(names.has(`vw_${k}`), `vw_${k} is exported`);
    assert.ok(names.has(`vw_${k}_scalar`), `vw_${k}_scalar is exported`);
  }
});

test.run();
