// pytorchvideo.models.slowfast: the SlowFast network (a slow pathway at a low frame rate and a
// light fast pathway at a high one, fused fast -> slow after the stem and every stage), its
// detection variant with an RoI head, and the blocks it needs (FuseFastToSlow, PoolConcatPathway).
// Input is a list [slow, fast] (one tensor per pathway), as in PyTorchVideo.
import { nn, ops, Tensor, ArgumentError, ShapeError, fmtShape } from '../runtime/index.js';
import { injected,
  Conv3d, BatchNorm3d, ReLU, Sigmoid, MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, halfPad, maybe,
  type NormFactory, type ActivationFactory, type PoolFactory,
} from './factories.js';
import { createResBasicStem, type ResBasicStemOptions } from './stem.js';
import { createResBasicHead, createResRoiPoolingHead, type ResBasicHeadOptions, type ResRoiPoolingHeadOptions } from './head.js';
import { createBottleneckBlock, createResStage, convBPadding, type BottleneckFactory } from './resnet.js';
import { Net, MultiPathWayWithFuse, DetectionBBoxNetwork } from './net.js';

type Module = InstanceType<typeof nn.Module>;
type Triple = number[];

/** SlowFast's own stage depths (18 is one block per stage here, unlike create_resnet). */
export const SLOWFAST_STAGE_DEPTH: Record<number, number[]> = { 18: [1, 1, 1, 1], 50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3] };

function describe(x: unknown): string {
  return x instanceof Tensor ? fmtShape(x.shape) : Array.isArray(x) ? `a list of ${x.length}` : typeof x;
}

/** Pathway list check shared by the multi-pathway blocks: names the module and what it got. */
export function expectPathways(module: string, xs: unknown, n: number): Tensor[] {
  if (!Array.isArray(xs) || xs.length !== n || !xs.every((x) => x instanceof Tensor)) {
    const got = Array.isArray(xs) ? `[${xs.map(describe).join(', ')}]` : describe(xs);
    throw new ArgumentError(`${module}: expected a list of ${n} pathway tensors ([slow, fast]), got ${got}`);
  }
  return xs as Tensor[];
}

/**
 * Fast -> slow lateral connection: conv (temporal stride alpha) -> norm -> activation on the fast
 * features, concatenated to the slow features on channels. Returns [slow + fused, fast].
 */
export class FuseFastToSlow extends nn.Module {
  readonly convFastToSlow: Module;
  readonly norm: Module | null;
  readonly activation: Module | null;
  constructor({ convFastToSlow, norm = null, activation = null }: { convFastToSlow: Module; norm?: Module | null; activation?: Module | null }) {
    super();
    this.convFastToSlow = this.registerModule('conv_fast_to_slow', convFastToSlow);
    this.norm = this.registerModule('norm', norm);
    this.activation = this.registerModule('activation', activation);
  }
  override forward(xs: Tensor[]): Tensor[] {
    const [slow, fast] = expectPathways('FuseFastToSlow', xs, 2);
    const fuse = maybe(this.activation, maybe(this.norm, this.convFastToSlow.forward(fast)));
    if (fuse.rank !== slow.rank || fuse.shape[0] !== slow.shape[0] || fuse.shape.slice(2).some((d, i) => d !== slow.shape[i + 2])) {
      throw new ShapeError(`FuseFastToSlow: fused fast features ${fmtShape(fuse.shape)} (from fast ${fmtShape(fast.shape)}) do not match slow ${fmtShape(slow.shape)} outside channels; the fast clip must have alpha x the slow frames`);
    }
    return [ops.cat([slow, fuse], 1), fast];
  }
}

/** Optional per-pathway pool, then concatenation on channels (absent pathways are skipped). */
export class PoolConcatPathway extends nn.Module {
  readonly retainList: boolean;
  readonly pool: InstanceType<typeof nn.ModuleList> | null;
  readonly dim: number;
  constructor({ retainList = false, pool = null, dim = 1 }: { retainList?: boolean; pool?: (Module | null)[] | null; dim?: number } = {}) {
    super();
    this.retainList = retainList;
    this.pool = this.registerModule('pool', pool ? new nn.ModuleList(pool.map((p) => p ?? new nn.Identity())) : null);
    this.dim = dim;
  }
  override forward(xs: (Tensor | null)[]): Tensor | Tensor[] {
    if (!Array.isArray(xs)) throw new ArgumentError(`PoolConcatPathway: expected a list of pathway tensors, got ${describe(xs)}`);
    if (this.pool && xs.length !== this.pool.length) {
      throw new ArgumentError(`PoolConcatPathway: ${this.pool.length} pools but ${xs.length} pathways [${xs.map(describe).join(', ')}]`);
    }
    const out: Tensor[] = [];
    xs.forEach((x, i) => {
      if (x == null) return;
      out.push(this.pool ? (this.pool.get(i).forward(x) as Tensor) : x);
    });
    const y = ops.cat(out, this.dim);
    return this.retainList ? [y] : y;
  }
}

export type FusionBuilder = (a: { fusionDimIn: number; stageIdx: number }) => Module;

export interface FastToSlowFusionOptions {
  slowfastChannelReductionRatio: number;
  convFusionChannelRatio: number;
  convKernelSize: Triple;
  convStride: Triple;
  norm?: NormFactory | null;
  normEps?: number;
  normMomentum?: number;
  activation?: ActivationFactory | null;
  maxStageIdx?: number;
}

/** FastToSlowFusionBuilder.create_module as a fusion builder: FuseFastToSlow up to maxStageIdx, then identity. */
export function fastToSlowFusionBuilder(o: FastToSlowFusionOptions): FusionBuilder {
  const { slowfastChannelReductionRatio: ratio, convFusionChannelRatio, convKernelSize, convStride, norm = BatchNorm3d, normEps = 1e-5, normMomentum = 0.1, activation = ReLU, maxStageIdx = 3 } = injected(o);
  return ({ fusionDimIn, stageIdx }) => {
    if (stageIdx > maxStageIdx) return new nn.Identity();
    const dimIn = Math.floor(fusionDimIn / ratio);
    const dimOut = Math.trunc(dimIn * convFusionChannelRatio);
    return new FuseFastToSlow({
      convFastToSlow: Conv3d({ inChannels: dimIn, outChannels: dimOut, kernelSize: convKernelSize, stride: convStride, padding: halfPad(convKernelSize), bias: false }),
      norm: norm ? norm({ numFeatures: dimOut, eps: normEps, momentum: normMomentum }) : null,
      activation: activation ? activation() : null,
    });
  };
}

export interface SlowfastOptions {
  slowfastChannelReductionRatio?: number | number[];
  slowfastConvChannelFusionRatio?: number;
  slowfastFusionConvKernelSize?: Triple;
  slowfastFusionConvStride?: Triple;
  fusionBuilder?: FusionBuilder | null;
  inputChannels?: number[];
  modelDepth?: number;
  modelNumClass?: number;
  dropoutRate?: number;
  norm?: NormFactory | null;
  activation?: ActivationFactory | null;
  stemFunction?: ((o: ResBasicStemOptions) => Module)[];
  stemDimOuts?: number[];
  stemConvKernelSizes?: Triple[];
  stemConvStrides?: Triple[];
  stemPool?: PoolFactory | null | (PoolFactory | null)[];
  stemPoolKernelSizes?: Triple[];
  stemPoolStrides?: Triple[];
  stageConvAKernelSizes?: (Triple | Triple[])[][];
  stageConvBKernelSizes?: Triple[][];
  stageConvBNumGroups?: number[][];
  stageConvBDilations?: Triple[][];
  stageSpatialStrides?: number[][];
  stageTemporalStrides?: number[][];
  bottleneck?: BottleneckFactory | BottleneckFactory[][];
  head?: ((o: ResBasicHeadOptions) => Module) | null;
  headPool?: PoolFactory | null;
  headPoolKernelSizes?: Triple[];
  headOutputSize?: Triple | Triple[];
  headActivation?: ActivationFactory | null;
  headOutputWithGlobalAverage?: boolean;
}

const ratios = (r: number | number[]): number[] => (typeof r === 'number' ? [r] : r);

/** create_slowfast: SlowFast for video classification, with PyTorchVideo's defaults (SlowFast-R50 8x8). */
export function createSlowfast(o: SlowfastOptions = {}): Net {
  const {
    slowfastChannelReductionRatio = [8], slowfastConvChannelFusionRatio = 2, slowfastFusionConvKernelSize = [7, 1, 1],
    slowfastFusionConvStride = [4, 1, 1], inputChannels = [3, 3], modelDepth = 50, modelNumClass = 400,
    dropoutRate = 0.5, norm = BatchNorm3d, activation = ReLU, stemFunction = [createResBasicStem, createResBasicStem],
    stemDimOuts = [64, 8], stemConvKernelSizes = [[1, 7, 7], [5, 7, 7]], stemConvStrides = [[1, 2, 2], [1, 2, 2]],
    stemPool = [MaxPool3d, MaxPool3d], stemPoolKernelSizes = [[1, 3, 3], [1, 3, 3]], stemPoolStrides = [[1, 2, 2], [1, 2, 2]],
    stageConvAKernelSizes = [[[1, 1, 1], [1, 1, 1], [3, 1, 1], [3, 1, 1]], [[3, 1, 1], [3, 1, 1], [3, 1, 1], [3, 1, 1]]],
    stageConvBKernelSizes = [[[1, 3, 3], [1, 3, 3], [1, 3, 3], [1, 3, 3]], [[1, 3, 3], [1, 3, 3], [1, 3, 3], [1, 3, 3]]],
    stageConvBNumGroups = [[1, 1, 1, 1], [1, 1, 1, 1]],
    stageConvBDilations = [[[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]], [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]]],
    stageSpatialStrides = [[1, 2, 2, 2], [1, 2, 2, 2]], stageTemporalStrides = [[1, 1, 1, 1], [1, 1, 1, 1]],
    bottleneck = createBottleneckBlock, head = createResBasicHead, headPool = AvgPool3d,
    headPoolKernelSizes = [[8, 7, 7], [32, 7, 7]], headOutputSize = [1, 1, 1], headActivation = null,
    headOutputWithGlobalAverage = true,
  } = injected(o);
  const depths = SLOWFAST_STAGE_DEPTH[modelDepth];
  if (!depths) throw new ArgumentError(`createSlowfast: modelDepth must be one of ${Object.keys(SLOWFAST_STAGE_DEPTH).join(', ')}, got ${modelDepth}`);
  const nPath = inputChannels.length;
  const betas = ratios(slowfastChannelReductionRatio);
  if (betas.length !== nPath - 1) {
    throw new ArgumentError(`createSlowfast: ${nPath} pathways (inputChannels ${JSON.stringify(inputChannels)}) need ${nPath - 1} channel reduction ratio(s), got ${JSON.stringify(betas)}`);
  }
  const stemPools = Array.isArray(stemPool) ? stemPool : Array.from({ length: nPath }, () => stemPool);
  const bottlenecks = typeof bottleneck === 'function' ? Array.from({ length: nPath }, () => depths.map(() => bottleneck)) : bottleneck;
  const fusion = o.fusionBuilder ?? fastToSlowFusionBuilder({
    slowfastChannelReductionRatio: betas[0], convFusionChannelRatio: slowfastConvChannelFusionRatio,
    convKernelSize: slowfastFusionConvKernelSize, convStride: slowfastFusionConvStride, norm, activation, maxStageIdx: depths.length - 1,
  });

  const stems = Array.from({ length: nPath }, (_, p) => stemFunction[p]({
    inChannels: inputChannels[p], outChannels: stemDimOuts[p], convKernelSize: stemConvKernelSizes[p], convStride: stemConvStrides[p],
    convPadding: halfPad(stemConvKernelSizes[p]), pool: stemPools[p], poolKernelSize: stemPoolKernelSizes[p],
    poolStride: stemPoolStrides[p], poolPadding: halfPad(stemPoolKernelSizes[p]), norm, activation,
  }));
  const blocks: Module[] = [new MultiPathWayWithFuse({ multipathwayBlocks: stems, multipathwayFusion: fusion({ fusionDimIn: stemDimOuts[0], stageIdx: 0 }) })];

  let dimIn = stemDimOuts[0], dimOut = dimIn * 4;
  for (let idx = 0; idx < depths.length; idx++) {
    // The slow pathway also takes the fused fast channels; fast pathways are 1/beta as wide.
    const ins = [dimIn + Math.floor((dimIn * slowfastConvChannelFusionRatio) / betas[0]), ...betas.map((b) => Math.floor(dimIn / b))];
    const inners = [dimOut / 4, ...betas.map((b) => Math.floor(dimOut / 4 / b))];
    const outs = [dimOut, ...betas.map((b) => Math.floor(dimOut / b))];
    const stage = Array.from({ length: nPath }, (_, p) => {
      const aKernel = stageConvAKernelSizes[p][idx];
      const bKernel = stageConvBKernelSizes[p][idx];
      return createResStage({
        depth: depths[idx], dimIn: ins[p], dimInner: inners[p], dimOut: outs[p], bottleneck: bottlenecks[p][idx],
        convAKernelSize: aKernel, convAStride: [stageTemporalStrides[p][idx], 1, 1],
        convAPadding: typeof aKernel[0] === 'number' ? halfPad(aKernel as Triple) : (aKernel as Triple[]).map(halfPad),
        convBKernelSize: bKernel, convBStride: [1, stageSpatialStrides[p][idx], stageSpatialStrides[p][idx]],
        convBPadding: convBPadding(bKernel, stageConvBDilations[p][idx]), convBNumGroups: stageConvBNumGroups[p][idx],
        convBDilation: stageConvBDilations[p][idx], norm, activation,
      });
    });
    blocks.push(new MultiPathWayWithFuse({ multipathwayBlocks: stage, multipathwayFusion: fusion({ fusionDimIn: dimOut, stageIdx: idx + 1 }) }));
    dimIn = dimOut;
    dimOut *= 2;
  }

  let pools: Module[] | null = null;
  if (headPool === AdaptiveAvgPool3d) {
    // As PyTorchVideo: pathway p pools to headOutputSize[p] (an int of the default (1, 1, 1), or a triple).
    pools = Array.from({ length: nPath }, (_, p) => new nn.AdaptiveAvgPool3d(headOutputSize[p]));
  } else if (headPool === AvgPool3d) {
    pools = headPoolKernelSizes.slice(0, nPath).map((k) => new nn.AvgPool3d(k, { stride: [1, 1, 1], padding: [0, 0, 0] }));
  } else if (headPool) {
    throw new ArgumentError('createSlowfast: headPool must be AvgPool3d, AdaptiveAvgPool3d or null');
  }
  blocks.push(new PoolConcatPathway({ retainList: false, pool: pools }));
  const headIn = dimIn + betas.reduce((s, b) => s + Math.floor(dimIn / b), 0);
  if (head) {
    blocks.push(head({
      inFeatures: headIn, outFeatures: modelNumClass, pool: null, outputSize: headOutputSize as Triple, dropoutRate,
      activation: headActivation, outputWithGlobalAverage: headOutputWithGlobalAverage,
    }));
  }
  return new Net({ blocks });
}

export interface SlowfastWithRoiHeadOptions extends Omit<SlowfastOptions, 'head'> {
  head?: (o: ResRoiPoolingHeadOptions) => Module;
  headSpatialResolution?: number[];
  headSpatialScale?: number;
  headSamplingRatio?: number;
}

/**
 * create_slowfast_with_roi_head: SlowFast for detection (AVA). The backbone ends with the
 * per-pathway temporal pool and concatenation; the RoI head takes boxes [K, 5]. Defaults: last
 * stage dilated (1, 2, 2) with stride 1 (features at 1/16), sigmoid outputs per box.
 */
export function createSlowfastWithRoiHead(o: SlowfastWithRoiHeadOptions = {}): DetectionBBoxNetwork {
  const {
    modelDepth = 50, modelNumClass = 80, dropoutRate = 0.5, stemDimOuts = [64, 8], slowfastChannelReductionRatio = [8],
    head = createResRoiPoolingHead, headPool = AvgPool3d, headPoolKernelSizes = [[8, 1, 1], [32, 1, 1]],
    headOutputSize = [1, 1, 1], headActivation = Sigmoid, headOutputWithGlobalAverage = false,
    headSpatialResolution = [7, 7], headSpatialScale = 1 / 16, headSamplingRatio = 0,
  } = injected(o);
  const model = createSlowfast({
    stageConvBDilations: [[[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 2, 2]], [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 2, 2]]],
    stageSpatialStrides: [[1, 2, 2, 1], [1, 2, 2, 1]],
    ...o,
    modelDepth, modelNumClass, dropoutRate, stemDimOuts, slowfastChannelReductionRatio, headPool, headPoolKernelSizes, headOutputSize,
    head: null,
  });
  const depths = SLOWFAST_STAGE_DEPTH[modelDepth];
  const dim = stemDimOuts[0] * 2 ** (depths.length + 1);
  const headIn = dim + ratios(slowfastChannelReductionRatio).reduce((s, b) => s + Math.floor(dim / b), 0);
  return new DetectionBBoxNetwork(model, head({
    inFeatures: headIn, outFeatures: modelNumClass, pool: null, outputSize: headOutputSize as Triple, dropoutRate,
    activation: headActivation, outputWithGlobalAverage: headOutputWithGlobalAverage,
    resolution: headSpatialResolution, spatialScale: headSpatialScale, samplingRatio: headSamplingRatio,
  }));
}
