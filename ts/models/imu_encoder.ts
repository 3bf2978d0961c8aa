// A small 1-D convolutional IMU encoder: [N, 6, M] (accelerometer and gyroscope channels at a
// fixed rate, data.ResampleImu's layout) -> features [N, dimOut]. Stages of temporal conv
// (stride 2, 'same' padding) -> BatchNorm -> ReLU, then the mean over time. The 1-D convs run
// as Conv3d with (k, 1, 1) kernels on [N, C, M, 1, 1], so they use the conv3d kernels (and
// their (kt, 1, 1) lowering to shifted GEMMs).
import { nn, ops, ShapeError, ArgumentError, fmtShape, type Tensor } from '../runtime/index.js';

export interface ImuEncoderOptions {
  /** Input channels. Default 6 (accl x/y/z, gyro x/y/z). */
  inChannels?: number;
  /** Output channels of each stage. Default [16, 32]. */
  stageDims?: number[];
  /** Temporal kernel size of every stage (odd). Default 5. */
  kernelSize?: number;
  /** Temporal stride of every stage. Default 2. */
  stride?: number;
}

export class ImuEncoder extends nn.Module {
  readonly inChannels: number;
  /** Features out (the last stage's width). */
  readonly dimOut: number;
  private readonly stages: InstanceType<typeof nn.Sequential>;

  constructor(o: ImuEncoderOptions = {}) {
    super();
    const { inChannels = 6, stageDims = [16, 32], kernelSize = 5, stride = 2 } = o;
    if (!(Number.isInteger(kernelSize) && kernelSize % 2 === 1)) throw new ArgumentError(`ImuEncoder: kernelSize must be odd, got ${kernelSize}`);
    if (!stageDims.length || !stageDims.every((d) => Number.isInteger(d) && d > 0)) throw new ArgumentError(`ImuEncoder: stageDims must be positive integers, got ${JSON.stringify(stageDims)}`);
    this.inChannels = inChannels;
    this.dimOut = stageDims[stageDims.length - 1];
    const layers: InstanceType<typeof nn.Module>[] = [];
    let c = inChannels;
    for (const d of stageDims) {
      layers.push(
        new nn.Conv3d(c, d, [kernelSize, 1, 1], { stride: [stride, 1, 1], padding: [kernelSize >> 1, 0, 0], bias: false }),
        new nn.BatchNorm3d(d), new nn.ReLU(),
      );
      c = d;
    }
    this.stages = this.registerModule('stages', new nn.Sequential(...layers));
  }

  override forward(x: Tensor): Tensor {
    if (x.rank !== 3 || x.shape[1] !== this.inChannels) throw new ShapeError(`ImuEncoder: expected [N, ${this.inChannels}, M], got ${fmtShape(x.shape)}`);
    const [n, c, m] = x.shape;
    const y = this.stages.forward(ops.reshape(x, [n, c, m, 1, 1])) as Tensor;
    return ops.reshape(ops.mean(y, [2, 3, 4]), [n, this.dimOut]);
  }
}

export function createImuEncoder(o: ImuEncoderOptions = {}): ImuEncoder { return new ImuEncoder(o); }
