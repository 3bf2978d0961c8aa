// Loads the relaxed-SIMD kernels, vidwasm-relaxed.wasm (native/relaxed), over the kernel module's
// memory: it imports that memory and the kernel module's packing functions, has no data segment,
// and its stack is a block malloc'ed here. wasm.ts then binds them per setRelaxedPolicy, and
// kernelVariant(name, 'relaxed') hands them to per-call choice (ts/accelerator/device).
import { VidwasmError } from './errors.js';
import { KERNELS } from './kernels.gen.js';
import { features, free, hasRelaxed, isSharedModule, malloc, memory, rawExport, setRelaxedKernels, type KernelFn } from './wasm.js';

/** Bytes of stack the relaxed module gets (its kernels keep a few KiB there at most). */
const RELAXED_STACK_BYTES = 256 * 1024;

/** Why some relaxed variants are off on this host (empty when all are on). */
export const relaxedNotes: string[] = [];

/**
 * Loads vidwasm-relaxed.wasm from its bytes or compiled module. Returns false, loading nothing,
 * where the host lacks relaxed SIMD (the module would not validate) or the kernel module runs
 * over a shared memory (threads: there is no shared-memory build of the relaxed module).
 */
export function adoptRelaxed(source: BufferSource | WebAssembly.Module): boolean {
  if (hasRelaxed()) return true;
  if (!features().relaxedSimd || isSharedModule()) return false;
  const env: WebAssembly.ModuleImports = { memory: memory() };
  const names = Object.entries(KERNELS).filter(([, k]) => k.relaxed).map(([n]) => n);
  let instance: WebAssembly.Instance;
  try {
    const module = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
    for (const imp of WebAssembly.Module.imports(module)) if (imp.kind === 'function') env[imp.name] = rawExport(imp.name) as WebAssembly.ImportValue;
    instance = new WebAssembly.Instance(module, { env });
  } catch (e) {
    throw new VidwasmError('E_LOAD', `vidwasm-relaxed.wasm could not be loaded (${e instanceof Error ? e.message : String(e)})`);
  }
  const ex = instance.exports as Record<string, unknown>;
  const missing = names.filter((n) => typeof ex[`vw_${n}_relaxed`] !== 'function');
  if (missing.length || !(ex.__stack_pointer instanceof WebAssembly.Global)) {
    throw new VidwasmError('E_LOAD', `vidwasm-relaxed.wasm lacks ${missing.length ? `vw_${missing[0]}_relaxed` : 'its __stack_pointer'}: rebuild it (make wasm-relaxed)`);
  }
  const stack = malloc(RELAXED_STACK_BYTES, 'the relaxed kernels\' stack');
  (ex.__stack_pointer as WebAssembly.Global).value = (stack + RELAXED_STACK_BYTES) & ~15;
  const kernels = new Map(names.map((n) => [n, ex[`vw_${n}_relaxed`] as KernelFn]));
  if (!int8DotWorks(kernels.get('qs8_gemm_f32out')!)) {
    kernels.delete('qs8_gemm');
    kernels.delete('qs8_gemm_f32out');
    relaxedNotes.push('the int8 relaxed kernels are off: this engine\'s i32x4.relaxed_dot_i8x16_i7x16_add_s computes wrong sums ' +
      '(Node 20\'s V8 11.3 doubles them), checked on load');
  }
  setRelaxedKernels(kernels);
  return true;
}

/**
 * Engines are young here: V8 11.3 (Node 20, behind --experimental-wasm-relaxed-simd) returns twice
 * the true sums from i32x4.relaxed_dot_i8x16_i7x16_add_s even for 7-bit operands, where the result
 * is fully specified. So the relaxed int8 GEMM is checked against the plain one on one small
 * case (M=1, N=4, K=8, both signs) before it is used.
 */
function int8DotWorks(relaxedF32out: KernelFn): boolean {
  const pack = rawExport('vw_qs8_gemm_pack') as KernelFn, plain = rawExport('vw_qs8_gemm_f32out') as KernelFn;
  const p = malloc(256, 'the relaxed int8 check');
  try {
    const buf = memory().buffer, i8 = new Int8Array(buf, p, 256);
    new Int32Array(buf, p, 4).set([4, 8, 8, 0]);                     // pack block at p: N, K, ldw, a_zero
    new Int32Array(buf, p + 16, 9).set([1, 4, 8, 8, 4, 0, -128, 127, 0]);  // GEMM block at p+16: M N K lda ldc yz qmin qmax ss
    new Float32Array(buf, p + 52, 1)[0] = 1;                          // scale at p+52
    for (let i = 0; i < 32; i++) i8[64 + i] = ((i * 37) % 255) - 127;  // W [4, 8] at p+64
    for (let i = 0; i < 8; i++) i8[96 + i] = ((i * 53) % 255) - 128;   // A [1, 8] at p+96
    pack(p, p + 64, 0, p + 112);                                      // packed (48 bytes) at p+112
    plain(p + 16, p + 96, p + 112, p + 52, p + 160);
    relaxedF32out(p + 16, p + 96, p + 112, p + 52, p + 176);
    const out = new Int32Array(memory().buffer, p + 160, 8);
    return out.slice(0, 4).every((v, j) => v === out[4 + j]);
  } finally { free(p); }
}
