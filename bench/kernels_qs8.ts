// int8 GEMM benchmarks for bench/run.ts: GOP/s of the qs8 (per-tensor) and qc8 (per-channel)
// GEMM on 256x1024x1024 and a few conv-as-GEMM shapes (a 1x1x1 conv is a GEMM over the T*H*W
// positions of a channels-last clip; a 1x3x3 conv is the vol2col GEMM), each timed on the SIMD
// kernel and its scalar twin, next to the f32 GEMM (packed linear) of the same shape.
// Run: `npx tsx bench/run.ts kernels_qs8 [--quick]` (also part of the default `kernels` suite).
//
// OPs: 2*M*N*K (a multiply and an add per int8 MAC, as for FLOPs). Weights are packed once in
// setup(), as a deployed model does; the timed call is ops.qlinear (GEMM + requantisation +
// output allocation) or ops.linearPacked for f32.
import { Tensor, ops, tidy } from '../ts/node.js';
import type { BenchCase } from './kernels.js';

interface Shape { name: string; M: number; N: number; K: number }

const SHAPES: Shape[] = [
  { name: 'GEMM', M: 256, N: 1024, K: 1024 },
  { name: 'X3D-XS res2 1x1x1 expand 24->54 @4x40x40', M: 6400, N: 54, K: 24 },
  { name: 'X3D-XS res2 1x1x1 project 54->24 @4x40x40', M: 6400, N: 24, K: 54 },
  { name: 'Slow-R50 res3 1x3x3 128->128 @8x28x28 (vol2col)', M: 6272, N: 128, K: 1152 },
  { name: 'Slow-R50 res4 1x1x1 256->1024 @8x14x14', M: 1568, N: 1024, K: 256 },
];

function randInt8(n: number, lo: number, hi: number, seed: number): Int8Array {
  const a = new Int8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = lo + ((s >>> 8) % (hi - lo + 1));
  }
  return a;
}

function qs8Case(s: Shape, perChannel: boolean): BenchCase {
  return {
    name: `${perChannel ? 'qc8 (per-channel)' : 'qs8 (per-tensor)'} qlinear: ${s.name}`,
    shape: `${s.M}x${s.N}x${s.K}`,
    flops: 2 * s.M * s.N * s.K,
    unit: 'GOP/s',
    setup() {
      const xq = Tensor.from(randInt8(s.M * s.K, -128, 127, 1), [s.M, s.K], { dtype: 'i8' });
      const wq = Tensor.from(randInt8(s.N * s.K, -127, 127, 2), [s.N, s.K], { dtype: 'i8' });
      const bias = Tensor.randn([s.N]);
      const scales = perChannel ? Array.from({ length: s.N }, (_, i) => 0.005 + 0.0001 * i) : [0.01];
      const qw = ops.QLinearWeights.fromInt8(wq, scales, bias);
      const inp = { inputScale: 0.02, inputZeroPoint: 3 }, out = { outputScale: 0.5, outputZeroPoint: -2 };
      tidy(() => { ops.qlinear(xq, inp, qw, out); }); // packs the weights, outside the timing
      return {
        run: () => tidy(() => { ops.qlinear(xq, inp, qw, out); }),
        dispose: () => { qw.dispose(); for (const t of [xq, wq, bias]) t.dispose(); },
      };
    },
  };
}

function f32Case(s: Shape): BenchCase {
  return {
    name: `f32 linearPacked (for comparison): ${s.name}`,
    shape: `${s.M}x${s.N}x${s.K}`,
    flops: 2 * s.M * s.N * s.K,
    scalar: false,
    setup() {
      const x = Tensor.randn([s.M, s.K]), w = Tensor.randn([s.N, s.K]), b = Tensor.randn([s.N]);
      const packed = ops.packWeights(w, b);
      return {
        run: () => tidy(() => { ops.linearPacked(x, packed); }),
        dispose: () => { packed.dispose(); for (const t of [x, w, b]) t.dispose(); },
      };
    },
  };
}

export const cases: BenchCase[] = SHAPES.flatMap((s) => [qs8Case(s, false), qs8Case(s, true), f32Case(s)]);
