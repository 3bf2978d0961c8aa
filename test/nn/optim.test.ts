// optim.SGD / optim.AdamW: 3-step trajectories equal torch.optim's (golden, rtol 1e-5) on the SIMD
// kernels and their scalar twins; state dicts in PyTorch's layout; param groups; validation;
// clipGradNorm_.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, nn, optim, tidy, setBackend, getBackend, ArgumentError, StateDictError, type KernelBackend } from '../../ts/node.js';
import { assertClose, throwsTyped } from '../helpers/assert.js';
import { golden, tensor, values, type OptimCase, type T } from './golden_nn.js';

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function makeOptimizer(c: OptimCase, params: Tensor[]): optim.Optimizer<any> {
  // The golden's top-level options are the PyTorch group defaults of group 0 minus per-group overrides.
  const pg = c.param_groups[0];
  const defaults: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(pg)) if (!['params', 'foreach', 'differentiable', 'capturable', 'fused'].includes(k)) defaults[camel(k)] = v;
  // Per-group overrides as given to PyTorch (e.g. weight_decay: 0 on biases); group 0 has none here.
  const groups = c.groups.map((g) => {
    const out: Record<string, unknown> = { params: g.params.map((i) => params[i]) };
    for (const [k, v] of Object.entries(g)) if (k !== 'params') out[camel(k)] = v;
    return out;
  });
  return c.optimizer === 'SGD'
    ? new optim.SGD(groups as never, defaults as never)
    : new optim.AdamW(groups as never, defaults as never);
}

function setGrads(params: Tensor[], grads: T[]): void {
  params.forEach((p, i) => {
    if (p.grad) p.grad.dispose();
    p.grad = tensor(grads[i]);
    p.grad.kept = true;
  });
}

function runCase(c: OptimCase, backend: KernelBackend, steps = 3): { params: Tensor[]; opt: optim.Optimizer<any> } {
  const prev = getBackend();
  setBackend(backend);
  try {
    const params = c.params0.map((p) => nn.parameter(tensor(p)));
    const opt = makeOptimizer(c, params);
    for (let k = 0; k < steps; k++) {
      setGrads(params, c.grads[k]);
      opt.step();
      params.forEach((p, i) => assertClose(p, values(c.steps[k][i]), { rtol: 1e-5, atol: 1e-7 }, `${c.name} [${backend}] step ${k + 1} param ${i}`));
    }
    return { params, opt };
  } finally { setBackend(prev); }
}

function free(params: Tensor[], opt: optim.Optimizer<any>): void {
  opt.dispose();
  for (const p of params) p.dispose();
}

for (const c of golden.optim) {
  test(`${c.name}: trajectory equals torch.optim.${c.optimizer} (simd and scalar)`, () => {
    for (const b of ['simd', 'scalar'] as KernelBackend[]) {
      const { params, opt } = runCase(c, b);
      free(params, opt);
    }
  });

  test(`${c.name}: stateDict matches PyTorch's layout and values`, () => {
    const { params, opt } = runCase(c, 'simd');
    const sd = opt.stateDict();
    // param_groups: every key we write has PyTorch's name and value
    sd.param_groups.forEach((g, gi) => {
      for (const [k, v] of Object.entries(g)) assert.equal(v, c.param_groups[gi][k], `param_groups[${gi}].${k}`);
      for (const k of Object.keys(c.param_groups[gi])) {
        if (!['foreach', 'differentiable', 'capturable', 'fused'].includes(k)) assert.ok(k in g, `param_groups[${gi}] has ${k}`);
      }
    });
    assert.equal(Object.keys(sd.state).sort(), Object.keys(c.state).sort());
    for (const [i, st] of Object.entries(c.state)) {
      const ours = sd.state[Number(i)];
      for (const [k, v] of Object.entries(st)) {
        if (v === null) { assert.is(ours[k], null, `state ${i}.${k} is null like PyTorch's None`); continue; }
        if (typeof v === 'number') assert.is(ours[k], v, `state ${i}.${k}`);
        else assertClose(ours[k] as Tensor, values(v), { rtol: 1e-5, atol: 1e-7 }, `state ${i}.${k}`);
      }
    }
    free(params, opt);
  });

  test(`${c.name}: save after 2 steps, load into a new optimizer, step 3 equals PyTorch`, () => {
    const { params, opt } = runCase(c, 'simd', 2);
    const sd = opt.stateDict();
    const opt2 = makeOptimizer(c, params);
    opt2.loadStateDict(sd);
    opt.dispose(); // the loaded state is a copy
    setGrads(params, c.grads[2]);
    opt2.step();
    params.forEach((p, i) => assertClose(p, values(c.steps[2][i]), { rtol: 1e-5, atol: 1e-7 }, `${c.name} resumed step 3 param ${i}`));
    free(params, opt2);
  });
}

test("loads PyTorch's optimizer state (step as a number or tensor, momentum_buffer None)", () => {
  for (const name of ['adamw amsgrad', 'sgd momentum', 'sgd plain']) {
    const c = golden.optim.find((x) => x.name === name)!;
    const params = c.steps[2].map((p) => nn.parameter(tensor(p)));
    const opt = makeOptimizer(c, params);
    const temps: Tensor[] = [];
    const state: Record<number, Record<string, Tensor | number | null>> = {};
    for (const [i, st] of Object.entries(c.state)) {
      state[Number(i)] = Object.fromEntries(Object.entries(st).map(([k, v]) => {
        if (v === null || typeof v !== 'object') return [k, k === 'step' ? Tensor.from([v as number], []) : v];
        const t = tensor(v); temps.push(t); return [k, t];
      }));
      for (const v of Object.values(state[Number(i)])) if (v instanceof Tensor && v.size === 1 && v.rank === 0) temps.push(v);
    }
    opt.loadStateDict({ state, param_groups: c.param_groups });
    const ours = opt.stateDict();
    for (const [i, st] of Object.entries(c.state)) {
      for (const [k, v] of Object.entries(st)) {
        if (v === null) continue;
        if (typeof v === 'number') assert.is(ours.state[Number(i)][k], v);
        else assertClose(ours.state[Number(i)][k] as Tensor, values(v), { rtol: 0, atol: 0 }, `${name} state ${i}.${k}`);
      }
    }
    for (const t of temps) t.dispose();
    free(params, opt);
  }
});

test('loadStateDict rejects a different parameter structure with StateDictError', () => {
  const a = nn.parameter(Tensor.zeros([3])), b = nn.parameter(Tensor.zeros([2]));
  const o1 = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
  const o2 = new optim.SGD([a, b], { lr: 0.1, momentum: 0.9 });
  throwsTyped(() => o2.loadStateDict(o1.stateDict()), StateDictError, /2 parameter groups.*1/);
  const o3 = new optim.SGD([{ params: [b] }, { params: [a] }], { lr: 0.1, momentum: 0.9 });
  a.grad = Tensor.ones([3]); b.grad = Tensor.ones([2]);
  o1.step();
  throwsTyped(() => o3.loadStateDict(o1.stateDict()), StateDictError, /momentum_buffer.*shape \[3\]/);
  o1.dispose(); o2.dispose(); o3.dispose(); a.dispose(); b.dispose();
});

test('param groups: group options override defaults; groups are visible and mutable (schedulers)', () => {
  const w = nn.parameter(Tensor.ones([4])), bias = nn.parameter(Tensor.ones([4]));
  const opt = new optim.SGD([{ params: [w] }, { params: [bias], weightDecay: 0 }], { lr: 0.1, weightDecay: 0.5 });
  assert.is(opt.paramGroups[0].weightDecay, 0.5);
  assert.is(opt.paramGroups[1].weightDecay, 0);
  w.grad = Tensor.zeros([4]); bias.grad = Tensor.zeros([4]);
  opt.step();
  assertClose(w, [0.95, 0.95, 0.95, 0.95], {}, 'decayed');
  assertClose(bias, [1, 1, 1, 1], {}, 'not decayed');
  opt.paramGroups[0].lr = 0;
  opt.step();
  assertClose(w, [0.95, 0.95, 0.95, 0.95], {}, 'lr 0 freezes');
  opt.zeroGrad();
  assert.is(w.grad, null);
  opt.step(); // no grads: nothing happens, no error
  opt.dispose(); w.dispose(); bias.dispose();
});

test('invalid hyperparameters and parameter lists give ArgumentErrors', () => {
  const p = nn.parameter(Tensor.zeros([2]));
  throwsTyped(() => new optim.SGD([p], { lr: -1 }), ArgumentError, /invalid learning rate/);
  throwsTyped(() => new optim.SGD([p], { lr: 0.1, nesterov: true }), ArgumentError, /Nesterov momentum requires/);
  throwsTyped(() => new optim.SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true, dampening: 0.1 }), ArgumentError, /Nesterov/);
  throwsTyped(() => new optim.AdamW([p], { betas: [0.9, 1.0] }), ArgumentError, /beta parameter at index 1/);
  throwsTyped(() => new optim.AdamW([p], { eps: -1 }), ArgumentError, /epsilon/);
  throwsTyped(() => new optim.SGD([], { lr: 0.1 }), ArgumentError, /empty parameter list/);
  throwsTyped(() => new optim.SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 }), ArgumentError, /more than one parameter group/);
  const i = Tensor.zeros([2], { dtype: 'i32' });
  throwsTyped(() => new optim.SGD([i], { lr: 0.1 }), ArgumentError, /f32/);
  i.dispose(); p.dispose();
});

test('SGD and AdamW kernels: SIMD equals the scalar twin on odd sizes', () => {
  for (const n of [1, 3, 4, 5, 31, 1003]) {
    for (const which of ['sgd', 'adamw', 'adamw-ams'] as const) {
      const start = Tensor.randn([n]), g0 = Tensor.randn([n]), grads = [Tensor.randn([n]), g0.mul(0.1)];
      g0.dispose();
      if (n >= 5) (grads[0].data() as Float32Array)[n - 2] = NaN; // NaN must propagate the same way (amsgrad max)
      const out: Record<string, Float32Array> = {};
      for (const b of ['simd', 'scalar'] as KernelBackend[]) {
        setBackend(b);
        const p = nn.parameter(start.clone());
        const opt = which === 'sgd'
          ? new optim.SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })
          : new optim.AdamW([p], { lr: 0.01, amsgrad: which === 'adamw-ams' });
        for (const g of grads) { p.grad = g.clone(); p.grad.kept = true; opt.step(); }
        out[b] = p.toArray() as Float32Array;
        opt.dispose(); p.dispose();
      }
      setBackend('simd');
      assertClose(out.simd, out.scalar, { rtol: 1e-6, atol: 1e-7 }, `${which} n=${n}`);
      start.dispose(); grads.forEach((g) => g.dispose());
    }
  }
});

test('clipGradNorm_ matches the reference formula (2-norm and inf-norm) on both backends', () => {
  for (const b of ['simd', 'scalar'] as KernelBackend[]) {
    setBackend(b);
    tidy(() => {
      const ps = [[7, 5], [13], [2, 1, 3]].map((s) => nn.parameter(Tensor.zeros(s)));
      const gs = ps.map((p) => Tensor.randn(p.shape).mul(3));
      const set = () => ps.forEach((p, i) => { if (p.grad) p.grad.dispose(); p.grad = gs[i].clone(); p.grad.kept = true; });
      const all = gs.flatMap((g) => Array.from(g.toArray()));
      const l2 = Math.sqrt(all.reduce((s, v) => s + v * v, 0));
      const linf = Math.max(...all.map(Math.abs));

      set();
      const n2 = nn.clipGradNorm_(ps, 1.0);
      assertClose([n2], [l2], { rtol: 1e-5 }, `[${b}] returned 2-norm`);
      const clipped = ps.flatMap((p) => Array.from(p.grad!.toArray()));
      assertClose(clipped, all.map((v) => v * (1 / (l2 + 1e-6))), { rtol: 1e-5, atol: 1e-7 }, `[${b}] clipped grads`);

      set();
      const ninf = nn.clipGradNorm_(ps, 0.5, Infinity);
      assertClose([ninf], [linf], { rtol: 1e-6 }, `[${b}] inf-norm`);
      assertClose([Math.max(...ps.flatMap((p) => Array.from(p.grad!.toArray()).map(Math.abs)))], [0.5], { rtol: 1e-5 }, `[${b}] inf clipped`);

      set();
      nn.clipGradNorm_(ps, 1e9); // below the limit: unchanged (coefficient 1)
      assertClose(ps.flatMap((p) => Array.from(p.grad!.toArray())), all, { rtol: 0, atol: 0 }, `[${b}] unchanged`);

      set();
      ps[0].grad!.data()[3] = NaN;
      assert.throws(() => nn.clipGradNorm_(ps, 1, 2, { errorIfNonfinite: true }), /non-finite/);
      for (const p of ps) p.dispose();
    });
  }
  setBackend('simd');
});

test.run();
