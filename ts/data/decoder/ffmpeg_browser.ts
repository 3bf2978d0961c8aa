// The ffmpeg.wasm video decoder for the browser: @ffmpeg/ffmpeg runs the same @ffmpeg/core
// (FFmpeg 5.1, single thread) as the Node decoder, in a Web Worker. The clip arguments are the
// Node decoder's (clipArgs: PyTorchVideo frame selection, accurate bilinear scaling, mono
// 16 kHz audio) and so are the probe rules (infoFromReport), so a clip decodes to the same
// bytes in Node and in the browser.
//
// Input: a Blob/File mounted read-only with WORKERFS (the worker reads slices on demand; the
// file is never copied into the core's memory). Output: @ffmpeg/ffmpeg has no device hook, so
// frames and audio go to two MEMFS files that are read back (transferred) and deleted after
// each clip: a clip's frames are held twice for a moment, which is the cost of this path.
//
// Where the worker and the core come from: by default `ffmpeg/worker.js` (the files of
// node_modules/@ffmpeg/ffmpeg/dist/esm) and `ffmpeg-core/ffmpeg-core.{js,wasm}`
// (node_modules/@ffmpeg/core/dist/esm), relative to the page; configureBrowserDecoder() changes
// that. The worker is a module worker, which needs the page served same-origin (the test
// server also sends COOP/COEP, as a threaded deployment would). Before loading, the three URLs
// are checked (HEAD): a page that serves none of them fails at once, naming the setting, instead
// of waiting on a worker that never answers (@ffmpeg/ffmpeg reports no load errors). Every wait
// on the worker is bounded (config.timeoutMs; a decode run by its DecodeOptions.timeoutMs): past
// it the worker is terminated and the call rejects with a VideoDecodeError of reason 'timeout'.
import type { FFmpeg } from '@ffmpeg/ffmpeg';
import { VideoDecodeError } from '../errors.js';
import {
  DEFAULT_MAX_CLIP_BYTES, DEFAULT_TIMEOUT_MS, checkDecoded, checkWindow, clipArgs, firstFrameArgs, infoFromProbe, probeArgs,
  type DecodedClip, type DecodeOptions, type LogLine, type VideoInfo,
} from './ffmpeg_clip.js';
import { AudioSink, FrameSink } from './sinks.js';

export interface BrowserDecoderConfig {
  /** URL of @ffmpeg/ffmpeg's worker.js (its dist/esm folder must be served beside it). */
  classWorkerURL?: string;
  /** URL of @ffmpeg/core's ESM ffmpeg-core.js. */
  coreURL?: string;
  /** URL of ffmpeg-core.wasm. */
  wasmURL?: string;
  /**
   * Runs (probes + clips) before the worker is replaced by a fresh one. Every ffmpeg run ends
   * in an abort that leaks its C stack depth, and after ~100 runs the core fails (ffmpeg.wasm
   * issues #563/#820); the Node decoder restores the stack pointer, which @ffmpeg/ffmpeg's
   * worker cannot, so the browser decoder starts a new worker instead. Default 64.
   */
  maxRunsPerWorker?: number;
  /**
   * Base of relative URLs (the core's and the videos'). Default: the page's (or worker's)
   * location. A DataLoader worker gets its page's, so relative video paths mean the same there.
   */
  baseURL?: string;
  /**
   * Bound (ms) on every wait on the decoder worker other than a decode run, which has its own
   * DecodeOptions.timeoutMs: loading the worker and the core, mounting, reading frames back.
   * Default 30000.
   */
  timeoutMs?: number;
}

const DEFAULT_WORKER_TIMEOUT_MS = 30000;
/** Slack over a run's own timeout (which ffmpeg.wasm enforces inside the worker) before we stop waiting. */
const RUN_GRACE_MS = 5000;

/** Rejects with a timeout VideoDecodeError if p has not settled after ms, then calls onTimeout. */
function bounded<T>(p: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // reject first: stopping the worker also rejects p, and the race must report the timeout
      reject(new VideoDecodeError('ffmpeg.wasm', 'timeout', `${what} did not finish within ${ms} ms ` +
        '(data.configureBrowserDecoder({ timeoutMs }) sets the limit); the decoder worker was stopped'));
      onTimeout();
    }, ms);
  });
  return Promise.race([p, expired]).finally(() => clearTimeout(timer));
}

/**
 * Checks that the worker, core and wasm URLs are served (HEAD), so a page without the ffmpeg files
 * fails now rather than after a silent wait. A server without HEAD support (405/501) passes.
 */
async function checkServed(urls: Record<'classWorkerURL' | 'coreURL' | 'wasmURL', string>, ms: number): Promise<void> {
  const status = async (url: string): Promise<string | null> => {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), ms);
    try {
      const res = await fetch(url, { method: 'HEAD', signal: ctl.signal });
      return res.ok || res.status === 405 || res.status === 501 ? null : `HTTP ${res.status}`;
    } catch (e) {
      return ctl.signal.aborted ? `no answer within ${ms} ms` : (e as Error).message;
    } finally { clearTimeout(timer); }
  };
  const bad = (await Promise.all(Object.entries(urls).map(async ([k, u]) => [k, u, await status(u)] as const))).filter(([, , why]) => why);
  if (bad.length) {
    throw new VideoDecodeError('ffmpeg.wasm', 'decode-failed', `the browser decoder's files are not served: ` +
      bad.map(([k, u, why]) => `${k} ${u} (${why})`).join(', ') + '. Serve node_modules/@ffmpeg/ffmpeg/dist/esm/ and ' +
      'node_modules/@ffmpeg/core/dist/esm/ with the page and call data.configureBrowserDecoder({ classWorkerURL, coreURL, wasmURL }) ' +
      "with their URLs (defaults: 'ffmpeg/worker.js', 'ffmpeg-core/ffmpeg-core.js', 'ffmpeg-core/ffmpeg-core.wasm' relative to the page)");
  }
}

let config: BrowserDecoderConfig = {};
const waitMs = (): number => config.timeoutMs ?? DEFAULT_WORKER_TIMEOUT_MS;
let core: Promise<BrowserCore> | null = null;

/** Sets where the worker and the core are loaded from (before the first decode). */
export function configureBrowserDecoder(c: BrowserDecoderConfig): void {
  config = { ...c };
  const old = core;
  core = null;
  old?.then((b) => b.ff.terminate(), () => {});
}

function resolveUrl(u: string): string {
  const base = config.baseURL ?? (globalThis as { location?: { href: string } }).location?.href;
  return base ? new URL(u, base).href : u;
}

/**
 * The current configuration with every URL absolute (the defaults included) and baseURL set:
 * what a DataLoader sends its Web Workers, which may live at another URL (or a blob: URL).
 */
export function browserDecoderConfig(): BrowserDecoderConfig {
  return {
    ...config,
    classWorkerURL: resolveUrl(config.classWorkerURL ?? 'ffmpeg/worker.js'),
    coreURL: resolveUrl(config.coreURL ?? 'ffmpeg-core/ffmpeg-core.js'),
    wasmURL: resolveUrl(config.wasmURL ?? 'ffmpeg-core/ffmpeg-core.wasm'),
    baseURL: resolveUrl('.'),
  };
}

/** One worker for the page; runs are serialised (the worker's FS paths are shared). */
class BrowserCore {
  private queue: Promise<unknown> = Promise.resolve();
  private log: LogLine[] = [];
  private mounts = 0;
  private runs = 0;
  /** Set once the run budget is spent: no new jobs; terminated when the queued ones finish. */
  retired = false;
  constructor(readonly ff: FFmpeg) { ff.on('log', (l) => { this.log.push(l); }); }

  static async create(): Promise<BrowserCore> {
    const { classWorkerURL, coreURL, wasmURL } = browserDecoderConfig();
    const urls = { classWorkerURL: classWorkerURL!, coreURL: coreURL!, wasmURL: wasmURL! };
    await checkServed(urls, waitMs());
    const { FFmpeg } = await import('@ffmpeg/ffmpeg');
    const ff = new FFmpeg();
    await bounded(ff.load(urls), waitMs(), `loading @ffmpeg/core (${urls.coreURL})`, () => ff.terminate());
    return new BrowserCore(ff);
  }

  /** A wait on the worker, bounded; on timeout the worker is terminated and this core retired. */
  private wait<T>(p: Promise<T>, what: string, ms = waitMs()): Promise<T> {
    return bounded(p, ms, what, () => {
      this.retired = this.terminating = true;
      this.ff.terminate();
    });
  }

  /** Runs fn alone (no other mount/exec/read in between), with the blob mounted at a fresh path. */
  withMounted<R>(blob: Blob, ext: string, fn: (input: string) => Promise<R>): Promise<R> {
    // a caller holding a worker that has since been retired goes to its successor
    if (this.terminating) return getCore().then((c) => c.withMounted(blob, ext, fn));
    const job = this.queue.then(async () => {
      const dir = `/vwin${this.mounts++}`;
      await this.wait(this.ff.createDir(dir), 'creating a folder in the decoder worker');
      // A neutral name: the user's file name may hold characters ffmpeg parses.
      await this.wait(this.ff.mount('WORKERFS' as Parameters<FFmpeg['mount']>[0], { blobs: [{ name: `input${ext}`, data: blob }] }, dir),
        'mounting the video in the decoder worker');
      try {
        return await fn(`${dir}/input${ext}`);
      } finally {
        if (!this.terminating) {
          await this.wait(this.ff.unmount(dir), 'unmounting').catch(() => {});
          await this.wait(this.ff.deleteDir(dir), 'removing a folder').catch(() => {});
        }
      }
    });
    this.queue = job.catch(() => {});
    return job;
  }

  async run(tool: 'ffmpeg' | 'ffprobe', args: string[], timeoutMs: number): Promise<{ ret: number; log: LogLine[]; timedOut: boolean }> {
    this.log = [];
    if (++this.runs >= (config.maxRunsPerWorker ?? 64)) this.retired = true;
    const t0 = performance.now();
    const ret = await this.wait(tool === 'ffmpeg' ? this.ff.exec(args, timeoutMs) : this.ff.ffprobe(args, timeoutMs),
      `an ${tool} run`, (timeoutMs > 0 ? timeoutMs : waitMs()) + RUN_GRACE_MS);
    const ms = performance.now() - t0;
    // Log messages are posted before the run's answer, so they have all arrived.
    return { ret, log: this.log, timedOut: timeoutMs > 0 && ret !== 0 && ms >= timeoutMs * 0.9 };
  }

  /** Terminates the worker after the jobs already queued. */
  private terminating = false;
  retire(): void {
    this.terminating = true;
    this.queue.then(() => this.ff.terminate(), () => this.ff.terminate());
  }

  async take(path: string): Promise<Uint8Array | null> {
    try {
      const d = await this.wait(this.ff.readFile(path), 'reading decoded frames back');
      return typeof d === 'string' ? new TextEncoder().encode(d) : d;
    } catch (e) {
      if (e instanceof VideoDecodeError) throw e;  // a timeout, not a missing output
      return null;
    } finally { if (!this.terminating) await this.wait(this.ff.deleteFile(path), 'removing decoded frames').catch(() => {}); }
  }
}

async function getCore(): Promise<BrowserCore> {
  const current = core;
  if (current) {
    const c = await current.catch(() => null);
    // replace a spent worker once (a concurrent caller may already have)
    if (c?.retired && core === current) { core = null; c.retire(); }
    else if (c && !c.retired) return c;
  }
  core ??= BrowserCore.create().catch((e) => {
    core = null;
    if (e instanceof VideoDecodeError) throw e;
    throw new VideoDecodeError('ffmpeg.wasm', 'decode-failed', `cannot load @ffmpeg/ffmpeg + @ffmpeg/core in this page: ${(e as Error)?.message ?? e}`);
  });
  return core;
}

function extOf(name: string): string {
  const m = /\.([a-z0-9]{1,8})$/i.exec(name.split(/[?#]/)[0]);
  return m ? `.${m[1].toLowerCase()}` : '';
}

/** Reads a Blob's container and stream headers (ffprobe in the worker). `name` names it in errors. */
export async function probeBlob(blob: Blob, name: string, opts: { timeoutMs?: number } = {}): Promise<VideoInfo> {
  if (blob.size === 0) throw new VideoDecodeError(name, 'empty', 'zero-byte file');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const c = await getCore();
  const { streams, frame } = await c.withMounted(blob, extOf(name), async (input) => {
    const streams = await c.run('ffprobe', probeArgs(input), timeoutMs);
    return { streams, frame: streams.timedOut ? null : await c.run('ffprobe', firstFrameArgs(input), timeoutMs) };
  });
  if (streams.timedOut || frame?.timedOut) throw new VideoDecodeError(name, 'timeout', `probing took longer than ${timeoutMs} ms`);
  return infoFromProbe(name, streams.log, frame?.log ?? null);
}

/** Decodes [start, end) seconds of a probed Blob (same selection and pixels as decodeClip). */
export async function decodeClipBlob(blob: Blob, info: VideoInfo, start: number, end: number, opts: DecodeOptions = {}): Promise<DecodedClip> {
  checkWindow(info, start, end);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxBytes = opts.maxClipBytes ?? DEFAULT_MAX_CLIP_BYTES;
  const outs = ['/vwout_video.rgb', '/vwout_audio.f32'] as const;
  const c = await getCore();
  const { res, video, audio, width, height } = await c.withMounted(blob, extOf(info.path), async (input) => {
    const built = clipArgs(info, input, start, end, opts, outs);
    const res = await c.run('ffmpeg', built.args, timeoutMs);
    const video = await c.take(outs[0]);
    const audio = built.audio ? await c.take(outs[1]) : null;
    return { res, video, audio, width: built.width, height: built.height };
  });
  const bytes = video ?? new Uint8Array(0);
  const got = checkDecoded(info, start, end, res, bytes.length, width * height * 3, { timeoutMs, maxBytes, overflow: null });
  // The Node decoder's sinks: u8 [3, T, H, W] through the permute kernel, f32 [S] audio.
  const frames = new FrameSink(width * height * 3, maxBytes);
  try {
    frames.write(bytes);
    const sound = audio ? new AudioSink() : null;
    sound?.write(audio!);
    return { video: frames.toCTHW(height, width), audio: sound ? sound.toTensor() : null, expectedFrames: got.expectedFrames, shortRead: got.shortRead };
  } finally {
    frames.dispose();
  }
}

/** A Blob for a File/Blob as is, or fetched from a URL (relative to the page). */
export async function blobFrom(src: Blob | URL | string): Promise<{ blob: Blob; name: string }> {
  if (typeof Blob !== 'undefined' && src instanceof Blob) {
    return { blob: src, name: (src as { name?: string }).name || 'blob' };
  }
  const url = resolveUrl(String(src));
  let res: Response;
  try { res = await fetch(url); } catch (e) {
    throw new VideoDecodeError(url, 'missing', `cannot fetch: ${(e as Error).message}`);
  }
  if (!res.ok) throw new VideoDecodeError(url, 'missing', `HTTP ${res.status} ${res.statusText}`.trim());
  return { blob: await res.blob(), name: url };
}
