// int8 GEMM benchmarks: GOP/s of the qs8 (per-tensor) and qc8 (per-channel) GEMM on
// 256x1024x1024 and a few conv-as-GEMM shapes (1x1x1 convs are GEMMs over the T*H*W positions
// of a channels-last clip; 1x3x3 is the vol2col GEMM), each next to its scalar twin and next to
// the f32 GEMM (packed linear) of the same shape, in the same run.
// Run alone: `npx tsx bench/kernels_qs8.ts [--quick] [filter]`.
//
// OPs: 2*M*N*K (a multiply and an add per int8 MAC, as for FLOPs). Weights are packed once,
// before timing, as a deployed model does; the timed call is ops.qlinear (GEMM + requantisation
// + output allocation) or ops.linearPacked for f32. Single thread, batch as given.
import { cpus } from 'node:os';
import { Bench } from 'tinybench';
import { Tensor, ops, setBackend, features, tidy, type KernelBackend } from '../ts/node.js';

export interface Qs8Shape { name: string; M: number; N: number; K: number; scalar?: boolean }

export const SHAPES: Qs8Shape[] = [
  { name: 'GEMM 256x1024x1024', M: 256, N: 1024, K: 1024 },
  { name: 'X3D-XS res2 1x1x1 expand 24->54 @4x40x40', M: 6400, N: 54, K: 24 },
  { name: 'X3D-XS res2 1x1x1 project 54->24 @4x40x40', M: 6400, N: 24, K: 54 },
  { name: 'Slow-R50 res3 conv_b 1x3x3 128->128 @8x28x28 (vol2col)', M: 6272, N: 128, K: 1152 },
  { name: 'Slow-R50 res4 conv_c 1x1x1 256->1024 @8x14x14', M: 1568, N: 1024, K: 256 },
];

export interface Qs8Result { name: string; kind: 'qs8' | 'qc8' | 'f32'; backend: KernelBackend; ms: number; gops: number; bestGops: number }

const fmt = (t: { p50: number; min: number }, ops: number, unit: string) =>
  `${t.p50.toFixed(2)} ms ${(ops / t.p50 / 1e6).toFixed(1)} ${unit} (best ${(ops / t.min / 1e6).toFixed(1)})`;

/** Median and best latency (ms); the best shows the kernel's speed on a busy shared machine. */
async function timeIt(fn: () => void, quick: boolean): Promise<{ p50: number; min: number }> {
  const bench = new Bench({ time: quick ? 100 : 400, iterations: quick ? 2 : 5, warmup: true, warmupIterations: 1, warmupTime: 0 });
  bench.add('t', fn);
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state !== 'completed') throw new Error(`benchmark task ended as ${r.state}`);
  return { p50: r.latency.p50 ?? r.latency.mean, min: r.latency.min };
}

function randInt8(n: number, lo = -128, hi = 127): Int8Array {
  const a = new Int8Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor(Math.random() * (hi - lo + 1));
  return a;
}

export async function runQs8Suite(opts: { quick?: boolean; filter?: string } = {}): Promise<Qs8Result[]> {
  const quick = !!opts.quick;
  const f = features();
  console.log(`qs8 GEMM kernels | device: ${cpus()[0]?.model ?? 'unknown'} | wasm SIMD: ${f.simd ? 'yes' : 'no'} | threads: 1`);
  const results: Qs8Result[] = [];
  for (const s of SHAPES) {
    if (opts.filter && !s.name.includes(opts.filter)) continue;
    const ops2 = 2 * s.M * s.N * s.K;
    const line: string[] = [];
    const xq = Tensor.from(randInt8(s.M * s.K), [s.M, s.K], { dtype: 'i8' });
    const wq = Tensor.from(randInt8(s.N * s.K, -127, 127), [s.N, s.K], { dtype: 'i8' });
    const bias = Tensor.randn([s.N]);
    const inp = { inputScale: 0.02, inputZeroPoint: 3 }, out = { outputScale: 0.5, outputZeroPoint: -2 };
    for (const kind of ['qs8', 'qc8'] as const) {
      const scales = kind === 'qs8' ? [0.01] : Array.from({ length: s.N }, (_, i) => 0.005 + 0.0001 * i);
      const qw = ops.QLinearWeights.fromInt8(wq, scales, bias);
      for (const backend of ['simd', 'scalar'] as KernelBackend[]) {
        if (backend === 'scalar' && s.scalar === false) continue;
        setBackend(backend);
        tidy(() => { ops.qlinear(xq, inp, qw, out); }); // packs the weights once, outside the timing
        const t = await timeIt(() => tidy(() => { ops.qlinear(xq, inp, qw, out); }), quick || backend === 'scalar');
        results.push({ name: s.name, kind, backend, ms: t.p50, gops: ops2 / t.p50 / 1e6, bestGops: ops2 / t.min / 1e6 });
        line.push(`${kind} ${backend}: ${fmt(t, ops2, 'GOP/s')}`);
      }
      qw.dispose();
      setBackend('simd');
    }
    // the f32 GEMM of the same shape, weights packed once too
    const x = Tensor.randn([s.M, s.K]), w = Tensor.randn([s.N, s.K]);
    const packed = ops.packWeights(w, bias);
    const t = await timeIt(() => tidy(() => { ops.linearPacked(x, packed); }), quick);
    results.push({ name: s.name, kind: 'f32', backend: 'simd', ms: t.p50, gops: ops2 / t.p50 / 1e6, bestGops: ops2 / t.min / 1e6 });
    line.push(`f32 simd: ${fmt(t, ops2, 'GFLOP/s')}`);
    packed.dispose();
    for (const t of [x, w, xq, wq, bias]) t.dispose();
    console.log(`${s.name} (M=${s.M} N=${s.N} K=${s.K})\n  ${line.join('\n  ')}`);
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  await runQs8Suite({ quick: args.includes('--quick'), filter: args.find((a) => !a.startsWith('--')) });
}
