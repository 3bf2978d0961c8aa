// Activation modules (torch.nn.ReLU, Sigmoid, Tanh, SiLU, GELU, Hardswish, Hardsigmoid, Softmax). `inplace` is accepted
// for PyTorch compatibility (and shown in the repr) but the computation is out of place.
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import * as F from '../../ops/index.js';
import * as nnf from '../functional.js';

abstract class InplaceActivation extends Module {
  readonly inplace: boolean;
  constructor(opts: { inplace?: boolean } = {}) { super(); this.inplace = opts.inplace ?? false; }
  override extraRepr(): string { return this.inplace ? 'inplace=True' : ''; }
}

export class ReLU extends InplaceActivation {
  override forward(x: Tensor): Tensor { return F.relu(x); }
}
export class SiLU extends InplaceActivation {
  override forward(x: Tensor): Tensor { return F.silu(x); }
}
export class Hardswish extends InplaceActivation {
  override forward(x: Tensor): Tensor { return F.hardswish(x); }
}
export class Hardsigmoid extends InplaceActivation {
  override forward(x: Tensor): Tensor { return F.hardsigmoid(x); }
}
export class Sigmoid extends Module {
  override forward(x: Tensor): Tensor { return F.sigmoid(x); }
}
export class Tanh extends Module {
  override forward(x: Tensor): Tensor { return F.tanh(x); }
}
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') { super(); }
  override forward(x: Tensor): Tensor { return F.gelu(x, { approximate: this.approximate }); }
  override extraRepr(): string { return `approximate='${this.approximate}'`; }
}
/** Softmax over `dim` (torch.nn.Softmax). */
export class Softmax extends Module {
  constructor(readonly dim: number) { super(); }
  override forward(x: Tensor): Tensor { return nnf.softmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}
