// pytorchvideo.models.head: ResNetBasicHead (pool -> dropout -> proj -> activation -> global average)
// and ResNetRoIHead (the detection head, with RoI align over boxes).
import { nn, ops, Tensor, ShapeError, fmtShape } from '../runtime/index.js';
import { injected, AvgPool3d, AdaptiveAvgPool3d, MaxPool2d, Softmax, maybe, type ActivationFactory, type PoolFactory } from './factories.js';
import { RoIAlignLayer, type RoiFactory } from './layers/roi_align.js';

type Module = InstanceType<typeof nn.Module>;

export class ResNetBasicHead extends nn.Module {
  readonly pool: Module | null;
  readonly dropout: Module | null;
  readonly proj: Module | null;
  readonly activation: Module | null;
  readonly outputPool: Module | null;
  constructor({ pool = null, dropout = null, proj = null, activation = null, outputPool = null }:
    { pool?: Module | null; dropout?: Module | null; proj?: Module | null; activation?: Module | null; outputPool?: Module | null }) {
    super();
    this.pool = this.registerModule('pool', pool);
    this.dropout = this.registerModule('dropout', dropout);
    this.proj = this.registerModule('proj', proj);
    this.activation = this.registerModule('activation', activation);
    this.outputPool = this.registerModule('output_pool', outputPool);
  }
  override forward(x: Tensor): Tensor {
    return projectAndPool(this, maybe(this.dropout, maybe(this.pool, x)));
  }
}

/**
 * The end both heads share: proj (a Linear over channels: [N, C, T, H, W] -> [N, T, H, W, C] ->
 * proj -> back), activation, then the output pool flattened to [N, -1].
 */
function projectAndPool(head: { proj: Module | null; activation: Module | null; outputPool: Module | null }, x: Tensor): Tensor {
  if (head.proj) x = ops.permute(head.proj.forward(ops.permute(x, [0, 2, 3, 4, 1])), [0, 4, 1, 2, 3]);
  x = maybe(head.activation, x);
  if (head.outputPool) {
    const pooled = head.outputPool.forward(x);
    x = ops.reshape(pooled, [pooled.shape[0], -1]);
  }
  return x;
}

export interface ResBasicHeadOptions {
  inFeatures: number;
  outFeatures: number;
  pool?: PoolFactory | null;
  outputSize?: number[];
  poolKernelSize?: number[];
  poolStride?: number[];
  poolPadding?: number[];
  dropoutRate?: number;
  activation?: ActivationFactory | null;
  outputWithGlobalAverage?: boolean;
}

/** create_res_basic_head, with PyTorchVideo's defaults. */
export function createResBasicHead(o: ResBasicHeadOptions): ResNetBasicHead {
  const {
    inFeatures, outFeatures, pool = AvgPool3d, outputSize = [1, 1, 1], poolKernelSize = [1, 7, 7],
    poolStride = [1, 1, 1], poolPadding = [0, 0, 0], dropoutRate = 0.5, activation = null, outputWithGlobalAverage = true,
  } = injected(o);
  let poolModel: Module | null = null;
  if (pool === AdaptiveAvgPool3d) poolModel = new nn.AdaptiveAvgPool3d(outputSize);
  else if (pool) poolModel = pool({ kernelSize: poolKernelSize, stride: poolStride, padding: poolPadding });
  return new ResNetBasicHead({
    proj: new nn.Linear(inFeatures, outFeatures),
    activation: activation === Softmax ? new nn.Softmax(1) : activation ? activation() : null,
    pool: poolModel,
    dropout: dropoutRate > 0 ? new nn.Dropout(dropoutRate) : null,
    outputPool: outputWithGlobalAverage ? new nn.AdaptiveAvgPool3d(1) : null,
  });
}

/**
 * ResNet RoI head (detection): pool -> RoI align on the single remaining frame -> 2D spatial
 * pool -> dropout -> proj -> activation -> global average. Takes boxes [K, 5] and returns one
 * row per box.
 */
export class ResNetRoIHead extends nn.Module {
  readonly pool: Module | null;
  readonly poolSpatial: Module | null;
  readonly roiLayer: Module | null;
  readonly dropout: Module | null;
  readonly proj: Module | null;
  readonly activation: Module | null;
  readonly outputPool: Module | null;
  constructor({ pool = null, poolSpatial = null, roiLayer = null, dropout = null, proj = null, activation = null, outputPool = null }: {
    pool?: Module | null; poolSpatial?: Module | null; roiLayer?: Module | null; dropout?: Module | null;
    proj?: Module | null; activation?: Module | null; outputPool?: Module | null;
  }) {
    super();
    // PyTorchVideo's attribute order (state-dict order follows it).
    this.pool = this.registerModule('pool', pool);
    this.poolSpatial = this.registerModule('pool_spatial', poolSpatial);
    this.roiLayer = this.registerModule('roi_layer', roiLayer);
    this.dropout = this.registerModule('dropout', dropout);
    this.proj = this.registerModule('proj', proj);
    this.activation = this.registerModule('activation', activation);
    this.outputPool = this.registerModule('output_pool', outputPool);
  }
  override forward(x: Tensor, bboxes: Tensor): Tensor {
    if (!(x instanceof Tensor) || x.rank !== 5) {
      throw new ShapeError(`ResNetRoIHead: features must be [N, C, T, H, W], got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
    }
    if (!(bboxes instanceof Tensor) || bboxes.rank !== 2 || bboxes.shape[1] !== 5) {
      throw new ShapeError(`ResNetRoIHead: boxes must be [K, 5] (batch index, x1, y1, x2, y2), got ${bboxes instanceof Tensor ? fmtShape(bboxes.shape) : typeof bboxes} for features ${fmtShape(x.shape)}`);
    }
    x = maybe(this.pool, x);
    if (this.roiLayer) {
      if (x.shape[2] !== 1) {
        throw new ShapeError(`ResNetRoIHead: the temporal dimension must be 1 before RoI align (got features ${fmtShape(x.shape)}); make the head pool cover all frames`);
      }
      x = ops.squeeze(x, 2);
      x = this.roiLayer.forward(x, bboxes);
      x = ops.unsqueeze(maybe(this.poolSpatial, x), 2);
    }
    return projectAndPool(this, maybe(this.dropout, x));
  }
}

export interface ResRoiPoolingHeadOptions extends ResBasicHeadOptions {
  /** RoI output size [h, w]. */
  resolution: number[];
  spatialScale: number;
  samplingRatio?: number;
  roi?: RoiFactory | null;
  poolSpatial?: PoolFactory | null;
}

/** create_res_roi_pooling_head, with PyTorchVideo's defaults. */
export function createResRoiPoolingHead(o: ResRoiPoolingHeadOptions): ResNetRoIHead {
  const {
    inFeatures, outFeatures, resolution, spatialScale, samplingRatio = 0, roi = RoIAlignLayer, pool = AvgPool3d,
    outputSize = [1, 1, 1], poolKernelSize = [1, 7, 7], poolStride = [1, 1, 1], poolPadding = [0, 0, 0],
    poolSpatial = MaxPool2d, dropoutRate = 0.5, activation = null, outputWithGlobalAverage = true,
  } = injected(o);
  let poolModel: Module | null = null;
  if (pool === AdaptiveAvgPool3d) poolModel = new nn.AdaptiveAvgPool3d(outputSize);
  else if (pool) poolModel = pool({ kernelSize: poolKernelSize, stride: poolStride, padding: poolPadding });
  return new ResNetRoIHead({
    proj: new nn.Linear(inFeatures, outFeatures),
    activation: activation === Softmax ? new nn.Softmax(1) : activation ? activation() : null,
    pool: poolModel,
    poolSpatial: poolSpatial ? poolSpatial({ kernelSize: resolution, stride: 1 }) : null,
    roiLayer: roi ? roi({ outputSize: resolution, spatialScale, samplingRatio }) : null,
    dropout: dropoutRate > 0 ? new nn.Dropout(dropoutRate) : null,
    outputPool: outputWithGlobalAverage ? new nn.AdaptiveAvgPool3d(1) : null,
  });
}
