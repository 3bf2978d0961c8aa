// Dropout (torch.nn.Dropout): in training, zeroes each element with probability p (drawn from
// vidwasm's seeded generator) and scales the survivors by 1/(1-p) ("inverted" dropout), so
// eval mode is the identity. The mask is kept by the autograd node and freed with the graph.
import { Tensor } from '../../tensor.js';
import { ArgumentError } from '../../errors.js';
import { record, gradRules, noGrad } from '../../autograd.js';
import { random } from '../../random.js';
import * as F from '../../ops/index.js';
import { Module } from '../module.js';
import { pyBool, pyFloat } from '../repr.js';

/** Functional dropout: identity unless training and p > 0. */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`dropout: probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  // The mask has x's layout, so the product is a plain elementwise pass over storage.
  const mask = Tensor.empty(x.shape, 'f32', x.layout);
  const m = mask.data() as Float32Array;
  const scale = p === 1 ? 0 : 1 / (1 - p);
  for (let i = 0; i < m.length; i++) m[i] = random.uniform() < p ? 0 : scale;
  const y = noGrad(() => F.mul(x, mask));
  return record('nn_dropout', [x], y, { mask }, [mask]);
}
gradRules.nn_dropout = (gy, node) => [F.mul(gy, node.saved.mask as Tensor)];

export class Dropout extends Module {
  readonly inplace: boolean;
  constructor(readonly p = 0.5, opts: { inplace?: boolean } = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ArgumentError(`Dropout: probability has to be between 0 and 1, but got ${p}`);
    this.inplace = opts.inplace ?? false;
  }
  override forward(x: Tensor): Tensor { return dropout(x, this.p, this.training); }
  override extraRepr(): string { return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`; }
}
