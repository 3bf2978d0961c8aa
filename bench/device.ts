// Per-device kernel choice at the scale of a whole model: the kernel calls of an X3D-XS forward
// (4x160x160 clip; PyTorchVideo's efficient X3D-XS: stem 1x3x3/2 conv 3->24, then stages of
// 24/48/96/192 channels with inner width x2.25 at 40/20/10/5 pixels, depths 3/5/11/7, whose
// pointwise convs are GEMMs over T*H*W rows; head 432->2048 and a 2048->400 linear). Depthwise
// and pooling kernels have no variants, so they are not timed. Reports the compile-time cost of
// choosing with one TimeBudget of 10 s, the choices, and the same again from the cache (0 timed).
// Run: `node --experimental-wasm-relaxed-simd --import tsx bench/run.ts device` (and without the flag).
import '../ts/node.js';
import {
  chooseKernelDetailed, deviceProfile, KernelChoiceCache, sampleConv3d, sampleGemm, TimeBudget, type SampleCall,
} from '../ts/accelerator/device/index.js';

/** [label, M, N, K] of every GEMM an X3D-XS forward runs (repeated blocks repeat the same call). */
function x3dXsGemms(): [string, number, number, number][] {
  const out: [string, number, number, number][] = [];
  const stages = [[24, 40, 3], [48, 20, 5], [96, 10, 11], [192, 5, 7]];
  let cin = 24;
  for (const [c, px, depth] of stages) {
    const inner = Math.round(c * 2.25), M = 4 * px * px;
    for (let b = 0; b < depth; b++) {
      out.push([`conv_a ${b ? c : cin}->${inner} @${px}`, b === 0 && px !== 40 ? 4 * (2 * px) ** 2 : M, inner, b ? c : cin]);
      out.push([`conv_c ${inner}->${c} @${px}`, M, c, inner]);
    }
    cin = c;
  }
  out.push(['head conv 192->432 @5', 100, 432, 192], ['head 432->2048', 4, 2048, 432], ['projection 2048->400', 1, 400, 2048]);
  return out;
}

/** Prints its own lines (seconds, not a throughput: nothing for the harness's table). */
export async function runDeviceSuite(): Promise<Record<string, unknown>[]> {
  const profile = deviceProfile();
  const cache = new KernelChoiceCache();
  for (const pass of ['compile', 'again (cache)']) {
    const budget = new TimeBudget(10_000), t0 = performance.now(), picks: Record<string, number> = {};
    const calls: (() => SampleCall)[] = [
      () => sampleConv3d([1, 3, 4, 160, 160], [24, 3, 1, 3, 3], 1),
      ...x3dXsGemms().map(([, M, N, K]) => () => sampleGemm(M, N, K)),
    ];
    let sources = '';
    for (const make of calls) {
      const s = make();
      try {
        const c = chooseKernelDetailed(s.call, profile, { cache, budget });
        picks[c.variant] = (picks[c.variant] ?? 0) + 1;
        sources += c.source[0];
      } finally { s.dispose(); }
    }
    const secs = (performance.now() - t0) / 1000;
    console.log(`   ${pass}: ${calls.length} calls (${new Set(x3dXsGemms().map((g) => g.slice(1).join('x'))).size + 1} distinct) in ${secs.toFixed(2)} s ` +
      `(timing ${((10_000 - budget.remainingMs) / 1000).toFixed(2)} s of the 10 s budget), ${cache.timedCalls} timed so far; picks ${JSON.stringify(picks)}; ` +
      `sources t=timed c=cache d=default: ${sources}`);
  }
  return [];
}
