// pytorchvideo.models.stem: the ResNet basic stem (conv -> norm -> activation -> pool).
import { nn, type Tensor } from '../runtime/index.js';
import { injected,
  Conv3d, BatchNorm3d, ReLU, MaxPool3d, maybe,
  type ConvFactory, type NormFactory, type ActivationFactory, type PoolFactory,
} from './factories.js';

type Module = InstanceType<typeof nn.Module>;

export class ResNetBasicStem extends nn.Module {
  readonly conv: Module | null;
  readonly norm: Module | null;
  readonly activation: Module | null;
  readonly pool: Module | null;
  constructor({ conv = null, norm = null, activation = null, pool = null }: { conv?: Module | null; norm?: Module | null; activation?: Module | null; pool?: Module | null }) {
    super();
    this.conv = this.registerModule('conv', conv);
    this.norm = this.registerModule('norm', norm);
    this.activation = this.registerModule('activation', activation);
    this.pool = this.registerModule('pool', pool);
  }
  override forward(x: Tensor): Tensor {
    return maybe(this.pool, maybe(this.activation, maybe(this.norm, maybe(this.conv, x))));
  }
}

export interface ResBasicStemOptions {
  inChannels: number;
  outChannels: number;
  convKernelSize?: number[];
  convStride?: number[];
  convPadding?: number[];
  convBias?: boolean;
  conv?: ConvFactory;
  pool?: PoolFactory | null;
  poolKernelSize?: number[];
  poolStride?: number[];
  poolPadding?: number[];
  norm?: NormFactory | null;
  normEps?: number;
  normMomentum?: number;
  activation?: ActivationFactory | null;
}

/** create_res_basic_stem, with PyTorchVideo's defaults. */
export function createResBasicStem(o: ResBasicStemOptions): ResNetBasicStem {
  const {
    inChannels, outChannels, convKernelSize = [3, 7, 7], convStride = [1, 2, 2], convPadding = [1, 3, 3],
    convBias = false, conv = Conv3d, pool = MaxPool3d, poolKernelSize = [1, 3, 3], poolStride = [1, 2, 2],
    poolPadding = [0, 1, 1], norm = BatchNorm3d, normEps = 1e-5, normMomentum = 0.1, activation = ReLU,
  } = injected(o);
  return new ResNetBasicStem({
    conv: conv({ inChannels, outChannels, kernelSize: convKernelSize, stride: convStride, padding: convPadding, bias: convBias }),
    norm: norm ? norm({ numFeatures: outChannels, eps: normEps, momentum: normMomentum }) : null,
    activation: activation ? activation() : null,
    pool: pool ? pool({ kernelSize: poolKernelSize, stride: poolStride, padding: poolPadding }) : null,
  });
}
