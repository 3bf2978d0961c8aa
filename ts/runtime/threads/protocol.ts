// The control block the main thread and the pool's workers share: one SharedArrayBuffer (not the
// wasm memory, so it never moves when wasm memory grows). Per worker:
//   Int32 [SEQ, DONE, ERR, pad...]  (SLOT_INTS ints at worker*SLOT_INTS)
//   Float64 job: [ncalls, (fn, nargs, arg0..arg(MAX_ARGS-1)) x MAX_CALLS] after all int slots.
// The main thread writes a job, bumps SEQ and notifies; the worker runs the calls, writes ERR,
// stores DONE = SEQ and notifies. Atomics are sequentially consistent, so the job (and the param
// blocks the main thread wrote into wasm memory before bumping SEQ) is visible to the worker.
// The same numbers are spelled out in worker_source.ts (the worker is a plain script).
export const SLOT_INTS = 16;
export const SEQ = 0, DONE = 1, ERR = 2;
export const MAX_CALLS = 4;
export const MAX_ARGS = 16;
export const CALL_F64 = 2 + MAX_ARGS;
export const JOB_F64 = 1 + MAX_CALLS * CALL_F64;
/** A SEQ value that tells a worker to leave its loop. */
export const QUIT = -1;

export function controlBytes(workers: number): number {
  return workers * SLOT_INTS * 4 + workers * JOB_F64 * 8;
}

export function jobOffsetF64(workers: number, worker: number): number {
  return (workers * SLOT_INTS * 4) / 8 + worker * JOB_F64;
}
