// Conv3d / Conv2d (torch.nn.Conv3d / Conv2d): weight [out, in/groups, *kernel], bias [out],
// PyTorch's default init. Forward calls ops.conv3d / ops.conv2d (output is channels_last).
import { Tensor } from '../../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../../errors.js';
import { WeightBiasLayer } from './weight_bias.js';
import { pyTuple, pyBool } from '../repr.js';
import * as nnf from '../functional.js';

export type Size = number | readonly number[];

export interface ConvNdOptions {
  stride?: Size;
  /** Sizes, or 'valid' (no padding) or 'same' (stride 1; output size = input size, as PyTorch). */
  padding?: Size | 'same' | 'valid';
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  /** Only 'zeros' is supported. */
  paddingMode?: 'zeros';
}

function expand(name: string, what: string, v: Size | undefined, n: number, dflt: number): number[] {
  const arr = v === undefined ? new Array<number>(n).fill(dflt) : typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];
  if (arr.length !== n || arr.some((x) => !Number.isInteger(x) || x < 0)) {
    throw new ArgumentError(`${name}: ${what} must be a non-negative integer or ${n} of them, got ${JSON.stringify(v)}`);
  }
  return arr;
}

abstract class ConvNd extends WeightBiasLayer {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly paddingString: 'same' | 'valid' | null;
  readonly dilation: number[];
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Size, opts: ConvNdOptions, n: number) {
    super();
    const name = new.target.name;
    this.kernelSize = expand(name, 'kernelSize', kernelSize, n, 1);
    this.stride = expand(name, 'stride', opts.stride, n, 1);
    this.dilation = expand(name, 'dilation', opts.dilation, n, 1);
    this.groups = opts.groups ?? 1;
    if (!Number.isInteger(inChannels) || !Number.isInteger(outChannels) || inChannels <= 0 || outChannels <= 0) {
      throw new ArgumentError(`${name}: inChannels and outChannels must be positive integers, got ${inChannels}, ${outChannels}`);
    }
    if (!Number.isInteger(this.groups) || this.groups <= 0 || inChannels % this.groups || outChannels % this.groups) {
      throw new ArgumentError(`${name}: groups=${opts.groups} must divide inChannels=${inChannels} and outChannels=${outChannels}`);
    }
    if (this.kernelSize.some((k) => k === 0) || this.stride.some((s) => s === 0) || this.dilation.some((d) => d === 0)) {
      throw new ArgumentError(`${name}: kernelSize, stride and dilation must be positive`);
    }
    if (opts.paddingMode !== undefined && opts.paddingMode !== 'zeros') {
      throw new ArgumentError(`${name}: paddingMode '${String(opts.paddingMode)}' is not supported (only 'zeros')`);
    }
    const p = opts.padding;
    if (p === 'valid' || p === 'same') {
      this.paddingString = p;
      if (p === 'same') {
        if (this.stride.some((s) => s !== 1)) throw new ArgumentError(`${name}: padding='same' is not supported for strided convolutions`);
        // The leading padding; the conv op puts PyTorch's extra element (even kernels) after.
        this.padding = this.kernelSize.map((k, i) => Math.floor((this.dilation[i] * (k - 1)) / 2));
      } else this.padding = new Array<number>(n).fill(0);
    } else {
      this.paddingString = null;
      this.padding = expand(name, 'padding', p, n, 0);
    }
    this.initWeightBias([outChannels, inChannels / this.groups, ...this.kernelSize], opts.bias !== false);
  }

  protected checkInput(x: Tensor, rank: number): void {
    if (!(x instanceof Tensor)) throw new ArgumentError(`${this.typeName}: input must be a Tensor`);
    if (x.rank !== rank || x.shape[1] !== this.inChannels) {
      throw new ShapeError(`${this.typeName}(${this.inChannels}, ${this.outChannels}): expected input [N, ${this.inChannels}, ${rank === 5 ? 'T, H, W' : 'H, W'}], got ${fmtShape(x.shape)}`);
    }
  }

  protected convOptions(): nnf.ConvOptions {
    return { stride: this.stride, padding: this.paddingString ?? this.padding, dilation: this.dilation, groups: this.groups };
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (this.paddingString) s += `, padding=${this.paddingString}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += `, bias=${pyBool(false)}`;
    return s;
  }
}

/** 3-D convolution over [N, C, T, H, W] (torch.nn.Conv3d). */
export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts: ConvNdOptions = {}) {
    super(inChannels, outChannels, kernelSize, opts, 3);
  }
  override forward(x: Tensor): Tensor {
    this.checkInput(x, 5);
    return nnf.conv3d(x, this.weight, this.bias, this.convOptions());
  }
}

/** 2-D convolution over [N, C, H, W] (torch.nn.Conv2d). */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts: ConvNdOptions = {}) {
    super(inChannels, outChannels, kernelSize, opts, 2);
  }
  override forward(x: Tensor): Tensor {
    this.checkInput(x, 4);
    return nnf.conv2d(x, this.weight, this.bias, this.convOptions());
  }
}
