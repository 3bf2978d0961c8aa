// pytorchvideo.layers.drop_path: stochastic depth. In training each sample's residual branch is
// kept with probability 1 - p (and scaled by 1 / (1 - p)); in eval it is the identity. The draw
// uses vidwasm's seeded generator (manualSeed), one uniform per sample, as PyTorchVideo draws
// floor(keep + U[0, 1)) per sample.
import { nn, ops, Tensor, ArgumentError } from '../../runtime/index.js';

export function dropPath(x: Tensor, dropProb = 0.0, training = false): Tensor {
  if (!(dropProb >= 0 && dropProb <= 1)) throw new ArgumentError(`dropPath: drop probability must be in [0, 1], got ${dropProb}`);
  if (dropProb === 0 || !training) return x;
  const keep = 1 - dropProb;
  const B = x.shape[0];
  const u = Tensor.rand([B]);
  const draws = u.toArray() as Float32Array;
  u.dispose();
  // keep == 0 drops everything (PyTorch would compute 0 * inf = nan; we return zeros instead).
  const scale = new Float32Array(B);
  for (let i = 0; i < B; i++) scale[i] = keep > 0 ? Math.floor(keep + draws[i]) / keep : 0;
  const mask = Tensor.from(scale, [B, ...Array(x.rank - 1).fill(1)]);
  // mask is saved by mul's autograd node, so it lives as long as the graph (the caller's tidy).
  return ops.mul(x, mask);
}

export class DropPath extends nn.Module {
  constructor(readonly dropProb = 0.0) {
    super();
    if (!(dropProb >= 0 && dropProb <= 1)) throw new ArgumentError(`DropPath: drop probability must be in [0, 1], got ${dropProb}`);
  }
  override forward(x: Tensor): Tensor { return dropPath(x, this.dropProb, this.training); }
  override extraRepr(): string { return `drop_prob=${this.dropProb}`; }
}
