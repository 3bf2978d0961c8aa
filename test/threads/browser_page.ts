// The Chromium page of browser_threads.test.ts (bundled with esbuild): loads vidwasm.wasm through
// the browser entry, runs the shared cases on it at 1 thread, switches to 2 threads
// (vidwasm-mt.wasm over a shared memory, Web Workers from a Blob URL; this main thread may not
// Atomics.wait, so the pool spins here) and runs them again. setNumThreads comes from the entry,
// which also loads pixels-mt.wasm for the transforms once threads are on.
import { init, setNumThreads } from '../../ts/browser.js';
import { Tensor, memoryStats } from '../../ts/runtime/index.js';
import { VidwasmError } from '../../ts/runtime/errors.js';
import { getNumThreads, threadStats, setMinWorkPerThread, threadsAvailable } from '../../ts/runtime/threads/index.js';
import { createVideoTransform } from '../../ts/data/transforms/index.js';
import { cases, firstDiff, hashOutputs, TEST_MIN_WORK } from './cases.js';

await init();  // the browser entry loads nothing at import

export interface ThreadsPageResult {
  available: boolean; liveBefore: number; threads: number; threadsAfterStop: number; splitRuns: number;
  diffs: (string | null)[]; hashes: string[]; pixelsError: string; pixelsSame: boolean; pixelsLength: number;
}

/** The Kinetics val chain on a u8 clip (pixel kernels), as raw output bytes. */
function valChainBytes(): Uint8Array {
  const shape = [3, 9, 21, 27];
  const clip = Uint8Array.from({ length: 3 * 9 * 21 * 27 }, (_, i) => (i * 37 + (i >> 5) * 11) & 255);
  const y = createVideoTransform('val', { numSamples: 4, minSize: 15, cropSize: 13 })(Tensor.from(clip, shape, { dtype: 'u8' })) as Tensor;
  const a = y.toArray() as Float32Array;
  y.dispose();
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

(globalThis as { vidwasmThreadsRun?: unknown }).vidwasmThreadsRun = async (): Promise<ThreadsPageResult> => {
  setMinWorkPerThread(TEST_MIN_WORK);
  const available = threadsAvailable().ok;
  const single = cases.map((c) => c.run());
  const pixelsSingle = valChainBytes();
  const liveBefore = memoryStats().liveTensors;
  const threads = await setNumThreads(2, { wasm: '/vidwasm-mt.wasm' });
  const before = threadStats().splitRuns;
  const multi = cases.map((c) => c.run());
  const splitRuns = threadStats().splitRuns - before;
  // the transforms follow the swap to shared memory (pixels-mt.wasm) and give the same bytes
  let pixelsError = '', pixelsMulti: Uint8Array = new Uint8Array(0);
  try { pixelsMulti = valChainBytes(); } catch (e) { pixelsError = e instanceof VidwasmError ? `${e.code}: ${e.message}` : String(e); }
  const pixelsSame = pixelsMulti.length === pixelsSingle.length && pixelsMulti.every((v, i) => v === pixelsSingle[i]);
  await setNumThreads(1);
  return {
    available, liveBefore, threads, threadsAfterStop: getNumThreads(), splitRuns,
    diffs: cases.map((_c, i) => firstDiff(multi[i], single[i])), hashes: single.map(hashOutputs), pixelsError,
    pixelsSame, pixelsLength: pixelsSingle.length,
  };
};
(globalThis as { vidwasmThreadsLoaded?: boolean }).vidwasmThreadsLoaded = true;
