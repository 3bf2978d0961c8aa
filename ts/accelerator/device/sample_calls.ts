// Representative kernel calls at the sizes of a small video model's layers (X3D-XS-like: a
// pointwise conv as GEMM, a general 3x3x3 conv, an int8 GEMM), on random data in wasm memory:
// what `vidwasm info` times to show which variant this device would pick, and what the tests
// and the bench compare. Each call owns its buffers: dispose() frees them.
import { free, heapU8, malloc } from '../../runtime/wasm.js';
import * as vw from '../../runtime/kernels.gen.js';
import { convBlock, convGeometry } from '../../runtime/ops/conv.js';
import type { KernelCall } from './choose.js';

export interface SampleCall { label: string; call: KernelCall; dispose(): void }

class Arena {
  private readonly ptrs: number[] = [];
  private seed = 12345;
  private alloc(bytes: number): number { const p = malloc(Math.max(16, bytes), 'a sample kernel call'); this.ptrs.push(p); return p; }
  private rand(): number { this.seed = (Math.imul(this.seed, 1664525) + 1013904223) >>> 0; return this.seed / 4294967296; }
  f32(n: number): number {
    const p = this.alloc(4 * n), v = new Float32Array(heapU8().buffer, p, n);
    for (let i = 0; i < n; i++) v[i] = 2 * this.rand() - 1;
    return p;
  }
  i8(n: number): number {
    const p = this.alloc(n), v = new Int8Array(heapU8().buffer, p, n);
    for (let i = 0; i < n; i++) v[i] = Math.floor(256 * this.rand()) - 128;
    return p;
  }
  i32(values: readonly number[]): number {
    const p = this.alloc(4 * values.length);
    new Int32Array(heapU8().buffer, p, values.length).set(values);
    return p;
  }
  dispose(): void { for (const p of this.ptrs.splice(0)) free(p); }
}

/** f32 GEMM C[M,N] = A[M,K] . B[K,N] + bias, B packed once (a pointwise conv or a linear layer). */
export function sampleGemm(M: number, N: number, K: number): SampleCall {
  const a = new Arena();
  try {
    const packed = a.f32(vw.f32_gemm_packed_floats(K, N));
    vw.f32_gemm_pack(K, N, a.f32(K * N), N, 1, a.f32(N), packed);
    const args = [M, N, K, a.f32(M * K), K, packed, a.f32(M * N), N, -Infinity, Infinity, 0];
    return { label: `f32 GEMM ${M}x${N}x${K}`, call: { kernel: 'f32_gemm', args, sizes: [M, N, K, K, N, 0] }, dispose: () => a.dispose() };
  } catch (e) { a.dispose(); throw e; }
}

/** f32 conv3d, channels-last, with the op's own lowering (x [N, C, T, H, W], w [Cout, C, kt, kh, kw]). */
export function sampleConv3d(x: readonly number[], w: readonly number[], padding: number): SampleCall {
  const a = new Arena();
  try {
    const g = convGeometry('sample', 3, x, w, [w[0]], { padding });
    const block = convBlock(g), p = a.i32(block);
    const packed = a.f32(vw.f32_conv3d_packed_floats(p));
    const scratch = a.f32(Math.max(vw.f32_conv3d_scratch_floats(p, vw.ConvScratch.pack), vw.f32_conv3d_scratch_floats(p, vw.ConvScratch.fwd), 1));
    const bias = a.f32(w[0]);
    vw.f32_conv3d_pack(p, a.f32(w.reduce((s, d) => s * d, 1)), bias, packed, scratch);
    const ny = g.N * g.To * g.Ho * g.Wo * g.Cout;
    const args = [p, a.f32(x.reduce((s, d) => s * d, 1)), packed, bias, a.f32(ny), scratch, -Infinity, Infinity];
    return { label: `f32 conv3d ${x.join('x')} * ${w.join('x')}`, call: { kernel: 'f32_conv3d', args, sizes: block }, dispose: () => a.dispose() };
  } catch (e) { a.dispose(); throw e; }
}

/** qs8 GEMM (int8 in and out, per-channel scales), the int8 lowering of a pointwise conv. */
export function sampleQs8Gemm(M: number, N: number, K: number): SampleCall {
  const a = new Arena();
  try {
    const packed = a.i8(vw.qs8_gemm_packed_bytes(N, K));
    vw.qs8_gemm_pack(a.i32([N, K, K, 3]), a.i8(N * K), a.i32(new Array(N).fill(-11)), packed);
    const block = [M, N, K, K, N, 2, -128, 127, 1];
    const scales = a.f32(N);
    new Float32Array(heapU8().buffer, scales, N).forEach((_, i, v) => { v[i] = 0.0005 + 0.0001 * (i % 7); });
    const args = [a.i32(block), a.i8(M * K), packed, scales, a.i8(M * N)];
    return { label: `qs8 GEMM ${M}x${N}x${K}`, call: { kernel: 'qs8_gemm', args, sizes: block }, dispose: () => a.dispose() };
  } catch (e) { a.dispose(); throw e; }
}

/** The calls `vidwasm info` times: one per kernel family that has variants, at X3D-XS-like sizes. */
export function representativeCalls(): SampleCall[] {
  const out: SampleCall[] = [];
  try {
    out.push(sampleGemm(1600, 48, 108));                                // pointwise 4x20x20 positions, 108 -> 48 channels
    out.push(sampleConv3d([1, 16, 4, 20, 20], [32, 16, 3, 3, 3], 1));   // general 3x3x3 (vol2col + GEMM)
    out.push(sampleQs8Gemm(1600, 48, 108));                             // the same pointwise layer in int8
    return out;
  } catch (e) { for (const c of out) c.dispose(); throw e; }
}
