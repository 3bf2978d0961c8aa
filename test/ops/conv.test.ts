// conv3d / conv2d / conv1d: PyTorch golden values (forward + grads of x, w, b) on the SIMD
// kernels and their scalar twins, each fast lowering against the general vol2col path, SIMD vs
// scalar on larger odd shapes, layouts, finite-difference gradients and bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ops, tidy, ShapeError, DTypeError, ArgumentError, memoryStats, getIsa, setIsa, kernelNames } from '../../ts/node.js';
import type { ConvOptions } from '../../ts/runtime/ops/conv.js';
import { loadGolden, tensorOf, type GoldenCase } from '../helpers/golden.js';
import { assertClose, eachBackend, gradCheck, simdVsScalar, throwsTyped } from '../helpers/assert.js';

type ConvFn = (x: Tensor, w: Tensor, b: Tensor | null, o: ConvOptions) => Tensor;
const FN: Record<string, ConvFn> = { conv3d: ops.conv3d, conv2d: ops.conv2d, conv1d: ops.conv1d };
const TOL = { rtol: 1e-4, atol: 1e-4 };

function runCase(c: GoldenCase, tag: string, layout: 'contiguous' | 'channels_last' = 'contiguous'): void {
  const x0 = tensorOf(c.inputs.x, true);
  const x = layout === 'contiguous' ? x0 : Tensor.from(x0.toArray() as Float32Array, x0.shape, { layout, requiresGrad: true });
  const w = tensorOf(c.inputs.w, true);
  const b = c.inputs.b ? tensorOf(c.inputs.b, true) : null;
  const gy = tensorOf(c.inputs.gy);
  const y = FN[c.op](x, w, b, c.params as ConvOptions);
  assert.is(y.layout, 'channels_last', `${c.name} [${tag}] output layout`);
  assert.equal([...y.shape], c.outputs.y.shape, `${c.name} [${tag}] output shape`);
  assertClose(y, c.outputs.y.data, TOL, `${c.name} [${tag}] forward`);
  y.backward(gy);
  assert.is(x.grad!.layout, x.layout, `${c.name} [${tag}] grad x layout follows x`);
  assertClose(x.grad!, c.grads.x.data, TOL, `${c.name} [${tag}] grad x`);
  assertClose(w.grad!, c.grads.w.data, TOL, `${c.name} [${tag}] grad w`);
  if (b) assertClose(b.grad!, c.grads.b.data, TOL, `${c.name} [${tag}] grad b`);
}

const cases = loadGolden('conv');

test('golden file covers every lowering', () => {
  const names = cases.map((c) => c.name).join('|');
  for (const k of ['1x1x1', '3x1x1', 'depthwise', '3x3x3', 'dilation', 'groups', 'same', 'T=1', 'conv2d', 'conv1d']) {
    assert.ok(names.includes(k), `no golden case for ${k}`);
  }
});

for (const c of cases) {
  test(`${c.name} matches PyTorch (forward + grads, simd and scalar)`, () => {
    eachBackend((backend) => runCase(c, backend));
  });
}

test('every fast lowering equals the general vol2col path (channels_last input too)', () => {
  for (const c of cases) {
    const prev = ops.setConvLowering('general');
    try {
      tidy(() => runCase(c, 'general lowering'));
    } finally {
      ops.setConvLowering(prev);
    }
    if (c.op === 'conv3d') tidy(() => runCase(c, 'channels_last input', 'channels_last'));
  }
});

test('depthwise kernels with more than 256 (kt, kh) rows (chunked row lists) match the general path', () => {
  const run = (x: Tensor, w: Tensor, b: Tensor, o: ConvOptions) => tidy(() => {
    for (const t of [x, w, b]) { t.grad?.dispose(); t.grad = null; }
    const y = ops.conv3d(x, w, b, o);
    y.backward(Tensor.full(y.shape, 0.5));
    return [y.toArray(), x.grad!.toArray(), w.grad!.toArray(), b.grad!.toArray()];
  });
  // 17x17 (kt, kh) = 289 rows; stride 1 uses the flipped-kernel grad, stride 2 the scatter grad
  for (const o of [{ padding: [8, 8, 1], groups: 5 }, { padding: [8, 9, 0], stride: [2, 1, 2], groups: 5 }] as ConvOptions[]) {
    const x = Tensor.randn([1, 5, 17, 17, 4], { requiresGrad: true }), w = Tensor.randn([5, 1, 17, 17, 3], { requiresGrad: true });
    const b = Tensor.randn([5], { requiresGrad: true });
    eachBackend((backend) => {
      const fast = run(x, w, b, o);
      const prev = ops.setConvLowering('general');
      let ref: ArrayLike<number>[];
      try { ref = run(x, w, b, o); } finally { ops.setConvLowering(prev); }
      ['y', 'grad x', 'grad w', 'grad b'].forEach((what, i) =>
        assertClose(fast[i], ref[i], { rtol: 1e-4, atol: 1e-3 }, `${what} [${backend}] ${JSON.stringify(o)}`));
    });
    x.dispose(); w.dispose(); b.dispose();
  }
});

test('depthwise backward (grad input + grad weight in one pass) is bit-identical to the separate kernels and matches the general path', () => {
  // channel counts hit the 8-channel blocks, the 4-channel step, the masked tail and C < 4;
  // gather form (stride 1): dilation / uneven padding / a (3, 1, 1) kernel. Only x or only w needing grad runs the
  // separate kernels, whose results the threaded path reproduces bit for bit.
  const cfgs: [number, number[], ConvOptions][] = [
    [2, [2, 1, 3, 3, 3], { padding: 1, groups: 2 }], [8, [8, 1, 3, 3, 3], { padding: 1, groups: 8 }],
    [13, [13, 1, 3, 3, 3], { padding: [2, 1, 2], dilation: [2, 1, 2], groups: 13 }],
    [24, [24, 1, 3, 1, 1], { padding: [1, 0, 0], groups: 24 }], [12, [12, 1, 3, 3, 3], { padding: [1, 1, 0], groups: 12 }],
    // scatter form: stride 2 (X3D's s122 convs), and stride 1 with padding > d*(k-1)
    [6, [6, 1, 3, 3, 3], { padding: 1, stride: [1, 2, 2], groups: 6 }], [3, [3, 1, 3, 3, 3], { padding: 1, stride: 2, groups: 3 }],
    [13, [13, 1, 1, 3, 3], { padding: [1, 2, 1], groups: 13 }],
  ];
  for (const [C, ws, o] of cfgs) {
    const x = Tensor.randn([2, C, 3, 5, 7]), w = Tensor.randn(ws), gy0 = Tensor.randn([4 * 2 * C * 3 * 5 * 7]);  // enough for any y here
    const run = (xGrad: boolean, wGrad: boolean) => tidy(() => {
      const xx = Tensor.from(x.toArray(), x.shape, { requiresGrad: xGrad, layout: 'channels_last' });
      const ww = Tensor.from(w.toArray(), w.shape, { requiresGrad: wGrad });
      const y = ops.conv3d(xx, ww, null, o);
      y.backward(Tensor.from((gy0.toArray() as Float32Array).subarray(0, y.size), y.shape));  // y's size depends on the options
      return [xGrad ? xx.grad!.toArray() : null, wGrad ? ww.grad!.toArray() : null];
    });
    eachBackend((backend) => {
      const tag = `[${backend}] C=${C} ${JSON.stringify(o)}`;
      const [gx, gw] = run(true, true), [gxOnly] = run(true, false), [, gwOnly] = run(false, true);
      assertClose(gx!, gxOnly!, { rtol: 0, atol: 0 }, `grad x fused vs separate ${tag}`);
      assertClose(gw!, gwOnly!, { rtol: 0, atol: 0 }, `grad w fused vs separate ${tag}`);
      const prev = ops.setConvLowering('general');
      let ref: (ArrayLike<number> | null)[];
      try { ref = run(true, true); } finally { ops.setConvLowering(prev); }
      assertClose(gx!, ref[0]!, { rtol: 1e-4, atol: 1e-4 }, `grad x vs general ${tag}`);
      assertClose(gw!, ref[1]!, { rtol: 1e-4, atol: 1e-4 }, `grad w vs general ${tag}`);
    });
    x.dispose(); w.dispose(); gy0.dispose();
  }
});

test('both ISA variants of the conv kernels (x86 and arm GEMM lowering) match PyTorch', () => {
  assert.ok(kernelNames().includes('vw_f32_conv3d_arm') && kernelNames().includes('vw_f32_conv3d_x86'), 'ISA variants exported');
  const prev = getIsa();
  try {
    for (const isa of ['x86', 'arm'] as const) {
      setIsa(isa);
      for (const c of cases.filter((k) => !k.name.includes('depthwise'))) tidy(() => runCase(c, `isa ${isa}`));
    }
  } finally {
    setIsa(prev);
  }
});

test('channels_last and contiguous inputs give identical outputs', () => {
  tidy(() => {
    const x = Tensor.randn([2, 6, 3, 7, 5]);
    const w = Tensor.randn([4, 3, 3, 3, 3]);
    const o = { padding: [1, 0, 1], stride: [1, 2, 1], groups: 2 };
    const a = ops.conv3d(x, w, null, o).toArray();
    const bb = ops.conv3d(x.toLayout('channels_last'), w, null, o).toArray();
    assertClose(bb, a, { rtol: 0, atol: 0 }, 'layouts');
  });
});

test('SIMD and scalar twins agree on larger odd shapes (all lowerings, forward + backward)', () => {
  const configs: [number[], number[], ConvOptions][] = [
    [[2, 13, 3, 9, 11], [17, 13, 1, 1, 1], {}],
    [[1, 10, 5, 7, 6], [9, 10, 3, 1, 1], { padding: [1, 0, 0], stride: [2, 1, 1] }],
    [[1, 5, 3, 11, 9], [19, 5, 1, 3, 3], { padding: [0, 1, 1], stride: [1, 2, 2] }],
    [[1, 6, 4, 7, 7], [10, 3, 3, 3, 3], { padding: 1, groups: 2, dilation: [1, 2, 1] }],
    [[2, 37, 4, 6, 5], [37, 1, 3, 3, 3], { padding: 1, groups: 37 }],
    [[1, 6, 3, 7, 6], [18, 1, 3, 3, 3], { padding: 1, stride: [1, 2, 2], groups: 6 }],
  ];
  for (const [xs, ws, o] of configs) {
    const x = Tensor.randn(xs, { layout: 'channels_last' }), w = Tensor.randn(ws), b = Tensor.randn([ws[0]]);
    const f = () => ops.conv3d(x, w, b, o);
    const fwd = simdVsScalar(f);
    assertClose(fwd.simd, fwd.scalar, { rtol: 1e-5, atol: 1e-5 }, `forward ${xs} ${ws}`);
    for (const which of ['x', 'w', 'b'] as const) {
      const grad = simdVsScalar(() => {
        const leaf = { x, w, b }[which];
        leaf.requiresGrad_(true);
        const y = f();
        const gy = Tensor.ones(y.shape);
        y.backward(gy);
        leaf.requiresGrad_(false);
        const g = leaf.grad!;
        leaf.grad = null;
        return g;
      });
      assertClose(grad.simd, grad.scalar, { rtol: 1e-4, atol: 1e-4 }, `grad ${which} ${xs} ${ws}`);
    }
    x.dispose(); w.dispose(); b.dispose();
  }
});

test('gradients match finite differences', () => {
  const configs: [number[], number[], ConvOptions][] = [
    [[1, 4, 3, 4, 3], [4, 2, 2, 3, 2], { padding: [1, 1, 0], stride: [1, 2, 1], groups: 2 }],
    [[1, 3, 4, 3, 3], [3, 1, 3, 3, 3], { padding: 1, groups: 3 }],
    [[1, 3, 4, 2, 3], [2, 3, 3, 1, 1], { padding: [1, 0, 0] }],
    [[2, 3, 2, 2, 2], [4, 3, 1, 1, 1], {}],
    [[1, 2, 3, 3, 3], [6, 1, 3, 3, 3], { padding: 1, groups: 2 }],
  ];
  for (const [xs, ws, o] of configs) {
    const x = Tensor.randn(xs, { requiresGrad: true }), w = Tensor.randn(ws, { requiresGrad: true });
    const b = Tensor.randn([ws[0]], { requiresGrad: true });
    gradCheck((x, w, b) => ops.conv3d(x, w, b, o), [x, w, b], {}, `conv3d ${xs} ${ws} ${JSON.stringify(o)}`);
    x.dispose(); w.dispose(); b.dispose();
  }
});

test('no autograd: inputs without requiresGrad record nothing and leak nothing', () => {
  const before = memoryStats().liveTensors;
  tidy(() => {
    const x = Tensor.randn([1, 3, 2, 5, 5]), w = Tensor.randn([4, 3, 1, 3, 3]);
    const y = ops.conv3d(x, w, null, { padding: [0, 1, 1] });
    assert.is(y.gradFn, null);
  });
  const x = Tensor.randn([1, 3, 2, 5, 5], { requiresGrad: true }), w = Tensor.randn([4, 3, 3, 3, 3], { requiresGrad: true });
  for (let i = 0; i < 3; i++) tidy(() => ops.conv3d(x, w, null, { padding: 1 }).sum().backward());
  x.dispose(); w.dispose();
  assert.is(memoryStats().liveTensors, before, 'live tensors after forward + backward');
});

test('bad input -> typed errors naming the op and shapes', () => {
  tidy(() => {
    const x = Tensor.randn([1, 4, 3, 5, 5]);
    throwsTyped(() => ops.conv3d(x, Tensor.randn([2, 3, 3, 3, 3])), ShapeError, /conv3d.*4.*\[1, 4, 3, 5, 5\].*\[2, 3, 3, 3, 3\]/, 'channel mismatch');
    throwsTyped(() => ops.conv3d(x, Tensor.randn([3, 2, 1, 1, 1]), null, { groups: 2 }), ShapeError, /conv3d: groups=2.*\[3, 2, 1, 1, 1\]/, 'groups do not divide Cout');
    throwsTyped(() => ops.conv3d(x, Tensor.randn([3, 1, 1, 1, 1]), null, { groups: 3 }), ShapeError, /conv3d: groups=3/, 'groups do not divide Cin');
    throwsTyped(() => ops.conv3d(x, Tensor.randn([2, 4, 1, 7, 3])), ShapeError, /conv3d: kernel \[1, 7, 3\].*larger than the padded input \[3, 5, 5\]/, 'kernel too large');
    throwsTyped(() => ops.conv3d(x, Tensor.randn([2, 4, 3, 3, 3]), null, { dilation: 3 }), ShapeError, /conv3d: kernel/, 'dilated kernel too large');
    throwsTyped(() => ops.conv3d(Tensor.randn([4, 3, 5, 5]), Tensor.randn([2, 4, 1, 1, 1])), ShapeError, /conv3d: input must have 5 dims.*\[4, 3, 5, 5\]/, 'wrong rank');
    throwsTyped(() => ops.conv3d(x, Tensor.randn([2, 4, 1, 1])), ShapeError, /conv3d: weight must have 5 dims/, 'weight rank');
    throwsTyped(() => ops.conv3d(Tensor.zeros([1, 4, 3, 5, 5], { dtype: 'i32' }), Tensor.randn([2, 4, 1, 1, 1])), DTypeError, /conv3d: input must be f32.*i32/, 'i32 input');
    throwsTyped(() => ops.conv3d(x, Tensor.randn([2, 4, 1, 1, 1]), Tensor.randn([3])), ShapeError, /conv3d: bias must have shape \[2\]/, 'bias size');
    throwsTyped(() => ops.conv3d(x, Tensor.randn([2, 4, 1, 1, 1]), null, { stride: 0 }), ArgumentError, /conv3d: stride/, 'stride 0');
    throwsTyped(() => ops.conv3d(x, Tensor.randn([2, 4, 1, 1, 1]), null, { padding: [1, 1] }), ArgumentError, /conv3d: padding/, 'padding arity');
    throwsTyped(() => ops.conv3d(x, Tensor.randn([2, 4, 1, 1, 1]), null, { groups: 0 }), ArgumentError, /conv3d: groups/, 'groups 0');
    throwsTyped(() => ops.conv3d(x, Tensor.randn([2, 4, 3, 3, 3]), null, { padding: 'same', stride: 2 }), ArgumentError, /conv3d: padding 'same'/, 'same with stride');
    throwsTyped(() => ops.conv2d(Tensor.randn([1, 3, 4, 4]), Tensor.randn([2, 2, 3, 3])), ShapeError, /conv2d: weight expects 2 input channels/, 'conv2d channels');
    // the module stays usable
    assert.equal([...ops.conv3d(x, Tensor.randn([2, 4, 1, 1, 1])).shape], [1, 2, 3, 5, 5]);
  });
});


/** Direct float64 conv3d (the definition, no lowering) of contiguous x, w: the implicit GEMM's reference. */
function directConv3d(x: Tensor, w: Tensor, b: Tensor, o: { stride: number[]; padding: number[]; dilation: number[]; groups: number }): { y: Float64Array; shape: number[] } {
  const [N, Cin, T, H, W] = x.shape, [Cout, Cg, kt, kh, kw] = w.shape, G = o.groups, Coutg = Cout / G;
  const xs = x.toArray() as Float32Array, ws = w.toArray() as Float32Array, bs = b.toArray() as Float32Array;
  const out = [T, H, W].map((n, i) => Math.floor((n + 2 * o.padding[i] - o.dilation[i] * ([kt, kh, kw][i] - 1) - 1) / o.stride[i]) + 1);
  const [To, Ho, Wo] = out, y = new Float64Array(N * Cout * To * Ho * Wo);
  for (let n = 0; n < N; n++) for (let co = 0; co < Cout; co++) for (let t = 0; t < To; t++) for (let h = 0; h < Ho; h++) for (let v = 0; v < Wo; v++) {
    let s = bs[co];
    const gi = Math.floor(co / Coutg);
    for (let c = 0; c < Cg; c++) for (let a = 0; a < kt; a++) for (let bb = 0; bb < kh; bb++) for (let d = 0; d < kw; d++) {
      const ti = t * o.stride[0] - o.padding[0] + a * o.dilation[0], hi = h * o.stride[1] - o.padding[1] + bb * o.dilation[1];
      const wi = v * o.stride[2] - o.padding[2] + d * o.dilation[2];
      if (ti < 0 || ti >= T || hi < 0 || hi >= H || wi < 0 || wi >= W) continue;
      s += xs[(((n * Cin + gi * Cg + c) * T + ti) * H + hi) * W + wi] * ws[(((co * Cg + c) * kt + a) * kh + bb) * kw + d];
    }
    y[(((n * Cout + co) * To + t) * Ho + h) * Wo + v] = s;
  }
  return { y, shape: [N, Cout, To, Ho, Wo] };
}

test('implicit GEMM conv (general lowering): several K, N and M blocks, K blocks that split taps, padding, strides, groups', () => {
  // K = 40*27 = 1080 (5 K blocks of 216, tap boundaries inside them), Cout 270 (two N blocks, a 6-wide last panel),
  // M = 90 (two M blocks); then groups 2 (per-tap copies), stride 2, dilation 2, uneven padding
  const cfgs: [number[], number[], { stride: number[]; padding: number[]; dilation: number[]; groups: number }][] = [
    [[1, 40, 3, 6, 5], [270, 40, 3, 3, 3], { stride: [1, 1, 1], padding: [1, 1, 1], dilation: [1, 1, 1], groups: 1 }],
    [[2, 44, 5, 9, 7], [20, 22, 2, 3, 3], { stride: [1, 2, 2], padding: [1, 2, 0], dilation: [2, 1, 2], groups: 2 }],
  ];
  for (const [xs, wsh, o] of cfgs) {
    const x = Tensor.randn(xs), w = Tensor.randn(wsh), b = Tensor.randn([wsh[0]]);
    const ref = directConv3d(x, w, b, o);
    eachBackend((backend) => tidy(() => {
      const y = ops.conv3d(x, w, b, o);
      assert.equal([...y.shape], ref.shape);
      assertClose(ops.contiguous(y), ref.y, { rtol: 1e-4, atol: 1e-3 }, `[${backend}] ${JSON.stringify(o)}`);
    }));
    x.dispose(); w.dispose(); b.dispose();
  }
});

test.run();
