// H.264 mp4 encoding of small rgb24 clips with ffmpeg.wasm (@ffmpeg/core's libx264), on the
// process-wide core the decoder uses. Decoding never touches MEMFS; for encoding a few KiB
// clip, writing the raw input and reading the mp4 back through the core's MEMFS is the simple
// and cheap way (the files are deleted right after).
import { FFmpegNode } from '../data/decoder/node_ffmpeg_core.js';
import { VidwasmError } from '../runtime/errors.js';

export class EncodeError extends VidwasmError {
  constructor(message: string) { super('E_ENCODE', message); }
}

/** Encodes frames (T x H x W x 3 rgb24 bytes) as an H.264 yuv420p mp4 (keyframe every 30 frames). */
export async function encodeMp4(rgb: Uint8Array, o: { width: number; height: number; fps: number; crf?: number }): Promise<Uint8Array> {
  const ff = await FFmpegNode.get();
  return ff.withScratch((fs) => {
    const input = fs.write('in.rgb', rgb), output = fs.path('out.mp4');
    const r = ff.run('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${o.width}x${o.height}`,
      '-r', String(o.fps), '-i', input, '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency',
      '-crf', String(o.crf ?? 18), '-g', '30', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4', output,
    ], { timeoutMs: 30000 });
    if (r.ret !== 0) {
      const why = r.log.filter((l) => l.type === 'stderr').map((l) => l.message).slice(-3).join(' | ');
      throw new EncodeError(`encode: ffmpeg.wasm failed (exit ${r.ret}${r.timedOut ? ', timed out' : ''})${why ? `: ${why}` : ''}`);
    }
    return fs.read('out.mp4');
  });
}
