// Activation observers for post-training quantisation: each sees the f32 values a tensor takes
// over the calibration batches and picks its asymmetric int8 parameters (torch.ao's observers).
//   minmax     the range seen (MinMaxObserver): every calibration value is representable;
//   histogram  a histogram of the values, clipped at a percentile of them at both ends, so a
//              few outliers do not stretch the scale for everything else.
// Observers run during calibration only (JS over the data is fine there); the int8 model's
// forward never observes.
import { ops, ArgumentError, type Tensor } from '../../runtime/index.js';
import type { QParams } from '../../runtime/ops/quant.js';
import { QuantizationError } from '../errors.js';

export type ObserverKind = 'minmax' | 'histogram';

export interface ObserverOptions {
  observer?: ObserverKind;
  /** histogram: the fraction of values kept inside the range, in percent (default 99.99). */
  percentile?: number;
  /** histogram: number of bins (default 2048). */
  bins?: number;
}

export interface Observer {
  observe(x: Tensor): void;
  /** The int8 parameters for what was seen (QuantizationError when nothing finite was). */
  qparams(): QParams;
  /** The range the parameters represent. */
  readonly min: number;
  readonly max: number;
}

function finiteRange(v: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

function valuesOf(x: Tensor, where: string): Float32Array {
  const v = x.toArray() as Float32Array;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new QuantizationError(`${where}: calibration produced a non-finite value (${v[i]}); check the calibration data and the model`);
  }
  return v;
}

export class MinMaxObserver implements Observer {
  min = Infinity;
  max = -Infinity;
  constructor(readonly where: string) {}
  observe(x: Tensor): void {
    const [lo, hi] = finiteRange(valuesOf(x, this.where));
    this.min = Math.min(this.min, lo);
    this.max = Math.max(this.max, hi);
  }
  qparams(): QParams {
    if (!(this.min <= this.max)) throw new QuantizationError(`${this.where}: no calibration data reached this layer`);
    return ops.affineQParams(this.min, this.max);
  }
}

/**
 * A histogram over a range that grows with the data (old counts are re-binned into the wider
 * range), clipped at `percentile` percent: the range kept is [q((100 - p) / 100), q(p / 100)]
 * of the values seen, widened to contain 0 as every int8 range is.
 */
export class HistogramObserver implements Observer {
  private counts: Float64Array;
  private lo = 0;
  private hi = 0;
  private total = 0;
  constructor(readonly where: string, readonly percentile = 99.99, readonly bins = 2048) {
    if (!(percentile > 50 && percentile <= 100)) throw new ArgumentError(`quantize: percentile must be in (50, 100], got ${percentile}`);
    if (!Number.isInteger(bins) || bins < 16) throw new ArgumentError(`quantize: bins must be an integer >= 16, got ${bins}`);
    this.counts = new Float64Array(bins);
  }

  observe(x: Tensor): void {
    const v = valuesOf(x, this.where);
    if (v.length === 0) return;
    const [lo, hi] = finiteRange(v);
    this.widen(Math.min(lo, 0), Math.max(hi, 0));
    const B = this.bins, w = (this.hi - this.lo) / B || 1;
    for (let i = 0; i < v.length; i++) this.counts[Math.min(B - 1, Math.floor((v[i] - this.lo) / w))]++;
    this.total += v.length;
  }

  /** Grows the range to contain [lo, hi], moving each old bin's count to the bin of its centre. */
  private widen(lo: number, hi: number): void {
    if (this.total > 0 && lo >= this.lo && hi <= this.hi) return;
    const nlo = this.total > 0 ? Math.min(lo, this.lo) : lo, nhi = this.total > 0 ? Math.max(hi, this.hi) : hi;
    const B = this.bins, old = this.counts, ow = (this.hi - this.lo) / B, nw = (nhi - nlo) / B || 1;
    this.counts = new Float64Array(B);
    if (this.total > 0) {
      for (let b = 0; b < B; b++) if (old[b]) this.counts[Math.min(B - 1, Math.floor((this.lo + (b + 0.5) * ow - nlo) / nw))] += old[b];
    }
    this.lo = nlo;
    this.hi = nhi;
  }

  /** The value below which `frac` of the observations fall (bin edges, linear inside a bin). */
  private quantile(frac: number): number {
    const target = frac * this.total, w = (this.hi - this.lo) / this.bins;
    let acc = 0;
    for (let b = 0; b < this.bins; b++) {
      if (acc + this.counts[b] >= target) return this.lo + (b + (this.counts[b] ? (target - acc) / this.counts[b] : 0)) * w;
      acc += this.counts[b];
    }
    return this.hi;
  }

  get min(): number { return Math.min(0, this.quantile(1 - this.percentile / 100)); }
  get max(): number { return Math.max(0, this.quantile(this.percentile / 100)); }

  qparams(): QParams {
    if (this.total === 0) throw new QuantizationError(`${this.where}: no calibration data reached this layer`);
    return ops.affineQParams(this.min, this.max);
  }
}

/** The observer `opts` asks for, for the tensor named `where`. */
export function createObserver(where: string, opts: ObserverOptions = {}): Observer {
  const kind = opts.observer ?? 'minmax';
  if (kind === 'minmax') return new MinMaxObserver(where);
  if (kind === 'histogram') return new HistogramObserver(where, opts.percentile, opts.bins);
  throw new ArgumentError(`quantize: observer must be 'minmax' or 'histogram', got ${JSON.stringify(kind)}`);
}
