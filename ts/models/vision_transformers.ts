// pytorchvideo.models.vision_transformers (MViT): PatchEmbed (stem), the ViT head
// (SequencePool -> dropout -> proj -> activation), MultiscaleVisionTransformers and
// create_multiscale_vision_transformers with PyTorchVideo's keyword arguments in camelCase,
// plus the hub configurations MViT-B 16x4 / 32x3.
import { nn, ops, Tensor, ArgumentError, ShapeError, fmtShape } from '../runtime/index.js';
import { injected, Conv3d, Conv2d, Softmax, type ConvFactory, type ActivationFactory } from './factories.js';
import { roundWidth } from './x3d.js';
import { SpatioTemporalClsPositionalEncoding } from './layers/positional_encoding.js';
import { MultiScaleBlock, layerNormFactory, type DimNormFactory, type PoolMode } from './layers/attention.js';

type Module = InstanceType<typeof nn.Module>;
const prod = (a: readonly number[]) => a.reduce((p, v) => p * v, 1);

/** patch_model (a conv) -> flatten the grid -> [B, T*H*W, C] tokens. */
export class PatchEmbed extends nn.Module {
  readonly patchModel: Module;
  constructor({ patchModel }: { patchModel: Module }) {
    super();
    if (!patchModel) throw new ArgumentError('PatchEmbed: patchModel is required');
    this.patchModel = this.registerModule('patch_model', patchModel);
  }
  override forward(x: Tensor): Tensor {
    const y = this.patchModel.forward(x);
    return ops.transpose(ops.flatten(y, 2), 1, 2);
  }
}

export interface ConvPatchEmbedOptions {
  inChannels: number; outChannels: number; convKernelSize?: number[]; convStride?: number[];
  convPadding?: number[]; convBias?: boolean; conv?: ConvFactory;
}

/** create_conv_patch_embed, with PyTorchVideo's defaults. */
export function createConvPatchEmbed(o: ConvPatchEmbedOptions): PatchEmbed {
  const { inChannels, outChannels, convKernelSize = [1, 16, 16], convStride = [1, 4, 4], convPadding = [1, 7, 7], convBias = true, conv = Conv3d } = injected(o);
  return new PatchEmbed({ patchModel: conv({ inChannels, outChannels, kernelSize: convKernelSize, stride: convStride, padding: convPadding, bias: convBias }) });
}

export type SeqPoolType = 'cls' | 'mean' | 'none';

/** One embedding per sequence: the cls token (x[:, 0]) or the mean over tokens. */
export class SequencePool extends nn.Module {
  constructor(readonly mode: 'cls' | 'mean') {
    super();
    if (mode !== 'cls' && mode !== 'mean') throw new ArgumentError(`SequencePool: mode must be 'cls' or 'mean', got ${JSON.stringify(mode)}`);
  }
  override forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || x.rank < 2 || x.shape[1] < 1) {
      throw new ShapeError(`SequencePool(${this.mode}): expected [B, N, ...] with N >= 1, got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
    }
    return this.mode === 'cls' ? ops.squeeze(ops.slice(x, 1, 0, 1), 1) : ops.mean(x, 1);
  }
  override extraRepr(): string { return `mode=${this.mode}`; }
}

export class VisionTransformerBasicHead extends nn.Module {
  readonly sequencePool: Module | null;
  readonly dropout: Module | null;
  readonly proj: Module;
  readonly activation: Module | null;
  constructor({ sequencePool = null, dropout = null, proj, activation = null }: {
    sequencePool?: Module | null; dropout?: Module | null; proj: Module; activation?: Module | null;
  }) {
    super();
    if (!proj) throw new ArgumentError('VisionTransformerBasicHead: proj is required');
    this.sequencePool = this.registerModule('sequence_pool', sequencePool);
    this.dropout = this.registerModule('dropout', dropout);
    this.proj = this.registerModule('proj', proj);
    this.activation = this.registerModule('activation', activation);
  }
  override forward(x: Tensor): Tensor {
    if (this.sequencePool) x = this.sequencePool.forward(x);
    if (this.dropout) x = this.dropout.forward(x);
    x = this.proj.forward(x);
    if (this.activation) x = this.activation.forward(x);
    return x;
  }
}

export interface VitBasicHeadOptions {
  inFeatures: number; outFeatures: number; seqPoolType?: SeqPoolType; dropoutRate?: number; activation?: ActivationFactory | null;
}

/** create_vit_basic_head, with PyTorchVideo's defaults. */
export function createVitBasicHead(o: VitBasicHeadOptions): VisionTransformerBasicHead {
  const { inFeatures, outFeatures, seqPoolType = 'cls', dropoutRate = 0.5, activation = null } = injected(o);
  if (!['cls', 'mean', 'none'].includes(seqPoolType)) throw new ArgumentError(`createVitBasicHead: seqPoolType must be 'cls', 'mean' or 'none', got ${JSON.stringify(seqPoolType)}`);
  return new VisionTransformerBasicHead({
    sequencePool: seqPoolType === 'none' ? null : new SequencePool(seqPoolType),
    dropout: dropoutRate > 0 ? new nn.Dropout(dropoutRate) : null,
    proj: new nn.Linear(inFeatures, outFeatures),
    activation: activation === Softmax ? new nn.Softmax(1) : activation ? activation() : null,
  });
}

/** PatchEmbed -> cls + positional encoding -> dropout -> MultiScaleBlocks -> norm -> head. */
export class MultiscaleVisionTransformers extends nn.Module {
  readonly patchEmbed: Module | null;
  readonly clsPositionalEncoding: SpatioTemporalClsPositionalEncoding;
  readonly posDrop: Module | null;
  readonly blocks: InstanceType<typeof nn.ModuleList>;
  readonly normEmbed: Module | null;
  readonly head: Module | null;
  constructor({ patchEmbed, clsPositionalEncoding, posDrop = null, blocks, normEmbed = null, head = null }: {
    patchEmbed: Module | null; clsPositionalEncoding: SpatioTemporalClsPositionalEncoding; posDrop?: Module | null;
    blocks: Module[] | InstanceType<typeof nn.ModuleList>; normEmbed?: Module | null; head?: Module | null;
  }) {
    super();
    if (!clsPositionalEncoding || !Array.isArray((clsPositionalEncoding as any).patchEmbedShape)) {
      throw new ArgumentError('MultiscaleVisionTransformers: clsPositionalEncoding must have a patchEmbedShape');
    }
    this.patchEmbed = this.registerModule('patch_embed', patchEmbed);
    this.clsPositionalEncoding = this.registerModule('cls_positional_encoding', clsPositionalEncoding);
    this.posDrop = this.registerModule('pos_drop', posDrop);
    this.blocks = this.registerModule('blocks', blocks instanceof nn.ModuleList ? blocks : new nn.ModuleList(blocks));
    this.normEmbed = this.registerModule('norm_embed', normEmbed);
    this.head = this.registerModule('head', head);
    initVitWeights(this);
  }
  override forward(x: Tensor): Tensor {
    const thw0 = this.clsPositionalEncoding.patchEmbedShape;
    const input = x;
    if (this.patchEmbed) x = this.patchEmbed.forward(x);
    if (!(x instanceof Tensor) || x.rank !== 3 || x.shape[1] !== prod(thw0) || x.shape[2] !== this.clsPositionalEncoding.embedDim) {
      throw new ShapeError(`MultiscaleVisionTransformers: input ${input instanceof Tensor ? fmtShape(input.shape) : typeof input} gives ${x instanceof Tensor ? `tokens ${fmtShape(x.shape)}` : 'no tokens'}, but the model was built for a [${thw0.join(', ')}] patch grid of dim ${this.clsPositionalEncoding.embedDim} (tokens [B, ${prod(thw0)}, ${this.clsPositionalEncoding.embedDim}]): check temporalSize / spatialSize`);
    }
    x = this.clsPositionalEncoding.forward(x);
    if (this.posDrop) x = this.posDrop.forward(x);
    let thw = [...thw0];
    for (const blk of this.blocks) [x, thw] = blk.forward(x, thw) as [Tensor, number[]];
    if (this.normEmbed) x = this.normEmbed.forward(x);
    if (this.head) x = this.head.forward(x);
    return x;
  }
}

/** init_net_weights(style="vit"): Linear weights N(0, 0.02) truncated at +-2, biases 0, LayerNorm 1 / 0, cls and position embeddings N(0, 0.02). */
function initVitWeights(model: Module): void {
  for (const m of model.modules()) {
    if (m instanceof nn.Linear) {
      nn.init.truncNormal_(m.weight, 0, 0.02);
      if (m.bias) nn.init.zeros_(m.bias);
    } else if (m instanceof nn.LayerNorm) {
      if (m.weight) nn.init.ones_(m.weight);
      if (m.bias) nn.init.zeros_(m.bias);
    } else if (m instanceof SpatioTemporalClsPositionalEncoding) {
      for (const p of m.parameters(false)) nn.init.truncNormal_(p, 0, 0.02);
    }
  }
}

export type HeadFactory = (o: VitBasicHeadOptions) => Module;

export interface MultiscaleVisionTransformersOptions {
  spatialSize: number | number[];
  temporalSize: number;
  clsEmbedOn?: boolean;
  sepPosEmbed?: boolean;
  depth?: number;
  norm?: 'layernorm' | 'batchnorm';
  enablePatchEmbed?: boolean;
  inputChannels?: number;
  patchEmbedDim?: number;
  convPatchEmbedKernel?: number[];
  convPatchEmbedStride?: number[];
  convPatchEmbedPadding?: number[];
  enablePatchEmbedNorm?: boolean;
  use2dPatch?: boolean;
  numHeads?: number;
  mlpRatio?: number;
  qkvBias?: boolean;
  dropoutRateBlock?: number;
  droppathRateBlock?: number;
  poolingMode?: PoolMode;
  poolFirst?: boolean;
  residualPool?: boolean;
  depthwiseConv?: boolean;
  biasOn?: boolean;
  separateQkv?: boolean;
  embedDimMul?: number[][] | null;
  attenHeadMul?: number[][] | null;
  poolQStrideSize?: number[][] | null;
  poolKvStrideSize?: number[][] | null;
  poolKvStrideAdaptive?: number[] | null;
  poolKvqKernel?: number[] | null;
  head?: HeadFactory | null;
  headDropoutRate?: number;
  headActivation?: ActivationFactory | null;
  headNumClasses?: number;
}

/** create_multiscale_vision_transformers, with PyTorchVideo's defaults. */
export function createMultiscaleVisionTransformers(o: MultiscaleVisionTransformersOptions): MultiscaleVisionTransformers {
  const {
    temporalSize, clsEmbedOn = true, sepPosEmbed = true, depth = 16, norm = 'layernorm', enablePatchEmbed = true,
    inputChannels = 3, convPatchEmbedKernel = [3, 7, 7], convPatchEmbedStride = [2, 4, 4],
    convPatchEmbedPadding = [1, 3, 3], use2dPatch = false, mlpRatio = 4.0, qkvBias = true,
    dropoutRateBlock = 0.0, droppathRateBlock = 0.0, poolingMode = 'conv', poolFirst = false, residualPool = false,
    depthwiseConv = true, biasOn = true, separateQkv = true, embedDimMul = null, attenHeadMul = null,
    poolQStrideSize = null, poolKvStrideAdaptive = null, poolKvqKernel = null, head = createVitBasicHead,
    headDropoutRate = 0.5, headActivation = null, headNumClasses = 400,
  } = injected(o);
  let { numHeads = 1, patchEmbedDim = 96, poolKvStrideSize = null } = injected(o);
  if (o.spatialSize === undefined || temporalSize === undefined) {
    throw new ArgumentError('createMultiscaleVisionTransformers: spatialSize and temporalSize are required');
  }
  if (!Number.isInteger(depth) || depth < 1) throw new ArgumentError(`createMultiscaleVisionTransformers: depth must be a positive integer, got ${depth}`);
  if (use2dPatch && temporalSize !== 1) throw new ArgumentError(`createMultiscaleVisionTransformers: use2dPatch needs temporalSize 1, got ${temporalSize}`);
  if (poolKvStrideAdaptive && poolKvStrideSize) {
    throw new ArgumentError('createMultiscaleVisionTransformers: poolKvStrideSize must be null when poolKvStrideAdaptive is set');
  }
  let normLayer: DimNormFactory | null, blockNormLayer: DimNormFactory, attnNormLayer: DimNormFactory;
  if (norm === 'layernorm') {
    normLayer = blockNormLayer = attnNormLayer = layerNormFactory(1e-6);
  } else if (norm === 'batchnorm') {
    normLayer = null;
    blockNormLayer = (d) => new nn.BatchNorm1d(d);
    attnNormLayer = (d) => new nn.BatchNorm3d(d);
  } else {
    throw new ArgumentError(`createMultiscaleVisionTransformers: norm must be 'layernorm' or 'batchnorm', got ${JSON.stringify(norm)}`);
  }
  const spatial = typeof o.spatialSize === 'number' ? [o.spatialSize, o.spatialSize] : o.spatialSize;
  const patchEmbed = enablePatchEmbed ? createConvPatchEmbed({
    inChannels: inputChannels, outChannels: patchEmbedDim, convKernelSize: convPatchEmbedKernel,
    convStride: convPatchEmbedStride, convPadding: convPatchEmbedPadding, conv: use2dPatch ? Conv2d : Conv3d,
  }) : null;
  const inputDims = [temporalSize, spatial[0], spatial[1]];
  const inputStride = use2dPatch ? [1, ...convPatchEmbedStride] : convPatchEmbedStride;
  const patchEmbedShape = enablePatchEmbed ? inputDims.map((d, i) => Math.floor(d / inputStride[i])) : inputDims;
  const clsPositionalEncoding = new SpatioTemporalClsPositionalEncoding(patchEmbedDim, patchEmbedShape, { sepPosEmbed, hasCls: clsEmbedOn });

  // torch.linspace(0, rate, depth) in float32: the stochastic depth decay rule.
  const dpr = Array.from({ length: depth }, (_, i) => Math.fround(depth === 1 ? 0 : (droppathRateBlock * i) / (depth - 1)));
  // dim_mul / head_mul are float32 tensors in PyTorchVideo.
  const dimMul = new Array<number>(depth + 1).fill(1), headMul = new Array<number>(depth + 1).fill(1);
  for (const [i, m] of embedDimMul ?? []) dimMul[i] = Math.fround(m);
  for (const [i, m] of attenHeadMul ?? []) headMul[i] = Math.fround(m);

  const poolQ: number[][] = Array.from({ length: depth }, () => []);
  const poolKv: number[][] = Array.from({ length: depth }, () => []);
  const strideQ: number[][] = Array.from({ length: depth }, () => []);
  const strideKv: number[][] = Array.from({ length: depth }, () => []);
  const kernelOf = (stride: number[]) => poolKvqKernel ? [...poolKvqKernel] : stride.map((s) => (s > 1 ? s + 1 : s));
  const checkLayer = (what: string, i: number) => {
    if (!Number.isInteger(i) || i < 0 || i >= depth) throw new ArgumentError(`createMultiscaleVisionTransformers: ${what} names layer ${i}, outside 0..${depth - 1}`);
  };
  for (const [i, ...s] of poolQStrideSize ?? []) {
    checkLayer('poolQStrideSize', i);
    strideQ[i] = s;
    poolQ[i] = kernelOf(s);
  }
  if (poolKvStrideAdaptive) {
    let s = [...poolKvStrideAdaptive];
    poolKvStrideSize = [];
    for (let i = 0; i < depth; i++) {
      if (strideQ[i].length > 0) s = s.map((v, d) => Math.max(Math.floor(v / strideQ[i][d]), 1));
      poolKvStrideSize.push([i, ...s]);
    }
  }
  for (const [i, ...s] of poolKvStrideSize ?? []) {
    checkLayer('poolKvStrideSize', i);
    strideKv[i] = s;
    poolKv[i] = kernelOf(s);
  }

  const blocks: Module[] = [];
  let dimOut = patchEmbedDim;
  for (let i = 0; i < depth; i++) {
    numHeads = roundWidth(numHeads, headMul[i], 1, 1);
    patchEmbedDim = roundWidth(patchEmbedDim, dimMul[i], undefined, numHeads);
    dimOut = roundWidth(patchEmbedDim, dimMul[i + 1], undefined, roundWidth(numHeads, headMul[i + 1]));
    blocks.push(new MultiScaleBlock({
      dim: patchEmbedDim, dimOut, numHeads, mlpRatio, qkvBias, dropoutRate: dropoutRateBlock, droppathRate: dpr[i],
      normLayer: blockNormLayer, attnNormLayer, kernelQ: poolQ[i], kernelKv: poolKv[i], strideQ: strideQ[i], strideKv: strideKv[i],
      poolMode: poolingMode, hasClsEmbed: clsEmbedOn, poolFirst, residualPool, biasOn, depthwiseConv, separateQkv,
    }));
  }
  const embedDim = dimOut;
  return new MultiscaleVisionTransformers({
    patchEmbed,
    clsPositionalEncoding,
    posDrop: dropoutRateBlock > 0 ? new nn.Dropout(dropoutRateBlock) : null,
    blocks,
    normEmbed: normLayer ? normLayer(embedDim) : null,
    head: head ? head({ inFeatures: embedDim, outFeatures: headNumClasses, seqPoolType: clsEmbedOn ? 'cls' : 'mean', dropoutRate: headDropoutRate, activation: headActivation }) : null,
  });
}

/** pytorchvideo.models.hub mvit_video_base_config (MViT-B, 16 frames x sample rate 4, 224^2). */
export const MVIT_BASE_16X4_CONFIG: Readonly<MultiscaleVisionTransformersOptions> = Object.freeze({
  spatialSize: 224,
  temporalSize: 16,
  embedDimMul: [[1, 2.0], [3, 2.0], [14, 2.0]],
  attenHeadMul: [[1, 2.0], [3, 2.0], [14, 2.0]],
  poolQStrideSize: [[1, 1, 2, 2], [3, 1, 2, 2], [14, 1, 2, 2]],
  poolKvStrideAdaptive: [1, 8, 8],
  poolKvqKernel: [3, 3, 3],
});

/** MViT-B 32x3: the same network on 32-frame clips (the zoo's MVIT_B_32x3 checkpoint). */
export const MVIT_BASE_32X3_CONFIG: Readonly<MultiscaleVisionTransformersOptions> = Object.freeze({
  ...MVIT_BASE_16X4_CONFIG,
  temporalSize: 32,
});

/** mvit_base_16x4(**kwargs): the hub config, overridable (weights come from the zoo, never implicitly). */
export function mvitBase16x4(overrides: Partial<MultiscaleVisionTransformersOptions> = {}): MultiscaleVisionTransformers {
  return createMultiscaleVisionTransformers({ ...MVIT_BASE_16X4_CONFIG, ...overrides } as MultiscaleVisionTransformersOptions);
}
export function mvitBase32x3(overrides: Partial<MultiscaleVisionTransformersOptions> = {}): MultiscaleVisionTransformers {
  return createMultiscaleVisionTransformers({ ...MVIT_BASE_32X3_CONFIG, ...overrides } as MultiscaleVisionTransformersOptions);
}

/** mvit_image_base_16_config: MViT-B on single images (2-D patch embedding, ImageNet). */
export const MVIT_BASE_16_CONFIG: Readonly<MultiscaleVisionTransformersOptions> = Object.freeze({
  spatialSize: 224,
  temporalSize: 1,
  depth: 16,
  convPatchEmbedKernel: [7, 7],
  convPatchEmbedStride: [4, 4],
  convPatchEmbedPadding: [3, 3],
  use2dPatch: true,
  embedDimMul: [[1, 2.0], [3, 2.0], [14, 2.0]],
  attenHeadMul: [[1, 2.0], [3, 2.0], [14, 2.0]],
  poolQStrideSize: [[1, 1, 2, 2], [3, 1, 2, 2], [14, 1, 2, 2]],
  poolKvStrideAdaptive: [1, 4, 4],
  poolKvqKernel: [1, 3, 3],
});
export function mvitBase16(overrides: Partial<MultiscaleVisionTransformersOptions> = {}): MultiscaleVisionTransformers {
  return createMultiscaleVisionTransformers({ ...MVIT_BASE_16_CONFIG, ...overrides } as MultiscaleVisionTransformersOptions);
}
