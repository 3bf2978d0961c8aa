// What the browser tests compute, written once and run in every engine of the matrix (page.ts)
// and in Node (browser.test.ts), so the hosts are compared on identical code paths: the feature
// report, a tensor op, one autograd + SGD step through conv3d, a narrow X3D forward from a fixed
// seed, and the compiled efficient X3D-XS plan (plan_fixture.ts; through the loader and through
// the WASI command under browser_wasi_shim). It runs at whatever thread count the page set (getNumThreads).
import { Tensor, ops, optim, tidy, features, getBackend, getIsa, kernelNames, models, manualSeed, getNumThreads } from '../../ts/index.js';
import { threadStats } from '../../ts/runtime/threads/index.js';
import { loadPlan } from '../../ts/runtime/hosts/plan.js';
import { runPlanCommand } from '../../ts/runtime/hosts/wasi.js';
import { lcg } from '../hosts/plan_fixture.js';

export interface ScenarioInput { plan: Uint8Array; input: Uint8Array; command: Uint8Array }

/** The outputs compared bit for bit across hosts, as raw bytes. */
type Bytes = Uint8Array<ArrayBuffer>;
export interface Outputs<T = Bytes> {
  /** loss, conv weight grad, bias grad, weights after one SGD(momentum) step */
  train: T;
  /** a narrow X3D's parameters after manualSeed(7) (the seeded initialisers run in JS) */
  modelParams: T;
  /** its eval-mode logits */
  model: T;
  /** the plan's output through Plan.run (the loader) */
  plan: T;
  /** the plan's output from the WASI command under browser_wasi_shim */
  planCommand: T;
}

export interface ScenarioResult<T = Bytes> {
  features: { simd: boolean; relaxedSimd: boolean; threads: boolean; sharedMemory: boolean; crossOriginIsolated: boolean | null };
  backend: string;
  isa: string;
  kernels: number;
  /** getNumThreads() while it ran, and how many kernel calls were split across threads */
  threads: number;
  splitRuns: number;
  /** ops.add then ops.mul, as numbers */
  op: number[];
  outputs: Outputs<T>;
}

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
const concat = (parts: Bytes[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => { out.set(p, at); return at + p.length; }, 0);
  return out;
};

/** A narrow X3D (4 frames of 32x32, 5 classes, ~170k parameters): every block type of the real model. */
function x3dForward(): { params: Bytes; logits: Bytes } {
  manualSeed(7);
  const net = models.createX3d({ inputClipLength: 4, inputCropSize: 32, modelNumClass: 5, widthFactor: 1, depthFactor: 0.4, headDimOut: 64, headActivation: null });
  try {
    net.eval();
    const params = concat(net.parameters().map((p) => bytes(p.toArray())));
    const logits = tidy(() => bytes((net.forward(Tensor.from(lcg(3 * 4 * 32 * 32, 4), [1, 3, 4, 32, 32])) as Tensor).toArray()));
    return { params, logits };
  } finally { net.dispose(); }
}

export function scenario(inp: ScenarioInput): ScenarioResult {
  const splitsBefore = threadStats().splitRuns;
  const f = features();
  const op = tidy(() => {
    const a = Tensor.from(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const b = Tensor.from(new Float32Array([10, 20, 30]), [3]);
    return Array.from(ops.mul(ops.add(a, b), 0.5).toArray());
  });
  const train = tidy(() => {
    const x = Tensor.from(lcg(2 * 3 * 4 * 6 * 6, 1), [2, 3, 4, 6, 6]);
    const w = Tensor.from(lcg(4 * 3 * 27, 2, 0.2), [4, 3, 3, 3, 3], { requiresGrad: true });
    const b = Tensor.from(lcg(4, 3, 0.1), [4], { requiresGrad: true });
    const loss = ops.relu(ops.conv3d(x, w, b, { padding: 1, stride: [1, 2, 2] })).mean();
    const lossBytes = bytes(loss.toArray());
    loss.backward();
    const gw = bytes(w.grad!.toArray()), gb = bytes(b.grad!.toArray());
    const opt = new optim.SGD([w, b], { lr: 0.1, momentum: 0.9 });
    opt.step();
    opt.dispose(); // its momentum buffers live outside tidy scopes
    return concat([lossBytes, gw, gb, bytes(w.toArray()), bytes(b.toArray())]);
  });
  const model = x3dForward();
  const compiled = loadPlan(inp.plan);
  const plan = bytes(compiled.runBytes(inp.input));
  compiled.dispose();
  const planCommand = bytes(runPlanCommand(inp.command, inp.plan, inp.input));
  const g = globalThis as { crossOriginIsolated?: boolean };
  return {
    features: { ...f, crossOriginIsolated: g.crossOriginIsolated ?? null },
    backend: getBackend(), isa: getIsa(), kernels: kernelNames().length, threads: getNumThreads(),
    splitRuns: threadStats().splitRuns - splitsBefore, op,
    outputs: { train, modelParams: model.params, model: model.logits, plan, planCommand },
  };
}

/** SHA-256 (hex) of every output: what a page sends back, and what the test compares. */
export async function digest(r: ScenarioResult): Promise<ScenarioResult<string>> {
  const hex = async (b: Bytes) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', b)), (x) => x.toString(16).padStart(2, '0')).join('');
  const entries = await Promise.all(Object.entries(r.outputs).map(async ([k, v]) => [k, await hex(v)] as const));
  return { ...r, outputs: Object.fromEntries(entries) as unknown as Outputs<string> };
}
