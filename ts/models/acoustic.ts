// pytorchvideo.models.resnet (acoustic part) and stem.create_acoustic_res_basic_stem: ResNets on
// log-mel spectrograms laid out as [N, 1, T, 1, F]. The stem sums a temporal kx1x1 and a
// frequency 1xkxk conv (ConvReduce3D); the acoustic bottleneck sums two separable conv_b branches.
import { nn, ops, ArgumentError, ShapeError, fmtShape, type Tensor } from '../runtime/index.js';
import { injected, Conv3d, BatchNorm3d, ReLU, MaxPool3d, AvgPool3d, maybe, type PoolFactory } from './factories.js';
import { ResNetBasicStem, type ResBasicStemOptions } from './stem.js';
import { createResBasicHead } from './head.js';
import { createBottleneckBlock, createResnetBlocks, type BottleneckOptions, type BottleneckFactory, type ResnetOptions } from './resnet.js';
import { Net } from './net.js';
import { ConvReduce3D } from './layers/convolutions.js';

type Module = InstanceType<typeof nn.Module>;
type Triple = number[];

/** create_acoustic_res_basic_stem: ConvReduce3D(temporal kx1x1 + spatial 1xkxk, summed) -> norm -> act -> pool. */
export function createAcousticResBasicStem(o: ResBasicStemOptions): ResNetBasicStem {
  const {
    inChannels, outChannels, convKernelSize = [3, 7, 7], convStride = [1, 1, 1], convPadding = [1, 3, 3], convBias = false,
    pool = MaxPool3d, poolKernelSize = [1, 3, 3], poolStride = [1, 2, 2], poolPadding = [0, 1, 1], norm = BatchNorm3d,
    normEps = 1e-5, normMomentum = 0.1, activation = ReLU,
  } = injected(o);
  return new ResNetBasicStem({
    conv: new ConvReduce3D({
      inChannels, outChannels,
      kernelSize: [[convKernelSize[0], 1, 1], [1, convKernelSize[1], convKernelSize[2]]],
      stride: [convStride, convStride],
      padding: [[convPadding[0], 0, 0], [0, convPadding[1], convPadding[2]]],
      bias: [convBias, convBias],
      reductionMethod: 'sum',
    }),
    norm: norm ? norm({ numFeatures: outChannels, eps: normEps, momentum: normMomentum }) : null,
    activation: activation ? activation() : null,
    pool: pool ? pool({ kernelSize: poolKernelSize, stride: poolStride, padding: poolPadding }) : null,
  });
}

/**
 * conv_a -> norm_a -> act_a -> [conv_b[i] -> norm_b[i] -> act_b[i]] summed (or concatenated) -> conv_c -> norm_c.
 * conv_b/norm_b/act_b are ModuleLists (keys conv_b.0, conv_b.1, ...); absent norms/activations are Identity.
 */
export class SeparableBottleneckBlock extends nn.Module {
  readonly reduceMethod: 'sum' | 'cat';
  constructor({ convA = null, normA = null, actA = null, convB, normB, actB, convC, normC = null, reduceMethod = 'sum' }: {
    convA?: Module | null; normA?: Module | null; actA?: Module | null; convB: Module[]; normB?: (Module | null)[]; actB?: (Module | null)[];
    convC: Module; normC?: Module | null; reduceMethod?: 'sum' | 'cat';
  }) {
    super();
    if (reduceMethod !== 'sum' && reduceMethod !== 'cat') {
      throw new ArgumentError(`SeparableBottleneckBlock: reduceMethod must be 'sum' or 'cat', got ${JSON.stringify(reduceMethod)}`);
    }
    this.reduceMethod = reduceMethod;
    const list = (ms: (Module | null)[] | undefined) => new nn.ModuleList(convB.map((_, i) => ms?.[i] ?? new nn.Identity()));
    this.registerModule('conv_a', convA);
    this.registerModule('norm_a', normA);
    this.registerModule('act_a', actA);
    this.registerModule('conv_b', new nn.ModuleList(convB));
    this.registerModule('norm_b', list(normB));
    this.registerModule('act_b', list(actB));
    this.registerModule('conv_c', convC);
    this.registerModule('norm_c', normC);
  }
  override forward(x: Tensor): Tensor {
    const get = (k: string) => this.getAttr(k) as Module | null;
    x = maybe(get('act_a'), maybe(get('norm_a'), maybe(get('conv_a'), x)));
    const convB = get('conv_b') as InstanceType<typeof nn.ModuleList>;
    const normB = get('norm_b') as InstanceType<typeof nn.ModuleList>;
    const actB = get('act_b') as InstanceType<typeof nn.ModuleList>;
    const outs = convB.map((c, i) => actB.get(i).forward(normB.get(i).forward(c.forward(x))) as Tensor);
    let y: Tensor;
    if (this.reduceMethod === 'cat') y = ops.cat(outs, 1);
    else {
      y = outs[0];
      for (let i = 1; i < outs.length; i++) {
        if (outs[i].shape.join() !== y.shape.join()) {
          throw new ShapeError(`SeparableBottleneckBlock: conv_b branches give different shapes ${fmtShape(outs[0].shape)} and ${fmtShape(outs[i].shape)} (input ${fmtShape(x.shape)})`);
        }
        y = ops.add(y, outs[i]);
      }
    }
    return maybe(get('norm_c'), (get('conv_c') as Module).forward(y));
  }
}

/**
 * create_acoustic_bottleneck_block: conv_a, then conv_b split into a 1xkhxkw (conv_b.0) and a
 * kt x1x1 (conv_b.1) branch, each with its norm and activation, summed, then conv_c.
 * Both branches take the whole conv_b stride, so their outputs line up.
 */
export function createAcousticBottleneckBlock(o: BottleneckOptions): SeparableBottleneckBlock {
  const {
    dimIn, dimInner, dimOut, convAKernelSize = [3, 1, 1], convAStride = [2, 1, 1], convAPadding = [1, 0, 0], convA = Conv3d,
    convBKernelSize = [1, 1, 1], convBStride = [1, 1, 1], convBPadding = [0, 0, 0], convBNumGroups = 1, convBDilation = [1, 1, 1],
    convB = Conv3d, convC = Conv3d, norm = BatchNorm3d, normEps = 1e-5, normMomentum = 0.1, activation = ReLU,
  } = injected(o);
  const n = (c: number) => (norm ? norm({ numFeatures: c, eps: normEps, momentum: normMomentum }) : null);
  const act = () => (activation ? activation() : null);
  const temporal = convB({
    inChannels: dimInner, outChannels: dimInner, kernelSize: [convBKernelSize[0], 1, 1], stride: convBStride,
    padding: [convBPadding[0], 0, 0], bias: false, groups: convBNumGroups, dilation: [convBDilation[0], 1, 1],
  });
  const normT = n(dimInner), actT = act();
  const spatial = convB({
    inChannels: dimInner, outChannels: dimInner, kernelSize: [1, convBKernelSize[1], convBKernelSize[2]], stride: convBStride,
    padding: [0, convBPadding[1], convBPadding[2]], bias: false, groups: convBNumGroups, dilation: [1, convBDilation[1], convBDilation[2]],
  });
  const normS = n(dimInner), actS = act();
  return new SeparableBottleneckBlock({
    convA: convA({ inChannels: dimIn, outChannels: dimInner, kernelSize: convAKernelSize, stride: convAStride, padding: convAPadding, bias: false }),
    normA: n(dimInner),
    actA: act(),
    // PyTorchVideo lists the spatial branch first.
    convB: [spatial, temporal],
    normB: [normS, normT],
    actB: [actS, actT],
    convC: convC({ inChannels: dimInner, outChannels: dimOut, kernelSize: [1, 1, 1], bias: false }),
    normC: n(dimOut),
  });
}

/**
 * create_acoustic_building_block: no conv_a; a kt x1x1 (conv_b.0) and a 1xkhxkw (conv_b.1) conv
 * straight from dimIn, each taking its own part of the conv_b stride, summed, then conv_c.
 * (The convA* options are accepted and ignored, as in PyTorchVideo.)
 */
export function createAcousticBuildingBlock(o: BottleneckOptions): SeparableBottleneckBlock {
  const {
    dimIn, dimInner, dimOut, convBKernelSize = [1, 1, 1], convBStride = [1, 1, 1], convBPadding = [0, 0, 0], convBNumGroups = 1,
    convBDilation = [1, 1, 1], convB = Conv3d, convC = Conv3d, norm = BatchNorm3d, normEps = 1e-5, normMomentum = 0.1, activation = ReLU,
  } = injected(o);
  const n = (c: number) => (norm ? norm({ numFeatures: c, eps: normEps, momentum: normMomentum }) : null);
  const act = () => (activation ? activation() : null);
  const temporal = convB({
    inChannels: dimIn, outChannels: dimInner, kernelSize: [convBKernelSize[0], 1, 1], stride: [convBStride[0], 1, 1],
    padding: [convBPadding[0], 0, 0], bias: false, groups: convBNumGroups, dilation: [convBDilation[0], 1, 1],
  });
  const normT = n(dimInner), actT = act();
  const spatial = convB({
    inChannels: dimIn, outChannels: dimInner, kernelSize: [1, convBKernelSize[1], convBKernelSize[2]], stride: [1, convBStride[1], convBStride[2]],
    padding: [0, convBPadding[1], convBPadding[2]], bias: false, groups: convBNumGroups, dilation: [1, convBDilation[1], convBDilation[2]],
  });
  const normS = n(dimInner), actS = act();
  return new SeparableBottleneckBlock({
    convB: [temporal, spatial],
    normB: [normT, normS],
    actB: [actT, actS],
    convC: convC({ inChannels: dimInner, outChannels: dimOut, kernelSize: [1, 1, 1], bias: false }),
    normC: n(dimOut),
  });
}

export interface AcousticResnetOptions extends Omit<ResnetOptions, 'stageConvAKernelSize' | 'stageConvBKernelSize' | 'stageConvBDilation' | 'headPool'> {
  /** One kernel for every stage, or one per stage. */
  stageConvAKernelSize?: Triple | (Triple | Triple[])[];
  stageConvBKernelSize?: Triple | Triple[];
  stageConvBDilation?: Triple | Triple[];
  headPool?: PoolFactory | null;
}

/**
 * create_acoustic_resnet with PyTorchVideo's documented defaults: input [N, 1, T, 1, F], acoustic
 * stem (9x1x9, stride 1x1x3, no pool), acoustic bottlenecks in stages 1-2, W-strided stages.
 * PyTorchVideo documents stage_conv_b_num_groups=(1, 1, 1) (one short for four stages); the
 * default here is [1, 1, 1, 1] and a shorter list repeats its last entry.
 */
export function createAcousticResnet(o: AcousticResnetOptions = {}): Net {
  const {
    inputChannel = 1, modelNumClass = 400, dropoutRate = 0.5, stemConvKernelSize = [9, 1, 9], stemConvStride = [1, 1, 3],
    stemPool = null, stemPoolKernelSize = [3, 1, 3], stemPoolStride = [2, 1, 2], stem = createAcousticResBasicStem,
    stage1Pool = null, stage1PoolKernelSize = [2, 1, 1], stageConvAKernelSize = [3, 1, 1], stageConvBKernelSize = [3, 1, 3],
    stageConvBNumGroups = [1, 1, 1, 1], stageConvBDilation = [1, 1, 1], stageSpatialHStride = [1, 1, 1, 1],
    stageSpatialWStride = [1, 2, 2, 2], stageTemporalStride = [1, 2, 2, 2],
    bottleneck = [createAcousticBottleneckBlock, createAcousticBottleneckBlock, createBottleneckBlock, createBottleneckBlock] as BottleneckFactory[],
    headPool = AvgPool3d, headPoolKernelSize = [4, 1, 2], headOutputSize = [1, 1, 1], headActivation = null,
    headOutputWithGlobalAverage = true,
  } = injected(o);
  const stages = 4;
  const perStage = <T>(v: Triple | T[]): T[] => (typeof v[0] === 'number' ? Array(stages).fill(v) : (v as T[]));
  const groups = Array.from({ length: stages }, (_, i) => stageConvBNumGroups[Math.min(i, stageConvBNumGroups.length - 1)]);
  const { blocks, dimOut } = createResnetBlocks({
    ...o, inputChannel, stemConvKernelSize, stemConvStride, stemPool, stemPoolKernelSize, stemPoolStride, stem, stage1Pool,
    stage1PoolKernelSize, stageConvAKernelSize: perStage<Triple | Triple[]>(stageConvAKernelSize as Triple | (Triple | Triple[])[]),
    stageConvBKernelSize: perStage<Triple>(stageConvBKernelSize), stageConvBNumGroups: groups,
    stageConvBDilation: perStage<Triple>(stageConvBDilation), stageSpatialHStride, stageSpatialWStride, stageTemporalStride, bottleneck,
  });
  blocks.push(createResBasicHead({
    inFeatures: dimOut, outFeatures: modelNumClass, pool: headPool, outputSize: headOutputSize, poolKernelSize: headPoolKernelSize,
    dropoutRate, activation: headActivation, outputWithGlobalAverage: headOutputWithGlobalAverage,
  }));
  return new Net({ blocks });
}
