// The page of the Web Worker loader test (bundled by loader_workers.test.ts): four mp4 clips as a
// LabeledVideoDataset of URLs through the DataLoader with numWorkers 0 and 2, two epochs each.
// Every batch goes back as base64 bytes, with the main thread's live tensors / wasm memory and
// the workers' live tensors after each epoch.
import { init, data, transforms } from '../../ts/browser.js';
import { memoryStats } from '../../ts/runtime/memory.js';
import { memoryBytes } from '../../ts/runtime/wasm.js';
import type { Tensor } from '../../ts/runtime/tensor.js';
import { chain } from './loader_workers_chain.js';

await init();

export interface EpochResult { batches: Array<{ video: string; shape: number[]; label: number[]; names: string[] }>; liveTensors: number; liveBytes: number; wasmBytes: number; workers: Array<{ liveTensors: number; liveBytes: number }> }

function b64(t: Tensor): string {
  const a = t.toArray() as unknown as ArrayBufferView;
  const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode(...u.subarray(i, i + 0x8000));
  return btoa(s);
}

/** transformInWorkers: the workers import the transform (else they only decode, the page transforms). */
async function run(numWorkers: number, transformInWorkers = true): Promise<EpochResult[]> {
  const videos = [0, 1, 2, 3].map((i) => [`./v${i}.mp4`, { label: i }] as [string, Record<string, unknown>]);
  const ds = new data.LabeledVideoDataset(videos, data.makeClipSampler('random', 1.0), {
    videoSampler: 'sequential', decodeAudio: false, transform: numWorkers === 0 || !transformInWorkers ? chain(transforms) : null,
  });
  const loader = new data.DataLoader(ds, {
    batchSize: 3, seed: 11, shuffle: true, numWorkers,
    ...(numWorkers > 0 ? { workerUrl: './loader_worker.js' } : {}),
    ...(numWorkers > 0 && transformInWorkers ? { transformModule: './loader_worker.js' } : {}),
  });
  const out: EpochResult[] = [];
  try {
    for (let e = 0; e < 2; e++) {
      const batches: EpochResult['batches'] = [];
      for await (const b of loader) {
        const label = b.label as Tensor | number[];
        batches.push({ video: b64(b.video as Tensor), shape: [...(b.video as Tensor).shape], names: b.video_name as string[],
          label: Array.isArray(label) ? label : Array.from(label.toArray() as ArrayLike<number>) });
        data.disposeTensors(b);
      }
      const m = memoryStats();
      out.push({ batches, liveTensors: m.liveTensors, liveBytes: m.liveBytes, wasmBytes: memoryBytes(), workers: loader.workerMemory() });
    }
  } finally { await loader.close(); }
  return out;
}

const g = globalThis as { workersResult?: unknown };
try {
  const before = memoryStats();
  g.workersResult = { before, inline: await run(0), workers: await run(2), decodeOnly: await run(2, false) };
} catch (e) { g.workersResult = { error: String((e as Error)?.stack ?? e) }; }
