// One @ffmpeg/core (ffmpeg.wasm, single thread, FFmpeg 5.1) instance for the whole process,
// driven directly: @ffmpeg/ffmpeg refuses Node, and creating a core costs ~0.4 s, so every
// file reuses this one. Input files are mounted, never copied: the core's WORKERFS is given a
// blob-like object whose slices are read with fs.readSync (pread) from the host file, so a
// 2 GB video costs 2 GB of nothing. Outputs go to registered character devices whose `write`
// hands the bytes straight to a JS sink (no MEMFS output file, which is slow and eats memory).
import { fileStem, nodeHost, type NodeHost } from './node_host.js';
import type { LogLine } from './ffmpeg_clip.js';
import type { ByteSink } from './sinks.js';

// The subset of the emscripten Module that @ffmpeg/core exposes and that we use.
interface EmStreamOps {
  open?(stream: unknown): void; close?(stream: unknown): void;
  read?(...a: unknown[]): number; llseek?(...a: unknown[]): number;
  write(stream: unknown, buffer: Uint8Array, offset: number, length: number, position?: number): number;
}
interface EmFS {
  mkdir(path: string): void; rmdir(path: string): void;
  mount(type: unknown, opts: unknown, mountpoint: string): void; unmount(mountpoint: string): void;
  makedev(major: number, minor: number): number; registerDevice(dev: number, ops: EmStreamOps): void;
  mkdev(path: string, dev: number): void;
  writeFile(path: string, data: Uint8Array): void; readFile(path: string): Uint8Array;
  unlink(path: string): void; readdir(path: string): string[];
  filesystems: { WORKERFS: { reader: unknown } };
  ErrnoError: new (errno: number) => Error;
}
interface FFmpegCore {
  FS: EmFS;
  asm: Record<string, unknown>;
  exec(...args: string[]): number;
  ffprobe(...args: string[]): number;
  setLogger(fn: (l: LogLine) => void): void;
  setTimeout(ms: number): void;
  reset(): void;
}

/** A slice of a host file, as WORKERFS expects from a Blob (size + slice), read with pread. */
interface HostSlice { fd: number; start: number; end: number; size: number }
function hostBlob(fd: number, size: number) {
  return {
    size,
    slice(s: number, e?: number): HostSlice {
      const start = Math.min(size, s), end = Math.min(size, e ?? size);
      return { fd, start, end, size: Math.max(0, end - start) };
    },
  };
}
// Stands in for FileReaderSync (which Node lacks): WORKERFS calls readAsArrayBuffer(slice).
const hostReader = (fs: NodeHost['fs']) => ({
  readAsArrayBuffer(c: HostSlice): ArrayBuffer {
    const buf = new Uint8Array(c.size);
    let got = 0;
    while (got < c.size) {
      const n = fs.readSync(c.fd, buf, got, c.size - got, c.start + got);
      if (n === 0) break; // the file shrank under us: WORKERFS sees a short read
      got += n;
    }
    return buf.buffer.slice(0, got);
  },
});

type CoreFactory = (opts: object) => Promise<FFmpegCore>;
interface Loaded { factory: CoreFactory; module: WebAssembly.Module; stackNames: [string, string] | null; host: NodeHost }

/** Finds, imports and compiles @ffmpeg/core once per process. */
async function loadCore(): Promise<Loaded> {
  const host = await nodeHost('decoding video files');
  // The core's emscripten glue was built for browsers/workers and reads self.location.
  const g = globalThis as unknown as { self?: unknown };
  g.self ??= { location: { href: import.meta.url } };
  // Resolve @ffmpeg/core from this file (the installed package), else from the working dir.
  let resolved: string;
  try {
    resolved = host.module.createRequire(import.meta.url).resolve('@ffmpeg/core');
  } catch {
    resolved = host.module.createRequire(`${process.cwd()}/`).resolve('@ffmpeg/core');
  }
  const jsPath = resolved.replace(/umd([\\/])ffmpeg-core\.js$/, 'esm$1ffmpeg-core.js');
  const wasmPath = jsPath.replace(/\.js$/, '.wasm');
  const load = (u: string) => import(u) as Promise<{ default: CoreFactory }>;
  const [mod, module] = await Promise.all([
    load(host.url.pathToFileURL(jsPath).href),
    WebAssembly.compile(host.fs.readFileSync(wasmPath)),
  ]);
  // The glue keeps stackSave/stackRestore private; their (minified) export names are in it.
  const glue = host.fs.readFileSync(jsPath, 'utf8');
  const name = (f: string) => new RegExp(`${f}=Module\\["asm"\\]\\["(\\w+)"\\]`).exec(glue)?.[1];
  const save = name('stackSave'), restore = name('stackRestore');
  return { factory: mod.default, module, stackNames: save && restore ? [save, restore] : null, host };
}

export interface RunResult { ret: number; log: LogLine[]; timedOut: boolean; ms: number }

/** The shared core plus the plumbing around it (mounts, device sinks, log capture, time limit). */
export class FFmpegNode {
  private log: LogLine[] = [];
  private sinks: (ByteSink | null)[] = [];
  private mountId = 0;

  private constructor(private readonly core: FFmpegCore, readonly host: NodeHost,
    private readonly stack: { save(): number; restore(sp: number): void } | null) {
    core.setLogger((l) => { this.log.push(l); });
    core.FS.filesystems.WORKERFS.reader = hostReader(host.fs);
    core.FS.mkdir('/vw');
    // Two output devices: /vw/sink0 (video) and /vw/sink1 (audio).
    for (let i = 0; i < 2; i++) {
      const dev = core.FS.makedev(64, 10 + i);
      core.FS.registerDevice(dev, {
        open: () => {}, close: () => {}, llseek: () => 0, read: () => 0,
        write: (_s, buffer, offset, length) => {
          const sink = this.sinks[i];
          // ErrnoError becomes a -ENOSPC return inside the core: a clean ffmpeg write error.
          if (sink && !sink.write(buffer.subarray(offset, offset + length))) throw new core.FS.ErrnoError(28);
          return length;
        },
      });
      core.FS.mkdev(FFmpegNode.SINKS[i], dev);
    }
  }

  private static instance: Promise<FFmpegNode> | null = null;
  private static loaded: Promise<Loaded> | null = null;
  /** Runs before a core is replaced by a fresh one (a safety net for leaks inside ffmpeg). */
  static maxRunsPerCore = 400;
  private runs = 0;
  private retired = false;

  /**
   * The process-wide core (created on first use). A core that crashed, or that has done
   * maxRunsPerCore runs, is replaced here by a fresh instance of the compiled module.
   */
  static async get(): Promise<FFmpegNode> {
    FFmpegNode.instance ??= FFmpegNode.create();
    const ff = await FFmpegNode.instance;
    if (!ff.retired) return ff;
    FFmpegNode.instance = FFmpegNode.create();
    return FFmpegNode.instance;
  }

  private static async create(): Promise<FFmpegNode> {
    FFmpegNode.loaded ??= loadCore();
    const { factory, module, stackNames, host } = await FFmpegNode.loaded;
    const core = await factory({
      // Instantiate the module compiled once; a new core then costs an instantiation only.
      instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
        WebAssembly.instantiate(module, imports).then((inst) => done(inst, module));
        return {};
      },
    });
    const save = stackNames && core.asm[stackNames[0]], restore = stackNames && core.asm[stackNames[1]];
    const stack = typeof save === 'function' && typeof restore === 'function'
      ? { save: save as () => number, restore: restore as (sp: number) => void } : null;
    return new FFmpegNode(core, host, stack);
  }

  /**
   * Mounts host files read-only under a fresh directory and runs fn with their in-core paths;
   * unmounts and closes them afterwards, whatever happens.
   */
  withMounted<R>(hostPaths: string[], fn: (paths: string[]) => R, names?: string[]): R {
    const dir = `/vw/in${this.mountId++}`;
    const fs = this.host.fs;
    const fds: number[] = [];
    try {
      const blobs = hostPaths.map((p, i) => {
        const fd = fs.openSync(p, 'r');
        fds.push(fd);
        // Neutral names: a path with spaces, quotes or '%' must not confuse ffmpeg's parsers.
        const name = names?.[i] ?? `input${i}${safeExt(p)}`;
        return { name, data: hostBlob(fd, fs.fstatSync(fd).size) };
      });
      this.core.FS.mkdir(dir);
      this.core.FS.mount(this.core.FS.filesystems.WORKERFS, { blobs }, dir);
      try {
        return fn(blobs.map((b) => `${dir}/${b.name}`));
      } finally {
        this.core.FS.unmount(dir);
        this.core.FS.rmdir(dir);
      }
    } finally {
      for (const fd of fds) fs.closeSync(fd);
    }
  }

  /**
   * Runs `ffmpeg args...` (or ffprobe) synchronously. The core itself checks the time limit in
   * its main loop (Module.setTimeout), returning early with ret 1: that is the watchdog, since
   * a synchronous wasm call cannot be interrupted from the same thread.
   */
  run(tool: 'ffmpeg' | 'ffprobe', args: string[], opts: { timeoutMs?: number; sinks?: (ByteSink | null)[] } = {}): RunResult {
    this.log = [];
    this.sinks = opts.sinks ?? [];
    this.core.reset();
    const limit = opts.timeoutMs ?? -1;
    this.core.setTimeout(limit);
    const t0 = performance.now();
    let ret: number;
    const sp = this.stack?.save();
    if (++this.runs >= FFmpegNode.maxRunsPerCore) this.retired = true;
    try {
      ret = tool === 'ffmpeg' ? this.core.exec(...args) : this.core.ffprobe(...args);
    } catch (e) {
      this.retired = true; // a wasm trap leaves the core in an unknown state: never reuse it
      throw e;
    } finally {
      this.sinks = [];
      // ffmpeg ends every run with abort(), a JS exception thrown through the wasm frames:
      // the C stack pointer is never unwound, so each run leaks its stack depth and after
      // ~100 runs the stack overruns the heap (ffmpeg.wasm issues #563/#820: "memory access
      // out of bounds" or a hang). Restoring the stack pointer makes runs independent.
      if (sp !== undefined) this.stack!.restore(sp);
    }
    const ms = performance.now() - t0;
    const timedOut = limit > 0 && ret !== 0 && ms >= limit * 0.9;
    return { ret, log: this.log, timedOut, ms };
  }

  /**
   * Runs fn with a scratch folder in the core's in-memory FS: `write` puts a file there and
   * returns its in-core path, `read` copies a file back out. Everything in the folder is deleted
   * afterwards. For small jobs whose output is a file (encoding a few-KiB clip); decoding uses
   * withMounted and the sinks, never MEMFS.
   */
  withScratch<R>(fn: (s: { write(name: string, data: Uint8Array): string; read(name: string): Uint8Array; path(name: string): string }) => R): R {
    const dir = `/vw/scratch${this.mountId++}`;
    const FS = this.core.FS;
    FS.mkdir(dir);
    const path = (name: string) => `${dir}/${name.replace(/[\\/]/g, '_')}`;
    try {
      return fn({
        path,
        write: (name, data) => { FS.writeFile(path(name), data); return path(name); },
        read: (name) => FS.readFile(path(name)).slice(),
      });
    } finally {
      // After a trap the core is retired anyway; never let cleanup hide the original error.
      try {
        for (const f of FS.readdir(dir)) if (f !== '.' && f !== '..') FS.unlink(`${dir}/${f}`);
        FS.rmdir(dir);
      } catch { /* retired core */ }
    }
  }

  /** Device paths of the sinks passed to run(): index 0 and 1. */
  static sinkPath(i: 0 | 1): string { return FFmpegNode.SINKS[i]; }
  static readonly SINKS = ['/vw/sink0', '/vw/sink1'] as const;
}

function safeExt(p: string): string {
  const base = p.split(/[\\/]/).pop() ?? '';
  const e = base.slice(fileStem(base).length).toLowerCase();
  return /^\.[a-z0-9]{1,8}$/.test(e) ? e : '';
}
