// Linear (torch.nn.Linear: weight [out, in], bias [out], PyTorch's default init), Identity and Flatten.
import { Tensor } from '../../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../../errors.js';
import { Module } from '../module.js';
import { WeightBiasLayer } from './weight_bias.js';
import { pyBool } from '../repr.js';
import * as F from '../../ops/index.js';
import * as nnf from '../functional.js';

/** y = x W^T + b over the last dim (torch.nn.Linear). */
export class Linear extends WeightBiasLayer {
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: { bias?: boolean } = {}) {
    super();
    if (!Number.isInteger(inFeatures) || !Number.isInteger(outFeatures) || inFeatures < 0 || outFeatures < 0) {
      throw new ArgumentError(`Linear: inFeatures and outFeatures must be non-negative integers, got ${inFeatures}, ${outFeatures}`);
    }
    this.initWeightBias([outFeatures, inFeatures], opts.bias !== false);
  }

  override forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new ArgumentError('Linear: input must be a Tensor');
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeError(`Linear(in_features=${this.inFeatures}, out_features=${this.outFeatures}): input ${fmtShape(x.shape)} must end with ${this.inFeatures}`);
    }
    return nnf.linear(x, this.weight, this.bias);
  }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** Returns its input (torch.nn.Identity); accepts and ignores constructor arguments like PyTorch. */
export class Identity extends Module {
  constructor(..._args: unknown[]) { super(); }
  override forward(x: Tensor): Tensor { return x; }
}

/** Flattens dims startDim..endDim (torch.nn.Flatten; default keeps the batch dim). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  override forward(x: Tensor): Tensor { return F.flatten(x, this.startDim, this.endDim); }
  override extraRepr(): string { return `start_dim=${this.startDim}, end_dim=${this.endDim}`; }
}
