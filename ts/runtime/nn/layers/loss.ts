// Loss modules (torch.nn.CrossEntropyLoss, BCEWithLogitsLoss, MSELoss): thin wrappers over the
// functional losses in ops, holding their options.
import type { Tensor } from '../../tensor.js';
import { ArgumentError } from '../../errors.js';
import { Module } from '../module.js';
import * as nnf from '../functional.js';

function checkReduction(name: string, r: string): nnf.Reduction {
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new ArgumentError(`${name}: reduction must be 'mean', 'sum' or 'none', got '${r}'`);
  return r;
}

export interface CrossEntropyLossOptions { labelSmoothing?: number; reduction?: nnf.Reduction; weight?: Tensor | null; ignoreIndex?: number }

/** Cross entropy of logits [N, C] against class indices (i32 [N]) or probabilities (f32 [N, C]). */
export class CrossEntropyLoss extends Module {
  readonly labelSmoothing: number;
  readonly reduction: nnf.Reduction;
  readonly ignoreIndex: number;
  constructor(opts: CrossEntropyLossOptions = {}) {
    super();
    this.labelSmoothing = opts.labelSmoothing ?? 0;
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1)) {
      throw new ArgumentError(`CrossEntropyLoss: labelSmoothing must be in [0, 1], got ${this.labelSmoothing}`);
    }
    this.reduction = checkReduction('CrossEntropyLoss', opts.reduction ?? 'mean');
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    // Class weights are a buffer in PyTorch (state-dict key 'weight' when given).
    if (opts.weight) this.registerBuffer('weight', opts.weight);
  }
  get weight(): Tensor | null { return this.buffer('weight'); }
  override forward(input: Tensor, target: Tensor): Tensor {
    const opts: Parameters<typeof nnf.crossEntropy>[2] = { labelSmoothing: this.labelSmoothing, reduction: this.reduction };
    // Only pass the less common options when used, so the op is asked for what it supports.
    if (this.weight) opts.weight = this.weight;
    if (this.ignoreIndex !== -100) opts.ignoreIndex = this.ignoreIndex;
    return nnf.crossEntropy(input, target, opts);
  }
}

export interface BCEWithLogitsLossOptions { reduction?: nnf.Reduction; weight?: Tensor | null; posWeight?: Tensor | null }

/** Sigmoid + binary cross entropy, computed stably from logits. */
export class BCEWithLogitsLoss extends Module {
  readonly reduction: nnf.Reduction;
  constructor(opts: BCEWithLogitsLossOptions = {}) {
    super();
    this.reduction = checkReduction('BCEWithLogitsLoss', opts.reduction ?? 'mean');
    if (opts.weight) this.registerBuffer('weight', opts.weight);
    if (opts.posWeight) this.registerBuffer('pos_weight', opts.posWeight);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    const opts: Parameters<typeof nnf.bceWithLogits>[2] = { reduction: this.reduction };
    if (this.buffer('weight')) opts.weight = this.buffer('weight');
    if (this.buffer('pos_weight')) opts.posWeight = this.buffer('pos_weight');
    return nnf.bceWithLogits(input, target, opts);
  }
}

/** Mean squared error. */
export class MSELoss extends Module {
  readonly reduction: nnf.Reduction;
  constructor(opts: { reduction?: nnf.Reduction } = {}) {
    super();
    this.reduction = checkReduction('MSELoss', opts.reduction ?? 'mean');
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return nnf.mseLoss(input, target, { reduction: this.reduction });
  }
}
