// pytorchvideo.models.simclr.SimCLR: two augmented views through the backbone and the MLP
// projector, L2-normalised; the NT-Xent loss is the cross-entropy of view-1 embeddings against
// all view-2 embeddings (cosine similarity / temperature), the matching row being the target.
// Single process: PyTorchVideo's all-gather of view 2 is the identity and the targets are 0..N-1.
import { nn, ops, Tensor, ShapeError, ArgumentError, fmtShape } from '../../runtime/index.js';
import { normalize } from './common.js';

type Module = InstanceType<typeof nn.Module>;

export class SimCLR extends nn.Module {
  readonly mlp: Module;
  readonly backbone: Module | null;
  temperature: number;
  constructor({ mlp, backbone = null, temperature = 0.07 }: { mlp: Module; backbone?: Module | null; temperature?: number }) {
    super();
    if (!(temperature > 0)) throw new ArgumentError(`SimCLR: temperature must be > 0, got ${temperature}`);
    // PyTorchVideo's attribute order (set_attributes(self, locals())): mlp, then backbone.
    this.mlp = this.registerModule('mlp', mlp);
    this.backbone = this.registerModule('backbone', backbone);
    this.temperature = temperature;
  }

  /** The normalised projection of one view: backbone (if any) -> mlp -> L2 normalise over dim 1. */
  embed(x: Tensor): Tensor {
    const h = this.backbone ? this.backbone.forward(x) : x;
    return normalize(this.mlp.forward(h), 1);
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    const z1 = this.embed(x1), z2 = this.embed(x2);
    if (z1.rank !== 2 || z2.rank !== 2 || z1.shape[1] !== z2.shape[1]) {
      throw new ShapeError(`SimCLR: the projections must be [N, C] with the same C, got ${fmtShape(z1.shape)} and ${fmtShape(z2.shape)}`);
    }
    const n = z1.shape[0];
    // prod[i, k] = <z1_i, z2_k> / T (einsum "nc,kc->nk").
    const prod = ops.div(ops.matmul(z1, ops.transpose(z2, 0, 1)), this.temperature);
    // Targets are saved by the loss for backward: left to the caller's tidy() like every intermediate.
    return ops.crossEntropy(prod, Tensor.arange(n, 'i32'));
  }
  override extraRepr(): string { return `temperature=${this.temperature}`; }
}
