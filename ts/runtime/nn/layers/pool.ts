// Pooling modules (torch.nn.MaxPool3d/2d, AvgPool3d/2d, AdaptiveAvgPool3d/2d). Options are kept
// as the user gave them (an int or a tuple), as PyTorch does, so the repr matches.
import type { Tensor } from '../../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../../errors.js';
import { Module } from '../module.js';
import { pyBool, pyIntOrTuple } from '../repr.js';
import * as nnf from '../functional.js';

type Size = number | readonly number[];

function checkInput(m: Module, x: Tensor, nsp: number): void {
  if (!x || typeof x !== 'object' || !('shape' in x)) throw new ArgumentError(`${m.typeName}: input must be a Tensor`);
  if (x.rank !== nsp + 2 && x.rank !== nsp + 1) {
    const dims = nsp === 3 ? '[N, C, T, H, W]' : '[N, C, H, W]';
    throw new ShapeError(`${m.typeName}: expected a ${nsp + 2}D ${dims} (or unbatched ${nsp + 1}D) input, got ${fmtShape(x.shape)}`);
  }
}

export interface MaxPoolNdOptions { stride?: Size | null; padding?: Size; dilation?: Size; ceilMode?: boolean }

abstract class MaxPoolNd extends Module {
  readonly stride: Size;
  readonly padding: Size;
  readonly dilation: Size;
  readonly ceilMode: boolean;
  constructor(readonly kernelSize: Size, opts: MaxPoolNdOptions, private readonly nsp: 2 | 3) {
    super();
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.ceilMode = opts.ceilMode ?? false;
  }
  override forward(x: Tensor): Tensor {
    checkInput(this, x, this.nsp);
    const opts = { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
    return this.nsp === 3 ? nnf.maxPool3d(x, opts) : nnf.maxPool2d(x, opts);
  }
  override extraRepr(): string {
    return `kernel_size=${pyIntOrTuple(this.kernelSize)}, stride=${pyIntOrTuple(this.stride)}, padding=${pyIntOrTuple(this.padding)}, ` +
      `dilation=${pyIntOrTuple(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}
export class MaxPool3d extends MaxPoolNd {
  constructor(kernelSize: Size, opts: MaxPoolNdOptions = {}) { super(kernelSize, opts, 3); }
}
export class MaxPool2d extends MaxPoolNd {
  constructor(kernelSize: Size, opts: MaxPoolNdOptions = {}) { super(kernelSize, opts, 2); }
}

export interface AvgPoolNdOptions { stride?: Size | null; padding?: Size; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null }

abstract class AvgPoolNd extends Module {
  readonly stride: Size;
  readonly padding: Size;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  constructor(readonly kernelSize: Size, opts: AvgPoolNdOptions, private readonly nsp: 2 | 3) {
    super();
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }
  override forward(x: Tensor): Tensor {
    checkInput(this, x, this.nsp);
    const opts = {
      kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    };
    return this.nsp === 3 ? nnf.avgPool3d(x, opts) : nnf.avgPool2d(x, opts);
  }
  override extraRepr(): string {
    return `kernel_size=${pyIntOrTuple(this.kernelSize)}, stride=${pyIntOrTuple(this.stride)}, padding=${pyIntOrTuple(this.padding)}`;
  }
}
export class AvgPool3d extends AvgPoolNd {
  constructor(kernelSize: Size, opts: AvgPoolNdOptions = {}) { super(kernelSize, opts, 3); }
}
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: Size, opts: AvgPoolNdOptions = {}) { super(kernelSize, opts, 2); }
}

/** Average pooling to a fixed output size; null in a position keeps that input size (like None). */
abstract class AdaptiveAvgPoolNd extends Module {
  constructor(readonly outputSize: number | readonly (number | null)[], private readonly nsp: 2 | 3) { super(); }
  override forward(x: Tensor): Tensor {
    checkInput(this, x, this.nsp);
    return this.nsp === 3 ? nnf.adaptiveAvgPool3d(x, this.outputSize) : nnf.adaptiveAvgPool2d(x, this.outputSize);
  }
  override extraRepr(): string { return `output_size=${pyIntOrTuple(this.outputSize)}`; }
}
export class AdaptiveAvgPool3d extends AdaptiveAvgPoolNd {
  constructor(outputSize: number | readonly (number | null)[]) { super(outputSize, 3); }
}
export class AdaptiveAvgPool2d extends AdaptiveAvgPoolNd {
  constructor(outputSize: number | readonly (number | null)[]) { super(outputSize, 2); }
}
