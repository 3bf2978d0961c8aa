// The ffmpeg.wasm video decoder for Node: probe a file, decode [start, end) seconds to rgb24
// frames (native or target size) and mono f32 audio, straight into vidwasm tensors.
//
// Clip semantics are PyTorchVideo's (EncodedVideoPyAV): times are relative to the video
// stream's start, and a frame belongs to [start, end) when its pts (stream time base) is in
// [ceil(start / tb) + start_pts, ceil(end / tb) + start_pts). We get exactly that set from
// ffmpeg with -copyts (pts stay the stream's own) and a `trim=start_pts:end_pts` filter, after
// a keyframe seek (-ss before -i, -noaccurate_seek: the demuxer lands on the keyframe at or
// before the target, a small margin earlier so rounding never skips the first frame).
// Pixels: scale with bilinear+accurate_rnd+full_chroma_int, which makes the wasm build
// bit-identical to native FFmpeg 5.1 (the core is 5.1 too).
import { Tensor } from '../../runtime/tensor.js';
import { VideoDecodeError } from '../errors.js';
import { FFmpegNode, type LogLine } from './ffmpeg_core_node.js';
import { AudioSink, FrameSink } from './sinks.js';

export const SWS_FLAGS = 'bilinear+accurate_rnd+full_chroma_int';

/** A rational time base, e.g. [1, 15360]. */
export type TimeBase = [number, number];

export interface StreamInfo { timeBase: TimeBase; startPts: number; durationTs: number | null; codec: string }
export interface VideoStreamInfo extends StreamInfo { width: number; height: number; fps: number; nbFrames: number | null }
export interface AudioStreamInfo extends StreamInfo { sampleRate: number; channels: number }

export interface VideoInfo {
  path: string;
  format: string;
  /** PyTorchVideo's duration: max over video/audio of (duration_ts - start_pts) * time_base. */
  duration: number;
  width: number;
  height: number;
  fps: number;
  hasAudio: boolean;
  video: VideoStreamInfo;
  audio: AudioStreamInfo | null;
  /** Container start time in seconds (what -ss is relative to). */
  formatStart: number;
}

export interface DecodeOptions {
  /** Output size; one of them alone keeps the aspect ratio. Default: native size. */
  width?: number;
  height?: number;
  /** Decode audio too (when the file has it). Default true. */
  audio?: boolean;
  /** Audio sample rate of the returned waveform. Default 16000. */
  sampleRate?: number;
  /** Per-file time limit in ms; the core stops decoding when it is reached. Default 30 s. */
  timeoutMs?: number;
  /** Refuse clips whose frames would need more bytes than this. Default 1 GiB. */
  maxClipBytes?: number;
}

export interface DecodedClip { video: Tensor; audio: Tensor | null }

// Codecs and containers that mean "a still image", not a video.
const IMAGE_FORMATS = /(^|,)(image2|[a-z0-9]+_pipe|apng|gif)(,|$)/;

/** PyTorchVideo's secs_to_pts with round_mode="ceil". */
export function secsToPts(sec: number, tb: TimeBase, startPts: number): number {
  return Math.ceil(sec / (tb[0] / tb[1])) + startPts;
}

function parseRational(s: string | undefined): TimeBase | null {
  const m = /^(-?\d+)\/(\d+)$/.exec(s ?? '');
  if (!m || Number(m[2]) === 0) return null;
  return [Number(m[1]), Number(m[2])];
}
function num(v: unknown): number | null {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : null;
}
export function lastError(log: LogLine[]): string {
  const lines = log.filter((l) => l.type === 'stderr' && l.message.trim() && !l.message.startsWith('Aborted')).map((l) => l.message.trim());
  return lines.slice(-2).join('; ') || 'ffmpeg gave no reason';
}

/** Checks the host file before handing it to ffmpeg: missing and empty files fail fast. */
function checkHostFile(ff: FFmpegNode, path: string): number {
  if (!ff.host.fs.existsSync(path)) throw new VideoDecodeError(path, 'missing', 'no such file');
  const st = ff.host.fs.statSync(path);
  if (!st.isFile()) throw new VideoDecodeError(path, 'missing', 'not a regular file');
  if (st.size === 0) throw new VideoDecodeError(path, 'empty', 'zero-byte file');
  return st.size;
}

/** Reads the container and stream headers (ffprobe inside the core). */
export async function probe(path: string, opts: { timeoutMs?: number } = {}): Promise<VideoInfo> {
  const ff = await FFmpegNode.get();
  checkHostFile(ff, path);
  let res;
  try {
    res = ff.withMounted([path], ([p]) =>
      ff.run('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', p], { timeoutMs: opts.timeoutMs ?? 30000 }));
  } catch (e) {
    // A trap inside the core (it is retired and replaced on the next use).
    throw new VideoDecodeError(path, 'decode-failed', `ffmpeg crashed while probing: ${(e as Error).message}`);
  }
  if (res.timedOut) throw new VideoDecodeError(path, 'timeout', `probing took longer than ${opts.timeoutMs ?? 30000} ms`);
  const json = res.log.filter((l) => l.type === 'stdout').map((l) => l.message).join('\n');
  let report: { streams?: Record<string, unknown>[]; format?: Record<string, unknown> };
  try { report = JSON.parse(json); } catch { report = {}; }
  if (!report.format || !report.streams) {
    throw new VideoDecodeError(path, 'unreadable', `cannot read the file as media (truncated or not a video container): ${lastError(res.log)}`);
  }
  return infoFromReport(path, report.streams, report.format);
}

/** VideoInfo from ffprobe's JSON report (shared with the browser decoder). */
export function infoFromReport(path: string, streams: Record<string, unknown>[], format: Record<string, unknown>): VideoInfo {
  const formatName = String(format.format_name ?? '');
  const isStill = (s: Record<string, unknown>) => (s.disposition as Record<string, number> | undefined)?.attached_pic === 1;
  const vs = streams.find((s) => s.codec_type === 'video' && !isStill(s));
  if (IMAGE_FORMATS.test(formatName)) {
    throw new VideoDecodeError(path, 'not-a-video', `is a still image (${formatName}${vs ? `, ${String(vs.codec_name)}` : ''}), not a video`);
  }
  if (!vs) throw new VideoDecodeError(path, 'no-video-stream', `has no video stream (streams: ${streams.map((s) => s.codec_type).join(', ') || 'none'})`);
  const stream = (s: Record<string, unknown>): StreamInfo => ({
    timeBase: parseRational(s.time_base as string) ?? [1, 1],
    startPts: num(s.start_pts) ?? 0,
    durationTs: num(s.duration_ts),
    codec: String(s.codec_name ?? 'unknown'),
  });
  const fps = (() => {
    for (const k of ['avg_frame_rate', 'r_frame_rate']) {
      const r = parseRational(vs[k] as string);
      if (r && r[0] > 0) return r[0] / r[1];
    }
    return 0;
  })();
  const video: VideoStreamInfo = { ...stream(vs), width: num(vs.width) ?? 0, height: num(vs.height) ?? 0, fps, nbFrames: num(vs.nb_frames) };
  if (!(video.width > 0 && video.height > 0)) throw new VideoDecodeError(path, 'unreadable', `video stream has no frame size (${video.width}x${video.height})`);
  const as = streams.find((s) => s.codec_type === 'audio');
  const audio: AudioStreamInfo | null = as
    ? { ...stream(as), sampleRate: num(as.sample_rate) ?? 0, channels: num(as.channels) ?? 1 }
    : null;
  // PyTorchVideo: (duration - start_pts) * time_base per stream, the larger of the two. When
  // no stream has a duration (e.g. WebM), it decodes the whole file; we use the container's.
  const secs = (s: StreamInfo | null) => (s && s.durationTs !== null ? (s.durationTs - s.startPts) * s.timeBase[0] / s.timeBase[1] : null);
  const cands = [secs(video), secs(audio)].filter((d): d is number => d !== null);
  const duration = cands.length ? Math.max(...cands) : num(format.duration) ?? 0;
  if (!(duration > 0)) throw new VideoDecodeError(path, 'unreadable', 'has no duration (empty or broken stream)');
  return {
    path, format: formatName, duration, width: video.width, height: video.height, fps,
    hasAudio: audio !== null, video, audio, formatStart: num(format.start_time) ?? 0,
  };
}

const fmt = (x: number) => x.toFixed(6);

/**
 * The ffmpeg arguments that decode [start, end) of a probed file (exported for tests/bench and
 * the browser decoder, which writes to files instead of the Node sinks: `outputs`).
 */
export function clipArgs(info: VideoInfo, input: string, start: number, end: number, opts: DecodeOptions = {},
  outputs: [string, string] = [FFmpegNode.sinkPath(0), FFmpegNode.sinkPath(1)]): { args: string[]; width: number; height: number; audio: boolean } {
  const v = info.video;
  const startPts = secsToPts(start, v.timeBase, v.startPts);
  const endPts = end === Infinity ? null : secsToPts(end, v.timeBase, v.startPts);
  const vStartSec = v.startPts * v.timeBase[0] / v.timeBase[1];
  // -ss is relative to the container start; seek a margin early so the keyframe at or before
  // the first wanted frame is found even after rounding.
  const seek = vStartSec - info.formatStart + start - 0.1;
  const { width, height } = outputSize(info, opts);
  const trim = `trim=start_pts=${startPts}${endPts !== null ? `:end_pts=${endPts}` : ''}`;
  const args = ['-hide_banner', '-loglevel', 'error', '-nostats', '-copyts'];
  if (seek > 0) args.push('-noaccurate_seek', '-ss', fmt(seek));
  args.push('-i', input,
    '-map', '0:v:0', '-vsync', 'passthrough', '-sws_flags', SWS_FLAGS,
    '-vf', `${trim},scale=${width}:${height}:flags=${SWS_FLAGS},format=rgb24`,
    '-f', 'rawvideo', outputs[0]);
  const audio = (opts.audio ?? true) && info.audio !== null;
  if (audio) {
    const a = info.audio!;
    const aStartSec = a.startPts * a.timeBase[0] / a.timeBase[1];
    const rate = opts.sampleRate ?? 16000;
    // Sample-exact cut in the audio's own timeline, then PyTorchVideo's channel mean
    // (pan with equal 1/N weights), then resampling to the requested rate.
    const n = Math.max(1, a.channels);
    const mix = Array.from({ length: n }, (_, i) => `${(1 / n).toPrecision(17)}*c${i}`).join('+');
    const atrim = `atrim=start=${fmt(aStartSec + start)}${end === Infinity ? '' : `:end=${fmt(aStartSec + end)}`}`;
    args.push('-map', '0:a:0', '-af', `${atrim},pan=mono|c0=${mix},aresample=${rate},aformat=sample_fmts=flt`,
      '-c:a', 'pcm_f32le', '-f', 'f32le', outputs[1]);
  }
  return { args, width, height, audio };
}

function outputSize(info: VideoInfo, opts: DecodeOptions): { width: number; height: number } {
  const w = opts.width, h = opts.height;
  if (w === undefined && h === undefined) return { width: info.width, height: info.height };
  for (const [k, x] of [['width', w], ['height', h]] as const) {
    if (x !== undefined && !(Number.isInteger(x) && x > 0)) throw new VideoDecodeError(info.path, 'decode-failed', `bad output ${k} ${x}`);
  }
  // ffmpeg's scale rounds an aspect-kept side like this (w/h -1): keep the same arithmetic.
  const width = w ?? Math.max(1, Math.round(info.width * h! / info.height));
  const height = h ?? Math.max(1, Math.round(info.height * w! / info.width));
  return { width, height };
}

/** Decodes [start, end) seconds of a probed file. */
export async function decodeClip(info: VideoInfo, start: number, end: number, opts: DecodeOptions = {}): Promise<DecodedClip> {
  const path = info.path;
  if (!(Number.isFinite(start) && start >= 0) || !(end > start)) {
    throw new VideoDecodeError(path, 'out-of-range', `bad clip [${start}, ${end}) s`);
  }
  if (start >= info.duration) {
    throw new VideoDecodeError(path, 'out-of-range', `clip [${start}, ${end}) s starts past the end (duration ${info.duration} s)`);
  }
  const ff = await FFmpegNode.get();
  checkHostFile(ff, path);
  const timeoutMs = opts.timeoutMs ?? 30000;
  const maxBytes = opts.maxClipBytes ?? 2 ** 30;
  return ff.withMounted([path], ([input]) => {
    const { args, width, height, audio } = clipArgs(info, input, start, end, opts);
    const frameBytes = width * height * 3;
    const span = Math.min(end, info.duration) - start;
    const expect = Math.ceil(span * (info.fps || 30)) + 2;
    if (frameBytes > maxBytes) throw new VideoDecodeError(path, 'too-large', `a ${width}x${height} frame exceeds the ${maxBytes}-byte clip budget`);
    const frames = new FrameSink(frameBytes, expect, maxBytes);
    const sound = audio ? new AudioSink() : null;
    let res;
    try {
      res = ff.run('ffmpeg', args, { timeoutMs, sinks: [frames, sound] });
    } catch (e) {
      frames.buf.dispose();
      throw new VideoDecodeError(path, 'decode-failed', `ffmpeg crashed: ${(e as Error).message}`);
    }
    const fail = (reason: ConstructorParameters<typeof VideoDecodeError>[1], msg: string): never => {
      frames.buf.dispose();
      throw new VideoDecodeError(path, reason, msg);
    };
    if (frames.overflow) fail('too-large', `clip [${start}, ${end}) s needs more than ${maxBytes} bytes of frames`);
    if (res.timedOut) fail('timeout', `decoding [${start}, ${end}) s took longer than the ${timeoutMs} ms limit`);
    if (res.ret !== 0) fail('decode-failed', `decoding [${start}, ${end}) s failed: ${lastError(res.log)}`);
    const t = frames.cursor / frameBytes;
    if (!Number.isInteger(t)) fail('decode-failed', `got a partial frame (${frames.cursor} bytes, ${frameBytes} per frame)`);
    if (t === 0) fail('out-of-range', `no frames in [${start}, ${end}) s (duration ${info.duration} s)`);
    return { video: frames.toCTHW(height, width), audio: sound ? sound.toTensor() : null };
  });
}
