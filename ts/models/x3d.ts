// pytorchvideo.models.x3d: X3D (stem, bottleneck with SE and Swish, stages, ProjectedPool head).
import { nn, ArgumentError, type Tensor } from '../runtime/index.js';
import { injected, BatchNorm3d, ReLU, Softmax, maybe, halfPad, type NormFactory, type ActivationFactory } from './factories.js';
import { ResNetBasicStem } from './stem.js';
import { ResNetBasicHead } from './head.js';
import { BottleneckBlock, ResBlock, ResStage } from './resnet.js';
import { Net } from './net.js';
import { Conv2plus1d } from './layers/conv2plus1d.js';
import { SqueezeExcitation } from './layers/squeeze_excitation.js';
import { swish } from './layers/swish.js';

type Module = InstanceType<typeof nn.Module>;
type Triple = number[];

/** X3D's channel rounding: width * multiplier to a multiple of divisor, never below 90 %. */
export function roundWidth(width: number, multiplier: number, minWidth = 8, divisor = 8, ceil = false): number {
  if (!multiplier) return width;
  width *= multiplier;
  const min = minWidth || divisor;
  let out = ceil ? Math.max(min, Math.ceil(width / divisor) * divisor)
    : Math.max(min, Math.floor(Math.floor(width + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * width) out += divisor;
  return Math.trunc(out);
}
export function roundRepeats(repeats: number, multiplier: number): number {
  return multiplier ? Math.ceil(multiplier * repeats) : repeats;
}

export interface X3dStemOptions {
  inChannels: number; outChannels: number; convKernelSize?: Triple; convStride?: Triple; convPadding?: Triple;
  norm?: NormFactory | null; normEps?: number; normMomentum?: number; activation?: ActivationFactory | null;
}

/** create_x3d_stem: a 1xkxk spatial conv, then a kx1x1 depthwise temporal conv, norm, activation. */
export function createX3dStem(o: X3dStemOptions): ResNetBasicStem {
  const { inChannels, outChannels, convKernelSize = [5, 3, 3], convStride = [1, 2, 2], convPadding = [2, 1, 1],
    norm = BatchNorm3d, normEps = 1e-5, normMomentum = 0.1, activation = ReLU } = injected(o);
  const convXy = new nn.Conv3d(inChannels, outChannels, [1, convKernelSize[1], convKernelSize[2]], {
    stride: [1, convStride[1], convStride[2]], padding: [0, convPadding[1], convPadding[2]], bias: false,
  });
  const convT = new nn.Conv3d(outChannels, outChannels, [convKernelSize[0], 1, 1], {
    stride: [convStride[0], 1, 1], padding: [convPadding[0], 0, 0], bias: false, groups: outChannels,
  });
  return new ResNetBasicStem({
    conv: new Conv2plus1d({ convT: convXy, convXy: convT }),
    norm: norm ? norm({ numFeatures: outChannels, eps: normEps, momentum: normMomentum }) : null,
    activation: activation ? activation() : null,
  });
}

export interface X3dBottleneckOptions {
  dimIn: number; dimInner: number; dimOut: number; convKernelSize?: Triple; convStride?: Triple;
  norm?: NormFactory | null; normEps?: number; normMomentum?: number; seRatio?: number;
  activation?: ActivationFactory | null; innerAct?: ActivationFactory | null;
}

/** create_x3d_bottleneck_block: 1x1x1 -> depthwise kxkxk (+ SE) -> Swish -> 1x1x1. */
export function createX3dBottleneckBlock(o: X3dBottleneckOptions): BottleneckBlock {
  const { dimIn, dimInner, dimOut, convKernelSize = [3, 3, 3], convStride = [1, 2, 2], norm = BatchNorm3d,
    normEps = 1e-5, normMomentum = 0.1, seRatio = 0.0625, activation = ReLU, innerAct = swish } = injected(o);
  const n = (c: number) => (norm ? norm({ numFeatures: c, eps: normEps, momentum: normMomentum }) : null);
  const se = seRatio > 0 ? new SqueezeExcitation(dimInner, { numChannelsReduced: roundWidth(dimInner, seRatio), is3d: true }) : new nn.Identity();
  return new BottleneckBlock({
    convA: new nn.Conv3d(dimIn, dimInner, [1, 1, 1], { bias: false }),
    normA: n(dimInner),
    actA: activation ? activation() : null,
    convB: new nn.Conv3d(dimInner, dimInner, convKernelSize, { stride: convStride, padding: halfPad(convKernelSize), bias: false, groups: dimInner }),
    normB: new nn.Sequential(n(dimInner) ?? new nn.Identity(), se),
    actB: innerAct ? innerAct() : null,
    convC: new nn.Conv3d(dimInner, dimOut, [1, 1, 1], { bias: false }),
    normC: n(dimOut),
  });
}

export interface X3dResBlockOptions extends X3dBottleneckOptions {
  bottleneck?: (o: X3dBottleneckOptions) => Module;
  useShortcut?: boolean;
}

/** create_x3d_res_block. */
export function createX3dResBlock(o: X3dResBlockOptions): ResBlock {
  const { dimIn, dimOut, bottleneck = createX3dBottleneckBlock, useShortcut = true, convStride = [1, 2, 2], norm = BatchNorm3d, activation = ReLU } = injected(o);
  const strided = convStride.some((s) => s > 1);
  return new ResBlock({
    branch1Conv: (dimIn !== dimOut || strided) && useShortcut ? new nn.Conv3d(dimIn, dimOut, [1, 1, 1], { stride: convStride, bias: false }) : null,
    branch1Norm: norm && dimIn !== dimOut && useShortcut ? norm({ numFeatures: dimOut }) : null,
    branch2: bottleneck({ ...o, convStride, norm, activation }),
    activation: activation ? activation() : null,
  });
}

export interface X3dResStageOptions extends X3dResBlockOptions { depth: number }

/** create_x3d_res_stage: SE on every other block (the 1st, 3rd, ...). */
export function createX3dResStage(o: X3dResStageOptions): ResStage {
  const { depth, dimIn, dimOut, convStride = [1, 2, 2], seRatio = 0.0625 } = injected(o);
  const blocks: Module[] = [];
  for (let i = 0; i < depth; i++) {
    blocks.push(createX3dResBlock({
      ...o, dimIn: i === 0 ? dimIn : dimOut, convStride: i === 0 ? convStride : [1, 1, 1], seRatio: (i + 1) % 2 ? seRatio : 0,
    }));
  }
  return new ResStage({ resBlocks: blocks });
}

/** pre_conv -> pre_norm -> pre_act -> pool -> post_conv -> post_norm -> post_act. */
export class ProjectedPool extends nn.Module {
  static readonly keys = ['pre_conv', 'pre_norm', 'pre_act', 'pool', 'post_conv', 'post_norm', 'post_act'];
  constructor(layers: Partial<Record<'preConv' | 'preNorm' | 'preAct' | 'pool' | 'postConv' | 'postNorm' | 'postAct', Module | null>>) {
    super();
    for (const k of ProjectedPool.keys) this.registerModule(k, layers[k.replace(/_(\w)/, (_, c) => c.toUpperCase()) as 'preConv'] ?? null);
  }
  override forward(x: Tensor): Tensor {
    for (const k of ProjectedPool.keys) x = maybe(this.getAttr(k) as Module | null, x);
    return x;
  }
}

export interface X3dHeadOptions {
  dimIn: number; dimInner: number; dimOut: number; numClasses: number; poolAct?: ActivationFactory | null;
  poolKernelSize?: Triple | null; norm?: NormFactory; normEps?: number; normMomentum?: number; bnLin5On?: boolean;
  dropoutRate?: number; activation?: ActivationFactory | null; outputWithGlobalAverage?: boolean;
}

/** create_x3d_head: ProjectedPool (1x1x1 conv, BN, ReLU, avg pool, 1x1x1 conv, ReLU), then a linear head. */
export function createX3dHead(o: X3dHeadOptions): ResNetBasicHead {
  const { dimIn, dimInner, dimOut, numClasses, poolAct = ReLU, poolKernelSize = [13, 5, 5], norm = BatchNorm3d,
    normEps = 1e-5, normMomentum = 0.1, bnLin5On = false, dropoutRate = 0.5, activation = Softmax, outputWithGlobalAverage = true } = injected(o);
  const pool = new ProjectedPool({
    preConv: new nn.Conv3d(dimIn, dimInner, [1, 1, 1], { bias: false }),
    preNorm: norm({ numFeatures: dimInner, eps: normEps, momentum: normMomentum }),
    preAct: poolAct ? poolAct() : null,
    pool: poolKernelSize ? new nn.AvgPool3d(poolKernelSize, { stride: 1 }) : new nn.AdaptiveAvgPool3d([1, 1, 1]),
    postConv: new nn.Conv3d(dimInner, dimOut, [1, 1, 1], { bias: false }),
    postNorm: bnLin5On ? norm({ numFeatures: dimOut, eps: normEps, momentum: normMomentum }) : null,
    postAct: poolAct ? poolAct() : null,
  });
  return new ResNetBasicHead({
    proj: new nn.Linear(dimOut, numClasses),
    activation: activation === Softmax ? new nn.Softmax(1) : activation ? activation() : null,
    pool,
    dropout: dropoutRate > 0 ? new nn.Dropout(dropoutRate) : null,
    outputPool: outputWithGlobalAverage ? new nn.AdaptiveAvgPool3d(1) : null,
  });
}

export interface X3dOptions {
  inputChannel?: number; inputClipLength?: number; inputCropSize?: number; modelNumClass?: number; dropoutRate?: number;
  widthFactor?: number; depthFactor?: number; norm?: NormFactory; normEps?: number; normMomentum?: number;
  activation?: ActivationFactory | null; stemDimIn?: number; stemConvKernelSize?: Triple; stemConvStride?: Triple;
  stageConvKernelSize?: Triple[]; stageSpatialStride?: number[]; stageTemporalStride?: number[];
  bottleneck?: (o: X3dBottleneckOptions) => Module; bottleneckFactor?: number; seRatio?: number;
  innerAct?: ActivationFactory | null; headDimOut?: number; headPoolAct?: ActivationFactory | null; headBnLin5On?: boolean;
  headActivation?: ActivationFactory | null; headOutputWithGlobalAverage?: boolean;
}

/** create_x3d with PyTorchVideo's defaults (X3D-XS: inputClipLength 4, inputCropSize 160). */
export function createX3d(o: X3dOptions = {}): Net {
  const { inputChannel = 3, inputClipLength = 13, inputCropSize = 160, modelNumClass = 400, dropoutRate = 0.5,
    widthFactor = 2.0, depthFactor = 2.2, norm = BatchNorm3d, normEps = 1e-5, normMomentum = 0.1, activation = ReLU,
    stemDimIn = 12, stemConvKernelSize = [5, 3, 3], stemConvStride = [1, 2, 2],
    stageConvKernelSize = [[3, 3, 3], [3, 3, 3], [3, 3, 3], [3, 3, 3]], stageSpatialStride = [2, 2, 2, 2],
    stageTemporalStride = [1, 1, 1, 1], bottleneck = createX3dBottleneckBlock, bottleneckFactor = 2.25, seRatio = 0.0625,
    innerAct = swish, headDimOut = 2048, headPoolAct = ReLU, headBnLin5On = false, headActivation = Softmax,
    headOutputWithGlobalAverage = true } = injected(o);
  const stemDimOut = roundWidth(stemDimIn, widthFactor);
  const blocks: Module[] = [createX3dStem({
    inChannels: inputChannel, outChannels: stemDimOut, convKernelSize: stemConvKernelSize, convStride: stemConvStride,
    convPadding: halfPad(stemConvKernelSize), norm, normEps, normMomentum, activation,
  })];
  const depths = [1, 2, 5, 3];
  const dims = [stemDimIn];
  for (let i = 1; i < 4; i++) dims.push(roundWidth(dims[i - 1], 2.0, 8, 8));
  let dimIn = stemDimOut, dimOut = 0, dimInner = 0;
  for (let i = 0; i < depths.length; i++) {
    dimOut = roundWidth(dims[i], widthFactor);
    dimInner = Math.trunc(bottleneckFactor * dimOut);
    blocks.push(createX3dResStage({
      depth: roundRepeats(depths[i], depthFactor), dimIn, dimInner, dimOut, bottleneck, convKernelSize: stageConvKernelSize[i],
      convStride: [stageTemporalStride[i], stageSpatialStride[i], stageSpatialStride[i]], norm, normEps, normMomentum, seRatio,
      activation, innerAct,
    }));
    dimIn = dimOut;
  }
  const spatialStride = stemConvStride[1] * stageSpatialStride.reduce((p, s) => p * s, 1);
  const temporalStride = stemConvStride[0] * stageTemporalStride.reduce((p, s) => p * s, 1);
  if (inputClipLength < temporalStride || inputCropSize < spatialStride) {
    throw new ArgumentError(`createX3d: input ${inputClipLength}x${inputCropSize}² is smaller than the total stride ${temporalStride}x${spatialStride}²`);
  }
  blocks.push(createX3dHead({
    dimIn: dimOut, dimInner, dimOut: headDimOut, numClasses: modelNumClass, poolAct: headPoolAct,
    poolKernelSize: [Math.floor(inputClipLength / temporalStride), Math.ceil(inputCropSize / spatialStride), Math.ceil(inputCropSize / spatialStride)],
    norm, normEps, normMomentum, bnLin5On: headBnLin5On, dropoutRate, activation: headActivation, outputWithGlobalAverage: headOutputWithGlobalAverage,
  }));
  return new Net({ blocks });
}
