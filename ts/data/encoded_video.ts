// EncodedVideo: PyTorchVideo's accessor for an encoded video file (mp4, webm, ...), decoded by
// ffmpeg.wasm. getClip(start, end) returns the frames whose pts fall in [start, end) as a u8
// [3, T, H, W] tensor in vidwasm memory (PyTorchVideo returns the same values as float32; use
// ConvertUint8ToFloat) and the audio of that span as a mono f32 waveform.
//
// Short reads: PyTorchVideo's EncodedVideo returns whatever frames it decoded, and its datasets
// rely on that (a clip overlapping a damaged tail still trains). vidwasm does the same, and
// says so: a clip with fewer frames than its window should hold by the stream's frame rate, or
// from a file ffmpeg reports as truncated, comes back with `shortRead: true` and
// `expectedFrames`. A window with no frame at all is a typed 'out-of-range' error, as before.
import type { Tensor } from '../runtime/tensor.js';
import { ArgumentError } from '../runtime/errors.js';
import { decodeClip, probe } from './decoder/node_decoder.js';
import type { DecodeOptions, VideoInfo } from './decoder/ffmpeg_clip.js';
import { VideoDecodeError } from './errors.js';
import { fileStem, isNode } from './decoder/node_host.js';
import { blobFrom, decodeClipBlob, probeBlob } from './decoder/ffmpeg_browser.js';

export interface EncodedVideoOptions {
  /** Decode the audio track too (PyTorchVideo's decode_audio). Default true. */
  decodeAudio?: boolean;
  /** Decoder backend; only 'ffmpeg' (ffmpeg.wasm) exists. */
  decoder?: 'ffmpeg';
  /** Audio sample rate of returned waveforms. Default 16000. */
  sampleRate?: number;
  /** Per-file decode time limit in ms. Default 30000. */
  timeoutMs?: number;
  /** Largest clip (frame bytes) a getClip may produce. Default 1 GiB. */
  maxClipBytes?: number;
}

export interface Clip {
  video: Tensor;
  audio: Tensor | null;
  /** Frames the window should hold (frame rate x the window, clipped to the duration). */
  expectedFrames: number;
  /** Fewer frames than the window should hold, or a truncated file: the frames that decoded are returned. */
  shortRead: boolean;
}

export class EncodedVideo {
  private closed = false;
  private constructor(readonly info: VideoInfo, private readonly opts: EncodedVideoOptions, readonly name: string,
    private readonly blob: Blob | null = null) {}

  /**
   * Opens and probes a video file (PyTorchVideo's EncodedVideo.from_path). In the browser the
   * path is a URL (relative to the page), fetched once and decoded by @ffmpeg/ffmpeg.
   */
  static async fromPath(path: string, opts: EncodedVideoOptions = {}): Promise<EncodedVideo> {
    const decoder = opts.decoder ?? 'ffmpeg';
    if (decoder !== 'ffmpeg') throw new ArgumentError(`EncodedVideo: unknown decoder '${String(decoder)}' (only 'ffmpeg')`);
    if (!isNode()) return EncodedVideo.fromFile(path, opts);
    const info = await probe(path, { timeoutMs: opts.timeoutMs });
    // PyTorchVideo names a video by its file stem.
    const name = fileStem(path);
    return new EncodedVideo(info, { decodeAudio: true, ...opts }, name);
  }

  /**
   * Browser: opens a File/Blob (e.g. from an <input type=file>) or a URL, decoded in a worker by
   * @ffmpeg/ffmpeg over the same core and arguments as the Node decoder.
   */
  static async fromFile(file: Blob | URL | string, opts: EncodedVideoOptions = {}): Promise<EncodedVideo> {
    const decoder = opts.decoder ?? 'ffmpeg';
    if (decoder !== 'ffmpeg') throw new ArgumentError(`EncodedVideo: unknown decoder '${String(decoder)}' (only 'ffmpeg')`);
    const { blob, name } = await blobFrom(file);
    const info = await probeBlob(blob, name, { timeoutMs: opts.timeoutMs });
    return new EncodedVideo(info, { decodeAudio: true, ...opts }, fileStem(name.split(/[?#]/)[0]), blob);
  }

  /** Seconds; the largest of the video and audio stream durations (PyTorchVideo's rule). */
  get duration(): number { return this.info.duration; }
  get width(): number { return this.info.width; }
  get height(): number { return this.info.height; }
  get fps(): number { return this.info.fps; }
  get hasAudio(): boolean { return this.info.hasAudio; }

  /**
   * Frames with pts in [startSec, endSec) and the audio of that span. Pass `width`/`height`
   * to decode at a smaller size (ffmpeg scales with the accurate bilinear flags).
   */
  async getClip(startSec: number, endSec: number, size: { width?: number; height?: number } = {}): Promise<Clip> {
    if (this.closed) throw new VideoDecodeError(this.info.path, 'decode-failed', 'getClip after close()');
    const o: DecodeOptions = {
      ...size, audio: this.opts.decodeAudio, sampleRate: this.opts.sampleRate,
      timeoutMs: this.opts.timeoutMs, maxClipBytes: this.opts.maxClipBytes,
    };
    return this.blob ? decodeClipBlob(this.blob, this.info, startSec, endSec, o) : decodeClip(this.info, startSec, endSec, o);
  }

  /** Nothing stays open between clips (each getClip mounts the file); marks the video closed. */
  close(): void { this.closed = true; }
}
