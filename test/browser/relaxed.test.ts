// The relaxed-SIMD kernels in Chromium, whose V8 runs relaxed SIMD by default and (unlike Node
// 20's V8 11.3) computes i32x4.relaxed_dot_i8x16_i7x16_add_s right: the relaxed qs8 GEMM must
// equal the plain one bit for bit (both int8 and f32 outputs, odd sizes, every sign), and the
// relaxed f32 GEMM must stay within the manifest's rel 1e-5 of the plain one. The page loads
// vidwasm.wasm and vidwasm-relaxed.wasm the way ts/runtime/wasm.ts does (the relaxed module over
// the kernel module's memory, its stack malloc'ed there).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { wasmPath, relaxedWasmPath } from '../../ts/runtime/hosts/node.js';
import { launchChromium, requireChromium } from './chromium.js';

interface PageResult { relaxed: boolean; cases: number; qs8Mismatch: string[]; f32MaxRel: number }

/** Runs in the page: everything it needs comes as arguments (the two modules' bytes). */
async function pageCheck([main, relaxed]: [number[], number[]]): Promise<PageResult> {
  const { instance } = await WebAssembly.instantiate(new Uint8Array(main), {});
  const ex = instance.exports as Record<string, any>;
  ex._initialize();
  const env: WebAssembly.ModuleImports = { memory: ex.memory };
  for (const k of Object.keys(ex)) if (k.startsWith('vw_')) env[k] = ex[k];
  let rx: Record<string, any>;
  try { rx = (await WebAssembly.instantiate(new Uint8Array(relaxed), { env })).instance.exports as Record<string, any>; } catch {
    return { relaxed: false, cases: 0, qs8Mismatch: [], f32MaxRel: 0 };
  }
  rx.__stack_pointer.value = (ex.malloc(1 << 18) + (1 << 18)) & ~15;
  let seed = 7;
  const rand = () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed / 4294967296; };
  const alloc = (n: number) => ex.malloc(Math.max(16, n));
  const bytes = (p: number, n: number) => new Uint8Array(ex.memory.buffer, p, n);
  const qs8Mismatch: string[] = [];
  let f32MaxRel = 0, cases = 0;
  for (const [M, N, K] of [[1, 1, 1], [3, 5, 7], [4, 4, 8], [5, 9, 17], [17, 13, 33], [64, 24, 54], [33, 40, 200]]) {
    const w = alloc(N * K), a = alloc(M * K), bias = alloc(4 * N), packed = alloc(ex.vw_qs8_gemm_packed_bytes(N, K));
    const scales = alloc(4 * N), p = alloc(64), y1 = alloc(4 * M * N), y2 = alloc(4 * M * N);
    bytes(w, N * K).forEach((_, i, v) => { v[i] = Math.floor(rand() * 256); });
    bytes(a, M * K).forEach((_, i, v) => { v[i] = Math.floor(rand() * 256); });
    new Int32Array(ex.memory.buffer, bias, N).forEach((_, i, v) => { v[i] = Math.floor(rand() * 2000) - 1000; });
    new Float32Array(ex.memory.buffer, scales, N).forEach((_, i, v) => { v[i] = 0.0005 + rand() * 0.002; });
    new Int32Array(ex.memory.buffer, p, 4).set([N, K, K, 3]);
    ex.vw_qs8_gemm_pack(p, w, bias, packed);
    for (const [mode, perChannel] of [[0, 0], [0, 1], [1, 1]]) {
      new Int32Array(ex.memory.buffer, p, 9).set([M, N, K, K, N, 5, -120, 127, perChannel]);
      const run = (f: (...x: number[]) => void, y: number) => { bytes(y, 4 * M * N).fill(0); f(p, a, packed, scales, y); };
      run(mode ? ex.vw_qs8_gemm_f32out : ex.vw_qs8_gemm, y1);
      run(mode ? rx.vw_qs8_gemm_f32out_relaxed : rx.vw_qs8_gemm_relaxed, y2);
      const n = mode ? 4 * M * N : M * N, b1 = bytes(y1, n), b2 = bytes(y2, n);
      if (b1.some((v, i) => v !== b2[i])) qs8Mismatch.push(`${M}x${N}x${K} ${mode ? 'f32out' : 'int8'} perChannel=${perChannel}`);
      cases++;
    }
    // f32 GEMM on the same sizes: relaxed vs the plain x86 kernel
    const fa = alloc(4 * M * K), fb = alloc(4 * K * N), fpk = alloc(4 * ex.vw_f32_gemm_packed_floats(K, N));
    new Float32Array(ex.memory.buffer, fa, M * K).forEach((_, i, v) => { v[i] = 2 * rand() - 1; });
    new Float32Array(ex.memory.buffer, fb, K * N).forEach((_, i, v) => { v[i] = 2 * rand() - 1; });
    ex.vw_f32_gemm_pack(K, N, fb, N, 1, 0, fpk);
    ex.vw_f32_gemm_x86(M, N, K, fa, K, fpk, y1, N, -1, 1, 0);
    rx.vw_f32_gemm_relaxed(M, N, K, fa, K, fpk, y2, N, -1, 1, 0);
    const r1 = new Float32Array(ex.memory.buffer, y1, M * N), r2 = new Float32Array(ex.memory.buffer, y2, M * N);
    r1.forEach((v, i) => { f32MaxRel = Math.max(f32MaxRel, Math.abs(v - r2[i]) / Math.max(1, Math.abs(v))); });
  }
  return { relaxed: true, cases, qs8Mismatch, f32MaxRel };
}

test('Chromium: relaxed qs8 GEMM equals the plain one bitwise; relaxed f32 GEMM within rel 1e-5', async () => {
  requireChromium();
  const relaxedPath = relaxedWasmPath() ?? join(dirname(wasmPath()), 'vidwasm-relaxed.wasm');
  const args: [number[], number[]] = [[...readFileSync(wasmPath())], [...readFileSync(relaxedPath)]];
  const profile = mkdtempSync(join(tmpdir(), 'vidwasm-relaxed-chromium-'));
  const ctx = await launchChromium(profile);
  try {
    const page = await ctx.newPage();
    // tsx (esbuild, keepNames) wraps the function's inner closures in __name(): give the page one
    await page.evaluate('globalThis.__name = (f) => f');
    const r = await page.evaluate(pageCheck, args);
    assert.ok(r.relaxed, 'Chromium validates vidwasm-relaxed.wasm');
    assert.is(r.cases, 21);
    assert.equal(r.qs8Mismatch, []);
    assert.ok(r.f32MaxRel <= 1e-5, `relaxed f32 GEMM differs by rel ${r.f32MaxRel}`);
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test.run();
