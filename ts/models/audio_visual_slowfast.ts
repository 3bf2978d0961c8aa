// pytorchvideo.models.audio_visual_slowfast: AVSlowFast, a third (audio) pathway on log-mel
// spectrograms [N, 1, T, 1, F] next to SlowFast's slow and fast ones. After the stem and each
// stage the fast features are fused into the slow ones (conv -> concat, as in SlowFast) and the
// frequency-averaged audio features are added on top (two convs, temporal stride down to the
// slow frame rate). Input is a list [slow, fast, audio].
import { nn, ops, Tensor, ShapeError, fmtShape } from '../runtime/index.js';
import { injected, Conv3d, BatchNorm3d, ReLU, MaxPool3d, AvgPool3d, halfPad, type NormFactory, type ActivationFactory, type PoolFactory } from './factories.js';
import { createResBasicStem } from './stem.js';
import { createBottleneckBlock } from './resnet.js';
import { createAcousticResBasicStem, createAcousticBottleneckBlock } from './acoustic.js';
import { createSlowfast, expectPathways, type FusionBuilder, type SlowfastOptions } from './slowfast.js';
import type { Net } from './net.js';

type Module = InstanceType<typeof nn.Module>;
type Triple = number[];

/** [slow, fast, audio] -> [slow ++ fast->slow + audio->slow, fast, audio]. */
export class FuseAudioToFastSlow extends nn.Module {
  readonly blockFastToSlow: Module;
  readonly blockAudioToFastslow: Module;
  constructor({ blockFastToSlow, blockAudioToFastslow }: { blockFastToSlow: Module; blockAudioToFastslow: Module }) {
    super();
    this.blockFastToSlow = this.registerModule('block_fast_to_slow', blockFastToSlow);
    this.blockAudioToFastslow = this.registerModule('block_audio_to_fastslow', blockAudioToFastslow);
  }
  override forward(xs: Tensor[]): Tensor[] {
    const [slow, fast, audio] = expectPathways('FuseAudioToFastSlow', xs, 3);
    const fuse = this.blockFastToSlow.forward(fast) as Tensor;
    // Average the frequency axis away, so the audio features broadcast over the slow H x W.
    const fuseA = this.blockAudioToFastslow.forward(ops.mean(audio, -1, true)) as Tensor;
    const slowFuse = ops.cat([slow, fuse], 1);
    if (fuseA.shape[1] !== slowFuse.shape[1] || fuseA.shape[2] !== slowFuse.shape[2]) {
      throw new ShapeError(`FuseAudioToFastSlow: audio features ${fmtShape(fuseA.shape)} (from audio ${fmtShape(audio.shape)}) do not match fused slow ${fmtShape(slowFuse.shape)} in channels/frames`);
    }
    return [ops.add(fuseA, slowFuse), fast, audio];
  }
}

export interface AudioToSlowFastFusionOptions {
  slowfastChannelReductionRatio: number;
  slowfastAudioReductionRatio: number;
  convFusionChannelRatio: number;
  convKernelSize: Triple;
  convKernelSizeA: Triple;
  /** One stride, or one per stage index. */
  convStride: Triple | Triple[];
  convStrideA: Triple | Triple[];
  /** A channel count (integer >= 1) or a fraction of the audio input channels. */
  convFusionChannelIntermDim?: number;
  convNumA?: number;
  norm?: NormFactory | null;
  normEps?: number;
  normMomentum?: number;
  activation?: ActivationFactory | null;
  maxStageIdx?: number;
}

/** AudioToSlowFastFusionBuilder.create_module as a fusion builder. */
export function audioToSlowFastFusionBuilder(o: AudioToSlowFastFusionOptions): FusionBuilder {
  const {
    slowfastChannelReductionRatio, slowfastAudioReductionRatio, convFusionChannelRatio, convKernelSize, convKernelSizeA,
    convStride, convStrideA, convFusionChannelIntermDim = 0.25, convNumA = 2, norm = BatchNorm3d, normEps = 1e-5,
    normMomentum = 0.1, activation = ReLU, maxStageIdx = 3,
  } = injected(o);
  const pick = (s: Triple | Triple[], i: number): Triple => (Array.isArray(s[0]) ? (s as Triple[])[i] : (s as Triple));
  return ({ fusionDimIn, stageIdx }) => {
    if (stageIdx > maxStageIdx) return new nn.Identity();
    const dimIn = Math.floor(fusionDimIn / slowfastChannelReductionRatio);
    const dimInA = Math.floor(fusionDimIn / slowfastAudioReductionRatio);
    const cbr = (cin: number, cout: number, k: Triple, stride: Triple): Module[] => [
      Conv3d({ inChannels: cin, outChannels: cout, kernelSize: k, stride, padding: halfPad(k), bias: false }),
      ...(norm ? [norm({ numFeatures: cout, eps: normEps, momentum: normMomentum })] : []),
      ...(activation ? [activation()] : []),
    ];
    const fastToSlow = cbr(dimIn, Math.trunc(dimIn * convFusionChannelRatio), convKernelSize, pick(convStride, stageIdx));
    // Python's isinstance(x, int) test: an integer is a channel count, a fraction scales dimInA.
    const interm = Number.isInteger(convFusionChannelIntermDim) ? convFusionChannelIntermDim : Math.trunc(dimInA * convFusionChannelIntermDim);
    const audio: Module[] = [];
    let cin = dimInA;
    for (let i = 0; i < convNumA; i++) {
      const last = i === convNumA - 1;
      const cout = last ? Math.trunc(dimIn * convFusionChannelRatio + fusionDimIn) : interm;
      audio.push(...cbr(cin, cout, convKernelSizeA, last ? pick(convStrideA, stageIdx) : [1, 1, 1]));
      cin = cout;
    }
    return new FuseAudioToFastSlow({ blockFastToSlow: new nn.Sequential(...fastToSlow), blockAudioToFastslow: new nn.Sequential(...audio) });
  };
}

export type AudioVisualSlowfastOptions = Omit<SlowfastOptions, 'slowfastFusionConvKernelSize' | 'slowfastFusionConvStride' | 'stemFunction' | 'head'>;

/** create_audio_visual_slowfast, with PyTorchVideo's defaults (AVSlowFast-R50). */
export function createAudioVisualSlowfast(o: AudioVisualSlowfastOptions = {}): Net {
  const {
    slowfastChannelReductionRatio = [8, 2], slowfastConvChannelFusionRatio = 2, norm = BatchNorm3d, activation = ReLU,
  } = injected(o);
  const betas = typeof slowfastChannelReductionRatio === 'number' ? [slowfastChannelReductionRatio] : slowfastChannelReductionRatio;
  const A = createAcousticBottleneckBlock, B = createBottleneckBlock;
  return createSlowfast({
    inputChannels: [3, 3, 1],
    stemDimOuts: [64, 8, 32],
    stemConvKernelSizes: [[1, 7, 7], [5, 7, 7], [9, 1, 9]],
    stemConvStrides: [[1, 2, 2], [1, 2, 2], [1, 1, 1]],
    stemPool: [MaxPool3d, MaxPool3d, null] as (PoolFactory | null)[],
    stemPoolKernelSizes: [[1, 3, 3], [1, 3, 3], [1, 3, 3]],
    stemPoolStrides: [[1, 2, 2], [1, 2, 2], [1, 1, 1]],
    stageConvAKernelSizes: [
      [[1, 1, 1], [1, 1, 1], [3, 1, 1], [3, 1, 1]], [[3, 1, 1], [3, 1, 1], [3, 1, 1], [3, 1, 1]], [[1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1]],
    ],
    stageConvBKernelSizes: [
      [[1, 3, 3], [1, 3, 3], [1, 3, 3], [1, 3, 3]], [[1, 3, 3], [1, 3, 3], [1, 3, 3], [1, 3, 3]], [[3, 1, 3], [3, 1, 3], [3, 1, 3], [3, 1, 3]],
    ],
    stageConvBNumGroups: [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]],
    stageConvBDilations: Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => [1, 1, 1])),
    stageSpatialStrides: [[1, 2, 2, 2], [1, 2, 2, 2], [1, 2, 2, 2]],
    stageTemporalStrides: [[1, 1, 1, 1], [1, 1, 1, 1], [1, 2, 2, 2]],
    bottleneck: [[B, B, B, B], [B, B, B, B], [A, A, B, B]],
    headPool: AvgPool3d,
    headPoolKernelSizes: [[8, 7, 7], [32, 7, 7], [16, 1, 10]],
    ...o,
    slowfastChannelReductionRatio: betas,
    stemFunction: [createResBasicStem, createResBasicStem, createAcousticResBasicStem],
    fusionBuilder: o.fusionBuilder ?? audioToSlowFastFusionBuilder({
      slowfastChannelReductionRatio: betas[0], slowfastAudioReductionRatio: betas[1], convFusionChannelRatio: slowfastConvChannelFusionRatio,
      convKernelSize: [7, 1, 1], convKernelSizeA: [5, 1, 1], convStride: [4, 1, 1],
      convStrideA: [[16, 1, 1], [16, 1, 1], [8, 1, 1], [4, 1, 1], [2, 1, 1]], norm, activation,
    }),
  });
}
