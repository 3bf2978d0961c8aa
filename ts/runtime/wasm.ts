// The one loader: every host hands us the bytes (or a compiled module) of vidwasm.wasm and we
// instantiate it with no imports. The runtime calls the kernels through the typed functions of
// kernels.gen.ts (generated from native/kernels/kernels.def), which this file binds to the SIMD
// kernel, its ISA-tuned variant or its scalar twin, on load and on every setBackend/setIsa.
import { ArgumentError, NotInitializedError, OutOfMemoryError, UnsupportedError, VidwasmError } from './errors.js';
import { probeFeatures, type Features } from './features.js';
import { KERNELS, bindKernels, type KernelName } from './kernels.gen.js';

export type KernelFn = (...args: number[]) => number;

interface Exports {
  memory: WebAssembly.Memory;
  malloc(n: number): number;
  free(p: number): void;
  _initialize(): void;
  [name: string]: unknown;
}

/** Which implementation ops call: the SIMD kernels (default) or their portable scalar twins. */
export type KernelBackend = 'simd' | 'scalar';
/** Wasm SIMD lowers differently on x86 and arm hosts; some kernels ship a variant for each. */
export type IsaFlavour = 'x86' | 'arm';
/**
 * One implementation of a kernel: the plain SIMD export, an ISA-tuned one, the relaxed-SIMD one
 * (vidwasm-relaxed.wasm, where the host has relaxed SIMD) or the scalar twin.
 */
/** A kernel's exports: base = vw_<name> (plain SIMD), x86/arm = ISA-tuned, relaxed = vidwasm-relaxed.wasm, scalar = the twin. */
export type KernelVariant = 'base' | 'x86' | 'arm' | 'relaxed' | 'scalar';
/**
 * Which variant ops get for kernels that have a relaxed one: 'none' (default: outputs are the same
 * bits on every engine, and the relaxed int8 kernel is slower where the engine lowers its dot
 * product without VNNI/sdot, as V8 11.3 on x86 does); 'exact' takes relaxed variants whose results
 * are bit-identical to the plain kernel's (the int8 dot products); 'relaxed' takes every one (f32
 * FMA too: faster where the CPU fuses, results differ in the last bits and between engines).
 * Compiled plans choose per call by timing instead (ts/accelerator/device).
 */
export type RelaxedPolicy = 'exact' | 'relaxed' | 'none';

interface State {
  exports: Exports;
  features: Features;
  backend: KernelBackend;
  isa: IsaFlavour;
  /** The relaxed-SIMD kernels (vidwasm-relaxed.wasm over this memory), when loaded. */
  relaxed: Map<string, KernelFn> | null;
  relaxedPolicy: RelaxedPolicy;
  /** The bound function of every kernel, for callers that hold a name (plans, the thread pool). */
  bound: Map<string, KernelFn>;
  u8: Uint8Array;
}
let state: State | null = null;

/** Hard cap of wasm32 memory. */
export const MAX_MEMORY_BYTES = 4 * 1024 ** 3;
/**
 * Largest single allocation: emscripten's malloc grows the heap through sbrk, whose step is a
 * signed 32-bit number, so one block must stay under 2 GiB (measured on a fresh module: 2,147,479,500
 * bytes succeed, one more fails). We allow up to 2 GiB - 64 KiB, whatever the heap's state.
 */
export const MAX_ALLOC_BYTES = 2 ** 31 - 64 * 1024;

/**
 * The memory the runtime may use (init's maxMemoryBytes): allocations ending past it are refused
 * with an OutOfMemoryError. iOS caps a page's wasm memory near 1 GiB and kills the tab past it;
 * a cap set there turns that into an error the page can handle.
 */
let memoryLimit = MAX_MEMORY_BYTES;
export function setMemoryLimit(bytes: number = MAX_MEMORY_BYTES): void {
  if (!Number.isFinite(bytes) || bytes < 16 * 1024 ** 2 || bytes > MAX_MEMORY_BYTES) {
    throw new ArgumentError(`maxMemoryBytes must be a number of bytes from 16 MiB to 4 GiB, got ${bytes}`);
  }
  memoryLimit = bytes;
}
export function getMemoryLimit(): number { return memoryLimit; }

export function isReady(): boolean {
  return state !== null;
}

function guessIsa(): IsaFlavour {
  const g = globalThis as { process?: { arch?: string }; navigator?: { userAgent?: string; platform?: string } };
  const arch = g.process?.arch ?? '';
  if (arch) return arch.startsWith('arm') ? 'arm' : 'x86';
  const ua = `${g.navigator?.platform ?? ''} ${g.navigator?.userAgent ?? ''}`;
  return /arm|aarch64|iphone|ipad|android|mac/i.test(ua) ? 'arm' : 'x86';
}

/** The kernels are compiled for SIMD128: refuse a host without it with a clear error. */
export function requireSimd(f: Features): Features {
  if (!f.simd) {
    throw new UnsupportedError(
      'vidwasm needs WebAssembly SIMD (Chrome/Edge 91+, Firefox 89+, Safari 16.4+, Node 16.4+); this host does not support it');
  }
  return f;
}

/**
 * Instantiates the kernel module from its bytes or a compiled module (synchronously). With
 * `sharedMemory`, the module is vidwasm-mt.wasm and imports that memory (ts/runtime/threads).
 */
export function initFromModule(source: BufferSource | WebAssembly.Module, sharedMemory?: WebAssembly.Memory): void {
  if (state) return;
  const features = requireSimd(probeFeatures());
  let instance: WebAssembly.Instance;
  try {
    const module = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
    instance = new WebAssembly.Instance(module, sharedMemory ? { env: { memory: sharedMemory } } : {});
  } catch (e) { throw loadError(e); }
  // The shared module imports its memory (wasm-ld 14 cannot also export it): add it to the exports.
  adopt(sharedMemory ? { exports: { ...instance.exports, memory: sharedMemory } } as WebAssembly.Instance : instance, features);
}

/** Compile/link failures become a typed E_LOAD error (corrupt file, or not vidwasm's module). */
function loadError(e: unknown): VidwasmError {
  return new VidwasmError('E_LOAD', `vidwasm.wasm could not be loaded (${e instanceof Error ? e.message : String(e)}): the file is corrupt or is not vidwasm's kernel module`);
}

/** Asynchronous variant for browsers (large modules cannot be compiled on the main thread). */
export async function initFromModuleAsync(source: BufferSource | WebAssembly.Module | Promise<Response> | Response): Promise<void> {
  if (state) return;
  const features = requireSimd(probeFeatures());
  let module: WebAssembly.Module;
  if (source instanceof WebAssembly.Module) module = source;
  else if (source instanceof Promise || (typeof Response !== 'undefined' && source instanceof Response)) {
    const res = await source;
    if (!res.ok) throw new VidwasmError('E_LOAD', `could not fetch vidwasm.wasm: HTTP ${res.status} ${res.url}`);
    module = await WebAssembly.compile(await res.arrayBuffer()).catch((e) => { throw loadError(e); });
  } else module = await WebAssembly.compile(source as BufferSource).catch((e) => { throw loadError(e); });
  const instance = await WebAssembly.instantiate(module, {}).catch((e) => { throw loadError(e); });
  adopt(instance, features);
}

function adopt(instance: WebAssembly.Instance, features: Features): void {
  const exports = instance.exports as unknown as Exports;
  const kernels = Object.entries(KERNELS).flatMap(([name, k]) =>
    [k.base && `vw_${name}`, k.x86 && `vw_${name}_x86`, k.arm && `vw_${name}_arm`, k.scalar && `vw_${name}_scalar`].filter((e): e is string => !!e));
  const missing = ['memory', 'malloc', 'free', '_initialize', ...kernels].filter((k) => !(k in exports));
  if (missing.length) throw loadError(new Error(`missing exports ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`));
  exports._initialize();
  stabiliseViews(exports.memory);
  state = {
    exports, features, backend: 'simd', isa: guessIsa(), relaxed: null, relaxedPolicy: 'none', bound: new Map(),
    u8: new Uint8Array(exports.memory.buffer),
  };
  rebind(state);
}

/**
 * Growing a plain wasm memory detaches its ArrayBuffer, and a typed array taken before (a
 * Tensor.data() view) then drops writes silently. Two kinds of memory never detach: a shared one
 * (its old buffer stays valid over the old length; Node always starts on it, see hosts/node.ts)
 * and, where the engine has Memory.toResizableBuffer (Chromium 13x+, newer Node), a memory whose
 * buffer was made resizable, which grows in place. Elsewhere Tensor.checkViews makes stale views throw.
 */
function stabiliseViews(mem: WebAssembly.Memory): void {
  const m = mem as WebAssembly.Memory & { toResizableBuffer?: () => ArrayBuffer };
  if (!isShared(mem) && typeof m.toResizableBuffer === 'function') m.toResizableBuffer();
}
const isShared = (mem: WebAssembly.Memory) => typeof SharedArrayBuffer === 'function' && mem.buffer instanceof SharedArrayBuffer;

/** Whether data() views stay valid when wasm memory grows (shared or resizable memory). */
export function viewsSurviveGrowth(): boolean {
  const mem = s().exports.memory;
  return isShared(mem) || (mem.buffer as ArrayBuffer & { resizable?: boolean }).resizable === true;
}

/** Points every typed kernel function of kernels.gen.ts at the export the current backend/ISA picks. */
function rebind(st: State): void {
  st.bound.clear();
  bindKernels((name) => {
    const relaxed = st.relaxed?.get(name);
    const useRelaxed = relaxed && st.backend === 'simd' && (st.relaxedPolicy === 'relaxed' || (st.relaxedPolicy === 'exact' && KERNELS[name].tol === 0));
    const ex = exportFor(st, name);
    const raw: KernelFn = useRelaxed ? relaxed : ex ? st.exports[ex] as KernelFn : () => { throw noKernel(name); };
    const fn = tracer ? tracer.wrap(name, raw) : raw;
    st.bound.set(name, fn);
    return fn;
  });
}

/**
 * The export a kernel resolves to: `vw_<name>_scalar` for the scalar backend, else
 * `vw_<name>_<isa>` when the manifest lists an ISA-tuned variant, else `vw_<name>`.
 */
function exportFor(st: State, name: KernelName): string | null {
  const k = KERNELS[name];
  if (st.backend === 'scalar' && k.scalar) return `vw_${name}_scalar`;
  if (st.backend === 'simd' && k[st.isa]) return `vw_${name}_${st.isa}`;
  return k.base ? `vw_${name}` : null;
}

const noKernel = (name: string) => new VidwasmError('E_NO_KERNEL', `the wasm module has no kernel vw_${name}`);
const isKernelName = (name: string): name is KernelName => Object.prototype.hasOwnProperty.call(KERNELS, name);

function s(): State {
  if (!state) throw new NotInitializedError();
  return state;
}

export function features(): Features { return s().features; }
export function getBackend(): KernelBackend { return s().backend; }
export function getIsa(): IsaFlavour { return s().isa; }

/** Switches every op between SIMD kernels and their scalar twins (tests and benchmarks use this). */
export function setBackend(b: KernelBackend): void {
  const st = s();
  st.backend = b;
  rebind(st);
}
export function setIsa(isa: IsaFlavour): void {
  const st = s();
  st.isa = isa;
  rebind(st);
}

/** Which relaxed variants ops use (see RelaxedPolicy); a no-op choice where none are loaded. */
export function setRelaxedPolicy(policy: RelaxedPolicy): void {
  const st = s();
  st.relaxedPolicy = policy;
  rebind(st);
}
export function getRelaxedPolicy(): RelaxedPolicy { return s().relaxedPolicy; }

/**
 * Installs the relaxed-SIMD kernels (relaxed.ts loads vidwasm-relaxed.wasm over this module's
 * memory), keyed by kernel name, and rebinds.
 */
export function setRelaxedKernels(kernels: Map<string, KernelFn>): void {
  const st = s();
  st.relaxed = kernels;
  rebind(st);
}

/** Whether the relaxed-SIMD kernels are loaded. */
export function hasRelaxed(): boolean { return s().relaxed !== null; }

/** The variants of a kernel this host can run (the scalar twin last). */
export function kernelVariants(name: string): KernelVariant[] {
  if (!isKernelName(name)) throw noKernel(name);
  const k = KERNELS[name], st = s();
  const out: KernelVariant[] = [];
  if (k.base) out.push('base');
  if (k.x86) out.push('x86');
  if (k.arm) out.push('arm');
  if (st.relaxed?.has(name)) out.push('relaxed');
  if (k.scalar) out.push('scalar');
  return out;
}

/** One given variant of a kernel (plans call the variant they chose); E_NO_KERNEL where absent. */
export function kernelVariant(name: string, variant: KernelVariant): KernelFn {
  if (!kernelVariants(name).includes(variant)) {
    throw new VidwasmError('E_NO_KERNEL', `kernel ${name} has no ${variant} variant on this host (it has: ${kernelVariants(name).join(', ')})`);
  }
  if (variant === 'relaxed') return s().relaxed!.get(name)!;
  return s().exports[`vw_${name}${variant === 'base' ? '' : `_${variant}`}`] as KernelFn;
}

/** The variant ops currently call for a kernel. */
export function boundVariant(name: string): KernelVariant {
  const st = s(), fn = kernel(name);
  if (st.relaxed?.get(name) === fn) return 'relaxed';
  const ex = kernelExport(name), m = ex.match(/_(x86|arm|scalar)$/);
  return m ? m[1] as KernelVariant : 'base';
}

/**
 * Kernel-call tracing, the seam inference plans are captured through (ts/accelerator/compile):
 * while a tracer is set, every kernel function ops call (typed bindings and kernel(name)) is the
 * tracer's wrapper, and every malloc/free is reported to it.
 */
export interface KernelTracer {
  wrap(name: KernelName, fn: KernelFn): KernelFn;
  malloc(ptr: number, nbytes: number): void;
  free(ptr: number): void;
}
let tracer: KernelTracer | null = null;
export function setKernelTracer(t: KernelTracer | null): void {
  const st = s();
  // The shared parameter block is allocated again under the tracer, so the tracer knows its extent.
  free(paramPtr);
  paramPtr = 0;
  tracer = t;
  rebind(st);
}

/**
 * The bound function of a kernel given by name, for callers that hold names (plans, the thread
 * pool); ops import the typed functions of kernels.gen.ts instead.
 */
export function kernel(name: string): KernelFn {
  const fn = s().bound.get(name);
  if (!fn) throw noKernel(name);
  return fn;
}

/**
 * The export name of the kernel module `kernel(name)` resolves to (the thread pool sends it to its
 * workers; relaxed kernels are never bound while the module is shared, see adoptRelaxed).
 */
export function kernelExport(name: string): string {
  const ex = isKernelName(name) ? exportFor(s(), name) : null;
  if (!ex) throw noKernel(name);
  return ex;
}

/**
 * Threads add-on (ts/runtime/threads): replaces the loaded module by vidwasm-mt.wasm instantiated
 * over a shared memory created by JS. Every pointer into the old memory dies with it, so the
 * caller checks that no tensor is alive. Backend and ISA choices carry over.
 */
export function adoptShared(instance: WebAssembly.Instance, memory: WebAssembly.Memory): void {
  const prev = s();
  state = null;
  paramPtr = 0;
  adopt({ exports: { ...instance.exports, memory } } as WebAssembly.Instance, prev.features);
  state!.backend = prev.backend;
  state!.isa = prev.isa;
  state!.relaxedPolicy = prev.relaxedPolicy;  // the relaxed kernels themselves stay behind with the old memory
  rebind(state!);
}

/** Whether the loaded module runs over a shared memory (vidwasm-mt.wasm). */
export function isSharedModule(): boolean {
  return isShared(s().exports.memory);
}

/** A raw export (stackSave/stackRestore for the thread pool). */
export function rawExport(name: string): unknown { return s().exports[name]; }

/** Names of all exported kernels (for `vidwasm info` and tests). */
export function kernelNames(): string[] {
  return Object.keys(s().exports).filter((k) => k.startsWith('vw_'));
}

export function memory(): WebAssembly.Memory { return s().exports.memory; }

/** Bytes currently reserved by wasm linear memory. */
export function memoryBytes(): number { return s().exports.memory.buffer.byteLength; }

/** A fresh Uint8Array over memory (re-created after growth, which detaches the old buffer). */
export function heapU8(): Uint8Array {
  const st = s();
  if (st.u8.buffer !== st.exports.memory.buffer) st.u8 = new Uint8Array(st.exports.memory.buffer);
  return st.u8;
}

export function malloc(nbytes: number, what = 'tensor'): number {
  if (!Number.isFinite(nbytes) || nbytes < 0) throw new OutOfMemoryError(`cannot allocate ${nbytes} bytes for ${what}`);
  if (nbytes > MAX_ALLOC_BYTES) {
    throw new OutOfMemoryError(`cannot allocate ${fmtBytes(nbytes)} (${nbytes} bytes) for ${what}: one wasm allocation is limited ` +
      `to 2 GiB - 64 KiB (${MAX_ALLOC_BYTES} bytes; wasm memory as a whole to 4 GiB): split the data into smaller tensors`);
  }
  const p = s().exports.malloc(Math.max(16, nbytes)) >>> 0;
  if (p === 0) {
    throw new OutOfMemoryError(`cannot allocate ${fmtBytes(nbytes)} for ${what}: wasm memory cannot grow further ` +
      `(${fmtBytes(memoryBytes())} reserved; wasm32 stops at 4 GiB, and engines may stop sooner: about 1 GiB on iOS): ` +
      'use a smaller input, batch or model');
  }
  if (p + nbytes > memoryLimit) {
    free(p);
    throw new OutOfMemoryError(`cannot allocate ${fmtBytes(nbytes)} for ${what}: it would take the runtime past ` +
      `maxMemoryBytes (${fmtBytes(memoryLimit)}, set by init({ maxMemoryBytes })): use a smaller input, batch or model`);
  }
  tracer?.malloc(p, Math.max(16, nbytes));
  return p;
}

export function free(p: number): void {
  if (!p) return;
  tracer?.free(p);
  s().exports.free(p);
}

export function fmtBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/**
 * Scratch parameter blocks: kernels with many sizes read them from an int32 array in memory.
 * One block, reused: kernels are synchronous and never re-entrant.
 */
let paramPtr = 0;
const PARAM_INTS = 256;
export function params(values: ArrayLike<number>): number {
  if (values.length > PARAM_INTS) throw new VidwasmError('E_INTERNAL', `parameter block too long (${values.length})`);
  if (paramPtr === 0) paramPtr = malloc(PARAM_INTS * 4, 'kernel parameters');
  const view = new Int32Array(heapU8().buffer, paramPtr, values.length);
  for (let i = 0; i < values.length; i++) view[i] = values[i];
  return paramPtr;
}
