// Child process of device.test.ts (run with and without --experimental-wasm-relaxed-simd): chooses
// variants for the representative calls twice (the second time from the cache), checks every
// chosen variant's output against the scalar twin, and prints one JSON line.
//   argv: <cache file to load and save> [fixed choices JSON file]
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import '../../ts/node.js';
import { heapU8, kernelVariant, kernelVariants, setRelaxedPolicy, boundVariant, type KernelVariant } from '../../ts/runtime/wasm.js';
import { ConvParam, KERNELS, type KernelName } from '../../ts/runtime/kernels.gen.js';
import {
  candidateVariants, chooseKernelDetailed, deviceProfile, loadChoiceCache, representativeCalls, saveChoiceCache, type SampleCall,
} from '../../ts/accelerator/device/index.js';

const [cachePath, fixedPath] = process.argv.slice(2);
const fixed = fixedPath ? JSON.parse(readFileSync(fixedPath, 'utf8')) as Record<string, KernelVariant> : undefined;
const profile = deviceProfile();
const cache = await loadChoiceCache(cachePath);
const loadedEntries = cache.size;

/** The output buffer of a sample call (its largest float/int8 output argument). */
const OUT: Record<string, { arg: number; bytes: (s: SampleCall) => number }> = {
  f32_gemm: { arg: 6, bytes: (s) => 4 * s.call.args[0] * s.call.args[1] },
  f32_conv3d: { arg: 4, bytes: (s) => 4 * outCount(s.call.sizes) },
  qs8_gemm: { arg: 4, bytes: (s) => s.call.sizes[0] * s.call.sizes[1] },
};
const outCount = (p: readonly number[]) => p[ConvParam.N] * p[ConvParam.COUT] * p[ConvParam.TO] * p[ConvParam.HO] * p[ConvParam.WO];

function runOutput(s: SampleCall, v: KernelVariant): Uint8Array {
  const o = OUT[s.call.kernel], ptr = s.call.args[o.arg], n = o.bytes(s);
  heapU8().fill(0, ptr, ptr + n);
  kernelVariant(s.call.kernel, v)(...s.call.args);
  return heapU8().slice(ptr, ptr + n);
}
/** Largest |a - b| / max(1, |b|) over the outputs (f32), or byte mismatches (int8). */
function err(kernel: string, a: Uint8Array, b: Uint8Array): number {
  if (kernel.startsWith('qs8')) return a.reduce((n, x, i) => n + (x !== b[i] ? 1 : 0), 0);
  const fa = new Float32Array(a.buffer), fb = new Float32Array(b.buffer);
  let m = 0;
  for (let i = 0; i < fa.length; i++) m = Math.max(m, Math.abs(fa[i] - fb[i]) / Math.max(1, Math.abs(fb[i])));
  return m;
}

const passes = [];
for (let pass = 0; pass < 2; pass++) {
  const rows = [];
  for (const s of representativeCalls()) {
    try {
      const c = chooseKernelDetailed(s.call, profile, { cache, budgetMs: 120, fixed });
      const chosen = runOutput(s, c.variant), scalar = runOutput(s, 'scalar');
      rows.push({
        kernel: s.call.kernel, candidates: candidateVariants(s.call.kernel), variants: kernelVariants(s.call.kernel),
        variant: c.variant, source: c.source, ms: c.ms, tol: KERNELS[s.call.kernel as KernelName].tol,
        err: err(s.call.kernel, chosen, scalar), hash: createHash('sha256').update(chosen).digest('hex'),
      });
    } finally { s.dispose(); }
  }
  passes.push({ rows, timedCalls: cache.timedCalls });
}
await saveChoiceCache(cache, cachePath);
setRelaxedPolicy('relaxed');
const relaxedBound = boundVariant('f32_gemm');
setRelaxedPolicy('none');
console.log(JSON.stringify({ key: profile.key, relaxedSimd: profile.relaxedSimd, relaxedKernels: profile.relaxedKernels, loadedEntries,
  passes, exported: cache.exportChoices(profile.key), relaxedBound, defaultBound: boundVariant('f32_gemm') }));
