// Data-pipeline benchmark (not a test): clips/s of the Kinetics eval pipeline in Node through the
// real DataLoader — a LabeledVideoDataset of 2 s H.264 clips (constant_clips_per_video, 1 clip:
// [0, 2) s), decoded by ffmpeg.wasm, then subsample 8, normalise, short side 256, center crop
// 224 (bench/pipeline/kinetics_eval.ts), batches of 4 — with numWorkers 0, 1 and 2, for 320x240
// and 1280x720, next to native Debian ffmpeg decoding the same frames with the same arguments in
// the same run (spawned, -threads 1, its CPU time from -benchmark).
//
// Figures: each loader runs one warm-up epoch (worker start, ffmpeg core load), then a timed one.
// CPU ms/clip is the process's CPU time (all threads) per clip; clips/s (wall) is what a
// training loop would see, and on a shared machine it includes slices other processes take.
// The decode ratio compares ffmpeg.wasm's getClip with native ffmpeg (median CPU per clip, same
// frames, both single-threaded). The transform share is the transform's CPU time over the
// pipeline's CPU time in the inline (numWorkers 0) run, where both are on one thread.
// Run: npx tsx bench/run.ts data   (or npx tsx bench/data_pipeline.ts [--quick])
import { pathToFileURL } from 'node:url';
import { makeClip, median, nativeCpuMs } from './pipeline/media.js';
import '../ts/node.js';
import { EncodedVideo } from '../ts/data/encoded_video.js';
import { clipArgs } from '../ts/data/decoder/ffmpeg_clip.js';
import { makeClipSampler } from '../ts/data/clip_sampling.js';
import { LabeledVideoDataset } from '../ts/data/datasets/labeled_video_dataset.js';
import { DataLoader } from '../ts/data/loader/data_loader.js';
import { defaultCollate, disposeTensors, type Batch, type Collate } from '../ts/data/loader/collate.js';
import { timedTransform, transformCpu } from './pipeline/kinetics_eval.js';

const TRANSFORM_MODULE = new URL('./pipeline/kinetics_eval.ts', import.meta.url).href;

const cpuMs = (d: NodeJS.CpuUsage) => (d.user + d.system) / 1000;

interface LoaderRun { workers: number; clips: number; cpuMs: number; wallMs: number; transformMs?: number; collateMs?: number }

/** One warm-up epoch, then a timed one, of the eval pipeline over `videos` copies of path. */
async function loaderRun(path: string, videos: number, numWorkers: number): Promise<LoaderRun> {
  const ds = new LabeledVideoDataset(Array.from({ length: videos }, (_, i) => [path, { label: i }] as [string, Record<string, unknown>]),
    makeClipSampler('constant_clips_per_video', 2.0, 1), { videoSampler: 'sequential', decodeAudio: false, transform: numWorkers === 0 ? timedTransform : null });
  const collateCpu = { ms: 0 };
  const collate: Collate = (items) => { const c0 = process.cpuUsage(); const b = defaultCollate(items); collateCpu.ms += cpuMs(process.cpuUsage(c0)); return b; };
  const loader = new DataLoader(ds, { batchSize: 4, seed: 1, numWorkers, collate, ...(numWorkers > 0 ? { transformModule: TRANSFORM_MODULE } : {}) });
  const epoch = async () => {
    let clips = 0;
    for await (const b of loader as AsyncIterable<Batch>) {
      const v = b.video as { shape: number[] };
      if (v.shape.join() !== `${v.shape[0]},3,8,224,224`) throw new Error(`unexpected batch ${v.shape}`);
      clips += v.shape[0];
      disposeTensors(b);
    }
    return clips;
  };
  try {
    await epoch();
    transformCpu.ms = 0; collateCpu.ms = 0;
    const c0 = process.cpuUsage(), t0 = performance.now();
    const clips = await epoch();
    const wallMs = performance.now() - t0, cpu = cpuMs(process.cpuUsage(c0));
    return { workers: numWorkers, clips, cpuMs: cpu, wallMs, ...(numWorkers === 0 ? { transformMs: transformCpu.ms, collateMs: collateCpu.ms } : {}) };
  } finally { await loader.close(); }
}

export async function runDataPipelineSuite(opts: { quick?: boolean; filter?: string } = {}): Promise<Record<string, unknown>[]> {
  const reps = opts.quick ? 3 : 5, videos = opts.quick ? 4 : 8;
  console.log(`Kinetics eval pipeline (2 s H.264 clip -> subsample 8 -> u8->f32, normalise -> short side 256 -> center crop 224, batch 4), ` +
    `DataLoader over ${videos} videos (timed epoch after a warm-up epoch); decode ratio from the median CPU of ${reps} getClip vs native ffmpeg -threads 1`);
  for (const size of ['320x240', '1280x720']) {
    if (opts.filter && !size.includes(opts.filter)) continue;
    const path = makeClip(size);
    // decode alone: ffmpeg.wasm getClip vs native ffmpeg, the same frames and arguments
    const v = await EncodedVideo.fromPath(path, { decodeAudio: false });
    const warm = await v.getClip(0, 2);
    const frames = warm.video.shape[1];
    warm.video.dispose();
    const wasm: number[] = [];
    for (let i = 0; i < reps; i++) {
      const c0 = process.cpuUsage();
      const c = await v.getClip(0, 2);
      wasm.push(cpuMs(process.cpuUsage(c0)));
      c.video.dispose();
    }
    const { args } = clipArgs(v.info, path, 0, 2, { audio: false }, ['-', '-']);
    const nargs = args.map((a) => (a.startsWith('/vw/sink') ? '-' : a === 'error' ? 'info' : a));
    nargs.splice(nargs.length - 1, 1, '/dev/null');
    const native: number[] = [];
    for (let i = 0; i < reps; i++) native.push(nativeCpuMs(nargs));
    const wm = median(wasm), nm = median(native);
    // the pipeline through the DataLoader
    const runs: LoaderRun[] = [];
    for (const n of [0, 1, 2]) runs.push(await loaderRun(path, videos, n));
    const inline = runs[0];
    const tShare = inline.transformMs! / inline.cpuMs, cShare = inline.collateMs! / inline.cpuMs;
    console.log(`\n${size}: ${frames} frames/clip | decode CPU ms/clip: ffmpeg.wasm ${wm.toFixed(0)}, native ${nm.toFixed(0)} -> ratio ${(wm / nm).toFixed(2)}x (target <= 3x)`);
    console.log(`  inline run: transform ${(inline.transformMs! / inline.clips).toFixed(1)} CPU ms/clip = ${(tShare * 100).toFixed(1)} % of the pipeline CPU (target <= 10 %), ` +
      `collate ${(cShare * 100).toFixed(1)} %, decode + loader ${((1 - tShare - cShare) * 100).toFixed(1)} %`);
    console.log(`  ${'workers'.padEnd(8)} ${'clips'.padStart(5)} ${'CPU ms/clip'.padStart(12)} ${'clips/s (CPU)'.padStart(14)} ${'wall ms/clip'.padStart(13)} ${'clips/s (wall)'.padStart(15)}   native decode only: ${(1000 / nm).toFixed(1)} clips/s (CPU)`);
    for (const r of runs) {
      console.log(`  ${String(r.workers).padEnd(8)} ${String(r.clips).padStart(5)} ${(r.cpuMs / r.clips).toFixed(0).padStart(12)} ${(r.clips / r.cpuMs * 1000).toFixed(2).padStart(14)} ` +
        `${(r.wallMs / r.clips).toFixed(0).padStart(13)} ${(r.clips / r.wallMs * 1000).toFixed(2).padStart(15)}`);
    }
  }
  return [];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runDataPipelineSuite({ quick: process.argv.includes('--quick') });
}
