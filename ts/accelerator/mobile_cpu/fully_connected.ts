// pytorchvideo.layers.accelerator.mobile_cpu.fully_connected.
import { nn } from '../../runtime/index.js';
import { NoOpConvertBlock } from '../efficient_blocks.js';

/** nn.Linear as an efficient block (keys `model.weight`, `model.bias`; unchanged by convert). */
export class FullyConnected extends NoOpConvertBlock {
  constructor(inFeatures: number, outFeatures: number, o: { bias?: boolean } = {}) {
    super(new nn.Linear(inFeatures, outFeatures, { bias: o.bias ?? true }));
  }
}
