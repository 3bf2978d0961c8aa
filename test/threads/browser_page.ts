// The Chromium page of browser_threads.test.ts (bundled with esbuild): loads vidwasm.wasm through
// the browser entry, runs the shared cases on it at 1 thread, switches to 2 threads
// (vidwasm-mt.wasm over a shared memory, Web Workers from a Blob URL; this main thread may not
// Atomics.wait, so the pool spins here) and runs them again.
import '../../ts/browser.js';
import { memoryStats } from '../../ts/runtime/index.js';
import { VidwasmError } from '../../ts/runtime/errors.js';
import { setNumThreads, getNumThreads, threadStats, setMinWorkPerThread, threadsAvailable } from '../../ts/runtime/threads/index.js';
import { pixelKernel } from '../../ts/data/pixels.js';
import { cases, firstDiff, hashOutputs, TEST_MIN_WORK } from './cases.js';

export interface ThreadsPageResult {
  available: boolean; liveBefore: number; threads: number; threadsAfterStop: number; splitRuns: number;
  diffs: (string | null)[]; hashes: string[]; pixelsError: string;
}

(globalThis as { vidwasmThreadsRun?: unknown }).vidwasmThreadsRun = async (): Promise<ThreadsPageResult> => {
  setMinWorkPerThread(TEST_MIN_WORK);
  const available = threadsAvailable().ok;
  const single = cases.map((c) => c.run());
  const liveBefore = memoryStats().liveTensors;
  const threads = await setNumThreads(2, { wasm: '/vidwasm-mt.wasm' });
  const before = threadStats().splitRuns;
  const multi = cases.map((c) => c.run());
  const splitRuns = threadStats().splitRuns - before;
  let pixelsError = '';
  try { pixelKernel('resize_bilinear'); } catch (e) { pixelsError = e instanceof VidwasmError ? e.code : String(e); }
  await setNumThreads(1);
  return {
    available, liveBefore, threads, threadsAfterStop: getNumThreads(), splitRuns,
    diffs: cases.map((_c, i) => firstDiff(multi[i], single[i])), hashes: single.map(hashOutputs), pixelsError,
  };
};
(globalThis as { vidwasmThreadsLoaded?: boolean }).vidwasmThreadsLoaded = true;
