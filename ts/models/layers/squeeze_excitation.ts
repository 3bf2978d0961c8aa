// pytorchvideo.layers.squeeze_excitation.SqueezeExcitation: scale channels by a gate computed
// from their global average (conv 1x1 -> activation -> conv 1x1 -> sigmoid).
import { nn, ops, type Tensor } from '../../runtime/index.js';

type Module = InstanceType<typeof nn.Module>;

export interface SqueezeExcitationOptions {
  numChannelsReduced?: number;
  reductionRatio?: number;
  is3d?: boolean;
  activation?: Module;
}

export class SqueezeExcitation extends nn.Module {
  readonly is3d: boolean;
  readonly block: InstanceType<typeof nn.Sequential>;
  constructor(numChannels: number, o: SqueezeExcitationOptions = {}) {
    super();
    const reduced = o.numChannelsReduced ?? Math.floor(numChannels / (o.reductionRatio ?? 2));
    this.is3d = o.is3d ?? false;
    const Conv = this.is3d ? nn.Conv3d : nn.Conv2d;
    this.block = this.registerModule('block', new nn.Sequential(
      new Conv(numChannels, reduced, 1, { bias: true }),
      o.activation ?? new nn.ReLU(),
      new Conv(reduced, numChannels, 1, { bias: true }),
      new nn.Sigmoid(),
    ));
  }
  override forward(x: Tensor): Tensor {
    const squeezed = this.is3d ? ops.adaptiveAvgPool3d(x, 1) : ops.adaptiveAvgPool2d(x, 1);
    return ops.mul(x, this.block.forward(squeezed));
  }
}
