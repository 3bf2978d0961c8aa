// pytorchvideo.models.head: ResNetBasicHead (pool -> dropout -> proj -> activation -> global average).
import { nn, ops, type Tensor } from '../runtime/index.js';
import { AvgPool3d, AdaptiveAvgPool3d, Softmax, maybe, type ActivationFactory, type PoolFactory } from './factories.js';

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
    x = maybe(this.dropout, maybe(this.pool, x));
    if (this.proj) {
      // Linear over channels: [N, C, T, H, W] -> [N, T, H, W, C] -> proj -> back.
      const p = ops.permute(x, [0, 2, 3, 4, 1]);
      const y = this.proj.forward(p);
      x = ops.permute(y, [0, 4, 1, 2, 3]);
    }
    x = maybe(this.activation, x);
    if (this.outputPool) {
      const pooled = this.outputPool.forward(x);
      x = ops.reshape(pooled, [pooled.shape[0], -1]);
    }
    return x;
  }
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
  } = o;
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
