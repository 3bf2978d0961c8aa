// BatchNorm1d/2d/3d and LayerNorm (torch.nn). BatchNorm's state-dict keys are PyTorch's:
// weight, bias, running_mean, running_var, num_batches_tracked. num_batches_tracked is int64 in
// PyTorch and an i32 tensor of shape [] here (checkpoint IO converts; 2^31 batches is plenty).
import { Tensor } from '../../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../../errors.js';
import { Module } from '../module.js';
import { ones_, zeros_ } from '../init.js';
import { pyBool, pyFloat, pyTuple } from '../repr.js';
import * as nnf from '../functional.js';

export interface BatchNormOptions {
  eps?: number;
  /** Running-stat update factor; null means a cumulative average (1 / num_batches_tracked). */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

abstract class BatchNormNd extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(readonly numFeatures: number, opts: BatchNormOptions, private readonly ranks: number[]) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) {
      throw new ArgumentError(`${new.target.name}: numFeatures must be a positive integer, got ${numFeatures}`);
    }
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    this.registerParameter('weight', this.affine ? ones_(Tensor.empty([numFeatures])) : null);
    this.registerParameter('bias', this.affine ? zeros_(Tensor.empty([numFeatures])) : null);
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? Tensor.zeros([numFeatures]) : null);
    this.registerBuffer('running_var', track ? Tensor.ones([numFeatures]) : null);
    this.registerBuffer('num_batches_tracked', track ? Tensor.zeros([], { dtype: 'i32' }) : null);
  }

  get weight(): Tensor | null { return this.param('weight'); }
  get bias(): Tensor | null { return this.param('bias'); }
  get runningMean(): Tensor | null { return this.buffer('running_mean'); }
  get runningVar(): Tensor | null { return this.buffer('running_var'); }
  get numBatchesTracked(): Tensor | null { return this.buffer('num_batches_tracked'); }

  /** Running mean 0, variance 1, no batches seen. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    this.runningMean!.fill_(0);
    this.runningVar!.fill_(1);
    this.numBatchesTracked!.data()[0] = 0;
  }
  resetParameters(): void {
    this.resetRunningStats();
    if (this.affine) { ones_(this.weight!); zeros_(this.bias!); }
  }

  override forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new ArgumentError(`${this.typeName}: input must be a Tensor`);
    if (!this.ranks.includes(x.rank) || x.shape[1] !== this.numFeatures) {
      const dims = this.ranks.map((r) => `${r}D`).join(' or ');
      throw new ShapeError(`${this.typeName}(${this.numFeatures}): expected ${dims} input with ${this.numFeatures} channels, got ${fmtShape(x.shape)}`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats) {
      const nbt = this.numBatchesTracked!.data();
      nbt[0] += 1;
      if (this.momentum === null) factor = 1 / nbt[0];
    }
    // Batch statistics in training, and always when there are no running statistics.
    const useBatchStats = this.training || !this.trackRunningStats;
    const useRunning = !this.training || this.trackRunningStats;
    return nnf.batchNorm(x, useRunning ? this.runningMean : null, useRunning ? this.runningVar : null,
      this.weight, this.bias, { training: useBatchStats, momentum: factor, eps: this.eps });
  }

  // Checkpoints without num_batches_tracked (saved before PyTorch 0.4.1, or converted from
  // Caffe2) load with it set to 0, as PyTorch does for state dicts without version metadata.
  protected override optionalStateKeys(): string[] { return this.trackRunningStats ? ['num_batches_tracked'] : []; }
  protected override fillMissing(key: string): void {
    if (key === 'num_batches_tracked') this.numBatchesTracked!.data()[0] = 0;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${pyFloat(this.momentum)}, ` +
      `affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** Batch norm over [N, C] or [N, C, L] (torch.nn.BatchNorm1d). */
export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) { super(numFeatures, opts, [2, 3]); }
}
/** Batch norm over [N, C, H, W] (torch.nn.BatchNorm2d). */
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) { super(numFeatures, opts, [4]); }
}
/** Batch norm over [N, C, T, H, W] (torch.nn.BatchNorm3d). */
export class BatchNorm3d extends BatchNormNd {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) { super(numFeatures, opts, [5]); }
}

export interface LayerNormOptions { eps?: number; elementwiseAffine?: boolean; bias?: boolean }

/** Normalises over the trailing `normalizedShape` dims (torch.nn.LayerNorm). */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new ArgumentError(`LayerNorm: normalizedShape must be positive integers, got ${JSON.stringify(normalizedShape)}`);
    }
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    const affine = this.elementwiseAffine;
    this.registerParameter('weight', affine ? Tensor.ones(this.normalizedShape) : null);
    this.registerParameter('bias', affine && opts.bias !== false ? Tensor.zeros(this.normalizedShape) : null);
  }

  get weight(): Tensor | null { return this.param('weight'); }
  get bias(): Tensor | null { return this.param('bias'); }

  override forward(x: Tensor): Tensor {
    const n = this.normalizedShape.length;
    if (!(x instanceof Tensor)) throw new ArgumentError('LayerNorm: input must be a Tensor');
    if (x.rank < n || this.normalizedShape.some((d, i) => x.shape[x.rank - n + i] !== d)) {
      throw new ShapeError(`LayerNorm(${pyTuple(this.normalizedShape)}): input ${fmtShape(x.shape)} does not end with ${fmtShape(this.normalizedShape)}`);
    }
    return nnf.layerNorm(x, this.normalizedShape, this.weight, this.bias, { eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
