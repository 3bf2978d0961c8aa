// pytorchvideo.layers.attention: Mlp, MultiScaleAttention (attention with pooled Q/K/V: learned
// depthwise-conv pooling + norm, or avg / max pooling) and MultiScaleBlock (the MViT block).
// Tokens are [B, N, C] with N = T*H*W (+1 when a cls token leads); `thw` is the token grid.
import { nn, ops, Tensor, ArgumentError, ShapeError, fmtShape } from '../../runtime/index.js';
import { DropPath } from './drop_path.js';

type Module = InstanceType<typeof nn.Module>;
/** PyTorchVideo calls its norm layers with one positional size: `norm_layer(dim)`. */
export type DimNormFactory = (dim: number) => Module;
export type PoolMode = 'conv' | 'avg' | 'max';

export const layerNormFactory = (eps = 1e-5): DimNormFactory => (dim) => new nn.LayerNorm(dim, { eps });
export const GELUFactory = (): Module => new nn.GELU();

const prod = (a: readonly number[]) => a.reduce((p, v) => p * v, 1);
const half = (k: readonly number[]) => k.map((s) => Math.floor(s / 2));

/** Linear -> activation [-> dropout] -> Linear [-> dropout] (keys fc1, fc2). */
export class Mlp extends nn.Module {
  readonly dropoutRate: number;
  readonly fc1: InstanceType<typeof nn.Linear>;
  readonly act: Module;
  readonly fc2: InstanceType<typeof nn.Linear>;
  readonly dropout: Module | null;
  constructor({ inFeatures, hiddenFeatures = null, outFeatures = null, actLayer = GELUFactory, dropoutRate = 0.0, biasOn = true }: {
    inFeatures: number; hiddenFeatures?: number | null; outFeatures?: number | null; actLayer?: () => Module; dropoutRate?: number; biasOn?: boolean;
  }) {
    super();
    this.dropoutRate = dropoutRate;
    // `x or in_features`: 0 means "default" too, as in Python.
    const out = outFeatures || inFeatures, hidden = hiddenFeatures || inFeatures;
    this.fc1 = this.registerModule('fc1', new nn.Linear(inFeatures, hidden, { bias: biasOn }));
    this.act = this.registerModule('act', actLayer());
    this.fc2 = this.registerModule('fc2', new nn.Linear(hidden, out, { bias: biasOn }));
    this.dropout = this.registerModule('dropout', dropoutRate > 0 ? new nn.Dropout(dropoutRate) : null);
  }
  override forward(x: Tensor): Tensor {
    x = this.act.forward(this.fc1.forward(x));
    if (this.dropout) x = this.dropout.forward(x);
    x = this.fc2.forward(x);
    if (this.dropout) x = this.dropout.forward(x);
    return x;
  }
}

/**
 * _attention_pool: pools a token tensor [B, N, L, C] (or [B, L, C]) over its T x H x W grid,
 * leaving the cls token (if any) untouched. BatchNorm3d / Identity norms run before the pool
 * (followed by GELU, as PyTorchVideo does); other norms (LayerNorm) after it, over C.
 */
export function attentionPool(x: Tensor, pool: Module | null, thw: number[], hasClsEmbed = true, norm: Module | null = null): [Tensor, number[]] {
  if (!pool) return [x, thw];
  const rank = x.rank;
  if (rank !== 3 && rank !== 4) throw new ShapeError(`attentionPool: expected a [B, L, C] or [B, heads, L, C] input, got ${fmtShape(x.shape)}`);
  let t = rank === 3 ? ops.unsqueeze(x, 1) : x;
  let cls: Tensor | null = null;
  if (hasClsEmbed) {
    cls = ops.slice(t, 2, 0, 1);
    t = ops.slice(t, 2, 1);
  }
  const [B, N, L, C] = t.shape;
  const [T, H, W] = thw;
  if (L !== T * H * W) {
    throw new ShapeError(`attentionPool: ${L} tokens${hasClsEmbed ? ' (after the cls token)' : ''} do not form the grid [${thw.join(', ')}] (input ${fmtShape(x.shape)})`);
  }
  t = ops.permute(ops.reshape(t, [B * N, T, H, W, C]), [0, 4, 1, 2, 3]);
  const preNorm = norm instanceof nn.BatchNorm3d || norm instanceof nn.Identity;
  if (norm && preNorm) t = ops.gelu(norm.forward(t));
  t = pool.forward(t);
  const outThw = [t.shape[2], t.shape[3], t.shape[4]];
  t = ops.transpose(ops.reshape(t, [B, N, C, prod(outThw)]), 2, 3);
  if (cls) t = ops.cat([cls, t], 2);
  if (norm && !(norm instanceof nn.BatchNorm3d)) t = norm.forward(t);
  if (rank === 3) t = ops.squeeze(t, 1);
  return [t, outThw];
}

export interface MultiScaleAttentionOptions {
  numHeads?: number;
  qkvBias?: boolean;
  dropoutRate?: number;
  kernelQ?: number[] | null;
  kernelKv?: number[] | null;
  strideQ?: number[];
  strideKv?: number[];
  normLayer?: DimNormFactory;
  hasClsEmbed?: boolean;
  poolMode?: PoolMode;
  poolFirst?: boolean;
  residualPool?: boolean;
  depthwiseConv?: boolean;
  biasOn?: boolean;
  separateQkv?: boolean;
}

/** Multi-head self-attention whose Q and K/V token grids may be pooled (MViT). */
export class MultiScaleAttention extends nn.Module {
  readonly numHeads: number;
  readonly scale: number;
  readonly hasClsEmbed: boolean;
  readonly residualPool: boolean;
  readonly separateQkv: boolean;
  readonly poolFirst: boolean;
  readonly dropoutRate: number;
  readonly poolMode: PoolMode;
  constructor(readonly dim: number, o: MultiScaleAttentionOptions = {}) {
    super();
    const {
      numHeads = 8, qkvBias = false, dropoutRate = 0.0, strideQ = [1, 1, 1], strideKv = [1, 1, 1],
      normLayer = layerNormFactory(), hasClsEmbed = true, poolMode = 'conv', poolFirst = false, residualPool = true,
      depthwiseConv = true, biasOn = true, separateQkv = true,
    } = o;
    let kernelQ = o.kernelQ === undefined ? [1, 1, 1] : o.kernelQ;
    let kernelKv = o.kernelKv === undefined ? [1, 1, 1] : o.kernelKv;
    if (!['conv', 'avg', 'max'].includes(poolMode)) throw new ArgumentError(`MultiScaleAttention: poolMode must be 'conv', 'avg' or 'max', got ${JSON.stringify(poolMode)}`);
    if (!Number.isInteger(dim) || !Number.isInteger(numHeads) || numHeads <= 0 || dim % numHeads !== 0) {
      throw new ArgumentError(`MultiScaleAttention: dim (${dim}) must be a multiple of numHeads (${numHeads})`);
    }
    this.poolFirst = poolFirst;
    this.dropoutRate = dropoutRate;
    this.numHeads = numHeads;
    this.poolMode = poolMode;
    const headDim = Math.floor(dim / numHeads);
    this.scale = headDim ** -0.5;
    this.hasClsEmbed = hasClsEmbed;
    this.residualPool = residualPool;
    this.separateQkv = separateQkv;
    const paddingQ = kernelQ ? half(kernelQ) : [];
    const paddingKv = kernelKv ? half(kernelKv) : [];
    // Registration order is PyTorchVideo's attribute order (= state-dict order).
    if (poolFirst || separateQkv) {
      this.registerModule('q', new nn.Linear(dim, dim, { bias: qkvBias }));
      this.registerModule('k', new nn.Linear(dim, dim, { bias: qkvBias }));
      this.registerModule('v', new nn.Linear(dim, dim, { bias: qkvBias }));
    } else {
      this.registerModule('qkv', new nn.Linear(dim, dim * 3, { bias: qkvBias }));
    }
    this.registerModule('proj', new nn.Linear(dim, dim, { bias: biasOn }));
    if (dropoutRate > 0) this.registerModule('proj_drop', new nn.Dropout(dropoutRate));
    // A 1x1x1 kernel with stride 1 means no pooling.
    if (kernelQ && prod(kernelQ) === 1 && prod(strideQ) === 1) kernelQ = null;
    if (kernelKv && prod(kernelKv) === 1 && prod(strideKv) === 1) kernelKv = null;
    if (poolMode === 'avg' || poolMode === 'max') {
      const pool = (k: number[] | null, s: number[], p: number[]) => !k ? null
        : poolMode === 'max' ? new nn.MaxPool3d(k, { stride: s, padding: p }) : new nn.AvgPool3d(k, { stride: s, padding: p });
      this.registerModule('pool_q', pool(kernelQ, strideQ, paddingQ));
      this.registerModule('pool_k', pool(kernelKv, strideKv, paddingKv));
      this.registerModule('pool_v', pool(kernelKv, strideKv, paddingKv));
    } else {
      const conv = (k: number[] | null, s: number[], p: number[]) => !k ? null
        : new nn.Conv3d(headDim, headDim, k, { stride: s, padding: p, groups: depthwiseConv ? headDim : 1, bias: false });
      this.registerModule('pool_q', conv(kernelQ, strideQ, paddingQ));
      this.registerModule('norm_q', kernelQ ? normLayer(headDim) : null);
      this.registerModule('pool_k', conv(kernelKv, strideKv, paddingKv));
      this.registerModule('norm_k', kernelKv ? normLayer(headDim) : null);
      this.registerModule('pool_v', conv(kernelKv, strideKv, paddingKv));
      this.registerModule('norm_v', kernelKv ? normLayer(headDim) : null);
    }
  }

  private mod(name: string): Module | null { return (this.getAttr(name) as Module | null | undefined) ?? null; }

  /**
   * PyTorchVideo (state-dict version 3, May 2022) also registers each pool and norm inside an
   * `_attention_pool_{q,k,v}` module, so its state dicts hold every pool/norm tensor twice
   * (`pool_q.weight` and `_attention_pool_q.pool.weight`, BatchNorm running stats included).
   * Both load; saving writes `pool_q`/`norm_q` only, the form every PyTorchVideo version loads.
   */
  protected override stateKeyAliases(): [string, string][] {
    return ['q', 'k', 'v'].flatMap((x): [string, string][] => [[`_attention_pool_${x}.pool.`, `pool_${x}.`], [`_attention_pool_${x}.norm.`, `norm_${x}.`]]);
  }

  /** Linear projection of [B, n, C] tokens to heads [B, heads, n, C / heads]. */
  private heads(lin: string, x: Tensor): Tensor {
    const [B, n, C] = x.shape;
    return ops.permute(ops.reshape(this.mod(lin)!.forward(x), [B, n, this.numHeads, C / this.numHeads]), [0, 2, 1, 3]);
  }

  private pool3(q: Tensor, k: Tensor, v: Tensor, thw: number[]): [Tensor, number[], Tensor, Tensor] {
    const [qp, qShape] = attentionPool(q, this.mod('pool_q'), thw, this.hasClsEmbed, this.mod('norm_q'));
    const [kp] = attentionPool(k, this.mod('pool_k'), thw, this.hasClsEmbed, this.mod('norm_k'));
    const [vp] = attentionPool(v, this.mod('pool_v'), thw, this.hasClsEmbed, this.mod('norm_v'));
    return [qp, qShape, kp, vp];
  }

  /** Returns [output tokens [B, Nq, C], the output grid thw]. */
  override forward(x: Tensor, thwShape: number[]): [Tensor, number[]] {
    const cls = this.hasClsEmbed ? 1 : 0;
    if (!Array.isArray(thwShape) || thwShape.length !== 3) {
      throw new ArgumentError(`MultiScaleAttention: thwShape must be [T, H, W], got ${JSON.stringify(thwShape)}`);
    }
    if (!(x instanceof Tensor) || x.rank !== 3 || x.shape[2] !== this.dim || x.shape[1] !== prod(thwShape) + cls) {
      throw new ShapeError(`MultiScaleAttention(dim=${this.dim}, heads=${this.numHeads}): expected tokens [B, ${prod(thwShape) + cls}, ${this.dim}] for grid [${thwShape.join(', ')}]${cls ? ' + cls' : ''}, got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
    }
    const [B, N, C] = x.shape;
    const nh = this.numHeads;
    let q: Tensor, k: Tensor, v: Tensor, qShape: number[];
    if (this.poolFirst) {
      const xh = ops.permute(ops.reshape(x, [B, N, nh, C / nh]), [0, 2, 1, 3]);
      [q, qShape, k, v] = this.pool3(xh, xh, xh, thwShape);
      const seq = (t: Tensor) => ops.reshape(ops.permute(t, [0, 2, 1, 3]), [B, t.shape[2], C]);
      q = this.heads('q', seq(q));
      k = this.heads('k', seq(k));
      v = this.heads('v', seq(v));
    } else {
      if (this.separateQkv) {
        q = this.heads('q', x);
        k = this.heads('k', x);
        v = this.heads('v', x);
      } else {
        // qkv(x) [B, N, 3C] -> [3, B, heads, N, C / heads].
        const qkv = ops.permute(ops.reshape(this.mod('qkv')!.forward(x), [B, N, 3, nh, C / nh]), [2, 0, 3, 1, 4]);
        [q, k, v] = [0, 1, 2].map((i) => ops.squeeze(ops.slice(qkv, 0, i, i + 1), 0));
      }
      [q, qShape, k, v] = this.pool3(q, k, v, thwShape);
    }
    const attn = ops.softmax(ops.matmul(ops.mul(q, this.scale), ops.transpose(k, -2, -1)), -1);
    const Nq = q.shape[2];
    let o = ops.matmul(attn, v);
    if (this.residualPool) o = ops.add(o, q);
    let y = this.mod('proj')!.forward(ops.reshape(ops.transpose(o, 1, 2), [B, Nq, C]));
    const drop = this.mod('proj_drop');
    if (drop) y = drop.forward(y);
    return [y, qShape];
  }
  override extraRepr(): string { return `dim=${this.dim}, num_heads=${this.numHeads}, pool_mode=${this.poolMode}`; }
}

export interface MultiScaleBlockOptions {
  dim: number;
  dimOut: number;
  numHeads: number;
  mlpRatio?: number;
  qkvBias?: boolean;
  dropoutRate?: number;
  droppathRate?: number;
  actLayer?: () => Module;
  normLayer?: DimNormFactory;
  attnNormLayer?: DimNormFactory;
  kernelQ?: number[];
  kernelKv?: number[];
  strideQ?: number[];
  strideKv?: number[];
  poolMode?: PoolMode;
  hasClsEmbed?: boolean;
  poolFirst?: boolean;
  residualPool?: boolean;
  depthwiseConv?: boolean;
  biasOn?: boolean;
  separateQkv?: boolean;
}

/**
 * x -> x_res + DropPath(attn(norm1(x))) where x_res is x max-pooled like Q; then
 * (proj(norm2(x)) if dim changes, else x) + DropPath(mlp(norm2(x))).
 */
export class MultiScaleBlock extends nn.Module {
  readonly dim: number;
  readonly dimOut: number;
  readonly hasClsEmbed: boolean;
  readonly norm1: Module;
  readonly attn: MultiScaleAttention;
  readonly dropPath: Module;
  readonly norm2: Module;
  readonly mlp: Mlp;
  readonly proj: Module | null;
  readonly poolSkip: Module | null;
  constructor(o: MultiScaleBlockOptions) {
    super();
    const {
      dim, dimOut, numHeads, mlpRatio = 4.0, qkvBias = false, dropoutRate = 0.0, droppathRate = 0.0, actLayer = GELUFactory,
      normLayer = layerNormFactory(), attnNormLayer = layerNormFactory(), kernelQ = [1, 1, 1], kernelKv = [1, 1, 1],
      strideQ = [1, 1, 1], strideKv = [1, 1, 1], poolMode = 'conv', hasClsEmbed = true, poolFirst = false,
      residualPool = false, depthwiseConv = true, biasOn = true, separateQkv = true,
    } = o;
    this.dim = dim;
    this.dimOut = dimOut;
    this.norm1 = this.registerModule('norm1', normLayer(dim));
    const kernelSkip = strideQ.map((s) => (s > 1 ? s + 1 : s));
    this.attn = this.registerModule('attn', new MultiScaleAttention(dim, {
      numHeads, qkvBias, dropoutRate, kernelQ, kernelKv, strideQ, strideKv, normLayer: attnNormLayer, hasClsEmbed,
      poolMode, poolFirst, residualPool, biasOn, depthwiseConv, separateQkv,
    }));
    this.dropPath = this.registerModule('drop_path', droppathRate > 0 ? new DropPath(droppathRate) : new nn.Identity());
    this.norm2 = this.registerModule('norm2', normLayer(dim));
    this.hasClsEmbed = hasClsEmbed;
    // int(dim * mlp_ratio) truncates.
    this.mlp = this.registerModule('mlp', new Mlp({
      inFeatures: dim, hiddenFeatures: Math.trunc(dim * mlpRatio), outFeatures: dimOut, actLayer, dropoutRate, biasOn,
    }));
    this.proj = this.registerModule('proj', dim !== dimOut ? new nn.Linear(dim, dimOut, { bias: biasOn }) : null);
    this.poolSkip = this.registerModule('pool_skip', strideQ.length > 0 && prod(strideQ) > 1
      ? new nn.MaxPool3d(kernelSkip, { stride: strideQ, padding: half(kernelSkip) }) : null);
  }

  private norm(n: Module, x: Tensor): Tensor {
    // BatchNorm1d normalises channels: [B, N, C] -> [B, C, N] and back.
    return n instanceof nn.BatchNorm1d ? ops.permute(n.forward(ops.permute(x, [0, 2, 1])), [0, 2, 1]) : n.forward(x);
  }

  override forward(x: Tensor, thwShape: number[]): [Tensor, number[]] {
    if (!(x instanceof Tensor) || x.rank !== 3 || x.shape[2] !== this.dim) {
      throw new ShapeError(`MultiScaleBlock(dim=${this.dim}, dim_out=${this.dimOut}): expected tokens [B, N, ${this.dim}], got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
    }
    const [xBlock, thwNew] = this.attn.forward(this.norm(this.norm1, x), thwShape);
    const [xRes] = attentionPool(x, this.poolSkip, thwShape, this.hasClsEmbed);
    x = ops.add(xRes, this.dropPath.forward(xBlock));
    const xNorm = this.norm(this.norm2, x);
    const xMlp = this.mlp.forward(xNorm);
    if (this.proj) x = this.proj.forward(xNorm);
    return [ops.add(x, this.dropPath.forward(xMlp)), thwNew];
  }
}
