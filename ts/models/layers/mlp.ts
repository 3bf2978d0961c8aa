// pytorchvideo.layers.mlp.make_multilayer_perceptron: Linear [-> norm] -> activation per hidden
// layer, then the last Linear [-> Dropout] [-> final activation], in one Sequential.
import { nn, ArgumentError } from '../../runtime/index.js';
import { injected, ReLU, type NormFactory, type ActivationFactory } from '../factories.js';

export interface MultilayerPerceptronOptions {
  /** [input, hidden..., output]; may instead be the first argument. */
  fullyConnectedDims?: number[];
  norm?: NormFactory | null;
  midActivation?: ActivationFactory;
  finalActivation?: ActivationFactory | null;
  dropoutRate?: number;
}

/**
 * Returns [mlp, outputDim], as PyTorchVideo returns (mlp, output_dim). Called as
 * makeMultilayerPerceptron([2048, 1024, 2048], opts) or makeMultilayerPerceptron({ fullyConnectedDims, ... }).
 */
export function makeMultilayerPerceptron(dimsOrOptions: number[] | MultilayerPerceptronOptions, opts: MultilayerPerceptronOptions = {}): [InstanceType<typeof nn.Sequential>, number] {
  const o = Array.isArray(dimsOrOptions) ? { ...opts, fullyConnectedDims: dimsOrOptions } : dimsOrOptions;
  const { fullyConnectedDims = [], norm = null, midActivation = ReLU, finalActivation = ReLU, dropoutRate = 0.0 } = injected(o);
  if (!Array.isArray(fullyConnectedDims) || fullyConnectedDims.length < 2 || !fullyConnectedDims.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ArgumentError(`makeMultilayerPerceptron: fullyConnectedDims must list at least two non-negative integers, got ${JSON.stringify(fullyConnectedDims)}`);
  }
  const layers: InstanceType<typeof nn.Module>[] = [];
  let cur = fullyConnectedDims[0];
  for (const dim of fullyConnectedDims.slice(1, -1)) {
    layers.push(new nn.Linear(cur, dim));
    if (norm) layers.push(norm({ numFeatures: dim }));
    layers.push(midActivation());
    cur = dim;
  }
  const outputDim = fullyConnectedDims[fullyConnectedDims.length - 1];
  layers.push(new nn.Linear(cur, outputDim));
  if (dropoutRate > 0) layers.push(new nn.Dropout(dropoutRate));
  if (finalActivation) layers.push(finalActivation());
  return [new nn.Sequential(...layers), outputDim];
}
