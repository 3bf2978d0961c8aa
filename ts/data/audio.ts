// Spectrograms, (log-)mel spectrograms and MFCCs of a mono waveform (the input of the audio
// pathway of audio-visual models), computed by the C kernels in native/kernels/melspec*.c:
// framing with a periodic Hann window, a real FFT, |X|^power, a mel filterbank, log or dB, DCT.
//
// Semantics and defaults are torchaudio's (transforms.Spectrogram / MelSpectrogram):
// n_fft 400, win_length n_fft, hop win_length / 2, center with reflect padding, power 2,
// f_min 0, f_max sample_rate / 2, 128 mel bins, HTK mel scale, no filter normalisation.
// PyTorchVideo itself has no spectrogram transform; its clip dicts carry the raw waveform.
// The result is [T, F] (frames by mel bins, the time-major layout PyTorchVideo/PySlowFast
// audio models read), i.e. torchaudio's [F, T] transposed.
//
// FFT sizes: a power of two goes through a real FFT (an n/2 complex radix-2 FFT plus a
// split step); n = 2^a q with an odd part q <= 32 (torchaudio's default 400 = 16 x 25) through
// a mixed-radix split (q radix-2 FFTs of size 2^a, recombined directly); any other size
// through Bluestein's chirp-z algorithm on a power-of-two FFT of size >= 2n - 1. The plans (bit reversal, twiddles,
// chirps) are computed once per size in double precision here and cached in wasm memory.
import { Tensor } from '../runtime/tensor.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../runtime/errors.js';
import { params } from '../runtime/wasm.js';
import { keep } from '../runtime/memory.js';
import * as vw from '../runtime/kernels.gen.js';

export type PadMode = 'reflect' | 'constant' | 'replicate';
export type MelScale = 'htk' | 'slaney';

export interface SpectrogramOptions {
  /** FFT size. Default 400 (torchaudio). */
  nFft?: number;
  /** Window length (<= nFft; the window is centred in the frame). Default nFft. */
  winLength?: number;
  /** Hop between frames. Default floor(winLength / 2). */
  hopLength?: number;
  /** Pad nFft/2 on both sides so frame t is centred on sample t*hop. Default true. */
  center?: boolean;
  /** How the centre padding extends the signal. Default 'reflect'. */
  padMode?: PadMode;
  /** 2: power spectrum, 1: magnitude. Default 2. */
  power?: 1 | 2;
}

export interface MelOptions extends SpectrogramOptions {
  sampleRate?: number;
  nMels?: number;
  fMin?: number;
  /** Default sampleRate / 2. */
  fMax?: number;
  melScale?: MelScale;
  /** 'slaney' divides each triangle by its width (area normalisation). Default null. */
  norm?: 'slaney' | null;
}

export interface LogMelOptions extends MelOptions {
  /** The offset/floor of the log. Default 1e-6. */
  eps?: number;
  /** 'offset': log(x + eps) (default); 'clamp': log(max(x, eps)). */
  logMode?: 'offset' | 'clamp';
}

// ----------------------------------------------------------------------------------------
// Mel filterbank (torchaudio.functional.melscale_fbanks, computed in double, stored as f32)

export function hzToMel(f: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + f / 700);
  const fSp = 200 / 3, minLogHz = 1000, minLogMel = minLogHz / fSp, logstep = Math.log(6.4) / 27;
  return f >= minLogHz ? minLogMel + Math.log(f / minLogHz) / logstep : f / fSp;
}

export function melToHz(m: number, scale: MelScale = 'htk'): number {
  if (scale === 'htk') return 700 * (10 ** (m / 2595) - 1);
  const fSp = 200 / 3, minLogHz = 1000, minLogMel = minLogHz / fSp, logstep = Math.log(6.4) / 27;
  return m >= minLogMel ? minLogHz * Math.exp(logstep * (m - minLogMel)) : fSp * m;
}

/**
 * Triangular mel filters as [nFreqs, nMels]: torchaudio's melscale_fbanks (formulas and layout),
 * evaluated in double and rounded once. torchaudio evaluates them in float32, whose rounding
 * (slopes subtract nearby frequencies) moves some weights by up to ~3e-4 relative; this
 * matches torchaudio's own function run in float64.
 */
export function melFilterbank(nFreqs: number, fMin: number, fMax: number, nMels: number, sampleRate: number,
  norm: 'slaney' | null = null, melScale: MelScale = 'htk'): Float32Array {
  const fb = new Float32Array(nFreqs * nMels);
  // torchaudio: all_freqs = linspace(0, sample_rate // 2, n_freqs)
  const top = Math.floor(sampleRate / 2);
  const freq = (i: number) => (nFreqs === 1 ? 0 : top * i / (nFreqs - 1));
  const mMin = hzToMel(fMin, melScale), mMax = hzToMel(fMax, melScale);
  const fPts = Array.from({ length: nMels + 2 }, (_, i) => melToHz(mMin + (mMax - mMin) * i / (nMels + 1), melScale));
  for (let i = 0; i < nFreqs; i++) {
    const f = freq(i);
    for (let k = 0; k < nMels; k++) {
      const down = (f - fPts[k]) / (fPts[k + 1] - fPts[k]);
      const up = (fPts[k + 2] - f) / (fPts[k + 2] - fPts[k + 1]);
      let w = Math.max(0, Math.min(down, up));
      if (norm === 'slaney') w *= 2 / (fPts[k + 2] - fPts[k]);
      fb[i * nMels + k] = w;
    }
  }
  return fb;
}

// ----------------------------------------------------------------------------------------
// FFT plans

interface Plan { kind: 0 | 1 | 2; m: number; q: number; rev: Tensor; tw: Tensor; post: Tensor; B: Tensor | null; win: Tensor }
const plans = new Map<string, Plan>();
const isPow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;
/** Largest power of two dividing n. */
const pow2Part = (n: number) => n & -n;
/** Odd parts up to this use the mixed-radix path (its recombination costs n q / 2 per frame). */
const MAX_ODD = 32;

function bitReverse(m: number): Int32Array {
  const bits = Math.round(Math.log2(m));
  const rev = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  return rev;
}

/** Per-stage twiddles cos/-sin(2 pi j / 2h), stage h at offset h - 1; re then im. */
function stageTwiddles(m: number): Float32Array {
  const tw = new Float32Array(2 * Math.max(1, m - 1));
  for (let h = 1; h < m; h <<= 1) {
    for (let j = 0; j < h; j++) {
      tw[h - 1 + j] = Math.cos(Math.PI * j / h);
      tw[m - 1 + h - 1 + j] = -Math.sin(Math.PI * j / h);
    }
  }
  return tw;
}

/** In-place double-precision radix-2 FFT (for the Bluestein kernel's transform only). */
function fft64(re: Float64Array, im: Float64Array): void {
  const m = re.length, rev = bitReverse(m);
  for (let i = 0; i < m; i++) {
    const j = rev[i];
    if (j > i) { [re[i], re[j]] = [re[j], re[i]]; [im[i], im[j]] = [im[j], im[i]]; }
  }
  for (let h = 1; h < m; h <<= 1) {
    for (let b = 0; b < m; b += 2 * h) {
      for (let j = 0; j < h; j++) {
        const wr = Math.cos(Math.PI * j / h), wi = -Math.sin(Math.PI * j / h);
        const u = b + j, v = u + h;
        const tr = re[v] * wr - im[v] * wi, ti = re[v] * wi + im[v] * wr;
        re[v] = re[u] - tr; im[v] = im[u] - ti; re[u] += tr; im[u] += ti;
      }
    }
  }
}

/** Periodic Hann window of winLength, zero-padded to nFft and centred (torch.stft's rule). */
function hannFrame(nFft: number, winLength: number): Float32Array {
  const w = new Float32Array(nFft);
  const left = Math.floor((nFft - winLength) / 2);
  for (let i = 0; i < winLength; i++) w[left + i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / winLength);
  return w;
}

function planFor(nFft: number, winLength: number): Plan {
  const key = `${nFft}/${winLength}`;
  const hit = plans.get(key);
  if (hit) return hit;
  const f32 = (a: Float32Array) => keep(Tensor.from(a, [a.length], { dtype: 'f32' }));
  const i32 = (a: Int32Array) => keep(Tensor.from(a, [a.length], { dtype: 'i32' }));
  let plan: Plan;
  if (isPow2(nFft) && nFft >= 2) {
    const h = nFft / 2, nf = h + 1;
    const post = new Float32Array(2 * nf);
    for (let k = 0; k < nf; k++) { post[k] = Math.cos(2 * Math.PI * k / nFft); post[nf + k] = -Math.sin(2 * Math.PI * k / nFft); }
    plan = { kind: 0, m: h, q: 1, rev: i32(bitReverse(h)), tw: f32(stageTwiddles(h)), post: f32(post), B: null, win: f32(hannFrame(nFft, winLength)) };
  } else if (nFft / pow2Part(nFft) <= MAX_ODD) {
    // mixed radix: q FFTs of size p on the decimated sequences, recombined with W_n^(rk)
    const p = pow2Part(nFft), q = nFft / p, nf = Math.floor(nFft / 2) + 1, nfp = (nf + 3) & ~3;
    const W = new Float32Array(2 * q * nfp);
    for (let r = 0; r < q; r++) {
      for (let k = 0; k < nf; k++) {
        const a = 2 * Math.PI * ((r * k) % nFft) / nFft;
        W[r * nfp + k] = Math.cos(a); W[q * nfp + r * nfp + k] = -Math.sin(a);
      }
    }
    plan = { kind: 2, m: p, q, rev: i32(bitReverse(p)), tw: f32(stageTwiddles(p)), post: f32(W), B: null, win: f32(hannFrame(nFft, winLength)) };
  } else {
    let m = 1;
    while (m < 2 * nFft - 1) m <<= 1;
    // chirp w_j = exp(-i pi j^2 / n); j^2 mod 2n keeps the angle exact for large j
    const chirp = new Float32Array(2 * nFft);
    const br = new Float64Array(m), bi = new Float64Array(m);
    for (let j = 0; j < nFft; j++) {
      const a = Math.PI * ((j * j) % (2 * nFft)) / nFft;
      chirp[j] = Math.cos(a); chirp[nFft + j] = -Math.sin(a);
      // kernel b_j = conj(w_j) at j and m - j
      br[j] = Math.cos(a); bi[j] = Math.sin(a);
      if (j > 0) { br[m - j] = Math.cos(a); bi[m - j] = Math.sin(a); }
    }
    fft64(br, bi);
    const B = new Float32Array(2 * m);
    for (let j = 0; j < m; j++) { B[j] = br[j] / m; B[m + j] = bi[j] / m; }
    plan = { kind: 1, m, q: 1, rev: i32(bitReverse(m)), tw: f32(stageTwiddles(m)), post: f32(chirp), B: f32(B), win: f32(hannFrame(nFft, winLength)) };
  }
  plans.set(key, plan);
  return plan;
}

// ----------------------------------------------------------------------------------------
// Public functions

function checkWaveform(op: string, x: Tensor): void {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: waveform must be a Tensor`);
  if (x.dtype !== 'f32') throw new DTypeError(`${op}: waveform must be f32, got ${x.dtype}`);
  if (x.shape.length !== 1) throw new ShapeError(`${op}: waveform must be 1-D [S] (mono), got ${fmtShape(x.shape)}`);
  if (x.shape[0] === 0) throw new ShapeError(`${op}: empty waveform ${fmtShape(x.shape)}`);
}
const posInt = (op: string, k: string, v: number) => {
  if (!(Number.isInteger(v) && v > 0)) throw new ArgumentError(`${op}: ${k} must be a positive integer, got ${v}`);
};

interface Resolved { nFft: number; winLength: number; hop: number; pad: number; padMode: number; power: number; frames: number }

function resolve(op: string, x: Tensor, o: SpectrogramOptions): Resolved {
  checkWaveform(op, x);
  const nFft = o.nFft ?? 400, winLength = o.winLength ?? nFft, hop = o.hopLength ?? Math.floor(winLength / 2);
  posInt(op, 'nFft', nFft); posInt(op, 'winLength', winLength); posInt(op, 'hopLength', hop);
  if (nFft < 2) throw new ArgumentError(`${op}: nFft must be >= 2, got ${nFft}`);
  if (winLength > nFft) throw new ArgumentError(`${op}: winLength ${winLength} > nFft ${nFft}`);
  const power = o.power ?? 2;
  if (power !== 1 && power !== 2) throw new ArgumentError(`${op}: power must be 1 or 2, got ${power}`);
  const modes: PadMode[] = ['reflect', 'constant', 'replicate'];
  const padMode = modes.indexOf(o.padMode ?? 'reflect');
  if (padMode < 0) throw new ArgumentError(`${op}: padMode must be one of ${modes.join(', ')}, got '${o.padMode}'`);
  const S = x.shape[0], center = o.center ?? true, pad = center ? Math.floor(nFft / 2) : 0;
  if (center && padMode === 0 && pad >= S) {
    throw new ShapeError(`${op}: reflect padding of ${pad} needs more than ${pad} samples, waveform is ${fmtShape(x.shape)}`);
  }
  if (S + 2 * pad < nFft) throw new ShapeError(`${op}: waveform ${fmtShape(x.shape)} is shorter than nFft ${nFft}${center ? '' : ' (center: false)'}`);
  const frames = 1 + Math.floor((S + 2 * pad - nFft) / hop);
  return { nFft, winLength, hop, pad, padMode, power, frames };
}

function runSpectrogram(x: Tensor, r: Resolved): Tensor {
  const plan = planFor(r.nFft, r.winLength);
  const nf = Math.floor(r.nFft / 2) + 1;
  const out = Tensor.empty([r.frames, nf], 'f32');
  const work = Tensor.empty([5 * (Math.max(plan.m, r.nFft) + 8)], 'f32');
  try {
    vw.f32_spectrogram(params([
      x.ptr, x.shape[0], out.ptr, r.frames, r.nFft, r.hop, r.pad, r.padMode, r.power, plan.win.ptr,
      plan.kind, plan.m, plan.rev.ptr, plan.tw.ptr, plan.post.ptr, plan.B ? plan.B.ptr : 0, work.ptr, plan.q,
    ]));
  } finally { work.dispose(); }
  return out;
}

/** |STFT|^power as [T, nFft/2 + 1] (torchaudio.transforms.Spectrogram, transposed). */
export function spectrogram(waveform: Tensor, opts: SpectrogramOptions = {}): Tensor {
  return runSpectrogram(waveform, resolve('spectrogram', waveform, opts));
}

/** Matrices (filterbanks, DCTs) made once per configuration and kept in wasm memory (at most 16 per kind). */
function cachedMatrix(cache: Map<string, Tensor>, key: string, rows: number, cols: number, make: () => Float32Array): Tensor {
  let m = cache.get(key);
  if (!m) {
    m = keep(Tensor.from(make(), [rows, cols], { dtype: 'f32' }));
    if (cache.size > 16) { for (const t of cache.values()) t.dispose(); cache.clear(); }
    cache.set(key, m);
  }
  return m;
}

const fbCache = new Map<string, Tensor>();
function filterbank(op: string, nf: number, o: MelOptions): Tensor {
  const sr = o.sampleRate ?? 16000, nMels = o.nMels ?? 128, fMin = o.fMin ?? 0, fMax = o.fMax ?? sr / 2;
  const scale = o.melScale ?? 'htk', norm = o.norm ?? null;
  if (!(sr > 0)) throw new ArgumentError(`${op}: sampleRate must be > 0, got ${sr}`);
  posInt(op, 'nMels', nMels);
  if (!(fMin >= 0 && fMax > fMin && fMax <= sr / 2)) throw new ArgumentError(`${op}: need 0 <= fMin < fMax <= sampleRate/2, got fMin ${fMin}, fMax ${fMax}, sampleRate ${sr}`);
  if (scale !== 'htk' && scale !== 'slaney') throw new ArgumentError(`${op}: melScale must be 'htk' or 'slaney', got '${scale}'`);
  if (norm !== null && norm !== 'slaney') throw new ArgumentError(`${op}: norm must be null or 'slaney', got '${norm}'`);
  return cachedMatrix(fbCache, [nf, fMin, fMax, nMels, sr, norm, scale].join('/'), nf, nMels, () => melFilterbank(nf, fMin, fMax, nMels, sr, norm, scale));
}

const f32Bits = (v: number) => new Int32Array(new Float32Array([v]).buffer)[0];

/** x [T, K] times the matrix m [K, N] (kept in wasm memory), then log mode / dB floor (melspec_impl.h). */
function applyMatrix(x: Tensor, m: Tensor, logMode: number, eps: number, topDb = -1): Tensor {
  const [T, K] = x.shape, N = m.shape[1];
  const out = Tensor.empty([T, N], 'f32');
  vw.f32_melspec_apply(params([x.ptr, T, K, m.ptr, N, out.ptr, logMode, f32Bits(eps), f32Bits(topDb)]));
  return out;
}

function mel(op: string, waveform: Tensor, o: MelOptions, logMode: number, eps: number, topDb = -1): Tensor {
  const r = resolve(op, waveform, o);
  const fb = filterbank(op, Math.floor(r.nFft / 2) + 1, o);
  const spec = runSpectrogram(waveform, r);
  try {
    return applyMatrix(spec, fb, logMode, eps, topDb);
  } finally { spec.dispose(); }
}

/** Mel spectrogram [T, nMels] (torchaudio.transforms.MelSpectrogram, transposed to [T, F]). */
export function melSpectrogram(waveform: Tensor, opts: MelOptions = {}): Tensor {
  return mel('melSpectrogram', waveform, opts, 0, 0);
}

/** log(mel + eps) (or log(max(mel, eps))) [T, nMels]: finite for silence. */
export function logMelSpectrogram(waveform: Tensor, opts: LogMelOptions = {}): Tensor {
  const eps = opts.eps ?? 1e-6;
  if (!(eps > 0 && Number.isFinite(eps))) throw new ArgumentError(`logMelSpectrogram: eps must be a positive finite number, got ${eps}`);
  const mode = opts.logMode ?? 'offset';
  if (mode !== 'offset' && mode !== 'clamp') throw new ArgumentError(`logMelSpectrogram: logMode must be 'offset' or 'clamp', got '${mode}'`);
  return mel('logMelSpectrogram', waveform, opts, mode === 'offset' ? 1 : 2, eps);
}

/** A clip-dict audio transform from a waveform function: consumes [S], returns its features. */
function consuming<O>(f: (x: Tensor, o: O) => Tensor, opts: O): (x: Tensor) => Tensor {
  return (x: Tensor) => {
    const y = f(x, opts);
    x.dispose();
    return y;
  };
}

/**
 * Transform for a clip dict's audio (use under ApplyTransformToKey('audio', ...)): consumes the
 * waveform [S] and returns its log-mel spectrogram [T, nMels].
 */
export const LogMelSpectrogram = (opts: LogMelOptions = {}) => consuming(logMelSpectrogram, opts);

// ----------------------------------------------------------------------------------------
// MFCC (torchaudio.transforms.MFCC): the mel spectrogram in decibels (AmplitudeToDB('power',
// top_db=80): 10 log10(max(mel, 1e-10)), floored at its maximum - 80 dB) or, with logMels,
// log(mel + 1e-6); then a type-II DCT over the mel bins. Both steps run in the mel kernel.

export interface MfccOptions {
  /** Default 16000 (torchaudio). */
  sampleRate?: number;
  /** Coefficients kept. Default 40. */
  nMfcc?: number;
  /** Only 2 (torchaudio supports only type II). */
  dctType?: 2;
  /** DCT normalisation: 'ortho' (default) or null (the unnormalised DCT-II times 2). */
  norm?: 'ortho' | null;
  /** log(mel + 1e-6) instead of decibels. Default false. */
  logMels?: boolean;
  /** The MelSpectrogram's options (torchaudio's melkwargs); its sampleRate is this one's. */
  melkwargs?: Omit<MelOptions, 'sampleRate'>;
}

/** torchaudio.functional.create_dct(nMfcc, nMels, norm) as [nMels, nMfcc], computed in double. */
export function createDct(nMfcc: number, nMels: number, norm: 'ortho' | null = 'ortho'): Float32Array {
  const d = new Float32Array(nMels * nMfcc);
  for (let n = 0; n < nMels; n++) {
    for (let k = 0; k < nMfcc; k++) {
      let v = Math.cos(Math.PI / nMels * (n + 0.5) * k);
      if (norm === 'ortho') v *= (k === 0 ? Math.SQRT1_2 : 1) * Math.sqrt(2 / nMels);
      else v *= 2;
      d[n * nMfcc + k] = v;
    }
  }
  return d;
}

const dctCache = new Map<string, Tensor>();

/** MFCCs [T, nMfcc] (torchaudio.transforms.MFCC, transposed to [T, F]). */
export function mfcc(waveform: Tensor, opts: MfccOptions = {}): Tensor {
  const op = 'mfcc';
  const nMfcc = opts.nMfcc ?? 40, norm = opts.norm === undefined ? 'ortho' : opts.norm;
  const mo: MelOptions = { ...opts.melkwargs, sampleRate: opts.sampleRate ?? 16000 };
  const nMels = mo.nMels ?? 128;
  posInt(op, 'nMfcc', nMfcc);
  if ((opts.dctType ?? 2) !== 2) throw new ArgumentError(`${op}: dctType must be 2 (the only DCT torchaudio implements), got ${opts.dctType}`);
  if (norm !== 'ortho' && norm !== null) throw new ArgumentError(`${op}: norm must be 'ortho' or null, got '${String(norm)}'`);
  if (nMfcc > nMels) throw new ArgumentError(`${op}: nMfcc ${nMfcc} > nMels ${nMels} (cannot keep more coefficients than mel bins)`);
  const dct = cachedMatrix(dctCache, `${nMfcc}/${nMels}/${norm}`, nMels, nMfcc, () => createDct(nMfcc, nMels, norm));
  const logMel = opts.logMels ? mel(op, waveform, mo, 1, 1e-6) : mel(op, waveform, mo, 3, 1e-10, 80);
  try {
    return applyMatrix(logMel, dct, 0, 0);
  } finally { logMel.dispose(); }
}

/** torchaudio.transforms.Spectrogram as a clip-dict transform ([S] -> [T, nFft/2 + 1]). */
export const Spectrogram = (opts: SpectrogramOptions = {}) => consuming(spectrogram, opts);
/** torchaudio.transforms.MelSpectrogram as a clip-dict transform ([S] -> [T, nMels]). */
export const MelSpectrogram = (opts: MelOptions = {}) => consuming(melSpectrogram, opts);
/** torchaudio.transforms.MFCC as a clip-dict transform ([S] -> [T, nMfcc]). */
export const MFCC = (opts: MfccOptions = {}) => consuming(mfcc, opts);
