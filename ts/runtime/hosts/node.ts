// Node host: reads vidwasm.wasm from disk (synchronously, so `import 'vidwasm'` is enough).
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { features, initFromModule, isReady } from '../wasm.js';
import { adoptRelaxed } from '../relaxed.js';
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

export function initNode(path = wasmPath()): void {
  if (isReady()) return;
  initFromModule(readFileSync(path));
  const relaxed = relaxedWasmPath(path);
  if (relaxed && features().relaxedSimd) adoptRelaxed(readFileSync(relaxed));
}

/**
 * vidwasm-relaxed.wasm ($VIDWASM_WASM_RELAXED, else next to vidwasm.wasm), or null when absent:
 * the relaxed variants are optional, the plain kernels run everywhere.
 */
export function relaxedWasmPath(main = wasmPath()): string | null {
  const p = process.env.VIDWASM_WASM_RELAXED || join(dirname(main), 'vidwasm-relaxed.wasm');
  return existsSync(p) ? p : null;
}
