// IMU recordings as Ego4D distributes them: one CSV per video (`<imuPath>/<video_uid>.csv`) with
// `canonical_timestamp_ms`, `accl_x/y/z`, `gyro_x/y/z` (and other columns), loaded with
// PyTorchVideo's rules (pytorchvideo/data/ego4d/ego4d_dataset.py, Ego4dImuData):
//  - every cell is parsed as a float, an empty cell counts as 0.0;
//  - the six channels (accl x/y/z, gyro x/y/z, in that order) are standardised per channel over
//    the whole recording, (x - mean) / std with the population std;
//  - sampling rate = int(1000 / mean(diff(timestamps))); when that is negative (timestamps
//    running backwards) the timestamps are regenerated at 198 Hz from the first one;
//  - a window [start, end) in seconds is samples bisect_left(ts, start*1000) ..
//    bisect_left(ts, end*1000), exclusive, except that an end at the recording's end drops the
//    last sample (PyTorchVideo's `end_id -= 1`).
// Deliberate difference: a channel with zero variance standardises to 0, not NaN (0/0).
// `resampleImu` then puts a window on a fixed-rate grid (linear interpolation over the real,
// possibly irregular, timestamps) as channels-first f32 [6, M] for 1-D conv encoders.
import { Tensor } from '../runtime/tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import type { ClipDict } from './datasets/labeled_video_dataset.js';
import { pixelKernel } from './pixels.js';
import { DatasetFileError, hostFs, hostPath, splitCsvLine } from './datasets/host.js';

export const IMU_CHANNELS = ['accl_x', 'accl_y', 'accl_z', 'gyro_x', 'gyro_y', 'gyro_z'] as const;

/** A whole recording: row-major f64 [N, 6] standardised signal, its timestamps (ms) and rate (Hz). */
export interface ImuRecording { signal: Float64Array; timestamps: Float64Array; samplingRate: number }

/** PyTorchVideo's IMU sample dict: timestamps (ms), signal f32 [N, 6], sampling rate (Hz). */
export interface ImuSample { timestamp: Float64Array; signal: Tensor; samplingRate: number }

/** Python's float(): decimal and exponent forms, nan, inf/infinity, surrounding whitespace. */
function pyFloat(cell: string, where: () => string): number {
  const s = cell.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(s);
  if (special) return special[2].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  throw new DatasetFileError(where(), `${where()}: '${cell}' is not a number`);
}

/** numpy's pairwise summation of a contiguous f64 vector (so int() of a mean truncates as numpy's does). */
function npSum(a: Float64Array, lo = 0, n = a.length): number {
  if (n < 8) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[lo + i];
    return s;
  }
  if (n <= 128) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => a[lo + k]);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] += a[lo + i + k];
    let s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) s += a[lo + i];
    return s;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return npSum(a, lo, n2) + npSum(a, lo + n2, n - n2);
}

function rateOf(ts: Float64Array): number {
  const diff = new Float64Array(ts.length - 1);
  for (let i = 1; i < ts.length; i++) diff[i - 1] = ts[i] - ts[i - 1];
  return Math.trunc(1000 * (1 / (npSum(diff) / diff.length)));
}

/** Parses one Ego4D IMU CSV (its text) with PyTorchVideo's rules; `name` is used in errors. */
export function parseImuCsv(text: string, name = 'IMU csv'): ImuRecording {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new DatasetFileError(name, `${name}: empty file`);
  const header = splitCsvLine(lines[0]);
  const col = (k: string) => {
    const i = header.indexOf(k);
    if (i < 0) throw new DatasetFileError(name, `${name}: no '${k}' column (columns: ${header.join(', ')})`);
    return i;
  };
  const tsCol = col('canonical_timestamp_ms');
  const chCols = IMU_CHANNELS.map(col);
  const n = lines.length - 1;
  if (n < 2) throw new DatasetFileError(name, `${name}: ${n} sample(s); a sampling rate needs at least 2`);
  const timestamps = new Float64Array(n);
  const signal = new Float64Array(n * 6);
  for (let r = 0; r < n; r++) {
    const cells = splitCsvLine(lines[r + 1]);
    if (cells.length !== header.length) {
      throw new DatasetFileError(name, `${name}: line ${r + 2} has ${cells.length} fields, the header ${header.length}`);
    }
    // PyTorchVideo parses every column, so a non-number anywhere fails the file, as there.
    const vals = cells.map((c, j) => (c === '' ? 0 : pyFloat(c, () => `${name}: line ${r + 2}, column '${header[j]}'`)));
    timestamps[r] = vals[tsCol];
    for (let c = 0; c < 6; c++) signal[r * 6 + c] = vals[chCols[c]];
  }
  // Standardise each channel over the recording (numpy: mean, then mean of squared deviations).
  const column = new Float64Array(n);
  for (let c = 0; c < 6; c++) {
    for (let r = 0; r < n; r++) column[r] = signal[r * 6 + c];
    const mean = npSum(column) / n;
    for (let r = 0; r < n; r++) { const d = column[r] - mean; column[r] = d * d; }
    const std = Math.sqrt(npSum(column) / n);
    for (let r = 0; r < n; r++) signal[r * 6 + c] = std === 0 ? 0 : (signal[r * 6 + c] - mean) / std;
  }
  let ts = timestamps;
  let samplingRate = rateOf(ts);
  if (samplingRate < 0) {
    ts = ts.map((_, i) => timestamps[0] + (1000 / 198) * i);
    samplingRate = rateOf(ts);
  }
  return { signal, timestamps: ts, samplingRate };
}

function bisectLeft(a: Float64Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The samples of [startSec, endSec) with PyTorchVideo's bisect rules (signal as f32 [N, 6]). */
export function imuWindow(rec: ImuRecording, startSec: number, endSec: number): ImuSample {
  if (!(endSec >= startSec)) throw new ArgumentError(`imuWindow: end ${endSec} is before start ${startSec}`);
  const a = bisectLeft(rec.timestamps, startSec * 1000);
  let b = bisectLeft(rec.timestamps, endSec * 1000);
  if (b === rec.timestamps.length) b -= 1;
  const n = Math.max(0, b - a);
  return {
    timestamp: rec.timestamps.slice(a, a + n),
    signal: Tensor.from(Float32Array.from(rec.signal.subarray(a * 6, (a + n) * 6)), [n, 6]),
    samplingRate: rec.samplingRate,
  };
}

/** Samples to resample: timestamps (ms) and the row-major [N, 6] signal (a recording or a window's). */
export interface ImuSamples { timestamps: Float64Array; signal: ArrayLike<number> }

/**
 * A window on a fixed-rate grid: M = round((end - start) * rate) points at start + i / rate,
 * each linearly interpolated between the two samples around it (held at the ends), as f32 [6, M].
 */
export function resampleImu(rec: ImuSamples, startSec: number, endSec: number, rate: number): Tensor {
  if (!(rate > 0) || !(endSec > startSec)) throw new ArgumentError(`resampleImu: needs rate > 0 and end > start (got ${rate} Hz, [${startSec}, ${endSec}))`);
  const m = Math.round((endSec - startSec) * rate);
  const ts = rec.timestamps, n = ts.length;
  if (n === 0) throw new ArgumentError(`resampleImu: no samples in [${startSec}, ${endSec})`);
  for (let i = 1; i < n; i++) {
    if (!(ts[i] >= ts[i - 1])) throw new ArgumentError(`resampleImu: timestamps must not decrease (sample ${i}: ${ts[i]} after ${ts[i - 1]})`);
  }
  const out = new Float32Array(6 * m);
  for (let j = 0; j < m; j++) {
    const t = (startSec + j / rate) * 1000;
    const hi = Math.min(Math.max(bisectLeft(ts, t), 1), n - 1);
    const lo = Math.max(hi - 1, 0);
    const span = ts[hi] - ts[lo];
    const w = span > 0 ? Math.min(Math.max((t - ts[lo]) / span, 0), 1) : 0;
    for (let c = 0; c < 6; c++) out[c * m + j] = rec.signal[lo * 6 + c] * (1 - w) + rec.signal[hi * 6 + c] * w;
  }
  return Tensor.from(out, [6, m]);
}

/**
 * PyTorchVideo's Ego4dImuData: the CSVs of a folder, by video uid (the file name up to its first
 * dot), loaded lazily; the last recording is cached, as there (clips come video by video).
 */
export class ImuData {
  private readonly uids = new Set<string>();
  private last: { uid: string; rec: ImuRecording } | null = null;

  constructor(readonly imuPath: string) {
    const fs = hostFs('ImuData');
    if (!fs.existsSync(imuPath)) throw new DatasetFileError(imuPath, `ImuData: ${imuPath} not found`);
    for (const f of fs.readdirSync(imuPath)) this.uids.add(f.split('.')[0]);
  }

  hasImu(videoUid: string): boolean { return this.uids.has(videoUid); }

  getImu(videoUid: string): ImuRecording {
    if (this.last?.uid === videoUid) return this.last.rec;
    // As PyTorchVideo: the listing says which uids exist, the file read is always <uid>.csv.
    const file = hostPath('ImuData').join(this.imuPath, `${videoUid}.csv`);
    const fs = hostFs('ImuData');
    if (!this.hasImu(videoUid) || !fs.existsSync(file)) {
      throw new DatasetFileError(file, `ImuData: no IMU recording for video '${videoUid}' (${file})`);
    }
    const rec = parseImuCsv(fs.readFileSync(file, 'utf8'), file);
    this.last = { uid: videoUid, rec };
    return rec;
  }

  /** PyTorchVideo's get_imu_sample: the window [startSec, endSec) of the video's recording. */
  getImuSample(videoUid: string, startSec: number, endSec: number): ImuSample {
    return imuWindow(this.getImu(videoUid), startSec, endSec);
  }
}

/**
 * Clip-dict transform: replaces the `imu` window ({timestamp, signal [N, 6], sampling_rate}, as
 * Ego4dMomentsDataset writes it) with its samples on a `rate` Hz grid over [clip_start, clip_end),
 * f32 [6, M] channels-first (what a 1-D conv encoder reads and what collates into [B, 6, M]).
 */
export function ResampleImu(rate: number): (clip: ClipDict) => ClipDict {
  return (clip) => {
    const imu = clip.imu as { timestamp?: Float64Array; signal?: Tensor } | undefined;
    if (!imu || !(imu.timestamp instanceof Float64Array) || !(imu.signal instanceof Tensor)) {
      throw new ArgumentError('ResampleImu: the clip has no IMU window (imu: {timestamp, signal}); build the dataset with imu: true');
    }
    const out = resampleImu({ timestamps: imu.timestamp, signal: imu.signal.toArray() as Float32Array }, clip.clip_start, clip.clip_end, rate);
    imu.signal.dispose();
    clip.imu = out;
    return clip;
  };
}

/** Per-channel normalisation (x - mean[c]) / std[c] of a channels-first IMU tensor [6, M]; consumes it. */
export function NormalizeImu(mean: readonly number[], std: readonly number[]): (x: Tensor) => Tensor {
  if (mean.length !== 6 || std.length !== 6 || std.some((v) => !(v !== 0 && Number.isFinite(v)))) {
    throw new ArgumentError(`NormalizeImu: needs 6 means and 6 finite non-zero stds, got ${JSON.stringify(mean)} / ${JSON.stringify(std)}`);
  }
  return (x) => {
    if (!(x instanceof Tensor) || x.rank !== 2 || x.shape[0] !== 6 || x.dtype !== 'f32' || x.layout !== 'contiguous') {
      throw new ShapeError(`NormalizeImu: expected a contiguous f32 [6, M] IMU tensor (ResampleImu's), got ${x instanceof Tensor ? `${x.dtype} ${fmtShape(x.shape)}` : typeof x}`);
    }
    const m = x.shape[1], out = Tensor.empty([6, m], 'f32');
    const k = pixelKernel('normalize_f32');
    for (let c = 0; c < 6; c++) k(x.ptr + c * m * 4, out.ptr + c * m * 4, m, mean[c], std[c]);
    x.dispose();
    return out;
  };
}
