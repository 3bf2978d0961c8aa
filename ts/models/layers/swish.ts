// pytorchvideo.layers.swish: x * sigmoid(x) (ops.silu, whose gradient matches Swish's).
import { nn, ops, type Tensor } from '../../runtime/index.js';

export class Swish extends nn.Module {
  override forward(x: Tensor): Tensor { return ops.silu(x); }
}
export const swish = (): Swish => new Swish();
