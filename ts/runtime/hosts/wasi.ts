// WASI host for JavaScript runtimes, on @bjorn3/browser_wasi_shim.
//
// What the shim does and does not add, honestly:
//  - The kernel module vidwasm.wasm is a *reactor* with zero imports, so it needs nothing from
//    WASI: initWasi() instantiates it through the same loader as Node and browsers, which
//    calls `_initialize()` (all the WASI reactor protocol asks; the shim's initialize() does no more).
//    What the shim gives a WASI-style app is the environment around it: args, env and an
//    in-memory file system (initWasi can read vidwasm.wasm from a shim directory).
//  - The WASI *command* vidwasm-cmd.wasm (`make wasi`: native/kernels/wasi/main.c linked with
//    the same kernel objects) imports wasi_snapshot_preview1; runWasiCommand() runs it under the
//    shim with stdin/stdout/stderr as in-memory files, in Node or in a page. The same command
//    runs under jco or wasmtime unchanged.
import { ConsoleStdout, Directory, File, OpenFile, PreopenDirectory, WASI, type Inode } from '@bjorn3/browser_wasi_shim';
import { VidwasmError } from '../errors.js';
import { getBackend, getIsa, initFromModule, isReady } from '../wasm.js';
import { Plan } from './plan.js';
import { disableThreads } from '../threads/index.js';

export interface WasiEnvOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Files under the preopened directory "/" (path -> bytes); nested paths create directories. */
  files?: Record<string, Uint8Array>;
}

/** Builds an in-memory directory tree from { 'a/b.bin': bytes }. */
function tree(files: Record<string, Uint8Array>): Map<string, Inode> {
  const root = new Map<string, Inode>();
  for (const [path, data] of Object.entries(files)) {
    const parts = path.split('/').filter(Boolean);
    let dir = root;
    for (const p of parts.slice(0, -1)) {
      let d = dir.get(p);
      if (!(d instanceof Directory)) { d = new Directory(new Map()); dir.set(p, d); }
      dir = (d as Directory).contents;
    }
    dir.set(parts[parts.length - 1], new File(data));
  }
  return root;
}

/** Reads a file from a shim directory ("/models/x.wasm" style paths). */
export function readShimFile(dir: Directory | PreopenDirectory, path: string): Uint8Array {
  const contents = dir instanceof PreopenDirectory ? dir.dir.contents : dir.contents;
  let node: Inode | undefined;
  let cur = contents;
  for (const p of path.split('/').filter(Boolean)) {
    node = cur.get(p);
    if (node instanceof Directory) cur = node.contents;
  }
  if (!(node instanceof File)) throw new VidwasmError('E_LOAD', `no file ${path} in the WASI directory`);
  return node.data;
}

/**
 * Loads the kernel module in a WASI-shim context: `source` is the module (bytes or compiled) or
 * a path inside `dir`, the shim directory holding it. Returns the WASI object the reactor was
 * initialised with (args/env/fds for the app's own use).
 */
export function initWasi(source: BufferSource | WebAssembly.Module | string, opts: WasiEnvOptions & { dir?: Directory | PreopenDirectory } = {}): WASI {
  const root = opts.dir ?? new PreopenDirectory('/', tree(opts.files ?? {}));
  const wasi = new WASI(opts.args ?? ['vidwasm'], Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`), [
    new OpenFile(new File([])), ConsoleStdout.lineBuffered(console.log), ConsoleStdout.lineBuffered(console.error),
    root instanceof PreopenDirectory ? root : new PreopenDirectory('/', root.contents),
  ], { debug: false });
  disableThreads('WASI hosts run single-threaded (no shared memory or workers in WASI preview 1)');
  if (isReady()) return wasi;
  const bytes = typeof source === 'string' ? readShimFile(root, source) : source;
  // The loader instantiates with no imports and calls _initialize (the reactor protocol).
  initFromModule(bytes);
  return wasi;
}

export interface WasiRunResult { exitCode: number; stdout: Uint8Array; stderr: string }

/**
 * Runs a WASI command module under the shim: `stdin` is fd 0, stdout/stderr are collected,
 * `files` (or the directory `dir`) are preopened at "/". Synchronous (the shim is), so keep
 * inputs modest.
 */
export function runWasiCommand(command: BufferSource | WebAssembly.Module,
  opts: WasiEnvOptions & { stdin?: Uint8Array; dir?: PreopenDirectory } = {}): WasiRunResult {
  const out: Uint8Array[] = [];
  let err = '';
  const dec = new TextDecoder();
  const wasi = new WASI(['vidwasm-cmd', ...(opts.args ?? [])], Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`), [
    new OpenFile(new File(opts.stdin ?? new Uint8Array(0), { readonly: true })),
    new ConsoleStdout((b) => { out.push(b.slice()); }),
    new ConsoleStdout((b) => { err += dec.decode(b, { stream: true }); }),
    opts.dir ?? new PreopenDirectory('/', tree(opts.files ?? {})), // pass `dir` to read files the command writes
  ], { debug: false }); // the shim logs every call unless told not to
  const module = command instanceof WebAssembly.Module ? command : new WebAssembly.Module(command);
  const imports = WebAssembly.Module.imports(module);
  const foreign = imports.filter((i) => i.module !== 'wasi_snapshot_preview1');
  if (foreign.length) throw new VidwasmError('E_LOAD', `not a WASI command: imports ${foreign.map((i) => `${i.module}.${i.name}`).join(', ')}`);
  if (!WebAssembly.Module.exports(module).some((e) => e.name === '_start')) throw new VidwasmError('E_LOAD', 'not a WASI command: no _start export');
  const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport });
  const exitCode = wasi.start(instance as unknown as { exports: { memory: WebAssembly.Memory; _start: () => unknown } });
  const total = out.reduce((s, b) => s + b.byteLength, 0);
  const stdout = new Uint8Array(total);
  let at = 0;
  for (const b of out) { stdout.set(b, at); at += b.byteLength; }
  return { exitCode, stdout, stderr: err };
}

/** Kernel choice for the command; defaults to what the loader uses (when loaded), else simd/x86. */
export interface CommandKernelChoice { backend?: 'simd' | 'scalar'; isa?: 'x86' | 'arm' }
/** Command-line flags that make the command pick the same kernel variants as kernel(). */
export function commandArgs(choice: CommandKernelChoice = {}): string[] {
  const backend = choice.backend ?? (isReady() ? getBackend() : 'simd');
  const isa = choice.isa ?? (isReady() ? getIsa() : 'x86');
  return ['--backend', backend, '--isa', isa];
}

/** The command's stdin for a plan: the plan bytes followed by the raw bytes of its inputs, in order. */
export function commandStdin(plan: Plan | Uint8Array, inputs: ArrayBufferView | ArrayBufferView[] = []): Uint8Array {
  const parts = [plan instanceof Uint8Array ? plan : plan.save(),
    ...(Array.isArray(inputs) ? inputs : [inputs]).map((x) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength))];
  const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  parts.reduce((at, p) => { all.set(p, at); return at + p.byteLength; }, 0);
  return all;
}

/** Runs a plan with the WASI command under the shim; returns the raw bytes of its output. */
export function runPlanCommand(command: BufferSource | WebAssembly.Module, plan: Plan | Uint8Array, inputs: ArrayBufferView | ArrayBufferView[] = [],
  choice: CommandKernelChoice = {}): Uint8Array {
  const r = runWasiCommand(command, { args: commandArgs(choice), stdin: commandStdin(plan, inputs) });
  if (r.exitCode !== 0) throw new VidwasmError('E_WASI', `vidwasm-cmd exited with ${r.exitCode}: ${r.stderr.trim()}`);
  return r.stdout;
}
