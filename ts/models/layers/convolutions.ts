// pytorchvideo.layers.convolutions: ConvReduce3D (several Conv3d on the same input, summed or
// concatenated over channels) and create_conv_2plus1d (the Conv2plus1d builder).
import { nn, ops, ArgumentError, type Tensor } from '../../runtime/index.js';
import { BatchNorm3d, ReLU, type NormFactory, type ActivationFactory } from '../factories.js';
import { Conv2plus1d } from './conv2plus1d.js';

type Size = number | number[];

export interface ConvReduce3DOptions {
  inChannels: number;
  outChannels: number;
  /** One kernel per convolution. */
  kernelSize: Size[];
  /** Per-convolution options; an entry (or the whole list) left null/undefined keeps Conv3d's default. */
  stride?: (Size | null)[] | null;
  padding?: (Size | null)[] | null;
  dilation?: (Size | null)[] | null;
  groups?: (number | null)[] | null;
  bias?: (boolean | null)[] | null;
  reductionMethod?: 'sum' | 'cat';
}

export class ConvReduce3D extends nn.Module {
  readonly reductionMethod: 'sum' | 'cat';
  readonly convs: InstanceType<typeof nn.ModuleList>;
  constructor(o: ConvReduce3DOptions) {
    super();
    const { inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, reductionMethod = 'sum' } = o;
    if (reductionMethod !== 'sum' && reductionMethod !== 'cat') {
      throw new ArgumentError(`ConvReduce3D: reductionMethod must be 'sum' or 'cat', got ${JSON.stringify(reductionMethod)}`);
    }
    this.reductionMethod = reductionMethod;
    const at = <T>(l: (T | null)[] | null | undefined, i: number): T | undefined => l?.[i] ?? undefined;
    this.convs = this.registerModule('convs', new nn.ModuleList(kernelSize.map((k, i) => new nn.Conv3d(inChannels, outChannels, k, {
      stride: at(stride, i), padding: at(padding, i), dilation: at(dilation, i), groups: at(groups, i), bias: at(bias, i),
    }))));
  }
  override forward(x: Tensor): Tensor {
    const outs = this.convs.map((c) => c.forward(x) as Tensor);
    if (this.reductionMethod === 'cat') return ops.cat(outs, 1);
    // PyTorchVideo's stack(...).sum(0), as a chain of adds (same values, fewer copies).
    let y = outs[0];
    for (let i = 1; i < outs.length; i++) y = ops.add(y, outs[i]);
    return y;
  }
}

export interface Conv2plus1dOptions {
  inChannels: number; outChannels: number; convKernelSize?: number[]; convStride?: number[]; convPadding?: number[];
  convBias?: boolean; norm?: NormFactory | null; normEps?: number; normMomentum?: number; activation?: ActivationFactory | null;
}

/** create_conv_2plus1d: a kx1x1 temporal conv, norm, activation, then a 1xkxk spatial conv. */
export function createConv2plus1d(o: Conv2plus1dOptions): Conv2plus1d {
  const { inChannels, outChannels, convKernelSize = [3, 3, 3], convStride = [2, 2, 2], convPadding = [1, 1, 1], convBias = false,
    norm = BatchNorm3d, normEps = 1e-5, normMomentum = 0.1, activation = ReLU } = o;
  return new Conv2plus1d({
    convT: new nn.Conv3d(inChannels, outChannels, [convKernelSize[0], 1, 1], {
      stride: [convStride[0], 1, 1], padding: [convPadding[0], 0, 0], bias: convBias,
    }),
    norm: norm ? norm({ numFeatures: outChannels, eps: normEps, momentum: normMomentum }) : null,
    activation: activation ? activation() : null,
    convXy: new nn.Conv3d(outChannels, outChannels, [1, convKernelSize[1], convKernelSize[2]], {
      stride: [1, convStride[1], convStride[2]], padding: [0, convPadding[1], convPadding[2]], bias: convBias,
    }),
  });
}
