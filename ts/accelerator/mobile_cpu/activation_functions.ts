// pytorchvideo.layers.accelerator.mobile_cpu.activation_functions: the activations efficient
// blocks take by name (supportedActFunctions). Each wraps the plain layer as `act`; convert()
// leaves them as they are: our Swish is one native kernel (PyTorchVideo swaps its custom-op Swish
// for x * sigmoid(x) only because PyTorch Mobile cannot run the custom op), and ReLU is fused
// into the preceding pointwise conv by that block's own convert().
import { nn, ArgumentError, type Tensor } from '../../runtime/index.js';
import { Swish as SwishLayer } from '../../models/index.js';
import { EfficientBlockBase } from '../efficient_blocks.js';

abstract class Activation extends EfficientBlockBase {
  readonly act: nn.Module;
  constructor(act: nn.Module) {
    super();
    this.act = this.registerModule('act', act);
  }
  override forward(x: Tensor): Tensor { return this.act.forward(x); }
  override convert(): void {}
}

export class ReLU extends Activation {
  constructor() { super(new nn.ReLU({ inplace: true })); }
}
export class Swish extends Activation {
  constructor() { super(new SwishLayer()); }
}
export class HardSwish extends Activation {
  constructor() { super(new nn.Hardswish()); }
}
export class Identity extends Activation {
  constructor() { super(new nn.Identity()); }
}

export const supportedActFunctions = { relu: ReLU, swish: Swish, hswish: HardSwish, identity: Identity } as const;
export type ActivationName = keyof typeof supportedActFunctions;

/** `name` if it is a supportedActFunctions key; ArgumentError naming the supported ones otherwise. */
export function checkActivation(name: string, where: string): ActivationName {
  if (typeof name !== 'string' || !Object.hasOwn(supportedActFunctions, name)) {
    throw new ArgumentError(`${where}: activation '${name}' is not in supportedActFunctions (${Object.keys(supportedActFunctions).join(', ')})`);
  }
  return name as ActivationName;
}

/** A new activation block by name (checked first, so a bad name allocates nothing). */
export function createActivation(name: string, where: string): Activation {
  return new supportedActFunctions[checkActivation(name, where)]();
}
