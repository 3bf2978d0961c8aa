// torch.nn.MultiheadAttention (the packed-projection form: query, key and value share embedDim),
// with PyTorch's state-dict keys in_proj_weight, in_proj_bias, out_proj.weight, out_proj.bias.
// Sequences are [L, N, E] (or [N, L, E] with batchFirst). Masks follow PyTorch: a boolean (u8)
// keyPaddingMask [N, S] is true where a key is padding (ignored); an attnMask [L, S] or
// [N*heads, L, S] is boolean (true = not allowed) or float (added to the scores).
import { nn, ops, Tensor, ArgumentError, ShapeError, fmtShape } from '../../runtime/index.js';

export interface MultiheadAttentionOptions {
  dropout?: number;
  bias?: boolean;
  addBiasKv?: boolean;
  addZeroAttn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  batchFirst?: boolean;
}

export interface MultiheadAttentionCallOptions {
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
}

/** A -inf / 0 float tensor from a boolean-like mask (nonzero = masked); float masks are copied as they are. */
function additiveMask(m: Tensor, shape: number[]): Tensor {
  const src = m.toArray() as ArrayLike<number>;
  const out = new Float32Array(src.length);
  if (m.dtype === 'f32') out.set(src);
  else for (let i = 0; i < src.length; i++) out[i] = src[i] ? -Infinity : 0;
  return Tensor.from(out, shape);
}

export class MultiheadAttention extends nn.Module {
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly outProj: InstanceType<typeof nn.Linear>;
  constructor(readonly embedDim: number, readonly numHeads: number, o: MultiheadAttentionOptions = {}) {
    super();
    const { dropout = 0.0, bias = true, addBiasKv = false, addZeroAttn = false, kdim = null, vdim = null, batchFirst = false } = o;
    if (!Number.isInteger(embedDim) || !Number.isInteger(numHeads) || numHeads <= 0 || embedDim % numHeads !== 0) {
      throw new ArgumentError(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    }
    if (addBiasKv || addZeroAttn || (kdim !== null && kdim !== embedDim) || (vdim !== null && vdim !== embedDim)) {
      throw new ArgumentError('MultiheadAttention: addBiasKv, addZeroAttn and kdim / vdim other than embedDim are not supported');
    }
    this.headDim = embedDim / numHeads;
    this.dropout = dropout;
    this.batchFirst = batchFirst;
    // PyTorch's init: xavier_uniform_ in-projection, zero biases; out_proj is a Linear with a zero bias.
    const w = Tensor.empty([3 * embedDim, embedDim]);
    nn.init.xavierUniform_(w);
    this.registerParameter('in_proj_weight', w);
    this.registerParameter('in_proj_bias', bias ? Tensor.zeros([3 * embedDim]) : null);
    this.outProj = this.registerModule('out_proj', new nn.Linear(embedDim, embedDim, { bias }));
    if (this.outProj.bias) nn.init.zeros_(this.outProj.bias);
  }

  /** Returns [attention output (same layout as query), attention weights or null]. */
  override forward(query: Tensor, key: Tensor, value: Tensor, o: MultiheadAttentionCallOptions = {}): [Tensor, Tensor | null] {
    const { keyPaddingMask = null, needWeights = true, attnMask = null, averageAttnWeights = true } = o;
    const name = `MultiheadAttention(${this.embedDim}, heads=${this.numHeads})`;
    const E = this.embedDim, H = this.numHeads, hd = this.headDim;
    for (const [what, t] of [['query', query], ['key', key], ['value', value]] as const) {
      if (!(t instanceof Tensor) || t.rank !== 3 || t.shape[2] !== E) {
        throw new ShapeError(`${name}: ${what} must be [${this.batchFirst ? 'N, L' : 'L, N'}, ${E}], got ${t instanceof Tensor ? fmtShape(t.shape) : typeof t}`);
      }
    }
    // Work batch-first: [N, L, E].
    const bf = (t: Tensor) => (this.batchFirst ? t : ops.transpose(t, 0, 1));
    const q0 = bf(query), k0 = bf(key), v0 = bf(value);
    const [N, L] = q0.shape, S = k0.shape[1];
    if (k0.shape[0] !== N || v0.shape[0] !== N || v0.shape[1] !== S) {
      throw new ShapeError(`${name}: query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} disagree on batch or source length`);
    }
    const w = this.getAttr('in_proj_weight') as Tensor, b = this.getAttr('in_proj_bias') as Tensor | null;
    const proj = (x: Tensor, i: number) => {
      const wi = ops.slice(w, 0, i * E, (i + 1) * E), bi = b ? ops.slice(b, 0, i * E, (i + 1) * E) : null;
      // [N, len, E] -> [N, H, len, hd]
      return ops.permute(ops.reshape(ops.linear(x, wi, bi), [N, x.shape[1], H, hd]), [0, 2, 1, 3]);
    };
    const q = ops.div(proj(q0, 0), Math.sqrt(hd));
    const k = proj(k0, 1), v = proj(v0, 2);
    let scores = ops.matmul(q, ops.transpose(k, -2, -1));  // [N, H, L, S]
    if (attnMask) {
      const ok2 = attnMask.rank === 2 && attnMask.shape[0] === L && attnMask.shape[1] === S;
      const ok3 = attnMask.rank === 3 && attnMask.shape[0] === N * H && attnMask.shape[1] === L && attnMask.shape[2] === S;
      if (!ok2 && !ok3) throw new ShapeError(`${name}: attnMask must be [${L}, ${S}] or [${N * H}, ${L}, ${S}], got ${fmtShape(attnMask.shape)}`);
      scores = ops.add(scores, additiveMask(attnMask, ok2 ? [1, 1, L, S] : [N, H, L, S]));
    }
    if (keyPaddingMask) {
      if (keyPaddingMask.rank !== 2 || keyPaddingMask.shape[0] !== N || keyPaddingMask.shape[1] !== S) {
        throw new ShapeError(`${name}: keyPaddingMask must be [${N}, ${S}] (batch, source length), got ${fmtShape(keyPaddingMask.shape)}`);
      }
      scores = ops.add(scores, additiveMask(keyPaddingMask, [N, 1, 1, S]));
    }
    let attn = ops.softmax(scores, -1);
    if (this.dropout > 0 && this.training) attn = nn.dropout(attn, this.dropout, true);
    const ctx = ops.reshape(ops.transpose(ops.matmul(attn, v), 1, 2), [N, L, E]);  // [N, L, E]
    let out = this.outProj.forward(ctx);
    if (!this.batchFirst) out = ops.transpose(out, 0, 1);
    const weights = !needWeights ? null : averageAttnWeights ? ops.mean(attn, 1) : attn;
    return [out, weights];
  }
  override extraRepr(): string { return `embed_dim=${this.embedDim}, num_heads=${this.numHeads}`; }
}
