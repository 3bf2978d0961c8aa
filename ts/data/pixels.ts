// Loader of the AssemblyScript pixel kernels (pixels.wasm, built from native/pixels). The module
// imports the C module's WebAssembly.Memory, so its kernels read and write vidwasm Tensors in
// place: pointers are tensor byte offsets, scratch is vidwasm malloc'd. Like the C kernels,
// `pixelKernel(name)` follows the runtime's backend switch (setBackend('scalar') picks the
// `<name>_scalar` twins).
//
// Two builds of the same kernels: pixels.wasm imports a non-shared memory (the single-thread C
// module's) and pixels-mt.wasm a shared one (the memory setNumThreads(n > 1) creates for
// vidwasm-mt.wasm). A wasm memory import must match in sharedness, so the instance is bound to
// whichever memory the runtime uses now, and re-instantiated when that memory object changes.
//
// Node: loaded synchronously on first use from $VIDWASM_PIXELS / $VIDWASM_PIXELS_MT, else next to
// vidwasm.wasm ($VIDWASM_WASM's, or for the -mt build $VIDWASM_WASM_MT's, folder), else next to
// the bundle / the repo's wasm/ folder. Browser: the entry calls initPixelsAsync() with the URLs
// next to the bundle (the shared build only where threads are possible: a cross-origin isolated page).
import { VidwasmError } from '../runtime/errors.js';
import { memory, getBackend, malloc, free, isReady, isSharedModule } from '../runtime/wasm.js';

export type PixelFn = (...args: number[]) => void;

/** 'single': pixels.wasm (non-shared memory); 'shared': pixels-mt.wasm (after setNumThreads(n > 1)). */
export type PixelsFlavour = 'single' | 'shared';
const FILE: Record<PixelsFlavour, string> = { single: 'pixels.wasm', shared: 'pixels-mt.wasm' };

/** Compiled modules, kept so a memory change only costs an instantiation. */
const modules: Record<PixelsFlavour, WebAssembly.Module | null> = { single: null, shared: null };
/** The live instance and the memory object it imported (null until first use). */
let bound: { memory: WebAssembly.Memory; exports: Record<string, unknown> } | null = null;
const cache = { backend: '', fns: new Map<string, PixelFn>() };

function currentFlavour(): PixelsFlavour { return isSharedModule() ? 'shared' : 'single'; }

function loadError(flavour: PixelsFlavour, e: unknown): VidwasmError {
  return new VidwasmError('E_LOAD', `${FILE[flavour]} could not be loaded (${e instanceof Error ? e.message : String(e)})`);
}

function importObject(mem: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: {
      memory: mem,
      abort: (_msg: number, _file: number, line: number, col: number) => {
        throw new VidwasmError('E_PIXELS', `pixels.wasm aborted at ${line}:${col}`);
      },
    },
  };
}

/** Instantiates the module of `flavour` over the runtime's current memory and makes it the live one. */
function bind(flavour: PixelsFlavour): Record<string, unknown> {
  const mem = memory();
  let inst: WebAssembly.Instance;
  try { inst = new WebAssembly.Instance(modules[flavour]!, importObject(mem)); } catch (e) { throw loadError(flavour, e); }
  bound = { memory: mem, exports: inst.exports as Record<string, unknown> };
  cache.fns.clear();
  return bound.exports;
}

/**
 * Whether the pixel kernels can run on the runtime's current memory: bound to it already, or the
 * matching build (pixels.wasm, or pixels-mt.wasm once threads are on) is compiled.
 */
export function pixelsReady(): boolean {
  if (!isReady()) return bound !== null;
  return bound?.memory === memory() || modules[currentFlavour()] !== null;
}

/**
 * Compiles pixels.wasm (or, with 'shared', pixels-mt.wasm) from its bytes or a compiled module,
 * synchronously; binds it at once when it matches the current memory. Loading the shared build
 * ahead of setNumThreads(n > 1) is how a browser page keeps the transforms working with threads.
 */
export function initPixels(source: BufferSource | WebAssembly.Module, flavour: PixelsFlavour = 'single'): void {
  if (modules[flavour]) return;
  try { modules[flavour] = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source); } catch (e) { throw loadError(flavour, e); }
  if (isReady() && bound?.memory !== memory() && currentFlavour() === flavour) bind(flavour);
}

/** Browser form: fetches and compiles pixels.wasm (or pixels-mt.wasm, with 'shared') asynchronously. */
export async function initPixelsAsync(source: string | URL | Response | Promise<Response> | BufferSource,
  flavour: PixelsFlavour = 'single'): Promise<void> {
  if (modules[flavour]) return;
  let bytes: BufferSource;
  if (typeof source === 'string' || source instanceof URL) source = fetch(source);
  if (source instanceof Promise || (typeof Response !== 'undefined' && source instanceof Response)) {
    const res = await source;
    if (!res.ok) throw new VidwasmError('E_LOAD', `could not fetch ${FILE[flavour]}: HTTP ${res.status} ${res.url}`);
    bytes = await res.arrayBuffer();
  } else bytes = source as BufferSource;
  const mod = await WebAssembly.compile(bytes).catch((e) => { throw loadError(flavour, e); });
  if (modules[flavour]) return;
  modules[flavour] = mod;
  if (isReady() && bound?.memory !== memory() && currentFlavour() === flavour) {
    // Asynchronous instantiation here: browsers limit synchronous compilation on the main thread.
    const mem = memory();
    const inst = await WebAssembly.instantiate(mod, importObject(mem)).catch((e) => { throw loadError(flavour, e); });
    if (bound?.memory !== mem && memory() === mem) {
      bound = { memory: mem, exports: inst.exports as Record<string, unknown> };
      cache.fns.clear();
    }
  }
}

type Fs = typeof import('node:fs');
type PathNs = typeof import('node:path');
type UrlNs = typeof import('node:url');

/** Node only: where pixels.wasm (or pixels-mt.wasm) is (no static node: import, the browser bundle shares this file). */
export function pixelsPath(flavour: PixelsFlavour = 'single'): string | null {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (m: string) => unknown } }).process;
  const get = proc?.getBuiltinModule;
  if (!get) return null;
  const fs = get('node:fs') as Fs, path = get('node:path') as PathNs, url = get('node:url') as UrlNs;
  const env = proc.env ?? {};
  const file = FILE[flavour];
  const envName = flavour === 'single' ? 'VIDWASM_PIXELS' : 'VIDWASM_PIXELS_MT';
  const explicit = env[envName];
  if (explicit) {
    if (!fs.existsSync(explicit)) throw new VidwasmError('E_LOAD', `${envName} points to ${explicit}, which does not exist`);
    return explicit;
  }
  // next to the C module(s) the runtime was pointed at
  for (const wasm of flavour === 'single' ? [env.VIDWASM_WASM] : [env.VIDWASM_WASM_MT, env.VIDWASM_WASM]) {
    if (!wasm) continue;
    const c = path.join(path.dirname(wasm), file);
    if (fs.existsSync(c)) return c;
  }
  let dir = path.dirname(url.fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    for (const c of [path.join(dir, file), path.join(dir, 'wasm', file)]) if (fs.existsSync(c)) return c;
    dir = path.dirname(dir);
  }
  return null;
}

function ensure(): Record<string, unknown> {
  const mem = memory();
  if (bound && bound.memory === mem) return bound.exports;
  // First use, or the runtime swapped memories (setNumThreads(n > 1) -> vidwasm-mt.wasm's shared one).
  const flavour = currentFlavour();
  if (modules[flavour]) return bind(flavour);
  const p = pixelsPath(flavour);
  if (p) {
    const fs = (globalThis as unknown as { process: { getBuiltinModule(m: string): unknown } }).process.getBuiltinModule('node:fs') as Fs;
    initPixels(fs.readFileSync(p), flavour);
    return bound?.memory === mem ? bound.exports : bind(flavour);
  }
  throw new VidwasmError('E_NOT_READY', flavour === 'single'
    ? 'the pixel kernels (pixels.wasm) are not loaded: run `make pixels` (or set VIDWASM_PIXELS), or in a browser await data.initPixelsAsync(url) first'
    : 'the pixel kernels over shared memory (pixels-mt.wasm, needed after setNumThreads(n > 1)) are not loaded: run `make pixels-mt` ' +
      "(or set VIDWASM_PIXELS_MT), or in a browser await data.initPixelsAsync(url, 'shared') first");
}

/** The pixel kernel `name` for the current backend (its `_scalar` twin under setBackend('scalar')). */
export function pixelKernel(name: string): PixelFn {
  const ex = ensure();
  const b = getBackend();
  if (cache.backend !== b) { cache.backend = b; cache.fns.clear(); }
  let fn = cache.fns.get(name);
  if (fn) return fn;
  const key = b === 'scalar' ? `${name}_scalar` : name;
  const f = ex[key] ?? ex[name];
  if (typeof f !== 'function') throw new VidwasmError('E_NO_KERNEL', `pixels.wasm has no kernel ${key}`);
  fn = f as PixelFn;
  cache.fns.set(name, fn);
  return fn;
}

/** Names of the exported pixel kernels. */
export function pixelKernelNames(): string[] {
  const ex = ensure();
  return Object.keys(ex).filter((k) => typeof ex[k] === 'function');
}

/**
 * Scratch memory for kernels (column tables, row buffers): one block, grown on demand and kept,
 * so repeated transforms do not churn malloc. Kernels are synchronous, so one block suffices.
 * The block belongs to the memory it was allocated in: after a memory swap it is simply
 * forgotten (that memory and everything in it is gone), never freed into the new one.
 */
let scratchPtr = 0, scratchBytes = 0;
let scratchMem: WebAssembly.Memory | null = null;
export function scratch(nbytes: number): number {
  const mem = memory();
  if (scratchMem !== mem) { scratchMem = mem; scratchPtr = 0; scratchBytes = 0; }
  if (nbytes > scratchBytes) {
    if (scratchPtr) free(scratchPtr);
    scratchPtr = 0;
    scratchBytes = 0;
    scratchPtr = malloc(Math.max(nbytes, 64 * 1024), 'pixel kernel scratch');
    scratchBytes = Math.max(nbytes, 64 * 1024);
  }
  return scratchPtr;
}
