// Pooling: PyTorch golden values (forward, argmax indices, gradient) on the SIMD kernels and
// their scalar twins, both input layouts, SIMD vs scalar, finite differences, bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ops, tidy, ShapeError, ArgumentError, DTypeError } from '../../ts/node.js';
import { loadGolden, tensorOf, type GoldenCase } from '../helpers/golden.js';
import { assertClose, eachBackend, gradCheck, simdVsScalar } from '../helpers/assert.js';

/** PyTorch keyword arguments -> our options. */
function optsOf(p: Record<string, any>): any {
  const o: any = { kernelSize: p.kernel_size };
  if (p.stride !== undefined) o.stride = p.stride;
  if (p.padding !== undefined) o.padding = p.padding;
  if (p.dilation !== undefined) o.dilation = p.dilation;
  if (p.ceil_mode !== undefined) o.ceilMode = p.ceil_mode;
  if (p.count_include_pad !== undefined) o.countIncludePad = p.count_include_pad;
  if (p.divisor_override !== undefined) o.divisorOverride = p.divisor_override;
  return o;
}

function run(c: GoldenCase, x: Tensor): { y: Tensor; indices?: Tensor } {
  switch (c.op) {
    case 'maxPool3d': { const r = ops.maxPool3dWithIndices(x, optsOf(c.params)); return { y: r.values, indices: r.indices }; }
    case 'maxPool2d': { const r = ops.maxPool2dWithIndices(x, optsOf(c.params)); return { y: r.values, indices: r.indices }; }
    case 'avgPool3d': return { y: ops.avgPool3d(x, optsOf(c.params)) };
    case 'avgPool2d': return { y: ops.avgPool2d(x, optsOf(c.params)) };
    case 'adaptiveAvgPool3d': return { y: ops.adaptiveAvgPool3d(x, c.params.outputSize) };
    case 'adaptiveAvgPool2d': return { y: ops.adaptiveAvgPool2d(x, c.params.outputSize) };
    default: throw new Error(c.op);
  }
}

for (const c of loadGolden('pool')) {
  for (const layout of ['contiguous', 'channels_last'] as const) {
    test(`${c.name} (${layout} input) matches PyTorch (forward + grad, simd and scalar)`, () => {
      eachBackend((backend) => {
        const x = Tensor.from(c.inputs.x.data, c.inputs.x.shape, { layout, requiresGrad: true });
        const { y, indices } = run(c, x);
        assert.equal([...y.shape], c.outputs.y.shape, 'output shape');
        assertClose(y, c.outputs.y.data, { rtol: 1e-5, atol: 1e-6 }, `${c.name} [${backend}] forward`);
        if (indices) assert.equal(Array.from(indices.toArray()), Array.from(c.outputs.indices.data), `${c.name} [${backend}] indices`);
        y.backward(tensorOf(c.inputs.gy));
        assertClose(x.grad!, c.grads.x.data, { rtol: 1e-5, atol: 1e-5 }, `${c.name} [${backend}] grad`);
      });
    });
  }
}

test('SIMD and scalar kernels agree (C = 1, 3, 4, 9, 64)', () => {
  tidy(() => {
    for (const C of [1, 3, 4, 9, 64]) {
      const x = Tensor.randn([2, C, 3, 9, 7]);
      const cases: [string, () => Tensor][] = [
        ['max', () => ops.maxPool3d(x, { kernelSize: [1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1] })],
        ['avg', () => ops.avgPool3d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false })],
        ['adaptive', () => ops.adaptiveAvgPool3d(x, [2, 4, 3])],
      ];
      for (const [name, f] of cases) {
        const r = simdVsScalar(f);
        assertClose(r.simd, r.scalar, { rtol: 1e-6, atol: 1e-6 }, `${name} C=${C}`);
        const gx = simdVsScalar(() => {
          const xx = Tensor.from(x.toArray(), x.shape, { requiresGrad: true });
          const y = name === 'max' ? ops.maxPool3d(xx, { kernelSize: [1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1] })
            : name === 'avg' ? ops.avgPool3d(xx, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false })
              : ops.adaptiveAvgPool3d(xx, [2, 4, 3]);
          y.backward(Tensor.ones(y.shape));
          return xx.grad!.clone();
        });
        assertClose(gx.simd, gx.scalar, { rtol: 1e-6, atol: 1e-6 }, `${name} grad C=${C}`);
      }
    }
  });
});

test('NaN propagates through max pooling, as in PyTorch', () => {
  tidy(() => {
    const v = new Float32Array(16).map((_, i) => i);
    v[5] = NaN;
    const x = Tensor.from(v, [1, 1, 1, 4, 4]);
    eachBackend(() => {
      const { values, indices } = ops.maxPool3dWithIndices(x, { kernelSize: [1, 2, 2] });
      const y = values.toArray();
      assert.ok(Number.isNaN(y[0]), `window with NaN gives ${y[0]}`);
      assert.equal(Array.from(y.slice(1)), [7, 13, 15]);
      assert.is(indices.toArray()[0], 5);
    });
  });
});

test('gradients match finite differences', () => {
  tidy(() => {
    const x = Tensor.randn([2, 3, 3, 5, 4], { requiresGrad: true });
    gradCheck((x) => ops.maxPool3d(x, { kernelSize: [2, 3, 3], stride: [1, 2, 2], padding: [1, 1, 1] }), [x], { eps: 1e-3 }, 'maxPool3d');
    gradCheck((x) => ops.avgPool3d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }), [x], {}, 'avgPool3d');
    gradCheck((x) => ops.adaptiveAvgPool3d(x, [2, 2, 3]), [x], {}, 'adaptiveAvgPool3d');
    const x2 = Tensor.randn([2, 3, 7, 6], { requiresGrad: true });
    gradCheck((x) => ops.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }), [x2], {}, 'avgPool2d');
  });
});

test('bad input gives typed errors naming the op and shapes', () => {
  tidy(() => {
    const x = Tensor.randn([1, 2, 2, 3, 3]);
    assert.throws(() => ops.maxPool3d(x, { kernelSize: [3, 3, 3] }),
      (e: Error) => e instanceof ShapeError && /maxPool3d: kernelSize \[3, 3, 3\].*does not fit input \[1, 2, 2, 3, 3\]: the output would be \[0, 1, 1\]/.test(e.message));
    assert.throws(() => ops.avgPool3d(x, { kernelSize: 2, padding: 2 }), (e: Error) => e instanceof ArgumentError && /avgPool3d: padding \[2, 2, 2\] must be .* at most half of kernelSize \[2, 2, 2\]/.test(e.message));
    assert.throws(() => ops.maxPool3d(x, { kernelSize: 2, stride: 0 }), (e: Error) => e instanceof ArgumentError && /stride must be positive/.test(e.message));
    assert.throws(() => ops.maxPool3d(Tensor.randn([2, 3, 4]), { kernelSize: 2 }), (e: Error) => e instanceof ShapeError && /maxPool3d: input must be \[N, C, T, H, W\].*got \[2, 3, 4\]/.test(e.message));
    assert.throws(() => ops.maxPool2d(x, { kernelSize: 2 }), (e: Error) => e instanceof ShapeError && /maxPool2d.*got \[1, 2, 2, 3, 3\]/.test(e.message));
    assert.throws(() => ops.avgPool3d(x, { kernelSize: [1, 2] }), (e: Error) => e instanceof ArgumentError && /kernelSize must be an integer or 3 integers/.test(e.message));
    assert.throws(() => ops.adaptiveAvgPool3d(x, [1, 0, 1]), (e: Error) => e instanceof ArgumentError && /adaptiveAvgPool3d: outputSize/.test(e.message));
    assert.throws(() => ops.avgPool3d(x, { kernelSize: 1, divisorOverride: 0 }), (e: Error) => e instanceof ArgumentError && /divisorOverride/.test(e.message));
    assert.throws(() => ops.maxPool3d(Tensor.zeros([1, 1, 2, 2, 2], { dtype: 'i32' }), { kernelSize: 1 }), (e: Error) => e instanceof DTypeError && /maxPool3d/.test(e.message));
    assertClose(ops.maxPool3d(x, { kernelSize: 1 }), x, { rtol: 0, atol: 0 }, 'still usable');
  });
});

test.run();
