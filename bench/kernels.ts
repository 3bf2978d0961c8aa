// f32 GEMM kernel benchmarks: the packed GEMM (forward of linear and of conv lowered to GEMM)
// and the general matmul with transposes (backward passes), each SIMD next to its scalar twin.
//
// This file also defines the hook every kernel suite can use: export `cases: BenchCase[]` from
// a `bench/kernels*.ts` file and `bench/run.ts` times each case under the SIMD kernels and the
// scalar twins (it calls setBackend before setup) and prints GFLOP/s side by side.
import { setIsa, getIsa } from '../ts/node.js';
import { malloc, free, heapU8 } from '../ts/runtime/wasm.js';
import * as vw from '../ts/runtime/kernels.gen.js';

export interface BenchCase {
  /** What is measured, e.g. 'f32 GEMM (packed)'. */
  name: string;
  /** Human-readable size, e.g. '256x1024x1024' (M x N x K). */
  shape: string;
  /** Floating-point (or integer) operations per call of run(). */
  flops: number;
  /** Throughput unit; 'GOP/s' for integer kernels. Default 'GFLOP/s'. */
  unit?: 'GFLOP/s' | 'GOP/s';
  /** false: do not time the scalar twin (e.g. an ISA-variant row). */
  scalar?: boolean;
  /** Allocates inputs for the current backend and returns the timed call (+ cleanup). */
  setup(): { run: () => void; dispose?: () => void };
}

function randomBuffer(n: number): number {
  const p = malloc(Math.max(4, n * 4), 'bench');
  const v = new Float32Array(heapU8().buffer, p, n);
  for (let i = 0; i < n; i++) v[i] = Math.random() * 2 - 1;
  return p;
}

/** C[M,N] = A[M,K] · packed(B[K,N]) + bias: weights packed once, outside the timing. */
function gemmCase(name: string, M: number, N: number, K: number, opts: { isa?: 'x86' | 'arm'; relu?: boolean } = {}): BenchCase {
  return {
    name, shape: `${M}x${N}x${K}`, flops: 2 * M * N * K, scalar: opts.isa === undefined,
    setup() {
      const prevIsa = getIsa();
      if (opts.isa) setIsa(opts.isa);
      const a = randomBuffer(M * K), b = randomBuffer(K * N), bias = randomBuffer(N), c = malloc(M * N * 4);
      const packed = malloc(vw.f32_gemm_packed_floats(K, N) * 4);
      vw.f32_gemm_pack(K, N, b, N, 1, bias, packed);
      const gemm = vw.f32_gemm;
      const lo = opts.relu ? 0 : -Infinity;
      return {
        run: () => { gemm(M, N, K, a, K, packed, c, N, lo, Infinity, 0); },
        dispose: () => { for (const p of [a, b, bias, c, packed]) free(p); if (opts.isa) setIsa(prevIsa); },
      };
    },
  };
}

/** C = op(A) · op(B) without pre-packing (how conv and linear backward call it). */
function matmulCase(name: string, tA: boolean, tB: boolean, M: number, N: number, K: number): BenchCase {
  return {
    name, shape: `${M}x${N}x${K}${tA ? ' Aᵀ' : ''}${tB ? ' Bᵀ' : ''}`, flops: 2 * M * N * K,
    setup() {
      const a = randomBuffer(M * K), b = randomBuffer(K * N), c = malloc(M * N * 4);
      const mm = vw.f32_matmul;
      return {
        run: () => { mm(tA ? 1 : 0, tB ? 1 : 0, M, N, K, a, tA ? M : K, b, tB ? K : N, c, N, 0); },
        dispose: () => { for (const p of [a, b, c]) free(p); },
      };
    },
  };
}

export const cases: BenchCase[] = [
  gemmCase('f32 GEMM', 256, 1024, 1024),
  gemmCase('f32 GEMM, _x86 variant', 256, 1024, 1024, { isa: 'x86' }),
  gemmCase('f32 GEMM, _arm variant (on this host)', 256, 1024, 1024, { isa: 'arm' }),
  gemmCase('GEMM+ReLU X3D 1x1x1 24->54 @4x40x40', 6400, 54, 24, { relu: true }),
  gemmCase('GEMM X3D 1x1x1 54->24 @4x40x40', 6400, 24, 54),
  gemmCase('GEMM R50 res3 1x3x3 128->128 @8x28x28 (vol2col)', 6272, 128, 1152),
  gemmCase('GEMM R50 res4 1x1x1 256->1024 @8x14x14', 1568, 1024, 256),
  gemmCase('GEMM linear head, batch 1', 1, 400, 2048),
  matmulCase('matmul (conv grad input)', false, false, 256, 1024, 1024),
  matmulCase('matmul (conv grad weight)', true, false, 256, 1024, 1024),
  matmulCase('matmul (linear forward, W as Bᵀ)', false, true, 256, 1024, 1024),
];
