// Node host: reads vidwasm.wasm from disk (synchronously, so `import 'vidwasm'` is enough).
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { features, initFromModule, isReady, isSharedModule, setMemoryLimit } from '../wasm.js';
import { adoptRelaxed, relaxedNotes } from '../relaxed.js';
import { VidwasmError } from '../errors.js';
import { initShared } from '../threads/index.js';

/** Where vidwasm.wasm is: $VIDWASM_WASM, next to the bundle (dist/), or the repo's wasm/ folder. */
export function wasmPath(): string {
  const env = process.env.VIDWASM_WASM;
  if (env) {
    if (!existsSync(env)) throw new VidwasmError('E_LOAD', `cannot read ${env}: no such file (VIDWASM_WASM names it)`);
    return env;
  }
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    for (const c of [join(dir, 'vidwasm.wasm'), join(dir, 'wasm', 'vidwasm.wasm')]) if (existsSync(c)) return c;
    dir = dirname(dir);
  }
  throw new VidwasmError('E_LOAD', 'vidwasm.wasm not found: run `make wasm` (or set VIDWASM_WASM to its path)');
}

export interface NodeInitOptions {
  /** vidwasm.wasm's path (default: wasmPath()). Only the first load uses it. */
  wasmPath?: string;
  /** Most memory the runtime may use, in bytes (default 4 GiB): allocations past it fail with an OutOfMemoryError. */
  maxMemoryBytes?: number;
}

/**
 * Loads the kernel module synchronously (once: the Node entry does at import, so later calls only
 * apply maxMemoryBytes; `await init()` works too, as in the browser entry). Node always has
 * SharedArrayBuffer, so it starts on the threads build (vidwasm-mt.wasm, $VIDWASM_WASM_MT or
 * beside vidwasm.wasm) over a shared memory: a Tensor.data() view then stays valid when memory
 * grows (a plain memory's growth detaches it and its writes are lost), and setNumThreads works at
 * any time. VIDWASM_SHARED_MEMORY=0, or a missing vidwasm-mt.wasm, keeps the single-thread module
 * (what browsers without isolation run).
 */
export function initNode(opts: string | NodeInitOptions = {}): void {
  const o = typeof opts === 'string' ? { wasmPath: opts } : opts;
  if (!isReady()) load(o.wasmPath ?? wasmPath());
  setMemoryLimit(o.maxMemoryBytes);
}

function load(path: string): void {
  const mt = process.env.VIDWASM_WASM_MT ?? join(dirname(path), 'vidwasm-mt.wasm');
  if (process.env.VIDWASM_SHARED_MEMORY !== '0' && existsSync(mt)) initShared(readFileSync(mt));
  else initFromModule(readFileSync(path));
  const relaxed = relaxedWasmPath(path);
  if (!relaxed || !features().relaxedSimd) return;
  // The relaxed kernels import a plain memory (there is no shared build of them yet).
  if (isSharedModule()) relaxedNotes.push('the relaxed kernels are not loaded over the shared memory Node starts on: run with VIDWASM_SHARED_MEMORY=0 to use them');
  else adoptRelaxed(readFileSync(relaxed));
}

/**
 * vidwasm-relaxed.wasm ($VIDWASM_WASM_RELAXED, else next to vidwasm.wasm), or null when absent:
 * the relaxed variants are optional, the plain kernels run everywhere.
 */
export function relaxedWasmPath(main = wasmPath()): string | null {
  const p = process.env.VIDWASM_WASM_RELAXED || join(dirname(main), 'vidwasm-relaxed.wasm');
  return existsSync(p) ? p : null;
}
