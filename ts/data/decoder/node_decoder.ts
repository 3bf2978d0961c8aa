// The ffmpeg.wasm video decoder for Node: probe a host file, decode [start, end) seconds to
// rgb24 frames (native or target size) and mono f32 audio, straight into vidwasm tensors. The
// arguments and the reading of ffmpeg's answers are host-neutral (ffmpeg_clip.ts); this file
// adds host files (mounted, never copied) and the device sinks of the Node core.
import {
  DEFAULT_MAX_CLIP_BYTES, DEFAULT_TIMEOUT_MS, checkDecoded, checkWindow, clipArgs, firstFrameArgs, infoFromProbe, probeArgs,
  type DecodedClip, type DecodeOptions, type VideoInfo,
} from './ffmpeg_clip.js';
import { VideoDecodeError } from '../errors.js';
import { FFmpegNode } from './node_ffmpeg_core.js';
import { AudioSink, FrameSink } from './sinks.js';

/** Checks the host file before handing it to ffmpeg: missing and empty files fail fast. */
function checkHostFile(ff: FFmpegNode, path: string): number {
  if (!ff.host.fs.existsSync(path)) throw new VideoDecodeError(path, 'missing', 'no such file');
  const st = ff.host.fs.statSync(path);
  if (!st.isFile()) throw new VideoDecodeError(path, 'missing', 'not a regular file');
  if (st.size === 0) throw new VideoDecodeError(path, 'empty', 'zero-byte file');
  return st.size;
}

/** Reads the container and stream headers and the first frame's size (ffprobe inside the core). */
export async function probe(path: string, opts: { timeoutMs?: number } = {}): Promise<VideoInfo> {
  const ff = await FFmpegNode.get();
  checkHostFile(ff, path);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const t0 = performance.now();
  let runs;
  try {
    runs = ff.withMounted([path], ([p]) => {
      const streams = ff.run('ffprobe', probeArgs(p), { timeoutMs });
      if (streams.timedOut) return { streams, frame: null };
      return { streams, frame: ff.run('ffprobe', firstFrameArgs(p), { timeoutMs: Math.max(1, timeoutMs - (performance.now() - t0)) }) };
    });
  } catch (e) {
    // A trap inside the core (it is retired and replaced on the next use).
    throw new VideoDecodeError(path, 'decode-failed', `ffmpeg crashed while probing: ${(e as Error).message}`);
  }
  if (runs.streams.timedOut || runs.frame?.timedOut) throw new VideoDecodeError(path, 'timeout', `probing took longer than ${timeoutMs} ms`);
  return infoFromProbe(path, runs.streams.log, runs.frame?.log ?? null);
}

/**
 * Decodes [start, end) seconds of a probed file. The frame buffer grows with the frames that
 * arrive (up to maxClipBytes, then a typed 'too-large' error), whatever the headers claim.
 */
export async function decodeClip(info: VideoInfo, start: number, end: number, opts: DecodeOptions = {}): Promise<DecodedClip> {
  checkWindow(info, start, end);
  const ff = await FFmpegNode.get();
  checkHostFile(ff, info.path);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxClipBytes ?? DEFAULT_MAX_CLIP_BYTES;
  return ff.withMounted([info.path], ([input]) => {
    const { args, width, height, audio } = clipArgs(info, input, start, end, opts, FFmpegNode.SINKS);
    const frames = new FrameSink(width * height * 3, maxBytes);
    const sound = audio ? new AudioSink() : null;
    try {
      let res;
      try {
        res = ff.run('ffmpeg', args, { timeoutMs, sinks: [frames, sound] });
      } catch (e) {
        throw new VideoDecodeError(info.path, 'decode-failed', `ffmpeg crashed: ${(e as Error).message}`);
      }
      const got = checkDecoded(info, start, end, res, frames.bytes, frames.frameBytes, { timeoutMs, maxBytes, overflow: frames.overflow });
      return { video: frames.toCTHW(height, width), audio: sound ? sound.toTensor() : null, expectedFrames: got.expectedFrames, shortRead: got.shortRead };
    } finally {
      frames.dispose();
    }
  });
}
