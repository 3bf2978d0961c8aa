// WAV files without ffmpeg (the audio pipeline's audio-only input; ffmpeg's probe wants a video
// stream): RIFF/WAVE with PCM 8/16/24/32-bit integer or 32/64-bit float samples, including
// WAVE_FORMAT_EXTENSIBLE, mixed to mono by PyTorchVideo's channel mean. And torchaudio's
// band-limited resampler (functional.resample, sinc_interp_hann: 6 zero crossings, rolloff 0.99),
// the `Resample` of PyTorchVideo's audio recipe.
import { ArgumentError } from '../runtime/errors.js';
import { VideoDecodeError } from './errors.js';

export interface WavAudio { sampleRate: number; channels: number; duration: number; mono: Float32Array }

const tag = (b: Uint8Array, at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);

/** True when the bytes start like a RIFF/WAVE file. */
export function isWav(head: Uint8Array): boolean {
  return head.length >= 12 && tag(head, 0) === 'RIFF' && tag(head, 8) === 'WAVE';
}

/**
 * The mono waveform of a WAV file, or of the window [startSec, endSec) of it. Malformed files
 * (missing chunks, sizes past the end, unsupported encodings) are a VideoDecodeError naming `name`.
 */
export function readWav(bytes: Uint8Array, name: string, startSec = 0, endSec = Infinity): WavAudio {
  const bad = (detail: string) => new VideoDecodeError(name, 'unreadable', `not a readable WAV file: ${detail}`);
  if (!isWav(bytes)) throw bad('no RIFF/WAVE header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: { format: number; channels: number; rate: number; align: number; bits: number } | null = null;
  let data: { at: number; size: number } | null = null;
  for (let at = 12; at + 8 <= bytes.length && !data;) {
    const id = tag(bytes, at), size = view.getUint32(at + 4, true), body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) throw bad('short fmt chunk');
      let format = view.getUint16(body, true);
      if (format === 0xfffe && size >= 26) format = view.getUint16(body + 24, true); // WAVE_FORMAT_EXTENSIBLE: the sub-format GUID's first field
      fmt = { format, channels: view.getUint16(body + 2, true), rate: view.getUint32(body + 4, true), align: view.getUint16(body + 12, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      data = { at: body, size: Math.min(size, bytes.length - body) }; // a streaming writer may leave the size unset: take what is there
    }
    at = body + size + (size & 1);
  }
  if (!fmt) throw bad('no fmt chunk');
  if (!data) throw bad('no data chunk');
  const { format, channels, rate, align, bits } = fmt;
  const width = bits / 8;
  const ok = channels > 0 && rate > 0 && Number.isInteger(width) && align === channels * width
    && ((format === 1 && width >= 1 && width <= 4) || (format === 3 && (width === 4 || width === 8)));
  if (!ok) throw bad(`unsupported encoding (format ${format}, ${bits} bits, ${channels} channels, block ${align}); PCM integer or float only`);
  const total = Math.floor(data.size / align);
  const duration = total / rate;
  const first = Math.min(total, Math.max(0, Math.round(startSec * rate)));
  const last = Math.min(total, Number.isFinite(endSec) ? Math.round(endSec * rate) : total);
  const sample = (p: number): number => {
    if (format === 3) return width === 4 ? view.getFloat32(p, true) : view.getFloat64(p, true);
    if (width === 1) return (bytes[p] - 128) / 128;
    if (width === 2) return view.getInt16(p, true) / 32768;
    if (width === 3) return (((bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16)) << 8) >> 8) / 8388608;
    return view.getInt32(p, true) / 2147483648;
  };
  const mono = new Float32Array(Math.max(0, last - first));
  for (let i = 0; i < mono.length; i++) {
    let s = 0;
    for (let c = 0; c < channels; c++) s += sample(data.at + (first + i) * align + c * width);
    mono[i] = s / channels;
  }
  return { sampleRate: rate, channels, duration, mono };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const MAX_KERNEL = 1 << 22;

/**
 * torchaudio.functional.resample(x, from, to) with its defaults: per output phase a windowed
 * sinc kernel (computed in double, stored as f32 as torchaudio's Resample caches it), applied
 * with stride `from` over the input zero-padded by the kernel's half width.
 */
export function resample(x: Float32Array, from: number, to: number): Float32Array {
  if (!(Number.isInteger(from) && Number.isInteger(to) && from > 0 && to > 0)) throw new ArgumentError(`resample: integer rates needed, got ${from} -> ${to}`);
  if (from === to) return x.slice();
  const g = gcd(from, to), orig = from / g, next = to / g;
  const lpw = 6, base = Math.min(orig, next) * 0.99;
  const width = Math.ceil((lpw * orig) / base);
  const taps = 2 * width + orig;
  // Rates with a small common divisor (44101 -> 16000) need next x taps kernel entries (here 7e8):
  // refused rather than exhausting memory; every common rate (8k ... 96k) needs < 1e6.
  if (next * taps > MAX_KERNEL) {
    throw new ArgumentError(`resample: ${from} Hz -> ${to} Hz needs a ${next} x ${taps} kernel (over ${MAX_KERNEL} entries); resample the file to a common rate first`);
  }
  const kernels = new Float32Array(next * taps);
  for (let k = 0; k < next; k++) {
    for (let i = 0; i < taps; i++) {
      let t = (-k / next + (i - width) / orig) * base;
      t = Math.min(lpw, Math.max(-lpw, t));
      const window = Math.cos((t * Math.PI) / lpw / 2) ** 2;
      t *= Math.PI;
      kernels[k * taps + i] = (t === 0 ? 1 : Math.sin(t) / t) * window * (base / orig);
    }
  }
  const n = Math.ceil((next * x.length) / orig);
  const out = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    const frame = Math.floor(j / next), k = j % next, at = frame * orig - width;
    let s = 0;
    const kk = k * taps;
    for (let i = Math.max(0, -at); i < taps && at + i < x.length; i++) s += x[at + i] * kernels[kk + i];
    out[j] = s;
  }
  return out;
}
