// int8: quantize / dequantize bit-exact against PyTorch, the qs8/qc8 GEMM bit-exact against the
// exact int64 reference (and PyTorch's qnnpack quantized linear), SIMD vs scalar twins, odd
// shapes, saturation, memory, and typed errors.
//
// Everything here is compared with zero tolerance: the kernels accumulate exactly in int32 and
// requantise with the same f32 operations as the reference (native/kernels/qs8.h), so there is
// no rounding slack to allow for.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, ops, tidy, memoryStats, setBackend, getBackend, ShapeError, DTypeError, ArgumentError, DisposedError,
} from '../../ts/node.js';
import { loadGolden, tensorOf } from '../helpers/golden.js';
import { eachBackend, simdVsScalar } from '../helpers/assert.js';

const { QLinearWeights } = ops;
const golden = loadGolden('quant');

function assertExact(actual: ArrayLike<number>, expected: ArrayLike<number>, msg: string): void {
  assert.is(actual.length, expected.length, `${msg}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i]) && !(actual[i] === expected[i])) {
      assert.unreachable(`${msg}: element ${i} is ${actual[i]}, expected ${expected[i]} (${actual.length} elements)`);
    }
  }
}

// ---- PyTorch golden values ----
for (const c of golden.filter((g) => g.op === 'quantize')) {
  test(`${c.name}: quantize/dequantize match torch bit for bit (simd and scalar)`, () => {
    eachBackend((b) => {
      const x = tensorOf(c.inputs.x);
      const q = ops.quantize(x, { scale: c.params.scale, zeroPoint: c.params.zeroPoint, dtype: 'i8' });
      assert.is(q.dtype, 'i8');
      assertExact(q.toArray(), c.outputs.q.data, `${c.name} [${b}] q`);
      assertExact(ops.dequantize(q, { scale: c.params.scale, zeroPoint: c.params.zeroPoint }).toArray(), c.outputs.y.data, `${c.name} [${b}] dequantize`);
    });
  });
}

for (const c of golden.filter((g) => g.op === 'quantize_per_channel')) {
  test(`${c.name}: per-channel quantize/dequantize match torch (simd, scalar, channels_last)`, () => {
    eachBackend((b) => {
      const { axis, scales, zeroPoints } = c.params;
      const x = tensorOf(c.inputs.x);
      const q = ops.quantizePerChannel(x, scales, zeroPoints, axis);
      assertExact(q.toArray(), c.outputs.q.data, `${c.name} [${b}] q`);
      assertExact(ops.dequantizePerChannel(q, scales, zeroPoints, axis).toArray(), c.outputs.y.data, `${c.name} [${b}] y`);
      if (x.rank >= 3) {
        // channels_last storage: the channel axis moves in memory, the answer must not change
        const xl = x.toLayout('channels_last');
        const ql = ops.quantizePerChannel(xl, scales, zeroPoints, axis);
        assert.is(ql.layout, 'channels_last');
        assertExact(ql.toArray(), c.outputs.q.data, `${c.name} [${b}] channels_last q`);
        assertExact(ops.dequantizePerChannel(ql, scales, zeroPoints, axis).toArray(), c.outputs.y.data, `${c.name} [${b}] channels_last y`);
      }
    });
  });
}

for (const c of golden.filter((g) => g.op === 'qlinear')) {
  test(`${c.name}: weights, GEMM and f32 output match the exact reference and torch (simd and scalar)`, () => {
    const p = c.params;
    eachBackend((b) => {
      const w = tensorOf(c.inputs.w), bias = c.inputs.b ? tensorOf(c.inputs.b) : null;
      const qw = QLinearWeights.fromFloat(w, bias, { perChannel: p.perChannel });
      assertExact(qw.scales, c.inputs.ws.data, `${c.name} [${b}] weight scales`);
      assertExact(qw.weight.toArray(), c.inputs.wq.data, `${c.name} [${b}] int8 weight`);
      const xq = ops.quantize(tensorOf(c.inputs.x), { scale: p.inputScale, zeroPoint: p.inputZeroPoint });
      assertExact(xq.toArray(), c.inputs.xq.data, `${c.name} [${b}] int8 input`);
      const inp = { inputScale: p.inputScale, inputZeroPoint: p.inputZeroPoint };
      const out = { outputScale: p.outputScale, outputZeroPoint: p.outputZeroPoint, qmin: p.qmin, qmax: p.qmax };
      const y = ops.qlinear(xq, inp, qw, out);
      assert.equal([...y.shape], c.outputs.y.shape);
      assertExact(y.toArray(), c.outputs.y.data, `${c.name} [${b}] qlinear`);
      if (c.outputs.y_torch) assertExact(y.toArray(), c.outputs.y_torch.data, `${c.name} [${b}] vs torch qnnpack`);
      assertExact(ops.qlinearF32(xq, inp, qw).toArray(), c.outputs.yf.data, `${c.name} [${b}] qlinearF32`);
      // the same weights given as int8 + scales
      const qw2 = QLinearWeights.fromInt8(tensorOf(c.inputs.wq), c.inputs.ws.data, bias);
      assertExact(ops.qlinear(xq, inp, qw2, out).toArray(), c.outputs.y.data, `${c.name} [${b}] fromInt8`);
      qw.dispose(); qw2.dispose();
    });
  });
}

test('affineQParams matches torch MinMaxObserver(qint8, per_tensor_affine)', () => {
  const cs = golden.filter((g) => g.op === 'qparams');
  assert.ok(cs.length >= 6);
  for (const c of cs) {
    const q = ops.affineQParams(c.params.min, c.params.max);
    assert.is(q.scale, c.outputs.scale.data[0], `${c.name} scale`);
    assert.is(q.zeroPoint, c.outputs.zeroPoint.data[0], `${c.name} zeroPoint`);
  }
  assert.throws(() => ops.affineQParams(2, 1), (e: Error) => e instanceof ArgumentError && /affineQParams/.test(e.message));
});

// ---- An independent JS reference for random shapes (odd M/N/K, saturation, narrowed ranges) ----
function rne(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

interface Case { M: number; N: number; K: number; perChannel: boolean; za: number; yz: number; qmin: number; qmax: number; is: number; os: number; seed: number }

function randInt8(n: number, seed: number, lo = -128, hi = 127): Int8Array {
  let s = seed >>> 0;
  const a = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = lo + ((s >>> 8) % (hi - lo + 1));
  }
  return a;
}

function jsQlinear(c: Case, x: Int8Array, w: Int8Array, ws: Float32Array, bias: Int32Array): Int8Array {
  const y = new Int8Array(c.M * c.N);
  for (let m = 0; m < c.M; m++) {
    for (let n = 0; n < c.N; n++) {
      let acc = bias[n];
      for (let k = 0; k < c.K; k++) acc += (x[m * c.K + k] - c.za) * w[n * c.K + k];
      const mult = Math.fround(Math.fround(Math.fround(c.is) * ws[c.perChannel ? n : 0]) / Math.fround(c.os));
      let f = Math.fround(Math.fround(acc) * mult);
      f = Math.min(Math.max(f, c.qmin - c.yz), c.qmax - c.yz);
      y[m * c.N + n] = rne(f) + c.yz;
    }
  }
  return y;
}

function runCase(c: Case, x: Int8Array, w: Int8Array, ws: Float32Array, biasF?: Float32Array): Int8Array {
  return tidy(() => {
    const qw = QLinearWeights.fromInt8(Tensor.from(w, [c.N, c.K], { dtype: 'i8' }), c.perChannel ? ws : [ws[0]],
      biasF ? Tensor.from(biasF, [c.N]) : null);
    const xq = Tensor.from(x, [c.M, c.K], { dtype: 'i8' });
    return ops.qlinear(xq, { inputScale: c.is, inputZeroPoint: c.za }, qw,
      { outputScale: c.os, outputZeroPoint: c.yz, qmin: c.qmin, qmax: c.qmax }).toArray() as Int8Array;
  });
}

const dims = [1, 3, 17, 33];
test('qs8/qc8 GEMM: odd M, N, K on both backends equal the JS reference bit for bit', () => {
  let seed = 1, n = 0;
  const prev = getBackend();
  try {
    for (const M of dims) for (const N of dims) for (const K of [1, 3, 8, 17, 33, 100]) {
      const perChannel = (seed & 1) === 1;
      const c: Case = { M, N, K, perChannel, za: (seed * 7) % 50 - 25, yz: (seed * 3) % 21 - 10,
        qmin: seed % 5 === 0 ? 0 : -128, qmax: seed % 7 === 0 ? 100 : 127, is: 0.02, os: 0.01 * (1 + (seed % 9)), seed };
      const x = randInt8(M * K, seed * 31), w = randInt8(N * K, seed * 17, -127, 127);
      const ws = Float32Array.from({ length: N }, (_, i) => Math.fround(0.001 + 0.004 * ((i * 37 + seed) % 11)));
      const bias = Int32Array.from({ length: N }, (_, i) => ((i * 7919 + seed) % 2001) - 1000);
      // bias as f32 that quantises back to exactly these ints
      const biasF = Float32Array.from(bias, (v, i) => v * Math.fround(Math.fround(c.is) * ws[perChannel ? i : 0]));
      const qb = Int32Array.from(biasF, (v, i) => rne(v / Math.fround(Math.fround(c.is) * ws[perChannel ? i : 0])));
      const expected = jsQlinear(c, x, w, ws, qb);
      for (const b of ['simd', 'scalar'] as const) {
        setBackend(b);
        assertExact(runCase(c, x, w, ws, biasF), expected, `M=${M} N=${N} K=${K} perChannel=${perChannel} [${b}]`);
      }
      seed++; n++;
    }
  } finally { setBackend(prev); }
  assert.ok(n === 96);
});

test('qs8 GEMM saturates: extreme accumulators clamp to [qmin, qmax] in both backends', () => {
  const M = 5, N = 6, K = 1000;
  // (x - za) = -255 everywhere, weights +-127: |acc| = 32,385,000 (fits int32, far outside int8)
  const x = new Int8Array(M * K).fill(-128);
  const w = Int8Array.from({ length: N * K }, (_, i) => (Math.floor(i / K) % 2 === 0 ? 127 : -127));
  const c: Case = { M, N, K, perChannel: false, za: 127, yz: 5, qmin: -128, qmax: 127, is: 0.5, os: 0.001, seed: 0 };
  const ws = Float32Array.of(0.25);
  const expected = jsQlinear(c, x, w, ws, new Int32Array(N));
  assertExact(expected.slice(0, 2), [-128, 127], 'reference saturates');
  const { simd, scalar } = simdVsScalar(() => {
    const qw = QLinearWeights.fromInt8(Tensor.from(w, [N, K], { dtype: 'i8' }), ws);
    return ops.qlinear(Tensor.from(x, [M, K], { dtype: 'i8' }), { inputScale: c.is, inputZeroPoint: c.za }, qw,
      { outputScale: c.os, outputZeroPoint: c.yz });
  });
  assertExact(simd, expected, 'simd');
  assertExact(scalar, expected, 'scalar');
  // a narrowed output range (fused ReLU6-like clamp)
  const r = simdVsScalar(() => {
    const qw = QLinearWeights.fromInt8(Tensor.from(w, [N, K], { dtype: 'i8' }), ws);
    return ops.qlinear(Tensor.from(x, [M, K], { dtype: 'i8' }), { inputScale: c.is, inputZeroPoint: c.za }, qw,
      { outputScale: c.os, outputZeroPoint: c.yz, qmin: 5, qmax: 60 });
  });
  assertExact(r.simd, r.scalar, 'narrow simd vs scalar');
  assert.ok(Array.from(r.simd).every((v) => v === 5 || v === 60), 'clamped to [5, 60]');
});

test('SIMD and scalar agree bit for bit: larger GEMM, batched input, quantize paths', () => {
  const M = 50, N = 70, K = 259;
  const x = randInt8(2 * M * K, 5), w = randInt8(N * K, 6, -127, 127);
  const bias = Tensor.randn([N]);
  for (const perChannel of [false, true]) {
    const ws = Float32Array.from({ length: perChannel ? N : 1 }, (_, i) => 0.002 + 0.0001 * i);
    const { simd, scalar } = simdVsScalar(() => {
      const qw = QLinearWeights.fromInt8(Tensor.from(w, [N, K], { dtype: 'i8' }), ws, bias);
      const y = ops.qlinear(Tensor.from(x, [2, M, K], { dtype: 'i8' }), { inputScale: 0.03, inputZeroPoint: -9 }, qw,
        { outputScale: 0.2, outputZeroPoint: 4 });
      assert.equal([...y.shape], [2, M, N]);
      return y;
    });
    assertExact(simd, scalar, `qlinear perChannel=${perChannel}`);
    const f = simdVsScalar(() => {
      const qw = QLinearWeights.fromInt8(Tensor.from(w, [N, K], { dtype: 'i8' }), ws);
      return ops.qlinearF32(Tensor.from(x, [2 * M, K], { dtype: 'i8' }), { inputScale: 0.03, inputZeroPoint: -9 }, qw);
    });
    assertExact(f.simd, f.scalar, `qlinearF32 perChannel=${perChannel}`);
  }
  bias.dispose();
  for (const n of [1, 15, 16, 17, 1003]) {
    const xf = Tensor.randn([n]);
    const q = simdVsScalar(() => ops.quantize(ops.mul(xf, 40), { scale: 0.25, zeroPoint: -3 }));
    assertExact(q.simd, q.scalar, `quantize n=${n}`);
    const d = simdVsScalar(() => ops.dequantize(Tensor.from(randInt8(n, n), [n], { dtype: 'i8' }), { scale: 0.37, zeroPoint: 11 }));
    assertExact(d.simd, d.scalar, `dequantize n=${n}`);
    xf.dispose();
  }
  // channels innermost (the vectorised per-channel path) and channels outermost
  const xc = Tensor.randn([7, 4, 3, 2, 11]);
  const scales = Array.from({ length: 4 }, (_, i) => 0.01 + 0.02 * i), zeros = [3, -4, 0, 127];
  for (const layout of ['contiguous', 'channels_last'] as const) {
    const r = simdVsScalar(() => ops.quantizePerChannel(xc.toLayout(layout), scales, zeros, 1));
    assertExact(r.simd, r.scalar, `quantizePerChannel ${layout}`);
  }
  const last = Tensor.randn([9, 13]);
  const s13 = Array.from({ length: 13 }, (_, i) => 0.005 * (i + 1)), z13 = Array.from({ length: 13 }, (_, i) => i - 6);
  const r = simdVsScalar(() => ops.quantizePerChannel(last, s13, z13, 1));
  assertExact(r.simd, r.scalar, 'quantizePerChannel last axis');
  xc.dispose(); last.dispose();
});

test('int8 ops record no autograd and leak nothing (weights packed once, cached)', () => {
  const before = memoryStats();
  tidy(() => {
    const x = Tensor.randn([4, 16], { requiresGrad: true });
    const q = ops.quantize(x, { scale: 0.05, zeroPoint: 0 });
    assert.is(q.requiresGrad, false);
    assert.is(q.gradFn, null);
    const d = ops.dequantize(q, { scale: 0.05, zeroPoint: 0 });
    assert.is(d.requiresGrad, false);
    const pc = ops.quantizePerChannel(x, new Array(16).fill(0.1), new Array(16).fill(0), 1);
    assert.is(pc.requiresGrad, false);
    const w = Tensor.randn([8, 16], { requiresGrad: true });
    const qw = QLinearWeights.fromFloat(w, Tensor.randn([8]));
    for (let i = 0; i < 3; i++) ops.qlinear(q, { inputScale: 0.05, inputZeroPoint: 0 }, qw, { outputScale: 0.1, outputZeroPoint: 0 });
    ops.qlinear(q, { inputScale: 0.06, inputZeroPoint: 2 }, qw, { outputScale: 0.1, outputZeroPoint: 0 }); // repack
    ops.qlinearF32(q, { inputScale: 0.05, inputZeroPoint: 0 }, qw);
    // not returned: tidy must dispose the QLinearWeights and its packed buffers
  });
  assert.equal(memoryStats(), before, 'tidy released every tensor and packed weight');
  const w = Tensor.randn([3, 5]);
  const qw = QLinearWeights.fromFloat(w);
  const mid = memoryStats();
  qw.dispose();
  assert.ok(memoryStats().liveBytes < mid.liveBytes, 'dispose frees the int8 weight');
  assert.ok(qw.isDisposed);
  w.dispose();
});

test('results depend on the inputs: a changed zero point or scale changes the output', () => {
  // guards against a kernel that ignores its requantisation parameters
  const w = Tensor.randn([6, 10]);
  const x = ops.quantize(Tensor.randn([3, 10]), { scale: 0.05, zeroPoint: 0 });
  const qw = QLinearWeights.fromFloat(w);
  const a = ops.qlinear(x, { inputScale: 0.05, inputZeroPoint: 0 }, qw, { outputScale: 0.05, outputZeroPoint: 0 }).toArray();
  const b = ops.qlinear(x, { inputScale: 0.05, inputZeroPoint: 10 }, qw, { outputScale: 0.05, outputZeroPoint: 0 }).toArray();
  const c = ops.qlinear(x, { inputScale: 0.05, inputZeroPoint: 0 }, qw, { outputScale: 0.05, outputZeroPoint: 7 }).toArray();
  assert.not.equal(Array.from(a), Array.from(b));
  assert.equal(Array.from(c), Array.from(a, (v) => Math.min(127, v + 7)));
  qw.dispose(); w.dispose(); x.dispose();
});

test('bad input gives typed errors naming the op and the module stays usable', () => {
  const x = Tensor.randn([2, 3]);
  const i8 = Tensor.zeros([2, 3], { dtype: 'i8' });
  assert.throws(() => ops.quantize(i8, { scale: 1, zeroPoint: 0 }), (e: Error) => e instanceof DTypeError && /quantize: input must be f32/.test(e.message));
  assert.throws(() => ops.quantize(x, { scale: 0, zeroPoint: 0 }), (e: Error) => e instanceof ArgumentError && /quantize: scale/.test(e.message));
  assert.throws(() => ops.quantize(x, { scale: NaN, zeroPoint: 0 }), (e: Error) => e instanceof ArgumentError);
  assert.throws(() => ops.quantize(x, { scale: 1, zeroPoint: 200 }), (e: Error) => e instanceof ArgumentError && /zeroPoint/.test(e.message));
  assert.throws(() => ops.quantize(x, { scale: 1, zeroPoint: 0.5 }), (e: Error) => e instanceof ArgumentError);
  assert.throws(() => ops.quantize(x, { scale: 1, zeroPoint: 0, dtype: 'u8' as 'i8' }), (e: Error) => e instanceof DTypeError);
  assert.throws(() => ops.dequantize(x, { scale: 1, zeroPoint: 0 }), (e: Error) => e instanceof DTypeError && /dequantize: input must be i8/.test(e.message));
  assert.throws(() => ops.quantizePerChannel(x, [1, 1], [0, 0], 1),
    (e: Error) => e instanceof ShapeError && /quantizePerChannel: scales has 2 values but the input \[2, 3\] has 3 channels/.test(e.message));
  assert.throws(() => ops.quantizePerChannel(x, [1, 1, 1], [0, 0, 0], 2), (e: Error) => e instanceof ArgumentError && /dim 2 is out of range/.test(e.message));
  assert.throws(() => ops.quantizePerChannel(x, [1, -1, 1], [0, 0, 0], 1), (e: Error) => e instanceof ArgumentError && /scales\[1\]/.test(e.message));
  const w = Tensor.randn([4, 3]);
  const qw = ops.QLinearWeights.fromFloat(w);
  const xq = ops.quantize(x, { scale: 0.1, zeroPoint: 0 });
  const inp = { inputScale: 0.1, inputZeroPoint: 0 }, out = { outputScale: 0.1, outputZeroPoint: 0 };
  const bad = ops.quantize(Tensor.randn([2, 5]), { scale: 0.1, zeroPoint: 0 });
  assert.throws(() => ops.qlinear(bad, inp, qw, out),
    (e: Error) => e instanceof ShapeError && /qlinear: input \[2, 5\] does not end in in_features 3 of weight \[4, 3\]/.test(e.message));
  assert.throws(() => ops.qlinear(x, inp, qw, out), (e: Error) => e instanceof DTypeError && /qlinear: input must be i8/.test(e.message));
  assert.throws(() => ops.qlinear(xq, inp, qw, { outputScale: 0.1, outputZeroPoint: 0, qmin: 10, qmax: 5 }), (e: Error) => e instanceof ArgumentError);
  assert.throws(() => ops.QLinearWeights.fromFloat(Tensor.randn([4])), (e: Error) => e instanceof ShapeError && /weight must be \[out, in\]/.test(e.message));
  assert.throws(() => ops.QLinearWeights.fromFloat(w, Tensor.randn([3])), (e: Error) => e instanceof ShapeError && /bias must be \[4\]/.test(e.message));
  assert.throws(() => ops.QLinearWeights.fromInt8(i8, [1, 2, 3]), (e: Error) => e instanceof ShapeError && /scales must have 1 or 2 values/.test(e.message));
  const wide = Tensor.zeros([1, 32769]);
  assert.throws(() => ops.QLinearWeights.fromFloat(wide), (e: Error) => e instanceof ArgumentError && /in_features 32769 .* accumulator could overflow/.test(e.message));
  wide.dispose();
  qw.dispose();
  assert.throws(() => ops.qlinear(xq, inp, qw, out), (e: Error) => e instanceof DisposedError && /qlinear/.test(e.message));
  const d = Tensor.randn([2, 2]);
  d.dispose();
  assert.throws(() => ops.quantize(d, { scale: 1, zeroPoint: 0 }), (e: Error) => e instanceof DisposedError);
  // still usable
  const q = ops.quantize(Tensor.from([0.5, -1.5, 2.5, 1000]), { scale: 1, zeroPoint: 0 });
  assertExact(q.toArray(), [0, -2, 2, 127], 'round half to even + saturate after errors');
  for (const t of [x, i8, w, xq, bad, q]) t.dispose();
});

test.run();
