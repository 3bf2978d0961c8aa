// Kernel benchmarks for the vmath-based unary ops, softmax, cross-entropy, pooling and batch
// norm, each SIMD next to its scalar twin. These kernels are memory- or transcendental-bound,
// so the unit is G elements/s (reported in the GOP/s column: 1 op = 1 input element).
import { malloc, free, heapU8, params } from '../ts/runtime/wasm.js';
import type { BenchCase } from './kernels.js';
import * as vw from '../ts/runtime/kernels.gen.js';
import { maxPoolGeometry } from '../ts/runtime/ops/pool.js';

function buf(n: number, lo = -4, hi = 4): number {
  const p = malloc(Math.max(16, n * 4), 'bench');
  const v = new Float32Array(heapU8().buffer, p, n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * Math.random();
  return p;
}

// Every unary op of the manifest (its op codes), so a new activation is benchmarked too.
const UNARY = Object.entries(vw.UnaryOp).filter(([op]) => op !== 'COUNT');
const N_UNARY = 1 << 20;

function unaryCase([op, code]: [string, number]): BenchCase {
  return {
    name: `unary ${op} (G elem/s)`, shape: `${N_UNARY}`, flops: N_UNARY, unit: 'GOP/s',
    setup() {
      const x = buf(N_UNARY), y = malloc(N_UNARY * 4), f = vw.f32_unary;
      return { run: () => { f(code, x, y, N_UNARY); }, dispose: () => { free(x); free(y); } };
    },
  };
}

export const cases: BenchCase[] = [
  ...UNARY.map(unaryCase),
  {
    name: 'softmax rows (G elem/s)', shape: '2048x400', flops: 2048 * 400, unit: 'GOP/s',
    setup() {
      const x = buf(2048 * 400), y = malloc(2048 * 400 * 4), f = vw.f32_softmax;
      return { run: () => { f(x, y, 2048, 400, 1, 0); }, dispose: () => { free(x); free(y); } };
    },
  },
  {
    name: 'cross-entropy fwd, index targets, smoothing 0.1 (G elem/s)', shape: '2048x400', flops: 2048 * 400, unit: 'GOP/s',
    setup() {
      const R = 2048, C = 400;
      const x = buf(R * C), t = malloc(R * 4), lse = malloc(R * 4), loss = malloc(R * 4), f = vw.f32_xent;
      const tv = new Int32Array(heapU8().buffer, t, R);
      for (let i = 0; i < R; i++) tv[i] = (i * 37) % C;
      return { run: () => { f(x, t, 0, 0, lse, loss, R, C, 0.1, -100); }, dispose: () => { for (const p of [x, t, lse, loss]) free(p); } };
    },
  },
  {
    // Slow-R50 stem pool: x [1, 64, 8, 112, 112] channels-last, k (1,3,3) s (1,2,2) p (0,1,1)
    name: 'maxPool3d Slow-R50 stem (G elem/s)', shape: '1x64x8x112x112', flops: 64 * 8 * 112 * 112, unit: 'GOP/s',
    setup() {
      const n = 64 * 8 * 112 * 112, on = 64 * 8 * 56 * 56;
      const x = buf(n), y = malloc(on * 4), a = malloc(on * 4), f = vw.f32_maxpool3d;
      const p = maxPoolGeometry('bench', [1, 64, 8, 112, 112], 3, { kernelSize: [1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1] }).p;
      return { run: () => { f(x, y, a, params(p)); }, dispose: () => { free(x); free(y); free(a); } };
    },
  },
  {
    name: 'batchNorm train fwd (stats + affine, G elem/s)', shape: '8x64x8x28x28', flops: 8 * 64 * 8 * 28 * 28, unit: 'GOP/s',
    setup() {
      const C = 64, M = 8 * 8 * 28 * 28;
      const x = buf(M * C), y = malloc(M * C * 4), m = buf(C), v = buf(C), s = buf(2 * C);
      const stats = vw.f32_bn_stats, aff = vw.f32_channel_affine;
      return { run: () => { stats(x, m, v, s, M, C); aff(x, y, v, m, M, C); }, dispose: () => { for (const p of [x, y, m, v, s]) free(p); } };
    },
  },
];
