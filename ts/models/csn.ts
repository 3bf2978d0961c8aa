// pytorchvideo.models.csn: Channel-Separated Networks — ResNet bottlenecks whose 3x3x3 conv_b is
// depthwise (groups = dimInner / stageConvBWidthPerGroup), no stem pool by default, strided conv_b.
import { nn, ArgumentError } from '../runtime/index.js';
import { injected, BatchNorm3d, ReLU, AvgPool3d, halfPad, type NormFactory, type ActivationFactory, type PoolFactory } from './factories.js';
import { createResBasicStem } from './stem.js';
import { createResBasicHead } from './head.js';
import { createBottleneckBlock, createResStage, MODEL_STAGE_DEPTH, type BottleneckFactory } from './resnet.js';
import { Net } from './net.js';

type Module = InstanceType<typeof nn.Module>;
type Triple = number[];

export interface CsnOptions {
  inputChannel?: number; modelDepth?: number; modelNumClass?: number; dropoutRate?: number;
  norm?: NormFactory | null; activation?: ActivationFactory | null;
  stemDimOut?: number; stemConvKernelSize?: Triple; stemConvStride?: Triple;
  stemPool?: PoolFactory | null; stemPoolKernelSize?: Triple; stemPoolStride?: Triple;
  stageConvAKernelSize?: Triple; stageConvBKernelSize?: Triple; stageConvBWidthPerGroup?: number;
  stageSpatialStride?: number[]; stageTemporalStride?: number[]; bottleneck?: BottleneckFactory;
  /** dimInner = dimOut / bottleneckRatio in every stage. */
  bottleneckRatio?: number;
  headPool?: PoolFactory | null; headPoolKernelSize?: Triple; headOutputSize?: Triple; headActivation?: ActivationFactory | null;
  headOutputWithGlobalAverage?: boolean;
}

/** create_csn with PyTorchVideo's documented defaults (its zoo's CSN-R101 is modelDepth 101, headPoolKernelSize [4, 7, 7]). */
export function createCsn(o: CsnOptions = {}): Net {
  const {
    inputChannel = 3, modelDepth = 50, modelNumClass = 400, dropoutRate = 0, norm = BatchNorm3d, activation = ReLU,
    stemDimOut = 64, stemConvKernelSize = [3, 7, 7], stemConvStride = [1, 2, 2], stemPool = null, stemPoolKernelSize = [1, 3, 3],
    stemPoolStride = [1, 2, 2], stageConvAKernelSize = [1, 1, 1], stageConvBKernelSize = [3, 3, 3], stageConvBWidthPerGroup = 1,
    stageSpatialStride = [1, 2, 2, 2], stageTemporalStride = [1, 2, 2, 2], bottleneck = createBottleneckBlock, bottleneckRatio = 4,
    headPool = AvgPool3d, headPoolKernelSize = [1, 7, 7], headOutputSize = [1, 1, 1], headActivation = null, headOutputWithGlobalAverage = true,
  } = injected(o);
  const depths = MODEL_STAGE_DEPTH[modelDepth];
  if (!depths || modelDepth === 18) throw new ArgumentError(`createCsn: modelDepth must be one of 50, 101, 152, got ${modelDepth}`);
  const blocks: Module[] = [createResBasicStem({
    inChannels: inputChannel, outChannels: stemDimOut, convKernelSize: stemConvKernelSize, convStride: stemConvStride,
    convPadding: halfPad(stemConvKernelSize), pool: stemPool, poolKernelSize: stemPoolKernelSize, poolStride: stemPoolStride,
    poolPadding: halfPad(stemPoolKernelSize), norm, activation,
  })];
  let dimIn = stemDimOut, dimOut = stemDimOut * 4;
  for (let i = 0; i < depths.length; i++) {
    const dimInner = Math.floor(dimOut / bottleneckRatio);
    const groups = Math.floor(dimInner / stageConvBWidthPerGroup);
    if (groups < 1 || dimInner % groups !== 0) {
      throw new ArgumentError(`createCsn: stage ${i} width ${dimInner} is not divisible into groups of stageConvBWidthPerGroup=${stageConvBWidthPerGroup}`);
    }
    blocks.push(createResStage({
      depth: depths[i], dimIn, dimInner, dimOut, bottleneck,
      convAKernelSize: stageConvAKernelSize, convAStride: [1, 1, 1], convAPadding: halfPad(stageConvAKernelSize),
      convBKernelSize: stageConvBKernelSize, convBStride: [stageTemporalStride[i], stageSpatialStride[i], stageSpatialStride[i]],
      convBPadding: halfPad(stageConvBKernelSize), convBNumGroups: groups, convBDilation: [1, 1, 1], norm, activation,
    }));
    dimIn = dimOut;
    dimOut *= 2;
  }
  blocks.push(createResBasicHead({
    inFeatures: dimIn, outFeatures: modelNumClass, pool: headPool, outputSize: headOutputSize, poolKernelSize: headPoolKernelSize,
    dropoutRate, activation: headActivation, outputWithGlobalAverage: headOutputWithGlobalAverage,
  }));
  return new Net({ blocks });
}
