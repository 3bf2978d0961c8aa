// pytorchvideo.layers.convolutions.Conv2plus1d: conv_t -> norm -> activation -> conv_xy.
// (In X3D's stem conv_t holds the spatial 1x3x3 conv and conv_xy the temporal one: the names
// are PyTorchVideo's, kept because they are the checkpoint keys.)
import { nn, type Tensor } from '../../runtime/index.js';
import { maybe } from '../factories.js';

type Module = InstanceType<typeof nn.Module>;

export class Conv2plus1d extends nn.Module {
  constructor({ convT = null, norm = null, activation = null, convXy = null }:
    { convT?: Module | null; norm?: Module | null; activation?: Module | null; convXy?: Module | null }) {
    super();
    this.registerModule('conv_t', convT);
    this.registerModule('norm', norm);
    this.registerModule('activation', activation);
    this.registerModule('conv_xy', convXy);
  }
  override forward(x: Tensor): Tensor {
    for (const k of ['conv_t', 'norm', 'activation', 'conv_xy']) x = maybe(this.getAttr(k) as Module | null, x);
    return x;
  }
}
