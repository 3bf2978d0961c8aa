// pytorchvideo.models.accelerator.mobile_cpu.efficient_x3d: X3D of efficient blocks, with
// PyTorchVideo's module names (so efficient_x3d_{xs,s}_original_form.pyth load as they are).
import { nn, ops, ArgumentError, type Tensor } from '../../runtime/index.js';
import { checkActivation, createActivation, type ActivationName } from './activation_functions.js';
import { Conv3d5x1x1BnAct, Conv3dPwBnAct, Conv3dTemporalKernel1BnAct } from './convolutions.js';
import { FullyConnected } from './fully_connected.js';
import { AdaptiveAvgPool3dOutSize1 } from './pool.js';
import { X3dBottleneckBlock } from './residual_blocks.js';

export type X3dExpansion = 'XS' | 'S' | 'M' | 'L';

export interface EfficientX3dOptions {
  numClasses?: number;
  /** Dropout before the projection, in training. */
  dropout?: number;
  /** 'XS', 'S' and 'M' share one network (they differ in input size); 'L' is deeper. */
  expansion?: X3dExpansion;
  /** Activation applied to the logits in eval mode (a supportedActFunctions name). */
  headAct?: ActivationName;
  enableHead?: boolean;
}

// [input width, bottleneck width, output width, depth, depth for 'L'] of res2..res5.
const STAGES = [[24, 54, 24, 3, 5], [24, 108, 48, 5, 10], [48, 216, 96, 11, 25], [96, 432, 192, 7, 15]];

export class EfficientX3d extends nn.Module {
  readonly enableHead: boolean;
  readonly stages: nn.Module[] = [];
  readonly head: nn.Module | null = null;
  readonly dropout: nn.Module | null = null;
  readonly projection: FullyConnected | null = null;
  readonly act: nn.Module | null = null;

  constructor(o: EfficientX3dOptions = {}) {
    super();
    const { numClasses = 400, dropout = 0.5, expansion = 'XS', headAct = 'identity', enableHead = true } = o;
    if (!['XS', 'S', 'M', 'L'].includes(expansion)) throw new ArgumentError(`EfficientX3d: expansion ${JSON.stringify(expansion)} not supported ('XS', 'S', 'M' or 'L')`);
    checkActivation(headAct, 'EfficientX3d');
    this.stages.push(this.registerModule('s1', new nn.Sequential({
      pathway0_stem_conv_xy: new Conv3dTemporalKernel1BnAct(3, 24, {
        bias: false, groups: 1, spatialKernel: 3, spatialStride: 2, spatialPadding: 1, activation: 'identity', useBn: false,
      }),
      pathway0_stem_conv: new Conv3d5x1x1BnAct(24, 24, { bias: false, groups: 24, useBn: true }),
    })));
    STAGES.forEach(([dimIn, dimMid, dimOut, depth, depthL], s) => {
      const blocks: Record<string, nn.Module> = {};
      for (let i = 0; i < (expansion === 'L' ? depthL : depth); i++) {
        blocks[`pathway0_res${i}`] = new X3dBottleneckBlock({
          inChannels: i === 0 ? dimIn : dimOut, midChannels: dimMid, outChannels: dimOut, useResidual: true,
          spatialStride: i === 0 ? 2 : 1, seRatio: i % 2 === 0 ? 0.0625 : 0, actFunctions: ['relu', 'swish', 'relu'], useBn: [true, true, true],
        });
      }
      this.stages.push(this.registerModule(`s${s + 2}`, new nn.Sequential(blocks)));
    });
    this.enableHead = enableHead;
    if (enableHead) {
      this.head = this.registerModule('head', new nn.Sequential({
        conv_5: new Conv3dPwBnAct(192, 432, { bias: false, useBn: true }),
        avg_pool: new AdaptiveAvgPool3dOutSize1(),
        lin_5: new Conv3dPwBnAct(432, 2048, { bias: false, useBn: false }),
      }));
      if (dropout > 0) this.dropout = this.registerModule('dropout', new nn.Dropout(dropout));
      this.projection = this.registerModule('projection', new FullyConnected(2048, numClasses, { bias: true }));
      this.act = this.registerModule('act', createActivation(headAct, 'EfficientX3d'));
    }
  }

  /** [N, 3, T, H, W] -> logits [N, numClasses] (or the res5 features without the head). */
  override forward(x: Tensor): Tensor {
    for (const s of this.stages) x = s.forward(x);
    if (!this.head) return x;
    x = this.head.forward(x);
    x = ops.permute(x, [0, 2, 3, 4, 1]);  // [N, C, T, H, W] -> [N, T, H, W, C]
    if (this.dropout) x = this.dropout.forward(x);
    x = this.projection!.forward(x);
    // Fully convolutional inference: activation, then the mean over T, H, W.
    if (!this.training) x = ops.mean(this.act!.forward(x), [1, 2, 3]);
    return ops.reshape(x, [x.shape[0], -1]);
  }
}

/** PyTorchVideo's efficient_x3d.create_x3d (the zoo's efficient_x3d_xs / _s builder). */
export function createEfficientX3d(o: EfficientX3dOptions = {}): EfficientX3d {
  return new EfficientX3d(o);
}
