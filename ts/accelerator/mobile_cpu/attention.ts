// pytorchvideo.layers.accelerator.mobile_cpu.attention: squeeze-excitation.
import { nn, type Tensor } from '../../runtime/index.js';
import { SqueezeExcitation as SqueezeExcitationLayer, type SqueezeExcitationOptions } from '../../models/index.js';
import { EfficientBlockBase } from '../efficient_blocks.js';
import { _Reshape, _SkipConnectMul } from './conv_helper.js';

type Conv = InstanceType<typeof nn.Conv3d>;

/**
 * Original form: fvcore's SqueezeExcitation as `se` (keys `se.block.0.weight`, ...). Deploy form
 * (as PyTorchVideo's): x * reshape(sigmoid(fc1(act(fc0(reshape(avgpool(x))))))) with the 1x1
 * convs as Linear layers, the reshapes sized for the example input's batch.
 */
export class SqueezeExcitation extends EfficientBlockBase {
  readonly is3d: boolean;
  constructor(numChannels: number, o: SqueezeExcitationOptions = {}) {
    super();
    this.is3d = o.is3d ?? false;
    this.registerModule('se', new SqueezeExcitationLayer(numChannels, o));
  }
  get se(): nn.Module { return this.getAttr('se') as nn.Module; }

  override convert(inputBlobSize: readonly number[]): void {
    this.beginConvert();
    const original = this.se as SqueezeExcitationLayer;
    const block = original.block;
    const [n, c] = inputBlobSize;
    const layers = new nn.Sequential(
      this.is3d ? new nn.AdaptiveAvgPool3d(1) : new nn.AdaptiveAvgPool2d(1),
      new _Reshape([n, c]),
      linearOf(block.get(0) as Conv),
      block.get(1),
      linearOf(block.get(2) as Conv),
      block.get(3),
      new _Reshape(this.is3d ? [n, c, 1, 1, 1] : [n, c, 1, 1]),
    );
    this.registerModule('se', new _SkipConnectMul(layers));
    original.dispose();
  }

  override forward(x: Tensor): Tensor { return this.se.forward(x); }
}

/** A 1x1(x1) conv as the equivalent Linear. */
function linearOf(conv: Conv): InstanceType<typeof nn.Linear> {
  const fc = new nn.Linear(conv.inChannels, conv.outChannels, { bias: conv.bias !== null });
  (fc.weight.data() as Float32Array).set(conv.weight.toArray());
  if (conv.bias) (fc.bias!.data() as Float32Array).set(conv.bias.toArray());
  return fc;
}
