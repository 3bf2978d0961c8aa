// pytorchvideo.accelerator.efficient_blocks: the base class of every efficient block, and the
// wrapper for layers whose deploy form is themselves.
//
// An efficient block has two forms. The original form (as constructed) trains: forward and
// backward are exactly those of the plain layers it holds, and its state-dict keys are
// PyTorchVideo's. convert(inputBlobSize) turns it, in place and once, into the deploy form:
// arithmetically the same function, with BatchNorm folded, activations fused and kernels
// chosen for the input size it will see. convertToDeployableForm() calls convert() on every
// efficient block of a model with the sizes an example input produces.
import { nn, type Tensor } from '../runtime/index.js';
import { ConversionError } from './errors.js';

export abstract class EfficientBlockBase extends nn.Module {
  /** True once convert() has run (PyTorchVideo's convert_flag). */
  convertFlag = false;

  /** Converts this block into its deploy form for inputs of shape `inputBlobSize` ([N, C, T, H, W]). */
  abstract convert(inputBlobSize: readonly number[]): void;

  /** Guards convert(): a block converts once (its weights are folded after that). */
  protected beginConvert(): void {
    if (this.convertFlag) throw new ConversionError(`${this.typeName}: already converted, cannot be converted again`);
    this.convertFlag = true;
  }
}

/** Wraps a layer that is already efficient: convert() changes nothing (key prefix `model.`). */
export class NoOpConvertBlock extends EfficientBlockBase {
  readonly model: nn.Module;
  constructor(model: nn.Module) {
    super();
    this.model = this.registerModule('model', model);
  }
  override convert(): void {}
  override forward(x: Tensor): Tensor { return this.model.forward(x); }
}
