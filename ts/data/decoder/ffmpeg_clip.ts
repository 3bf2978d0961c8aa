// What every host asks ffmpeg.wasm for and how it reads the answers (host-neutral: the Node
// decoder, node_decoder.ts, and the browser one, ffmpeg_browser.ts, share it, so a clip decodes
// to the same bytes on both).
//
// Clip semantics are PyTorchVideo's (EncodedVideoPyAV): times are relative to the video
// stream's start, and a frame belongs to [start, end) when its pts (stream time base) is in
// [ceil(start / tb) + start_pts, ceil(end / tb) + start_pts). We get exactly that set from
// ffmpeg with -copyts (pts stay the stream's own) and a `trim=start_pts:end_pts` filter, after
// a keyframe seek (-ss before -i, -noaccurate_seek: the demuxer lands on the keyframe at or
// before the target, a small margin earlier so rounding never skips the first frame).
// Pixels: scale with bilinear+accurate_rnd+full_chroma_int, which makes the wasm build
// bit-identical to native FFmpeg 5.1 (the core is 5.1 too).
//
// Headers can lie: a frame size or frame rate in the container says nothing about the frames.
// The probe decodes the first video frame and takes the frame size from it, and clip buffers
// grow with the frames actually decoded (sinks.ts), never with what a header promises.
import { Tensor } from '../../runtime/tensor.js';
import { VideoDecodeError, type VideoDecodeReason } from '../errors.js';

export const SWS_FLAGS = 'bilinear+accurate_rnd+full_chroma_int';

/** A rational time base, e.g. [1, 15360]. */
export type TimeBase = [number, number];

/** A log line from ffmpeg (stderr) or ffprobe's report (stdout). */
export interface LogLine { type: string; message: string }

export interface StreamInfo { timeBase: TimeBase; startPts: number; durationTs: number | null; codec: string }
export interface VideoStreamInfo extends StreamInfo {
  /** Size of the decoded frames (the first one's; the container's claim only when none decodes). */
  width: number; height: number;
  fps: number; nbFrames: number | null;
}
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

export interface DecodedClip {
  video: Tensor;
  audio: Tensor | null;
  /**
   * Frames the window should hold by the stream's frame rate (clipped to the duration). Fewer
   * decoded frames than that, or ffmpeg reporting a truncated file, sets `shortRead`.
   */
  expectedFrames: number;
  /**
   * True when the clip holds fewer frames than the window should (a truncated or damaged file).
   * The frames that did decode are returned, as PyTorchVideo's EncodedVideo returns what it
   * decoded; the flag lets a caller tell a short clip from a damaged file.
   */
  shortRead: boolean;
}

export const DEFAULT_TIMEOUT_MS = 30000;
export const DEFAULT_MAX_CLIP_BYTES = 2 ** 30;

/** ffprobe's arguments for the streams and the container. */
export function probeArgs(input: string): string[] {
  return ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', input];
}

/**
 * ffprobe's arguments for the size of the first decoded video frame (one packet, then the
 * decoder is flushed): the truth when the container's frame size differs.
 */
export function firstFrameArgs(input: string): string[] {
  return ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=width,height', '-read_intervals', '%+#1', '-of', 'json', input];
}

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

function jsonReport(log: LogLine[]): { streams?: Record<string, unknown>[]; format?: Record<string, unknown>; frames?: Record<string, unknown>[] } {
  try { return JSON.parse(log.filter((l) => l.type === 'stdout').map((l) => l.message).join('\n')); } catch { return {}; }
}

/** VideoInfo from the logs of the two ffprobe runs (probeArgs, then firstFrameArgs, null if not run). */
export function infoFromProbe(path: string, log: LogLine[], frameLog: LogLine[] | null): VideoInfo {
  const report = jsonReport(log);
  if (!report.format || !report.streams) {
    throw new VideoDecodeError(path, 'unreadable', `cannot read the file as media (truncated or not a video container): ${lastError(log)}`);
  }
  const frames = (frameLog ? jsonReport(frameLog).frames ?? [] : []).map((f) => ({ media_type: 'video', ...f }));
  return infoFromReport(path, report.streams, report.format, frames);
}

/** VideoInfo from ffprobe's JSON report: streams, format and the first decoded frames. */
export function infoFromReport(path: string, streams: Record<string, unknown>[], format: Record<string, unknown>,
  frames: Record<string, unknown>[] = []): VideoInfo {
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
  // The decoded frame's size wins over the container's (a webm PixelWidth of 65535 on 320-px frames).
  const first = frames.find((f) => f.media_type === 'video' && (num(f.width) ?? 0) > 0 && (num(f.height) ?? 0) > 0);
  const width = num(first?.width) ?? num(vs.width) ?? 0, height = num(first?.height) ?? num(vs.height) ?? 0;
  const video: VideoStreamInfo = { ...stream(vs), width, height, fps, nbFrames: num(vs.nb_frames) };
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

/** Refuses a window no clip can come from (before any decoding). */
export function checkWindow(info: VideoInfo, start: number, end: number): void {
  if (!(Number.isFinite(start) && start >= 0) || !(end > start)) {
    throw new VideoDecodeError(info.path, 'out-of-range', `bad clip [${start}, ${end}) s`);
  }
  if (start >= info.duration) {
    throw new VideoDecodeError(info.path, 'out-of-range', `clip [${start}, ${end}) s starts past the end (duration ${info.duration} s)`);
  }
}

/**
 * The ffmpeg arguments that decode [start, end) of a probed file into `outputs` (raw rgb24
 * frames, then f32le mono audio when asked for and present).
 */
export function clipArgs(info: VideoInfo, input: string, start: number, end: number, opts: DecodeOptions,
  outputs: readonly [string, string]): { args: string[]; width: number; height: number; audio: boolean } {
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
  if (width * height * 3 > (opts.maxClipBytes ?? DEFAULT_MAX_CLIP_BYTES)) {
    throw new VideoDecodeError(info.path, 'too-large', `a ${width}x${height} frame exceeds the ${opts.maxClipBytes ?? DEFAULT_MAX_CLIP_BYTES}-byte clip budget`);
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

// What ffmpeg says when the input ends before its index does (mov: "partial file").
const TRUNCATION = /partial file|truncat|unexpected (eof|end)|premature end/i;

/**
 * Checks a finished clip decode and says whether it came up short. `frameBytes` is one rgb24
 * frame; `bytes` what the sink received. Throws the typed error of a failed run.
 */
export function checkDecoded(info: VideoInfo, start: number, end: number, run: { ret: number; timedOut: boolean; log: LogLine[] },
  bytes: number, frameBytes: number, limits: { timeoutMs: number; maxBytes: number; overflow: string | null }):
  { frames: number; expectedFrames: number; shortRead: boolean } {
  const fail = (reason: VideoDecodeReason, msg: string): never => { throw new VideoDecodeError(info.path, reason, msg); };
  if (limits.overflow !== null || bytes > limits.maxBytes) {
    fail('too-large', `clip [${start}, ${end}) s ${limits.overflow ?? `needs more than ${limits.maxBytes} bytes of frames`}`);
  }
  if (run.timedOut) fail('timeout', `decoding [${start}, ${end}) s took longer than the ${limits.timeoutMs} ms limit`);
  if (run.ret !== 0) fail('decode-failed', `decoding [${start}, ${end}) s failed: ${lastError(run.log)}`);
  const frames = bytes / frameBytes;
  if (!Number.isInteger(frames)) fail('decode-failed', `got a partial frame (${bytes} bytes, ${frameBytes} per frame)`);
  // The window's end, clipped to what the container claims: its duration, or its frame count
  // when that says more (a truncated avi shrinks the duration to the data left, not the count).
  const v = info.video;
  const claimed = Math.max(info.duration, v.nbFrames !== null && info.fps > 0 ? v.nbFrames / info.fps : 0);
  const expectedFrames = info.fps > 0 ? Math.round((Math.min(end, claimed) - start) * info.fps) : 0;
  const truncated = run.log.some((l) => l.type === 'stderr' && TRUNCATION.test(l.message));
  if (frames === 0) {
    fail('out-of-range', `no frames in [${start}, ${end}) s (duration ${info.duration} s${truncated ? '; the file looks truncated or damaged' : ''})`);
  }
  // One frame of rounding at each end of the window, and 10% for variable frame rates.
  const shortRead = truncated || frames < expectedFrames - Math.max(2, Math.ceil(expectedFrames * 0.1));
  return { frames, expectedFrames, shortRead };
}
