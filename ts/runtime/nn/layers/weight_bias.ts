// The parameters Linear and the ConvNd family share: a `weight` whose first dim is the output
// features, an optional `bias`, and PyTorch's default initialisation of both (reset_parameters).
import { Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import { defaultLayerInit } from '../init.js';

export abstract class WeightBiasLayer extends Module {
  /** Creates and registers weight [out, ...] and bias [out] (or none), initialised as PyTorch does. */
  protected initWeightBias(weightShape: readonly number[], bias: boolean): void {
    const weight = Tensor.empty([...weightShape]);
    const b = bias ? Tensor.empty([weightShape[0]]) : null;
    defaultLayerInit(weight, b);
    this.registerParameter('weight', weight);
    this.registerParameter('bias', b);
  }

  get weight(): Tensor { return this.param('weight')!; }
  set weight(t: Tensor) { this.registerParameter('weight', t); }
  get bias(): Tensor | null { return this.param('bias'); }
  set bias(t: Tensor | null) { this.registerParameter('bias', t); }

  /** Resets weight and bias to PyTorch's default initialisation. */
  resetParameters(): void { defaultLayerInit(this.weight, this.bias); }
}
