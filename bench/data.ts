// Decode benchmark (not a test): 2 s of 320x240 and of 1280x720 H.264 decoded to rgb24
// [3, T, H, W] by ffmpeg.wasm in Node (EncodedVideo.getClip), next to native Debian ffmpeg
// decoding the same frames with the same filters in the same run (spawned, single thread,
// its CPU time from -benchmark). Both single-threaded; figures from median CPU time.
// Run: npx tsx bench/run.ts data   (or npx tsx bench/data.ts)
import { pathToFileURL } from 'node:url';
import { makeClip, median, nativeCpuMs } from './pipeline/media.js';
import { Tensor, ops } from '../ts/node.js';
import { EncodedVideo } from '../ts/data/encoded_video.js';
import { SWS_FLAGS, clipArgs } from '../ts/data/decoder/ffmpeg_clip.js';



export async function runDataSuite(opts: { quick?: boolean } = {}): Promise<Record<string, unknown>[]> {
  const reps = opts.quick ? 3 : 5;
  console.log(`decode 2 s of H.264 to rgb24 (sws ${SWS_FLAGS}), single thread, median of ${reps}`);
  console.log(`${'clip'.padEnd(12)} ${'frames'.padStart(6)} ${'wasm ms'.padStart(9)} ${'wasm fps'.padStart(9)} ${'native ms'.padStart(10)} ${'native fps'.padStart(11)} ${'wasm/native'.padStart(12)} ${'permute ms'.padStart(11)}`);
  for (const size of ['320x240', '1280x720']) {
    const path = makeClip(size);
    const v = await EncodedVideo.fromPath(path, { decodeAudio: false });
    const warm = await v.getClip(1, 3);
    const frames = warm.video.shape[1];
    warm.video.dispose();
    const wasm: number[] = [];
    for (let i = 0; i < reps; i++) {
      const c0 = process.cpuUsage();
      const c = await v.getClip(1, 3);
      const d = process.cpuUsage(c0);
      wasm.push((d.user + d.system) / 1000);
      c.video.dispose();
    }
    // The same ffmpeg arguments natively: seek, trim, accurate scale to rgb24, raw output.
    const { args } = clipArgs(v.info, path, 1, 3, { audio: false }, ['-', '-']);
    // (-benchmark reports at info level, so the log level goes up; nothing else prints with -nostats)
    const nargs = args.map((a) => (a.startsWith('/vw/sink') ? '-' : a === 'error' ? 'info' : a));
    nargs.splice(nargs.length - 1, 1, '/dev/null');
    const native: number[] = [];
    for (let i = 0; i < reps; i++) native.push(nativeCpuMs(nargs));
    // The HWC -> CHW permute the wasm path adds (u8 permute kernel).
    const [h, w] = size.split('x').map(Number).reverse();
    const thwc = Tensor.empty([frames, h, w, 3], 'u8');
    const perm: number[] = [];
    for (let i = 0; i < reps; i++) {
      const c0 = process.cpuUsage();
      ops.permute(thwc, [3, 0, 1, 2]).dispose();
      const d = process.cpuUsage(c0);
      perm.push((d.user + d.system) / 1000);
    }
    thwc.dispose();
    const wm = median(wasm), nm = median(native);
    console.log(`${size.padEnd(12)} ${String(frames).padStart(6)} ${wm.toFixed(0).padStart(9)} ${(frames / wm * 1000).toFixed(1).padStart(9)} ${nm.toFixed(0).padStart(10)} ${(frames / nm * 1000).toFixed(1).padStart(11)} ${(wm / nm).toFixed(2).padStart(11)}x ${median(perm).toFixed(1).padStart(11)}`);
  }
  return [];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runDataSuite({ quick: process.argv.includes('--quick') });
}
