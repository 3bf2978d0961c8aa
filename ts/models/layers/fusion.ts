// pytorchvideo.layers.fusion: layers that fuse a list of [batch, seq, feature] tensors into one,
// and make_fusion_layer. Methods: 'concat' (features), 'temporalConcat' (sequence), and the
// elementwise reductions 'max' | 'sum' | 'prod'.
import { nn, ops, ArgumentError, ShapeError, fmtShape, type Tensor } from '../../runtime/index.js';

function verifyFeatureDims(name: string, featureDims: number[]): void {
  if (!Array.isArray(featureDims) || featureDims.length === 0 || !featureDims.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ArgumentError(`${name}: featureDims must be a non-empty list of positive integers, got ${JSON.stringify(featureDims)}`);
  }
}

function checkInputs(name: string, xs: Tensor[], featureDims: number[]): void {
  if (!Array.isArray(xs) || xs.length !== featureDims.length) {
    throw new ArgumentError(`${name}: expected a list of ${featureDims.length} tensors, got ${Array.isArray(xs) ? xs.length : typeof xs}`);
  }
  xs.forEach((x, i) => {
    if (x.shape[x.rank - 1] !== featureDims[i]) {
      throw new ShapeError(`${name}: input ${i} ${fmtShape(x.shape)} must end with feature dim ${featureDims[i]}`);
    }
  });
}

/** Concatenates along the last (feature) dimension; outputDim is the sum of featureDims. */
export class ConcatFusion extends nn.Module {
  readonly outputDim: number;
  constructor(readonly featureDims: number[]) {
    super();
    verifyFeatureDims('ConcatFusion', featureDims);
    this.outputDim = featureDims.reduce((a, b) => a + b, 0);
  }
  override forward(xs: Tensor[]): Tensor {
    checkInputs('ConcatFusion', xs, this.featureDims);
    return ops.cat(xs, -1);
  }
}

/** Concatenates along dim 1 (time); every input has the same feature dim. */
export class TemporalConcatFusion extends nn.Module {
  readonly outputDim: number;
  constructor(readonly featureDims: number[]) {
    super();
    verifyFeatureDims('TemporalConcatFusion', featureDims);
    this.outputDim = Math.max(...featureDims);
    if (this.outputDim !== Math.min(...featureDims)) throw new ArgumentError(`TemporalConcatFusion: featureDims must all be equal, got ${JSON.stringify(featureDims)}`);
  }
  override forward(xs: Tensor[]): Tensor {
    checkInputs('TemporalConcatFusion', xs, this.featureDims);
    return ops.cat(xs, 1);
  }
}

export type ReduceFn = (stacked: Tensor) => Tensor;

/** Stacks the inputs on a new dim 0 and reduces it with reduceFn (max, sum, prod...). */
export class ReduceFusion extends nn.Module {
  readonly outputDim: number;
  constructor(readonly featureDims: number[], readonly reduceFn: ReduceFn) {
    super();
    verifyFeatureDims('ReduceFusion', featureDims);
    this.outputDim = Math.max(...featureDims);
    if (this.outputDim !== Math.min(...featureDims)) throw new ArgumentError(`ReduceFusion: featureDims must all be equal, got ${JSON.stringify(featureDims)}`);
  }
  override forward(xs: Tensor[]): Tensor {
    checkInputs('ReduceFusion', xs, this.featureDims);
    xs.forEach((x, i) => {
      if (x.shape.join() !== xs[0].shape.join()) throw new ShapeError(`ReduceFusion: input ${i} ${fmtShape(x.shape)} differs from input 0 ${fmtShape(xs[0].shape)}`);
    });
    return this.reduceFn(ops.stack(xs, 0));
  }
}

/** torch.prod(x, dim=0) as a chain of products over the slices of dim 0. */
function prod0(x: Tensor): Tensor {
  const parts = ops.split(x, 1, 0);
  let y = parts[0];
  for (let i = 1; i < parts.length; i++) y = ops.mul(y, parts[i]);
  return ops.squeeze(y, 0);
}

export type FusionMethod = 'concat' | 'temporalConcat' | 'max' | 'sum' | 'prod';

/** make_fusion_layer. PyTorchVideo's 'temporal_concat' is also accepted. */
export function makeFusionLayer(method: FusionMethod | 'temporal_concat', featureDims: number[]): nn.Module {
  switch (method) {
    case 'concat': return new ConcatFusion(featureDims);
    case 'temporalConcat': case 'temporal_concat': return new TemporalConcatFusion(featureDims);
    case 'max': return new ReduceFusion(featureDims, (x) => ops.max(x, 0).values);
    case 'sum': return new ReduceFusion(featureDims, (x) => ops.sum(x, 0));
    case 'prod': return new ReduceFusion(featureDims, prod0);
    default: throw new ArgumentError(`makeFusionLayer: fusion ${JSON.stringify(method)} is not available (concat, temporalConcat, max, sum, prod)`);
  }
}
