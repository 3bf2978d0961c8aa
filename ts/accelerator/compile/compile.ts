// compile(model, exampleInput): a model captured into a static inference plan.
//
//   const plan = await acc.compile(acc.convertToDeployableForm(model, x), x);
//   plan.run(x); plan.explain(); const bytes = plan.save();   // acc.loadPlan(bytes) elsewhere
//
// 1. capture (capture.ts): the forward runs twice, on the example and on a second random input
//    of the same shape, every kernel call recorded; calls that only read constants (weight
//    packing, size queries) are folded into constants. The two call lists must be the same
//    calls on the same constants, else the model's control flow or constants depend on the
//    input's values (something a fixed plan cannot replay): a CompileError names the module.
// 2. passes (passes.ts): dead calls removed, ReLU fused into the producing conv/GEMM's clamp,
//    buffers placed in one arena by liveness.
// 3. validation: the plan runs on both inputs and must reproduce the eager outputs bit for bit.
// Kernel selection (options.chooseKernel) is a separate, replaceable step of the capture: each
// call records the variant it ran, and the plan pins it.
import { Tensor, nn, noGrad, tidy, ArgumentError, getNumThreads, setNumThreads } from '../../runtime/index.js';
import { Plan, type PlanArg, type PlanData, type PlanTensor } from '../../runtime/hosts/plan.js';
import { heapU8 } from '../../runtime/wasm.js';
import { capture, CompileError, type KernelChooser, type TArg, type Trace } from './capture.js';
import { eliminateDead, fuseRelu, placeArena } from './passes.js';

export interface CompileOptions {
  /** Fuse ReLU into the clamp of the conv/GEMM before it (default true). */
  fuseRelu?: boolean;
  /**
   * Per-call kernel choice: the variant ('base', 'x86', 'arm', 'scalar', ...) each kernel call
   * of the capture runs, given the kernel and the module path; null or '' keeps the variant the
   * ops are bound to (backend and ISA). It is applied while capturing, because weights are packed
   * by the chosen variant's packing kernel at compile time. A device-specific chooser (timed
   * candidates, relaxed SIMD) plugs in here. Every call of the plan names its variant, so a plan
   * runs the same kernels on every host. With a chooser the plan is checked against the eager
   * model within 1e-4 of max |y| instead of bit for bit (the eager model runs the bound variants).
   */
  chooseKernel?: KernelChooser;
  /**
   * How the inputs reach the model: default forward(x) for one input and forward([slow, fast])
   * for a list; e.g. (m, [slow, fast, boxes]) => m.forward([slow, fast], boxes) for detection.
   */
  call?: (model: nn.Module, inputs: Tensor[]) => unknown;
  /**
   * The second input the capture and the plan are checked on (default: standard-normal values of
   * the example's shapes; give one when random values are not valid input, e.g. boxes).
   */
  validationInput?: Tensor | Tensor[];
  /** Stored with the plan as its `meta` text (e.g. JSON describing the input a caller must prepare). */
  meta?: string;
}

/**
 * Captures `model` (eval mode, no autograd) on `exampleInput` (one tensor, or the list a
 * multi-pathway model takes) into a Plan for inputs of exactly that shape, dtype and layout.
 * Runs at one thread (threads are lowered for the capture and restored after).
 */
export async function compile(model: nn.Module, exampleInput: Tensor | Tensor[], options: CompileOptions = {}): Promise<Plan> {
  if (!(model instanceof nn.Module)) throw new ArgumentError('compile: model must be an nn.Module');
  const inputs = Array.isArray(exampleInput) ? exampleInput : [exampleInput];
  if (!inputs.length || inputs.some((t) => !(t instanceof Tensor) || t.isDisposed)) throw new ArgumentError('compile: exampleInput must be a live tensor or a list of them');
  const threads = getNumThreads();
  if (threads > 1) await setNumThreads(1);
  const modes = model.modules().map((m) => [m, m.training] as const);
  try {
    model.eval();
    return compileNow(model, inputs, options);
  } finally {
    for (const [m, t] of modes) m.training = t;
    if (threads > 1) await setNumThreads(threads);
  }
}

interface Run { trace: Trace; out: Uint8Array; output: Omit<PlanTensor, 'off'> }

function traced(model: nn.Module, inputs: Tensor[], options: CompileOptions): Run {
  const forward = (xs: Tensor[]) => (options.call ? options.call(model, xs) : model.forward(xs.length === 1 ? xs[0] : xs));
  const trace = noGrad(() => capture(model, inputs, forward, options.chooseKernel));
  const t = trace.output.tensor;
  const run = { trace, out: heapU8().slice(t.ptr, t.ptr + t.nbytes), output: { nbytes: t.nbytes, dtype: t.dtype, layout: t.layout, shape: [...t.shape] } };
  t.dispose();
  return run;
}

function compileNow(model: nn.Module, inputs: Tensor[], options: CompileOptions): Plan {
  const a = traced(model, inputs, options);
  const given = options.validationInput === undefined ? null : Array.isArray(options.validationInput) ? options.validationInput : [options.validationInput];
  if (given && (given.length !== inputs.length || given.some((t, i) => t.dtype !== inputs[i].dtype || t.layout !== inputs[i].layout || t.shape.join() !== inputs[i].shape.join()))) {
    throw new ArgumentError('compile: validationInput must have the example input\'s shapes, dtypes and layouts');
  }
  const others = tidy(() => inputs.map((t, i) => {
    if (given) return given[i].clone();
    if (t.dtype !== 'f32') return t.clone();
    return Tensor.randn([...t.shape]).toLayout(t.layout);
  }));
  let plan: Plan;
  try {
    const b = traced(model, others, options);
    sameCalls(a.trace, b.trace);
    plan = build(a, options);
    for (const [x, want] of [[inputs, a.out], [others, b.out]] as const) {
      const got = plan.runBytes(x.map((t) => heapU8().slice(t.ptr, t.ptr + t.nbytes)));
      const i = options.chooseKernel ? farFrom(got, want, a.output.dtype) : got.findIndex((v, k) => v !== want[k]);
      if (i >= 0) {
        plan.dispose();
        throw new CompileError(`compile: the plan's output differs from the model's at byte ${i} (an op computes in JavaScript from intermediate values?)`);
      }
    }
  } finally {
    others.forEach((t) => t.dispose());
  }
  return plan;
}

/** First byte of the element where got and want differ by more than 1e-4 of max |want| (f32), or -1. */
function farFrom(got: Uint8Array, want: Uint8Array, dtype: string): number {
  if (dtype !== 'f32') return got.findIndex((v, k) => v !== want[k]);
  const g = new Float32Array(got.slice().buffer), w = new Float32Array(want.slice().buffer);
  const tol = 1e-4 * w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const i = w.findIndex((v, k) => !(Math.abs(g[k] - v) <= tol));
  return i < 0 ? -1 : i * 4;
}

/** Both traces must make the same calls on the same constants, else the calls depend on the input's values. */
function sameCalls(a: Trace, b: Trace): void {
  const sig = (t: Trace, k: number) => {
    const c = t.calls[k];
    return c ? `${c.kernel}(${c.args.map((x) => (x === null ? 'null' : 'const' in x ? `c${t.consts[x.const].hash}+${x.off}` : 'buf' in x ? `b${x.buf}+${x.off}` : 'i' in x ? x.i : x.f)).join(',')})` : 'nothing';
  };
  const n = Math.max(a.calls.length, b.calls.length);
  for (let k = 0; k < n; k++) {
    if (sig(a, k) !== sig(b, k)) {
      const where = a.calls[k]?.label ?? b.calls[k]?.label;
      throw new CompileError(`compile: ${where}: the kernel calls depend on the input's values (call ${k}: ${sig(a, k)} on the example input, ` +
        `${sig(b, k)} on another): a static plan cannot replay data-dependent control flow or constants computed from the input`);
    }
  }
}

function build(run: Run, options: CompileOptions): Plan {
  const { trace } = run;
  const outBuf = trace.output.buf;
  let calls = eliminateDead(trace.calls, outBuf);
  const dead = trace.calls.length - calls.length;
  let fused = 0;
  if (options.fuseRelu !== false) ({ calls, fused } = fuseRelu(calls, trace.bufs, outBuf));
  const inputBufs = trace.inputs.map((x) => x.buf);
  const arena = placeArena(calls, trace.bufs, inputBufs, outBuf);
  // constants: only those the remaining calls use, each 16-byte aligned
  const constOff = new Map<number, number>();
  let constBytes = 0;
  for (const c of calls) {
    for (const x of c.args) {
      if (x !== null && 'const' in x && !constOff.has(x.const)) {
        constOff.set(x.const, constBytes);
        constBytes = (constBytes + trace.consts[x.const].bytes.byteLength + 15) & ~15;
      }
    }
  }
  const constants = new Uint8Array(constBytes);
  for (const [id, off] of constOff) constants.set(trace.consts[id].bytes, off);
  const arg = (x: TArg): PlanArg => (x === null || 'i' in x || 'f' in x ? x : 'buf' in x ? { arena: arena.offsets.get(x.buf)! + x.off } : { const: constOff.get(x.const)! + x.off });
  const tensorOf = (t: Tensor, buf: number, off = 0): PlanTensor => ({ off: arena.offsets.get(buf)! + off, nbytes: t.nbytes, dtype: t.dtype, layout: t.layout, shape: [...t.shape] });
  const data: PlanData = {
    arenaBytes: arena.peak,
    constants,
    inputs: trace.inputs.map((x) => tensorOf(x.tensor, x.buf)),
    output: { ...run.output, off: arena.offsets.get(outBuf)! + trace.output.off },
    calls: calls.map((c) => ({ kernel: c.kernel, variant: c.variant, args: c.args.map(arg), label: c.label })),
    notes: [
      `captured ${trace.kernelCalls} kernel calls; ${trace.folded} only read constants and ran once at compile time (weight packing, size queries)`,
      `removed ${dead} calls whose results are never used; fused ${fused} ReLU into conv/GEMM clamps`,
      `arena ${arena.peak} bytes for ${arena.offsets.size} buffers (${arena.unshared} bytes without sharing); ${constOff.size} constant blocks`,
    ].join('\n'),
    meta: options.meta ?? '',
  };
  return new Plan(data);
}
