// Deploy-form helpers of the mobile_cpu efficient blocks (pytorchvideo's conv_helper): BatchNorm
// folding, the pointwise conv as one packed GEMM with a fused ReLU, and the reshape / skip-multiply
// modules of the squeeze-excitation deploy form. Made by convert(), not for building networks.
import { nn, ops, Tensor, ArgumentError, ShapeError, fmtShape } from '../../runtime/index.js';
import { needsGrad } from '../../runtime/autograd.js';
import { ConversionError } from '../errors.js';

type Conv = InstanceType<typeof nn.Conv3d> | InstanceType<typeof nn.Conv2d>;
type BatchNorm = InstanceType<typeof nn.BatchNorm3d>;

/**
 * A new conv equal to conv followed by bn in eval mode (torch's fuse_conv_bn_eval):
 * w' = w * gamma / sqrt(var + eps) per output channel, b' = (b - mean) * gamma / sqrt(var + eps) + beta.
 * With bn null, a copy of conv. The result has a bias whenever bn or conv had one.
 */
export function foldBatchNorm(conv: InstanceType<typeof nn.Conv3d>, bn: BatchNorm | null): InstanceType<typeof nn.Conv3d> {
  const bias = conv.bias !== null || bn !== null;
  const out = new nn.Conv3d(conv.inChannels, conv.outChannels, conv.kernelSize, {
    stride: conv.stride, padding: conv.padding, dilation: conv.dilation, groups: conv.groups, bias,
  });
  const w = conv.weight.toArray() as Float32Array;
  const b = conv.bias ? conv.bias.toArray() as Float32Array : new Float32Array(conv.outChannels);
  const cout = conv.outChannels, per = w.length / cout;
  const scale = new Float64Array(cout).fill(1), shift = new Float64Array(cout);
  if (bn) {
    if (!bn.runningMean || !bn.runningVar) throw new ConversionError(`${bn.typeName} without running statistics cannot be folded into a conv`);
    const mean = bn.runningMean.toArray(), variance = bn.runningVar.toArray();
    const gamma = bn.weight?.toArray(), beta = bn.bias?.toArray();
    for (let c = 0; c < cout; c++) {
      scale[c] = (gamma ? gamma[c] : 1) / Math.sqrt(variance[c] + bn.eps);
      shift[c] = (beta ? beta[c] : 0) - mean[c] * scale[c];
    }
  }
  const fw = new Float32Array(w.length), fb = new Float32Array(cout);
  for (let c = 0; c < cout; c++) {
    for (let i = c * per; i < (c + 1) * per; i++) fw[i] = w[i] * scale[c];
    fb[c] = b[c] * scale[c] + shift[c];
  }
  (out.weight.data() as Float32Array).set(fw);
  if (out.bias) (out.bias.data() as Float32Array).set(fb);
  return out;
}

/**
 * A 1x1x1 conv (BatchNorm already folded) as one GEMM over the channels-last positions
 * [N*T*H*W, Cin] x [Cin, Cout]: the weights are packed once here, bias and an optional ReLU
 * (clamp at 0) are fused into the GEMM's epilogue. Inference only.
 */
export class _PointwiseGemm extends nn.Module {
  readonly inChannels: number;
  readonly outChannels: number;

  constructor(conv: Conv, readonly fuseRelu: boolean) {
    super();
    const [cout, cin] = conv.weight.shape;
    if (conv.weight.size !== cout * cin || conv.groups !== 1 || conv.stride.some((s) => s !== 1) || conv.padding.some((p) => p !== 0)) {
      throw new ConversionError(`_PointwiseGemm: ${conv.toString()} is not a pointwise (1x1x1, stride 1, no padding, 1 group) conv`);
    }
    this.inChannels = cin;
    this.outChannels = cout;
    const w = this.registerParameter('weight', Tensor.from(conv.weight.toArray(), [cout, cin]), { requiresGrad: false });
    const b = this.registerParameter('bias', conv.bias ? conv.bias.detach() : null, { requiresGrad: false });
    // The packed panels are a (non-persistent) buffer, so dispose() of the model frees them.
    const packed = this.registerBuffer('packed', Tensor.empty([ops.packedFloats(cin, cout)]), { persistent: false });
    ops.packRaw(cin, cout, w.ptr, 1, cin, b ? b.ptr : 0, packed.ptr);
  }

  override forward(x: Tensor): Tensor {
    this.checkInput(x);
    const y = Tensor.empty([x.shape[0], this.outChannels, ...x.shape.slice(2)], 'f32', x.rank >= 3 ? 'channels_last' : 'contiguous');
    this.gemm(x, y, false, this.fuseRelu ? 0 : -Infinity);
    return y;
  }

  /**
   * y = max(y + conv(x), min) in place: a residual sum (and a ReLU after it, min = 0) fused into
   * the GEMM's epilogue. y: channels_last, the shape forward(x) would return.
   */
  addInto(x: Tensor, y: Tensor, min = -Infinity): Tensor {
    this.checkInput(x);
    const shape = [x.shape[0], this.outChannels, ...x.shape.slice(2)];
    if (y.layout !== (x.rank >= 3 ? 'channels_last' : 'contiguous') || y.shape.join() !== shape.join()) {
      throw new ShapeError(`${this.typeName}.addInto: the sum must be ${fmtShape(shape)} channels_last, got ${y.toString()}`);
    }
    this.gemm(x, y, true, min);
    return y;
  }

  private checkInput(x: Tensor): void {
    if (!(x instanceof Tensor) || x.rank < 2 || x.shape[1] !== this.inChannels) {
      throw new ShapeError(`${this.typeName}(${this.inChannels}, ${this.outChannels}): expected input [N, ${this.inChannels}, ...], got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
    }
    if (needsGrad(x)) throw new ArgumentError(`${this.typeName} is a deploy form (inference only): its input requires grad; train the original form`);
  }

  private gemm(x: Tensor, y: Tensor, accumulate: boolean, min: number): void {
    const xc = ops.toLayout(x, 'channels_last');
    const rows = x.size / this.inChannels;
    // gemmPacked reads K, N and ptr of its packed argument: a view of our buffer.
    const packed = { K: this.inChannels, N: this.outChannels, ptr: this.buffer('packed')!.ptr } as unknown as ops.PackedWeights;
    if (rows > 0) ops.gemmPacked(xc.ptr, rows, this.inChannels, packed, y.ptr, this.outChannels, { min, accumulate });
    if (xc !== x) xc.dispose();
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, bias=${this.param('bias') ? 'True' : 'False'}${this.fuseRelu ? ', relu=True' : ''}`;
  }
}

/** Reshapes its input to a fixed size (the size the example input gave at conversion). */
export class _Reshape extends nn.Module {
  constructor(readonly reshapeSize: readonly number[]) { super(); }
  override forward(x: Tensor): Tensor {
    if (x.size !== this.reshapeSize.reduce((p, d) => p * d, 1)) {
      throw new ShapeError(`${this.typeName}: the deploy form was converted for ${fmtShape(this.reshapeSize)} (from the example input), got ${fmtShape(x.shape)}; convert again with an example of this size`);
    }
    return ops.reshape(x, this.reshapeSize);
  }
  override extraRepr(): string { return `reshape_size=(${this.reshapeSize.join(', ')})`; }
}

/** x * layer(x). */
export class _SkipConnectMul extends nn.Module {
  readonly layer: nn.Module;
  constructor(layer: nn.Module) {
    super();
    this.layer = this.registerModule('layer', layer);
  }
  override forward(x: Tensor): Tensor { return ops.mul(x, this.layer.forward(x)); }
}
