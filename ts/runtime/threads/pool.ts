// A pool of workers over one shared WebAssembly.Memory. The main thread is worker "slot 0": it
// hands slots 1..n-1 to the workers, runs slot 0 itself, then waits for the others, so a
// parallel kernel call is synchronous from the caller's view.
//
// Waiting: where Atomics.wait is allowed (Node's main thread, any worker) the main thread sleeps
// on the worker's DONE word. A browser's main thread may not block (Atomics.wait throws there),
// and the ops are synchronous, so Atomics.waitAsync cannot help: there it spins on Atomics.load.
// That is sound (the workers are real threads that progress on their own; the spin only burns
// the main thread's own core while it would otherwise be idle) and short (the main thread has
// just done an equal share of the work, so the wait is the imbalance, not the whole job).
import { VidwasmError } from '../errors.js';
import { free, malloc, memory, rawExport } from '../wasm.js';
import { controlBytes, jobOffsetF64, CALL_F64, DONE, ERR, MAX_ARGS, MAX_CALLS, QUIT, SEQ, SLOT_INTS } from './protocol.js';
import { workerSource } from './worker_source.js';
import { nodeBuiltin } from '../hosts/node_builtins.js';

/** One kernel call: the resolved export name (wasm.kernelExport) and its numeric arguments. */
export interface ExportCall { fn: string; args: number[] }

/** Each worker's stack (the main thread's is TOTAL_STACK = 1 MiB; kernels use little of it). */
const STACK_BYTES = 1024 * 1024;

interface AnyWorker { postMessage(m: unknown): void; terminate(): unknown }

let canBlock: boolean | null = null;
/** Whether this thread may call Atomics.wait (false on a browser's main thread). */
function mayBlock(i32: Int32Array): boolean {
  if (canBlock === null) {
    try { Atomics.wait(i32, 0, 1, 0); canBlock = true; } catch { canBlock = false; }
  }
  return canBlock;
}

export class Pool {
  readonly size: number;  // threads including the main thread
  private workers: AnyWorker[] = [];
  private stacks: number[] = [];
  private i32: Int32Array;
  private f64: Float64Array;
  private seq = 0;
  private index = new Map<string, number>();
  private closed = false;

  private constructor(size: number, control: SharedArrayBuffer, names: string[]) {
    this.size = size;
    this.i32 = new Int32Array(control);
    this.f64 = new Float64Array(control);
    names.forEach((n, i) => this.index.set(n, i));
  }

  /** Starts size-1 workers on the loaded (shared) module; resolves once each is waiting for jobs. */
  static async start(size: number, module: WebAssembly.Module): Promise<Pool> {
    const nw = size - 1;
    const control = new SharedArrayBuffer(controlBytes(nw));
    const names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function' && e.name.startsWith('vw_')).map((e) => e.name).sort();
    const pool = new Pool(size, control, names);
    try {
      const ready: Promise<void>[] = [];
      for (let w = 0; w < nw; w++) {
        const stack = malloc(STACK_BYTES, 'a worker stack');
        pool.stacks.push(stack);
        const { worker, message } = await spawn();
        pool.workers.push(worker);
        ready.push(message.then((m) => {
          if (!m || typeof m !== 'object' || !('ready' in m)) {
            throw new VidwasmError('E_THREADS', `a pool worker failed to start: ${(m as { error?: string })?.error ?? String(m)}`);
          }
        }));
        worker.postMessage({
          module, memory: memory(), control, index: w, workers: nw, names,
          stackTop: (stack + STACK_BYTES) & ~15,
        });
      }
      await Promise.all(ready);
    } catch (e) {
      pool.stop();
      throw e;
    }
    return pool;
  }

  /**
   * Runs jobs[s] (a list of kernel calls) on slot s: slot 0 on this thread, the others on the
   * workers, and returns when all are done. jobs.length <= size.
   */
  run(jobs: ExportCall[][], runLocal: (calls: ExportCall[]) => void): void {
    if (this.closed) throw new VidwasmError('E_THREADS', 'the thread pool was stopped');
    if (jobs.length > this.size) throw new VidwasmError('E_INTERNAL', `${jobs.length} jobs for ${this.size} threads`);
    const nw = this.workers.length;
    const seq = this.seq = (this.seq % 0x3fffffff) + 1;
    const used: number[] = [];
    for (let s = 1; s < jobs.length; s++) {
      const w = s - 1, calls = jobs[s];
      if (calls.length > MAX_CALLS) throw new VidwasmError('E_INTERNAL', `a thread job has ${calls.length} calls (max ${MAX_CALLS})`);
      const o = jobOffsetF64(nw, w);
      this.f64[o] = calls.length;
      calls.forEach((c, i) => {
        const idx = this.index.get(c.fn);
        if (idx === undefined) throw new VidwasmError('E_NO_KERNEL', `the thread pool's module has no kernel ${c.fn}`);
        if (c.args.length > MAX_ARGS) throw new VidwasmError('E_INTERNAL', `${c.fn}: too many arguments for a thread job`);
        const p = o + 1 + i * CALL_F64;
        this.f64[p] = idx;
        this.f64[p + 1] = c.args.length;
        for (let k = 0; k < c.args.length; k++) this.f64[p + 2 + k] = c.args[k];
      });
      used.push(w);
    }
    for (const w of used) {
      Atomics.store(this.i32, w * SLOT_INTS + SEQ, seq);
      Atomics.notify(this.i32, w * SLOT_INTS + SEQ);
    }
    let localError: unknown = null;
    try { runLocal(jobs[0] ?? []); } catch (e) { localError = e; }
    const block = mayBlock(this.i32);
    let failed = -1;
    for (const w of used) {
      const at = w * SLOT_INTS + DONE;
      for (;;) {
        const d = Atomics.load(this.i32, at);
        if (d === seq) break;
        if (block) Atomics.wait(this.i32, at, d, 1000);
      }
      if (Atomics.load(this.i32, w * SLOT_INTS + ERR) !== 0 && failed < 0) failed = w + 1;
    }
    if (localError) throw localError;
    if (failed >= 0) throw new VidwasmError('E_THREADS', `a kernel failed on pool thread ${failed} (a wasm trap)`);
  }

  /** Ends the workers and frees their stacks. Idempotent. */
  stop(): void {
    if (this.closed) return;
    this.closed = true;
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(this.i32, w * SLOT_INTS + SEQ, QUIT);
      Atomics.notify(this.i32, w * SLOT_INTS + SEQ);
      this.workers[w].terminate();
    }
    this.workers = [];
    for (const p of this.stacks) free(p);
    this.stacks = [];
  }

  /** The export table the workers resolve kernels in (for errors and tests). */
  has(fn: string): boolean { return this.index.has(fn); }
}

/** A worker running workerSource, and its first message. Node: worker_threads; browsers: Worker. */
async function spawn(): Promise<{ worker: AnyWorker; message: Promise<unknown> }> {
  const g = globalThis as { process?: { versions?: { node?: string } }; Worker?: unknown };
  if (g.process?.versions?.node) {
    const wt = nodeBuiltin('node:worker_threads');
    const worker = new wt.Worker(workerSource, { eval: true });
    worker.unref();  // an idle pool must not keep the process alive
    const message = new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    return { worker, message };
  }
  if (typeof g.Worker !== 'function') throw new VidwasmError('E_UNSUPPORTED', 'this host has no Web Workers');
  const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  const worker = new Worker(url);
  const message = new Promise<unknown>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent) => { worker.onmessage = null; URL.revokeObjectURL(url); resolve(e.data); };
    worker.onerror = (e: ErrorEvent) => reject(new VidwasmError('E_THREADS', `a pool worker failed: ${e.message}`));
  });
  return { worker, message };
}

/** stackRestore must exist: it is how a worker gets its own stack. */
export function checkSharedExports(): void {
  if (typeof rawExport('stackRestore') !== 'function') {
    throw new VidwasmError('E_LOAD', 'vidwasm-mt.wasm lacks stackRestore (needed to give each worker its own stack)');
  }
}
