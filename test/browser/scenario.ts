// What the browser test computes, written once and run both in headless Chromium (page.ts) and
// in Node (browser.test.ts), so the two hosts are compared on identical code paths: the feature
// report, a tensor op, one autograd + SGD step through conv3d, and the small CNN plan (through
// the loader and through the WASI command under browser_wasi_shim).
import { Tensor, ops, optim, tidy, features, getBackend, getIsa, kernelNames } from '../../ts/index.js';
import { decodePlan, runPlan } from '../../ts/runtime/hosts/plan.js';
import { runPlanCommand } from '../../ts/runtime/hosts/wasi.js';

export interface ScenarioInput { plan: Uint8Array; input: Uint8Array; command: Uint8Array }
export interface ScenarioResult {
  features: { simd: boolean; relaxedSimd: boolean; threads: boolean; sharedMemory: boolean; crossOriginIsolated: boolean | null };
  backend: string;
  isa: string;
  kernels: number;
  /** ops.add then ops.mul, as numbers */
  op: number[];
  /** bytes of: loss, conv weight grad, bias grad, weights after one SGD(momentum) step */
  train: number[];
  /** bytes of the CNN plan output through runPlan (the loader) */
  cnn: number[];
  /** bytes of the CNN plan output from the WASI command under browser_wasi_shim */
  cnnCommand: number[];
}

function lcg(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s >>> 8) / 16777216 * 2 - 1) * scale;
  }
  return out;
}
const bytes = (a: ArrayBufferView) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

export function scenario(inp: ScenarioInput): ScenarioResult {
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
    return [...lossBytes, ...gw, ...gb, ...bytes(w.toArray()), ...bytes(b.toArray())];
  });
  const plan = decodePlan(inp.plan);
  const input = new Float32Array(inp.input.buffer.slice(inp.input.byteOffset, inp.input.byteOffset + inp.input.byteLength));
  const cnn = bytes(runPlan(plan, input));
  const cnnCommand = bytes(runPlanCommand(inp.command, plan, input));
  const g = globalThis as { crossOriginIsolated?: boolean };
  return {
    features: { ...f, crossOriginIsolated: g.crossOriginIsolated ?? null },
    backend: getBackend(), isa: getIsa(), kernels: kernelNames().length, op, train, cnn, cnnCommand,
  };
}
