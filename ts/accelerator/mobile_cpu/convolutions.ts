// pytorchvideo.layers.accelerator.mobile_cpu.convolutions: conv (+ BatchNorm) + activation blocks
// with a fixed kernel shape, so that each maps onto one fast kernel.
//
// Original form: `kernel` = Sequential(conv, bn?, act), keys `kernel.conv.weight`, `kernel.bn.*`,
// exactly the plain layers (forward and backward). convert() folds bn into the conv and picks the
// kernel form for our kernels:
//   Conv3dPwBnAct               one packed GEMM over [N*T*H*W, Cin], ReLU fused in its epilogue
//                               (PyTorchVideo: reshape to [N, C, T*H, W] and a fused Conv2d+ReLU)
//   Conv3d3x3x3DwBnAct          the folded conv on the direct depthwise kernel
//   Conv3dTemporalKernel1BnAct  the folded conv: with kt = 1 our conv3d already runs frame by frame as
//                               2-D im2col tiles + GEMM (PyTorchVideo splits it into per-frame Conv2d)
//   Conv3d3x1x1BnAct, Conv3d5x1x1BnAct  the folded conv on the kt-shifted GEMMs (or the depthwise
//                               kernel when grouped)
// PyTorchVideo splits the temporal kernels into per-frame Conv2d sums because PyTorch Mobile had no
// fast Conv3d; our kernels do, and the split would only add copies. Deploy forms are inference only.
import { nn, type Tensor } from '../../runtime/index.js';
import { EfficientBlockBase } from '../efficient_blocks.js';
import { checkActivation, createActivation, type ActivationName } from './activation_functions.js';
import { foldBatchNorm, _PointwiseGemm } from './conv_helper.js';

type Conv3d = InstanceType<typeof nn.Conv3d>;
type BatchNorm3d = InstanceType<typeof nn.BatchNorm3d>;

export interface ConvBnActOptions {
  bias?: boolean;
  activation?: ActivationName;
  useBn?: boolean;
  normEps?: number;
  normMomentum?: number;
}

abstract class ConvBnAct extends EfficientBlockBase {
  readonly activation: ActivationName;

  /** `makeConv` runs after the options are checked, so bad options allocate nothing. */
  constructor(makeConv: () => Conv3d, o: ConvBnActOptions) {
    super();
    this.activation = checkActivation(o.activation ?? 'relu', new.target.name);
    const conv = makeConv();
    const layers: Record<string, nn.Module> = { conv };
    if (o.useBn ?? true) layers.bn = new nn.BatchNorm3d(conv.outChannels, { eps: o.normEps ?? 1e-5, momentum: o.normMomentum ?? 0.1 });
    layers.act = createActivation(this.activation, new.target.name);
    this.registerModule('kernel', new nn.Sequential(layers));
  }

  /** Sequential(conv, bn?, act) in the original form; Sequential(conv, act) once converted. */
  get kernel(): InstanceType<typeof nn.Sequential> { return this.getAttr('kernel') as InstanceType<typeof nn.Sequential>; }

  override forward(x: Tensor): Tensor { return this.kernel.forward(x); }

  /** Folds bn into the conv (eval-mode statistics); `deployConv` then picks the kernel form. */
  override convert(inputBlobSize: readonly number[]): void {
    this.beginConvert();
    const k = this.kernel;
    const folded = foldBatchNorm(k.getAttr('conv') as Conv3d, (k.getAttr('bn') as BatchNorm3d | undefined) ?? null);
    const act = k.getAttr('act') as EfficientBlockBase;
    act.convert(inputBlobSize);
    const [conv, fusedAct] = this.deployConv(folded);
    if (conv !== folded) folded.dispose();
    this.registerModule('kernel', new nn.Sequential({ conv, act: fusedAct ? createActivation('identity', this.typeName) : act }));
    k.dispose();  // the unfolded conv and bn (the activation has no tensors)
    this.eval();
  }

  /** The deploy conv and whether it applies the activation itself. */
  protected deployConv(folded: Conv3d): [nn.Module, boolean] { return [folded, false]; }
}

/** 1x1x1 conv (stride 1, no padding, 1 group) + BatchNorm + activation. */
export class Conv3dPwBnAct extends ConvBnAct {
  constructor(readonly inChannels: number, readonly outChannels: number, o: ConvBnActOptions = {}) {
    super(() => new nn.Conv3d(inChannels, outChannels, 1, { bias: o.bias ?? false }), o);
  }
  protected override deployConv(folded: Conv3d): [nn.Module, boolean] {
    const relu = this.activation === 'relu';
    return [new _PointwiseGemm(folded, relu), relu];
  }
}

/** 3x3x3 depthwise conv (padding 1, temporal stride 1) + BatchNorm + activation. */
export class Conv3d3x3x3DwBnAct extends ConvBnAct {
  constructor(readonly inChannels: number, o: ConvBnActOptions & { spatialStride?: number } = {}) {
    const s = o.spatialStride ?? 1;
    super(() => new nn.Conv3d(inChannels, inChannels, 3, { stride: [1, s, s], groups: inChannels, padding: 1, bias: o.bias ?? false }), o);
  }
}

export interface TemporalKernel1Options extends ConvBnActOptions {
  groups?: number; spatialKernel?: number; spatialStride?: number; spatialPadding?: number; spatialDilation?: number;
}

/** 1xkxk conv (temporal padding 0, stride 1, dilation 1) + BatchNorm + activation. */
export class Conv3dTemporalKernel1BnAct extends ConvBnAct {
  constructor(readonly inChannels: number, readonly outChannels: number, o: TemporalKernel1Options = {}) {
    const { groups = 1, spatialKernel: k = 1, spatialStride: s = 1, spatialPadding: p = 0, spatialDilation: d = 1 } = o;
    super(() => new nn.Conv3d(inChannels, outChannels, [1, k, k], { stride: [1, s, s], padding: [0, p, p], dilation: [1, d, d], groups, bias: o.bias ?? false }), o);
  }
}

/** kx1x1 conv with zero padding (k-1)/2, stride 1 + BatchNorm + activation. */
abstract class ConvTemporalBnAct extends ConvBnAct {
  constructor(readonly inChannels: number, readonly outChannels: number, kt: number, o: ConvBnActOptions & { groups?: number }) {
    super(() => new nn.Conv3d(inChannels, outChannels, [kt, 1, 1], { groups: o.groups ?? 1, padding: [(kt - 1) / 2, 0, 0], bias: o.bias ?? false }), o);
  }
}

/** 3x1x1 conv (padding (1, 0, 0)) + BatchNorm + activation. Depthwise (groups = outChannels) is allowed but slower than Conv3d3x3x3DwBnAct. */
export class Conv3d3x1x1BnAct extends ConvTemporalBnAct {
  constructor(inChannels: number, outChannels: number, o: ConvBnActOptions & { groups?: number } = {}) { super(inChannels, outChannels, 3, o); }
}

/** 5x1x1 conv (padding (2, 0, 0)) + BatchNorm + activation. */
export class Conv3d5x1x1BnAct extends ConvTemporalBnAct {
  constructor(inChannels: number, outChannels: number, o: ConvBnActOptions & { groups?: number } = {}) { super(inChannels, outChannels, 5, o); }
}
