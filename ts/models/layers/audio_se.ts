// pytorchvideo.layers.squeeze_excitation: SqueezeAndExcitationLayer2D and the audio 2-D residual
// block with squeeze-excitation (create_audio_2d_squeeze_excitation_block).
import { nn, ops, ArgumentError, ShapeError, fmtShape, type Tensor } from '../../runtime/index.js';
import { injected, BatchNorm2d, ReLU, type NormFactory, type ActivationFactory } from '../factories.js';
import { ResBlock } from '../resnet.js';

/** avgpool(1x1) -> excitation (conv 1x1, ReLU, conv 1x1, Sigmoid) -> scale the input's channels. */
export class SqueezeAndExcitationLayer2D extends nn.Module {
  readonly inPlanes: number;
  readonly avgpool: InstanceType<typeof nn.AdaptiveAvgPool2d>;
  readonly excitation: InstanceType<typeof nn.Sequential>;
  constructor(inPlanes: number, reductionRatio: number | null = 16, reducedPlanes: number | null = null) {
    super();
    if (!reductionRatio === !reducedPlanes) {
      throw new ArgumentError('SqueezeAndExcitationLayer2D: give exactly one of reductionRatio and reducedPlanes');
    }
    const r = reducedPlanes ?? Math.floor(inPlanes / reductionRatio!);
    this.inPlanes = inPlanes;
    this.avgpool = this.registerModule('avgpool', new nn.AdaptiveAvgPool2d([1, 1]));
    this.excitation = this.registerModule('excitation', new nn.Sequential(
      new nn.Conv2d(inPlanes, r, 1, { stride: 1, bias: true }), new nn.ReLU(),
      new nn.Conv2d(r, inPlanes, 1, { stride: 1, bias: true }), new nn.Sigmoid(),
    ));
  }
  override forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inPlanes) {
      throw new ShapeError(`SqueezeAndExcitationLayer2D(${this.inPlanes}): expected input [N, ${this.inPlanes}, H, W], got ${fmtShape(x.shape)}`);
    }
    return ops.mul(x, this.excitation.forward(this.avgpool.forward(x)));
  }
}

export interface Audio2dSqueezeExcitationOptions {
  dimIn: number; dimOut: number; useSe?: boolean; seReductionRatio?: number;
  branchFusion?: (a: Tensor, b: Tensor) => Tensor;
  convAKernelSize?: number; convAStride?: number; convAPadding?: number;
  convBKernelSize?: number; convBStride?: number; convBPadding?: number;
  norm?: NormFactory; normEps?: number; normMomentum?: number; activation?: ActivationFactory | null;
}

/**
 * create_audio_2d_squeeze_excitation_block: branch2 = Sequential(conv2d, norm, act, conv2d, norm[, SE]);
 * a 1x1 projection shortcut when the stride or width changes; activation after the sum.
 */
export function createAudio2dSqueezeExcitationBlock(o: Audio2dSqueezeExcitationOptions): ResBlock {
  const {
    dimIn, dimOut, useSe = false, seReductionRatio = 16, branchFusion = ops.add, convAKernelSize = 3, convAStride = 1, convAPadding = 1,
    convBKernelSize = 3, convBStride = 1, convBPadding = 1, norm = BatchNorm2d, normEps = 1e-5, normMomentum = 0.1, activation = ReLU,
  } = injected(o);
  const n = () => norm({ numFeatures: dimOut, eps: normEps, momentum: normMomentum });
  const branch2 = [
    new nn.Conv2d(dimIn, dimOut, convAKernelSize, { stride: convAStride, padding: convAPadding, bias: false }),
    n(),
    activation ? activation() : new nn.Identity(),
    new nn.Conv2d(dimOut, dimOut, convBKernelSize, { stride: convBStride, padding: convBPadding, bias: false }),
    n(),
  ];
  if (useSe) branch2.push(new SqueezeAndExcitationLayer2D(dimOut, seReductionRatio));
  const project = convAStride * convBStride !== 1 || dimIn !== dimOut;
  return new ResBlock({
    branch1Conv: project ? new nn.Conv2d(dimIn, dimOut, 1, { stride: convAStride * convBStride, bias: false }) : null,
    branch1Norm: project ? n() : null,
    branch2: new nn.Sequential(...branch2),
    activation: activation ? activation() : null,
    branchFusion,
  });
}
