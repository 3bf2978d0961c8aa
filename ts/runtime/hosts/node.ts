// Node host: reads vidwasm.wasm from disk (synchronously, so `import 'vidwasm'` is enough).
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { initFromModule, isReady, setMemoryLimit } from '../wasm.js';
import { VidwasmError } from '../errors.js';

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
 * Loads vidwasm.wasm synchronously (once: the Node entry does at import, so later calls only
 * apply maxMemoryBytes). `await init()` works too, as in the browser entry.
 */
export function initNode(opts: string | NodeInitOptions = {}): void {
  const o = typeof opts === 'string' ? { wasmPath: opts } : opts;
  if (!isReady()) initFromModule(readFileSync(o.wasmPath ?? wasmPath()));
  setMemoryLimit(o.maxMemoryBytes);
}
