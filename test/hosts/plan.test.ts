// Compiled inference plans (acc.compile): the plan of a model computes exactly (bit for bit)
// what its forward computes, on the SIMD kernels and on their scalar twins; plans survive
// save/load; corrupt or truncated plan bytes are typed errors; the arena is reported and shared;
// models a static plan cannot replay are refused with an error naming the module.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, nn, ops, tidy, noGrad, manualSeed, setBackend, memoryBytes, models, accelerator as acc } from '../../ts/node.js';
import { malloc, free } from '../../ts/runtime/wasm.js';
import { PlanError } from '../../ts/runtime/hosts/plan.js';
import { deployX3d, planInput, INPUT_SHAPE, CLASSES, x3dPlan } from './plan_fixture.js';

const raw = (t: Tensor) => { const b = new Uint8Array(t.data().buffer, t.ptr, t.nbytes).slice(); t.dispose(); return b; };
const eager = (m: nn.Module, x: Tensor | Tensor[]) => raw(tidy(() => noGrad(() => m.forward(x) as Tensor)));
function sameBytes(a: Uint8Array, b: Uint8Array, what: string): void {
  assert.is(a.byteLength, b.byteLength, `${what}: sizes`);
  const i = a.findIndex((v, k) => v !== b[k]);
  assert.is(i, -1, `${what}: first differing byte ${i}`);
}

const model = deployX3d();
const x = Tensor.from(planInput(), [...INPUT_SHAPE]);
const x2 = Tensor.from(planInput(99), [...INPUT_SHAPE]);
let plan: acc.Plan;
test.before(async () => { plan = await x3dPlan(); });

for (const backend of ['simd', 'scalar'] as const) {
  test(`efficient X3D-XS (deploy form): plan == module forward, bit for bit (${backend})`, async () => {
    setBackend(backend);
    // every call of a plan names the variant it was captured with (packed weights are in its format)
    const p = backend === 'simd' ? plan : await acc.compile(model, x);
    try {
      for (const input of [x, x2]) {
        const want = eager(model, input);
        sameBytes(raw(p.run(input)), want, backend);
        assert.ok(new Float32Array(want.buffer).some((v) => v !== 0));
      }
      assert.equal(p.output.shape, [1, CLASSES]);
      assert.ok(p.data.calls.every((c) => c.variant !== ''));
      if (backend === 'scalar') assert.ok(p.data.calls.some((c) => c.variant === 'scalar'));
    } finally {
      setBackend('simd');
      if (p !== plan) p.dispose();
    }
  });
}

test('a pinned plan computes the same bits whatever backend the host has set', () => {
  const want = raw(plan.run(x));
  setBackend('scalar');
  try { sameBytes(raw(plan.run(x)), want, 'simd plan under the scalar backend'); } finally { setBackend('simd'); }
});

test('chooseKernel picks the variant per call; the plan pins it and stays close to the eager model', async () => {
  const p = await acc.compile(model, x, { chooseKernel: (k) => (k === 'f32_gemm' || k === 'f32_gemm_pack' ? 'scalar' : null) });
  try {
    const gemms = p.data.calls.filter((c) => c.kernel === 'f32_gemm');
    assert.ok(gemms.length > 0 && gemms.every((c) => c.variant === 'scalar'));
    const a = new Float32Array(raw(p.run(x)).buffer), b = new Float32Array(eager(model, x).buffer);
    const tol = 1e-4 * Math.max(...b.map(Math.abs));
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol, `logit ${i}: ${v} vs ${b[i]}`));
  } finally { p.dispose(); }
});

test('X3D-XS (createX3d, 4x64x64): plan == module forward, bit for bit', async () => {
  manualSeed(5);
  const net = models.createX3d({ inputClipLength: 4, inputCropSize: 64, modelNumClass: 7 });
  net.eval();
  const p = await acc.compile(net, x);
  try {
    for (const input of [x, x2]) sameBytes(raw(p.run(input)), eager(net, input), 'x3d');
    assert.match(p.explain(), /fused \d+ ReLU/);
  } finally { p.dispose(); net.dispose(); }
});

test('save/load round trip: the same bytes, the same outputs', () => {
  const bytes = plan.save();
  const back = acc.loadPlan(bytes);
  sameBytes(back.save(), bytes, 're-saved');
  sameBytes(raw(back.run(x)), raw(plan.run(x)), 'loaded plan');
  back.dispose();
});

test('the arena: peak bytes reported, buffers share it, weights are packed constants', () => {
  const text = plan.explain();
  assert.match(text, new RegExp(`peak bytes ${plan.arenaBytes}\\b`));
  const unshared = Number(/\((\d+) bytes without sharing\)/.exec(text)![1]);
  assert.ok(plan.arenaBytes > 0 && plan.arenaBytes < unshared / 2, `arena ${plan.arenaBytes} vs ${unshared} unshared`);
  // the kernels left are the ones that compute: no packing, no size queries
  const kernels = new Set(plan.data.calls.map((c) => c.kernel));
  for (const k of ['f32_conv3d_pack', 'f32_depthwise3d_pack', 'f32_gemm_pack', 'f32_conv3d_packed_floats']) assert.not.ok(kernels.has(k), k);
  assert.ok(kernels.has('f32_conv3d') && kernels.has('f32_depthwise3d'));
});

test('running a plan keeps wasm memory flat; dispose frees its block', () => {
  plan.run(x).dispose();
  const before = memoryBytes();
  for (let i = 0; i < 5; i++) plan.run(x).dispose();
  assert.is(memoryBytes(), before);
  const probe = malloc(64); free(probe);
  const p = acc.loadPlan(plan.save());
  p.run(x).dispose();
  p.dispose();
  const again = malloc(64); free(again);
  assert.is(again, probe, 'the plan\'s block was freed');
});

test('corrupt and truncated plans are PlanErrors, never a trap (byte flips, truncations)', () => {
  const bytes = plan.save();
  const bad = (b: Uint8Array, re = /./) => assert.throws(() => acc.loadPlan(b), (e: unknown) => e instanceof PlanError && re.test(String(e)));
  bad(new Uint8Array(8), /magic VWPL/);
  const v3 = bytes.slice(); v3[4] = 3;
  bad(v3, /unsupported plan version 3/);
  let seed = 1;
  const rnd = (n: number) => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed % n; };
  for (let i = 0; i < 60; i++) {
    const b = bytes.slice();
    b[rnd(b.length)] ^= 1 + rnd(255);
    bad(b);
  }
  for (const n of [0, 3, 16, 19, 20, 100, bytes.length >> 1, bytes.length - 5, bytes.length - 1]) bad(bytes.slice(0, n), /./);
  const longer = new Uint8Array(bytes.length + 4); longer.set(bytes);
  bad(longer, /unexpected bytes/);
  assert.throws(() => plan.runBytes(new Float32Array(3)), (e: unknown) => e instanceof PlanError && /takes \d+ bytes, got 12/.test(String(e)));
  assert.throws(() => plan.run(Tensor.zeros([1, 3, 4, 8, 8])), (e: unknown) => e instanceof PlanError && /must be f32\[1, 3, 4, 64, 64\]/.test(String(e)));
  const write = { ...plan.data, calls: [{ kernel: 'f32_fill', variant: '', label: 'x', args: [{ const: 0 }, { i: 1 }, { f: 0 }] }] };
  assert.throws(() => new acc.Plan(write), (e: unknown) => e instanceof PlanError && /write into the plan's constants/.test(String(e)));
  const alias = { ...plan.data, calls: [{ kernel: 'f32_conv3d', variant: 'packed_floats', label: 'x', args: plan.data.calls.find((c) => c.kernel === 'f32_conv3d')!.args }] };
  assert.throws(() => new acc.Plan(alias), (e: unknown) => e instanceof PlanError && /no variant "packed_floats"/.test(String(e)));
  const outside = { ...plan.data, calls: [{ kernel: 'f32_fill', variant: '', label: 'x', args: [{ arena: plan.arenaBytes + 4 }, { i: 1 }, { f: 0 }] }] };
  assert.throws(() => new acc.Plan(outside), (e: unknown) => e instanceof PlanError && /points outside the plan/.test(String(e)));
});

class PeekAtData extends nn.Module {
  conv = this.registerModule('conv', new nn.Conv3d(3, 4, 1));
  override forward(x: Tensor): Tensor {
    const y = this.conv.forward(x);
    const s = (y.toArray() as Float32Array)[0]; // JS reads an intermediate value and uses it
    return ops.mul(y, s);
  }
}

test('a model whose calls depend on the input\'s values is refused, naming the module', async () => {
  const m = new PeekAtData();
  m.eval();
  try {
    await acc.compile(m, x);
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, acc.CompileError);
    assert.match(String(e), /\(model\) \(PeekAtData\).*depend on the input's values/);
  }
  m.dispose();
});

test('a tensor the model holds outside its parameters and buffers is named in the error', async () => {
  class Hidden extends nn.Module {
    w = Tensor.randn([4, 3, 1, 1, 1]);
    override forward(x: Tensor): Tensor { return ops.conv3d(x, this.w); }
  }
  const m = new Hidden();
  try {
    await acc.compile(m, x);
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, acc.CompileError);
    assert.match(String(e), /\(model\) \(Hidden\): vw_f32_conv3d_pack argument w points to memory the compiler did not see allocated/);
  }
  m.w.dispose();
});

test.after(() => { plan.dispose(); model.dispose(); x.dispose(); x2.dispose(); });
test.run();
