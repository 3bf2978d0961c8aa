// Inference plans: the plan of the small 3D CNN computes exactly (bit for bit) what the ops
// compute for the same layers, on the SIMD kernels and on their scalar twins; plans survive
// encode/decode; malformed plans are rejected with PlanError.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, ops, tidy, setBackend, memoryBytes } from '../../ts/node.js';
import { malloc, free } from '../../ts/runtime/wasm.js';
import { runPlan, encodePlan, decodePlan, PlanError, type Plan } from '../../ts/runtime/hosts/plan.js';
import { PlanBuilder } from '../../ts/runtime/hosts/plan_builder.js';
import { planFromModule } from '../../ts/runtime/hosts/plan_nn.js';
import { runPlanCommand } from '../../ts/runtime/hosts/wasi.js';
import { nn, manualSeed, noGrad, ArgumentError } from '../../ts/node.js';
import { readFileSync } from 'node:fs';
import { commandPath } from './jco.js';
import { cnnPlan, cnnInput, cnnLayers, INPUT_SHAPE, CLASSES } from './cnn_fixture.js';

/** The fixture's layers through the public ops; returns the output's raw (channels-last) storage. */
function viaOps(x: Float32Array): Float32Array {
  return tidy(() => {
    let h = Tensor.from(x, [...INPUT_SHAPE]);
    for (const l of cnnLayers()) {
      const vec = (v: Float32Array) => Tensor.from(v, [v.length]);
      if (l.kind === 'conv3d') {
        h = ops.conv3d(h, Tensor.from(l.w, l.shape), l.b ? vec(l.b) : null, { stride: l.stride, padding: l.padding, groups: l.groups });
      } else if (l.kind === 'relu') h = ops.relu(h);
      else if (l.kind === 'bn') h = ops.batchNorm(h, vec(l.mean), vec(l.var), vec(l.w), vec(l.b), { training: false, eps: l.eps });
      else if (l.kind === 'maxpool') h = ops.maxPool3d(h, { kernelSize: l.kernelSize, stride: l.stride, padding: l.padding });
      else if (l.kind === 'adaptiveavg') h = ops.adaptiveAvgPool3d(h, l.size);
      else h = ops.linear(ops.reshape(h, [h.shape[0], h.shape[1]]), Tensor.from(l.w, [l.out, l.w.length / l.out]), vec(l.b));
    }
    assert.equal([...h.shape], [INPUT_SHAPE[0], CLASSES]);
    return (h.data() as Float32Array).slice();
  });
}

for (const backend of ['simd', 'scalar'] as const) {
  test(`CNN plan == the same layers through ops, bit for bit (${backend})`, () => {
    setBackend(backend);
    try {
      const x = cnnInput();
      const a = runPlan(cnnPlan(), x), b = viaOps(x);
      assert.is(a.length, b.length);
      const i = a.findIndex((v, k) => !Object.is(v, b[k]));
      assert.is(i, -1, `first difference at ${i}: plan ${a[i]} vs ops ${b[i]}`);
      assert.ok(a.some((v) => v !== 0));
    } finally {
      setBackend('simd');
    }
  });
}

test('SIMD and scalar plans agree to rounding', () => {
  const x = cnnInput();
  setBackend('scalar');
  const s = runPlan(cnnPlan(), x);
  setBackend('simd');
  const v = runPlan(cnnPlan(), x);
  for (let i = 0; i < s.length; i++) assert.ok(Math.abs(s[i] - v[i]) <= 1e-5 + 1e-4 * Math.abs(s[i]), `element ${i}: ${v[i]} vs ${s[i]}`);
});

test('encode/decode round-trips and the decoded plan computes the same bytes', () => {
  const plan = cnnPlan();
  const bytes = encodePlan(plan);
  const back = decodePlan(bytes);
  assert.equal(encodePlan(back), bytes);
  const x = cnnInput();
  assert.equal(runPlan(back, x), runPlan(plan, x));
});

test('running a plan leaves wasm memory flat', () => {
  const plan = cnnPlan(), x = cnnInput();
  runPlan(plan, x);
  const before = memoryBytes();
  const probe = malloc(64); free(probe);
  for (let i = 0; i < 20; i++) runPlan(plan, x);
  assert.is(memoryBytes(), before);
  const again = malloc(64); free(again);
  assert.is(again, probe, 'the allocator hands out the same block: every plan buffer was freed');
});

test('malformed plans are rejected with PlanError', () => {
  const bytes = encodePlan(cnnPlan());
  const bad = (b: Uint8Array, re: RegExp) => assert.throws(() => decodePlan(b), (e: unknown) => e instanceof PlanError && re.test(String(e)));
  bad(new Uint8Array(8), /magic VWPL/);
  bad(bytes.slice(0, bytes.length - 8), /truncated|trailer/);
  const v2 = bytes.slice(); v2[4] = 2;
  bad(v2, /unsupported plan version 2/);
  const withTail = new Uint8Array(bytes.length + 4); withTail.set(bytes);
  bad(withTail, /unexpected bytes/);
  const plan: Plan = cnnPlan();
  assert.throws(() => runPlan(plan, new Float32Array(3)), (e: unknown) => e instanceof PlanError && /expects \d+ input bytes, got 12/.test(String(e)));
  const wrongSig: Plan = { ...plan, calls: [{ kernel: 'f32_unary', sig: 'iii', args: [{ i: 0 }, { i: 0 }, { i: 0 }] }] };
  assert.throws(() => runPlan(wrongSig, cnnInput()), (e: unknown) => e instanceof PlanError && /vw_f32_unary takes 4 arguments, the plan passes 3/.test(String(e)));
  const outOfRange: Plan = { ...plan, calls: [{ kernel: 'f32_unary', sig: 'iiii', args: [{ i: 0 }, { buf: 999 }, { buf: 0 }, { i: 1 }] }] };
  assert.throws(() => runPlan(outOfRange, cnnInput()), (e: unknown) => e instanceof PlanError && /outside the plan's buffers/.test(String(e)));
});

function tinyModel(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv3d(3, 6, [3, 3, 3], { padding: 1, stride: [1, 2, 2], bias: false }),
    new nn.BatchNorm3d(6),
    new nn.ReLU(),
    new nn.MaxPool3d([1, 2, 2]),
    new nn.Sequential(new nn.Conv3d(6, 6, [3, 3, 3], { padding: 1, groups: 6 }), new nn.Conv3d(6, 10, 1), new nn.ReLU()),
    new nn.Dropout(0.3),
    new nn.AdaptiveAvgPool3d(1),
    new nn.Flatten(),
    new nn.Linear(10, 4),
  );
}

test('planFromModule: a trained nn model in eval mode == its plan, bit for bit (and under the WASI command)', () => {
  manualSeed(3);
  const model = tinyModel();
  const x = Tensor.randn([2, 3, 4, 10, 10]);
  // two training forwards give BatchNorm non-trivial running statistics
  noGrad(() => tidy(() => { model.forward(x); model.forward(ops.mul(x, 0.5)); }));
  model.eval();
  const want = tidy(() => noGrad(() => (model.forward(x).toArray() as Float32Array).slice()));
  const plan = planFromModule(model, x.shape);
  const input = x.toArray() as Float32Array;
  const got = runPlan(plan, input);
  assert.equal(Array.from(plan.output.shape), [2, 4]);
  assert.is(got.findIndex((v, i) => !Object.is(v, want[i])), -1, 'plan vs model.forward');
  const cmd = runPlanCommand(readFileSync(commandPath()), plan, input);
  assert.is(cmd.findIndex((v, i) => !Object.is(v, want[i])), -1, 'WASI command vs model.forward');
  model.dispose();
  x.dispose();
});

test('planFromModule refuses training mode and layers it cannot lower, naming them', () => {
  const model = tinyModel();
  assert.throws(() => planFromModule(model, [1, 3, 4, 8, 8]), (e: unknown) => e instanceof ArgumentError && /call model.eval\(\) first/.test(String(e)));
  const odd = new nn.Sequential(new nn.Conv3d(3, 4, 3), new nn.Sigmoid());
  odd.eval();
  assert.throws(() => planFromModule(odd, [1, 3, 4, 8, 8]), (e: unknown) => e instanceof ArgumentError && /layer 1 \(Sigmoid\) cannot be lowered/.test(String(e)));
  model.dispose();
  odd.dispose();
});

test('the builder rejects shapes that do not fit, naming them', () => {
  const b = new PlanBuilder([1, 3, 4, 4, 4]);
  assert.throws(() => b.conv3d(new Float32Array(8 * 2 * 27), [8, 2, 3, 3, 3], null), /input \[1, 3, 4, 4, 4\], weight \[8, 2, 3, 3, 3\]/);
  assert.throws(() => new PlanBuilder([1, 3, 4]), /\[N, C, T, H, W\], got \[1, 3, 4\]/);
});

test.run();
