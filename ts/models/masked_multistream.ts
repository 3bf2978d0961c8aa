// pytorchvideo.models.masked_multistream: modules whose forward takes (x, mask), the mask being a
// boolean (u8) [batch, seq_len] tensor, false (0) = invalid step. MaskedSequential passes the mask
// to the modules that take one; MaskedMultiPathWay runs one such stream per pathway, then fuses.
//
// As in PyTorchVideo, TransposeMultiheadAttention and TransposeTransformerEncoder set mask[:, 0]
// to true IN PLACE (each row needs one valid key); later modules of a MaskedSequential, and the
// caller, see the modified mask. This is kept so outputs match PyTorchVideo's.
import { nn, ops, Tensor, keep, noGrad, ArgumentError, ShapeError, fmtShape } from '../runtime/index.js';
import { MultiheadAttention } from './layers/multihead_attention.js';
import { TorchLSTM } from './layers/lstm.js';
import { TransformerEncoder, TransformerEncoderLayer } from './layers/transformer_encoder.js';

type Module = InstanceType<typeof nn.Module>;

const shapeOf = (t: unknown) => (t instanceof Tensor ? fmtShape(t.shape) : typeof t);

/** The mask as 0/1 numbers, checked to be [B, T] (or [B, ...] when `anyRank`). */
function maskRows(who: string, mask: unknown, B: number, T: number | null, x: Tensor): { v: number[]; per: number } {
  if (!(mask instanceof Tensor) || (T !== null ? mask.rank !== 2 || mask.shape[1] !== T : mask.rank < 1) || mask.shape[0] !== B) {
    throw new ShapeError(`${who}: mask must be a [${B}, ${T ?? 'seq_len'}] boolean tensor for input ${fmtShape(x.shape)}, got ${shapeOf(mask)}`);
  }
  if (mask.dtype !== 'u8' && mask.dtype !== 'i32' && mask.dtype !== 'f32') {
    throw new ShapeError(`${who}: mask must be boolean (u8), got dtype ${mask.dtype}`);
  }
  return { v: Array.from(mask.toArray() as ArrayLike<number>, (a) => (a ? 1 : 0)), per: mask.size / B };
}

/** mask[:, 0] = true, in place (PyTorchVideo's key_padding_mask guard), returning the padding mask ~mask. */
function guardAndInvert(mask: Tensor): Tensor {
  const d = mask.data();
  const per = mask.size / mask.shape[0];
  // Storage is row-major for rank-2 tensors (layouts only differ for rank 4 / 5).
  for (let b = 0; b < mask.shape[0]; b++) d[b * per] = 1;
  const inv = new Uint8Array(mask.size);
  const v = mask.toArray() as ArrayLike<number>;
  for (let i = 0; i < inv.length; i++) inv[i] = v[i] ? 0 : 1;
  return Tensor.from(inv, mask.shape, { dtype: 'u8' });
}

export type MaskedPoolMethod = 'max' | 'avg' | 'sum';

/** Pools [B, T, C] over T, ignoring invalid steps: max, average of valid steps, or their sum. Rows with no valid step give 0. */
export class MaskedTemporalPooling extends nn.Module {
  constructor(readonly method: MaskedPoolMethod) {
    super();
    if (!['max', 'avg', 'sum'].includes(method)) throw new ArgumentError(`MaskedTemporalPooling: method must be 'max', 'avg' or 'sum', got ${JSON.stringify(method)}`);
  }
  override forward(x: Tensor, mask: Tensor | null = null): Tensor {
    if (!(x instanceof Tensor) || x.rank !== 3) throw new ShapeError(`MaskedTemporalPooling(${this.method}): input must be [batch, seq_len, feature_dim], got ${shapeOf(x)}`);
    const [B, T] = x.shape;
    const m = mask ? maskRows(`MaskedTemporalPooling(${this.method})`, mask, B, T, x).v : new Array<number>(B * T).fill(1);
    const rowValid = Array.from({ length: B }, (_, b) => m.slice(b * T, b * T + T).some((v) => v === 1));
    if (this.method === 'max') {
      // Invalid steps -> -inf; rows with no valid step are zeroed (then their max is 0).
      const keep = new Float32Array(B * T), addend = new Float32Array(B * T);
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
        keep[b * T + t] = rowValid[b] ? 1 : 0;
        addend[b * T + t] = rowValid[b] && !m[b * T + t] ? -Infinity : 0;
      }
      const y = ops.add(ops.mul(x, Tensor.from(keep, [B, T, 1])), Tensor.from(addend, [B, T, 1]));
      return ops.max(y, 1).values;
    }
    const s = ops.sum(ops.mul(x, Tensor.from(Float32Array.from(m), [B, T, 1])), 1);
    if (this.method === 'sum') return s;
    const count = Float32Array.from({ length: B }, (_, b) => Math.max(1, m.slice(b * T, b * T + T).reduce((p, v) => p + v, 0)));
    return ops.div(s, Tensor.from(count, [B, 1]));
  }
  override extraRepr(): string { return `method=${this.method}`; }
}

/** nn.MultiheadAttention over [B, T, C] (transposed to [T, B, C] and back), invalid steps masked as keys. */
export class TransposeMultiheadAttention extends nn.Module {
  readonly attention: MultiheadAttention;
  private weights: Tensor | null = null;
  constructor(readonly featureDim: number, readonly numHeads = 1) {
    super();
    this.attention = this.registerModule('_attention', new MultiheadAttention(featureDim, numHeads));
  }
  /** Head-averaged attention weights [B, T, T] of the last forward call (detached; owned by the module). */
  get attentionWeights(): Tensor | null { return this.weights; }
  override forward(x: Tensor, mask: Tensor | null = null): Tensor {
    const who = `TransposeMultiheadAttention(${this.featureDim}, heads=${this.numHeads})`;
    if (!(x instanceof Tensor) || x.rank !== 3 || x.shape[2] !== this.featureDim) {
      throw new ShapeError(`${who}: input must be [batch, seq_len, ${this.featureDim}], got ${shapeOf(x)}`);
    }
    let padding: Tensor | null = null;
    if (mask !== null) {
      maskRows(who, mask, x.shape[0], x.shape[1], x);
      padding = guardAndInvert(mask);
    }
    const xt = ops.transpose(x, 0, 1);
    const [out, w] = this.attention.forward(xt, xt, xt, { keyPaddingMask: padding });
    // A detached copy kept out of tidy() scopes (so it outlives the caller's scope), replacing the previous one.
    this.weights?.dispose();
    this.weights = w ? keep(noGrad(() => w.detach())) : null;
    return ops.transpose(out, 0, 1);
  }
  override dispose(): void {
    this.weights?.dispose();
    this.weights = null;
    super.dispose();
  }
}

/** Replaces rows whose mask has no valid entry by a learned default vector. */
export class LearnMaskedDefault extends nn.Module {
  constructor(readonly featureDim: number, readonly initMethod: 'gaussian' | 'zeros' = 'gaussian', readonly freeze = false) {
    super();
    let p: Tensor;
    if (initMethod === 'zeros') p = Tensor.zeros([featureDim]);
    else if (initMethod === 'gaussian') p = nn.init.normal_(Tensor.empty([featureDim]));
    else throw new ArgumentError(`LearnMaskedDefault: initMethod ${JSON.stringify(initMethod)} not available. Options are: 'zeros' or 'gaussian'`);
    this.registerParameter('_learned_defaults', p, { requiresGrad: !freeze });
  }
  override forward(x: Tensor, mask: Tensor): Tensor {
    const who = `LearnMaskedDefault(${this.featureDim})`;
    if (!(x instanceof Tensor) || x.rank < 1 || x.shape[x.rank - 1] !== this.featureDim) {
      throw new ShapeError(`${who}: input must be [batch, ..., ${this.featureDim}], got ${shapeOf(x)}`);
    }
    const B = x.shape[0];
    const { v, per } = maskRows(who, mask, B, null, x);
    const any = Float32Array.from({ length: B }, (_, b) => (v.slice(b * per, b * per + per).some((a) => a === 1) ? 1 : 0));
    const shape = [B, ...Array(x.rank - 1).fill(1)];
    const m = Tensor.from(any, shape), inv = Tensor.from(any.map((a) => 1 - a), shape);
    return ops.add(ops.mul(x, m), ops.mul(this.getAttr('_learned_defaults') as Tensor, inv));
  }
}

/** PyTorchVideo's masked LSTM: runs nn.LSTM (batch first) over each row's first sum(mask) steps; returns the final hidden state [B, H] ([B, 2H] bidirectional). */
export class LSTM extends nn.Module {
  readonly lstm: TorchLSTM;
  readonly outputDim: number;
  constructor(readonly dimIn: number, readonly hiddenDim: number, readonly dropout = 0.0, readonly bidirectional = false) {
    super();
    this.lstm = this.registerModule('lstm', new TorchLSTM(dimIn, hiddenDim, { batchFirst: true, dropout, bidirectional }));
    this.outputDim = bidirectional ? 2 * hiddenDim : hiddenDim;
  }
  override forward(data: Tensor, mask: Tensor | null = null): Tensor {
    const who = `LSTM(${this.dimIn}, ${this.hiddenDim})`;
    if (!(data instanceof Tensor) || data.rank !== 3 || data.shape[2] !== this.dimIn) {
      throw new ShapeError(`${who}: data must be [batch, seq_len, ${this.dimIn}], got ${shapeOf(data)}`);
    }
    const [B, T] = data.shape;
    const m = mask ? maskRows(who, mask, B, T, data).v : new Array<number>(B * T).fill(1);
    // lengths = mask.sum(1).clamp(1, T): the first `lengths` steps are used, wherever the valid ones are.
    const lengths = Array.from({ length: B }, (_, b) => Math.min(T, Math.max(1, m.slice(b * T, b * T + T).reduce((p, v) => p + v, 0))));
    const [, [h]] = this.lstm.forward(data, null, { lengths });
    const layer = (i: number) => ops.squeeze(ops.slice(h, 0, i, i + 1), 0);
    return this.bidirectional ? ops.cat([layer(0), layer(1)], -1) : layer(h.shape[0] - 1);
  }
}

/** nn.TransformerEncoder(nn.TransformerEncoderLayer(dimIn, numHeads), numLayers) over [B, T, C]; returns the first token's output [B, C]. */
export class TransposeTransformerEncoder extends nn.Module {
  readonly encoder: TransformerEncoder;
  constructor(readonly dimIn: number, readonly numHeads = 1, readonly numLayers = 1) {
    super();
    // TransformerEncoder copies the template layer (as nn.TransformerEncoder deep-copies it); free the template.
    const template = new TransformerEncoderLayer(dimIn, numHeads);
    this.encoder = this.registerModule('encoder', new TransformerEncoder(template, numLayers));
    template.dispose();
  }
  override forward(data: Tensor, mask: Tensor | null = null): Tensor {
    const who = `TransposeTransformerEncoder(${this.dimIn}, heads=${this.numHeads})`;
    if (!(data instanceof Tensor) || data.rank !== 3 || data.shape[2] !== this.dimIn) {
      throw new ShapeError(`${who}: data must be [batch, seq_len, ${this.dimIn}], got ${shapeOf(data)}`);
    }
    let padding: Tensor | null = null;
    if (mask !== null) {
      maskRows(who, mask, data.shape[0], data.shape[1], data);
      padding = guardAndInvert(mask);
    }
    const out = this.encoder.forward(ops.transpose(data, 0, 1), { srcKeyPaddingMask: padding });
    return ops.squeeze(ops.slice(out, 0, 0, 1), 0);
  }
}

const MASK_MODULES = [MaskedTemporalPooling, LearnMaskedDefault, TransposeMultiheadAttention, LSTM, TransposeTransformerEncoder];

/** nn.Sequential whose forward(input, mask) hands the mask to the masked modules above. */
export class MaskedSequential extends nn.Sequential {
  override forward(input: any, mask?: Tensor): any {
    if (mask === undefined) throw new ArgumentError('MaskedSequential: forward takes (input, mask)');
    let x = input;
    for (const m of this) x = MASK_MODULES.some((c) => m instanceof c) ? m.forward(x, mask) : m.forward(x);
    return x;
  }
}

/** One masked stream per pathway, each called with its (x, mask), then the fusion over their outputs. */
export class MaskedMultiPathWay extends nn.Module {
  readonly multipathwayBlocks: InstanceType<typeof nn.ModuleList>;
  readonly multipathwayFusion: Module | null;
  constructor({ multipathwayBlocks, multipathwayFusion }: { multipathwayBlocks: Module[] | InstanceType<typeof nn.ModuleList>; multipathwayFusion: Module | null }) {
    super();
    this.multipathwayBlocks = this.registerModule('multipathway_blocks', multipathwayBlocks instanceof nn.ModuleList ? multipathwayBlocks : new nn.ModuleList(multipathwayBlocks));
    this.multipathwayFusion = this.registerModule('multipathway_fusion', multipathwayFusion);
  }
  /** Without a fusion the list of pathway outputs is returned (PyTorchVideo would fail there). */
  override forward(xAndMask: [Tensor, Tensor][]): any {
    const n = this.multipathwayBlocks.length;
    if (!Array.isArray(xAndMask) || xAndMask.length !== n || xAndMask.some((p) => !Array.isArray(p) || p.length !== 2)) {
      const got = Array.isArray(xAndMask) ? `a list of ${xAndMask.length}: [${xAndMask.map((p) => (Array.isArray(p) ? `(${p.map(shapeOf).join(', ')})` : shapeOf(p))).join(', ')}]` : shapeOf(xAndMask);
      throw new ArgumentError(`MaskedMultiPathWay: expected ${n} (x, mask) pairs, one per pathway, got ${got}`);
    }
    const out = xAndMask.map(([x, m], i) => this.multipathwayBlocks.get(i).forward(x, m));
    return this.multipathwayFusion ? this.multipathwayFusion.forward(out) : out;
  }
}
