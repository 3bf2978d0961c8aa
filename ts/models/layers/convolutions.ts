// pytorchvideo.layers.convolutions: ConvReduce3D (several Conv3d on the same input, summed or
// concatenated over channels) and create_conv_2plus1d (the Conv2plus1d builder).
import { nn, ops, ArgumentError, ShapeError, fmtShape, type Tensor } from '../../runtime/index.js';
import { injected, BatchNorm3d, ReLU, type NormFactory, type ActivationFactory } from '../factories.js';
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
    for (let i = 1; i < outs.length; i++) {
      const same = this.reductionMethod === 'cat' ? outs[i].shape.every((d, k) => k === 1 || d === outs[0].shape[k]) : outs[i].shape.join() === outs[0].shape.join();
      if (!same) throw new ShapeError(`ConvReduce3D: conv ${i} gives ${fmtShape(outs[i].shape)}, conv 0 gives ${fmtShape(outs[0].shape)} (input ${fmtShape(x.shape)}); they cannot be ${this.reductionMethod === 'cat' ? 'concatenated' : 'summed'}`);
    }
    if (this.reductionMethod === 'cat') return ops.cat(outs, 1);
    // PyTorchVideo's stack(...).sum(0), as a chain of adds (same values, fewer copies).
    let y = outs[0];
    for (let i = 1; i < outs.length; i++) y = ops.add(y, outs[i]);
    return y;
  }
}

export interface Conv2plus1dOptions {
  inChannels: number; outChannels: number;
  /** Channels between conv_t and conv_xy (default outChannels). */
  innerChannels?: number;
  kernelSize?: number[]; stride?: number[]; padding?: number[]; bias?: boolean; dilation?: number[]; groups?: number;
  /** Older PyTorchVideo spellings of kernelSize / stride / padding / bias. */
  convKernelSize?: number[]; convStride?: number[]; convPadding?: number[]; convBias?: boolean;
  norm?: NormFactory | null; normEps?: number; normMomentum?: number; activation?: ActivationFactory | null;
}

/**
 * create_conv_2plus1d: a kx1x1 temporal conv, norm, activation, then a 1xkxk spatial conv. Its
 * options are a superset of ConvArgs, so it is also the convB factory of the (2+1)D bottleneck.
 */
export function createConv2plus1d(o: Conv2plus1dOptions): Conv2plus1d {
  const { inChannels, outChannels, innerChannels = outChannels, dilation = [1, 1, 1], groups = 1,
    norm = BatchNorm3d, normEps = 1e-5, normMomentum = 0.1, activation = ReLU } = injected(o);
  const triple = (v: number | number[] | undefined, d: number[]) => (v === undefined ? d : typeof v === 'number' ? [v, v, v] : v);
  const kernelSize = triple(o.kernelSize ?? o.convKernelSize, [3, 3, 3]);
  const stride = triple(o.stride ?? o.convStride, [2, 2, 2]);
  const padding = triple(o.padding ?? o.convPadding, [1, 1, 1]);
  const bias = o.bias ?? o.convBias ?? false;
  const dil = triple(dilation, [1, 1, 1]);
  return new Conv2plus1d({
    convT: new nn.Conv3d(inChannels, innerChannels, [kernelSize[0], 1, 1], {
      stride: [stride[0], 1, 1], padding: [padding[0], 0, 0], dilation: [dil[0], 1, 1], groups, bias,
    }),
    norm: norm ? norm({ numFeatures: innerChannels, eps: normEps, momentum: normMomentum }) : null,
    activation: activation ? activation() : null,
    convXy: new nn.Conv3d(innerChannels, outChannels, [1, kernelSize[1], kernelSize[2]], {
      stride: [1, stride[1], stride[2]], padding: [0, padding[1], padding[2]], dilation: [1, dil[1], dil[2]], groups, bias,
    }),
  });
}
