// pytorchvideo.models.r2plus1d: the (2+1)D bottleneck (conv_b factorised into a temporal and a
// spatial conv, Conv2plus1d) and create_r2plus1d.
import { nn, ArgumentError } from '../runtime/index.js';
import { injected, Conv3d, BatchNorm3d, ReLU, AvgPool3d, Softmax, halfPad, type NormFactory, type ActivationFactory, type PoolFactory } from './factories.js';
import { createResBasicStem } from './stem.js';
import { createResBasicHead } from './head.js';
import { BottleneckBlock, createResStage, MODEL_STAGE_DEPTH, type BottleneckOptions, type BottleneckFactory } from './resnet.js';
import { Net } from './net.js';
import { createConv2plus1d, type Conv2plus1dOptions } from './layers/convolutions.js';

type Module = InstanceType<typeof nn.Module>;
type Triple = number[];

/** Options of the (2+1)D bottleneck: convB builds the factorised conv and also gets the norm/activation. */
export interface R2plus1dBottleneckOptions extends Omit<BottleneckOptions, 'convB'> {
  convB?: (o: Conv2plus1dOptions) => Module;
}

/** create_2plus1d_bottleneck_block: 1x1x1 -> Conv2plus1d (kx1x1 -> norm -> act -> 1xkxk) -> 1x1x1. */
export function create2plus1dBottleneckBlock(o: R2plus1dBottleneckOptions): BottleneckBlock {
  const {
    dimIn, dimInner, dimOut, convAKernelSize = [1, 1, 1], convAStride = [1, 1, 1], convAPadding = [0, 0, 0], convA = Conv3d,
    convBKernelSize = [3, 3, 3], convBStride = [2, 2, 2], convBPadding = [1, 1, 1], convBNumGroups = 1, convBDilation = [1, 1, 1],
    convB = createConv2plus1d, convC = Conv3d, norm = BatchNorm3d, normEps = 1e-5, normMomentum = 0.1, activation = ReLU,
  } = injected(o);
  const n = (c: number) => (norm ? norm({ numFeatures: c, eps: normEps, momentum: normMomentum }) : null);
  const act = () => (activation ? activation() : null);
  return new BottleneckBlock({
    convA: convA({ inChannels: dimIn, outChannels: dimInner, kernelSize: convAKernelSize, stride: convAStride, padding: convAPadding, bias: false }),
    normA: n(dimInner),
    actA: act(),
    convB: convB({
      inChannels: dimInner, outChannels: dimInner, kernelSize: convBKernelSize, stride: convBStride, padding: convBPadding, bias: false,
      groups: convBNumGroups, dilation: convBDilation, norm, normEps, normMomentum, activation,
    }),
    normB: n(dimInner),
    actB: act(),
    convC: convC({ inChannels: dimInner, outChannels: dimOut, kernelSize: [1, 1, 1], bias: false }),
    normC: n(dimOut),
  });
}
/** The name used in vidwasm's issue text; same builder. */
export const createR2plus1dBottleneckBlock = create2plus1dBottleneckBlock;

export interface R2plus1dOptions {
  inputChannel?: number; modelDepth?: number; modelNumClass?: number; dropoutRate?: number;
  norm?: NormFactory | null;
  /** Accepted as in PyTorchVideo, which does not forward them (its layers keep eps 1e-5, momentum 0.1). */
  normEps?: number; normMomentum?: number;
  activation?: ActivationFactory | null;
  stemDimOut?: number; stemConvKernelSize?: Triple; stemConvStride?: Triple;
  stageConvAKernelSize?: Triple[]; stageConvBKernelSize?: Triple[]; stageConvBNumGroups?: number[]; stageConvBDilation?: Triple[];
  stageSpatialStride?: number[]; stageTemporalStride?: number[]; stageBottleneck?: (BottleneckFactory | ((o: R2plus1dBottleneckOptions) => Module))[];
  headPool?: PoolFactory | null; headPoolKernelSize?: Triple; headOutputSize?: Triple; headActivation?: ActivationFactory | null;
}

/**
 * create_r2plus1d with PyTorchVideo's defaults (its zoo's R(2+1)D-R50: 28.11 M parameters, as built
 * here). The seeds' API reference prints stage_spatial_stride=(2, 2, 2) / stage_temporal_stride=(1, 2, 2),
 * one entry short for four stages; the source's (2, 2, 2, 2) / (1, 1, 2, 2) are used.
 */
export function createR2plus1d(o: R2plus1dOptions = {}): Net {
  const {
    inputChannel = 3, modelDepth = 50, modelNumClass = 400, dropoutRate = 0.0, norm = BatchNorm3d,
    activation = ReLU, stemDimOut = 64, stemConvKernelSize = [1, 7, 7], stemConvStride = [1, 2, 2],
    stageConvAKernelSize = [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]], stageConvBKernelSize = [[3, 3, 3], [3, 3, 3], [3, 3, 3], [3, 3, 3]],
    stageConvBNumGroups = [1, 1, 1, 1], stageConvBDilation = [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]],
    stageSpatialStride = [2, 2, 2, 2], stageTemporalStride = [1, 1, 2, 2],
    stageBottleneck = [create2plus1dBottleneckBlock, create2plus1dBottleneckBlock, create2plus1dBottleneckBlock, create2plus1dBottleneckBlock],
    headPool = AvgPool3d, headPoolKernelSize = [4, 7, 7], headOutputSize = [1, 1, 1], headActivation = Softmax,
  } = injected(o);
  const depths = MODEL_STAGE_DEPTH[modelDepth];
  if (!depths || modelDepth === 18) throw new ArgumentError(`createR2plus1d: modelDepth must be one of 50, 101, 152, got ${modelDepth}`);
  const blocks: Module[] = [createResBasicStem({
    inChannels: inputChannel, outChannels: stemDimOut, convKernelSize: stemConvKernelSize, convStride: stemConvStride,
    convPadding: halfPad(stemConvKernelSize), pool: null, norm, activation,
  })];
  let dimIn = stemDimOut, dimOut = stemDimOut * 4;
  for (let i = 0; i < depths.length; i++) {
    blocks.push(createResStage({
      depth: depths[i], dimIn, dimInner: Math.floor(dimOut / 4), dimOut, bottleneck: stageBottleneck[i] as BottleneckFactory,
      convAKernelSize: stageConvAKernelSize[i], convAStride: [1, 1, 1], convAPadding: halfPad(stageConvAKernelSize[i]),
      convBKernelSize: stageConvBKernelSize[i], convBStride: [stageTemporalStride[i], stageSpatialStride[i], stageSpatialStride[i]],
      convBPadding: halfPad(stageConvBKernelSize[i]), convBNumGroups: stageConvBNumGroups[i], convBDilation: stageConvBDilation[i],
      norm, activation,
    }));
    dimIn = dimOut;
    dimOut *= 2;
  }
  blocks.push(createResBasicHead({
    inFeatures: dimIn, outFeatures: modelNumClass, pool: headPool, outputSize: headOutputSize, poolKernelSize: headPoolKernelSize,
    dropoutRate, activation: headActivation,
  }));
  return new Net({ blocks });
}
