// pytorchvideo.models.resnet: bottleneck blocks, residual blocks and stages, and create_resnet
// (C2D / I3D / Slow are create_resnet with different kernel arguments).
import { nn, ops, ArgumentError, type Tensor } from '../runtime/index.js';
import { injected,
  Conv3d, BatchNorm3d, ReLU, Sigmoid, MaxPool3d, AvgPool3d, maybe, halfPad,
  type ConvFactory, type NormFactory, type ActivationFactory, type PoolFactory,
} from './factories.js';
import { createResBasicStem, type ResBasicStemOptions } from './stem.js';
import { createResBasicHead, createResRoiPoolingHead, type ResBasicHeadOptions, type ResRoiPoolingHeadOptions } from './head.js';
import { Net, DetectionBBoxNetwork } from './net.js';

type Module = InstanceType<typeof nn.Module>;
type Triple = number[];

/** conv_a -> norm_a -> act_a -> conv_b -> norm_b -> act_b -> conv_c -> norm_c (absent layers skipped). */
export class BottleneckBlock extends nn.Module {
  constructor(layers: Partial<Record<'convA' | 'normA' | 'actA' | 'convB' | 'normB' | 'actB' | 'convC' | 'normC', Module | null>>) {
    super();
    for (const k of ['convA', 'normA', 'actA', 'convB', 'normB', 'actB', 'convC', 'normC'] as const) {
      this.registerModule(snake(k), layers[k] ?? null);
    }
  }
  override forward(x: Tensor): Tensor {
    for (const k of ['conv_a', 'norm_a', 'act_a', 'conv_b', 'norm_b', 'act_b', 'conv_c', 'norm_c']) {
      x = maybe(this.getAttr(k) as Module | null, x);
    }
    return x;
  }
}

/** camelCase option name -> PyTorchVideo attribute name (convA -> conv_a). */
export function snake(k: string): string {
  return k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Residual block: activation(branch1(x) + branch2(x)), branch1 a projection or the identity. */
export class ResBlock extends nn.Module {
  readonly branch1Conv: Module | null;
  readonly branch1Norm: Module | null;
  readonly branch2: Module | null;
  readonly activation: Module | null;
  readonly branchFusion: (a: Tensor, b: Tensor) => Tensor;
  constructor({ branch1Conv = null, branch1Norm = null, branch2 = null, activation = null, branchFusion = ops.add }:
    { branch1Conv?: Module | null; branch1Norm?: Module | null; branch2?: Module | null; activation?: Module | null; branchFusion?: (a: Tensor, b: Tensor) => Tensor }) {
    super();
    this.branch1Conv = this.registerModule('branch1_conv', branch1Conv);
    this.branch1Norm = this.registerModule('branch1_norm', branch1Norm);
    this.branch2 = this.registerModule('branch2', branch2);
    this.activation = this.registerModule('activation', activation);
    this.branchFusion = branchFusion;
  }
  override forward(x: Tensor): Tensor {
    const b2 = maybe(this.branch2, x);
    const shortcut = this.branch1Conv ? maybe(this.branch1Norm, this.branch1Conv.forward(x)) : x;
    return maybe(this.activation, this.branchFusion(shortcut, b2));
  }
}

/** A list of residual blocks (keys res_blocks.0, ...). */
export class ResStage extends nn.Module {
  readonly resBlocks: InstanceType<typeof nn.ModuleList>;
  constructor({ resBlocks }: { resBlocks: Module[] }) {
    super();
    this.resBlocks = this.registerModule('res_blocks', new nn.ModuleList(resBlocks));
  }
  override forward(x: Tensor): Tensor {
    for (const b of this.resBlocks) x = b.forward(x);
    return x;
  }
}

export interface BottleneckOptions {
  dimIn: number;
  dimInner: number;
  dimOut: number;
  convAKernelSize?: Triple;
  convAStride?: Triple;
  convAPadding?: Triple;
  convA?: ConvFactory;
  convBKernelSize?: Triple;
  convBStride?: Triple;
  convBPadding?: Triple;
  convBNumGroups?: number;
  convBDilation?: Triple;
  convB?: ConvFactory;
  convC?: ConvFactory;
  norm?: NormFactory | null;
  normEps?: number;
  normMomentum?: number;
  activation?: ActivationFactory | null;
}
export type BottleneckFactory = (o: BottleneckOptions) => Module;

/** create_bottleneck_block. */
export function createBottleneckBlock(o: BottleneckOptions): BottleneckBlock {
  const {
    dimIn, dimInner, dimOut, convAKernelSize = [3, 1, 1], convAStride = [2, 1, 1], convAPadding = [1, 0, 0], convA = Conv3d,
    convBKernelSize = [1, 3, 3], convBStride = [1, 2, 2], convBPadding = [0, 1, 1], convBNumGroups = 1, convBDilation = [1, 1, 1],
    convB = Conv3d, convC = Conv3d, norm = BatchNorm3d, normEps = 1e-5, normMomentum = 0.1, activation = ReLU,
  } = injected(o);
  const n = (c: number) => (norm ? norm({ numFeatures: c, eps: normEps, momentum: normMomentum }) : null);
  return new BottleneckBlock({
    convA: convA({ inChannels: dimIn, outChannels: dimInner, kernelSize: convAKernelSize, stride: convAStride, padding: convAPadding, bias: false }),
    normA: n(dimInner),
    actA: activation ? activation() : null,
    convB: convB({
      inChannels: dimInner, outChannels: dimInner, kernelSize: convBKernelSize, stride: convBStride, padding: convBPadding,
      bias: false, groups: convBNumGroups, dilation: convBDilation,
    }),
    normB: n(dimInner),
    actB: activation ? activation() : null,
    convC: convC({ inChannels: dimInner, outChannels: dimOut, kernelSize: [1, 1, 1], bias: false }),
    normC: n(dimOut),
  });
}

export interface ResBlockOptions extends Omit<BottleneckOptions, 'activation'> {
  bottleneck: BottleneckFactory;
  convSkip?: ConvFactory;
  activationBottleneck?: ActivationFactory | null;
  activationBlock?: ActivationFactory | null;
}

/** create_res_block: a bottleneck branch plus a 1x1x1 projection shortcut when shapes change. */
export function createResBlock(o: ResBlockOptions): ResBlock {
  const {
    dimIn, dimOut, bottleneck, convSkip = Conv3d, convAStride = [2, 1, 1], convBStride = [1, 2, 2],
    norm = BatchNorm3d, activationBottleneck = ReLU, activationBlock = ReLU,
  } = injected(o);
  const branch1Stride = convAStride.map((s, i) => s * convBStride[i]);
  const project = dimIn !== dimOut || branch1Stride.some((s) => s !== 1);
  const { convSkip: _s, activationBottleneck: _ab, activationBlock: _ak, bottleneck: _b, ...bOpts } = injected(o);
  return new ResBlock({
    branch1Conv: project ? convSkip({ inChannels: dimIn, outChannels: dimOut, kernelSize: [1, 1, 1], stride: branch1Stride, bias: false }) : null,
    // As in PyTorchVideo: the shortcut norm exists only when channels change, with default eps/momentum.
    branch1Norm: norm && dimIn !== dimOut ? norm({ numFeatures: dimOut }) : null,
    branch2: bottleneck({ ...bOpts, convAStride, convBStride, norm, activation: activationBottleneck }),
    activation: activationBlock ? activationBlock() : null,
  });
}

export interface ResStageOptions extends Omit<BottleneckOptions, 'convAKernelSize' | 'convAPadding'> {
  depth: number;
  bottleneck: BottleneckFactory;
  /** One kernel for every block, or a list repeated over the blocks. */
  convAKernelSize?: Triple | Triple[];
  convAPadding?: Triple | Triple[];
}

/** create_res_stage: `depth` residual blocks; only the first one strides or changes width. */
export function createResStage(o: ResStageOptions): ResStage {
  const { depth, dimIn, dimOut, convAKernelSize = [3, 1, 1], convAPadding = [1, 0, 0], convAStride = [2, 1, 1], convBStride = [1, 2, 2], activation = ReLU, ...rest } = injected(o);
  const listOf = (v: Triple | Triple[]): Triple[] => (typeof v[0] === 'number' ? [v as Triple] : (v as Triple[]));
  const repeat = (l: Triple[]) => Array.from({ length: depth }, (_, i) => l[i % l.length]);
  const kernels = repeat(listOf(convAKernelSize)), pads = repeat(listOf(convAPadding));
  const blocks: Module[] = [];
  for (let i = 0; i < depth; i++) {
    blocks.push(createResBlock({
      ...rest,
      dimIn: i === 0 ? dimIn : dimOut,
      dimOut,
      convAKernelSize: kernels[i],
      convAStride: i === 0 ? convAStride : [1, 1, 1],
      convAPadding: pads[i],
      convBStride: i === 0 ? convBStride : [1, 1, 1],
      activationBottleneck: activation,
      activationBlock: activation,
    }));
  }
  return new ResStage({ resBlocks: blocks });
}

export const MODEL_STAGE_DEPTH: Record<number, number[]> = { 18: [2, 2, 2, 2], 50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3] };

export interface ResnetOptions {
  inputChannel?: number;
  modelDepth?: number;
  modelNumClass?: number;
  dropoutRate?: number;
  norm?: NormFactory | null;
  activation?: ActivationFactory | null;
  stemDimOut?: number;
  stemConvKernelSize?: Triple;
  stemConvStride?: Triple;
  stemPool?: PoolFactory | null;
  stemPoolKernelSize?: Triple;
  stemPoolStride?: Triple;
  stem?: (o: ResBasicStemOptions) => Module;
  stage1Pool?: PoolFactory | null;
  stage1PoolKernelSize?: Triple;
  stageConvAKernelSize?: (Triple | Triple[])[];
  stageConvBKernelSize?: Triple[];
  stageConvBNumGroups?: number[];
  stageConvBDilation?: Triple[];
  stageSpatialHStride?: number[];
  stageSpatialWStride?: number[];
  stageTemporalStride?: number[];
  bottleneck?: BottleneckFactory | BottleneckFactory[];
  head?: ((o: ResBasicHeadOptions) => Module) | null;
  headPool?: PoolFactory | null;
  headPoolKernelSize?: Triple;
  headOutputSize?: Triple;
  headActivation?: ActivationFactory | null;
  headOutputWithGlobalAverage?: boolean;
}

/** The stem and stages of create_resnet (shared with the detection and acoustic variants). */
export function createResnetBlocks(o: ResnetOptions): { blocks: Module[]; dimOut: number } {
  const {
    inputChannel = 3, modelDepth = 50, norm = BatchNorm3d, activation = ReLU, stemDimOut = 64,
    stemConvKernelSize = [3, 7, 7], stemConvStride = [1, 2, 2], stemPool = MaxPool3d, stemPoolKernelSize = [1, 3, 3],
    stemPoolStride = [1, 2, 2], stem = createResBasicStem, stage1Pool = null, stage1PoolKernelSize = [2, 1, 1],
    stageConvAKernelSize = [[1, 1, 1], [1, 1, 1], [3, 1, 1], [3, 1, 1]],
    stageConvBKernelSize = [[1, 3, 3], [1, 3, 3], [1, 3, 3], [1, 3, 3]], stageConvBNumGroups = [1, 1, 1, 1],
    stageConvBDilation = [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]], stageSpatialHStride = [1, 2, 2, 2],
    stageSpatialWStride = [1, 2, 2, 2], stageTemporalStride = [1, 1, 1, 1], bottleneck = createBottleneckBlock,
  } = injected(o);
  const depths = MODEL_STAGE_DEPTH[modelDepth];
  if (!depths) throw new ArgumentError(`createResnet: modelDepth must be one of ${Object.keys(MODEL_STAGE_DEPTH).join(', ')}, got ${modelDepth}`);
  const blocks: Module[] = [stem({
    inChannels: inputChannel, outChannels: stemDimOut, convKernelSize: stemConvKernelSize, convStride: stemConvStride,
    convPadding: halfPad(stemConvKernelSize), pool: stemPool, poolKernelSize: stemPoolKernelSize, poolStride: stemPoolStride,
    poolPadding: halfPad(stemPoolKernelSize), norm, activation,
  })];
  let dimIn = stemDimOut, dimOut = stemDimOut * 4;
  for (let i = 0; i < depths.length; i++) {
    const aKernel = stageConvAKernelSize[i];
    const aPad = typeof aKernel[0] === 'number' ? halfPad(aKernel as Triple) : (aKernel as Triple[]).map(halfPad);
    blocks.push(createResStage({
      depth: depths[i], dimIn, dimInner: dimOut / 4, dimOut,
      bottleneck: Array.isArray(bottleneck) ? bottleneck[i] : bottleneck,
      convAKernelSize: aKernel, convAStride: [stageTemporalStride[i], 1, 1], convAPadding: aPad,
      convBKernelSize: stageConvBKernelSize[i], convBStride: [1, stageSpatialHStride[i], stageSpatialWStride[i]],
      convBPadding: convBPadding(stageConvBKernelSize[i], stageConvBDilation[i]), convBNumGroups: stageConvBNumGroups[i], convBDilation: stageConvBDilation[i],
      norm, activation,
    }));
    dimIn = dimOut;
    dimOut *= 2;
    if (i === 0 && stage1Pool) blocks.push(stage1Pool({ kernelSize: stage1PoolKernelSize, stride: stage1PoolKernelSize, padding: [0, 0, 0] }));
  }
  return { blocks, dimOut: dimIn };
}

/** create_resnet's conv_b padding: a dilated spatial axis pads by its dilation (keeps the size), others by kernel // 2. */
export function convBPadding(kernel: readonly number[], dilation: readonly number[]): number[] {
  return [Math.floor(kernel[0] / 2), ...[1, 2].map((i) => (dilation[i] > 1 ? dilation[i] : Math.floor(kernel[i] / 2)))];
}

/** create_resnet: C2D, I3D and Slow ResNets for video classification. */
export function createResnet(o: ResnetOptions = {}): Net {
  const {
    modelNumClass = 400, dropoutRate = 0.5, head = createResBasicHead, headPool = AvgPool3d, headPoolKernelSize = [4, 7, 7],
    headOutputSize = [1, 1, 1], headActivation = null, headOutputWithGlobalAverage = true,
  } = injected(o);
  const { blocks, dimOut } = createResnetBlocks(o);
  if (head) {
    blocks.push(head({
      inFeatures: dimOut, outFeatures: modelNumClass, pool: headPool, outputSize: headOutputSize,
      poolKernelSize: headPoolKernelSize, dropoutRate, activation: headActivation, outputWithGlobalAverage: headOutputWithGlobalAverage,
    }));
  }
  return new Net({ blocks });
}

export interface ResnetWithRoiHeadOptions extends Omit<ResnetOptions, 'head'> {
  head?: (o: ResRoiPoolingHeadOptions) => Module;
  headSpatialResolution?: number[];
  headSpatialScale?: number;
  headSamplingRatio?: number;
}

/**
 * create_resnet_with_roi_head: a ResNet backbone (no head) and an RoI pooling head over boxes
 * [K, 5]. Defaults are the AVA detection ones: 2D stem, last stage dilated (1, 2, 2) with stride
 * 1 (features at 1/16 of the input), sigmoid outputs per box.
 */
export function createResnetWithRoiHead(o: ResnetWithRoiHeadOptions = {}): DetectionBBoxNetwork {
  const {
    modelDepth = 50, modelNumClass = 80, dropoutRate = 0.5, stemDimOut = 64, head = createResRoiPoolingHead, headPool = AvgPool3d,
    headPoolKernelSize = [4, 1, 1], headOutputSize = [1, 1, 1], headActivation = Sigmoid, headOutputWithGlobalAverage = false,
    headSpatialResolution = [7, 7], headSpatialScale = 1 / 16, headSamplingRatio = 0,
  } = injected(o);
  const model = createResnet({
    stemConvKernelSize: [1, 7, 7],
    stageConvBDilation: [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 2, 2]],
    stageSpatialHStride: [1, 2, 2, 1],
    stageSpatialWStride: [1, 2, 2, 1],
    ...o,
    modelDepth, modelNumClass, dropoutRate, stemDimOut,
    head: null,
  });
  const stages = MODEL_STAGE_DEPTH[modelDepth].length;
  return new DetectionBBoxNetwork(model, head({
    inFeatures: stemDimOut * 2 ** (stages + 1), outFeatures: modelNumClass, pool: headPool, outputSize: headOutputSize,
    poolKernelSize: headPoolKernelSize, dropoutRate, activation: headActivation, outputWithGlobalAverage: headOutputWithGlobalAverage,
    resolution: headSpatialResolution, spatialScale: headSpatialScale, samplingRatio: headSamplingRatio,
  }));
}
