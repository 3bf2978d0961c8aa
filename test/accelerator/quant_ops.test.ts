// The int8 convolutions and elementwise ops (ts/runtime/ops/quant_conv.ts) against PyTorch
// (test/golden/gen_quant_conv.py): every conv kind of the efficient X3D bit for bit against the
// exact reference, which PyTorch's qnnpack quantized conv3d also gives exactly; the hardswish
// lookup table and the int8 add within 1 LSB of PyTorch's quantized ops (they round the
// intermediate float differently). Both on the SIMD kernels and on their scalar twins.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ops, tidy, memoryStats, ArgumentError, ShapeError } from '../../ts/node.js';
import { loadGolden, tensorOf } from '../helpers/golden.js';
import { eachBackend } from '../helpers/assert.js';
import { ACTIVATIONS } from '../../ts/accelerator/quantization/int8_layers.js';

const golden = loadGolden('quant_conv');
const isA = (cls: new (...a: never[]) => Error) => (e: unknown) => e instanceof cls;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.is(a.length, b.length, 'length');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const c of golden.filter((g) => g.op === 'qconv3d')) {
  test(`${c.name}: int8 conv3d equals PyTorch (qnnpack) bit for bit`, () => {
    const p = c.params;
    const input = { scale: p.inputScale, zeroPoint: p.inputZeroPoint };
    const w = new ops.QConv3dWeights(tensorOf(c.inputs.w), tensorOf(c.inputs.b), { stride: p.stride, padding: p.padding, groups: p.groups },
      input, { scale: p.outputScale, zeroPoint: p.outputZeroPoint, qmin: p.qmin });
    assert.equal(Array.from(w.scales), Array.from(c.inputs.ws.data), 'per-channel weight scales max|w| / 127');
    eachBackend((b) => tidy(() => {
      const y = ops.qconv3d(tensorOf(c.inputs.xq), w);
      assert.is(y.layout, 'channels_last');
      assert.equal([...y.shape], c.outputs.y.shape);
      assert.is(maxDiff(y.toArray(), c.outputs.y.data), 0, `${c.name} [${b}]`);
    }));
    w.dispose();
  });
}

test('hardswish as a 256-entry table: within 1 LSB of PyTorch\'s quantized hardswish', () => {
  for (const c of golden.filter((g) => g.op === 'lut')) {
    const p = c.params;
    const table = ops.lutTable(ACTIVATIONS.hswish, { scale: p.inputScale, zeroPoint: p.inputZeroPoint }, { scale: p.outputScale, zeroPoint: p.outputZeroPoint });
    eachBackend((b) => tidy(() => {
      const d = maxDiff(ops.qlut(tensorOf(c.inputs.xq), table).toArray(), c.outputs.y_torch.data);
      assert.ok(d <= 1, `${c.name} [${b}]: ${d} LSB`);
    }));
    table.dispose();
  }
});

test('int8 add (+ ReLU as the clamp): within 1 LSB of PyTorch\'s quantized add / add_relu', () => {
  for (const c of golden.filter((g) => g.op === 'qadd')) {
    const [sa, za] = c.params.a, [sb, zb] = c.params.b, [so, zo] = c.params.out;
    eachBackend((b) => tidy(() => {
      const y = ops.qadd(tensorOf(c.inputs.aq), { scale: sa, zeroPoint: za }, tensorOf(c.inputs.bq), { scale: sb, zeroPoint: zb },
        { scale: so, zeroPoint: zo, qmin: c.params.relu ? zo : -128 });
      const d = maxDiff(y.toArray(), c.outputs.y_torch.data);
      assert.ok(d <= 1, `${c.name} [${b}]: ${d} LSB`);
    }));
  }
});

test('global average pool and SE channel multiply on int8: the real-valued results within 1/2 LSB + f32 rounding', () => {
  tidy(() => {
    const x = Tensor.from(Float32Array.from({ length: 2 * 5 * 3 * 4 * 6 }, (_, i) => Math.sin(i * 0.37) * 2), [2, 5, 3, 4, 6]);
    const inQ = ops.affineQParams(-2, 2), outQ = ops.affineQParams(-1, 1);
    const xq = ops.quantize(ops.toLayout(x, 'channels_last'), inQ);
    const xd = ops.dequantize(xq, inQ);
    const pooled = ops.dequantize(ops.qglobalAvgPool(xq, inQ, outQ), outQ).toArray();
    const ref = ops.mean(xd, [2, 3, 4]).toArray();
    assert.ok(maxDiff(pooled, ref) <= outQ.scale * 0.5 + 1e-6, 'pool');
    const gate = Tensor.from(Float32Array.from({ length: 10 }, (_, i) => i / 10), [2, 5]);
    const y = ops.dequantize(ops.qchannelMul(xq, inQ, gate, inQ), inQ).toArray();
    const yr = ops.mul(xd, ops.reshape(gate, [2, 5, 1, 1, 1])).toArray();
    assert.ok(maxDiff(y, yr) <= inQ.scale * 0.5 + 1e-6, 'channel multiply');
  });
});

test('int8 conv: typed errors for bad weights, inputs and parameters; nothing left allocated', () => {
  const before = memoryStats().liveTensors;
  const q = { scale: 0.1, zeroPoint: 0 };
  const w = Tensor.zeros([4, 2, 1, 1, 1]);
  assert.throws(() => new ops.QConv3dWeights(w, null, { groups: 2 }, q, q), (e: unknown) => e instanceof ArgumentError && /groups/.test(String(e)));
  assert.throws(() => new ops.QConv3dWeights(w, null, {}, { scale: -1, zeroPoint: 0 }, q), isA(ArgumentError));
  assert.throws(() => new ops.QConv3dWeights(w, null, {}, q, { scale: 1, zeroPoint: 300 }), isA(ArgumentError));
  const qw = new ops.QConv3dWeights(w, null, {}, q, q);
  tidy(() => {
    assert.throws(() => ops.qconv3d(Tensor.zeros([1, 3, 1, 1, 1], { dtype: 'i8' }), qw), isA(ShapeError));
    assert.throws(() => ops.qconv3d(Tensor.zeros([1, 2, 1, 1, 1]), qw), (e: unknown) => /i8/.test(String(e)));
    assert.throws(() => ops.qlut(Tensor.zeros([3], { dtype: 'i8' }), Tensor.zeros([16], { dtype: 'i8' })), isA(ShapeError));
  });
  qw.dispose();
  tidy(() => assert.throws(() => ops.qconv3d(Tensor.zeros([1, 2, 1, 1, 1], { dtype: 'i8' }), qw), /dispose/));
  w.dispose();
  assert.is(memoryStats().liveTensors, before);
});

test.run();
