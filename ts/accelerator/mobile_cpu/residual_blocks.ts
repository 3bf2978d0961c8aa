// pytorchvideo.models.accelerator.mobile_cpu.residual_blocks: the X3D bottleneck of efficient blocks.
import { nn, ops, type Tensor } from '../../runtime/index.js';
import { roundWidth } from '../../models/index.js';
import { EfficientBlockBase } from '../efficient_blocks.js';
import { checkActivation, createActivation, type ActivationName } from './activation_functions.js';
import { SqueezeExcitation } from './attention.js';
import { Conv3d3x3x3DwBnAct, Conv3dPwBnAct, Conv3dTemporalKernel1BnAct } from './convolutions.js';
import { _PointwiseGemm } from './conv_helper.js';

type Triple<T> = readonly [T, T, T];

export interface X3dBottleneckBlockOptions {
  inChannels: number;
  midChannels: number;
  outChannels: number;
  useResidual?: boolean;
  spatialStride?: number;
  /** > 0: squeeze-excitation after the depthwise conv, with roundWidth(midChannels, seRatio) channels. */
  seRatio?: number;
  /** After conv_0, after the SE (act_func_1), and after the residual sum (final_act). */
  actFunctions?: Triple<ActivationName>;
  bias?: Triple<boolean>;
  useBn?: Triple<boolean>;
  normEps?: number;
  normMomentum?: number;
}

/**
 * x -> conv_0 (1x1x1, BN, act 0) -> conv_1 (3x3x3 depthwise, BN) -> SE? -> act_func_1 -> conv_2
 * (1x1x1, BN) -> + shortcut (x, or _res_proj: 1x1 strided conv + BN when the shape changes) -> final_act.
 */
export class X3dBottleneckBlock extends EfficientBlockBase {
  readonly useResidual: boolean;
  readonly spatialStride: number;
  readonly midChannels: number;
  readonly outChannels: number;
  readonly resProj: Conv3dTemporalKernel1BnAct | null = null;
  readonly finalAct: EfficientBlockBase;
  readonly finalActName: ActivationName;
  readonly layers: InstanceType<typeof nn.Sequential>;
  /** Deploy form: the clamp of the residual sum fused into conv_2's GEMM (ReLU: 0), or null when not fused. */
  private fusedSumMin: number | null = null;

  constructor(o: X3dBottleneckBlockOptions) {
    super();
    const { inChannels, midChannels, outChannels, useResidual = true, spatialStride = 1, seRatio = 0.0625,
      actFunctions = ['relu', 'relu', 'relu'], bias = [false, false, false], useBn = [true, true, true],
      normEps = 1e-5, normMomentum = 0.1 } = o;
    actFunctions.forEach((a) => checkActivation(a, 'X3dBottleneckBlock'));
    this.useResidual = useResidual;
    this.spatialStride = spatialStride;
    this.midChannels = midChannels;
    this.outChannels = outChannels;
    if (useResidual && (spatialStride !== 1 || inChannels !== outChannels)) {
      this.resProj = this.registerModule('_res_proj', new Conv3dTemporalKernel1BnAct(inChannels, outChannels, {
        spatialStride, activation: 'identity', useBn: true,
      }));
    }
    const norm = { normEps, normMomentum };
    const layers: Record<string, nn.Module> = {
      conv_0: new Conv3dPwBnAct(inChannels, midChannels, { bias: bias[0], activation: actFunctions[0], useBn: useBn[0], ...norm }),
      // The activation comes after the SE.
      conv_1: new Conv3d3x3x3DwBnAct(midChannels, { spatialStride, bias: bias[1], activation: 'identity', useBn: useBn[1], ...norm }),
    };
    if (seRatio > 0) layers.se = new SqueezeExcitation(midChannels, { numChannelsReduced: roundWidth(midChannels, seRatio), is3d: true });
    layers.act_func_1 = createActivation(actFunctions[1], 'X3dBottleneckBlock');
    // With a residual, the last activation comes after the sum (final_act).
    layers.conv_2 = new Conv3dPwBnAct(midChannels, outChannels, { bias: bias[2], activation: 'identity', useBn: useBn[2], ...norm });
    this.finalActName = actFunctions[2];
    this.finalAct = this.registerModule('final_act', createActivation(actFunctions[2], 'X3dBottleneckBlock'));
    this.layers = this.registerModule('layers', new nn.Sequential(layers));
  }

  override forward(x: Tensor): Tensor {
    if (this.fusedSumMin !== null) return this.forwardFusedSum(x, this.fusedSumMin);
    let out = this.layers.forward(x) as Tensor;
    if (this.useResidual) out = ops.add(this.resProj ? this.resProj.forward(x) : x, out);
    return this.finalAct.forward(out);
  }

  /** Converts each layer with the size its input has for an input of `inputBlobSize`. */
  override convert(inputBlobSize: readonly number[]): void {
    this.beginConvert();
    const [n, , t, h, w] = inputBlobSize;
    this.resProj?.convert(inputBlobSize);
    const block = (name: string) => this.layers.getAttr(name) as EfficientBlockBase | undefined;
    block('conv_0')!.convert(inputBlobSize);
    block('conv_1')!.convert([n, this.midChannels, t, h, w]);
    // 3x3 kernel, padding 1: the output is ceil(size / stride).
    const mid = [n, this.midChannels, t, Math.ceil(h / this.spatialStride), Math.ceil(w / this.spatialStride)];
    block('se')?.convert(mid);
    block('act_func_1')!.convert(mid);
    block('conv_2')!.convert(mid);
    this.finalAct.convert([n, this.outChannels, ...mid.slice(2)]);
    // conv_2 became a GEMM with an identity activation: the shortcut sum and a ReLU / identity
    // final activation go into its epilogue (y = max(shortcut + conv_2(h), min)).
    const conv2 = (this.layers.getAttr('conv_2') as Conv3dPwBnAct).kernel.getAttr('conv');
    if (this.useResidual && conv2 instanceof _PointwiseGemm && !conv2.fuseRelu && (this.finalActName === 'relu' || this.finalActName === 'identity')) {
      this.fusedSumMin = this.finalActName === 'relu' ? 0 : -Infinity;
    }
  }

  private forwardFusedSum(x: Tensor, min: number): Tensor {
    const layers = this.layers.namedChildren();
    let h = x;
    for (const [, m] of layers.slice(0, -1)) h = m.forward(h);
    const shortcut = this.resProj ? this.resProj.forward(x) : ops.toLayout(x, 'channels_last');
    // The sum is written in place: never into the block's input.
    const sum = shortcut === x ? ops.clone(x) : shortcut;
    const conv2 = (layers[layers.length - 1][1] as Conv3dPwBnAct).kernel.getAttr('conv') as _PointwiseGemm;
    return conv2.addInto(h, sum, min);
  }
}
