// The module trees of test/golden/gen_nn.py, built with vidwasm.nn: their keys, order and repr
// must equal PyTorch's. Class names match the Python ones (the repr prints them).
import { nn } from '../../ts/node.js';

export function smallNet(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv3d(3, 4, 3, { padding: 1 }),
    new nn.BatchNorm3d(4),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool3d(1),
    new nn.Flatten(),
    new nn.Linear(4, 2),
  );
}

// PyTorchVideo-shaped: snake_case keys (conv_a, norm_a, res_blocks, ...) from camelCase fields.
export class ResNetBasicStem extends nn.Module {
  conv = this.registerModule('conv', new nn.Conv3d(3, 8, [1, 7, 7], { stride: [1, 2, 2], padding: [0, 3, 3], bias: false }));
  norm = this.registerModule('norm', new nn.BatchNorm3d(8));
  activation = this.registerModule('activation', new nn.ReLU());
  pool = this.registerModule('pool', new nn.MaxPool3d([1, 3, 3], { stride: [1, 2, 2], padding: [0, 1, 1] }));
}

export class BottleneckBlock extends nn.Module {
  convA: nn.Conv3d; normA: nn.BatchNorm3d; actA: nn.ReLU;
  convB: nn.Conv3d; normB: nn.BatchNorm3d; actB: nn.ReLU;
  convC: nn.Conv3d; normC: nn.BatchNorm3d;
  constructor(dimIn: number, dimInner: number, dimOut: number) {
    super();
    this.convA = this.registerModule('conv_a', new nn.Conv3d(dimIn, dimInner, [3, 1, 1], { padding: [1, 0, 0], bias: false }));
    this.normA = this.registerModule('norm_a', new nn.BatchNorm3d(dimInner));
    this.actA = this.registerModule('act_a', new nn.ReLU());
    this.convB = this.registerModule('conv_b', new nn.Conv3d(dimInner, dimInner, [1, 3, 3], { padding: [0, 1, 1], bias: false }));
    this.normB = this.registerModule('norm_b', new nn.BatchNorm3d(dimInner));
    this.actB = this.registerModule('act_b', new nn.ReLU());
    this.convC = this.registerModule('conv_c', new nn.Conv3d(dimInner, dimOut, 1, { bias: false }));
    this.normC = this.registerModule('norm_c', new nn.BatchNorm3d(dimOut));
  }
}

export class ResBlock extends nn.Module {
  branch1Conv: nn.Conv3d | null = null;
  branch1Norm: nn.BatchNorm3d | null = null;
  branch2: BottleneckBlock;
  activation: nn.ReLU;
  constructor(dimIn: number, dimInner: number, dimOut: number, branch1: boolean) {
    super();
    if (branch1) {
      this.branch1Conv = this.registerModule('branch1_conv', new nn.Conv3d(dimIn, dimOut, 1, { bias: false }));
      this.branch1Norm = this.registerModule('branch1_norm', new nn.BatchNorm3d(dimOut));
    }
    this.branch2 = this.registerModule('branch2', new BottleneckBlock(dimIn, dimInner, dimOut));
    this.activation = this.registerModule('activation', new nn.ReLU());
  }
}

export class ResStage extends nn.Module {
  resBlocks = this.registerModule('res_blocks', new nn.ModuleList([new ResBlock(8, 4, 16, true), new ResBlock(16, 4, 16, false)]));
}

export class ResNetBasicHead extends nn.Module {
  pool = this.registerModule('pool', new nn.AvgPool3d([2, 7, 7], { stride: [1, 1, 1] }));
  dropout = this.registerModule('dropout', new nn.Dropout(0.5));
  proj = this.registerModule('proj', new nn.Linear(16, 10));
  outputPool = this.registerModule('output_pool', new nn.AdaptiveAvgPool3d(1));
}

export class Net extends nn.Module {
  blocks = this.registerModule('blocks', new nn.ModuleList<nn.Module>([new ResNetBasicStem(), new ResStage(), new ResNetBasicHead()]));
}

export class Odds extends nn.Module {
  constructor() {
    super();
    this.registerModule('bn_plain', new nn.BatchNorm3d(3, { affine: false }));
    this.registerModule('bn_stateless', new nn.BatchNorm1d(5, { trackRunningStats: false, momentum: null, eps: 1e-3 }));
    this.registerModule('ln', new nn.LayerNorm([4, 6], { eps: 1e-6 }));
    const shared = new nn.Linear(6, 6, { bias: false });
    this.registerModule('path', new nn.Sequential({ fc: shared, act: new nn.Sigmoid(), drop: new nn.Dropout(0.1) }));
    this.registerModule('tied', shared);
    this.registerModule('conv2d', new nn.Conv2d(4, 6, [3, 5], { stride: 2, padding: [1, 2], dilation: [1, 2], groups: 2 }));
    this.registerModule('softmax', new nn.Softmax(1));
    this.registerModule('empty', new nn.Identity());
  }
}

export const trees: Record<string, () => nn.Module> = {
  small_net: smallNet,
  pytorchvideo_like: () => new Net(),
  odds: () => new Odds(),
};
