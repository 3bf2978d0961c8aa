// Relaxed SIMD vs plain SIMD, same run: the f32 GEMM (f32x4.relaxed_madd) against its _x86 and
// _arm variants, the conv3d lowered to it, and the qs8 GEMM (relaxed_dot_i8x16_i7x16_add) against
// the plain int8 GEMM, at X3D-XS / R50 layer sizes. Prints GFLOP/s (GOP/s for int8) per variant
// from the median CPU time per call (tinybench), and the ratio relaxed / best plain variant.
// Needs relaxed SIMD: `node --experimental-wasm-relaxed-simd --import tsx bench/run.ts kernels_relaxed`
// (Node 20; Chromium and Node >= 22 have it on). Without it the suite says so and times nothing.
import { Bench } from 'tinybench';
import { hasRelaxed, kernelVariant, kernelVariants, type KernelVariant } from '../ts/runtime/wasm.js';
import '../ts/node.js';
import { sampleConv3d, sampleGemm, sampleQs8Gemm, type SampleCall } from '../ts/accelerator/device/index.js';

interface Case { name: string; ops: number; int8?: boolean; make: () => SampleCall }
const gemm = (name: string, M: number, N: number, K: number): Case => ({ name, ops: 2 * M * N * K, make: () => sampleGemm(M, N, K) });
const qs8 = (name: string, M: number, N: number, K: number): Case => ({ name, ops: 2 * M * N * K, int8: true, make: () => sampleQs8Gemm(M, N, K) });
const CASES: Case[] = [
  gemm('f32 GEMM 256x1024x1024', 256, 1024, 1024),
  gemm('f32 GEMM X3D 1x1x1 24->54 @4x40x40', 6400, 54, 24),
  gemm('f32 GEMM X3D 1x1x1 54->24 @4x40x40', 6400, 24, 54),
  gemm('f32 GEMM R50 res3 1x3x3 vol2col', 6272, 128, 1152),
  { name: 'f32 conv3d 3x3x3 16->32 @4x20x20', ops: 2 * 1600 * 32 * 432, make: () => sampleConv3d([1, 16, 4, 20, 20], [32, 16, 3, 3, 3], 1) },
  qs8('qs8 GEMM 256x1024x1024', 256, 1024, 1024),
  qs8('qs8 GEMM X3D 1x1x1 54->24 @4x40x40', 6400, 24, 54),
  qs8('qs8 GEMM R50 res4 1x1x1 256->1024 @8x14x14', 1568, 1024, 256),
];

async function cpuMs(fn: () => void, timeMs: number): Promise<number> {
  const cpu: number[] = [];
  const bench = new Bench({ time: timeMs, iterations: 5, warmup: true, warmupIterations: 5, warmupTime: 0 });
  bench.add('x', () => { const c0 = process.cpuUsage(); fn(); const d = process.cpuUsage(c0); cpu.push((d.user + d.system) / 1000); });
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state !== 'completed') throw new Error(`benchmark ${r.state}`);
  const n = r.latency.samplesCount;
  const xs = cpu.slice(cpu.length - n).sort((a, b) => a - b);
  return xs[xs.length >> 1];
}

export async function runRelaxedSuite({ quick = false, filter = '' }: { quick?: boolean; filter?: string } = {}): Promise<Record<string, unknown>[]> {
  if (!hasRelaxed()) {
    console.log('   relaxed SIMD kernels not loaded (run Node 20 with --experimental-wasm-relaxed-simd, and make wasm-relaxed): nothing to compare');
    return [];
  }
  const rows: Record<string, unknown>[] = [];
  for (const c of CASES.filter((x) => x.name.includes(filter))) {
    const s = c.make();
    try {
      const variants = kernelVariants(s.call.kernel).filter((v) => v !== 'scalar' && !(v === 'base' && kernelVariants(s.call.kernel).includes('x86')));
      const rate: Partial<Record<KernelVariant, number>> = {};
      for (const v of variants) {
        const f = kernelVariant(s.call.kernel, v);
        const ms = await cpuMs(() => f(...s.call.args), quick ? 150 : 600);
        rate[v] = c.ops / ms / 1e6;
        rows.push({ name: c.name, kind: v, backend: 'simd', [c.int8 ? 'gops' : 'gflops']: rate[v] });
      }
      const plain = Math.max(...variants.filter((v) => v !== 'relaxed').map((v) => rate[v]!));
      console.log(`   ${c.name}: ${variants.map((v) => `${v} ${rate[v]!.toFixed(2)}`).join(', ')} ${c.int8 ? 'GOP/s' : 'GFLOP/s'}; relaxed / best plain = ${(rate.relaxed! / plain).toFixed(2)}x`);
    } finally { s.dispose(); }
  }
  return rows;
}
