// Loader of the AssemblyScript pixel kernels (pixels.wasm, built from native/pixels). The module
// imports the C module's WebAssembly.Memory, so its kernels read and write vidwasm Tensors in
// place: pointers are tensor byte offsets, scratch is vidwasm malloc'd. Like the C kernels,
// `pixelKernel(name)` follows the runtime's backend switch (setBackend('scalar') picks the
// `<name>_scalar` twins).
//
// Node: loaded synchronously on first use from $VIDWASM_PIXELS, else next to vidwasm.wasm
// ($VIDWASM_WASM's folder), else next to the bundle / the repo's wasm/ folder. Browser: the
// entry calls initPixelsAsync() with the URL next to the bundle.
import { VidwasmError } from '../runtime/errors.js';
import { memory, getBackend, malloc, free } from '../runtime/wasm.js';

export type PixelFn = (...args: number[]) => void;

let exportsOf: Record<string, unknown> | null = null;
const cache = { backend: '', fns: new Map<string, PixelFn>() };

// The C module's memory pixels.wasm was linked to: setNumThreads(n > 1) swaps the C module for
// its shared-memory build, which this (non-shared) import cannot follow (ensure() says so).
let boundTo: WebAssembly.Memory | null = null;

function importObject(): WebAssembly.Imports {
  boundTo = memory();
  return {
    env: {
      memory: boundTo,
      abort: (_msg: number, _file: number, line: number, col: number) => {
        throw new VidwasmError('E_PIXELS', `pixels.wasm aborted at ${line}:${col}`);
      },
    },
  };
}

function loadError(e: unknown): VidwasmError {
  return new VidwasmError('E_LOAD', `pixels.wasm could not be loaded (${e instanceof Error ? e.message : String(e)})`);
}

export function pixelsReady(): boolean { return exportsOf !== null; }

/** Instantiates pixels.wasm from its bytes or a compiled module (synchronously). */
export function initPixels(source: BufferSource | WebAssembly.Module): void {
  if (exportsOf) return;
  try {
    const mod = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
    exportsOf = new WebAssembly.Instance(mod, importObject()).exports as Record<string, unknown>;
  } catch (e) { throw loadError(e); }
}

/** Browser form: fetches and compiles pixels.wasm asynchronously. */
export async function initPixelsAsync(source: string | URL | Response | Promise<Response> | BufferSource): Promise<void> {
  if (exportsOf) return;
  let bytes: BufferSource;
  if (typeof source === 'string' || source instanceof URL) source = fetch(source);
  if (source instanceof Promise || (typeof Response !== 'undefined' && source instanceof Response)) {
    const res = await source;
    if (!res.ok) throw new VidwasmError('E_LOAD', `could not fetch pixels.wasm: HTTP ${res.status} ${res.url}`);
    bytes = await res.arrayBuffer();
  } else bytes = source as BufferSource;
  const mod = await WebAssembly.compile(bytes).catch((e) => { throw loadError(e); });
  if (exportsOf) return;
  const inst = await WebAssembly.instantiate(mod, importObject()).catch((e) => { throw loadError(e); });
  exportsOf = inst.exports as Record<string, unknown>;
}

type Fs = typeof import('node:fs');
type PathNs = typeof import('node:path');
type UrlNs = typeof import('node:url');

/** Node only: where pixels.wasm is (no static node: import, the browser bundle shares this file). */
export function pixelsPath(): string | null {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (m: string) => unknown } }).process;
  const get = proc?.getBuiltinModule;
  if (!get) return null;
  const fs = get('node:fs') as Fs, path = get('node:path') as PathNs, url = get('node:url') as UrlNs;
  const env = proc.env ?? {};
  if (env.VIDWASM_PIXELS) {
    if (!fs.existsSync(env.VIDWASM_PIXELS)) throw new VidwasmError('E_LOAD', `VIDWASM_PIXELS points to ${env.VIDWASM_PIXELS}, which does not exist`);
    return env.VIDWASM_PIXELS;
  }
  if (env.VIDWASM_WASM) {
    const c = path.join(path.dirname(env.VIDWASM_WASM), 'pixels.wasm');
    if (fs.existsSync(c)) return c;
  }
  let dir = path.dirname(url.fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    for (const c of [path.join(dir, 'pixels.wasm'), path.join(dir, 'wasm', 'pixels.wasm')]) if (fs.existsSync(c)) return c;
    dir = path.dirname(dir);
  }
  return null;
}

function ensure(): Record<string, unknown> {
  if (exportsOf && boundTo !== memory()) {
    throw new VidwasmError('E_PIXELS', 'the pixel kernels are unavailable with threads: pixels.wasm imports a non-shared ' +
      'memory and stays bound to the single-thread module replaced by setNumThreads(n > 1)');
  }
  if (exportsOf) return exportsOf;
  const p = pixelsPath();
  if (p) {
    const fs = (globalThis as unknown as { process: { getBuiltinModule(m: string): unknown } }).process.getBuiltinModule('node:fs') as Fs;
    initPixels(fs.readFileSync(p));
    return exportsOf!;
  }
  throw new VidwasmError('E_NOT_READY',
    'the pixel kernels (pixels.wasm) are not loaded: run `make pixels` (or set VIDWASM_PIXELS), or in a browser await data.initPixelsAsync(url) first');
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
  return Object.keys(ensure()).filter((k) => typeof ensure()[k] === 'function');
}

/**
 * Scratch memory for kernels (column tables, row buffers): one block, grown on demand and kept,
 * so repeated transforms do not churn malloc. Kernels are synchronous, so one block suffices.
 */
let scratchPtr = 0, scratchBytes = 0;
export function scratch(nbytes: number): number {
  if (nbytes > scratchBytes) {
    if (scratchPtr) free(scratchPtr);
    scratchBytes = Math.max(nbytes, 64 * 1024);
    scratchPtr = malloc(scratchBytes, 'pixel kernel scratch');
  }
  return scratchPtr;
}
