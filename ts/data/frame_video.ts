// FrameVideo: PyTorchVideo's video stored as one image per frame (JPEG/PNG), decoded with
// ffmpeg.wasm. Conventions are PyTorchVideo's (pytorchvideo/data/frame_video.py): frame i is
// at time i / fps, duration = frames / fps, a clip [start, end) holds frames
// ceil(fps * start) .. ceil(fps * min(end, duration)) - 1, from_directory sorts file names
// "naturally" (frame_2 before frame_10), and the video's name is the folder holding frame 0.
// fps * t is computed as Python does: exactly when both are exact (an integer fps, given as a
// Fraction, times a sampler's Fraction time), in floats otherwise (a float fps or time).
//
// Pixels: JPEGs go through ffmpeg's mjpeg decoder and swscale (accurate flags), so they match
// native ffmpeg bit for bit but not OpenCV's libjpeg (PyTorchVideo uses cv2.imdecode); PNGs are
// lossless and match any decoder.
import { ArgumentError } from '../runtime/errors.js';
import type { Tensor } from '../runtime/tensor.js';
import { FFmpegNode } from './decoder/node_ffmpeg_core.js';
import { SWS_FLAGS, lastError } from './decoder/ffmpeg_clip.js';
import { nodeHost } from './decoder/node_host.js';
import { FrameSink } from './decoder/sinks.js';
import { VideoDecodeError } from './errors.js';
import { pyCeil, pyCmp, pyMin, pyMul, toFloat, type Seconds } from './fraction.js';

export interface FrameVideoOptions {
  /** Per-clip decode time limit in ms. Default 30000. */
  timeoutMs?: number;
  /** Largest clip (frame bytes) a getClip may produce. Default 1 GiB. */
  maxClipBytes?: number;
}

export interface FrameClip { video: Tensor; frameIndices: number[]; audio: null }

/** Natural sort key as PyTorchVideo's natural_keys: digit runs compare as numbers. */
function naturalCompare(a: string, b: string): number {
  const pa = a.split(/(\d+)/), pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue;
    const isNum = i % 2 === 1; // split with a capture group alternates text, digits, text...
    if (isNum) return Number(pa[i]) - Number(pb[i]) || (pa[i] < pb[i] ? -1 : 1);
    return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

const parentName = (p: string) => { const parts = p.split(/[\\/]/); return parts.length > 1 ? parts[parts.length - 2] : ''; };

export class FrameVideo {
  readonly name: string;
  private constructor(
    readonly duration: number,
    /** A number is a Python float; a Fraction is exact (PyTorchVideo's integer fps). */
    readonly fpsExact: Seconds,
    private readonly frameToPath: (i: number) => string,
    readonly numFrames: number | null,
    private readonly opts: FrameVideoOptions = {},
  ) {
    this.name = parentName(frameToPath(0));
  }

  get fps(): number { return toFloat(this.fpsExact); }

  /**
   * PyTorchVideo's FrameVideo(duration, fps, video_frame_to_path_fn | video_frame_paths):
   * exactly one of the two frame sources.
   */
  static create(duration: number, fps: Seconds, frames: { videoFrameToPathFn?: (i: number) => string; videoFramePaths?: string[] }, opts: FrameVideoOptions = {}): FrameVideo {
    const { videoFrameToPathFn: fn, videoFramePaths: paths } = frames;
    if ((fn === undefined) === (paths === undefined)) throw new ArgumentError('FrameVideo: give exactly one of videoFrameToPathFn or videoFramePaths');
    if (!(toFloat(fps) > 0)) throw new ArgumentError(`FrameVideo: fps must be > 0, got ${toFloat(fps)}`);
    if (paths) {
      if (paths.length === 0) throw new ArgumentError('FrameVideo: videoFramePaths is empty');
      return new FrameVideo(duration, fps, (i) => paths[i], paths.length, opts);
    }
    return new FrameVideo(duration, fps, fn!, null, opts);
  }

  /** PyTorchVideo's from_frame_paths: duration = number of frames / fps (default 30.0, a float). */
  static fromFramePaths(paths: string[], fps: Seconds = 30, opts: FrameVideoOptions = {}): FrameVideo {
    if (paths.length === 0) throw new ArgumentError('FrameVideo.fromFramePaths: the frame list is empty');
    return FrameVideo.create(paths.length / toFloat(fps), fps, { videoFramePaths: [...paths] }, opts);
  }

  /** PyTorchVideo's from_directory: every file in `path`, in natural order. */
  static async fromDirectory(path: string, fps: Seconds = 30, opts: FrameVideoOptions & { pathOrderCache?: Map<string, string[]> } = {}): Promise<FrameVideo> {
    const cached = opts.pathOrderCache?.get(path);
    if (cached) return FrameVideo.fromFramePaths(cached, fps, opts);
    const { fs } = await nodeHost('FrameVideo.fromDirectory');
    if (!fs.existsSync(path) || !fs.statSync(path).isDirectory()) throw new VideoDecodeError(path, 'missing', 'is not a directory');
    const names = fs.readdirSync(path).sort(naturalCompare);
    const sep = path.endsWith('/') ? '' : '/';
    const paths = names.map((n) => `${path}${sep}${n}`);
    if (paths.length === 0) throw new VideoDecodeError(path, 'empty', 'frame directory is empty');
    opts.pathOrderCache?.set(path, paths);
    return FrameVideo.fromFramePaths(paths, fps, opts);
  }

  /** PyTorchVideo's _get_frame_index_for_time: math.ceil(fps * t). */
  frameIndexForTime(t: Seconds): number { return pyCeil(pyMul(this.fpsExact, t)); }

  /**
   * Frames in [startSec, endSec) as u8 [3, T, H, W] plus their indices; null when startSec is
   * outside [0, duration] (PyTorchVideo returns None). frameFilter subsamples the indices
   * before anything is read (e.g. a temporal subsampler).
   */
  async getClip(startSec: Seconds, endSec: Seconds, frameFilter?: (indices: number[]) => number[]): Promise<FrameClip | null> {
    const indices = this.clipFrameIndices(startSec, endSec, frameFilter);
    if (indices === null || indices.length === 0) return null;
    const paths = indices.map((i) => this.frameToPath(i));
    const video = await decodeImages(paths, this.opts);
    return { video, frameIndices: indices, audio: null };
  }

  /** The frame indices getClip reads (after frameFilter); null when startSec is outside [0, duration]. */
  clipFrameIndices(startSec: Seconds, endSec: Seconds, frameFilter?: (indices: number[]) => number[]): number[] | null {
    if (pyCmp(startSec, 0) < 0 || pyCmp(startSec, this.duration) > 0) return null;
    const end = pyMin(endSec, this.duration);
    const first = this.frameIndexForTime(startSec);
    let last = this.frameIndexForTime(end);
    if (this.numFrames !== null) last = Math.min(last, this.numFrames);
    let indices: number[] = [];
    for (let i = first; i < last; i++) indices.push(i);
    return frameFilter ? frameFilter(indices) : indices;
  }
}

/** Decodes image files (one extension) into u8 [3, T, H, W] with one ffmpeg run. */
async function decodeImages(paths: string[], opts: FrameVideoOptions): Promise<Tensor> {
  const ff = await FFmpegNode.get();
  const fs = ff.host.fs;
  for (const p of paths) {
    if (p === undefined) throw new ArgumentError('FrameVideo: frame index past the frame list');
    if (!fs.existsSync(p)) throw new VideoDecodeError(p, 'missing', 'no such frame file');
    if (fs.statSync(p).size === 0) throw new VideoDecodeError(p, 'empty', 'zero-byte frame file');
  }
  const ext = (p: string) => (/\.([A-Za-z0-9]+)$/.exec(p)?.[1] ?? '').toLowerCase();
  const e = ext(paths[0]);
  if (!['jpg', 'jpeg', 'png', 'bmp', 'webp'].includes(e)) throw new VideoDecodeError(paths[0], 'unreadable', `unsupported frame image type '.${e}'`);
  const odd = paths.find((p) => ext(p) !== e);
  if (odd) throw new VideoDecodeError(odd, 'unreadable', `frames of one clip must share an image type (.${e} and .${ext(odd)})`);
  // Mounted as 000000.ext, 000001.ext, ...: one image2 input reads the whole clip in order.
  const names = paths.map((_, i) => `${String(i).padStart(6, '0')}.${e}`);
  const timeoutMs = opts.timeoutMs ?? 30000;
  const maxBytes = opts.maxClipBytes ?? 2 ** 30;
  try {
    return decodeMounted(ff, paths, names, e, timeoutMs, maxBytes);
  } catch (err) {
    if (err instanceof VideoDecodeError || err instanceof ArgumentError) throw err;
    throw new VideoDecodeError(paths[0], 'decode-failed', `ffmpeg crashed: ${(err as Error).message}`);
  }
}

function decodeMounted(ff: FFmpegNode, paths: string[], names: string[], e: string, timeoutMs: number, maxBytes: number): Tensor {
  return ff.withMounted(paths, (mounted) => {
    const dir = mounted[0].slice(0, mounted[0].lastIndexOf('/'));
    const probe = ff.run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', mounted[0]], { timeoutMs });
    let w = 0, h = 0;
    try {
      const s = JSON.parse(probe.log.filter((l) => l.type === 'stdout').map((l) => l.message).join('\n')).streams?.[0];
      w = Number(s?.width); h = Number(s?.height);
    } catch { /* reported below */ }
    if (!(w > 0 && h > 0)) throw new VideoDecodeError(paths[0], 'unreadable', `cannot read the image: ${lastError(probe.log)}`);
    const frameBytes = w * h * 3;
    const sink = new FrameSink(frameBytes, maxBytes);
    const res = ff.run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostats',
      '-f', 'image2', '-framerate', '1', '-start_number', '0', '-i', `${dir}/%06d.${e}`,
      '-map', '0:v:0', '-vsync', 'passthrough', '-sws_flags', SWS_FLAGS,
      '-vf', `format=rgb24`, '-f', 'rawvideo', FFmpegNode.sinkPath(0)], { timeoutMs, sinks: [sink] });
    const fail = (p: string, reason: ConstructorParameters<typeof VideoDecodeError>[1], msg: string): never => {
      sink.dispose();
      throw new VideoDecodeError(p, reason, msg);
    };
    if (sink.overflow) fail(paths[0], 'too-large', `${paths.length} frames need more than ${maxBytes} bytes`);
    if (res.timedOut) fail(paths[0], 'timeout', `decoding ${paths.length} frames took longer than ${timeoutMs} ms`);
    if (res.ret !== 0) fail(paths[0], 'decode-failed', `decoding frames failed: ${lastError(res.log)}`);
    const got = sink.bytes / frameBytes;
    if (got !== paths.length) {
      const bad = Number.isInteger(got) && got < paths.length ? paths[got] : paths[0];
      fail(bad, 'unreadable', `decoded ${got} of ${paths.length} frames of ${w}x${h} (a frame is unreadable or of another size)`);
    }
    return sink.toCTHW(h, w);
  }, names);
}
