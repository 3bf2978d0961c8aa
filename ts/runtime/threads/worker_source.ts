// The pool worker as a plain script (a string), so one source runs as a Node worker_threads
// worker (`eval: true`) and as a browser Web Worker (a Blob URL) with no file to locate next to a
// bundle. Layout constants are those of protocol.ts.
//
// A worker instantiates vidwasm-mt.wasm over the shared memory. The module's start function
// copies the data segments in only once (an atomic guard that LLVM emits for shared memory), so
// a worker never re-initialises data; it does not call _initialize (constructors ran on the main
// thread) and never allocates. It moves its stack pointer to its own stack (malloc'd by the main
// thread) with the exported stackRestore, then waits for jobs: lists of (kernel, args) calls on
// pointers the main thread gives it.
import { SLOT_INTS, SEQ, DONE, ERR, MAX_ARGS, CALL_F64, JOB_F64, QUIT } from './protocol.js';

export const workerSource = `
'use strict';
const isNode = typeof self === 'undefined';
const port = isNode ? require('node:worker_threads').parentPort : self;
const post = (m) => port.postMessage(m);
const listen = (fn) => { if (isNode) port.once('message', fn); else self.onmessage = (e) => { self.onmessage = null; fn(e.data); }; };
// a shared memory that cannot be received would otherwise leave the pool waiting for 'ready'
const refused = () => post({ error: 'the shared memory could not be received by the worker (messageerror)' });
if (isNode) port.once('messageerror', refused); else self.onmessageerror = refused;
listen((init) => {
  let fns, i32, f64, base, job;
  try {
    const inst = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
    inst.exports.stackRestore(init.stackTop);
    fns = init.names.map((n) => inst.exports[n]);
    i32 = new Int32Array(init.control);
    f64 = new Float64Array(init.control);
    base = init.index * ${SLOT_INTS};
    job = (init.workers * ${SLOT_INTS} * 4) / 8 + init.index * ${JOB_F64};
  } catch (e) {
    post({ error: String(e && e.message || e) });
    return;
  }
  post({ ready: true });
  let seen = 0;
  for (;;) {
    Atomics.wait(i32, base + ${SEQ}, seen);
    const seq = Atomics.load(i32, base + ${SEQ});
    if (seq === seen) continue;
    if (seq === ${QUIT}) break;
    seen = seq;
    let err = 0;
    try {
      const ncalls = f64[job];
      for (let c = 0; c < ncalls; c++) {
        const o = job + 1 + c * ${CALL_F64};
        const fn = fns[f64[o]], nargs = f64[o + 1];
        const a = [];
        for (let k = 0; k < nargs && k < ${MAX_ARGS}; k++) a.push(f64[o + 2 + k]);
        fn(...a);
      }
    } catch (e) {
      err = 1;
    }
    Atomics.store(i32, base + ${ERR}, err);
    Atomics.store(i32, base + ${DONE}, seq);
    Atomics.notify(i32, base + ${DONE});
  }
});
`;
