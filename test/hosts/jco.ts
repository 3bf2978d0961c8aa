// Runs the WASI command (wasm/vidwasm-cmd.wasm, built by `make wasi`) the way a WASI host
// would: jco wraps the core module into a component with its preview1 adapter
// (`jco new --wasi-command`) and `jco run` executes it under Node's preview2 shim.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Path of the core WASI command: $VIDWASM_WASI_CMD, else next to $VIDWASM_WASM, else wasm/. */
export function commandPath(): string {
  const p = process.env.VIDWASM_WASI_CMD
    ?? (process.env.VIDWASM_WASM ? join(dirname(process.env.VIDWASM_WASM), 'vidwasm-cmd.wasm') : join(root, 'wasm', 'vidwasm-cmd.wasm'));
  if (!existsSync(p)) throw new Error(`WASI command ${p} not found: run \`make wasi\` (make test builds it)`);
  return p;
}

export function jcoBin(): string {
  const req = createRequire(join(root, 'package.json'));
  try {
    const cli = join(dirname(req.resolve('@bytecodealliance/jco')), 'jco.js'); // dist/api.js -> dist/jco.js (the CLI)
    if (existsSync(cli)) return cli;
  } catch { /* not installed */ }
  throw new Error('@bytecodealliance/jco is not installed: run `npm ci` (make setup)');
}

let component: string | null = null;
/** `jco new <core> --wasi-command -o <component>` once per process. */
export function wrapCommand(): string {
  if (component) return component;
  const out = join(mkdtempSync(join(tmpdir(), 'vidwasm-jco-')), 'vidwasm-cmd.component.wasm');
  const r = spawnSync(process.execPath, [jcoBin(), 'new', commandPath(), '--wasi-command', '-o', out], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(out)) throw new Error(`jco new failed (exit ${r.status}): ${r.stderr}`);
  component = out;
  return out;
}

/** `jco run <component> ...args` with `stdin` piped in; returns stdout bytes, stderr and status. */
export function jcoRun(args: string[], stdin: Uint8Array): { stdout: Uint8Array; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [jcoBin(), 'run', wrapCommand(), ...args], { input: stdin, maxBuffer: 1 << 28 });
  return { stdout: new Uint8Array(r.stdout), stderr: r.stderr.toString(), status: r.status };
}

