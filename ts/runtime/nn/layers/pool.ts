// Pooling modules (torch.nn.MaxPool3d, AvgPool3d, AdaptiveAvgPool3d). Options are kept as the
// user gave them (an int or a tuple), as PyTorch does, so the repr matches.
import type { Tensor } from '../../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../../errors.js';
import { Module } from '../module.js';
import { pyBool, pyIntOrTuple } from '../repr.js';
import * as nnf from '../functional.js';

type Size = number | readonly number[];

function check5d(m: Module, x: Tensor): void {
  if (!x || typeof x !== 'object' || !('shape' in x)) throw new ArgumentError(`${m.typeName}: input must be a Tensor`);
  if (x.rank !== 5 && x.rank !== 4) {
    throw new ShapeError(`${m.typeName}: expected a 5D [N, C, T, H, W] (or unbatched 4D) input, got ${fmtShape(x.shape)}`);
  }
}

export interface MaxPool3dOptions { stride?: Size | null; padding?: Size; dilation?: Size; ceilMode?: boolean }

export class MaxPool3d extends Module {
  readonly stride: Size;
  readonly padding: Size;
  readonly dilation: Size;
  readonly ceilMode: boolean;
  constructor(readonly kernelSize: Size, opts: MaxPool3dOptions = {}) {
    super();
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.ceilMode = opts.ceilMode ?? false;
  }
  override forward(x: Tensor): Tensor {
    check5d(this, x);
    const opts: nnf.PoolOptions = { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding };
    // Only pass the rarely used options when set, so the op is asked for what it supports.
    if (this.dilation !== 1) opts.dilation = this.dilation;
    if (this.ceilMode) opts.ceilMode = true;
    return nnf.maxPool3d(x, opts);
  }
  override extraRepr(): string {
    return `kernel_size=${pyIntOrTuple(this.kernelSize)}, stride=${pyIntOrTuple(this.stride)}, padding=${pyIntOrTuple(this.padding)}, ` +
      `dilation=${pyIntOrTuple(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

export interface AvgPool3dOptions { stride?: Size | null; padding?: Size; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null }

export class AvgPool3d extends Module {
  readonly stride: Size;
  readonly padding: Size;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  constructor(readonly kernelSize: Size, opts: AvgPool3dOptions = {}) {
    super();
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }
  override forward(x: Tensor): Tensor {
    check5d(this, x);
    const opts: nnf.PoolOptions = { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding };
    if (this.ceilMode) opts.ceilMode = true;
    if (!this.countIncludePad) opts.countIncludePad = false;
    if (this.divisorOverride !== null) opts.divisorOverride = this.divisorOverride;
    return nnf.avgPool3d(x, opts);
  }
  override extraRepr(): string {
    return `kernel_size=${pyIntOrTuple(this.kernelSize)}, stride=${pyIntOrTuple(this.stride)}, padding=${pyIntOrTuple(this.padding)}`;
  }
}

/** Average pooling to a fixed output size; null in a position keeps that input size (like None). */
export class AdaptiveAvgPool3d extends Module {
  constructor(readonly outputSize: number | readonly (number | null)[]) { super(); }
  override forward(x: Tensor): Tensor {
    check5d(this, x);
    return nnf.adaptiveAvgPool3d(x, this.outputSize);
  }
  override extraRepr(): string { return `output_size=${pyIntOrTuple(this.outputSize)}`; }
}
