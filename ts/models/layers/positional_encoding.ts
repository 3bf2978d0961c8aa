// pytorchvideo.layers.positional_encoding: the fixed sinusoidal PositionalEncoding (buffer "pe")
// and SpatioTemporalClsPositionalEncoding (learned cls token and joint or separable
// spatial/temporal position embeddings, as MViT uses).
import { nn, ops, Tensor, ArgumentError, ShapeError, fmtShape } from '../../runtime/index.js';

/** x + pe[:, :seq_len]; pe[pos, 2i] = sin(pos / 10000^(2i/E)), pe[pos, 2i+1] = cos(...). */
export class PositionalEncoding extends nn.Module {
  constructor(readonly embedDim: number, readonly seqLen = 1024) {
    super();
    const pe = new Float32Array(seqLen * embedDim);
    const f = Math.fround;
    // float32 steps like PyTorch's construction, so the buffer matches its values.
    const scale = f(-Math.log(10000.0) / embedDim);
    for (let i = 0; 2 * i < embedDim; i++) {
      const div = f(Math.exp(f(2 * i * scale)));
      for (let p = 0; p < seqLen; p++) {
        const a = f(p * div);
        pe[p * embedDim + 2 * i] = Math.sin(a);
        if (2 * i + 1 < embedDim) pe[p * embedDim + 2 * i + 1] = Math.cos(a);
      }
    }
    this.registerBuffer('pe', Tensor.from(pe, [1, seqLen, embedDim]));
  }
  override forward(x: Tensor): Tensor {
    const pe = this.getAttr('pe') as Tensor;
    if (x.rank !== 3 || x.shape[2] !== this.embedDim || x.shape[1] > pe.shape[1]) {
      throw new ShapeError(`PositionalEncoding(${this.embedDim}, seqLen=${pe.shape[1]}): expected input [N, L <= ${pe.shape[1]}, ${this.embedDim}], got ${fmtShape(x.shape)}`);
    }
    return ops.add(x, ops.slice(pe, 1, 0, x.shape[1]));
  }
}

export interface SpatioTemporalClsPositionalEncodingOptions { sepPosEmbed?: boolean; hasCls?: boolean }

/** Prepends a cls token (hasCls) and adds position embeddings over the T*H*W patches. */
export class SpatioTemporalClsPositionalEncoding extends nn.Module {
  readonly clsEmbedOn: boolean;
  readonly sepPosEmbed: boolean;
  readonly numSpatialPatch: number;
  readonly numTemporalPatch: number;
  constructor(readonly embedDim: number, readonly patchEmbedShape: number[], o: SpatioTemporalClsPositionalEncodingOptions = {}) {
    super();
    if (!Array.isArray(patchEmbedShape) || patchEmbedShape.length !== 3) {
      throw new ArgumentError(`SpatioTemporalClsPositionalEncoding: patchEmbedShape must be [T, H, W], got ${JSON.stringify(patchEmbedShape)}`);
    }
    this.clsEmbedOn = o.hasCls ?? true;
    this.sepPosEmbed = o.sepPosEmbed ?? false;
    this.numSpatialPatch = patchEmbedShape[1] * patchEmbedShape[2];
    this.numTemporalPatch = patchEmbedShape[0];
    const zeros = (n: number) => nn.parameter(Tensor.zeros([1, n, embedDim]));
    // Registration order = PyTorch's attribute order = state-dict order.
    if (this.clsEmbedOn) this.registerParameter('cls_token', zeros(1));
    if (this.sepPosEmbed) {
      this.registerParameter('pos_embed_spatial', zeros(this.numSpatialPatch));
      this.registerParameter('pos_embed_temporal', zeros(this.numTemporalPatch));
      if (this.clsEmbedOn) this.registerParameter('pos_embed_class', zeros(1));
    } else {
      this.registerParameter('pos_embed', zeros(this.numSpatialPatch * this.numTemporalPatch + (this.clsEmbedOn ? 1 : 0)));
    }
  }
  override forward(x: Tensor): Tensor {
    const n = this.numSpatialPatch * this.numTemporalPatch;
    if (x.rank !== 3 || x.shape[1] !== n || x.shape[2] !== this.embedDim) {
      throw new ShapeError(`SpatioTemporalClsPositionalEncoding(${this.embedDim}, [${this.patchEmbedShape.join(', ')}]): expected input [B, ${n}, ${this.embedDim}], got ${fmtShape(x.shape)}`);
    }
    const B = x.shape[0], E = this.embedDim, T = this.numTemporalPatch, S = this.numSpatialPatch;
    const p = (k: string) => this.getAttr(k) as Tensor;
    if (this.clsEmbedOn) x = ops.cat([ops.expand(p('cls_token'), [B, 1, E]), x], 1);
    if (!this.sepPosEmbed) return ops.add(x, p('pos_embed'));
    // spatial.repeat(1, T, 1) + repeat_interleave(temporal, S, dim=1).
    const spatial = ops.reshape(ops.expand(ops.unsqueeze(p('pos_embed_spatial'), 1), [1, T, S, E]), [1, T * S, E]);
    const temporal = ops.reshape(ops.expand(ops.unsqueeze(p('pos_embed_temporal'), 2), [1, T, S, E]), [1, T * S, E]);
    let pos = ops.add(spatial, temporal);
    if (this.clsEmbedOn) pos = ops.cat([p('pos_embed_class'), pos], 1);
    return ops.add(x, pos);
  }
}
